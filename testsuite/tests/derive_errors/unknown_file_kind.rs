use actix_wizard::Step;
use actix_wizard::upload::Upload;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Your receipt")]
struct Receipt {
    #[field(label = "Receipt", accept = "pdf, gif")]
    receipt: Option<Upload>,
}

fn main() {}
