//! Property-sweep sizes: `PROPTEST_CASES` when set (the nightly sweep, docs/reliability.md),
//! else each sweep's own default. Included with `#[path]` by the files that run sweeps.

/// The number of cases a sweep runs: `PROPTEST_CASES` if it is set to a number, else
/// `default`.
pub fn cases(default: u32) -> u32 {
    cases_from(std::env::var("PROPTEST_CASES").ok().as_deref(), default)
}

/// [`cases`] on a given value of the variable.
pub fn cases_from(var: Option<&str>, default: u32) -> u32 {
    var.and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

#[test]
fn proptest_cases_honours_the_environment() {
    assert_eq!(cases_from(None, 1500), 1500);
    assert_eq!(cases_from(Some("20000"), 1500), 20000);
    assert_eq!(cases_from(Some("nonsense"), 1500), 1500);
}
