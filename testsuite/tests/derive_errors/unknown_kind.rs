use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "contact", title = "Contact")]
struct Contact {
    #[field(label = "Email", kind = "e-mail")]
    email: String,
}

fn main() {}
