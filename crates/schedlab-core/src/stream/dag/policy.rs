//! DAG-job policies: parsing and what each one needs.

use std::sync::Arc;

use super::template::MAX_DEPTH;
use crate::error::Result;
use crate::registry::{self, Entry, OptionSpec, Parsed, Values};
use crate::stream::learned::model::{self, Model};

/// Which job goes first in dynamic list scheduling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobPriority {
    Fcfs,
    Srpt,
}

/// A policy for DAG jobs.
#[derive(Debug, Clone, PartialEq)]
pub enum DagPolicy {
    /// Dynamic list scheduling; a processor holds at most `depth` waiting tasks.
    Dls {
        priority: JobPriority,
        depth: usize,
    },
    HeftRt,
    /// Dynamic earliest time first over the candidates.
    Etf {
        depth: usize,
    },
    /// A trained network scores the candidates.
    Learned(Arc<Model>),
}

/// How a registry entry makes its DAG-job policy from a parsed spelling.
pub type Make = fn(&Parsed) -> Result<DagPolicy>;

const DEPTH: OptionSpec = OptionSpec {
    key: "depth",
    values: Values::Whole {
        default: 1,
        min: 1,
        max: MAX_DEPTH,
    },
    help: "how many waiting tasks a processor may hold",
};

fn dls(priority: JobPriority, p: &Parsed) -> Result<DagPolicy> {
    Ok(DagPolicy::Dls {
        priority,
        depth: p.whole("depth"),
    })
}

/// Every DAG-job policy, in picker order: `dls_srpt[:depth]`, `dls_fcfs[:depth]`, `heft_rt`
/// (also `heft`), `etf[:depth]` and `learned` (the shipped weights, [`model::shipped`]).
pub static DAG_POLICIES: &[Entry<Make>] = &[
    Entry::new(
        "dls_srpt",
        "DLS (SRPT)",
        "dynamic list scheduling: ready tasks of the job with the least remaining work first, each to the processor where it finishes earliest",
        "",
        &[DEPTH],
        |p| dls(JobPriority::Srpt, p),
    ),
    Entry::new(
        "dls_fcfs",
        "DLS (FCFS)",
        "dynamic list scheduling: ready tasks of the earliest job first, each to the processor where it finishes earliest",
        "",
        &[DEPTH],
        |p| dls(JobPriority::Fcfs, p),
    ),
    Entry::<Make>::new(
        "heft_rt",
        "HEFT-RT",
        "each arriving job is planned whole with HEFT against the processors' availability, and the plan is kept",
        "",
        &[],
        |_| Ok(DagPolicy::HeftRt),
    )
    .aliases(&["heft"]),
    Entry::new(
        "etf",
        "Dynamic ETF",
        "of the first ready tasks of each kind (SRPT order), the one that can start earliest, on its earliest-finish processor",
        "",
        &[DEPTH],
        |p| Ok(DagPolicy::Etf { depth: p.whole("depth") }),
    ),
    Entry::new(
        "learned",
        "Learned",
        "a trained network scores the first ready tasks of each kind; the best goes to its earliest-finish processor",
        "schedlab's policy trained by evolution strategies, after DeepSoCS (Sung et al. 2020)",
        &[],
        |_| Ok(DagPolicy::Learned(model::shipped())),
    ),
];

impl DagPolicy {
    /// Parses a spelling of [`DAG_POLICIES`] (see [`crate::registry::parse`]).
    pub fn parse(text: &str) -> Result<DagPolicy> {
        let (entry, parsed) = registry::parse(DAG_POLICIES, "policy", " for DAG jobs", text)?;
        (entry.make)(&parsed)
    }

    pub fn id(&self) -> &'static str {
        match self {
            DagPolicy::Dls {
                priority: JobPriority::Fcfs,
                ..
            } => "dls_fcfs",
            DagPolicy::Dls {
                priority: JobPriority::Srpt,
                ..
            } => "dls_srpt",
            DagPolicy::HeftRt => "heft_rt",
            DagPolicy::Etf { .. } => "etf",
            DagPolicy::Learned(_) => "learned",
        }
    }

    /// One line saying how the policy chooses: the registry's name and rule (one copy of
    /// the text in the bundle).
    pub fn rule(&self) -> String {
        match DAG_POLICIES.iter().find(|e| e.id == self.id()) {
            Some(e) => format!("{}: {}", e.name, e.rule),
            None => self.id().to_string(),
        }
    }

    /// How many waiting tasks a processor may hold (HEFT-RT: unbounded).
    pub fn depth(&self) -> usize {
        match self {
            DagPolicy::Dls { depth, .. } | DagPolicy::Etf { depth } => *depth,
            DagPolicy::Learned(m) => m.depth,
            DagPolicy::HeftRt => usize::MAX,
        }
    }

    /// Whether the ready sets are kept in SRPT order (job's expected remaining work).
    pub(super) fn srpt_keyed(&self) -> bool {
        !matches!(
            self,
            DagPolicy::Dls {
                priority: JobPriority::Fcfs,
                ..
            } | DagPolicy::HeftRt
        )
    }
}
