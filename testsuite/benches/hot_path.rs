//! Micro-benchmarks of the request path: form to typed value, state seal
//! and open, and a step page served in-process (session, state, render);
//! then allocations counted per request of a whole signup.
//!
//!     cargo bench -p actix-wizard-testsuite --bench hot_path

#[allow(dead_code)]
#[path = "../../examples/signup/app.rs"]
mod app;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::cookie::Key;
use actix_web::test::{self, TestRequest};
use actix_web::{App, web};
use actix_wizard::internals;
use actix_wizard::{MemoryStore, WizardConfig, WizardSetup};
use criterion::Criterion;

/// Counts allocations, to report allocations per request.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const PROFILE_BODY: &[u8] = b"csrf_token=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\
&display_name=Ann+Example&age=30&interests=rust&interests=web&newsletter=yes&bio=Hello+there&action=next";

/// One request in-process, with a cookie; gives the new cookie (if any)
/// and the body.
async fn call<S, B>(service: &S, request: TestRequest, cookie: &mut String) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let request = if cookie.is_empty() {
        request
    } else {
        request.insert_header(("Cookie", cookie.clone()))
    };
    let response = test::call_service(service, request.to_request()).await;
    // Keep every cookie the response sets, as a browser would.
    let mut jar: Vec<(String, String)> = cookie
        .split("; ")
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    for c in response.response().cookies() {
        jar.retain(|(name, _)| name != c.name());
        jar.push((c.name().to_owned(), c.value().to_owned()));
    }
    *cookie = jar
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    String::from_utf8_lossy(&test::read_body(response).await).into_owned()
}

fn token_of(body: &str) -> String {
    body.find(r#"name="csrf_token" value=""#)
        .and_then(|at| {
            let value = &body[at + 25..];
            value.find('"').map(|end| value[..end].to_owned())
        })
        .unwrap_or_default()
}

fn form_post(path: &str, body: String) -> TestRequest {
    TestRequest::post()
        .uri(path)
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload(body)
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();

    criterion.bench_function("form: parse and decode the profile step", |b| {
        b.iter(|| internals::parse_and_decode::<app::Profile>(black_box(PROFILE_BODY)))
    });
    let cipher = internals::sample_cipher();
    let state = internals::sample_state();
    let sealed = internals::seal_state(&state, &cipher);
    criterion.bench_function("state: seal", |b| {
        b.iter(|| internals::seal_state(black_box(&state), &cipher))
    });
    criterion.bench_function("state: open", |b| {
        b.iter(|| internals::open_state(black_box(&sealed), &cipher))
    });

    // The app, in-process, with a visitor on the review page.
    let system = actix_web::rt::System::new();
    let key = Key::from(&[9u8; 64]);
    let setup = WizardSetup::new(
        MemoryStore::default(),
        key,
        WizardConfig::default().secure_cookies(false),
    );
    let service = system.block_on(test::init_service(
        App::new().wrap(setup.middleware()).configure(app::routes(
            setup.wizard("/signup"),
            web::Data::new(app::Accounts::default()),
        )),
    ));
    let mut cookie = String::new();
    let flow_until_review = |n: usize, cookie: &mut String| {
        system.block_on(async {
            cookie.clear();
            let page = call(&service, TestRequest::get().uri("/signup/account"), cookie).await;
            let token = token_of(&page);
            call(&service, form_post("/signup/account", format!("csrf_token={token}&email=a{n}%40example.com&password=secret123&password_confirm=secret123&account_type=personal&action=next")), cookie).await;
            call(&service, TestRequest::get().uri("/signup/profile"), cookie).await;
            call(&service, form_post("/signup/profile", format!("csrf_token={token}&display_name=Ann&age=30&interests=rust&action=next")), cookie).await;
            token
        })
    };
    flow_until_review(0, &mut cookie);
    criterion.bench_function(
        "page: GET the review step in-process (session, state, render)",
        |b| {
            b.iter(|| {
                system.block_on(call(
                    &service,
                    TestRequest::get().uri("/signup/review"),
                    &mut cookie.clone(),
                ))
            })
        },
    );
    criterion.bench_function("page: GET the profile step in-process", |b| {
        b.iter(|| {
            system.block_on(call(
                &service,
                TestRequest::get().uri("/signup/profile"),
                &mut cookie.clone(),
            ))
        })
    });
    criterion.final_summary();

    // Allocations: per hot-path call, and per request of a whole signup.
    let count = |f: &mut dyn FnMut()| {
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        f();
        ALLOCATIONS.load(Ordering::Relaxed) - before
    };
    println!(
        "allocations: parse and decode the profile form: {}",
        count(&mut || {
            black_box(internals::parse_and_decode::<app::Profile>(PROFILE_BODY));
        })
    );
    println!(
        "allocations: seal the state: {}",
        count(&mut || {
            black_box(internals::seal_state(&state, &cipher));
        })
    );
    println!(
        "allocations: open the state: {}",
        count(&mut || {
            black_box(internals::open_state(&sealed, &cipher));
        })
    );
    let mut n = 1;
    let flows = 50;
    let total = count(&mut || {
        for _ in 0..flows {
            n += 1;
            let mut cookie = String::new();
            let token = flow_until_review(n, &mut cookie);
            system.block_on(async {
                call(
                    &service,
                    TestRequest::get().uri("/signup/review"),
                    &mut cookie,
                )
                .await;
                call(
                    &service,
                    form_post(
                        "/signup/review",
                        format!("csrf_token={token}&accept_terms=yes&action=finish"),
                    ),
                    &mut cookie,
                )
                .await;
                call(
                    &service,
                    TestRequest::get().uri("/signup/complete"),
                    &mut cookie,
                )
                .await;
            });
        }
    });
    // 7 requests per flow here (the entry redirect is not made).
    println!(
        "allocations per request over {flows} whole signups (in-process, test client included): {:.0}",
        total as f64 / (flows * 7) as f64
    );
}
