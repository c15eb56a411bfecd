use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Contact")]
struct Contact {
    #[field(label = "Email", label = "Email address")]
    email: String,
}

fn main() {}
