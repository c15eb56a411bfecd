//! The signup for JSON clients: the same steps, rules, state and
//! once-only finish as the HTML pages, as documents.

mod common;

use actix_wizard::testing::{Seen, Visitor};
use common::app::Signup;
use common::kit;
use serde_json::{Value, json};

fn document(page: &Seen) -> Value {
    assert_eq!(
        page.header("content-type"),
        Some("application/json"),
        "{}",
        page.describe()
    );
    page.json()
        .unwrap_or_else(|| panic!("not JSON: {}", page.describe()))
}

fn account(kind: &str) -> Value {
    json!({
        "action": "next",
        "email": "json@example.com",
        "password": "secret123",
        "password_confirm": "secret123",
        "account_type": kind,
    })
}

fn profile() -> Value {
    json!({
        "action": "next",
        "display_name": "Ann",
        "age": 34,
        "interests": ["rust", "data"],
        "newsletter": true,
        "bio": "Hi",
    })
}

async fn json_visitor(app: &actix_wizard::testing::TestApp) -> Visitor<'_, Signup> {
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.use_json();
    visitor
}

#[actix_rt::test]
async fn a_personal_signup_over_json_with_errors_back_and_a_double_check() {
    let (app, accounts) = kit::signup().await;
    let mut visitor = json_visitor(&app).await;

    let start = document(visitor.open("/signup").await);
    assert_eq!(start["step"], "account");
    assert_eq!(start["progress"], json!({"current": 1, "total": 3}));
    assert_eq!(start["actions"], json!(["next"]));
    let kinds = &start["fields"][3];
    assert_eq!(kinds["name"], "account_type");
    assert_eq!(kinds["kind"], "radios");
    assert_eq!(
        kinds["options"],
        json!([{"value": "personal", "label": "Personal", "hint": null},
               {"value": "business", "label": "Business", "hint": null}])
    );
    assert!(start["csrf_token"].as_str().is_some_and(|t| !t.is_empty()));

    // Every error at once, in the same words as the pages; what was typed
    // comes back, the password never.
    let mut wrong = account("personal");
    wrong["email"] = json!("not-an-email");
    wrong["password_confirm"] = json!("different1");
    let refused = visitor.post_json("/signup/account", &wrong).await;
    assert_eq!(refused.status(), 422);
    let refused = document(refused);
    assert_eq!(
        refused["errors"],
        json!([
            {"field": "email", "part": null,
             "message": "Enter an email address in the correct format, like name@example.com"},
            {"field": "password_confirm", "part": null, "message": "Enter the same password as above"},
        ])
    );
    assert_eq!(refused["fields"][0]["value"], "not-an-email");
    assert_eq!(refused["fields"][1]["value"], Value::Null);

    let next = visitor
        .post_json("/signup/account", &account("personal"))
        .await;
    assert_eq!(next.status(), 200);
    assert_eq!(next.header("content-location"), Some("/signup/profile"));
    let next = document(next);
    assert_eq!(
        (next["step"].as_str(), next["url"].as_str()),
        (Some("profile"), Some("/signup/profile"))
    );
    assert_eq!(next["actions"], json!(["back", "next"]));

    // A wrong type is a field error, never a 400.
    let mut typed = profile();
    typed["age"] = json!("abc");
    let refused = visitor.post_json("/signup/profile", &typed).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        document(refused)["fields"][1]["error"],
        "Enter a whole number"
    );

    let review = document(visitor.post_json("/signup/profile", &profile()).await);
    assert_eq!(review["step"], "review");
    assert_eq!(review["actions"], json!(["back", "finish"]));
    assert_eq!(review["button"], "Create account");
    let answers = &review["answers"];
    assert_eq!(answers[0]["title"], "Create your account");
    assert_eq!(answers[0]["change"], "/signup/account?change");
    assert!(
        answers[0]["rows"]
            .as_array()
            .is_some_and(|rows| rows.iter().all(|r| r["field"] != "password")),
        "{answers}"
    );

    // Back keeps the answers.
    let back = document(
        visitor
            .post_json("/signup/review", &json!({"action": "back"}))
            .await,
    );
    assert_eq!(back["step"], "profile");
    assert_eq!(back["fields"][0]["value"], "Ann");
    assert_eq!(back["fields"][2]["value"], json!(["rust", "data"]));
    assert_eq!(back["fields"][3]["value"], json!(true));
    visitor.post_json("/signup/profile", &profile()).await;

    let unticked = visitor
        .post_json("/signup/review", &json!({"action": "finish"}))
        .await;
    assert_eq!(unticked.status(), 422);
    assert_eq!(
        document(unticked)["errors"][0]["message"],
        "Accept the terms and conditions to create your account"
    );
    let done = visitor
        .post_json(
            "/signup/review",
            &json!({"action": "finish", "accept_terms": true}),
        )
        .await;
    assert_eq!(done.status(), 200, "{}", done.describe());
    assert_eq!(done.header("content-location"), Some("/signup/complete"));
    assert_eq!(
        document(done),
        json!({"complete": true, "outcome": "Ann", "start_again": "/signup"})
    );
    assert_eq!(accounts.count().await, 1);
}

