//! What the CLI's test files share: paths into the repository, running the binary, and the
//! two shapes of an answer (JSON on success; exit 2 with one `error:` line on bad input).
// Each test file uses its own subset of these.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A preset scenario under assets/scenarios.
pub fn preset(name: &str) -> String {
    root()
        .join("assets/scenarios")
        .join(format!("{name}.json"))
        .to_string_lossy()
        .into_owned()
}

/// A real workload file under ../shared/data.
pub fn data(rel: &str) -> String {
    root()
        .join("../shared/data")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

pub fn schedlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schedlab"))
        .args(args)
        .output()
        .expect("runs")
}

pub fn ok_json(args: &[&str]) -> Value {
    let out = schedlab(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// Exit status 2, nothing on stdout, exactly one stderr line starting with `error:`.
pub fn fails(args: &[&str]) -> String {
    let out = schedlab(args);
    assert_eq!(out.status.code(), Some(2), "{args:?} should fail with 2");
    assert!(out.stdout.is_empty(), "{args:?} printed on stdout");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{args:?}: not one line: {err}");
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    err
}

/// Writes `text` to `name` in a fresh temporary directory: the directory (kept alive by the
/// caller) and the file's path, as the CLI takes it.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path.to_string_lossy().into_owned())
}
