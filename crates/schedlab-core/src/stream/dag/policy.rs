//! DAG-job policies: parsing and what each one needs.

use std::sync::Arc;

use super::template::MAX_DEPTH;
use crate::error::{Error, Result};
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

/// Every DAG-job policy id, in picker order.
pub const DAG_IDS: [&str; 5] = ["dls_srpt", "dls_fcfs", "heft_rt", "etf", "learned"];

impl DagPolicy {
    /// Parses `dls_srpt[:depth]`, `dls_fcfs[:depth]`, `heft_rt`, `etf[:depth]` or `learned`
    /// (the shipped weights, [`model::shipped`]).
    pub fn parse(id: &str) -> Result<DagPolicy> {
        let (base, arg) = match id.split_once(':') {
            Some((b, a)) => (b, Some(a)),
            None => (id, None),
        };
        let depth = || -> Result<usize> {
            match arg {
                None => Ok(1),
                Some(a) => match a.parse::<usize>() {
                    Ok(d) if (1..=MAX_DEPTH).contains(&d) => Ok(d),
                    _ => Err(Error::config(format!(
                        "policy '{id}': the depth after ':' must be a whole number from 1 to {MAX_DEPTH}"
                    ))),
                },
            }
        };
        let no_arg = |p: DagPolicy| -> Result<DagPolicy> {
            match arg {
                None => Ok(p),
                Some(_) => Err(Error::config(format!(
                    "policy '{base}' takes no ':' option"
                ))),
            }
        };
        match base {
            "dls_fcfs" => Ok(DagPolicy::Dls {
                priority: JobPriority::Fcfs,
                depth: depth()?,
            }),
            "dls_srpt" => Ok(DagPolicy::Dls {
                priority: JobPriority::Srpt,
                depth: depth()?,
            }),
            "heft_rt" | "heft" => no_arg(DagPolicy::HeftRt),
            "etf" => Ok(DagPolicy::Etf { depth: depth()? }),
            "learned" => no_arg(DagPolicy::Learned(model::shipped())),
            _ => Err(Error::config(format!(
                "unknown policy '{id}' for DAG jobs (known: {}; 'heft' means heft_rt)",
                DAG_IDS.join(", ")
            ))),
        }
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

    /// One line saying how the policy chooses.
    pub fn rule(&self) -> &'static str {
        match self {
            DagPolicy::Dls { priority: JobPriority::Fcfs, .. } => "Dynamic list scheduling: ready tasks of the earliest job first, each to the processor where it finishes earliest",
            DagPolicy::Dls { priority: JobPriority::Srpt, .. } => "Dynamic list scheduling: ready tasks of the job with the least remaining work first, each to the processor where it finishes earliest",
            DagPolicy::HeftRt => "HEFT-RT: each arriving job is planned whole with HEFT against the processors' availability, and the plan is kept",
            DagPolicy::Etf { .. } => "Dynamic ETF: of the first ready tasks of each kind (SRPT order), the one that can start earliest, on its earliest-finish processor",
            DagPolicy::Learned(_) => "Learned: a trained network scores the first ready tasks of each kind from what it sees (ranks, costs, job progress, queues, observed noise); the best goes to its earliest-finish processor",
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
