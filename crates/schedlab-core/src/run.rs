//! One-call entry points shared by the CLI and the web app: schedule, execute, measure,
//! and compare schedulers over noise levels and seeds.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::metrics::Metrics;
use crate::problem::Problem;
use crate::sched::{self, Options};
use crate::schedule::Schedule;
use crate::sim::{simulate, Execution, Noise};
use crate::util::derive_seed;

/// A scheduler's plan, one execution of it, and the execution's metrics.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub scheduler: String,
    pub plan: Schedule,
    pub execution: Execution,
    pub metrics: Metrics,
}

/// Plans with `scheduler_id` (randomised schedulers use `seed`) and executes the plan once
/// under `noise` with `seed`.
pub fn run(
    problem: &Problem,
    scheduler_id: &str,
    options: &Options,
    noise: &Noise,
    seed: u64,
) -> Result<RunResult> {
    let scheduler = sched::build(scheduler_id, options)?;
    let plan = scheduler.schedule(problem, seed);
    let execution = simulate(problem, &plan, noise, seed)?;
    let metrics = Metrics::compute(problem, &execution);
    Ok(RunResult {
        scheduler: scheduler_id.to_string(),
        plan,
        execution,
        metrics,
    })
}

/// Mean, standard deviation (population), minimum and maximum of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub max: f64,
}

impl Stat {
    pub fn of(values: &[f64]) -> Stat {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Stat {
            mean,
            std: var.sqrt(),
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// One row of a comparison: a scheduler at a noise level over `samples` seeds.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    pub scheduler: String,
    pub noise: f64,
    pub samples: usize,
    pub metrics: BTreeMap<&'static str, Stat>,
}

/// Runs every scheduler at every execution-noise level over `samples` seeds derived from
/// `seed`. Each scheduler plans once; sample `i` uses the same noise seed for every
/// scheduler (common random numbers), so differences come from the schedulers.
/// `base_noise` supplies the other noise settings (communication, stragglers).
pub fn compare(
    problem: &Problem,
    schedulers: &[(String, Options)],
    noise_levels: &[f64],
    base_noise: &Noise,
    samples: usize,
    seed: u64,
) -> Result<Vec<CompareRow>> {
    let mut rows = Vec::new();
    for (id, options) in schedulers {
        let plan = sched::build(id, options)?.schedule(problem, seed);
        for &sigma in noise_levels {
            let noise = Noise {
                exec_sigma: sigma,
                ..base_noise.clone()
            };
            let deterministic = noise.is_none();
            let k = if deterministic { 1 } else { samples.max(1) };
            let mut per_metric: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
            for i in 0..k {
                let exec = simulate(problem, &plan, &noise, derive_seed(seed, i as u64))?;
                for (name, v) in Metrics::compute(problem, &exec).scalars() {
                    per_metric.entry(name).or_default().push(v);
                }
            }
            rows.push(CompareRow {
                scheduler: id.clone(),
                noise: sigma,
                samples: k,
                metrics: per_metric
                    .into_iter()
                    .map(|(k, v)| (k, Stat::of(&v)))
                    .collect(),
            });
        }
    }
    Ok(rows)
}
