//! The pictures of the examples' flows, kept in `docs/flows/` by the
//! explorer's tests.

/// Keeps the picture of `name`'s flow in `docs/flows/`: its DOT always,
/// its SVG laid out by Graphviz's `dot` (without `dot` the test says so
/// and skips the SVG; with `CI=true` that fails). The SVG, when made.
pub fn keep_picture(name: &str, walked: &actix_wizard::testing::Exploration) -> Option<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/flows");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join(format!("{name}.dot")), walked.dot()).unwrap_or_else(|e| panic!("{e}"));
    let Some(svg) = walked.svg() else {
        super::servers::skip("Graphviz's dot is not installed (apt-get install graphviz): no SVG");
        return None;
    };
    assert!(svg.contains("<svg"), "{svg}");
    std::fs::write(dir.join(format!("{name}.svg")), &svg).unwrap_or_else(|e| panic!("{e}"));
    Some(svg)
}
