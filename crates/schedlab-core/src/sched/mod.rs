//! Static list schedulers for task DAGs on heterogeneous processors, and their registry.
//!
//! Each algorithm lives in its own file with a doc comment citing its paper and giving its
//! complexity (n tasks, e edges, m processors). [`REGISTRY`] lists them all: the CLI, the web
//! app and the tests iterate it, so adding a scheduler is one file plus one line there.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::schedule::Schedule;

/// The priorities (ranks, levels, PEFT's table) live below the schedulers, in
/// [`crate::ranks`], so that the online layer can use them without importing a scheduler.
pub use crate::ranks::{self, CommAverage};

pub mod cpop;
pub mod etf;
pub mod fastest;
pub mod heft;
pub mod learned;
pub mod mapping;
pub mod maxmin;
pub mod mct;
pub mod met;
pub mod minmin;
pub mod olb;
pub mod peft;
pub mod random;
pub mod sufferage;

/// A static scheduler: maps a problem to a complete plan. Deterministic for a given `seed`
/// (only randomised algorithms read it).
pub trait Scheduler {
    fn schedule(&self, problem: &Problem, seed: u64) -> Schedule;
}

/// `--set KEY=VALUE` options, as given.
pub type Options = BTreeMap<String, String>;

/// One option a scheduler accepts.
#[derive(Debug, Clone, Copy)]
pub struct OptionSpec {
    pub key: &'static str,
    /// Allowed values, default first.
    pub values: &'static [&'static str],
    pub help: &'static str,
}

/// A registry entry.
#[derive(Clone, Copy)]
pub struct SchedulerSpec {
    /// Stable identifier used in files, URLs and the CLI.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// One line: what it does.
    pub summary: &'static str,
    /// The paper it comes from.
    pub citation: &'static str,
    pub options: &'static [OptionSpec],
    build: fn(&Options) -> Result<Box<dyn Scheduler>>,
}

impl std::fmt::Debug for SchedulerSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchedulerSpec")
            .field("id", &self.id)
            .finish()
    }
}

impl SchedulerSpec {
    pub const fn new(
        id: &'static str,
        name: &'static str,
        summary: &'static str,
        citation: &'static str,
        options: &'static [OptionSpec],
        build: fn(&Options) -> Result<Box<dyn Scheduler>>,
    ) -> Self {
        SchedulerSpec {
            id,
            name,
            summary,
            citation,
            options,
            build,
        }
    }

    /// Builds the scheduler, checking every option key and value against [`Self::options`].
    pub fn build(&self, options: &Options) -> Result<Box<dyn Scheduler>> {
        for (k, v) in options {
            let Some(spec) = self.options.iter().find(|o| o.key == k) else {
                let known: Vec<&str> = self.options.iter().map(|o| o.key).collect();
                return Err(Error::config(format!(
                    "scheduler '{}' has no option '{k}' (options: {})",
                    self.id,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            };
            if !spec.values.contains(&v.as_str()) {
                return Err(Error::config(format!(
                    "option '{k}' of scheduler '{}' must be one of {} (got '{v}')",
                    self.id,
                    spec.values.join(", ")
                )));
            }
        }
        (self.build)(options)
    }
}

/// Every scheduler, in the order pickers show them.
pub static REGISTRY: &[SchedulerSpec] = &[
    heft::SPEC,
    cpop::SPEC,
    peft::SPEC,
    etf::SPEC,
    mct::SPEC,
    met::SPEC,
    olb::SPEC,
    minmin::SPEC,
    maxmin::SPEC,
    sufferage::SPEC,
    fastest::SPEC,
    random::SPEC,
    learned::SPEC,
];

/// Looks a scheduler up by id.
pub fn find(id: &str) -> Result<&'static SchedulerSpec> {
    REGISTRY.iter().find(|s| s.id == id).ok_or_else(|| {
        let ids: Vec<&str> = REGISTRY.iter().map(|s| s.id).collect();
        Error::config(format!(
            "unknown scheduler '{id}' (known: {})",
            ids.join(", ")
        ))
    })
}

/// Builds a scheduler by id with options.
pub fn build(id: &str, options: &Options) -> Result<Box<dyn Scheduler>> {
    find(id)?.build(options)
}

/// The `comm_average` option shared by the rank-based schedulers.
pub const COMM_AVERAGE: OptionSpec = OptionSpec {
    key: "comm_average",
    values: &["distinct_pairs", "saga"],
    help: "mean communication cost over processor pairs p!=q (the paper) or over all pairs incl. each processor with itself, counting 0 (saga 2.x)",
};

pub(crate) fn comm_average(options: &Options) -> CommAverage {
    match options.get("comm_average").map(String::as_str) {
        Some("saga") => CommAverage::Saga,
        _ => CommAverage::DistinctPairs,
    }
}
