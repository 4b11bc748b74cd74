//! The whole state of the playground: what a share link and autosave carry.

use schedlab_core::Scenario;
use serde::{Deserialize, Serialize};

/// The DAG lab's noise settings live in the core (its run API takes them); links carry
/// them unchanged.
pub use schedlab_core::run::NoiseSettings;

pub use crate::limits::{MAX_COMPARE, MAX_SAMPLES};

/// Which editor panel is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Panel {
    #[default]
    Dag,
    Platform,
}

/// Which lab is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Lab {
    /// One task graph, planned by a scheduler.
    #[default]
    Dag,
    /// Jobs arriving over time, online policies.
    Streams,
    /// LLM requests routed across model instances.
    Serving,
}

/// View settings that a link reproduces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ViewState {
    pub lab: Lab,
    pub panel: Panel,
    /// Playhead position in time units.
    pub playhead: f64,
    /// Animation speed: simulated time units per second of wall time are
    /// `speed × makespan / 10`.
    pub speed: f64,
    /// Name of the preset the scenario came from, if unchanged.
    pub preset: Option<String>,
    /// The data a new dependency carries (set once in the DAG lab; 0 unless set).
    #[serde(skip_serializing_if = "is_zero")]
    pub edge_data: f64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            lab: Lab::Dag,
            panel: Panel::Dag,
            playhead: 0.0,
            speed: 1.0,
            preset: None,
            edge_data: 0.0,
        }
    }
}

/// Everything a link carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppState {
    pub scenario: Scenario,
    /// Node positions in the DAG editor, one per task.
    pub positions: Vec<[f64; 2]>,
    /// 1 to 4 scheduler ids; more than one = compare mode.
    pub schedulers: Vec<String>,
    /// Scheduler options (applied to the schedulers that have them).
    #[serde(default)]
    pub options: schedlab_core::sched::Options,
    #[serde(default)]
    pub noise: NoiseSettings,
    #[serde(default)]
    pub view: ViewState,
    /// The Streams lab.
    #[serde(default)]
    pub streams: schedlab_core::stream::lab::StreamsSettings,
    /// The Serving lab.
    #[serde(default)]
    pub serving: schedlab_core::serve::lab::ServingSettings,
}

impl AppState {
    /// The state for a scenario: HEFT, no noise, laid out.
    pub fn new(scenario: Scenario) -> AppState {
        let positions = crate::labs::dag::layout::layered(&scenario);
        AppState {
            scenario,
            positions,
            schedulers: vec!["heft".into()],
            options: Default::default(),
            noise: NoiseSettings::default(),
            view: ViewState::default(),
            streams: Default::default(),
            serving: Default::default(),
        }
    }

    /// Checks what serde cannot: known schedulers, 1..=4 of them, one position per task,
    /// finite numbers. (The scenario itself is validated by the engine on evaluation.)
    pub fn check(&self) -> Result<(), String> {
        if self.schedulers.is_empty() || self.schedulers.len() > MAX_COMPARE {
            return Err(format!(
                "between 1 and {MAX_COMPARE} schedulers (got {})",
                self.schedulers.len()
            ));
        }
        for id in &self.schedulers {
            // An id or a spelling (`rule:priority=rank_u`): what a run would build.
            schedlab_core::sched::build(id, &Default::default()).map_err(|e| e.to_string())?;
        }
        if self.positions.len() != self.scenario.tasks.len() {
            return Err(format!(
                "{} positions for {} tasks",
                self.positions.len(),
                self.scenario.tasks.len()
            ));
        }
        if self.positions.iter().flatten().any(|v| !v.is_finite()) {
            return Err("a node position is not a finite number".into());
        }
        let n = &self.noise;
        for (what, v) in [
            ("σ", n.exec_sigma),
            ("communication σ", n.comm_sigma),
            ("straggler probability", n.straggler_prob),
            ("straggler factor", n.straggler_factor),
            ("playhead", self.view.playhead),
            ("speed", self.view.speed),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(format!("{what} must be a finite number >= 0 (got {v})"));
            }
        }
        // The playhead is a time on the schedule, and no schedule is longer than the
        // scenario's total-time limit; a speed past 1e6× plays nothing a person could see.
        let max_time = schedlab_core::scenario::limits::MAX_TOTAL_TIME;
        if self.view.playhead > max_time {
            return Err(format!(
                "playhead {} is beyond the longest possible schedule ({max_time:e})",
                self.view.playhead
            ));
        }
        if self.view.speed > 1e6 {
            return Err(format!(
                "playback speed {} is above the limit of 1e6",
                self.view.speed
            ));
        }
        let d = self.view.edge_data;
        if !(d.is_finite() && d >= 0.0) {
            return Err(format!(
                "a new dependency's data must be a number >= 0 (got {d})"
            ));
        }
        if n.straggler_prob > 1.0 {
            return Err("straggler probability must be at most 1".into());
        }
        if n.samples == 0 || n.samples > MAX_SAMPLES {
            return Err(format!("samples must be between 1 and {MAX_SAMPLES}"));
        }
        crate::limits::check_streams(&self.streams)?;
        crate::limits::check_serving(&self.serving)
    }
}
