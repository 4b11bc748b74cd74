//! The serving simulator (`engine.rs`: routing, FIFO prefill, batched decode, LRU prefix
//! cache, noise, slowdowns and scaling events), its metrics (`metrics.rs`), the
//! effective-capacity search (`capacity.rs`) and the independent validator (`check.rs`).
//! The files import each other by path; this one only re-exports.

mod capacity;
mod check;
mod engine;
mod metrics;

pub use capacity::capacity;
pub use check::check;
pub use engine::{
    simulate, simulate_explained, ReqRun, RouteRecord, ScaleAction, ScaleEvent, ScaleRecord, Seen,
    ServeConfig, ServeRun, MAX_INSTANCES, MAX_ROUTE_RECORDS,
};
pub use metrics::ServeMetrics;
