//! The Streams lab's model: settings (carried by links), a chunked runner that turns them
//! into one run per policy without freezing the page, what the step-through view shows,
//! the drawings (Gantt with arrivals and preemptions, queue length, flow times), the
//! metrics table and exports, and the editing rules ([`rules`]).

pub mod adversary;
pub mod draw;
pub mod export;
pub mod form;
pub mod rules;
pub mod run;
pub mod step;
#[cfg(test)]
mod tests;
pub mod train;

pub use crate::limits::{MAX_RECORDED_JOBS, MAX_UI_DAG_JOBS, MAX_UI_JOBS};
pub use draw::{
    draw_gantt, draw_learning_curve, draw_queue, gantt_height, geometry, MAX_DRAWN_SEGMENTS,
};
pub use export::{jobs_html, jobs_json, jobs_table, metrics_csv, metrics_table};
pub use rules::{
    add_policy, job_cap, ops_model_text, set_mix, set_ops_model, use_learned, use_trace,
};
pub use run::{run_all, run_all as run, Column, Runner, StreamsResult};
pub use schedlab_core::stream::lab::{policy_entries, Input, JobMix, StreamsSettings};
pub use step::{event_times, flows_by, segment_at, step_html, step_view, StepRow};
