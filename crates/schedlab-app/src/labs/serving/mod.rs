//! The Serving lab's model: settings (the core's value, carried by links), runs per router
//! laid out for drawing ([`run`]), the drawings ([`draw`]), the metrics table and its CSV
//! ([`export`]), why each request went where it did ([`explain`]), the editing rules
//! ([`rules`]) and the capacity view ([`capacity`]).

pub mod adversary;
pub mod capacity;
pub mod draw;
pub mod explain;
pub mod export;
pub mod form;
pub mod rules;
pub mod run;
#[cfg(test)]
mod tests;

pub use crate::limits::MAX_UI_REQUESTS;
pub use draw::{
    decode_lanes, draw_cache, draw_gantt, draw_latency, draw_per_instance, gantt_height, geometry,
    instance_labels, latencies_by, prefix_rgb, request_at,
};
pub use export::{metrics_csv, metrics_table, requests_csv};
pub use rules::{scale_at, trace_cache_floor, trim_trace, use_synthetic, use_trace};
pub use run::{event_times, routers, run_all, run_all as run, ServingColumn, ServingResult};
pub use schedlab_core::serve::lab::ServingSettings;