#[actix_rt::test]
async fn a_business_signup_over_json_changes_an_answer_from_the_review() {
    let (app, accounts) = kit::signup().await;
    let mut visitor = json_visitor(&app).await;
    visitor.open("/signup").await;
    let company = document(
        visitor
            .post_json("/signup/account", &account("business"))
            .await,
    );
    assert_eq!(company["step"], "company");
    assert_eq!(company["progress"], json!({"current": 2, "total": 4}));
    visitor
        .post_json(
            "/signup/company",
            &json!({"action": "next", "company_name": "Acme Ltd", "employees": 12}),
        )
        .await;
    let review = document(visitor.post_json("/signup/profile", &profile()).await);
    assert_eq!(review["answers"][1]["title"], "About your company");

    let change = document(visitor.open("/signup/profile?change").await);
    assert_eq!(change["change"], json!(true));
    assert_eq!(change["url"], "/signup/profile?change");
    let mut renamed = profile();
    renamed["display_name"] = json!("Bea");
    let back_to_review = document(visitor.post_json("/signup/profile?change", &renamed).await);
    assert_eq!(back_to_review["step"], "review");
    let done = document(
        visitor
            .post_json(
                "/signup/review",
                &json!({"action": "finish", "accept_terms": true}),
            )
            .await,
    );
    assert_eq!(done["outcome"], "Bea");
    let created = accounts.get("json@example.com").await;
    assert_eq!(
        created.and_then(|a| a.business).as_deref(),
        Some("Acme Ltd")
    );
}

#[actix_rt::test]
async fn a_double_finish_over_json_creates_one_account_and_both_get_the_outcome() {
    let (app, accounts) = kit::signup().await;
    let mut visitor = json_visitor(&app).await;
    visitor.open("/signup").await;
    visitor
        .post_json("/signup/account", &account("personal"))
        .await;
    visitor.post_json("/signup/profile", &profile()).await;
    let mut other_tab = visitor.tab();
    other_tab.open("/signup/review").await;
    let finish = json!({"action": "finish", "accept_terms": true});
    let (first, second) = futures_util::join!(
        visitor.post_json("/signup/review", &finish),
        other_tab.post_json("/signup/review", &finish)
    );
    for answer in [first, second] {
        assert_eq!(answer.status(), 200, "{}", answer.describe());
        assert_eq!(document(answer)["outcome"], "Ann");
    }
    assert_eq!(accounts.count().await, 1);
}

#[actix_rt::test]
async fn html_and_json_share_one_run() {
    let (app, accounts) = kit::signup().await;
    let mut browser = app.visitor::<Signup>("/signup");
    browser.open("/signup").await.assert_step("account");
    browser
        .submit(&kit::account(
            "mixed@example.com",
            common::app::AccountType::Personal,
        ))
        .await
        .assert_step("profile");
    // The same browser's script takes over for the profile step.
    let mut script = browser.tab();
    script.use_json();
    let profile_document = document(script.open("/signup/profile").await);
    assert_eq!(profile_document["step"], "profile");
    let review = document(script.post_json("/signup/profile", &profile()).await);
    assert_eq!(review["step"], "review");
    // And the page finishes it.
    browser.open("/signup/review").await.assert_step("review");
    browser
        .submit(&common::app::Review { accept_terms: true })
        .await
        .assert_complete();
    assert_eq!(accounts.count().await, 1);
}

