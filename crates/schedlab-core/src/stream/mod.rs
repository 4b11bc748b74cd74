//! Online scheduling of arriving jobs: job streams, policies that never see the future,
//! a preemptive multi-machine simulator, and flow-time metrics.
//!
//! One mechanism runs every policy: between two events each job gets a processing rate in
//! [0, 1] (the rates sum to at most the number of machines); index policies (FCFS, SJF,
//! SRPT, EDF...) give rate 1 to the jobs they pick, processor sharing and LAS share.
//! McNaughton's wrap-around rule turns each interval's rates into concrete machine
//! segments, so every run has a Gantt chart and an independent validator checks that no
//! machine runs two pieces at once and no job runs on two machines at once.
//!
//! Status: single-operation and chain jobs on identical machines (issue 4, first part);
//! DAG jobs on heterogeneous processors, HEFT-RT and the Streams lab come next.

pub mod dag;
pub mod lab;
pub mod learned;
pub mod policy;
pub mod sim;
pub mod trace;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::dist;
use crate::error::{Error, Result};

/// What the policy may know about job sizes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Info {
    /// Sizes are known on arrival.
    #[default]
    Clairvoyant,
    /// Sizes are never known.
    NonClairvoyant,
    /// The policy sees a noisy estimate of each job's size; the run uses the truth.
    Estimated,
    /// A job is a sequence of operations; an operation's length is revealed only when the
    /// previous one completes (Lindermayr, Schäfer, Schlöter, Stougie 2026).
    Revealed,
}

impl Info {
    pub fn parse(s: &str) -> Result<Info> {
        match s {
            "clairvoyant" => Ok(Info::Clairvoyant),
            "nonclairvoyant" | "non-clairvoyant" => Ok(Info::NonClairvoyant),
            "estimated" => Ok(Info::Estimated),
            "revealed" => Ok(Info::Revealed),
            _ => Err(Error::config(format!("unknown information model '{s}' (clairvoyant, nonclairvoyant, estimated, revealed)"))),
        }
    }
}

/// A job: it arrives, then its operations run one after the other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub arrival: f64,
    /// True processing times of the operations, in order (a single-task job has one).
    pub ops: Vec<f64>,
    /// The size the policy believes (the truth unless the information model is `Estimated`).
    pub estimate: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<f64>,
}

impl Job {
    pub fn size(&self) -> f64 {
        self.ops.iter().sum()
    }
}

/// A stream of jobs for `machines` machines under an information model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stream {
    pub machines: usize,
    /// Speed of each machine (work per time unit); empty = identical machines of speed 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speeds: Vec<f64>,
    /// Time a job spends switching in each time it starts or resumes on a machine.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub context_switch: f64,
    pub info: Info,
    /// Jobs in arrival order.
    pub jobs: Vec<Job>,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// How jobs arrive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Arrivals {
    /// Exponential inter-arrival times with this mean (DS3's `scale`).
    Poisson { mean_interarrival: f64 },
    /// The mean that gives a target load ρ = arrival rate × mean size ÷ machines.
    Load { rho: f64 },
    /// Gamma inter-arrival times with this mean and coefficient of variation `cv`
    /// (burstiness: cv > 1 bursty, cv = 1 Poisson, cv < 1 regular).
    Gamma { mean_interarrival: f64, cv: f64 },
    /// A target load with gamma inter-arrival times of coefficient of variation `cv`.
    GammaLoad { rho: f64, cv: f64 },
    /// Replayed arrival times (sizes from the trace when it has them, else from the mix).
    Trace(trace::Trace),
}

/// What the jobs look like.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mix {
    /// One operation of exponential size.
    Single { mean_size: f64 },
    /// `ops` operations of exponential size each.
    Chain { ops: usize, mean_op: f64 },
    /// The gradually-revealed model in full (docs/streams.md): a number of operations
    /// drawn per job, their sizes from a distribution of mean `mean_op`, and optionally a
    /// uniform obligatory test first (every job starts with an operation of length `test`).
    Ops {
        count: OpCount,
        size: OpSize,
        mean_op: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        test: Option<f64>,
    },
}

