//! Changing an existing booking: a wizard mounted at
//! `/bookings/{booking}/change`, one run per booking, opened with the
//! booking as it is.
//!
//! Shared by `main.rs` (the server) and the integration tests.

use std::collections::BTreeMap;
use std::sync::Mutex;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_wizard::{
    Admission, Choice, Date, Finish, FinishError, ResourceKey, Step, Steps, Wizard, WizardService,
    page::CompletePage, resource,
};
use serde::{Deserialize, Serialize};
use validator::Validate;

// ---------------------------------------------------------------- bookings

/// The time of day of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
pub enum Sitting {
    #[choice(label = "Lunch", hint = "12:00 to 14:30")]
    Lunch,
    #[choice(label = "Dinner", hint = "18:00 to 22:00")]
    Dinner,
}

/// A booking as the restaurant keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub date: Date,
    pub sitting: Sitting,
    pub guests: u32,
    pub name: String,
    /// The guests have arrived: the booking can no longer be changed.
    pub checked_in: bool,
}

/// The restaurant's bookings (in memory: this is an example).
pub struct Bookings(Mutex<BTreeMap<u32, Booking>>);

impl Bookings {
    /// Three bookings to change (or not): 7 and 8 open, 9 checked in.
    pub fn sample() -> Self {
        let date = |day| Date::from_ymd(2030, 6, day).unwrap_or_else(|| panic!("a date"));
        let booking = |day, sitting, guests, name: &str, checked_in| Booking {
            date: date(day),
            sitting,
            guests,
            name: name.to_owned(),
            checked_in,
        };
        Self(Mutex::new(BTreeMap::from([
            (7, booking(14, Sitting::Dinner, 2, "Ann Lee", false)),
            (8, booking(15, Sitting::Lunch, 4, "Bo Chan", false)),
            (9, booking(1, Sitting::Lunch, 3, "Cy Diaz", true)),
        ])))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, Booking>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The booking `id`, as it stands.
    pub fn get(&self, id: u32) -> Option<Booking> {
        self.lock().get(&id).cloned()
    }

    /// Every booking's id, in order.
    pub fn ids(&self) -> Vec<u32> {
        self.lock().keys().copied().collect()
    }

    /// Changes booking `id` if it may still be changed, in one step:
    /// `None` when it is gone, `Some(false)` when its guests have checked
    /// in since the change began.
    fn change_open(&self, id: u32, change: impl FnOnce(&mut Booking)) -> Option<bool> {
        let mut bookings = self.lock();
        let booking = bookings.get_mut(&id)?;
        if booking.checked_in {
            return Some(false);
        }
        change(booking);
        Some(true)
    }

    /// The guests of booking `id` arrive: it can no longer be changed.
    // The example itself has no check-in desk; the tests arrive with it.
    #[allow(dead_code)]
    pub fn check_in(&self, id: u32) {
        if let Some(booking) = self.lock().get_mut(&id) {
            booking.checked_in = true;
        }
    }
}

/// The path of a booking's pages: a booking's number, however it is
/// written (`007`, `+7` and `7` are booking 7, which has one run).
#[derive(Debug, Serialize, Deserialize)]
struct BookingPath {
    booking: u32,
}

/// The booking the request is on, and the bookings.
fn booking_of(request: &HttpRequest) -> Option<(u32, &web::Data<Bookings>)> {
    let path: BookingPath = resource(request)?;
    Some((path.booking, request.app_data::<web::Data<Bookings>>()?))
}

// ---------------------------------------------------------------- steps

/// The error of a change finished after the guests checked in.
pub const CHECKED_IN: &str = "This booking can no longer be changed: its guests have checked in";

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "when", title = "When would you like to come?")]
pub struct When {
    #[field(label = "Date", hint = "For example, 14 6 2030")]
    #[validate(custom(function = "Date::in_the_future"))]
    pub date: Date,
    #[field(label = "Sitting")]
    #[validate(required(message = "Select lunch or dinner"))]
    pub sitting: Option<Sitting>,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "party", title = "Who is coming?")]
