use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "Contact Details", title = "Contact")]
struct Contact {
    email: String,
}

fn main() {}
