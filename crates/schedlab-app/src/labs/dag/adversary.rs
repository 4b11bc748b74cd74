//! "Find a bad instance" (issue 14): the DAG lab runs the engine's PISA-style search
//! ([`schedlab_core::adversary`]) for the first compared scheduler against the second, a
//! slice of steps at a time so the page stays live, and opens the worst instance found as
//! the lab's scenario (so the share link carries it and `schedlab run` reproduces its
//! ratio). The panel is the shared [`crate::kit::hunt`]; this is the DAG lab's [`Hunt`].

use schedlab_core::adversary::{Pair, Search, Settings};
use schedlab_core::run::NoiseSettings;

use crate::kit::html::escape;
use crate::kit::hunt::{next_slice, Hunt, HuntKind};
use crate::state::AppState;

/// Annealing steps per slice (a few milliseconds in WebAssembly).
pub const SLICE: u64 = 500;
/// Steps a search takes before it stops by itself.
pub const STEPS: u64 = 50_000;
/// The instance size: PISA's small instances.
pub const TASKS: usize = 4;
pub const PROCESSORS: usize = 3;

/// The DAG lab's search: its test ids start with `adversary`.
pub static KIND: HuntKind = HuntKind {
    prefix: "adversary",
    intro,
    start,
};

fn intro(state: &AppState) -> Result<String, String> {
    match state.schedulers.as_slice() {
        [a, b, ..] => Ok(format!(
            "Simulated annealing over small instances (PISA, IPDPS 2025): where does <b>{}</b> do worst against <b>{}</b>? {TASKS} tasks on {PROCESSORS} processors, weights in [0.1, 1], seed {}.",
            escape(a),
            escape(b),
            state.noise.seed
        )),
        _ => Err("Compare two schedulers: the search (PISA, IPDPS 2025) looks for an instance where the first does worst against the second.".into()),
    }
}

fn start(state: &AppState) -> Result<Box<dyn Hunt>, String> {
    DagHunt::start(state).map(|h| Box::new(h) as Box<dyn Hunt>)
}

/// A search in progress: the pair compared and the annealing state.
pub struct DagHunt {
    pub search: Search,
    pair: Pair,
}

impl DagHunt {
    /// A search for the state's first scheduler against its second, seeded by its noise seed.
    pub fn start(state: &AppState) -> Result<DagHunt, String> {
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
        Ok(DagHunt { search, pair })
    }
}

impl Hunt for DagHunt {
    fn slice(&mut self) -> bool {
        let n = next_slice(self.search.state.iteration, STEPS, SLICE);
        self.search.step(&self.pair, n);
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
            "makespan {} ÷ {}",
            self.search.settings.scheduler, self.search.settings.baseline
        )
    }

    fn is_for(&self, state: &AppState) -> bool {
        let s = &self.search.settings;
        state.schedulers.len() > 1
            && state.schedulers[0] == s.scheduler
            && state.schedulers[1] == s.baseline
            && state.noise.seed == s.seed
    }

    /// Its scenario laid out, the pair compared, no noise and the default options (what
    /// the search scored, as `schedlab adversary` does), the seed and the other labs'
    /// settings kept; the share link carries it and the lab shows exactly the ratio found.
    fn open(&self, s: &mut AppState) {
        s.options = Default::default();
        s.scenario = self.search.best_scenario();
        s.positions = super::layout::layered(&s.scenario);
        s.schedulers = vec![
            self.search.settings.scheduler.clone(),
            self.search.settings.baseline.clone(),
        ];
        s.noise = NoiseSettings {
            seed: s.noise.seed,
            ..NoiseSettings::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::hunt::panel_html;
    use crate::labs::dag::presets;

    #[test]
    fn heft_against_fastest_node_passes_two_and_the_instance_reproduces_the_ratio() {
        let mut state = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        assert!(start(&state).is_err(), "one scheduler: nothing to compare");
        let html = panel_html(&KIND, &state, None, false, "");
        assert!(
            html.contains("Compare two schedulers") && html.contains("disabled"),
            "{html}"
        );
        state.schedulers = vec!["heft".into(), "fastest_node".into()];
        let mut h = DagHunt::start(&state).unwrap();
        assert!(h.is_for(&state));
        while h.search.state.iteration < 20_000 {
            assert!(h.slice());
        }
        let ratio = h.search.state.best_ratio;
        assert!(ratio >= 2.0, "{ratio}");
        // To the end, no further; then the panel says so and Search is off.
        let mut end = DagHunt {
            search: h.search.clone(),
            pair: Pair::new(&h.search.settings).unwrap(),
        };
        while end.slice() {}
        assert_eq!(end.search.state.iteration, STEPS);
        let html = panel_html(&KIND, &state, Some(&end), false, "");
        assert!(
            html.contains("Done: another seed") && html.contains("disabled"),
            "{html}"
        );
        // Opened as the lab's state: the engine's evaluation gives the same ratio.
        let mut opened = state.clone();
        opened.options.insert("comm_average".into(), "saga".into());
        h.open(&mut opened);
        opened.check().unwrap();
        assert_eq!(opened.positions.len(), opened.scenario.tasks.len());
        assert_eq!(opened.noise.seed, state.noise.seed);
        assert!(
            opened.options.get("comm_average").is_none(),
            "scored with no options"
        );
        let p = schedlab_core::Problem::new(&opened.scenario).unwrap();
        let ev =
            schedlab_core::run::evaluate(&p, &opened.schedulers, &opened.options, &opened.noise)
                .unwrap();
        let m: Vec<f64> = ev.iter().map(|c| c.run.metrics.makespan).collect();
        assert_eq!(m[0] / m[1], ratio);
        let html = panel_html(&KIND, &state, Some(&h), false, "");
        assert!(html.contains(&format!("data-ratio=\"{ratio}\"")), "{html}");
        assert!(html.contains("makespan heft ÷ fastest_node"), "{html}");
        // The chart climbs to the best ratio: its last point is at the top.
        assert!(html.contains(&format!("{ratio:.2}×</text>")), "{html}");
        assert!(html.contains(",0.0\"/>"), "ends at the top: {html}");
        state.schedulers[1] = "cpop".into();
        assert!(!h.is_for(&state), "another pair is another search");
    }
}
