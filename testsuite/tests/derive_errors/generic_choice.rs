use actix_wizard::Choice;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Serialize, Deserialize, Choice)]
enum Plan<T> {
    Free,
    Paid(T),
}

fn main() {}
