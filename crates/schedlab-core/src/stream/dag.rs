//! Streams of DAG jobs on heterogeneous processors: DeepSoCS's setting (DS3's WiFi
//! transmitter and receiver jobs arriving on the DASH SoC) and random DAG streams.
//!
//! Tasks run without preemption. A policy *commits* a task to a processor's queue; a
//! processor runs its queue in order, each task once its inputs have arrived (a transfer
//! between processors takes `latency + data / bandwidth`, as in the DAG lab). Execution
//! times are noisy: each task's actual time is its nominal time × max(1 + σz, 0.01), drawn
//! per (job, task) from the seed, so every policy faces the same noise.
//!
//! Policies (registry [`DAG_IDS`]):
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
//!   task, its job, the processors and the noise observed so far ([`super::learned`]); the
//!   best-scored goes to its earliest-finish processor.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::learned::{Features, Model, N_FEATURES};
use super::sim::{Segment, StreamMetrics};
use super::{arrival_times, Arrivals};
use crate::error::{Error, Result};
use crate::gen::{self, Family, GenSpec};
use crate::problem::Problem;
use crate::scenario::Scenario;
use crate::sched::{ranks, CommAverage};
use crate::sim::{EventQueue, NOISE_FLOOR};
use crate::util::{derive_seed, OrdF64};

/// A job template: one DAG on the stream's processors, with what policies precompute.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub problem: Problem,
    /// Upward rank of each task (mean costs, Topcuoglu's averaging).
    pub rank: Vec<f64>,
    /// Tasks by decreasing rank, predecessors first.
    pub order: Vec<usize>,
    pub mean_exec: Vec<f64>,
    /// Sum of the tasks' mean execution times.
    pub mean_work: f64,
    /// Sum of the tasks' fastest execution times.
    pub min_work: f64,
    /// Longest path with every task at its fastest and free transfers: a lower bound on
    /// the job's latency under any schedule without noise.
    pub lower_bound: f64,
}

impl Template {
    pub fn new(name: impl Into<String>, problem: Problem) -> Template {
        let rank = ranks::upward(&problem, CommAverage::DistinctPairs);
        let order = crate::sched::heft::topo_consistent(&problem, ranks::by_decreasing(&rank));
        let n = problem.n_tasks();
        let mean_exec: Vec<f64> = (0..n).map(|t| problem.mean_exec(t)).collect();
        let mut longest = vec![0.0f64; n];
        for &t in &problem.topo {
            let start = problem
                .predecessors(t)
                .map(|(p, _)| longest[p])
                .fold(0.0, f64::max);
            longest[t] = start + problem.min_exec(t);
        }
        Template {
            name: name.into(),
            mean_work: mean_exec.iter().sum(),
            min_work: (0..n).map(|t| problem.min_exec(t)).sum(),
            lower_bound: longest.iter().copied().fold(0.0, f64::max),
            rank,
            order,
            mean_exec,
            problem,
        }
    }

    pub fn from_scenario(s: &Scenario) -> Result<Template> {
        Ok(Template::new(s.name.clone(), Problem::new(s)?))
    }
}

/// DS3's WiFi transmitter (27 tasks) and receiver (34 tasks) jobs on the 16-PE DASH SoC,
/// converted from the DS3 files (assets/scenarios, see NOTICE).
pub fn ds3_templates() -> Vec<Template> {
    [
        include_str!("../../../../assets/scenarios/ds3-wifi-tx.json"),
        include_str!("../../../../assets/scenarios/ds3-wifi-rx.json"),
    ]
    .iter()
    .map(|json| {
        let s = Scenario::from_json(json).expect("shipped DS3 templates are valid (tested)");
        Template::from_scenario(&s).expect("shipped DS3 templates are valid (tested)")
    })
    .collect()
}

/// What the jobs look like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DagMix {
    /// DS3's WiFi TX and RX jobs, half each on average, on the DASH SoC (16 PEs).
    Ds3,
    /// `templates` random Topcuoglu DAGs of about `tasks` tasks on `processors`
    /// heterogeneous processors (heterogeneity β, communication-to-computation ratio).
    Random {
        tasks: usize,
        processors: usize,
        templates: usize,
        ccr: f64,
        beta: f64,
    },
}

