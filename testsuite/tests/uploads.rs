//! File uploads: what a file is by its content, and virus scanning with a
//! real clamd (started by the test, with a database of its own).

mod common;

use actix_wizard::upload::{ClamAv, FileKind, ScanError, Scanner, Verdict};
use common::servers::{eicar, own_clamd};

/// A PDF with `inside` in its body.
fn pdf_with(inside: &[u8]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nstream\n".to_vec();
    pdf.extend_from_slice(inside);
    pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
    pdf
}

async fn scan(clamd: &ClamAv, chunks: &[&[u8]]) -> Result<Verdict, ScanError> {
    let mut scan = clamd.start().await?;
    for chunk in chunks {
        scan.feed(chunk).await?;
    }
    scan.verdict().await
}

#[actix_rt::test]
async fn clamd_finds_the_test_virus_inside_a_pdf_fed_in_chunks() {
    let Some(server) = own_clamd() else { return };
    let clamd = ClamAv::from_address(&format!("tcp://127.0.0.1:{}", server.port))
        .unwrap_or_else(|| panic!("an address"));
    let infected = pdf_with(&eicar());
    // The type check lets it through: it is a PDF.
    assert_eq!(FileKind::of(&infected), Some(FileKind::Pdf));
    let (head, tail) = infected.split_at(20);
    let (middle, end) = tail.split_at(30);
    let verdict = scan(&clamd, &[head, middle, end]).await;
    match verdict {
        Ok(Verdict::Infected(name)) => assert!(name.contains("EICAR"), "{name}"),
        other => panic!("the test virus was not found: {other:?}"),
    }
    let clean = pdf_with(b"a receipt for a taxi, 45.00");
    assert_eq!(scan(&clamd, &[&clean]).await.ok(), Some(Verdict::Clean));
    // Nothing at all is clean too.
    assert_eq!(scan(&clamd, &[]).await.ok(), Some(Verdict::Clean));
}

#[actix_rt::test]
async fn a_scanner_that_does_not_answer_gives_no_verdict() {
    // Nothing listens on the port.
    let port = common::servers::free_port();
    let nobody = ClamAv::from_address(&format!("tcp://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("an address"));
    let refused = scan(&nobody, &[b"%PDF-1.4"]).await;
    assert!(
        matches!(refused, Err(ScanError::Unreachable(_))),
        "{refused:?}"
    );
    // Something listens and never answers: the time limit ends the wait.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
    let silent = ClamAv::from_address(&format!("tcp://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("an address"))
        .time_limit(std::time::Duration::from_millis(300));
    let waited = scan(&silent, &[b"%PDF-1.4"]).await;
    assert!(
        matches!(waited, Err(ScanError::Unreachable(_))),
        "{waited:?}"
    );
    drop(listener);
}
