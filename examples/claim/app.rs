//! The claim example's wizard: an expenses claim, kept in a database with
//! a reference once finished.
//!
//! What is here: eligibility, the claimant, the list of expenses (each
//! with its details and, for travel, its journey), the bank details and
//! the check page with the total, finishing once per run into SQLite (or
//! PostgreSQL) with a `CLM-` reference; `no` on eligibility leads to an
//! exit page. Receipts, the revealed phone field, saving to come back
//! later and Welsh come with the issues that build them.

use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use actix_wizard::catalogue::{Catalogue, CatalogueError};
use actix_wizard::page::{Answer, CompletePage, Layout, Texts};
use actix_wizard::upload::Upload;
use actix_wizard::{
    Choice, Date, Exit, FieldErrors, Finish, FinishError, Money, Repeat, Step, Steps, Summary,
    Wizard, WizardConfig, WizardService,
};
use regex::Regex;
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

#[path = "claims.rs"]
mod claims;
pub use claims::{Claims, receipt_path};

// ---------------------------------------------------------------- eligibility

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
pub enum YesNo {
    Yes,
    No,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Are you employed by us?")]
pub struct Eligibility {
    #[field(
        label = "Are you employed by us?",
        subject = "whether you are employed by us"
    )]
    #[validate(required(message = "Select yes if you are employed by us"))]
    pub employee: Option<YesNo>,
}

/// Where `no` on eligibility leads: the answer is not stored.
const NOT_ELIGIBLE: Exit = Exit::new(
    "not-eligible",
    "You cannot use this service",
    "You can only claim expenses through this service if you are employed by us.\n\n\
     If you work for us through an agency, ask your agency how to claim.",
);

// ---------------------------------------------------------------- claimant

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
pub enum Contact {
    Email,
    Phone,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Your details")]
pub struct Claimant {
    #[field(label = "Full name", autocomplete = "name", spellcheck = false)]
    #[validate(length(
        min = 1,
        max = 100,
        message = "Enter your full name, in 100 characters or fewer"
    ))]
    pub full_name: String,
    #[field(label = "Email address", kind = "email", autocomplete = "email")]
    #[validate(
        length(min = 1, message = "Enter your email address"),
        email(message = "Enter an email address in the correct format, like name@example.com")
    )]
    pub email: String,
    #[field(
        label = "How should we contact you?",
        subject = "how we should contact you"
    )]
    #[validate(required(message = "Select how we should contact you"))]
    pub contact: Option<Contact>,
    /// Asked beneath the phone option, and only kept when it is chosen.
    #[field(
        label = "Phone number",
        kind = "tel",
        autocomplete = "tel",
        hint = "For example, 01632 960 001 or +44 7700 900 982",
        revealed_by = "contact=phone"
    )]
    #[validate(
        required(message = "Enter a phone number, as you chose phone"),
        custom(function = "uk_phone")
    )]
    pub phone: Option<String>,
}

/// A UK number once spaces, dashes and brackets are gone: 10 or 11
/// digits starting with 0, or +44 and 10 digits.
fn uk_phone(phone: &str) -> Result<(), ValidationError> {
    static UK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(0\d{9,10}|\+44\d{10})$").unwrap_or_else(|e| panic!("phone pattern: {e}"))
    });
    let bare: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    match UK.is_match(&bare) {
        true => Ok(()),
        false => Err(ValidationError::new("phone").with_message(
            "Enter a UK phone number, like 01632 960 001 or +44 7700 900 982".into(),
        )),
    }
}

// ---------------------------------------------------------------- expenses

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Travel,
    Meals,
    Accommodation,
    Other,
}

fn claimable(amount: &Money) -> Result<(), ValidationError> {
    let most = Money::from_pounds(5000).unwrap_or_default();
    match (amount.is_zero(), *amount > most) {
        (false, false) => Ok(()),
        _ => Err(ValidationError::new("amount")
            .with_message("Enter an amount more than £0 and at most £5,000.00".into())),
    }
}

/// An expense's details: its first step.
#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "expense", title = "Add an expense")]
pub struct ExpenseDetails {
    #[field(label = "Date of the expense", hint = "For example, 27 3 2026")]
    #[validate(
        required(message = "Enter the date of the expense"),
        custom(function = "actix_wizard::Date::today_or_earlier")
    )]
    pub date: Option<Date>,
    #[field(label = "What was it for?", subject = "what the expense was for")]
    #[validate(required(message = "Select what the expense was for"))]
    pub category: Option<Category>,
    #[field(label = "Description", hint = "For example, taxi to the airport")]
    #[validate(length(
        min = 1,
        max = 200,
        message = "Enter a description, in 200 characters or fewer"
    ))]
    pub description: String,
    #[field(label = "Amount, in pounds")]
    #[validate(required(message = "Enter the amount"), custom(function = "claimable"))]
    pub amount: Option<Money>,
}