impl DagMix {
    pub fn templates(&self, seed: u64) -> Result<Vec<Template>> {
        match *self {
            DagMix::Ds3 => Ok(ds3_templates()),
            DagMix::Random {
                tasks,
                processors,
                templates,
                ccr,
                beta,
            } => {
                if templates == 0 || templates > 1000 {
                    return Err(Error::invalid(format!(
                        "templates must be between 1 and 1000 (got {templates})"
                    )));
                }
                if tasks == 0 || tasks > 1000 {
                    return Err(Error::invalid(format!(
                        "tasks per job must be between 1 and 1000 (got {tasks})"
                    )));
                }
                (0..templates)
                    .map(|k| {
                        let mut s = gen::generate(&GenSpec {
                            family: Family::Random {
                                tasks,
                                alpha: 1.0,
                                out_degree: 3,
                            },
                            processors,
                            ccr,
                            beta,
                            mean_cost: 20.0,
                            seed: derive_seed(seed, 1000 + k as u64),
                        })?;
                        s.name = format!("random-{k}");
                        Template::from_scenario(&s)
                    })
                    .collect()
            }
        }
    }
}

/// Mean work per job on the busiest processor group when every task runs on its fastest
/// group (processors with identical execution times form a group and share its work):
/// a load ρ means ρ ÷ this many jobs per time unit, so ρ = 1 saturates that group.
pub fn bottleneck_work(templates: &[Template]) -> f64 {
    let Some(first) = templates.first() else {
        return 1.0;
    };
    let m = first.problem.n_procs();
    let column = |p: usize| -> Vec<u64> {
        templates
            .iter()
            .flat_map(|tp| (0..tp.problem.n_tasks()).map(move |t| tp.problem.exec(t, p).to_bits()))
            .collect()
    };
    let mut group_of = vec![0usize; m];
    let mut groups: Vec<(Vec<u64>, usize)> = Vec::new();
    for (p, g) in group_of.iter_mut().enumerate() {
        let col = column(p);
        *g = match groups.iter().position(|(c, _)| *c == col) {
            Some(i) => i,
            None => {
                groups.push((col, 0));
                groups.len() - 1
            }
        };
        groups[*g].1 += 1;
    }
    let mut load = vec![0.0; groups.len()];
    for tp in templates {
        for t in 0..tp.problem.n_tasks() {
            // The fastest group (ties: the larger group, then the first).
            let mut best: Option<(f64, usize)> = None;
            for p in tp.problem.feasible_procs(t) {
                let g = group_of[p];
                let e = tp.problem.exec(t, p);
                let better = match best {
                    None => true,
                    Some((be, bg)) => e < be || (e == be && groups[g].1 > groups[bg].1),
                };
                if better {
                    best = Some((e, g));
                }
            }
            if let Some((e, g)) = best {
                load[g] += e / groups[g].1 as f64;
            }
        }
    }
    let w = load.iter().copied().fold(0.0, f64::max) / templates.len() as f64;
    if w > 0.0 {
        w
    } else {
        1.0
    }
}

/// A DAG-stream generator request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DagSpec {
    pub jobs: usize,
    /// Arrivals; a load ρ means arrival rate × [`bottleneck_work`] (nominal: 1 saturates
    /// the busiest processor group when every task runs where it is fastest).
    pub arrivals: Arrivals,
    pub mix: DagMix,
    /// Relative σ of execution times (0 = exact).
    pub exec_sigma: f64,
    pub seed: u64,
}

/// A job: its arrival and which template it instantiates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DagJob {
    pub arrival: f64,
    pub template: usize,
}

/// A stream of DAG jobs on one platform.
#[derive(Debug, Clone)]
pub struct DagStream {
    pub templates: Vec<Template>,
    pub jobs: Vec<DagJob>,
    pub exec_sigma: f64,
    /// Seeds the execution-time noise.
    pub seed: u64,
}

/// Upper bound on the total number of tasks in a DAG stream.
pub const MAX_TASKS: usize = 5_000_000;

/// Generates a DAG stream; the same spec always gives the same stream.
pub fn generate(spec: &DagSpec) -> Result<DagStream> {
    generate_with(spec, spec.mix.templates(spec.seed)?)
}

/// [`generate`] with the templates given (`spec.mix` is not read).
pub fn generate_with(spec: &DagSpec, templates: Vec<Template>) -> Result<DagStream> {
    let times = arrival_times(
        &spec.arrivals,
        spec.jobs,
        bottleneck_work(&templates),
        1.0,
        spec.seed,
    )?;
    let mut rng = StdRng::seed_from_u64(derive_seed(spec.seed, 14));
    let jobs = times
        .into_iter()
        .map(|arrival| DagJob {
            arrival,
            template: if templates.len() == 1 {
                0
            } else {
                rng.random_range(0..templates.len())
            },
        })
        .collect();
    let s = DagStream {
        templates,
        jobs,
        exec_sigma: spec.exec_sigma,
        seed: spec.seed,
    };
    s.validate()?;
    Ok(s)
}