impl Mix {
    pub fn mean_size(&self) -> f64 {
        match *self {
            Mix::Single { mean_size } => mean_size,
            Mix::Chain { ops, mean_op } => ops as f64 * mean_op,
            Mix::Ops {
                count,
                mean_op,
                test,
                ..
            } => count.mean() * mean_op + test.unwrap_or(0.0),
        }
    }
}

/// The instance parameters of a stream of operation chains (docs/streams.md). `m` is the
/// paper's: the most operations of any job. The paper's refined bound O(m₁·m₂) uses two
/// more parameters "describing the operation size structure" whose definitions are not in
/// any public text we could reach (the abstract and summaries); `m1` and `m2` here are
/// **our reading**, from the virtual chunks `vchunk` forms ([`policy::chunks`]): `m1` the
/// most chunks any job needs, `m2` the most operations in one chunk. Both are at most `m`,
/// and m ≤ m1 · m2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Instance {
    pub m: usize,
    pub m1: usize,
    pub m2: usize,
}

impl Instance {
    pub fn of(stream: &Stream) -> Instance {
        let mut out = Instance { m: 0, m1: 0, m2: 0 };
        for j in &stream.jobs {
            let c = policy::chunks(&j.ops);
            out.m = out.m.max(j.ops.len());
            out.m1 = out.m1.max(c.len());
            out.m2 = out.m2.max(c.iter().copied().max().unwrap_or(0));
        }
        out
    }
}

/// Most operations one job may have in the `Ops` mix.
pub const MAX_OPS_PER_JOB: usize = 10_000;

/// How many operations a job has (after its test, if any).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpCount {
    /// Always `ops`.
    Fixed { ops: usize },
    /// Uniformly from `min` to `max`.
    Uniform { min: usize, max: usize },
    /// Geometric on 1, 2, … with this mean (at most [`MAX_OPS_PER_JOB`]).
    Geometric { mean: f64 },
}

impl OpCount {
    /// `fixed:K` (or `K`), `uniform:MIN:MAX`, `geometric:MEAN`.
    pub fn parse(text: &str) -> Result<OpCount> {
        let parts: Vec<&str> = text.split(':').collect();
        let whole = |s: &str| {
            s.parse::<usize>()
                .ok()
                .filter(|&k| (1..=MAX_OPS_PER_JOB).contains(&k))
        };
        let bad = || {
            Error::config(format!(
                "operations per job '{text}': fixed:K, uniform:MIN:MAX or geometric:MEAN, 1 to {MAX_OPS_PER_JOB}"
            ))
        };
        let c = match parts.as_slice() {
            [k] | ["fixed", k] => OpCount::Fixed {
                ops: whole(k).ok_or_else(bad)?,
            },
            ["uniform", a, b] => {
                let (min, max) = (whole(a).ok_or_else(bad)?, whole(b).ok_or_else(bad)?);
                if min > max {
                    return Err(bad());
                }
                OpCount::Uniform { min, max }
            }
            ["geometric", m] => OpCount::Geometric {
                mean: crate::util::parse_f64(m)
                    .filter(|m| (1.0..=MAX_OPS_PER_JOB as f64).contains(m))
                    .ok_or_else(bad)?,
            },
            _ => return Err(bad()),
        };
        Ok(c)
    }

    /// The mean number of operations.
    pub fn mean(&self) -> f64 {
        match *self {
            OpCount::Fixed { ops } => ops as f64,
            OpCount::Uniform { min, max } => (min + max) as f64 / 2.0,
            OpCount::Geometric { mean } => mean,
        }
    }

    /// The most operations a job can draw.
    pub fn max(&self) -> usize {
        match *self {
            OpCount::Fixed { ops } => ops,
            OpCount::Uniform { max, .. } => max,
            OpCount::Geometric { .. } => MAX_OPS_PER_JOB,
        }
    }

    fn draw(&self, rng: &mut StdRng) -> usize {
        let k = match *self {
            OpCount::Fixed { ops } => ops,
            OpCount::Uniform { min, max } => {
                min + (dist::uniform(rng) * (max - min + 1) as f64) as usize
            }
            OpCount::Geometric { mean } if mean <= 1.0 => 1,
            OpCount::Geometric { mean } => {
                // Trials until the first success, success probability 1/mean.
                let u = 1.0 - dist::uniform(rng);
                1 + (libm::log(u) / libm::log(1.0 - 1.0 / mean)) as usize
            }
        };
        k.clamp(1, MAX_OPS_PER_JOB)
    }
}

