use actix_wizard::Choice;
use serde::{Deserialize, Serialize};

#[derive(Default, Clone, Copy, Serialize, Deserialize, Choice)]
enum Plan {
    #[default]
    #[choice(label = "Free", help = "No card needed")]
    Free,
}

fn main() {}
