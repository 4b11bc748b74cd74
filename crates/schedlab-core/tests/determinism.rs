//! The fingerprint of noisy runs that the browser test (tests/web.rs) must reproduce in
//! WebAssembly bit for bit. Set SCHEDLAB_BLESS=1 to rewrite tests/fixtures/determinism.json
//! after an intended change of the engine's numbers.

mod common;
#[path = "common/streams.rs"]
mod stream_fp;

use schedlab_core::sched::{Options, REGISTRY};
use schedlab_core::{run, Noise};
use serde_json::json;

#[test]
fn native_runs_match_the_shared_fingerprint() {
    let p = common::problem("topcuoglu2002");
    let mut rows = Vec::new();
    // Every entry the page has too: user rules are CLI-only for now (their parser does not
    // fit the bundle budget yet; `rule` is HEFT's plan by default, tests/rules.rs).
    for spec in REGISTRY.iter().filter(|s| s.id != "rule") {
        for (sigma, seed) in [(0.0, 1u64), (0.3, 42)] {
            let r = run::run(
                &p,
                spec.id,
                &Options::new(),
                &Noise {
                    exec_sigma: sigma,
                    comm_sigma: sigma / 2.0,
                    ..Default::default()
                },
                seed,
            )
            .unwrap();
            let bits = r
                .execution
                .tasks
                .iter()
                .map(|t| t.end.to_bits())
                .fold(0u64, |h, b| h.rotate_left(7) ^ b);
            rows.push(json!({"scheduler": spec.id, "sigma": sigma, "seed": seed, "makespan": r.metrics.makespan, "end_bits": format!("{bits:016x}")}));
        }
    }
    let text = serde_json::to_string_pretty(&rows).unwrap() + "\n";
    let path = common::root().join("tests/fixtures/determinism.json");
    if std::env::var_os("SCHEDLAB_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(
        common::read(&path),
        text,
        "the engine's numbers changed; if intended, rerun with SCHEDLAB_BLESS=1"
    );
}

/// The streams' counterpart: every online policy on a bursty estimated-size stream and
/// every DAG policy on a noisy DS3 stream, fingerprinted by their completion times.
#[test]
fn native_stream_runs_match_the_shared_fingerprint() {
    let text = serde_json::to_string_pretty(&stream_fp::stream_fingerprints()).unwrap() + "\n";
    let path = common::root().join("tests/fixtures/stream-determinism.json");
    if std::env::var_os("SCHEDLAB_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(
        common::read(&path),
        text,
        "the streams' numbers changed; if intended, rerun with SCHEDLAB_BLESS=1"
    );
}
