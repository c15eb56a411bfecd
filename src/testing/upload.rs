//! Attaching files in a test: the current page's form sent as a browser
//! sends a form with a file input, `multipart/form-data`, its token and
//! hidden fields first.

use actix_web::test::TestRequest;

use super::{Seen, Visitor};

/// The boundary between the parts of a test's multipart body.
const BOUNDARY: &str = "actix-wizard-test-boundary";

impl<W: crate::Wizard> Visitor<'_, W> {
    /// Sends the current page's form with `pairs` and `files` (each a
    /// field, a file name and its bytes) and its main button, as a
    /// browser sends a form with a file input.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// let pdf = b"%PDF-1.4\n...";
    /// let page = visitor.submit_files(&[("notes", "Taxi")], &[("receipt", "taxi.pdf", pdf)]).await;
    /// page.assert_no_errors();
    /// # }
    /// ```
    pub async fn submit_files(
        &mut self,
        pairs: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> &Seen {
        let action = self.main_action();
        self.press_with_files(&action, pairs, files).await
    }

    /// Presses the form's button `action` (`next`, `remove-receipt`...)
    /// with `pairs` and `files`, as [`Visitor::submit_files`].
    pub async fn press_with_files(
        &mut self,
        action: &str,
        pairs: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> &Seen {
        let page = self.page.as_ref();
        let (target, token, hidden) = match page.and_then(Seen::json) {
            // A JSON client's page: its document says where and with what.
            Some(document) => {
                let text = |key: &str| document[key].as_str().unwrap_or_default().to_owned();
                let revision = document["revision"].to_string();
                let hidden = vec![(crate::render::REVISION_FIELD.to_owned(), revision)];
                (text("url"), text("csrf_token"), hidden)
            }
            None => (
                page.and_then(Seen::form_action)
                    .unwrap_or_else(|| panic!("the page has no form")),
                page.and_then(Seen::csrf_token).unwrap_or_default(),
                page.map(Seen::hidden_pairs).unwrap_or_default(),
            ),
        };
        let mut body = Vec::new();
        let mut text = |name: &str, value: &str| {
            part(&mut body, name, None, value.as_bytes());
        };
        text(crate::csrf::CSRF_FIELD, &token);
        for (name, value) in &hidden {
            text(name, value);
        }
        for (name, value) in pairs {
            text(name, value);
        }
        for (field, name, bytes) in files {
            part(&mut body, field, Some(name), bytes);
        }
        part(&mut body, "action", None, action.as_bytes());
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let request = TestRequest::post()
            .uri(&target)
            .insert_header((
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            ))
            .set_payload(body);
        self.follow(request, &target).await
    }
}

/// One part of the body: a text field, or a file with its name.
fn part(body: &mut Vec<u8>, name: &str, file: Option<&str>, bytes: &[u8]) {
    body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
    let disposition = match file {
        Some(file) => format!(
            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        ),
        None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
    };
    body.extend_from_slice(disposition.as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n");
}