/// A travel expense's journey: asked only for travel.
#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "journey", title = "Your journey")]
pub struct Journey {
    #[field(label = "From")]
    #[validate(length(
        min = 1,
        max = 100,
        message = "Enter where the journey started, in 100 characters or fewer"
    ))]
    pub from: String,
    #[field(label = "To")]
    #[validate(length(
        min = 1,
        max = 100,
        message = "Enter where the journey ended, in 100 characters or fewer"
    ))]
    pub to: String,
    #[field(label = "Miles travelled", width = 4)]
    #[validate(
        required(message = "Enter the miles travelled"),
        range(
            min = 1,
            max = 1000,
            message = "Enter the miles as a whole number from 1 to 1000"
        )
    )]
    pub miles: Option<u32>,
}

/// An expense's receipt: needed over £25.00 ([`Expense::receipt_needed`]),
/// else optional.
#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "receipt", title = "Upload a receipt")]
pub struct Receipt {
    #[field(
        label = "Receipt",
        subject = "a receipt",
        hint = "A PDF, JPG or PNG, smaller than 10 MB. You need one for an expense over £25.",
        accept = "pdf, jpeg, png",
        max_size = 10485760
    )]
    pub receipt: Option<Upload>,
    #[field(
        label = "Notes about the receipt",
        subject = "the notes",
        kind = "textarea",
        max_chars = 200
    )]
    #[validate(length(max = 200))]
    pub notes: Option<String>,
}

/// One expense of the list.
#[derive(Debug, Default)]
pub struct Expense {
    pub expense: ExpenseDetails,
    pub journey: Option<Journey>,
    pub receipt: Receipt,
}

impl Expense {
    fn is_travel(&self, _: &Claim) -> bool {
        self.expense.category == Some(Category::Travel)
    }

    /// Over £25.00 an expense needs its receipt: read from the item's
    /// amount, when the receipt step is sent and again at the finish.
    fn receipt_needed(&self, receipt: &Receipt) -> FieldErrors {
        let limit = Money::from_pounds(25).unwrap_or_default();
        let over = self.expense.amount.is_some_and(|amount| amount > limit);
        let mut errors = FieldErrors::new();
        if over && receipt.receipt.is_none() {
            errors.add_with_code(
                "receipt",
                "needed",
                "Select a receipt for an expense over £25",
            );
        }
        errors
    }

    fn summary(&self) -> Summary {
        let amount = self
            .expense
            .amount
            .map(|a| a.to_string())
            .unwrap_or_default();
        Summary::new(self.expense.description.clone(), amount)
    }
}

// ---------------------------------------------------------------- bank

/// A sort code, kept as its six digits (spaces and dashes typed with it
/// are dropped) and shown as `12-34-56`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct SortCode(String);

impl From<String> for SortCode {
    fn from(typed: String) -> Self {
        Self(typed.chars().filter(|c| !matches!(c, ' ' | '-')).collect())
    }
}

impl From<SortCode> for String {
    fn from(code: SortCode) -> Self {
        code.0
    }
}

impl actix_wizard::field::FieldValue for SortCode {
    const KIND: actix_wizard::field::Kind = actix_wizard::field::Kind::Text;
    fn display(&self, _: &actix_wizard::page::Texts) -> Option<String> {
        let digits = &self.0;
        match (digits.get(0..2), digits.get(2..4), digits.get(4..6)) {
            (Some(a), Some(b), Some(c)) if digits.len() == 6 => Some(format!("{a}-{b}-{c}")),
            _ => Some(digits.clone()),
        }
    }
}

fn six_digits(code: &SortCode) -> Result<(), ValidationError> {
    match code.0.len() == 6 && code.0.bytes().all(|b| b.is_ascii_digit()) {
        true => Ok(()),
        false => Err(ValidationError::new("sort_code")
            .with_message("Enter a valid sort code like 30-94-36".into())),
    }
}

fn account_number(number: &str) -> Result<(), ValidationError> {
    let digits: Vec<u8> = number.bytes().filter(|b| *b != b' ').collect();
    match (6..=8).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit) {
        true => Ok(()),
        false => Err(ValidationError::new("account_number")
            .with_message("Enter a valid account number like 00733445".into())),
    }
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Bank details")]
pub struct Bank {
    #[field(label = "Name on the account", spellcheck = false)]
    #[validate(length(
        min = 1,
        max = 100,
        message = "Enter the name on the account, in 100 characters or fewer"
    ))]
    pub account_name: String,
    #[field(
        label = "Sort code",
        width = 5,
        inputmode = "numeric",
        hint = "Must be 6 digits long"
    )]
    #[validate(custom(function = "six_digits"))]
    pub sort_code: SortCode,
    #[field(
        label = "Account number",
        width = 10,
        inputmode = "numeric",
        hint = "Must be between 6 and 8 digits long"
    )]
    #[validate(custom(function = "account_number"))]
    pub account_number: String,
}

