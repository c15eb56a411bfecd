//! A car-insurance quote: three steps and a check page. Every message is
//! the crate's default, worded from each field's label or subject.

use actix_wizard::{Choice, Date, Finish, FinishError, Step, Steps, Wizard, page::CompletePage};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "driver", title = "About the driver")]
pub struct Driver {
    #[field(label = "Full name", autocomplete = "name")]
    #[validate(length(min = 1, max = 70))]
    pub name: String,
    #[field(
        label = "Date of birth",
        subject = "your date of birth",
        hint = "For example, 27 3 1990"
    )]
    #[validate(required, custom(function = "Date::in_the_past"))]
    pub born: Option<Date>,
    #[field(
        label = "How many years have you held a full licence?",
        subject = "the years you have held a full licence",
        width = 2
    )]
    #[validate(required, range(max = 70))]
    pub licence_years: Option<u8>,
}

#[derive(Clone, Copy, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
pub enum Use {
    #[choice(label = "Social, domestic and pleasure")]
    Social,
    #[choice(label = "Commuting to work")]
    Commuting,
    #[choice(label = "Business")]
    Business,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "car", title = "About the car")]
pub struct Car {
    #[field(label = "Registration number", uppercase, width = 10)]
    #[validate(length(min = 2, max = 8))]
    pub registration: String,
    #[field(
        label = "What is the car worth?",
        subject = "the value of the car",
        prefix = "£"
    )]
    #[validate(required, range(min = 500, max = 250_000))]
    pub value: Option<u32>,
    #[field(
        label = "What do you use the car for?",
        subject = "what you use the car for"
    )]
    #[validate(required)]
    pub usage: Option<Use>,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "cover", title = "Your cover")]
pub struct Cover {
    #[field(
        label = "When should the cover start?",
        subject = "the start date",
        hint = "For example, 1 2 2027"
    )]
    #[validate(required, custom(function = "Date::in_the_future"))]
    pub starts: Option<Date>,
    #[field(
        label = "How much excess do you want to pay?",
        subject = "the excess",
        kind = "select",
        options = "0=None, 100=£100, 250=£250, 500=£500"
    )]
    #[validate(required)]
    pub excess: Option<u32>,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check your answers", button = "Get my quote")]
pub struct Check {}

#[derive(Default)]
pub struct Quote {
    pub driver: Driver,
    pub car: Car,
    pub cover: Cover,
    pub check: Check,
}

impl Wizard for Quote {
    const ID: &'static str = "quote";
    type Outcome = u32;

    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|q| &mut q.driver)
            .step(|q| &mut q.car)
            .step(|q| &mut q.cover)
            .step(|q| &mut q.check)
    }

    async fn finish(self, _: &Finish) -> Result<u32, FinishError> {
        Ok(self.price())
    }

    fn render_complete(price: &u32, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation(
            "Your quote",
            format_args!("£{price} a year"),
            "This quote lasts 30 days.",
        )
    }
}

impl Quote {
    /// A year's premium in pounds: a made-up formula for the example.
    pub fn price(&self) -> u32 {
        let value = self.car.value.unwrap_or_default() / 100;
        let experience = u32::from(self.driver.licence_years.unwrap_or_default().min(10)) * 15;
        let business = matches!(self.car.usage, Some(Use::Business)) as u32 * 120;
        let excess = self.cover.excess.unwrap_or_default() / 5;
        (300 + value + business)
            .saturating_sub(experience + excess)
            .max(150)
    }
}
