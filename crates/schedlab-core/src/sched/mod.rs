//! Static list schedulers for task DAGs on heterogeneous processors, and their registry.
//!
//! Each algorithm lives in its own file with a doc comment citing its paper and giving its
//! complexity (n tasks, e edges, m processors). [`REGISTRY`] lists them all: the CLI, the web
//! app and the tests iterate it, so adding a scheduler is one file plus one line there.

use crate::error::{Error, Result};
use crate::explain::Explanation;
use crate::problem::Problem;
use crate::schedule::{Builder, Schedule};

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
pub mod rule;
pub mod sufferage;

/// A static scheduler: maps a problem to a complete plan. Deterministic for a given `seed`
/// (only randomised algorithms read it).
pub trait Scheduler {
    /// Places every task of `b.problem` through `b`, which records why when asked.
    fn plan(&self, b: &mut Builder, seed: u64);
}

/// What every scheduler gets from [`Scheduler::plan`], written once on the trait object
/// rather than as default methods: a default method is compiled once per scheduler into
/// its vtable (14 copies of each in the WebAssembly bundle), these once.
impl dyn Scheduler + '_ {
    /// The plan.
    pub fn schedule(&self, problem: &Problem, seed: u64) -> Schedule {
        let mut b = Builder::new(problem);
        self.plan(&mut b, seed);
        b.finish()
    }

    /// The plan (the same as [`Scheduler::schedule`]'s) and why each task went where it did.
    pub fn explain(&self, problem: &Problem, seed: u64) -> (Schedule, Explanation) {
        let mut b = Builder::recording(problem);
        self.plan(&mut b, seed);
        b.finish_explained()
    }

    /// The plan, or the error the scheduler reported (only a user-written [`rule`] fails:
    /// a division by zero, a logarithm of 0). Every run the CLI and the page make goes
    /// through this or [`Scheduler::try_explain`].
    pub fn try_schedule(&self, problem: &Problem, seed: u64) -> Result<Schedule> {
        let mut b = Builder::new(problem);
        self.plan(&mut b, seed);
        b.finish_checked()
    }

    /// [`Scheduler::explain`], or the error the scheduler reported.
    pub fn try_explain(&self, problem: &Problem, seed: u64) -> Result<(Schedule, Explanation)> {
        let mut b = Builder::recording(problem);
        self.plan(&mut b, seed);
        b.finish_explained_checked()
    }
}

pub use crate::registry::{Entry, OptionSpec, Options, Values};

/// How a registry entry makes its scheduler from `--set` options (already checked).
pub type Make = fn(&Options) -> Result<Box<dyn Scheduler>>;

/// A scheduler's registry entry ([`crate::registry::Entry`]).
pub type SchedulerSpec = Entry<Make>;

impl SchedulerSpec {
    /// Builds the scheduler, checking every option key and value against [`Entry::options`].
    pub fn build(&self, options: &Options) -> Result<Box<dyn Scheduler>> {
        for (k, v) in options {
            crate::registry::check_option(self.options, "scheduler", self.id, self.id, k, v)?;
        }
        (self.make)(options)
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
    rule::SPEC,
];

/// A scheduler given as a spelling (`heft`, `rule:priority=rank_u:placement=est`) with
/// options from elsewhere (`--set`, the page's shared options): its entry and its options,
/// those of the spelling over the others, only the keys the entry takes.
pub fn resolve(text: &str, options: &Options) -> Result<(&'static SchedulerSpec, Options)> {
    let (spec, own) = if text.contains(':') {
        parse(text)?
    } else {
        (find(text)?, Options::new())
    };
    let mut out: Options = options
        .iter()
        .filter(|(k, _)| spec.options.iter().any(|o| o.key == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.extend(own);
    Ok((spec, out))
}

/// Looks a scheduler up by id.
pub fn find(id: &str) -> Result<&'static SchedulerSpec> {
    let spec = crate::registry::find(REGISTRY, "scheduler", "", id)?;
    if spec.id != id {
        // Options go in `--set` (or through [`parse`]), not in the id.
        return Err(Error::config(format!(
            "unknown scheduler '{id}' (give options with --set KEY=VALUE)"
        )));
    }
    Ok(spec)
}

/// Parses `id[:key=value...]` (or `id:value` in option order) into a scheduler and its
/// options, as `--set` would give them.
pub fn parse(text: &str) -> Result<(&'static SchedulerSpec, Options)> {
    let (spec, parsed) = crate::registry::parse(REGISTRY, "scheduler", "", text)?;
    Ok((spec, parsed.options))
}

/// Builds a scheduler by id with options, or from a spelling with options
/// ([`resolve`]: the spelling's own options win).
pub fn build(id: &str, options: &Options) -> Result<Box<dyn Scheduler>> {
    if id.contains(':') {
        let (spec, options) = resolve(id, options)?;
        return spec.build(&options);
    }
    find(id)?.build(options)
}

/// The `comm_average` option shared by the rank-based schedulers.
pub const COMM_AVERAGE: OptionSpec = OptionSpec {
    key: "comm_average",
    values: Values::OneOf(&["distinct_pairs", "saga"]),
    help: "mean communication cost over processor pairs p!=q (the paper) or over all pairs incl. each processor with itself, counting 0 (saga 2.x)",
};

pub(crate) fn comm_average(options: &Options) -> CommAverage {
    match options.get("comm_average").map(String::as_str) {
        Some("saga") => CommAverage::Saga,
        _ => CommAverage::DistinctPairs,
    }
}