/// How long an operation is, around a mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpSize {
    /// Exponential.
    Exp,
    /// Uniform on [0, 2 × mean].
    Uniform,
    /// A quarter of the mean with probability 0.8, four times it with probability 0.2.
    Bimodal,
    /// Pareto of shape `alpha` > 1 (heavy-tailed; the smaller alpha, the heavier).
    Pareto { alpha: f64 },
}

impl OpSize {
    /// `exp`, `uniform`, `bimodal`, `pareto:ALPHA` (alpha from 1.01 to 100).
    pub fn parse(text: &str) -> Result<OpSize> {
        let bad = || {
            Error::config(format!(
                "operation size '{text}': exp, uniform, bimodal or pareto:ALPHA (1.01 to 100)"
            ))
        };
        Ok(match text.split_once(':') {
            None if text == "exp" => OpSize::Exp,
            None if text == "uniform" => OpSize::Uniform,
            None if text == "bimodal" => OpSize::Bimodal,
            Some(("pareto", a)) => OpSize::Pareto {
                alpha: crate::util::parse_f64(a)
                    .filter(|a| (1.01..=100.0).contains(a))
                    .ok_or_else(bad)?,
            },
            _ => return Err(bad()),
        })
    }

    fn draw(&self, rng: &mut StdRng, mean: f64) -> f64 {
        let v = match *self {
            OpSize::Exp => dist::exponential(rng, mean),
            OpSize::Uniform => 2.0 * mean * dist::uniform(rng),
            OpSize::Bimodal if dist::uniform(rng) < 0.8 => 0.25 * mean,
            OpSize::Bimodal => 4.0 * mean,
            OpSize::Pareto { alpha } => {
                let scale = mean * (alpha - 1.0) / alpha;
                // U^(1/α) as exp(ln U / α): the bundle already has log and exp, not pow.
                scale / libm::exp(libm::log(1.0 - dist::uniform(rng)) / alpha)
            }
        };
        // Never zero, never beyond the engine's largest number.
        v.clamp(1e-9 * mean, limits::MAX_NUMBER)
    }
}

/// A stream generator request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamSpec {
    pub jobs: usize,
    pub machines: usize,
    /// Machine speeds (empty = identical machines of speed 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speeds: Vec<f64>,
    /// Context-switch time paid each time a job starts or resumes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub context_switch: f64,
    pub arrivals: Arrivals,
    pub mix: Mix,
    pub info: Info,
    /// Relative σ of the size estimates (information model `Estimated`).
    pub estimate_noise: f64,
    /// Relative deadline: deadline = arrival + slack × size (None = no deadlines).
    pub deadline_slack: Option<f64>,
    pub seed: u64,
}

/// Upper bound on generated jobs.
pub const MAX_JOBS: usize = limits::MAX_JOBS;