impl DagStream {
    pub fn n_procs(&self) -> usize {
        self.templates.first().map_or(0, |t| t.problem.n_procs())
    }

    /// The platform's processor names.
    pub fn proc_names(&self) -> &[String] {
        self.templates
            .first()
            .map_or(&[][..], |t| &t.problem.proc_names[..])
    }

    /// Checks that the templates share one platform and the jobs are sane.
    pub fn validate(&self) -> Result<()> {
        let Some(first) = self.templates.first() else {
            return Err(Error::invalid(
                "a DAG stream needs at least one job template",
            ));
        };
        let p0 = &first.problem;
        let m = p0.n_procs();
        for t in &self.templates[1..] {
            let p = &t.problem;
            let same = p.proc_names == p0.proc_names
                && (0..m).all(|a| {
                    (0..m).all(|b| {
                        p.comm(0.0, a, b) == p0.comm(0.0, a, b)
                            && p.comm(1.0, a, b) == p0.comm(1.0, a, b)
                    })
                });
            if !same {
                return Err(Error::invalid(format!(
                    "job template '{}' is not on the same processors and network as '{}'",
                    t.name, first.name
                )));
            }
        }
        if !(self.exec_sigma.is_finite() && self.exec_sigma >= 0.0) {
            return Err(Error::invalid(format!(
                "execution-time noise must be a finite number >= 0 (got {})",
                self.exec_sigma
            )));
        }
        let mut last = 0.0;
        let mut tasks = 0usize;
        for (i, j) in self.jobs.iter().enumerate() {
            if !(j.arrival.is_finite() && j.arrival >= last) {
                return Err(Error::invalid(format!(
                    "job {i}: arrival {} is not finite and in order",
                    j.arrival
                )));
            }
            last = j.arrival;
            let Some(t) = self.templates.get(j.template) else {
                return Err(Error::invalid(format!(
                    "job {i}: no template {}",
                    j.template
                )));
            };
            tasks += t.problem.n_tasks();
        }
        if tasks > MAX_TASKS {
            return Err(Error::Limit {
                what: "tasks in a DAG stream",
                found: tasks,
                limit: MAX_TASKS,
            });
        }
        Ok(())
    }

    /// The noise factor of every task of job `j` (actual = nominal × factor).
    pub fn factors(&self, j: usize) -> Vec<f64> {
        let n = self.templates[self.jobs[j].template].problem.n_tasks();
        if self.exec_sigma == 0.0 {
            return vec![1.0; n];
        }
        let mut rng = StdRng::seed_from_u64(derive_seed(derive_seed(self.seed, 15), j as u64));
        (0..n)
            .map(|_| {
                (1.0 + self.exec_sigma * crate::dist::standard_normal(&mut rng)).max(NOISE_FLOOR)
            })
            .collect()
    }
}

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

/// The largest `:depth` a policy accepts.
pub const MAX_DEPTH: usize = 8;

impl DagPolicy {
    /// Parses `dls_srpt[:depth]`, `dls_fcfs[:depth]`, `heft_rt`, `etf[:depth]` or `learned`
    /// (the shipped weights, [`super::learned::shipped`]).
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
            "learned" => no_arg(DagPolicy::Learned(super::learned::shipped())),
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
    fn srpt_keyed(&self) -> bool {
        !matches!(
            self,
            DagPolicy::Dls {
                priority: JobPriority::Fcfs,
                ..
            } | DagPolicy::HeftRt
        )
    }
}

/// One task's execution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TaskRun {
    pub job: usize,
    pub task: usize,
    pub proc: usize,
    pub start: f64,
    pub end: f64,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DagRun {
    pub completion: Vec<f64>,
    /// Every task, job by job (task `t` of job `j` at `offset(j) + t`).
    pub tasks: Vec<TaskRun>,
    /// (time, jobs in the system) at every change.
    pub queue: Vec<(f64, usize)>,
    pub events: usize,
}

impl DagRun {
    /// The run as machine segments (one per task), for the streams Gantt chart.
    pub fn segments(&self) -> Vec<Segment> {
        let mut v: Vec<Segment> = self
            .tasks
            .iter()
            .map(|r| Segment {
                machine: r.proc,
                job: r.job,
                start: r.start,
                end: r.end,
            })
            .collect();
        crate::util::sort_dyn(&mut v, &|a, b| {
            a.start.total_cmp(&b.start).then(a.machine.cmp(&b.machine))
        });
        v
    }
}