// ---------------------------------------------------------------- check

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(
    title = "Check your answers before sending your claim",
    button = "Accept and send"
)]
pub struct Check {
    #[field(
        label = "Declaration",
        checkbox = "I confirm the information is correct"
    )]
    #[validate(custom(
        function = "actix_wizard::field::ticked",
        message = "Confirm the information is correct"
    ))]
    pub declaration: bool,
}

// ---------------------------------------------------------------- the wizard

#[derive(Debug, Default)]
pub struct Claim {
    pub eligibility: Eligibility,
    pub claimant: Claimant,
    pub expenses: Vec<Expense>,
    pub bank: Bank,
    pub check: Check,
}

impl Claim {
    /// What the expenses add up to.
    pub fn total(&self) -> Money {
        self.expenses
            .iter()
            .filter_map(|e| e.expense.amount)
            .fold(Money::default(), |sum, amount| {
                sum.checked_add(amount).unwrap_or(sum)
            })
    }
}

/// What the completion page shows.
#[derive(Debug, Serialize, Deserialize)]
pub struct Submitted {
    pub reference: String,
    pub total: Money,
}

impl Wizard for Claim {
    const ID: &'static str = "claim";
    type Outcome = Submitted;

    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|c| &mut c.eligibility)
            .exit_if(|c| c.eligibility.employee == Some(YesNo::No), NOT_ELIGIBLE)
            .step(|c| &mut c.claimant)
            .repeat(
                |c| &mut c.expenses,
                Repeat::new("expenses", "Your expenses")
                    .noun("Expense")
                    .question("Do you need to add another expense?")
                    .min(1)
                    .max(10)
                    .summary(Expense::summary)
                    .step(|e| &mut e.expense)
                    .step_if(|e| &mut e.journey, Expense::is_travel)
                    .step_checked(|e| &mut e.receipt, Expense::receipt_needed),
            )
            .step(|c| &mut c.bank)
            .step(|c| &mut c.check)
    }

    async fn finish(self, finish: &Finish) -> Result<Submitted, FinishError> {
        let claims = finish.data::<Claims>()?;
        let reference = claims.keep(&self, finish.run(), finish.language()).await?;
        // The receipts go to the claim's own place once it is kept (again,
        // harmlessly, when a finish that failed here runs again).
        for (position, expense) in self.expenses.iter().enumerate() {
            if let Some(receipt) = &expense.receipt.receipt {
                let to = receipt_path(&reference, position, receipt);
                finish.keep_file(receipt, &to).await?;
            }
        }
        Ok(Submitted {
            reference,
            total: self.total(),
        })
    }

    fn totals(&self, texts: &Texts) -> Vec<Answer> {
        let label = match texts.lang.as_ref() {
            "cy" => "Cyfanswm a hawlir",
            _ => "Total claimed",
        };
        vec![Answer::new("total", label, self.total().to_string())]
    }

    fn render_complete(done: &Submitted, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        let (reference, total) = (&done.reference, done.total);
        match page.texts().lang.as_ref() {
            "cy" => page.confirmation(
                "Hawliad wedi'i anfon",
                "Hawliad wedi'i anfon",
                format_args!("Eich cyfeirnod yw {reference}. Cyfanswm a hawlir: {total}."),
            ),
            _ => page.confirmation(
                "Claim submitted",
                "Claim submitted",
                format_args!("Your reference is {reference}. Total claimed: {total}."),
            ),
        }
    }

    fn layout(layout: &Layout<'_>) -> Result<String, askama::Error> {
        Ok(layout.service_document(layout.service(), "/static/claim.css"))
    }
}

/// The claim's words in Welsh: the crate's own, the service's name, and
/// the claim's titles, labels, options and messages (`locales/cy.ftl`).
///
/// # Errors
///
/// When the catalogue cannot be read.
pub fn welsh() -> Result<Texts, CatalogueError> {
    let catalogue = Catalogue::fluent("cy", include_str!("locales/cy.ftl"))?;
    Ok(Texts {
        service: "Hawlio eich treuliau".into(),
        ..Texts::WELSH.with_catalogue(catalogue)
    })
}

/// `config` with the claim's service name, offered in English and Welsh.
///
/// # Errors
///
/// When the Welsh catalogue cannot be read.
pub fn in_both_languages(config: WizardConfig) -> Result<WizardConfig, CatalogueError> {
    Ok(config
        .service_name("Claim your expenses")
        .language(welsh()?))
}

// ---------------------------------------------------------------- routes

const STYLESHEET: &str = include_str!("../signup/static/signup.css");

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .body(STYLESHEET)
}

/// The claim wizard, its database and its stylesheet.
pub fn routes(
    claim: WizardService<Claim>,
    claims: web::Data<Claims>,
) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config
            .app_data(claims)
            .route("/static/claim.css", web::get().to(stylesheet))
            .service(claim);
    }
}