/// The Streams lab's numeric bounds, in one place: the generators, [`Stream::validate`],
/// [`trace::Trace::validate`] and the simulator check against them, so the CLI, the web
/// app's links and the trace importer all share them (docs/streams.md, "Limits").
pub mod limits {
    /// Jobs in a stream (and entries in a trace).
    pub const MAX_JOBS: usize = 1_000_000;
    /// Operations over all jobs of a stream.
    pub const MAX_TOTAL_OPS: usize = 10_000_000;
    /// Largest job size, operation size, arrival time, mean or context-switch time: a
    /// million of them still sum to a finite number.
    pub const MAX_NUMBER: f64 = crate::scenario::limits::MAX_NUMBER;
    /// Burstiness (coefficient of variation of inter-arrival times): gamma inter-arrival
    /// times of shape 1/cv², so between 1e-6 and 1e6.
    pub const MIN_CV: f64 = 1e-3;
    pub const MAX_CV: f64 = 100.0;
    /// Target load ρ.
    pub const MIN_LOAD: f64 = 1e-6;
    pub const MAX_LOAD: f64 = 1e6;
    /// Relative σ of size estimates (and of execution-time noise).
    pub const MAX_SIGMA: f64 = 100.0;
    /// Quantum expiries a round-robin or MLFQ run may need (total work ÷ quantum, an upper
    /// bound): a smaller quantum is refused before the run starts.
    pub const MAX_QUANTUM_EXPIRIES: f64 = 10_000_000.0;
    /// A job alone under RR or MLFQ whose next event is more than this many quanta away
    /// runs straight to it in one event (nearer ones are stepped quantum by quantum, which
    /// keeps ordinary runs' numbers exactly as they were).
    pub const LONE_STEP_QUANTA: f64 = 1000.0;
    /// MLFQ levels (the quantum doubles per level).
    pub const MAX_MLFQ_LEVELS: usize = 64;
    /// Event budget of the stream simulator: `EVENTS_PER_ITEM` × (jobs + operations) +
    /// 2 × the quantum-expiry bound + `EVENTS_BASE`. A run needs at most about one event per
    /// arrival, operation end, quantum expiry and LAS catch-up; past the budget it stops
    /// with an error instead of hanging.
    pub const EVENTS_PER_ITEM: usize = 16;
    /// Work budget of the stream simulator, in job-reads: every event reads each job in
    /// the system, so n jobs waiting at once cost about n²/2 reads over their completions.
    /// The budget is `WORK_BASE` + `WORK_PER_JOB` × jobs + `WORK_PER_EVENT` × the event
    /// budget: large enough for every run the Streams lab offers (20,000 jobs at load 1.5
    /// keep thousands waiting: 132 M reads under FCFS and PS, measured by an ignored release
    /// test in `sim::engine`; budget 154 M) and for round robin with a
    /// small quantum on a crowded queue (150 jobs at once, quantum 1: 22.5 M reads, budget
    /// 52 M); past it a run stops with an error instead of running on (20,000 arrivals at
    /// one instant would need 200 M).
    pub const WORK_BASE: usize = 12_000_000;
    pub const WORK_PER_JOB: usize = 5_000;
    pub const WORK_PER_EVENT: usize = 64;
    pub const EVENTS_BASE: usize = 10_000;
}

/// A finite number in (0, [`limits::MAX_NUMBER`]], or an error naming `what`.
fn positive(what: &str, v: f64) -> Result<f64> {
    if v.is_finite() && v > 0.0 && v <= limits::MAX_NUMBER {
        Ok(v)
    } else if v > limits::MAX_NUMBER && v.is_finite() {
        Err(Error::invalid(format!(
            "{what} {} is above the limit of {}",
            crate::util::show(v),
            crate::util::show(limits::MAX_NUMBER)
        )))
    } else {
        Err(Error::invalid(format!(
            "{what} must be a finite number > 0 (got {v})"
        )))
    }
}

/// A number in [`lo`, `hi`], or an error naming `what` and the bound it crosses.
fn within(what: &str, v: f64, lo: f64, hi: f64) -> Result<f64> {
    if !v.is_finite() || v <= 0.0 {
        return Err(Error::invalid(format!(
            "{what} must be a finite number > 0 (got {v})"
        )));
    }
    if v < lo {
        return Err(Error::invalid(format!(
            "{what} {} is below {}",
            crate::util::show(v),
            crate::util::show(lo)
        )));
    }
    if v > hi {
        return Err(Error::invalid(format!(
            "{what} {} is above {}",
            crate::util::show(v),
            crate::util::show(hi)
        )));
    }
    Ok(v)
}

/// A finite number in [0, [`limits::MAX_NUMBER`]] (context switch, deadline slack).
fn non_negative(what: &str, v: f64, max: f64) -> Result<f64> {
    if !(v.is_finite() && v >= 0.0) {
        return Err(Error::invalid(format!(
            "{what} must be a finite number >= 0 (got {v})"
        )));
    }
    if v > max {
        return Err(Error::invalid(format!(
            "{what} {} is above the limit of {}",
            crate::util::show(v),
            crate::util::show(max)
        )));
    }
    Ok(v)
}

