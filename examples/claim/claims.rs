//! The claim example's kept claims: a database through sqlx (SQLite, or
//! PostgreSQL), its migrations applied at start, each claim once per run
//! with a `CLM-` reference and the language it was sent in.

use actix_wizard::save_return::{Mailer, SaveAndReturn, SqlSavedRuns};
use actix_wizard::upload::{FileKind, Upload};
use actix_wizard::{FinishError, Money};
use rand::Rng;
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

use super::{Category, Claim, Contact, Expense};

/// The migrations in `examples/claim/migrations`, applied at start.
#[path = "../shared/migrations.rs"]
mod migrations;

const FILES: [migrations::File; 4] = [
    (1, "claims", include_str!("migrations/0001_claims.sql")),
    (2, "expenses", include_str!("migrations/0002_expenses.sql")),
    (3, "receipts", include_str!("migrations/0003_receipts.sql")),
    (4, "language", include_str!("migrations/0004_language.sql")),
];

/// Finished claims, in a database through sqlx.
pub struct Claims {
    pool: AnyPool,
}

impl Claims {
    /// Opens the database at `url` (`sqlite:claim.db?mode=rwc`,
    /// `sqlite::memory:`, `postgres://…`) and applies the migrations.
    pub async fn open(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let in_memory = url.starts_with("sqlite::memory:");
        let options = AnyPoolOptions::new().acquire_timeout(std::time::Duration::from_secs(3));
        let options = match in_memory {
            // An in-memory database lives as long as its one connection.
            true => options
                .max_connections(1)
                .idle_timeout(None)
                .max_lifetime(None),
            false => options.max_connections(8),
        };
        let pool = options.connect(url).await?;
        migrations::run_files(&pool, &FILES).await?;
        Ok(Self { pool })
    }

    /// Keeps `claim`, once per run, with the language it was submitted in,
    /// and gives its reference: finishing the same run again finds the
    /// first finish's row.
    pub async fn keep(
        &self,
        claim: &Claim,
        run: &str,
        language: &str,
    ) -> Result<String, FinishError> {
        let failed = |error: sqlx::Error| {
            tracing::error!(%error, "the claim was not kept");
            FinishError::failed("the claim could not be kept; your answers are safe")
        };
        // A new reference that happens to be taken inserts nothing: try
        // another.
        for _ in 0..3 {
            self.insert(claim, (run, language), &new_reference())
                .await
                .map_err(failed)?;
            let kept: Option<String> =
                sqlx::query_scalar("SELECT reference FROM claims WHERE run_id = $1")
                    .bind(run)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(failed)?;
            if let Some(reference) = kept {
                return Ok(reference);
            }
        }
        Err(FinishError::failed("no free reference was found"))
    }

