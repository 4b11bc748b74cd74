//! The fingerprint of noisy runs that the browser test (tests/web.rs) must reproduce in
//! WebAssembly bit for bit. Set SCHEDLAB_BLESS=1 to rewrite tests/fixtures/determinism.json
//! after an intended change of the engine's numbers.

mod common;
#[path = "common/streams.rs"]
mod stream_fp;

use schedlab_core::sched::{Options, REGISTRY};
use schedlab_core::{run, Noise};
use serde_json::json;

/// A rule of the page's DAG lab through the libm functions (tests/web.rs runs it too).
pub const SPELLED_RULE: &str =
    "rule:priority=rank_u + log(1 + mean_cost) * sqrt(out_degree + 1):placement=finish + 0.1 * exp(-count)";

#[test]
fn native_runs_match_the_shared_fingerprint() {
    let p = common::problem("topcuoglu2002");
    let mut rows = Vec::new();
    // Every entry (the page has them all), and a user rule that reads through log, sqrt
    // and exp (libm's, so the same bits in WebAssembly: tests/web.rs checks them).
    let ids = REGISTRY.iter().map(|s| s.id).chain([SPELLED_RULE]);
    for id in ids {
        for (sigma, seed) in [(0.0, 1u64), (0.3, 42)] {
            let r = run::run(
                &p,
                id,
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
            rows.push(json!({"scheduler": id, "sigma": sigma, "seed": seed, "makespan": r.metrics.makespan, "end_bits": format!("{bits:016x}")}));
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
