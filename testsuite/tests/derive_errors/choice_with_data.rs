use actix_wizard::Choice;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Choice)]
enum Plan {
    Free,
    Paid(u32),
}

fn main() {}
