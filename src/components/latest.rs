//! Work deferred to a later task that only the latest request runs: edits in one burst cost
//! one evaluation (or one save, or one run), and the page never waits on a stale one.

use std::time::Duration;

use leptos::prelude::*;

/// Bumps `generation` and runs `f` after `delay` if no newer call came in between; returns
/// the generation `f` belongs to (for checks of its own in later steps).
pub fn run_latest(
    generation: StoredValue<u64>,
    delay: Duration,
    f: impl FnOnce() + 'static,
) -> u64 {
    let g = generation.get_value() + 1;
    generation.set_value(g);
    set_timeout(
        move || {
            if generation.get_value() == g {
                f();
            }
        },
        delay,
    );
    g
}

/// The test id of series `i` (a column, a compared scheduler/policy/router): `base` for the
/// first, `base-i` for the others.
pub fn series_testid(base: &str, i: usize) -> String {
    if i == 0 {
        base.to_string()
    } else {
        format!("{base}-{i}")
    }
}