#[actix_rt::test]
async fn every_problem_is_a_problem_document() {
    let (app, _) = kit::signup().await;
    let mut visitor = json_visitor(&app).await;
    visitor.open("/signup").await;

    let problem = |page: &Seen, status: u16, kind: &str| {
        assert_eq!(page.status().as_u16(), status, "{}", page.describe());
        assert_eq!(
            page.header("content-type"),
            Some("application/problem+json")
        );
        let body = page.json().unwrap_or_else(|| panic!("{}", page.describe()));
        assert_eq!(body["type"], format!("urn:actix-wizard:problem:{kind}"));
        assert_eq!(body["status"], status);
        assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(body["detail"].as_str().is_some_and(|t| !t.is_empty()));
        body
    };

    let no_token = visitor
        .send("/signup/account", |request| {
            request
                .method(actix_web::http::Method::POST)
                .insert_header(("Content-Type", "application/json"))
                .set_payload(account("personal").to_string())
        })
        .await;
    let csrf = problem(no_token, 403, "csrf");
    assert_eq!(csrf["link"], "/signup/account");

    visitor.open("/signup/account").await;
    let malformed = visitor
        .post_json("/signup/account", &json!(["not", "an", "object"]))
        .await;
    problem(malformed, 400, "malformed");
    let wrong_type = visitor
        .send("/signup/account", |request| {
            request
                .method(actix_web::http::Method::POST)
                .insert_header(("Content-Type", "text/plain"))
                .set_payload("hello")
        })
        .await;
    problem(wrong_type, 415, "wrong-type");
    let unknown = visitor.open("/signup/nowhere").await;
    problem(unknown, 404, "not-found");
    let inactive = visitor.open("/signup/company").await;
    problem(inactive, 404, "not-found");
    let put = visitor
        .send("/signup/account", |request| {
            request.method(actix_web::http::Method::PUT)
        })
        .await;
    problem(put, 405, "method-not-allowed");
    assert_eq!(put.header("allow"), Some("GET, HEAD, POST"));
}

#[actix_rt::test]
async fn answers_say_they_vary_by_client_and_browsers_still_get_pages() {
    let (app, _) = kit::signup().await;
    let mut browser = app.visitor::<Signup>("/signup");
    let page = browser.open("/signup/account").await;
    assert_eq!(page.header("vary"), Some("Accept, HX-Request"));
    assert!(
        page.header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    );
    let mut client = json_visitor(&app).await;
    let data = client.open("/signup/account").await;
    assert_eq!(data.header("vary"), Some("Accept, HX-Request"));
    document(data);
}

/// The published schema of the signup, one validator per definition.
struct Schema(Value);

impl Schema {
    async fn of(visitor: &mut Visitor<'_, Signup>) -> Self {
        let page = visitor.open("/signup/schema.json").await;
        assert_eq!(page.header("content-type"), Some("application/schema+json"));
        Self(page.json().unwrap_or_else(|| panic!("{}", page.describe())))
    }

    fn validator(&self, definition: &str) -> jsonschema::Validator {
        let mut schema = self.0.clone();
        schema["$ref"] = json!(format!("#/$defs/{definition}"));
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("the schema of {definition} does not compile: {e}"))
    }

    #[track_caller]
    fn assert_valid(&self, definition: &str, instance: &Value) {
        let validator = self.validator(definition);
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{definition}: {errors:?}\n{instance:#}");
    }

    #[track_caller]
    fn assert_refuses(&self, definition: &str, instance: &Value) {
        assert!(
            !self.validator(definition).is_valid(instance),
            "the schema of {definition} accepts {instance}"
        );
    }
}

