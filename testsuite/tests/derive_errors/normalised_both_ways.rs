use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Code")]
struct Code {
    #[field(uppercase, lowercase)]
    code: String,
}

fn main() {}
