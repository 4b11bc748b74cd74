//! Streams of DAG jobs on heterogeneous processors: DeepSoCS's setting (DS3's WiFi
//! transmitter and receiver jobs arriving on the DASH SoC) and random DAG streams.
//!
//! Tasks run without preemption. A policy *commits* a task to a processor's queue; a
//! processor runs its queue in order, each task once its inputs have arrived (a transfer
//! between processors takes `latency + data / bandwidth`, as in the DAG lab). Execution
//! times are noisy: each task's actual time is its nominal time × max(1 + σz, 0.01), drawn
//! per (job, task) from the seed, so every policy faces the same noise.
//!
//! Policies (registry [`DAG_POLICIES`]):
//! - `dls_fcfs`, `dls_srpt`: dynamic list scheduling. Whenever something changes, the
//!   ready tasks (all predecessors done) are taken in job priority (FCFS: earliest arrival;
//!   SRPT: least expected remaining work of the job), then by decreasing upward rank, and
//!   each goes to the processor where it is expected to finish earliest. A processor holds
//!   at most one waiting task besides the one it runs, so decisions are taken late, with
//!   what has actually happened.
//!   `dls_srpt:2` lets a processor hold two waiting tasks (`:depth`, 1 to 8).
//! - `heft_rt`: HEFT planned for each arriving job against the processors' current
//!   availability: the whole job is committed on arrival (no insertion), so the plan is
//!   kept even when noise makes it wrong.
//! - `etf` (`etf:depth`): dynamic earliest time first. The candidates are the first few
//!   ready tasks of each class in SRPT order; the pair (task, earliest-finish processor)
//!   that can start earliest goes first.
//! - `learned`: the same candidates, scored by a small neural network over features of the
//!   task, its job, the processors and the noise observed so far ([`crate::stream::learned`]); the
//!   best-scored goes to its earliest-finish processor.

pub mod check;
pub mod gen;
pub mod policy;
pub mod sim;
pub mod template;

pub use check::{check, metrics};
pub use gen::{generate, generate_with, DagJob, DagSpec, DagStream, MAX_TASKS};
pub use policy::{DagPolicy, JobPriority, DAG_POLICIES};
pub use sim::{simulate, simulate_recorded, DagRun, Recorder, TaskRun};
pub use template::{bottleneck_work, ds3_templates, DagMix, Template, MAX_DEPTH};
