//! The serving simulator (`engine.rs`: routing, iteration-level batching with FCFS or
//! chunked prefill, KV memory shared by the LRU prefix cache and running requests,
//! preemption, noise, slowdowns and scaling events), its metrics (`metrics.rs`), the
//! effective-capacity search (`capacity.rs`) and the independent validator (`check.rs`).
//! The files import each other by path; this one only re-exports.

mod capacity;
mod check;
mod engine;
mod metrics;

pub use capacity::{capacity, Capacity, CapacityPoint, CapacitySearch};
pub use check::check;
pub use engine::{
    simulate, simulate_explained, InstanceScheduler, ReqRun, RouteRecord, ScaleAction, ScaleEvent,
    ScaleRecord, Seen, ServeConfig, ServeRun, DEFAULT_BATCH_LIMIT, DEFAULT_KV_BLOCKS,
    DEFAULT_TPOT_SLO_MS, MAX_INSTANCES, MAX_ROUTE_RECORDS,
};
pub use metrics::ServeMetrics;
