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
    /// A user-written score over the learned policy's features ([`FEATURE_VARS`], as it sees
    /// them), lowest wins (the CLI and the Streams lab's rule editor on DAG mixes).
    Rule(Arc<crate::rule::Rule>),
}

/// What a DAG-job rule may read: the learned policy's features, named and scaled as the
/// network sees them (docs/learned-policy.md).
pub const FEATURE_VARS: &[crate::rule::Var] = &[
    crate::rule::Var {
        name: "job_remaining_work",
        help: "expected work of the job's unfinished tasks ÷ W",
    },
    crate::rule::Var {
        name: "job_age",
        help: "now − the job's arrival ÷ C",
    },
    crate::rule::Var {
        name: "task_rank",
        help: "the task's upward rank ÷ C",
    },
    crate::rule::Var {
        name: "task_rank_fraction",
        help: "the task's rank ÷ its job's entry rank",
    },
    crate::rule::Var {
        name: "wait_to_start",
        help: "when it could start on its processor − now ÷ T",
    },
    crate::rule::Var {
        name: "time_to_finish",
        help: "its expected finish − now ÷ T",
    },
    crate::rule::Var {
        name: "placement_slowdown",
        help: "time on its processor ÷ its fastest time − 1",
    },
    crate::rule::Var {
        name: "task_min_time",
        help: "its fastest time ÷ T",
    },
    crate::rule::Var {
        name: "task_successors",
        help: "successors ÷ 4",
    },
    crate::rule::Var {
        name: "job_tasks_left",
        help: "the job's unfinished tasks ÷ its tasks",
    },
    crate::rule::Var {
        name: "jobs_in_system",
        help: "jobs in the system ÷ 16",
    },
    crate::rule::Var {
        name: "idle_processors",
        help: "fraction of processors running nothing",
    },
    crate::rule::Var {
        name: "observed_noise",
        help: "4 × moving average of |actual ÷ nominal − 1| of finished tasks",
    },
    crate::rule::Var {
        name: "job_critical_path",
        help: "the job's lower bound ÷ C",
    },
    crate::rule::Var {
        name: "candidates",
        help: "candidates in this decision ÷ 32",
    },
    crate::rule::Var {
        name: "candidate_position",
        help: "index in SRPT order among the candidates ÷ 8",
    },
];

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
    Entry::new(
        "rule",
        "Custom rule",
        "your score per ready task on its earliest-finish processor, lowest wins",
        "",
        &[OptionSpec {
            key: "score",
            values: Values::Rule("wait_to_start"),
            help: "a candidate's score over the learned policy's features (lowest wins), e.g. wait_to_start + job_remaining_work",
        }],
        |p| {
            let rule = crate::rule::Rule::parse_for("DAG-job", p.word("score"), FEATURE_VARS)?;
            Ok(DagPolicy::Rule(Arc::new(rule)))
        },
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
            DagPolicy::Rule(_) => "rule",
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
            // A processor holds one waiting task, as ETF's default.
            DagPolicy::Rule(_) => 1,
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
