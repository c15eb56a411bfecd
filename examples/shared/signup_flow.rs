//! One whole signup in-process, the way the load generator drives the
//! example over the network: the contract's eight requests with a cookie
//! jar that keeps every cookie, the CSRF token taken from each page.
//! Shared by the flows profile and the benchmark's store count.

use std::collections::BTreeMap;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{self, TestRequest};

/// Runs visitor `n`'s signup (a personal account with a unique email)
/// against `service`; whether it ended on the completion page.
pub async fn sign_up<S, B>(service: &S, n: usize) -> bool
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut jar = BTreeMap::<String, String>::new();
    let mut token = String::new();
    let account = format!(
        "email=u{n}%40example.com&password=secret123&password_confirm=secret123&account_type=personal&action=next"
    );
    let requests: [(&str, Option<&str>); 8] = [
        ("/signup", None),
        ("/signup/account", None),
        ("/signup/account", Some(&account)),
        ("/signup/profile", None),
        (
            "/signup/profile",
            Some("display_name=Ann&age=30&interests=rust&interests=web&newsletter=yes&action=next"),
        ),
        ("/signup/review", None),
        ("/signup/review", Some("accept_terms=yes&action=finish")),
        ("/signup/complete", None),
    ];
    let mut welcomed = false;
    for (path, form) in requests {
        let mut request = match form {
            Some(form) => TestRequest::post()
                .uri(path)
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(format!("csrf_token={token}&{form}")),
            None => TestRequest::get().uri(path),
        };
        if !jar.is_empty() {
            let cookie: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            request = request.insert_header(("Cookie", cookie.join("; ")));
        }
        let response = test::call_service(service, request.to_request()).await;
        for cookie in response.response().cookies() {
            jar.insert(cookie.name().to_owned(), cookie.value().to_owned());
        }
        let body = String::from_utf8_lossy(&test::read_body(response).await).into_owned();
        if let Some(at) = body.find(r#"name="csrf_token" value=""#) {
            let value = &body[at + 25..];
            token = value[..value.find('"').unwrap_or(0)].to_owned();
        }
        welcomed |= body.contains("Welcome, Ann");
    }
    welcomed
}
