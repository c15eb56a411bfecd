use actix_wizard::Choice;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Serialize, Deserialize, Choice)]
enum Plan {
    #[serde(skip)]
    Hidden,
}

fn main() {}
