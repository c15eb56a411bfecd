use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Contact")]
struct Contact {
    email: String,
    #[serde(skip)]
    #[field(label = "Cache")]
    cache: String,
}

fn main() {}
