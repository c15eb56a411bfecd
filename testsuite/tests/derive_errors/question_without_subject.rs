use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Your licence")]
struct Licence {
    #[field(label = "How many years have you held a full licence?")]
    years: Option<u32>,
}

fn main() {}