/// Generates a stream; the same spec always gives the same stream.
pub fn generate(spec: &StreamSpec) -> Result<Stream> {
    check_speeds(&spec.speeds, spec.machines)?;
    let capacity: f64 = if spec.speeds.is_empty() {
        spec.machines as f64
    } else {
        spec.speeds.iter().sum()
    };
    check_context_switch(spec.context_switch)?;
    if spec.jobs == 0 || spec.jobs > MAX_JOBS {
        return Err(Error::invalid(format!(
            "jobs must be between 1 and {MAX_JOBS} (got {})",
            spec.jobs
        )));
    }
    if spec.machines == 0 || spec.machines > 4096 {
        return Err(Error::invalid(format!(
            "machines must be between 1 and 4096 (got {})",
            spec.machines
        )));
    }
    let mean_size = match spec.mix {
        Mix::Single { mean_size } => positive("mean size", mean_size)?,
        Mix::Chain { ops, mean_op } => {
            if ops == 0 || ops > 10_000 {
                return Err(Error::invalid(
                    "a chain needs between 1 and 10000 operations",
                ));
            }
            if ops.saturating_mul(spec.jobs) > limits::MAX_TOTAL_OPS {
                return Err(Error::invalid(format!(
                    "{} jobs of {ops} operations: {} operations in all, above the limit of {}",
                    spec.jobs,
                    ops.saturating_mul(spec.jobs),
                    limits::MAX_TOTAL_OPS
                )));
            }
            positive("mean operation size", mean_op)? * ops as f64
        }
        Mix::Ops {
            count,
            mean_op,
            test,
            size,
        } => {
            // Re-checked however the mix was made (the parsers check each part with a
            // fuller message); the total is counted as the draws are made, below.
            let ok = match count {
                OpCount::Fixed { ops } => (1..=MAX_OPS_PER_JOB).contains(&ops),
                OpCount::Uniform { min, max } => 1 <= min && min <= max && max <= MAX_OPS_PER_JOB,
                OpCount::Geometric { mean } => (1.0..=MAX_OPS_PER_JOB as f64).contains(&mean),
            } && !matches!(size, OpSize::Pareto { alpha } if !(1.01..=100.0).contains(&alpha))
                && test.is_none_or(|t| t.is_finite() && t > 0.0);
            if !ok {
                return Err(Error::invalid(
                    "operations mix out of range (see stream::OpCount, OpSize)",
                ));
            }
            positive("mean operation size", mean_op)?;
            spec.mix.mean_size()
        }
    };
    if !(spec.estimate_noise.is_finite() && spec.estimate_noise >= 0.0) {
        return Err(Error::invalid("estimate noise must be >= 0"));
    }
    non_negative("estimate noise", spec.estimate_noise, limits::MAX_SIGMA)?;
    if let Some(slack) = spec.deadline_slack {
        non_negative("deadline slack", slack, limits::MAX_NUMBER)?;
    }
    let times = arrival_times(&spec.arrivals, spec.jobs, mean_size, capacity, spec.seed)?;
    let trace = match &spec.arrivals {
        Arrivals::Trace(tr) => Some(tr),
        _ => None,
    };
    let mut size_rng = StdRng::seed_from_u64(crate::util::derive_seed(spec.seed, 12));
    let mut est_rng = StdRng::seed_from_u64(crate::util::derive_seed(spec.seed, 13));
    let mut jobs = Vec::with_capacity(times.len());
    let mut total_ops = 0usize;
    for (i, &t) in times.iter().enumerate() {
        let ops: Vec<f64> = match spec.mix {
            _ if trace.is_some_and(|tr| tr.sizes.is_some()) => {
                let size = trace.and_then(|tr| tr.sizes.as_ref()).map_or(1.0, |s| s[i]);
                // The trace's operations (`1+0.5+2`), when it gives them.
                #[cfg(not(target_arch = "wasm32"))]
                let given = trace.and_then(|tr| tr.ops.as_ref()).map(|o| o[i].clone());
                #[cfg(target_arch = "wasm32")]
                let given: Option<Vec<f64>> = None;
                match (spec.mix, given) {
                    (Mix::Single { .. }, _) => vec![size],
                    (Mix::Chain { .. }, Some(o)) => o,
                    (Mix::Chain { ops, .. }, None) => vec![size / ops as f64; ops],
                    // A trace's size (or operations) is the work after the test.
                    (Mix::Ops { test, .. }, Some(o)) => test.into_iter().chain(o).collect(),
                    (Mix::Ops { test: Some(t), .. }, None) => vec![t, size],
                    (Mix::Ops { .. }, None) => vec![size],
                }
            }
            Mix::Single { mean_size } => {
                vec![dist::exponential(&mut size_rng, mean_size).max(1e-9 * mean_size)]
            }
            Mix::Chain { ops, mean_op } => (0..ops)
                .map(|_| dist::exponential(&mut size_rng, mean_op).max(1e-9 * mean_op))
                .collect(),
            Mix::Ops {
                count,
                size,
                mean_op,
                test,
            } => {
                let k = count.draw(&mut size_rng);
                test.into_iter()
                    .chain((0..k).map(|_| size.draw(&mut size_rng, mean_op)))
                    .collect()
            }
        };
        total_ops += ops.len();
        if total_ops > limits::MAX_TOTAL_OPS {
            return Err(Error::Limit {
                what: "operations in the stream",
                found: total_ops,
                limit: limits::MAX_TOTAL_OPS,
            });
        }
        let size: f64 = ops.iter().sum();
        let estimate = if spec.info == Info::Estimated && spec.estimate_noise > 0.0 {
            (size * (1.0 + spec.estimate_noise * dist::standard_normal(&mut est_rng)))
                .max(0.01 * size)
        } else {
            size
        };
        jobs.push(Job {
            arrival: t,
            ops,
            estimate,
            deadline: spec.deadline_slack.map(|s| t + s * size),
        });
    }
    Ok(Stream {
        machines: spec.machines,
        speeds: spec.speeds.clone(),
        context_switch: spec.context_switch,
        info: spec.info,
        jobs,
    })
}

