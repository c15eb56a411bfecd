use actix_wizard::{FieldErrors, Step};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "contact", title = "Contact")]
struct Contact {
    #[field(label = "Email", kind = "email")]
    email: String,
}

fn main() {
    let mut errors = FieldErrors::new();
    errors.add(Contact::EMIAL, "taken");
}
