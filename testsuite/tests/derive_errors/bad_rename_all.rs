use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[serde(rename_all = "shouting")]
#[step(title = "Contact")]
struct Contact {
    email: String,
}

fn main() {}