/// Arrival times of `jobs` jobs (fewer if a trace is shorter): `mean_size` and `capacity`
/// (total machine speed) turn a target load into a mean inter-arrival time.
pub fn arrival_times(
    arrivals: &Arrivals,
    jobs: usize,
    mean_size: f64,
    capacity: f64,
    seed: u64,
) -> Result<Vec<f64>> {
    if jobs == 0 || jobs > MAX_JOBS {
        return Err(Error::invalid(format!(
            "jobs must be between 1 and {MAX_JOBS} (got {jobs})"
        )));
    }
    let load = |rho: f64| within("load", rho, limits::MIN_LOAD, limits::MAX_LOAD);
    let burstiness = |cv: f64| within("burstiness (cv)", cv, limits::MIN_CV, limits::MAX_CV);
    let (mean_ia, cv) = match *arrivals {
        Arrivals::Trace(_) => (1.0, 1.0),
        Arrivals::Poisson { mean_interarrival } => {
            (positive("mean inter-arrival time", mean_interarrival)?, 1.0)
        }
        Arrivals::Load { rho } => (mean_size / (load(rho)? * capacity), 1.0),
        Arrivals::Gamma {
            mean_interarrival,
            cv,
        } => (
            positive("mean inter-arrival time", mean_interarrival)?,
            burstiness(cv)?,
        ),
        Arrivals::GammaLoad { rho, cv } => (mean_size / (load(rho)? * capacity), burstiness(cv)?),
    };
    if !(mean_ia.is_finite() && mean_ia > 0.0) {
        return Err(Error::invalid(format!(
            "the mean inter-arrival time {mean_ia} (mean size ÷ (load × capacity)) is not a finite number > 0"
        )));
    }
    // Gamma with shape 1/cv² and the requested mean; cv = 1 is the exponential.
    let shape = 1.0 / (cv * cv);
    if let Arrivals::Trace(tr) = arrivals {
        tr.validate()?;
        let mut v = tr.arrivals.clone();
        v.truncate(jobs);
        return Ok(v);
    }
    let mut rng = StdRng::seed_from_u64(crate::util::derive_seed(seed, 11));
    let mut t = 0.0;
    let mut out = Vec::with_capacity(jobs);
    for i in 0..jobs {
        if i > 0 {
            t += if cv == 1.0 {
                dist::exponential(&mut rng, mean_ia)
            } else {
                dist::gamma(&mut rng, shape, mean_ia / shape)
            };
        }
        out.push(t);
    }
    Ok(out)
}