#[derive(Debug, Clone, Copy)]
enum Ev {
    Arrive(usize),
    Finish(usize),
    Wake(usize),
}

const NONE: usize = usize::MAX;

/// Dispatch order: (job priority, job, −rank, task, global id).
type Key = (OrdF64, usize, OrdF64, usize, usize);

struct State<'a> {
    s: &'a DagStream,
    policy: &'a DagPolicy,
    depth: usize,
    m: usize,
    offset: Vec<usize>,
    job_of: Vec<u32>,
    proc_of: Vec<usize>,
    missing: Vec<u32>,
    start: Vec<f64>,
    end: Vec<f64>,
    expected_end: Vec<f64>,
    factor: Vec<f64>,
    queues: Vec<VecDeque<usize>>,
    running: Vec<usize>,
    last: Vec<usize>,
    wake: Vec<f64>,
    /// Ready, uncommitted tasks, one ordered set per class of tasks that can run on the
    /// same processors (dynamic list scheduling picks the best head among the classes
    /// that fit a processor with room).
    classes: Vec<(Vec<usize>, BTreeSet<Key>)>,
    /// Class of each task of each template.
    class_of: Vec<Vec<usize>>,
    key_of: Vec<Key>,
    /// Ready, uncommitted tasks per job (re-keyed when the job's remaining work changes).
    job_ready: Vec<Vec<usize>>,
    job_left: Vec<usize>,
    job_work: Vec<f64>,
    completion: Vec<f64>,
    in_system: usize,
    queue_log: Vec<(f64, usize)>,
    events: EventQueue<Ev>,
    /// Moving average of |actual ÷ nominal − 1| over finished tasks: the noise observed.
    observed_noise: f64,
    /// Time scale of the features: the templates' mean task time.
    task_scale: f64,
    /// Job scale of the features: the templates' mean critical path.
    job_scale: f64,
    work_scale: f64,
    /// Candidate scoring: the decisions taken, if recorded (see [`Recorder`]).
    recorder: Option<&'a mut dyn Recorder>,
}

/// Receives every scored decision (training statistics, the step-through view).
pub trait Recorder {
    /// `features[i]` are the features of candidate `i`; `chosen` the index picked.
    fn decision(&mut self, now: f64, features: &[Features], chosen: usize);
}

