//! The claim example in Welsh, end to end: every page's words from the
//! claim's catalogue (`examples/claim/locales/cy.ftl`) and the crate's
//! Welsh table, every kind of message — declared, made by a custom rule,
//! by a rule across the item, by the crate's defaults — in Welsh, the exit
//! page, the list, the check page, and a claim kept with its language.
//! Driven with the testing kit, which also fails the build of the app
//! should the catalogue lack a word of the claim or have one too many.

mod common;

mod claims;

use claims::app::{Category, Check, Claim, Contact, Eligibility, YesNo};
use claims::{bank, claim_app, claimant, details, journey, receipt_pdf};

#[actix_rt::test]
async fn a_claim_in_welsh_from_start_to_finish() {
    let (app, claims) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    let first = visitor.open("/claim?lang=cy").await;
    first.assert_step("eligibility");
    assert!(first.body().contains(r#"<html lang="cy""#));
    assert_eq!(
        first.title().as_deref(),
        Some("Ydych chi'n cael eich cyflogi gennym ni? \u{2013} Hawlio eich treuliau")
    );
    for option in ["Ydw", "Nac ydw", "Parhau"] {
        assert!(
            first.text().contains(option),
            "{option}: {}",
            first.describe()
        );
    }
    visitor.submit_pairs(&[]).await.assert_error(
        "employee",
        "Dewiswch 'Ydw' os ydych chi'n cael eich cyflogi gennym ni",
    );

    // The exit page, both paragraphs.
    let exit = visitor
        .submit(&Eligibility {
            employee: Some(YesNo::No),
        })
        .await;
    assert_eq!(
        exit.heading().as_deref(),
        Some("Ni allwch ddefnyddio'r gwasanaeth hwn")
    );
    assert!(exit.text().contains("drwy'r gwasanaeth hwn."));
    assert!(
        exit.text()
            .contains("gofynnwch i'ch asiantaeth sut i hawlio.")
    );
    assert!(exit.body().matches("<p>").count() >= 3, "{}", exit.body());
    assert!(
        exit.body()
            .contains(r#"href="/claim/not-eligible?lang=en" hreflang="en""#),
        "the exit page links to itself in English: {}",
        exit.body()
    );

    visitor.open("/claim/eligibility").await;
    let details_page = visitor
        .submit(&Eligibility {
            employee: Some(YesNo::Yes),
        })
        .await;
    assert_eq!(details_page.heading().as_deref(), Some("Eich manylion"));
    // A custom rule's message, by its code.
    let mut wrong = claimant(Contact::Phone, Some("12345"));
    visitor.submit(&wrong).await.assert_error(
        "phone",
        "Rhowch rif ffôn yn y DU, fel 01632 960 001 neu +44 7700 900 982",
    );
    wrong.phone = Some("01632 960 001".into());
    let expense = visitor.submit(&wrong).await;
    assert_eq!(expense.heading().as_deref(), Some("Ychwanegu traul"));

    // The amount's custom rule, then the journey.
    let nothing = details(Category::Travel, "Tacsi i'r maes awyr", 0);
    visitor
        .submit(&nothing)
        .await
        .assert_error("amount", "Rhowch swm sy'n fwy na £0 a dim mwy na £5,000.00");
    let taxi = details(Category::Travel, "Tacsi i'r maes awyr", 45);
    let trip = visitor.submit(&taxi).await;
    assert_eq!(trip.heading().as_deref(), Some("Eich taith"));
    assert!(trip.text().contains("Milltiroedd a deithiwyd"));
    let receipt = visitor.submit(&journey()).await;
    assert_eq!(receipt.heading().as_deref(), Some("Uwchlwytho derbynneb"));
    // A rule across the item, by the code its error carries.
    visitor
        .submit_files(&[], &[])
        .await
        .assert_error("receipt", "Dewiswch dderbynneb ar gyfer traul dros £25");
    let pdf = receipt_pdf("taxi");
    let list = visitor
        .submit_files(&[], &[("receipt", "derbynneb.pdf", &pdf)])
        .await;
    list.assert_step("expenses");
    assert_eq!(list.heading().as_deref(), Some("Eich treuliau"));
    let text = list.text();
    for word in ["Oes angen i chi ychwanegu traul arall?", "Ie", "Na"] {
        assert!(text.contains(word), "{word}: {}", list.describe());
    }

    visitor.add_another(false).await.assert_step("bank");

    // The bank's custom rule.
    let mut account = bank();
    account.sort_code = "12".to_owned().into();
    let refused = visitor.submit(&account).await;
    assert_eq!(refused.heading().as_deref(), Some("Manylion banc"));
    refused.assert_error("sort_code", "Rhowch god didoli dilys fel 30-94-36");
    let check = visitor.submit(&bank()).await;
    check.assert_step("check");
    assert_eq!(
        check.heading().as_deref(),
        Some("Gwiriwch eich atebion cyn anfon eich hawliad")
    );
    check.assert_answers(&[
        ("Enw llawn", "Ann Example"),
        ("Sut ddylem ni gysylltu â chi?", "Ffôn"),
        ("Ar gyfer beth oedd hi?", "Teithio"),
        ("Cod didoli", "30-94-36"),
        ("Derbynneb", "derbynneb.pdf"),
        ("Cyfanswm a hawlir", "£45.00"),
    ]);
    let text = check.text();
    for word in [
        "Traul 1: Tacsi i'r maes awyr",
        "2 Tachwedd 2026",
        "Derbyn ac anfon",
    ] {
        assert!(text.contains(word), "{word}: {}", check.describe());
    }
    visitor
        .submit(&Check { declaration: false })
        .await
        .assert_error("declaration", "Cadarnhewch fod yr wybodaeth yn gywir");

    let done = visitor.submit(&Check { declaration: true }).await;
    done.assert_complete();
    assert_eq!(done.heading().as_deref(), Some("Hawliad wedi'i anfon"));
    assert!(
        done.body().contains(r#"hreflang="en""#),
        "the completion page links to itself in English"
    );
    let reference = &claims::reference_on(done);
    assert_eq!(claims.language(reference).await.as_deref(), Some("cy"));
}

#[actix_rt::test]
async fn a_page_with_errors_switched_to_welsh_shows_them_in_welsh_and_keeps_the_typing() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    claims::reach_claimant(&mut visitor).await;
    let typed = [("full_name", "Ann"), ("email", "not-an-address")];
    visitor.submit_pairs(&typed).await.assert_error(
        "email",
        "Enter an email address in the correct format, like name@example.com",
    );
    let welsh = visitor.open("/claim/claimant?lang=cy").await;
    assert_eq!(welsh.value("email").as_deref(), Some("not-an-address"));
    let again = visitor.submit_pairs(&typed).await;
    again.assert_error(
        "email",
        "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com",
    );
    again.assert_error("contact", "Dewiswch sut y dylem gysylltu â chi");
    assert!(again.text().contains("Mae problem wedi codi"));
}