impl Stream {
    /// Each machine's speed (1 for identical machines).
    pub fn machine_speeds(&self) -> Vec<f64> {
        if self.speeds.is_empty() {
            vec![1.0; self.machines]
        } else {
            self.speeds.clone()
        }
    }

    /// Checks a hand-made stream: finite, non-negative, sorted arrivals; positive sizes.
    pub fn validate(&self) -> Result<()> {
        if self.machines == 0 {
            return Err(Error::invalid("a stream needs at least one machine"));
        }
        check_speeds(&self.speeds, self.machines)?;
        check_context_switch(self.context_switch)?;
        if self.jobs.len() > limits::MAX_JOBS {
            return Err(Error::Limit {
                what: "jobs in a stream",
                found: self.jobs.len(),
                limit: limits::MAX_JOBS,
            });
        }
        let mut last = 0.0;
        let mut ops = 0usize;
        let max = limits::MAX_NUMBER;
        for (i, j) in self.jobs.iter().enumerate() {
            if !(j.arrival.is_finite() && j.arrival >= last) {
                return Err(Error::invalid(format!(
                    "job {i}: arrival {} is not finite and in order",
                    j.arrival
                )));
            }
            if j.arrival > max {
                return Err(Error::invalid(format!(
                    "job {i}: arrival {} is above the limit of {}",
                    crate::util::show(j.arrival),
                    crate::util::show(max)
                )));
            }
            last = j.arrival;
            if j.ops.is_empty() || j.ops.iter().any(|o| !(o.is_finite() && *o > 0.0)) {
                return Err(Error::invalid(format!(
                    "job {i}: every operation needs a finite size > 0"
                )));
            }
            if let Some(o) = j.ops.iter().find(|o| **o > max) {
                return Err(Error::invalid(format!(
                    "job {i}: operation size {} is above the limit of {}",
                    crate::util::show(*o),
                    crate::util::show(max)
                )));
            }
            ops += j.ops.len();
            if ops > limits::MAX_TOTAL_OPS {
                return Err(Error::Limit {
                    what: "operations in a stream",
                    found: ops,
                    limit: limits::MAX_TOTAL_OPS,
                });
            }
            if !(j.estimate.is_finite() && j.estimate > 0.0) {
                return Err(Error::invalid(format!(
                    "job {i}: the estimate must be a finite number > 0"
                )));
            }
            if j.estimate > max {
                return Err(Error::invalid(format!(
                    "job {i}: the estimate {} is above the limit of {}",
                    crate::util::show(j.estimate),
                    crate::util::show(max)
                )));
            }
            if let Some(d) = j.deadline {
                if d.is_nan() {
                    return Err(Error::invalid(format!("job {i}: the deadline is NaN")));
                }
            }
        }
        Ok(())
    }
}

fn check_context_switch(cs: f64) -> Result<()> {
    non_negative("the context-switch time", cs, limits::MAX_NUMBER).map(|_| ())
}

fn check_speeds(speeds: &[f64], machines: usize) -> Result<()> {
    if !speeds.is_empty() && speeds.len() != machines {
        return Err(Error::invalid(format!(
            "{} machine speeds given for {machines} machines",
            speeds.len()
        )));
    }
    if let Some(s) = speeds.iter().find(|s| !(s.is_finite() && **s > 0.0)) {
        return Err(Error::invalid(format!(
            "a machine speed must be a finite number > 0 (got {s})"
        )));
    }
    let (lo, hi) = (crate::scenario::limits::MIN_RATE, limits::MAX_NUMBER);
    if let Some((m, s)) = speeds
        .iter()
        .enumerate()
        .find(|(_, s)| **s < lo || **s > hi)
    {
        return Err(Error::invalid(format!(
            "machine {m}: speed {} is outside [{}, {}]",
            crate::util::show(*s),
            crate::util::show(lo),
            crate::util::show(hi)
        )));
    }
    Ok(())
}