impl State<'_> {
    fn tpl(&self, g: usize) -> (&Template, usize, usize) {
        let j = self.job_of[g] as usize;
        let tp = &self.s.templates[self.s.jobs[j].template];
        (tp, j, g - self.offset[j])
    }

    /// When processor `p` is expected to be free of everything committed to it.
    fn avail(&self, p: usize, now: f64) -> f64 {
        match self.last[p] {
            NONE => now,
            g => now.max(self.expected_end[g]),
        }
    }

    /// When `g`'s inputs are expected on `p` (finished predecessors by their actual end).
    fn data_ready(&self, g: usize, p: usize) -> f64 {
        let (tp, j, t) = self.tpl(g);
        let base = self.offset[j];
        let mut r = self.s.jobs[j].arrival;
        for (pred, data) in tp.problem.predecessors(t) {
            let pg = base + pred;
            let e = if self.end[pg].is_finite() {
                self.end[pg]
            } else {
                self.expected_end[pg]
            };
            r = r.max(e + tp.problem.comm(data, self.proc_of[pg], p));
        }
        r
    }

    /// The processor where `g` is expected to finish earliest, among those `allowed`.
    fn best_eft(
        &self,
        g: usize,
        now: f64,
        allowed: impl Fn(usize) -> bool,
    ) -> Option<(usize, f64)> {
        let (tp, _, t) = self.tpl(g);
        let mut best: Option<(usize, f64)> = None;
        for p in tp.problem.feasible_procs(t) {
            if !allowed(p) {
                continue;
            }
            let f = self.avail(p, now).max(self.data_ready(g, p)) + tp.problem.exec(t, p);
            if best.is_none_or(|b| f < b.1) {
                best = Some((p, f));
            }
        }
        best
    }

    fn commit(&mut self, g: usize, p: usize, expected_end: f64) {
        self.proc_of[g] = p;
        self.expected_end[g] = expected_end;
        self.queues[p].push_back(g);
        self.last[p] = g;
    }

    fn try_start(&mut self, p: usize, now: f64) {
        if self.running[p] != NONE {
            return;
        }
        let Some(&g) = self.queues[p].front() else {
            return;
        };
        if self.missing[g] != 0 {
            return;
        }
        let r = self.data_ready(g, p);
        if r > now {
            if self.wake[p] != r {
                self.wake[p] = r;
                self.events.push(r, Ev::Wake(p));
            }
            return;
        }
        self.queues[p].pop_front();
        self.running[p] = g;
        let (tp, _, t) = self.tpl(g);
        let nominal = tp.problem.exec(t, p);
        self.start[g] = now;
        self.expected_end[g] = now + nominal;
        self.events
            .push(now + nominal * self.factor[g], Ev::Finish(p));
    }

    fn arrive(&mut self, j: usize, now: f64) {
        let base = self.offset[j];
        for (k, f) in self.s.factors(j).into_iter().enumerate() {
            self.factor[base + k] = f;
        }
        self.in_system += 1;
        self.queue_log.push((now, self.in_system));
        let tp = &self.s.templates[self.s.jobs[j].template];
        match self.policy {
            DagPolicy::Dls { .. } | DagPolicy::Etf { .. } | DagPolicy::Learned(_) => {
                for t in 0..tp.problem.n_tasks() {
                    if tp.problem.pred_deps(t).is_empty() {
                        self.make_ready(base + t);
                    }
                }
            }
            DagPolicy::HeftRt => {
                for k in 0..tp.order.len() {
                    let g = base + tp.order[k];
                    let (p, f) = self
                        .best_eft(g, now, |_| true)
                        .expect("every task runs somewhere");
                    self.commit(g, p, f);
                }
            }
        }
    }

    fn finish(&mut self, p: usize, now: f64) {
        let g = self.running[p];
        self.running[p] = NONE;
        self.end[g] = now;
        self.expected_end[g] = now;
        let (tp, j, t) = self.tpl(g);
        let base = self.offset[j];
        let mean = tp.mean_exec[t];
        let nominal = tp.problem.exec(t, p);
        let succ: Vec<usize> = tp.problem.successors(t).map(|(s, _)| base + s).collect();
        if nominal > 0.0 {
            let ratio = (now - self.start[g]) / nominal;
            self.observed_noise = 0.9 * self.observed_noise + 0.1 * (ratio - 1.0).abs();
        }
        self.job_left[j] -= 1;
        self.job_work[j] -= mean;
        if self.policy.srpt_keyed() {
            for g in self.job_ready[j].clone() {
                self.unready(g);
                self.make_ready(g);
            }
        }
        if self.job_left[j] == 0 {
            self.completion[j] = now;
            self.in_system -= 1;
            self.queue_log.push((now, self.in_system));
        }
        for sg in succ {
            self.missing[sg] -= 1;
            if self.missing[sg] == 0 {
                match self.proc_of[sg] {
                    NONE => self.make_ready(sg),
                    q => self.try_start(q, now),
                }
            }
        }
    }

    fn key(&self, g: usize) -> Key {
        let (tp, j, t) = self.tpl(g);
        let first = if self.policy.srpt_keyed() {
            self.job_work[j]
        } else {
            self.s.jobs[j].arrival
        };
        (OrdF64(first), j, OrdF64(-tp.rank[t]), t, g)
    }

    fn make_ready(&mut self, g: usize) {
        let k = self.key(g);
        self.key_of[g] = k;
        let (_, j, t) = self.tpl(g);
        let c = self.class_of[self.s.jobs[j].template][t];
        self.classes[c].1.insert(k);
        self.job_ready[j].push(g);
    }

    fn unready(&mut self, g: usize) {
        let (_, j, t) = self.tpl(g);
        let c = self.class_of[self.s.jobs[j].template][t];
        self.classes[c].1.remove(&self.key_of[g]);
        if let Some(i) = self.job_ready[j].iter().position(|&x| x == g) {
            self.job_ready[j].swap_remove(i);
        }
    }

    /// Dynamic list scheduling: the best ready task (job priority, then decreasing rank)
    /// among those that can run on a processor with room (fewer than `depth` tasks
    /// waiting) goes to its earliest-finish processor among those with room; repeat until
    /// none fits.
    fn dispatch(&mut self, now: f64) {
        let depth = self.depth;
        loop {
            let mut best: Option<(Key, usize)> = None;
            for (c, (procs, set)) in self.classes.iter().enumerate() {
                let Some(head) = set.first() else {
                    continue;
                };
                if best.as_ref().is_some_and(|b| b.0 <= *head) {
                    continue;
                }
                if procs.iter().any(|&p| self.queues[p].len() < depth) {
                    best = Some((*head, c));
                }
            }
            let Some((key, _)) = best else {
                return;
            };
            let g = key.4;
            let queues = &self.queues;
            let (p, f) = self
                .best_eft(g, now, |p| queues[p].len() < depth)
                .expect("the class has a processor with room");
            self.unready(g);
            self.commit(g, p, f);
        }
    }

    /// The candidates of a scored decision: the first `per_class` ready tasks (SRPT order)
    /// of each class that has a processor with room, in key order.
    fn candidates(&self, per_class: usize, out: &mut Vec<Key>) {
        out.clear();
        for (procs, set) in &self.classes {
            if set.is_empty() || !procs.iter().any(|&p| self.queues[p].len() < self.depth) {
                continue;
            }
            out.extend(set.iter().take(per_class).copied());
        }
        out.sort_unstable();
    }

    /// The features of candidate `g` placed on `p` to finish at `f` (see
    /// [`super::learned::FEATURES`] for their meaning).
    #[allow(clippy::too_many_arguments)]
    fn features(
        &self,
        g: usize,
        p: usize,
        f: f64,
        now: f64,
        position: usize,
        n_cands: usize,
        idle: f64,
    ) -> Features {
        let (tp, j, t) = self.tpl(g);
        let job = &self.s.jobs[j];
        let exec = tp.problem.exec(t, p);
        let min_exec = tp.problem.min_exec(t);
        let max_rank = tp.rank[tp.order[0]];
        let n = tp.problem.n_tasks() as f64;
        let ts = self.task_scale;
        let js = self.job_scale;
        let x = [
            self.job_work[j] / self.work_scale,
            (now - job.arrival) / js,
            tp.rank[t] / js,
            if max_rank > 0.0 {
                tp.rank[t] / max_rank
            } else {
                0.0
            },
            (f - exec - now) / ts,
            (f - now) / ts,
            if min_exec > 0.0 {
                exec / min_exec - 1.0
            } else {
                0.0
            },
            min_exec / ts,
            tp.problem.succ_deps(t).len() as f64 / 4.0,
            self.job_left[j] as f64 / n,
            self.in_system as f64 / 16.0,
            idle,
            self.observed_noise * 4.0,
            tp.lower_bound / js,
            n_cands as f64 / 32.0,
            position as f64 / 8.0,
        ];
        let mut out = [0f32; N_FEATURES];
        for (o, v) in out.iter_mut().zip(x) {
            *o = if v.is_finite() {
                v.clamp(-64.0, 64.0) as f32
            } else {
                0.0
            };
        }
        out
    }

    /// A scored decision (ETF, learned) until no candidate fits.
    fn dispatch_scored(&mut self, now: f64, cands: &mut Vec<Key>, feats: &mut Vec<Features>) {
        let per_class = match self.policy {
            DagPolicy::Learned(m) => m.candidates,
            _ => super::learned::CANDIDATES_PER_CLASS,
        };
        loop {
            self.candidates(per_class, cands);
            if cands.is_empty() {
                return;
            }
            let depth = self.depth;
            let idle = self.running.iter().filter(|&&r| r == NONE).count() as f64 / self.m as f64;
            feats.clear();
            let mut best: Option<(f32, usize, usize, f64)> = None;
            for (i, key) in cands.iter().enumerate() {
                let g = key.4;
                let queues = &self.queues;
                let Some((p, f)) = self.best_eft(g, now, |p| queues[p].len() < depth) else {
                    continue;
                };
                let score = match self.policy {
                    DagPolicy::Learned(m) => {
                        let x = self.features(g, p, f, now, i, cands.len(), idle);
                        let s = m.score(&x);
                        if self.recorder.is_some() {
                            feats.push(x);
                        }
                        s
                    }
                    _ => {
                        let (tp, _, t) = self.tpl(g);
                        -((f - tp.problem.exec(t, p)) as f32)
                    }
                };
                if best.is_none_or(|b| score > b.0) {
                    best = Some((score, g, p, f));
                }
            }
            let Some((_, g, p, f)) = best else {
                return;
            };
            if let Some(r) = self.recorder.as_deref_mut() {
                if !feats.is_empty() {
                    let chosen = cands.iter().position(|k| k.4 == g).unwrap_or(0);
                    r.decision(now, feats, chosen.min(feats.len() - 1));
                }
            }
            self.unready(g);
            self.commit(g, p, f);
        }
    }
}