    /// Inserts the claim and its expenses in one transaction; nothing
    /// when the run's claim is kept already (or the reference is taken).
    async fn insert(
        &self,
        claim: &Claim,
        (run, language): (&str, &str),
        reference: &str,
    ) -> Result<(), sqlx::Error> {
        let claimant = &claim.claimant;
        let (contact, phone) = match claimant.contact {
            Some(Contact::Phone) => ("phone", claimant.phone.clone()),
            _ => ("email", None),
        };
        let created_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut transaction = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO claims (reference, run_id, full_name, email, contact, phone, \
             account_name, sort_code, account_number, total_pence, created_at, language) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING",
        )
        .bind(reference)
        .bind(run)
        .bind(&claimant.full_name)
        .bind(&claimant.email)
        .bind(contact)
        .bind(phone)
        .bind(&claim.bank.account_name)
        .bind(String::from(claim.bank.sort_code.clone()))
        .bind(claim.bank.account_number.replace(' ', ""))
        .bind(pence(claim.total()))
        .bind(created_at)
        .bind(language)
        .execute(&mut *transaction)
        .await?;
        if inserted.rows_affected() == 1 {
            for (position, expense) in claim.expenses.iter().enumerate() {
                insert_expense(&mut transaction, reference, position, expense).await?;
            }
        }
        transaction.commit().await
    }

    /// The expenses kept with claim `reference`: description and pence,
    /// in order.
    pub async fn expenses(&self, reference: &str) -> Vec<(String, i64)> {
        sqlx::query_as(
            "SELECT description, amount_pence FROM claim_expenses WHERE reference = $1 ORDER BY position",
        )
        .bind(reference)
        .fetch_all(&self.pool)
        .await
        .unwrap_or_default()
    }

    /// A kept claim's receipts, by expense: the name each came with and
    /// where the claim keeps it.
    pub async fn receipts(&self, reference: &str) -> Vec<(Option<String>, Option<String>)> {
        sqlx::query_as(
            "SELECT receipt_name, receipt_path FROM claim_expenses WHERE reference = $1 ORDER BY position",
        )
        .bind(reference)
        .fetch_all(&self.pool)
        .await
        .unwrap_or_default()
    }

    /// "Save and come back later" as the contract says: saved claims in
    /// the claims' database (beside its own migrations), links sent by
    /// `mailer` and working for `link_for`, the claimant's email filled in.
    pub async fn saving(
        &self,
        mailer: impl Mailer,
        link_for: std::time::Duration,
    ) -> Result<SaveAndReturn, sqlx::migrate::MigrateError> {
        let saved = SqlSavedRuns::new(self.pool.clone());
        saved.migrate().await?;
        let save = SaveAndReturn::new(saved, mailer).email_from("claimant", "email");
        Ok(save.link_for(link_for))
    }

    /// The database's pool.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The language claim `reference` was submitted in.
    pub async fn language(&self, reference: &str) -> Option<String> {
        sqlx::query_scalar("SELECT language FROM claims WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&self.pool)
            .await
            .ok()
            .flatten()
    }

    /// How many claims are kept.
    pub async fn count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM claims")
            .fetch_one(&self.pool)
            .await
            .unwrap_or(0)
    }
}

fn pence(money: Money) -> i64 {
    i64::try_from(money.pence()).unwrap_or(i64::MAX)
}

async fn insert_expense(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    reference: &str,
    position: usize,
    expense: &Expense,
) -> Result<(), sqlx::Error> {
    let details = &expense.expense;
    let category = match details.category {
        Some(Category::Travel) => "travel",
        Some(Category::Meals) => "meals",
        Some(Category::Accommodation) => "accommodation",
        _ => "other",
    };
    let journey = expense.journey.as_ref();
    let receipt = expense.receipt.receipt.as_ref();
    sqlx::query(
        "INSERT INTO claim_expenses (reference, position, spent_on, category, description, \
         amount_pence, journey_from, journey_to, miles, receipt_path, receipt_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(reference)
    .bind(i64::try_from(position).unwrap_or(i64::MAX))
    .bind(
        details
            .date
            .map(|d| d.value().to_string())
            .unwrap_or_default(),
    )
    .bind(category)
    .bind(&details.description)
    .bind(details.amount.map_or(0, pence))
    .bind(journey.map(|j| j.from.clone()))
    .bind(journey.map(|j| j.to.clone()))
    .bind(journey.and_then(|j| j.miles).map(i64::from))
    .bind(receipt.map(|r| receipt_path(reference, position, r)))
    .bind(receipt.map(|r| r.name().to_owned()))
    .execute(&mut **transaction)
    .await
    .map(|_| ())
}

/// Where a claim keeps an expense's receipt, in the uploads' store:
/// `claims/{reference}/receipt-{n}.{ext}`, never from the file's own name.
pub fn receipt_path(reference: &str, position: usize, receipt: &Upload) -> String {
    let extension = match receipt.kind() {
        FileKind::Pdf => "pdf",
        FileKind::Jpeg => "jpg",
        FileKind::Png => "png",
    };
    format!("claims/{reference}/receipt-{}.{extension}", position + 1)
}

/// `CLM-` and 8 capital letters or digits.
fn new_reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    let code: String = (0..8)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("CLM-{code}")
}
