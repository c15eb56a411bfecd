//! The booking example: change an existing booking at
//! `/bookings/{booking}/change`, one run per booking.
//!
//! Run it with `cargo run --example booking` and open the address it
//! prints. `ADDR` sets the address (default `127.0.0.1:8081`).

mod app;

use actix_web::cookie::Key;
use actix_web::{App, HttpServer, web};
use actix_wizard::{MemoryStore, WizardConfig, WizardSetup};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8081".to_owned());
    // Plain http on 127.0.0.1 during development; a new key per start
    // (the embedded store forgets everything on a restart anyway).
    let config = WizardConfig::default().secure_cookies(false);
    let setup = WizardSetup::new(MemoryStore::default(), Key::generate(), config);
    let change = setup.wizard::<app::ChangeBooking>("/bookings/{booking}/change");
    let bookings = web::Data::new(app::Bookings::sample());
    let server = HttpServer::new(move || {
        App::new()
            .wrap(setup.middleware())
            .configure(app::routes(change.clone(), bookings.clone()))
    })
    .bind(&addr)?;
    println!("listening on http://{addr}");
    server.run().await
}
