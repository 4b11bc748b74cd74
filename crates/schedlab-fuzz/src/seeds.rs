//! Seeds: the real files under `../shared/data` when they are there, the repository's own
//! fixtures and assets, exports of the presets (DOT and saga have no file in the repository)
//! and the committed corpus of earlier campaigns (`tests/fixtures/fuzz/corpus/<target>/`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schedlab_core::formats::{self, ExportFormat};
use schedlab_core::Scenario;

use crate::targets::{FILE_SEPARATOR, TARGETS};

/// Seeds per target id.
pub type Seeds = BTreeMap<&'static str, Vec<Vec<u8>>>;

/// The repository root (two levels above this crate).
pub fn root() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    p.canonicalize().unwrap_or(p)
}

/// Where findings are kept as regression fixtures.
pub fn crashes_dir() -> PathBuf {
    root().join("tests/fixtures/fuzz/crashes")
}

/// The committed corpus.
pub fn corpus_dir() -> PathBuf {
    root().join("tests/fixtures/fuzz/corpus")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The first `n` lines of a text (large traces are seeds by their head).
fn head(bytes: &[u8], n: usize) -> Vec<u8> {
    bytes
        .split(|&b| b == b'\n')
        .take(n)
        .collect::<Vec<_>>()
        .join(&b'\n')
}

/// Files read under `dir` (path, bytes), sorted by path.
pub fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut paths = Vec::new();
    walk(dir, &mut paths);
    paths
        .into_iter()
        .filter_map(|p| {
            Some((
                p.to_string_lossy().replace('\\', "/"),
                std::fs::read(&p).ok()?,
            ))
        })
        .collect()
}

/// Every seed, per target; `shared` is the data directory (`../shared/data`), skipped when
/// missing.
pub fn load(shared: &Path) -> Seeds {
    let r = root();
    let mut files = files_under(shared);
    for d in ["tests/fixtures/links", "tests/fixtures", "assets"] {
        for f in files_under(&r.join(d)) {
            if !f.0.contains("/fuzz/") && !files.iter().any(|g| g.0 == f.0) {
                files.push(f);
            }
        }
    }
    let mut seeds = Seeds::new();
    for t in &TARGETS {
        let mut v: Vec<Vec<u8>> = files
            .iter()
            .filter(|(p, _)| (t.seeds)(p))
            .map(|(_, b)| b.clone())
            .collect();
        if t.id == "trace" || t.id == "mooncake" {
            v = v.iter().map(|b| head(b, 16)).collect();
        }
        seeds.insert(t.id, v);
    }
    pairs(&files, &mut seeds);
    exports(&mut seeds);
    seeds.entry("trace").or_default().extend([
        b"arrival,size\n0,1\n0.5,2\n1.5,0.25\n3,4\n".to_vec(),
        b"# seconds\n0\n0.1\n0.1\n2\n7.5\n".to_vec(),
        b"{\"arrival\": 0, \"size\": 1}\n{\"arrival\": 2.5}\n".to_vec(),
    ]);
    for (id, v) in corpus() {
        seeds.entry(id).or_default().extend(v);
    }
    seeds
}

/// The committed corpus and kept findings, per target: (path, bytes).
pub fn fixtures() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in [corpus_dir(), crashes_dir()] {
        for t in &TARGETS {
            for (p, b) in files_under(&dir.join(t.id)) {
                out.push((t.id, p, b));
            }
        }
    }
    out
}

/// Whether a kept finding is a slow input (replayed in release builds only).
pub fn is_slow(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|f| f.starts_with("slow-") || f.starts_with("stuck-"))
}

/// The committed corpus and kept findings as seeds, slow inputs aside (mutating them
/// would mostly find the same slow path again).
pub fn corpus() -> Seeds {
    let mut out = Seeds::new();
    for (id, p, b) in fixtures() {
        if !is_slow(&p) {
            out.entry(id).or_default().push(b);
        }
    }
    out
}

/// Multi-file seeds: saga task graph + network; DS3 job + SoC of the same data set.
fn pairs(files: &[(String, Vec<u8>)], seeds: &mut Seeds) {
    let join = |a: &[u8], b: &[u8]| {
        let mut v = a.to_vec();
        v.extend_from_slice(FILE_SEPARATOR.as_bytes());
        v.extend_from_slice(b);
        v
    };
    for (p, b) in files {
        if let Some(stem) = p.strip_suffix("_taskgraph.json") {
            let net = format!("{stem}_network.json");
            if let Some((_, n)) = files.iter().find(|(q, _)| *q == net) {
                seeds.entry("saga").or_default().push(join(b, n));
            }
        }
    }
    let ds3_files = files.iter().any(|(p, _)| p.contains("/ds3"));
    if ds3_files {
        seeds.entry("ds3").or_default().clear();
    }
    for set in ["/ds3/", "/ds3_socrates/"] {
        let in_set: Vec<&(String, Vec<u8>)> =
            files.iter().filter(|(p, _)| p.contains(set)).collect();
        let socs: Vec<&Vec<u8>> = in_set
            .iter()
            .filter(|(p, _)| p.contains("SoC"))
            .map(|(_, b)| b)
            .collect();
        let jobs = in_set.iter().filter(|(p, _)| p.contains("/job_"));
        let ds3 = seeds.entry("ds3").or_default();
        for (i, (_, job)) in jobs.enumerate() {
            if let Some(soc) = socs.get(i % socs.len().max(1)) {
                ds3.push(join(job, soc));
            }
        }
    }
}

/// The presets exported as DOT and saga, whose importers have no file in the repository.
fn exports(seeds: &mut Seeds) {
    for b in seeds.get("schedlab").cloned().unwrap_or_default() {
        let Ok(s) = Scenario::from_json(&String::from_utf8_lossy(&b)) else {
            continue;
        };
        for (id, f) in [("dot", ExportFormat::Dot), ("saga", ExportFormat::Saga)] {
            if let Ok(text) = formats::export(f, &s) {
                seeds.entry(id).or_default().push(text.into_bytes());
            }
        }
    }
}
