use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[allow(non_camel_case_types)]
#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Über uns")]
struct Über {
    text: String,
}

fn main() {}