#[actix_rt::test]
async fn the_documents_the_server_sends_validate_against_the_published_schema() {
    let (app, _) = kit::signup().await;
    let mut visitor = json_visitor(&app).await;
    let schema = Schema::of(&mut visitor).await;
    let mut seen = Vec::new();
    let mut check = |page: &Seen, schema: &Schema| {
        let doc = document(page);
        let definition = match doc["step"].as_str() {
            Some(step) => format!("{step}.document"),
            None => "complete.document".to_owned(),
        };
        schema.assert_valid(&definition, &doc);
        seen.push(definition);
    };
    check(visitor.open("/signup").await, &schema);
    let mut wrong = account("business");
    wrong["email"] = json!("nope");
    check(visitor.post_json("/signup/account", &wrong).await, &schema);
    let body = account("business");
    schema.assert_valid("account", &body);
    check(visitor.post_json("/signup/account", &body).await, &schema);
    let company =
        json!({"action": "next", "company_name": "Acme Ltd", "vat_id": null, "employees": "12"});
    schema.assert_valid("company", &company);
    check(
        visitor.post_json("/signup/company", &company).await,
        &schema,
    );
    schema.assert_valid("profile", &profile());
    check(
        visitor.post_json("/signup/profile", &profile()).await,
        &schema,
    );
    check(
        visitor
            .post_json("/signup/review", &json!({"action": "finish"}))
            .await,
        &schema,
    );
    let finish = json!({"action": "finish", "accept_terms": true});
    schema.assert_valid("review", &finish);
    check(visitor.post_json("/signup/review", &finish).await, &schema);
    assert_eq!(
        seen,
        [
            "account.document",
            "account.document",
            "company.document",
            "profile.document",
            "review.document",
            "review.document",
            "complete.document"
        ]
    );
}

#[actix_rt::test]
async fn a_body_the_schema_refuses_is_refused_by_the_server() {
    let (app, accounts) = kit::signup().await;
    let mut visitor = json_visitor(&app).await;
    let schema = Schema::of(&mut visitor).await;
    visitor.open("/signup").await;

    let with = |base: Value, field: &str, value: Value| {
        let mut body = base;
        body[field] = value;
        body
    };
    let without = |base: Value, field: &str| {
        let mut body = base;
        if let Value::Object(members) = &mut body {
            members.remove(field);
        }
        body
    };
    let refused = |step: &'static str, body: Value| (step, body);
    let cases_before_company = vec![
        refused(
            "account",
            with(account("business"), "email", json!("not-an-email")),
        ),
        refused(
            "account",
            with(account("business"), "account_type", json!("alien")),
        ),
        refused("account", without(account("business"), "account_type")),
        refused("account", without(account("business"), "email")),
        refused(
            "account",
            with(account("business"), "action", json!("jump")),
        ),
    ];
    for (step, body) in cases_before_company {
        schema.assert_refuses(step, &body);
        let answer = visitor.post_json(&format!("/signup/{step}"), &body).await;
        assert!(
            matches!(answer.status().as_u16(), 400 | 422),
            "{step} {body}: {}",
            answer.describe()
        );
    }
    visitor
        .post_json("/signup/account", &account("business"))
        .await;

    let company = json!({"action": "next", "company_name": "Acme Ltd", "employees": 12});
    let long_name = "x".repeat(41);
    let cases = vec![
        refused("company", with(company.clone(), "company_name", json!("A"))),
        refused("company", with(company.clone(), "employees", json!(0))),
        refused(
            "company",
            with(company.clone(), "employees", json!(100_001)),
        ),
        refused("company", with(company.clone(), "employees", json!(true))),
        refused("company", without(company.clone(), "employees")),
    ];
    for (step, body) in cases {
        schema.assert_refuses(step, &body);
        let answer = visitor.post_json("/signup/company", &body).await;
        assert_eq!(answer.status(), 422, "{body}: {}", answer.describe());
    }
    visitor.post_json("/signup/company", &company).await;

    let cases = vec![
        refused("profile", with(profile(), "age", json!(12))),
        refused("profile", with(profile(), "interests", json!([]))),
        refused("profile", with(profile(), "interests", json!(["cooking"]))),
        refused("profile", with(profile(), "display_name", json!(long_name))),
        refused("profile", with(profile(), "bio", json!("b".repeat(501)))),
        refused("profile", without(profile(), "display_name")),
    ];
    for (step, body) in cases {
        schema.assert_refuses(step, &body);
        let answer = visitor.post_json("/signup/profile", &body).await;
        assert_eq!(answer.status(), 422, "{body}: {}", answer.describe());
    }
    // Spaces around a name at the limit are trimmed: both accept it.
    let spaced = with(
        profile(),
        "display_name",
        json!(format!("  {}  ", "y".repeat(40))),
    );
    schema.assert_valid("profile", &spaced);
    visitor
        .post_json("/signup/profile", &spaced)
        .await
        .assert_step("review");

    let unticked = json!({"action": "finish", "accept_terms": false});
    schema.assert_refuses("review", &unticked);
    let answer = visitor.post_json("/signup/review", &unticked).await;
    assert_eq!(answer.status(), 422);
    assert_eq!(accounts.count().await, 0);
}

