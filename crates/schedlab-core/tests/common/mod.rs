//! Helpers shared by the engine's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use schedlab_core::formats::{self, Format, ImportOptions, InputFile};
use schedlab_core::{Problem, Scenario};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared/data` beside the repository (the real workload files).
pub fn shared_data() -> PathBuf {
    let p = root().join("../shared/data");
    assert!(
        p.is_dir(),
        "the shared data directory {} is missing",
        p.display()
    );
    p
}

pub fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn preset(name: &str) -> Scenario {
    let path = root().join("assets/scenarios").join(format!("{name}.json"));
    Scenario::from_json(&read(&path)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn problem(name: &str) -> Problem {
    Problem::new(&preset(name)).unwrap()
}

/// Imports real files (paths relative to shared/data).
pub fn import(format: Format, rel: &[&str], options: ImportOptions) -> Scenario {
    let data = shared_data();
    let texts: Vec<(String, String)> = rel
        .iter()
        .map(|r| (r.to_string(), read(&data.join(r))))
        .collect();
    let files: Vec<InputFile> = texts
        .iter()
        .map(|(n, t)| InputFile { name: n, text: t })
        .collect();
    formats::import(format, &files, &options).unwrap_or_else(|e| panic!("{rel:?}: {e}"))
}
