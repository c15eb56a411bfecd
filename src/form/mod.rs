//! From a request body to a typed step value, and back to form values.
//!
//! The path is: body bytes → [`RawForm`] (every field as typed, kept as
//! the draft) → the step's struct, decoded leniently so that a value of the
//! wrong type becomes a field error ([`Mismatch`]) instead of failing the
//! whole request.

mod decode;
mod raw;
mod text;

pub use decode::Mismatch;
pub(crate) use decode::{Shape, decode, parse_yes_no, shape_of};
pub use raw::{FormLimits, MalformedForm, RawForm};
pub use text::TextProblem;
pub(crate) use text::{email_address, problem as text_problem};
