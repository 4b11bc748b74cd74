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
        let left = STEPS.saturating_sub(self.search.state.iteration);
        self.search.step(&self.pair, left.min(SLICE));
        self.search.state.iteration < STEPS
    }

    /// Opens the worst instance found in `s` (one undoable edit): its scenario laid out,
    /// the pair compared, no noise and the default options (what the search scored, as
    /// `schedlab adversary` does), the seed and the other labs' settings kept; the share
    /// link carries it and the lab shows exactly the ratio found.
    pub fn open(&self, s: &mut AppState) {
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

/// The best ratio against steps, as a small inline SVG step line (x: steps, 0 to the
/// search's length or further; y: 1 to the best ratio).
fn chart(history: &[(u64, f64)], now: u64) -> String {
    const W: f64 = 240.0;
    const H: f64 = 60.0;
    let top = history.last().map_or(1.0, |h| h.1).max(1.01);
    let last = now.max(STEPS) as f64;
    let x = |i: u64| i as f64 / last * W;
    let y = |r: f64| H - (r - 1.0).max(0.0) / (top - 1.0) * H;
    let mut points = String::new();
    let mut prev = history.first().map_or(1.0, |h| h.1);
    for &(i, r) in history {
        points += &format!("{:.1},{:.1} {:.1},{:.1} ", x(i), y(prev), x(i), y(r));
        prev = r;
    }
    points += &format!("{:.1},{:.1}", x(now), y(prev));
    format!(
        "<svg class=\"adversary-chart\" data-testid=\"adversary-chart\" viewBox=\"-2 -2 {} {}\" role=\"img\" aria-label=\"best makespan ratio against steps: {top:.2} after {now}\"><line x1=\"0\" y1=\"{H}\" x2=\"{W}\" y2=\"{H}\"/><polyline points=\"{points}\"/><text x=\"2\" y=\"7\">{top:.2}×</text><text x=\"2\" y=\"{}\">1×</text><text x=\"{W}\" y=\"{}\" text-anchor=\"end\">{last} steps</text></svg>",
        W + 4.0,
        H + 14.0,
        H + 10.0,
        H + 10.0,
    )
}

/// The part of the panel a running search redraws after each slice (the rest, with its
/// buttons, stays put so a click or the keyboard focus is never lost under it): the worst
/// ratio so far and its chart.
pub fn live_html(h: &Hunt) -> String {
    let st = &h.search.state;
    let done = st.iteration >= STEPS;
    format!(
        "<p data-testid=\"adversary-status\" data-ratio=\"{}\">After {} steps: makespan ratio <b>{:.3}×</b> at worst ({} ÷ {}).{}</p>{}",
        st.best_ratio,
        st.iteration,
        st.best_ratio,
        escape(&h.search.settings.scheduler),
        escape(&h.search.settings.baseline),
        if done { " Done: another seed searches again." } else { "" },
        chart(&st.history, st.iteration)
    )
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
    let hunt = hunt.filter(|h| h.is_for(state));
    let done = hunt.is_some_and(|h| h.search.state.iteration >= STEPS);
    out += &button(
        "adversary-run",
        "run",
        0,
        state.schedulers.len() < 2 || done,
        if running {
            "Stop"
        } else if done {
            "Done"
        } else {
            "Search"
        },
    );
    if let Some(h) = hunt {
        out += &format!("<div data-testid=\"adversary-live\">{}</div>", live_html(h));
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
        // To the end, no further; then the panel says so and Search is off.
        let mut end = Hunt {
            search: h.search.clone(),
            pair: Pair::new(&h.search.settings).unwrap(),
        };
        while end.slice() {}
        assert_eq!(end.search.state.iteration, STEPS);
        let html = panel_html(&state, Some(&end), false, "");
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
        let html = panel_html(&state, Some(&h), false, "");
        assert!(html.contains(&format!("data-ratio=\"{ratio}\"")), "{html}");
        // The chart climbs to the best ratio: its last point is at the top.
        assert!(html.contains(&format!("{ratio:.2}×</text>")), "{html}");
        assert!(html.contains(",0.0\"/>"), "ends at the top: {html}");
        state.schedulers[1] = "cpop".into();
        assert!(!h.is_for(&state), "another pair is another search");
    }
}
