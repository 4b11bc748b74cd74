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
}

impl Mix {
    pub fn mean_size(&self) -> f64 {
        match *self {
            Mix::Single { mean_size } => mean_size,
            Mix::Chain { ops, mean_op } => ops as f64 * mean_op,
        }
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
pub const MAX_JOBS: usize = 1_000_000;

/// Generates a stream; the same spec always gives the same stream.
pub fn generate(spec: &StreamSpec) -> Result<Stream> {
    check_speeds(&spec.speeds, spec.machines)?;
    let capacity: f64 = if spec.speeds.is_empty() {
        spec.machines as f64
    } else {
        spec.speeds.iter().sum()
    };
    if !(spec.context_switch.is_finite() && spec.context_switch >= 0.0) {
        return Err(Error::invalid(format!(
            "the context-switch time must be a finite number >= 0 (got {})",
            spec.context_switch
        )));
    }
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
    let positive = |what: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(Error::invalid(format!(
                "{what} must be a finite number > 0 (got {v})"
            )))
        }
    };
    let mean_size = match spec.mix {
        Mix::Single { mean_size } => positive("mean size", mean_size)?,
        Mix::Chain { ops, mean_op } => {
            if ops == 0 || ops > 10_000 {
                return Err(Error::invalid(
                    "a chain needs between 1 and 10000 operations",
                ));
            }
            positive("mean operation size", mean_op)? * ops as f64
        }
    };
    if !(spec.estimate_noise.is_finite() && spec.estimate_noise >= 0.0) {
        return Err(Error::invalid("estimate noise must be >= 0"));
    }
    let times = arrival_times(&spec.arrivals, spec.jobs, mean_size, capacity, spec.seed)?;
    let trace = match &spec.arrivals {
        Arrivals::Trace(tr) => Some(tr),
        _ => None,
    };
    let mut size_rng = StdRng::seed_from_u64(crate::util::derive_seed(spec.seed, 12));
    let mut est_rng = StdRng::seed_from_u64(crate::util::derive_seed(spec.seed, 13));
    let mut jobs = Vec::with_capacity(times.len());
    for (i, &t) in times.iter().enumerate() {
        let ops: Vec<f64> = match spec.mix {
            _ if trace.is_some_and(|tr| tr.sizes.is_some()) => {
                let size = trace.and_then(|tr| tr.sizes.as_ref()).map_or(1.0, |s| s[i]);
                match spec.mix {
                    Mix::Chain { ops, .. } => vec![size / ops as f64; ops],
                    Mix::Single { .. } => vec![size],
                }
            }
            Mix::Single { mean_size } => {
                vec![dist::exponential(&mut size_rng, mean_size).max(1e-9 * mean_size)]
            }
            Mix::Chain { ops, mean_op } => (0..ops)
                .map(|_| dist::exponential(&mut size_rng, mean_op).max(1e-9 * mean_op))
                .collect(),
        };
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
    let positive = |what: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(Error::invalid(format!(
                "{what} must be a finite number > 0 (got {v})"
            )))
        }
    };
    let (mean_ia, cv) = match *arrivals {
        Arrivals::Trace(_) => (1.0, 1.0),
        Arrivals::Poisson { mean_interarrival } => {
            (positive("mean inter-arrival time", mean_interarrival)?, 1.0)
        }
        Arrivals::Load { rho } => (mean_size / (positive("load", rho)? * capacity), 1.0),
        Arrivals::Gamma {
            mean_interarrival,
            cv,
        } => (
            positive("mean inter-arrival time", mean_interarrival)?,
            positive("burstiness (cv)", cv)?,
        ),
        Arrivals::GammaLoad { rho, cv } => (
            mean_size / (positive("load", rho)? * capacity),
            positive("burstiness (cv)", cv)?,
        ),
    };
    if cv > 100.0 {
        return Err(Error::invalid(format!("burstiness (cv) {cv} is above 100")));
    }
    // Gamma with shape 1/cv² and the requested mean; cv = 1 is the exponential.
    let shape = 1.0 / (cv * cv);
    if let Arrivals::Trace(tr) = arrivals {
        let mut v = tr.arrivals.clone();
        v.truncate(jobs);
        if v.is_empty()
            || v.iter().any(|t| !t.is_finite() || *t < 0.0)
            || v.windows(2).any(|w| w[1] < w[0])
        {
            return Err(Error::invalid(
                "trace arrivals must be finite, >= 0 and sorted",
            ));
        }
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
        if !(self.context_switch.is_finite() && self.context_switch >= 0.0) {
            return Err(Error::invalid(format!(
                "the context-switch time must be a finite number >= 0 (got {})",
                self.context_switch
            )));
        }
        let mut last = 0.0;
        for (i, j) in self.jobs.iter().enumerate() {
            if !(j.arrival.is_finite() && j.arrival >= last) {
                return Err(Error::invalid(format!(
                    "job {i}: arrival {} is not finite and in order",
                    j.arrival
                )));
            }
            last = j.arrival;
            if j.ops.is_empty() || j.ops.iter().any(|o| !(o.is_finite() && *o > 0.0)) {
                return Err(Error::invalid(format!(
                    "job {i}: every operation needs a finite size > 0"
                )));
            }
            if !(j.estimate.is_finite() && j.estimate > 0.0) {
                return Err(Error::invalid(format!(
                    "job {i}: the estimate must be a finite number > 0"
                )));
            }
        }
        Ok(())
    }
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
    Ok(())
}