/// Runs `policy` on `stream`; the same inputs always give the same run.
pub fn simulate(stream: &DagStream, policy: DagPolicy) -> Result<DagRun> {
    simulate_recorded(stream, &policy, None)
}

/// [`simulate`], handing every scored decision of the learned policy to `recorder`.
pub fn simulate_recorded<'a>(
    stream: &'a DagStream,
    policy: &'a DagPolicy,
    recorder: Option<&'a mut dyn Recorder>,
) -> Result<DagRun> {
    stream.validate()?;
    if let DagPolicy::Learned(m) = policy {
        m.validate()?;
    }
    let m = stream.n_procs();
    let nj = stream.jobs.len();
    let mut offset = Vec::with_capacity(nj + 1);
    let mut job_of = Vec::new();
    let mut total = 0usize;
    let mut missing = Vec::new();
    for (j, job) in stream.jobs.iter().enumerate() {
        offset.push(total);
        let p = &stream.templates[job.template].problem;
        total += p.n_tasks();
        job_of.extend(std::iter::repeat_n(j as u32, p.n_tasks()));
        missing.extend((0..p.n_tasks()).map(|t| p.pred_deps(t).len() as u32));
    }
    offset.push(total);
    // Classes of tasks by the processors that can run them.
    let mut index: HashMap<Vec<usize>, usize> = HashMap::new();
    let mut classes: Vec<(Vec<usize>, BTreeSet<Key>)> = Vec::new();
    let class_of: Vec<Vec<usize>> = stream
        .templates
        .iter()
        .map(|tp| {
            (0..tp.problem.n_tasks())
                .map(|t| {
                    let procs: Vec<usize> = tp.problem.feasible_procs(t).collect();
                    *index.entry(procs.clone()).or_insert_with(|| {
                        classes.push((procs, BTreeSet::new()));
                        classes.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    let nt = stream.templates.len() as f64;
    let task_scale = stream
        .templates
        .iter()
        .map(|t| t.mean_work / t.problem.n_tasks().max(1) as f64)
        .sum::<f64>()
        / nt;
    let job_scale = stream.templates.iter().map(|t| t.lower_bound).sum::<f64>() / nt;
    let work_scale = stream.templates.iter().map(|t| t.mean_work).sum::<f64>() / nt;
    let positive = |v: f64| if v.is_finite() && v > 0.0 { v } else { 1.0 };
    let mut st = State {
        s: stream,
        policy,
        depth: policy.depth(),
        m,
        job_left: stream
            .jobs
            .iter()
            .map(|j| stream.templates[j.template].problem.n_tasks())
            .collect(),
        job_work: stream
            .jobs
            .iter()
            .map(|j| stream.templates[j.template].mean_work)
            .collect(),
        offset,
        job_of,
        proc_of: vec![NONE; total],
        missing,
        start: vec![f64::NAN; total],
        end: vec![f64::NAN; total],
        expected_end: vec![f64::NAN; total],
        factor: vec![1.0; total],
        queues: vec![VecDeque::new(); m],
        running: vec![NONE; m],
        last: vec![NONE; m],
        wake: vec![f64::NAN; m],
        classes,
        class_of,
        key_of: vec![(OrdF64(0.0), 0, OrdF64(0.0), 0, 0); total],
        job_ready: vec![Vec::new(); nj],
        completion: vec![f64::NAN; nj],
        in_system: 0,
        queue_log: vec![(0.0, 0)],
        events: EventQueue::new(),
        observed_noise: 0.0,
        task_scale: positive(task_scale),
        job_scale: positive(job_scale),
        work_scale: positive(work_scale),
        recorder,
    };
    let mut cands = Vec::new();
    let mut feats = Vec::new();
    for (j, job) in stream.jobs.iter().enumerate() {
        st.events.push(job.arrival, Ev::Arrive(j));
    }
    let mut count = 0usize;
    while let Some((now, ev)) = st.events.pop() {
        count += 1;
        let mut batch = vec![ev];
        while st.events.peek_time() == Some(now) {
            if let Some((_, e)) = st.events.pop() {
                batch.push(e);
                count += 1;
            }
        }
        for ev in batch {
            match ev {
                Ev::Arrive(j) => st.arrive(j, now),
                Ev::Finish(p) => st.finish(p, now),
                Ev::Wake(p) => {
                    if st.wake[p] == now {
                        st.wake[p] = f64::NAN;
                    }
                }
            }
        }
        match policy {
            DagPolicy::Dls { .. } => st.dispatch(now),
            DagPolicy::Etf { .. } | DagPolicy::Learned(_) => {
                st.dispatch_scored(now, &mut cands, &mut feats)
            }
            DagPolicy::HeftRt => {}
        }
        for p in 0..st.m {
            st.try_start(p, now);
        }
    }
    if st.completion.iter().any(|c| c.is_nan()) {
        return Err(Error::Simulation(
            "some DAG jobs never completed (a policy left tasks uncommitted)".into(),
        ));
    }
    let tasks = (0..total)
        .map(|g| {
            let j = st.job_of[g] as usize;
            TaskRun {
                job: j,
                task: g - st.offset[j],
                proc: st.proc_of[g],
                start: st.start[g],
                end: st.end[g],
            }
        })
        .collect();
    Ok(DagRun {
        completion: st.completion,
        tasks,
        queue: st.queue_log,
        events: count,
    })
}

/// Flow-time metrics of a DAG run: flow time = job latency (DS3's metric); slowdown is
/// relative to the job's lower bound; utilisation is busy time ÷ (processors × span).
pub fn metrics(stream: &DagStream, run: &DagRun) -> StreamMetrics {
    let arrivals: Vec<f64> = stream.jobs.iter().map(|j| j.arrival).collect();
    let sizes: Vec<f64> = stream
        .jobs
        .iter()
        .map(|j| {
            stream.templates[j.template]
                .lower_bound
                .max(f64::MIN_POSITIVE)
        })
        .collect();
    let busy: f64 = run.tasks.iter().map(|t| t.end - t.start).sum();
    StreamMetrics::from_flows(
        &arrivals,
        &run.completion,
        &sizes,
        &run.queue,
        busy,
        stream.n_procs() as f64,
        0,
    )
}

/// Independent check of a DAG run: every task ran once, on a processor that can run it,
/// for its nominal time × its noise factor, after its job arrived and after every input
/// arrived; no processor runs two tasks at once; a job completes with its last task.
pub fn check(stream: &DagStream, run: &DagRun) -> std::result::Result<(), String> {
    let m = stream.n_procs();
    let mut per_proc: Vec<Vec<(f64, f64)>> = vec![Vec::new(); m];
    let mut base = 0usize;
    let scale = run.completion.iter().copied().fold(1.0, f64::max);
    let tol = 1e-9 * scale;
    if run.completion.len() != stream.jobs.len() {
        return Err("one completion per job expected".into());
    }
    for (j, job) in stream.jobs.iter().enumerate() {
        let p = &stream.templates[job.template].problem;
        let f = stream.factors(j);
        let n = p.n_tasks();
        let Some(runs) = run.tasks.get(base..base + n) else {
            return Err(format!("job {j}: tasks missing"));
        };
        let mut last = f64::NEG_INFINITY;
        for (t, r) in runs.iter().enumerate() {
            if r.job != j || r.task != t {
                return Err(format!("job {j} task {t}: record out of place"));
            }
            if r.proc >= m || !p.can_run(t, r.proc) {
                return Err(format!(
                    "job {j} task {t}: on a processor that cannot run it"
                ));
            }
            let want = p.exec(t, r.proc) * f[t];
            if !((r.end - r.start) - want).abs().le(&(1e-9 * want.max(1.0))) {
                return Err(format!(
                    "job {j} task {t}: ran {} instead of {want}",
                    r.end - r.start
                ));
            }
            if r.start < job.arrival - tol {
                return Err(format!("job {j} task {t}: started before the job arrived"));
            }
            for d in p.pred_deps(t) {
                let dep = &p.deps[*d];
                let pr = &runs[dep.src];
                let ready = pr.end + p.comm(dep.data, pr.proc, r.proc);
                if r.start < ready - tol {
                    return Err(format!(
                        "job {j} task {t}: started at {} before its input from task {} arrived at {ready}",
                        r.start, dep.src
                    ));
                }
            }
            per_proc[r.proc].push((r.start, r.end));
            last = last.max(r.end);
        }
        if (run.completion[j] - last).abs() > tol {
            return Err(format!(
                "job {j}: completion {} but its last task ends at {last}",
                run.completion[j]
            ));
        }
        base += n;
    }
    for (p, v) in per_proc.iter_mut().enumerate() {
        // Zero-length tasks sort before a task starting at the same instant.
        crate::util::sort_dyn(v, &|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        if v.windows(2).any(|w| w[1].0 < w[0].1 - tol) {
            return Err(format!("processor {p} runs two tasks at once"));
        }
    }
    Ok(())
}