pub struct Party {
    #[field(
        label = "Number of guests",
        width = 2,
        type_error = "Enter a number of guests"
    )]
    #[validate(
        required(message = "Enter a number of guests"),
        range(min = 1, max = 12)
    )]
    pub guests: Option<u32>,
    #[field(label = "Name for the booking", autocomplete = "name")]
    #[validate(length(min = 1, max = 60))]
    pub name: String,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check your changes", button = "Save changes")]
pub struct Check {
    #[field(label = "Confirmation", checkbox = "Email me the new details")]
    pub email_me: bool,
}

// ---------------------------------------------------------------- the wizard

/// A change to one booking: the booking's path names which.
#[derive(Debug, Default)]
pub struct ChangeBooking {
    pub when: When,
    pub party: Party,
    pub check: Check,
}

/// What the confirmation page says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Changed {
    pub booking: u32,
    pub summary: String,
}

impl Wizard for ChangeBooking {
    const ID: &'static str = "change_booking";
    type Outcome = Changed;

    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|c| &mut c.when)
            .step(|c| &mut c.party)
            .step(|c| &mut c.check)
    }

    /// A booking's pages are keyed by its number.
    fn resource_key(request: &HttpRequest) -> Option<ResourceKey> {
        ResourceKey::of::<BookingPath>(request)
    }

    /// Only a booking that exists, and has not been checked in.
    async fn admit(request: &HttpRequest) -> Admission {
        match booking_of(request).and_then(|(id, bookings)| bookings.get(id)) {
            None => Admission::NotFound,
            Some(booking) if booking.checked_in => Admission::Forbidden,
            Some(_) => Admission::Allowed,
        }
    }

    /// The change starts from the booking as it is.
    async fn prefill(request: &HttpRequest) -> Option<Self> {
        let (id, bookings) = booking_of(request)?;
        let booking = bookings.get(id)?;
        Some(Self {
            when: When {
                date: booking.date,
                sitting: Some(booking.sitting),
            },
            party: Party {
                guests: Some(booking.guests),
                name: booking.name,
            },
            check: Check::default(),
        })
    }

    async fn finish(self, finish: &Finish) -> Result<Changed, FinishError> {
        let (id, bookings) =
            booking_of(finish.request()).ok_or_else(|| FinishError::failed("no such booking"))?;
        let guests = self.party.guests.unwrap_or(1);
        let sitting = self.when.sitting.unwrap_or(Sitting::Dinner);
        // Admitted when the change began; checked again now, with the
        // change itself, since the guests may have arrived meanwhile.
        let changed = bookings.change_open(id, |booking| {
            booking.date = self.when.date;
            booking.sitting = sitting;
            booking.guests = guests;
            booking.name = self.party.name.clone();
        });
        match changed {
            None => return Err(FinishError::failed("the booking is gone")),
            Some(false) => {
                return Err(FinishError::invalid_field(When::DATE, CHECKED_IN));
            }
            Some(true) => {}
        }
        Ok(Changed {
            booking: id,
            summary: format!("{guests} guests on {} for {sitting:?}", self.when.date),
        })
    }

    fn render_complete(done: &Changed, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        let heading = format!("Booking {} changed", done.booking);
        page.confirmation("Booking changed", &heading, &done.summary)
    }
}

// ---------------------------------------------------------------- routes

/// The bookings, each with a link to change it.
async fn home(bookings: web::Data<Bookings>) -> HttpResponse {
    let links: String = bookings
        .ids()
        .iter()
        .map(|id| format!("<li><a href=\"/bookings/{id}/change\">Change booking {id}</a></li>"))
        .collect();
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Bookings</title></head><body><main><h1>Bookings</h1><ul>{links}</ul>\
             </main></body></html>"
        ))
}

/// The example's routes: the change wizard under each booking, and `/`
/// listing the bookings.
pub fn routes(
    change: WizardService<ChangeBooking>,
    bookings: web::Data<Bookings>,
) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config
            .app_data(bookings)
            .route("/", web::get().to(home))
            .service(change);
    }
}
