//! The DAG lab's model: its settings are the state's scenario, schedulers, options and
//! noise ([`crate::state::AppState`], edited through [`crate::editor::Editor`], whose named
//! methods are its editing rules); [`run`] evaluates them with the engine; the drawings are
//! the Gantt ([`gantt`]), the DAG layout ([`layout`]) and the robustness chart
//! ([`charts`]); [`export`] gives the metrics table and its CSV; [`presets`] the gallery.

pub mod adversary;
pub mod charts;
pub mod eval;
pub mod explain;
pub mod export;
pub mod form;
pub mod gantt;
pub mod inspector;
pub mod layout;
pub mod manual;
pub mod platform;
pub mod presets;
pub mod rules;

pub use crate::state::AppState as Settings;
pub use eval::{evaluate as run, event_times, Evaluation};
pub use export::{metrics_csv, metrics_table, screen_table, ScreenTable};
