//! Every input kept by the fuzzer (the committed corpus and each finding under
//! tests/fixtures/fuzz/crashes/) replays without a panic and with a short error or a
//! completed run. Slow inputs (`slow-*`) are replayed under the time limit by the release
//! build (`schedlab-fuzz --replay-fixtures`, part of `cargo xtask test`).

use schedlab_fuzz::seeds::{fixtures, is_slow};
use schedlab_fuzz::targets::{execute, find};

#[test]
fn every_kept_input_replays_cleanly() {
    let all = fixtures();
    assert!(
        all.iter().any(|(_, p, _)| p.contains("/corpus/")),
        "the committed corpus is missing"
    );
    let mut bad = Vec::new();
    for (id, path, input) in all.iter().filter(|(_, p, _)| !is_slow(p)) {
        if let Err(e) = execute(find(id).expect("fixture folders are targets"), input) {
            bad.push(format!("{path}: {e}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
