//! "Find a bad instance" (issue 14): the DAG lab runs the engine's PISA-style search
//! ([`schedlab_core::adversary`]) for the first compared scheduler against the second, a
//! slice of steps at a time so the page stays live, and opens the worst instance found as
//! the lab's scenario (so the share link carries it and `schedlab run` reproduces its
//! ratio). The model is here, tested natively; the page only schedules the slices.

use schedlab_core::adversary::{Pair, Search, Settings};
use schedlab_core::run::NoiseSettings;

use crate::kit::html::{button, escape};
use crate::state::AppState;

/// Annealing steps per slice (a few milliseconds in WebAssembly).
pub const SLICE: u64 = 500;
/// Steps a search takes before it stops by itself.
pub const STEPS: u64 = 50_000;
/// The instance size: PISA's small instances.
pub const TASKS: usize = 4;
pub const PROCESSORS: usize = 3;

/// A search in progress: the pair compared and the annealing state.
pub struct Hunt {
    pub search: Search,
    pair: Pair,
}

impl Hunt {
    /// A search for the state's first scheduler against its second, seeded by its noise seed.
    pub fn start(state: &AppState) -> Result<Hunt, String> {
        let [a, b, ..] = state.schedulers.as_slice() else {
            return Err(
                "compare two schedulers first: the search breaks the first against the second"
                    .into(),
            );
        };
        let (search, pair) = Search::new(Settings {
            scheduler: a.clone(),
            baseline: b.clone(),
            tasks: TASKS,
            processors: PROCESSORS,
            seed: state.noise.seed,
        })
        .map_err(|e| e.to_string())?;
        Ok(Hunt { search, pair })
    }

    /// Whether this search is for the state's pair and seed.
    pub fn is_for(&self, state: &AppState) -> bool {
        let s = &self.search.settings;
        state.schedulers.len() > 1
            && state.schedulers[0] == s.scheduler
            && state.schedulers[1] == s.baseline
            && state.noise.seed == s.seed
    }

    /// One slice of steps; whether the search has steps left.
    pub fn slice(&mut self) -> bool {
        self.search.step(&self.pair, SLICE);
        self.search.state.iteration < STEPS
    }

    /// `state` showing the worst instance found: its scenario, the pair compared, no noise
    /// (the ratio is between plans); the other labs' settings kept.
    pub fn instance(&self, state: &AppState) -> AppState {
        let scenario = self.search.best_scenario();
        let mut s = AppState::new(scenario);
        s.schedulers = vec![
            self.search.settings.scheduler.clone(),
            self.search.settings.baseline.clone(),
        ];
        s.options = state.options.clone();
        s.noise = NoiseSettings {
            seed: state.noise.seed,
            ..NoiseSettings::default()
        };
        s.streams = state.streams.clone();
        s.serving = state.serving.clone();
        s
    }
}

/// The panel's body: what is searched, Search/Stop, the worst ratio so far, Open.
pub fn panel_html(state: &AppState, hunt: Option<&Hunt>, running: bool, message: &str) -> String {
    let mut out = String::from("<p>Simulated annealing over small instances (PISA, IPDPS 2025): ");
    match state.schedulers.as_slice() {
        [a, b, ..] => out += &format!(
            "where does <b>{}</b> do worst against <b>{}</b>? {TASKS} tasks on {PROCESSORS} processors, weights in [0.1, 1], seed {}.</p>",
            escape(a),
            escape(b),
            state.noise.seed
        ),
        _ => out += "compare two schedulers, and it looks for an instance where the first does worst against the second.</p>",
    }
    out += &button(
        "adversary-run",
        "run",
        0,
        state.schedulers.len() < 2,
        if running { "Stop" } else { "Search" },
    );
    if let Some(h) = hunt.filter(|h| h.is_for(state)) {
        let st = &h.search.state;
        out += &format!(
            "<p data-testid=\"adversary-status\" data-ratio=\"{}\">After {} steps: makespan ratio <b>{:.3}×</b> at worst ({} ÷ {}).</p>",
            st.best_ratio,
            st.iteration,
            st.best_ratio,
            escape(&h.search.settings.scheduler),
            escape(&h.search.settings.baseline)
        );
        out += &button(
            "adversary-open",
            "open",
            0,
            running,
            "Open the worst instance",
        );
    }
    if !message.is_empty() {
        out += &format!("<p class=\"rule-error\">{}</p>", escape(message));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;

    #[test]
    fn heft_against_fastest_node_passes_two_and_the_instance_reproduces_the_ratio() {
        let mut state = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        assert!(
            Hunt::start(&state).is_err(),
            "one scheduler: nothing to compare"
        );
        state.schedulers = vec!["heft".into(), "fastest_node".into()];
        let mut h = Hunt::start(&state).unwrap();
        assert!(h.is_for(&state));
        while h.search.state.iteration < 20_000 {
            assert!(h.slice());
        }
        let ratio = h.search.state.best_ratio;
        assert!(ratio >= 2.0, "{ratio}");
        // Opened as the lab's state: the engine's evaluation gives the same ratio.
        let opened = h.instance(&state);
        opened.check().unwrap();
        let p = schedlab_core::Problem::new(&opened.scenario).unwrap();
        let ev =
            schedlab_core::run::evaluate(&p, &opened.schedulers, &opened.options, &opened.noise)
                .unwrap();
        let m: Vec<f64> = ev.iter().map(|c| c.run.metrics.makespan).collect();
        assert_eq!(m[0] / m[1], ratio);
        let html = panel_html(&state, Some(&h), false, "");
        assert!(html.contains(&format!("data-ratio=\"{ratio}\"")), "{html}");
        state.schedulers[1] = "cpop".into();
        assert!(!h.is_for(&state), "another pair is another search");
    }
}
