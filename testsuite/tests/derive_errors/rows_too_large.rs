use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "About you")]
struct About {
    #[field(kind = "textarea", rows = 300)]
    bio: String,
}

fn main() {}
