//! A car-insurance quote, `cargo run --example quote`: a new user's
//! wizard, written from the README alone. `ADDR` sets the address
//! (default `127.0.0.1:8083`).

mod app;

use actix_web::{App, HttpServer, cookie::Key};
use actix_wizard::{MemoryStore, WizardConfig, WizardSetup};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:8083".to_owned());
    let config = WizardConfig::default()
        .secure_cookies(false) // plain http in development
        .service_name("Get a car insurance quote");
    let setup = WizardSetup::new(MemoryStore::default(), Key::generate(), config);
    let quote = setup.wizard::<app::Quote>("/quote");
    let server =
        HttpServer::new(move || App::new().wrap(setup.middleware()).service(quote.clone()))
            .bind(&addr)?;
    println!("listening on http://{addr}/quote");
    server.run().await
}