#[actix_rt::test]
async fn a_store_outage_is_a_503_problem_document_and_the_run_resumes() {
    let store = common::test_store::TestStore::default();
    let down = store.down.clone();
    let app = kit::signup_on(
        kit::shared(store),
        kit::config(),
        actix_web::web::Data::new(common::app::Accounts::default()),
    )
    .await;
    let mut visitor = json_visitor(&app).await;
    visitor.open("/signup").await;
    visitor
        .post_json("/signup/account", &account("personal"))
        .await;
    down.store(true, std::sync::atomic::Ordering::SeqCst);
    let refused = visitor.post_json("/signup/profile", &profile()).await;
    assert_eq!(refused.status().as_u16(), 503, "{}", refused.describe());
    assert_eq!(
        refused.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(refused.header("retry-after"), Some("5"));
    let problem = refused.json().unwrap_or_default();
    assert_eq!(problem["type"], "urn:actix-wizard:problem:store-down");
    down.store(false, std::sync::atomic::Ordering::SeqCst);
    let review = document(visitor.post_json("/signup/profile", &profile()).await);
    assert_eq!(review["step"], "review");
}

#[actix_rt::test]
async fn a_json_client_never_sees_a_redirect() {
    let (app, _) = kit::signup().await;
    let mut visitor = json_visitor(&app).await;
    let start = visitor.open("/signup").await;
    assert!(start.redirects().is_empty(), "{:?}", start.redirects());
    assert_eq!(start.header("content-location"), Some("/signup/account"));
    assert_eq!(document(start)["step"], "account");
    // A step not reached yet answers with the step to be on.
    let ahead = visitor.open("/signup/review").await;
    assert!(ahead.redirects().is_empty());
    assert_eq!(document(ahead)["step"], "account");
}

#[actix_rt::test]
async fn the_completion_page_before_finishing_is_the_step_to_be_on() {
    let (app, _) = kit::signup().await;
    let mut visitor = json_visitor(&app).await;
    let page = visitor.open("/signup/complete").await;
    assert!(!page.was_redirected(), "{}", page.describe());
    let step = document(page);
    assert_eq!(step["step"], "account");
    assert_eq!(step["url"], "/signup/account");
}

#[actix_rt::test]
async fn nothing_is_null_or_false_for_every_field_that_may_be_empty_in_schema_and_server() {
    for nothing in [Value::Null, Value::Bool(false)] {
        let (app, _) = kit::signup().await;
        let mut visitor = json_visitor(&app).await;
        let schema = Schema::of(&mut visitor).await;
        visitor.open("/signup").await;
        visitor
            .post_json("/signup/account", &account("business"))
            .await;
        // An optional text field.
        let company = json!({"action": "next", "company_name": "Acme Ltd", "vat_id": nothing, "employees": 12});
        schema.assert_valid("company", &company);
        let next = document(visitor.post_json("/signup/company", &company).await);
        assert_eq!(next["step"], "profile", "{nothing}: {next}");
        // A checkbox that need not be ticked, and an optional text area.
        let mut profile = profile();
        profile["newsletter"] = nothing.clone();
        profile["bio"] = nothing.clone();
        schema.assert_valid("profile", &profile);
        let next = document(visitor.post_json("/signup/profile", &profile).await);
        assert_eq!(next["step"], "review", "{nothing}: {next}");
        // A required field or a box that must be ticked: refused by both.
        let refused = json!({"action": "finish", "accept_terms": nothing});
        schema.assert_refuses("review", &refused);
        let answer = visitor.post_json("/signup/review", &refused).await;
        assert_eq!(answer.status().as_u16(), 422, "{nothing}");
    }
}
