use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Contact")]
struct Contact {
    #[field(label = "How should we contact you?", subject = "how we should contact you")]
    contact: String,
    #[field(label = "Phone number", revealed_by = "contact")]
    phone: Option<String>,
}

fn main() {}
