//! Online policies: each gives every active job a processing rate until its next decision.
//!
//! | id | rule | needs |
//! | --- | --- | --- |
//! | `fcfs` | earliest arrival first | nothing |
//! | `sjf` | non-preemptive, shortest (estimated) size first | sizes or estimates |
//! | `srpt` | preemptive, shortest remaining processing time (the m shortest on m machines); optimal for total flow time on one machine (Schrage 1968) | sizes |
//! | `srpt_est` | SRPT on estimated remaining sizes | estimates |
//! | `op_srpt` | SRPT on the current operation's remaining time (2-competitive for uniform obligatory tests, Lindermayr et al. 2026) | revealed operations |
//! | `rr` | round robin with a quantum (option `quantum`, default 1) | nothing |
//! | `ps` | processor sharing: all jobs share the machines equally | nothing |
//! | `las` | least attained service first (SETF), ties share | nothing |
//! | `mlfq` | multi-level feedback queue: quantum doubles per level, lower levels first | nothing |
//! | `edf` | preemptive, earliest deadline first | deadlines |
//! | `vchunk` | SRPT on the estimated rest of each job's current virtual chunk (our reading of Lindermayr et al. 2026, docs/streams.md) | revealed operations |
//! | `rule` | your priority rule over [`JOB_VARS`], lowest first, re-evaluated at each arrival and completion (`rule:remaining` is SRPT) | what the rule reads |

use crate::error::{Error, Result};
use crate::registry::{self, Entry, OptionSpec, Parsed, Values};
use crate::rule::Var;
use crate::stream::Info;

/// What the simulator tracks of an active job; policies read what their information
/// model allows (see [`Policy::check`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Active {
    pub job: usize,
    pub arrival: f64,
    /// Service received so far.
    pub attained: f64,
    /// True remaining work of the whole job.
    pub remaining: f64,
    /// True remaining work of the current operation.
    pub op_remaining: f64,
    /// Estimated remaining work (estimate − attained, at least a tiny positive amount).
    pub estimate_remaining: f64,
    pub deadline: Option<f64>,
    /// Round-robin position: lower = earlier in the queue.
    pub queue_seq: u64,
    /// Time left in the current quantum (RR, MLFQ).
    pub quantum_left: f64,
    /// MLFQ level.
    pub level: usize,
    /// Whether the job ran in the previous interval (non-preemptive policies keep it).
    pub running: bool,
    /// `vchunk` (our reading of Lindermayr et al. 2026): what the current virtual chunk's
    /// budget leaves after the current operation, counted in whole revealed operation
    /// lengths (so the chunks are exactly [`chunks`]'s, whatever preemptions cut the
    /// operations into). The job's estimated rest of its chunk is this plus
    /// `op_remaining`. A chunk's budget starts at the first operation's length; a revealed
    /// operation that does not fit in what is left starts a new chunk of twice the budget
    /// (at least the operation).
    pub chunk_rest: f64,
    /// The current chunk's budget.
    pub chunk_budget: f64,
}

impl Active {
    /// The chunk rule when an operation of length `next` is revealed.
    pub fn reveal(&mut self, next: f64) {
        if next > self.chunk_rest {
            self.chunk_budget = (2.0 * self.chunk_budget).max(next);
            self.chunk_rest = self.chunk_budget;
        }
        self.chunk_rest -= next;
    }

    /// `vchunk`'s key: the estimated work left in the current virtual chunk.
    pub fn chunk_left(&self) -> f64 {
        self.chunk_rest + self.op_remaining
    }
}

/// The virtual chunks `vchunk` forms for a job with these operations (the rule of
/// [`Active::reveal`], which depends only on the operations): the number of operations in
/// each chunk, in order.
pub fn chunks(ops: &[f64]) -> Vec<usize> {
    let Some(&first) = ops.first() else {
        return Vec::new();
    };
    let (mut budget, mut left) = (first, first);
    let mut out = vec![0usize];
    for (k, &p) in ops.iter().enumerate() {
        if k > 0 && p > left {
            budget = (2.0 * budget).max(p);
            left = budget;
            out.push(0);
        }
        left -= p;
        *out.last_mut().expect("one chunk") += 1;
    }
    out
}

