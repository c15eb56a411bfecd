use actix_wizard::Step;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Your cover")]
struct Cover {
    #[field(label = "Excess", options = "0, 100, 250")]
    excess: Option<u32>,
}

fn main() {}
