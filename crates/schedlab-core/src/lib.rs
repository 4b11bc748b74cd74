//! schedlab's engine: task-graph scenarios on heterogeneous processors, static list
//! schedulers, a discrete-event simulator that executes plans under noise, metrics, random
//! and structured graph generators, and importers/exporters for the common file formats.
//!
//! Architecture invariant: no IO, no clock, no threads, no OS randomness. Every result is a
//! pure function of its inputs and seed, identical natively and in WebAssembly.

pub mod adversary;
pub mod check;
pub mod dist;
pub mod error;
pub mod explain;
pub mod formats;
pub mod gen;
pub mod metrics;
pub mod problem;
pub mod ranks;
pub mod registry;
pub mod rule;
pub mod run;
pub mod scenario;
pub mod sched;
pub mod schedule;
pub mod serve;
pub mod sim;
pub mod stream;
pub mod util;

pub use error::{Error, Result};
pub use metrics::Metrics;
pub use problem::Problem;
pub use scenario::Scenario;
pub use schedule::Schedule;
pub use sim::{simulate, Execution, Noise};

/// The engine's version, shown by the CLI and the web app.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
