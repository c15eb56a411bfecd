use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = 5)]
struct Contact {
    email: String,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Address")]
struct Address {
    #[field(optional = "yes")]
    line_two: String,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Code")]
struct Code {
    #[field(width = "10")]
    code: String,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Checked", check = "check_it")]
struct Checked {
    code: String,
}

fn main() {}
