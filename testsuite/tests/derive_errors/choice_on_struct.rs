use actix_wizard::Choice;
use serde::{Deserialize, Serialize};

#[derive(Default, Clone, Copy, Serialize, Deserialize, Choice)]
struct Plan {
    free: bool,
}

fn main() {}
