//! "Worst case" (issue 14): the Serving lab searches short request sequences for the
//! largest ratio of its first router's mean time to first token to its second router's,
//! on the lab's number of instances, with the engine's [`ServeSearch`], a slice at a time.
//! The worst sequence opens as the lab's trace with `schedlab serve`'s settings (what the
//! search scored), so the lab's mean TTFT column shows the ratio found and the link
//! carries it. The panel is the shared [`crate::kit::hunt`].

use schedlab_core::adversary::{ServeSearch, MAX_REQUESTS};

use crate::kit::html::escape;
use crate::kit::hunt::{next_slice, Hunt, HuntKind};
use crate::state::AppState;

/// Steps per slice and in all (a serving step runs both routers on the sequence).
pub const SLICE: u64 = 100;
pub const STEPS: u64 = 4_000;
/// Requests the search starts with (it may grow the sequence to [`MAX_REQUESTS`]).
pub const REQUESTS: usize = 8;

/// The Serving lab's search: its test ids start with `serving-adversary`.
pub static KIND: HuntKind = HuntKind {
    prefix: "serving-adversary",
    intro,
    start,
};

fn intro(state: &AppState) -> Result<String, String> {
    let s = &state.serving;
    let [a, b, ..] = s.routers.as_slice() else {
        return Err("Compare two routers: the search looks for requests where the first does worst against the second.".into());
    };
    Ok(format!(
        "Simulated annealing over short request sequences: where does <b>{}</b> do worst against <b>{}</b> (mean TTFT)? {REQUESTS} to {MAX_REQUESTS} requests in 3 s on {} instances; seed {}.",
        escape(a),
        escape(b),
        s.instances,
        s.seed
    ))
}

fn start(state: &AppState) -> Result<Box<dyn Hunt>, String> {
    intro(state)?;
    let s = &state.serving;
    let search = ServeSearch::new(&s.routers[0], &s.routers[1], s.instances, REQUESTS, s.seed)
        .map_err(|e| e.to_string())?;
    Ok(Box::new(ServeHunt {
        search,
        opened: std::cell::Cell::new(None),
    }))
}

/// A serving search in progress.
pub struct ServeHunt {
    pub search: ServeSearch,
    /// The seed the lab takes when the worst sequence opens (`schedlab serve`'s, which
    /// scored it): the search stays the lab's after Open.
    opened: std::cell::Cell<Option<u64>>,
}

impl Hunt for ServeHunt {
    fn slice(&mut self) -> bool {
        let n = next_slice(self.search.state.iteration, STEPS, SLICE);
        self.search.step(n);
        self.search.state.iteration < STEPS
    }

    fn progress(&self) -> (u64, u64) {
        (self.search.state.iteration, STEPS)
    }

    fn history(&self) -> &[(u64, f64)] {
        &self.search.state.history
    }

    fn ratio_of(&self) -> String {
        format!(
            "mean TTFT {} ÷ {}",
            self.search.router, self.search.baseline
        )
    }

    fn is_for(&self, state: &AppState) -> bool {
        let s = &state.serving;
        s.routers.len() > 1
            && s.routers[0] == self.search.router
            && s.routers[1] == self.search.baseline
            && s.instances == self.search.instances
            && (s.seed == self.search.state.seed || Some(s.seed) == self.opened.get())
    }

    /// The worst sequence as the lab's trace, with the settings the search scored it on.
    fn open(&self, state: &mut AppState) {
        let h = &self.search;
        if let Ok(s) = h.state.best.settings(h.instances, &h.router, &h.baseline) {
            self.opened.set(Some(s.seed));
            state.serving = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::hunt::{best, panel_html};
    use crate::labs::dag::presets;
    use crate::labs::serving::run_all;

    #[test]
    fn round_robin_is_found_out_against_cache_affinity_and_the_sequence_reopens() {
        let mut state = AppState::new(presets::ALL[0].scenario());
        state.serving.routers = vec!["round_robin".into(), "cache_aware".into()];
        state.serving.instances = 2;
        let mut h = start(&state).unwrap();
        assert!(h.is_for(&state));
        while h.slice() {}
        assert_eq!(h.progress(), (STEPS, STEPS));
        let ratio = best(h.as_ref());
        assert!(ratio > 1.2, "{ratio}");
        let mut opened = state.clone();
        h.open(&mut opened);
        opened.check().unwrap();
        assert!(h.is_for(&opened), "still the lab's search after Open");
        let r = run_all(&opened.serving).unwrap();
        let (a, b) = (&r.columns[0].metrics, &r.columns[1].metrics);
        assert_eq!(
            a.ttft_mean_ms / b.ttft_mean_ms,
            ratio,
            "the lab gives the ratio found"
        );
        let html = panel_html(&KIND, &state, Some(h.as_ref()), false, "");
        assert!(
            html.contains("mean TTFT round_robin ÷ cache_aware"),
            "{html}"
        );
        state.serving.instances = 9;
        // Too many instances for the search: refused when it starts, with the bound.
        let Err(e) = start(&state) else {
            panic!("9 instances")
        };
        assert!(e.contains("1 to 8 instances"), "{e}");
    }
}
