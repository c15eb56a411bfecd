//! The derive macros of `actix-wizard`: `#[derive(Step)]` for a step's
//! struct and `#[derive(Choice)]` for the unit enums its choices are.
//!
//! Use them through `actix_wizard` (`use actix_wizard::{Choice, Step};`):
//! the generated code names that crate's items.

//!
//! Each derive works in three parts, as serde's and validator's do:
//! [`model`] reads the input's attributes into a model (refusing an
//! unknown, repeated or wrongly typed attribute), [`check`] checks that
//! the model makes sense and resolves what it implies, and [`expand`]
//! writes the code.

use proc_macro::TokenStream;
use syn::{DeriveInput, Error, parse_macro_input};

mod case;
mod check;
mod expand;
mod model;
mod rules;

/// Implements `actix_wizard::Step` from the struct's declaration.
///
/// On the struct: `#[step(name = "...", title = "...")]`, and optionally
/// `check = path` (an `async fn(&Self, &HttpRequest) -> FieldErrors`),
/// `render = path` (a `fn(&Page) -> Result<String, askama::Error>`, for a
/// page of its own), `button = "..."` (the main button's label),
/// `check_once` (`check` runs when the step is submitted, not again at
/// the finish) and
/// `unchecked_placement` (the page places its fields behind conditions). On each field: `#[field(label = "...", ...)]`; see
/// the crate's README for every attribute.
#[proc_macro_derive(Step, attributes(step, field))]
pub fn derive_step(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    model::read_step(&input)
        .and_then(|model| check::step(&model).map(|checked| expand::step(&checked)))
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// Implements `actix_wizard::field::Choices` and `actix_wizard::field::FieldValue` for a
/// unit enum: each variant's form value is its serde name, its label
/// `#[choice(label = "...")]` (or the variant's name in words), with an
/// optional `hint = "..."`.
#[proc_macro_derive(Choice, attributes(choice))]
pub fn derive_choice(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    model::read_choice(&input)
        .and_then(|model| check::choice(&model).map(|()| expand::choice(&model)))
        .unwrap_or_else(Error::into_compile_error)
        .into()
}
