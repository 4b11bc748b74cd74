//! The stream simulator (`engine.rs`: the resumable `Sim`, piecewise-constant rates between
//! events, McNaughton's wrap-around rule to place each interval's work on machines), its
//! flow-time metrics (`metrics.rs`) and the independent validator of the resulting machine
//! segments (`check.rs`). The files import each other by path; this one only re-exports.

mod check;
mod engine;
mod metrics;

pub use check::check;
pub use engine::{
    simulate, Decision, QueuePlace, QueueRow, Segment, Sim, StreamRun, MAX_RECORDED_ROWS,
};
pub use metrics::{reference_flow, StreamMetrics};
