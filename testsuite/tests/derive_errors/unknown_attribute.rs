use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "contact", title = "Contact")]
struct Contact {
    #[field(lable = "Email")]
    email: String,
}

fn main() {}