/// A policy's decision at one event (see [`Policy::allocate`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alloc {
    /// Processing rate of each active job, in machine units (1 = a whole machine).
    pub rates: Vec<f64>,
    /// Indices of the jobs at rate 1, highest priority first.
    pub order: Vec<usize>,
    /// Group of each entry of `order` (non-decreasing): jobs of one group share their
    /// machines equally (on machines of different speeds they rotate over them).
    pub groups: Vec<usize>,
    pub horizon: f64,
    /// Scratch: each active job's priority key, computed once per decision (comparing
    /// precomputed keys is several times faster than evaluating them per comparison, with
    /// thousands of jobs waiting).
    keys: Vec<(f64, f64, u64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Policy {
    Fcfs,
    Sjf,
    Srpt,
    SrptEstimate,
    OpSrpt,
    VChunk,
    Rr {
        quantum: f64,
    },
    Ps,
    Las,
    Mlfq {
        quantum: f64,
        levels: usize,
    },
    Edf,
    /// A user-written priority over [`JOB_VARS`], lowest first (the CLI and the Streams
    /// lab's rule editor).
    Rule(std::sync::Arc<crate::rule::Rule>),
}

/// What a job-priority rule may read, per waiting job, at the time of the decision.
pub const JOB_VARS: &[Var] = &[
    Var {
        name: "remaining",
        help: "work left in the job (clairvoyant streams only)",
    },
    Var {
        name: "size",
        help: "the job's whole work, context switches paid so far included (clairvoyant streams only)",
    },
    Var {
        name: "op_remaining",
        help: "work left in the current operation (revealed or clairvoyant streams)",
    },
    Var {
        name: "estimate",
        help: "estimated work left (streams with estimates)",
    },
    Var {
        name: "attained",
        help: "service received so far",
    },
    Var {
        name: "arrival",
        help: "when the job arrived",
    },
    Var {
        name: "age",
        help: "time since the job arrived",
    },
    Var {
        name: "waiting",
        help: "time since arrival not spent running (age − attained on a unit-speed machine)",
    },
    Var {
        name: "deadline",
        help: "the job's deadline (clairvoyant streams with deadlines: a generated deadline is made from the size)",
    },
    Var {
        name: "running",
        help: "1 if the job ran in the previous interval, else 0",
    },
    Var {
        name: "now",
        help: "the time of the decision",
    },
];

/// The variables a job rule reads, and what the information model must give for each.
const NEEDS: &[(usize, &str)] = &[
    (0, "job sizes"),
    (1, "job sizes"),
    (2, "operation lengths"),
    (3, "sizes or estimates"),
];

fn job_vars(a: &Active, now: f64) -> [f64; 11] {
    let age = (now - a.arrival).max(0.0);
    [
        a.remaining,
        a.remaining + a.attained,
        a.op_remaining,
        a.estimate_remaining,
        a.attained,
        a.arrival,
        age,
        (age - a.attained).max(0.0),
        a.deadline.unwrap_or(f64::INFINITY),
        if a.running { 1.0 } else { 0.0 },
        now,
    ]
}

fn eval_job(rule: &crate::rule::Rule, a: &Active, now: f64) -> Result<f64> {
    rule.eval(&job_vars(a, now)).map_err(|e| {
        Error::config(format!(
            "policy rule '{}': {e} (job J{} at t = {})",
            rule.text(),
            a.job + 1,
            crate::util::show(now)
        ))
    })
}

/// The position of the job with the smallest `key` (the first of equal keys).
#[inline]
fn argmin_key(active: &[Active], key: impl Fn(&Active) -> (f64, f64, u64)) -> usize {
    let (mut best, mut best_key) = (0, key(&active[0]));
    for (i, a) in active.iter().enumerate().skip(1) {
        let k = key(a);
        if key_cmp(&k, &best_key).is_lt() {
            (best, best_key) = (i, k);
        }
    }
    best
}

/// The order of [`Policy::sort_key`]s.
#[inline]
fn key_cmp(x: &(f64, f64, u64), y: &(f64, f64, u64)) -> std::cmp::Ordering {
    x.0.total_cmp(&y.0)
        .then(x.1.total_cmp(&y.1))
        .then(x.2.cmp(&y.2))
}

/// How a registry entry makes its policy from a parsed spelling.
pub type Make = fn(&Parsed) -> Result<Policy>;

const QUANTUM: OptionSpec = OptionSpec {
    key: "quantum",
    values: Values::Positive(1.0),
    help: "time a job runs before going to the back of the queue (MLFQ: at the top level)",
};

/// Every online policy, in picker order (`rr:2.5` sets RR's quantum; `mlfq:1:5` MLFQ's
/// base quantum and levels).
pub static POLICIES: &[Entry<Make>] = &[
    Entry::new(
        "fcfs",
        "FCFS",
        "the jobs that arrived first run, to completion",
        "",
        &[],
        |_| Ok(Policy::Fcfs),
    ),
    Entry::new(
        "sjf",
        "SJF",
        "a running job keeps its machine; a free machine takes the shortest waiting job",
        "",
        &[],
        |_| Ok(Policy::Sjf),
    ),
    Entry::new(
        "srpt",
        "SRPT",
        "the jobs with the least remaining work run; a shorter arrival preempts",
        "Schrage 1968",
        &[],
        |_| Ok(Policy::Srpt),
    ),
    Entry::new(
        "srpt_est",
        "SRPT on estimates",
        "the least estimated remaining work runs",
        "",
        &[],
        |_| Ok(Policy::SrptEstimate),
    ),
    Entry::new(
        "op_srpt",
        "Operation SRPT",
        "the shortest remaining current operation runs",
        "Lindermayr et al. 2026",
        &[],
        |_| Ok(Policy::OpSrpt),
    ),
    Entry::new(
        "vchunk",
        "Virtual chunks",
        "SRPT on each job's current virtual chunk (our reading of the paper)",
        "after Lindermayr et al. 2026",
        &[],
        |_| Ok(Policy::VChunk),
    ),
    Entry::new(
        "rr",
        "Round robin",
        "the head of the queue runs for one quantum, then goes to the back",
        "",
        &[QUANTUM],
        |p| {
            Ok(Policy::Rr {
                quantum: p.number("quantum"),
            })
        },
    ),
    Entry::new(
        "ps",
        "Processor sharing",
        "every job gets an equal share of the machines",
        "",
        &[],
        |_| Ok(Policy::Ps),
    ),
    Entry::<Make>::new(
        "las",
        "LAS",
        "the jobs that have received the least service run (ties share)",
        "",
        &[],
        |_| Ok(Policy::Las),
    )
    .aliases(&["setf"]),
    Entry::new(
        "mlfq",
        "MLFQ",
        "the lowest level runs first; a used-up quantum moves a job one level down",
        "",
        &[QUANTUM, LEVELS],
        mlfq,
    ),
    Entry::new("edf", "EDF", "the earliest deadlines run", "", &[], |_| {
        Ok(Policy::Edf)
    }),
    Entry::new(
        "rule",
        "Custom rule",
        "your priority rule, lowest runs first, re-evaluated at each arrival and completion",
        "",
        &[OptionSpec {
            key: "priority",
            values: Values::Rule("remaining"),
            help: "a job's priority over the job variables (lowest runs first), e.g. remaining or age - 2 * attained",
        }],
        |p| {
            let rule = crate::rule::Rule::parse_for("policy", p.word("priority"), JOB_VARS)?;
            Ok(Policy::Rule(std::sync::Arc::new(rule)))
        },
    ),
];

const LEVELS: OptionSpec = OptionSpec {
    key: "levels",
    values: Values::Positive(6.0),
    help: "number of levels (rounded), each with twice the quantum of the one above",
};

fn mlfq(p: &Parsed) -> Result<Policy> {
    let levels = p.number("levels").round().max(1.0);
    let max = crate::stream::limits::MAX_MLFQ_LEVELS;
    if levels > max as f64 {
        return Err(Error::config(format!(
            "policy '{}': {levels} levels is above the limit of {max}",
            p.text
        )));
    }
    Ok(Policy::Mlfq {
        quantum: p.number("quantum"),
        levels: levels as usize,
    })
}

impl Policy {
    /// Parses a spelling of [`POLICIES`] (see [`crate::registry::parse`]).
    pub fn parse(text: &str) -> Result<Policy> {
        let (entry, parsed) = registry::parse(POLICIES, "policy", "", text)?;
        (entry.make)(&parsed)
    }

    /// Whether this is a user rule (its keys are computed, fallibly, before the choice).
    fn is_rule(&self) -> bool {
        if let Policy::Rule(_) = self {
            return true;
        }
        false
    }

    /// The registry id.
    pub fn id(&self) -> &'static str {
        match self {
            Policy::Fcfs => "fcfs",
            Policy::Sjf => "sjf",
            Policy::Srpt => "srpt",
            Policy::SrptEstimate => "srpt_est",
            Policy::OpSrpt => "op_srpt",
            Policy::VChunk => "vchunk",
            Policy::Rr { .. } => "rr",
            Policy::Ps => "ps",
            Policy::Las => "las",
            Policy::Mlfq { .. } => "mlfq",
            Policy::Edf => "edf",
            Policy::Rule(_) => "rule",
        }
    }

    /// Refuses a policy that needs information the model does not give.
    pub fn check(&self, info: Info, has_deadlines: bool) -> Result<()> {
        let fail = |what: &str| {
            Err(Error::config(format!(
                "{} needs {what}, which the {info:?} information model does not give",
                self.id()
            )))
        };
        match self {
            Policy::Srpt if info != Info::Clairvoyant => fail("job sizes"),
            Policy::Sjf | Policy::SrptEstimate
                if matches!(info, Info::NonClairvoyant | Info::Revealed) =>
            {
                fail("sizes or estimates")
            }
            Policy::OpSrpt | Policy::VChunk
                if !matches!(info, Info::Revealed | Info::Clairvoyant) =>
            {
                fail("operation lengths")
            }
            Policy::Edf if !has_deadlines => Err(Error::config("EDF needs jobs with deadlines")),
            Policy::Rule(r) => {
                let given = |i: usize| match i {
                    0 | 1 => info == Info::Clairvoyant,
                    2 => matches!(info, Info::Revealed | Info::Clairvoyant),
                    _ => !matches!(info, Info::NonClairvoyant | Info::Revealed),
                };
                for &(i, what) in NEEDS {
                    if r.uses(i) && !given(i) {
                        return Err(Error::config(format!(
                            "policy rule '{}' reads {}, which needs {what}: the {info:?} information model does not give them",
                            r.text(),
                            JOB_VARS[i].name
                        )));
                    }
                }
                if r.uses(8) && !has_deadlines {
                    return Err(Error::config(format!(
                        "policy rule '{}' reads deadline: these jobs have none",
                        r.text()
                    )));
                }
                // Generated deadlines are arrival + slack × size: reading them would reveal
                // the size to a rule on a stream that hides it.
                if r.uses(8) && info != Info::Clairvoyant {
                    return Err(Error::config(format!(
                        "policy rule '{}' reads deadline, which is made from the job's size: only on clairvoyant streams (the {info:?} model hides sizes)",
                        r.text()
                    )));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The policy's decision: a rate per active job, the full-rate jobs in priority order
    /// (on machines of different speeds the first gets the fastest machine), and the time
    /// until the policy wants to decide again on its own (quantum end, LAS catching up),
    /// `INFINITY` if never.
    pub fn allocate(&self, active: &[Active], machines: usize, now: f64) -> Result<Alloc> {
        let mut out = Alloc::default();
        self.allocate_into(active, machines, now, &mut out)?;
        Ok(out)
    }

    /// [`Policy::allocate`] into `out`, reusing its vectors (the simulator keeps one
    /// across events: allocating them at every event was a third of a WebAssembly run).
    /// A rule that fails on some job (division by zero) fails the run.
    pub fn allocate_into(
        &self,
        active: &[Active],
        machines: usize,
        now: f64,
        out: &mut Alloc,
    ) -> Result<()> {
        // `now` is read by user rules only.
        if let Policy::Rule(rule) = self {
            out.keys.clear();
            for a in active {
                out.keys
                    .push((eval_job(rule, a, now)?, a.arrival, a.job as u64));
            }
        }
        out.horizon = self.allocate_inner(
            active,
            machines,
            &mut out.rates,
            &mut out.order,
            &mut out.keys,
        );
        let order = &out.order;
        let groups = &mut out.groups;
        groups.clear();
        match self {
            // Equal shares: all the full-rate jobs form one group.
            Policy::Ps => groups.resize(order.len(), 0),
            // Jobs with tied attained service share.
            Policy::Las => {
                let tol = |x: f64| 1e-12 * x.abs().max(1.0);
                let mut id = 0;
                for (k, &i) in order.iter().enumerate() {
                    if k > 0 {
                        let prev = active[order[k - 1]].attained;
                        if (active[i].attained - prev).abs() > tol(prev) {
                            id += 1;
                        }
                    }
                    groups.push(id);
                }
            }
            _ => groups.extend(0..order.len()),
        }
        Ok(())
    }

    fn allocate_inner(
        &self,
        active: &[Active],
        machines: usize,
        rates: &mut Vec<f64>,
        order: &mut Vec<usize>,
        keys: &mut Vec<(f64, f64, u64)>,
    ) -> f64 {
        let n = active.len();
        rates.clear();
        rates.resize(n, 0.0);
        order.clear();
        if n == 0 {
            return f64::INFINITY;
        }
        let m = machines.min(n);
        match *self {
            Policy::Ps => {
                let r = (machines as f64 / n as f64).min(1.0);
                rates.iter_mut().for_each(|x| *x = r);
                if r >= 1.0 {
                    order.extend(0..n);
                }
                f64::INFINITY
            }
            Policy::Las => {
                let (r, o, h) = las(active, machines);
                *rates = r;
                *order = o;
                h
            }
            _ => {
                // The `m` smallest keys get a machine. Keys are computed once per job (not
                // per comparison): with thousands of jobs waiting this loop is the run.
                if self.is_rule() {
                    // Keys computed (fallibly) by `allocate_into`.
                    order.extend(0..n);
                    let keys = &*keys;
                    crate::util::smallest_sorted(order, m, |a, b| key_cmp(&keys[*a], &keys[*b]));
                } else if m == 1 {
                    // One machine (the usual case): the minimum, in one pass, a loop per
                    // policy (WebAssembly at opt-level z keeps a `match` inside the loop).
                    let id = |a: &Active| a.job as u64;
                    order.push(match *self {
                        Policy::Fcfs => argmin_key(active, |a| (a.arrival, 0.0, id(a))),
                        Policy::Srpt => argmin_key(active, |a| (a.remaining, a.arrival, id(a))),
                        Policy::Rr { .. } => {
                            argmin_key(active, |a| (a.queue_seq as f64, 0.0, id(a)))
                        }
                        _ => argmin_key(active, |a| self.sort_key(a)),
                    });
                } else {
                    keys.clear();
                    keys.extend(active.iter().map(|a| self.sort_key(a)));
                    order.extend(0..n);
                    let keys = &*keys;
                    crate::util::smallest_sorted(order, m, |a, b| key_cmp(&keys[*a], &keys[*b]));
                }
                for &i in order.iter() {
                    rates[i] = 1.0;
                }
                if matches!(self, Policy::Rr { .. } | Policy::Mlfq { .. }) {
                    return (0..n)
                        .filter(|&i| rates[i] > 0.0)
                        .map(|i| active[i].quantum_left)
                        .fold(f64::INFINITY, f64::min);
                }
                f64::INFINITY
            }
        }
    }

    /// What a priority policy sorts its jobs by (smallest first; the job's id last, so no
    /// two keys are equal).
    #[inline]
    fn sort_key(&self, a: &Active) -> (f64, f64, u64) {
        let id = a.job as u64;
        match *self {
            Policy::Fcfs => (a.arrival, 0.0, id),
            Policy::Srpt => (a.remaining, a.arrival, id),
            Policy::SrptEstimate => (a.estimate_remaining, a.arrival, id),
            Policy::OpSrpt => (a.op_remaining, a.arrival, id),
            Policy::VChunk => (a.chunk_left(), a.arrival, id),
            Policy::Edf => (a.deadline.unwrap_or(f64::INFINITY), a.arrival, id),
            // Non-preemptive: running jobs keep their machine; free machines take the
            // shortest estimated size.
            Policy::Sjf => (
                if a.running { 0.0 } else { 1.0 },
                a.estimate_remaining + a.attained,
                id,
            ),
            Policy::Rr { .. } => (a.queue_seq as f64, 0.0, id),
            Policy::Mlfq { .. } => (a.level as f64, a.queue_seq as f64, id),
            // Not priority policies (they share); a rule's keys are computed beforehand.
            Policy::Ps | Policy::Las => (0.0, 0.0, id),
            Policy::Rule(_) => (0.0, 0.0, id),
        }
    }

    /// One line saying how the policy chooses (the step-through view's heading): the
    /// registry's name and rule.
    pub fn rule(&self) -> String {
        match POLICIES.iter().find(|e| e.id == self.id()) {
            Some(e) => format!("{}: {}", e.name, e.rule),
            None => self.id().to_string(),
        }
    }

    /// What the policy compares for this job at `now`, as shown in the step-through view.
    pub fn key_text(&self, a: &Active, now: f64) -> String {
        let _ = now;
        match self {
            Policy::Rule(r) => match eval_job(r, a, now) {
                Ok(v) => format!("rule {v:.3}"),
                Err(_) => "rule fails".into(),
            },
            Policy::Fcfs => format!("arrived {:.3}", a.arrival),
            Policy::Sjf if a.running => "running (not preempted)".into(),
            Policy::Sjf => format!("size {:.3}", a.estimate_remaining + a.attained),
            Policy::Srpt => format!("remaining {:.3}", a.remaining),
            Policy::SrptEstimate => format!("estimated remaining {:.3}", a.estimate_remaining),
            Policy::OpSrpt => format!("operation remaining {:.3}", a.op_remaining),
            Policy::VChunk => format!("chunk left {:.3}", a.chunk_left()),
            // The place in the queue is the row's `queue` (the page numbers and draws it).
            Policy::Rr { .. } => format!("quantum left {:.3}", a.quantum_left),
            Policy::Ps => "equal share".into(),
            Policy::Las => format!("attained {:.3}", a.attained),
            Policy::Mlfq { .. } => {
                format!("level {}, quantum left {:.3}", a.level, a.quantum_left)
            }
            Policy::Edf => match a.deadline {
                Some(d) => format!("deadline {d:.3}"),
                None => "no deadline".into(),
            },
        }
    }

    /// The quantum a job gets on (re)entering the queue at `level`.
    pub fn quantum(&self, level: usize) -> f64 {
        match *self {
            Policy::Rr { quantum } => quantum,
            Policy::Mlfq { quantum, levels } => quantum * 2f64.powi(level.min(levels - 1) as i32),
            _ => f64::INFINITY,
        }
    }

    /// The level after using up a quantum at `level`.
    pub fn demote(&self, level: usize) -> usize {
        match *self {
            Policy::Mlfq { levels, .. } => (level + 1).min(levels - 1),
            _ => level,
        }
    }
}

/// LAS's next decision given each job's actual progress per time unit (on machines of
/// different speeds progress is not the rate): the first time a less-served group catches
/// up with the next one.
pub fn las_horizon(active: &[Active], progress: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..active.len()).collect();
    crate::util::sort_positions(&mut idx, &|a, b| {
        active[a]
            .attained
            .total_cmp(&active[b].attained)
            .then(active[a].job.cmp(&active[b].job))
    });
    let tol = |x: f64| 1e-12 * x.abs().max(1.0);
    let mut levels: Vec<(f64, f64)> = Vec::new();
    for &i in &idx {
        let a = active[i].attained;
        match levels.last_mut() {
            Some(l) if (a - l.0).abs() <= tol(l.0) => l.1 = l.1.min(progress[i]),
            _ => levels.push((a, progress[i])),
        }
    }
    let mut horizon = f64::INFINITY;
    for w in levels.windows(2) {
        let ((a0, p0), (a1, p1)) = (w[0], w[1]);
        if p0 > p1 {
            horizon = horizon.min((a1 - a0) / (p0 - p1));
        }
    }
    horizon
}

/// Least attained service: water-filling from the least-served jobs up. Jobs whose attained
/// service ties (within a relative 1e-12) share equally.
fn las(active: &[Active], machines: usize) -> (Vec<f64>, Vec<usize>, f64) {
    let n = active.len();
    let mut idx: Vec<usize> = (0..n).collect();
    crate::util::sort_positions(&mut idx, &|a, b| {
        active[a]
            .attained
            .total_cmp(&active[b].attained)
            .then(active[a].job.cmp(&active[b].job))
    });
    let mut rates = vec![0.0; n];
    let mut capacity = machines as f64;
    let mut i = 0;
    let tol = |x: f64| 1e-12 * x.abs().max(1.0);
    // (attained level, rate) of each group, in order.
    let mut groups: Vec<(f64, f64)> = Vec::new();
    while i < n {
        let a = active[idx[i]].attained;
        let mut j = i;
        while j < n && (active[idx[j]].attained - a).abs() <= tol(a) {
            j += 1;
        }
        let k = (j - i) as f64;
        let r = if capacity <= 0.0 {
            0.0
        } else {
            (capacity / k).min(1.0)
        };
        capacity -= r * k;
        for &x in &idx[i..j] {
            rates[x] = r;
        }
        groups.push((a, r));
        i = j;
    }
    // Next decision: a faster, less-served group catches up with the next one.
    let mut horizon = f64::INFINITY;
    for w in groups.windows(2) {
        let ((a0, r0), (a1, r1)) = (w[0], w[1]);
        if r0 > r1 {
            horizon = horizon.min((a1 - a0) / (r0 - r1));
        }
    }
    let order = idx
        .iter()
        .copied()
        .take_while(|&i| rates[i] >= 1.0)
        .collect();
    (rates, order, horizon)
}
