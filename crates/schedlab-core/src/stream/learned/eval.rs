//! Held-out evaluation (`schedlab eval`).

use serde::Serialize;

use super::train::*;
use crate::error::{Error, Result};
use crate::stream::dag::{self, DagMix, DagPolicy, DagSpec};
use crate::stream::Arrivals;
use crate::util::derive_seed;

/// Seeds of evaluation streams: `derive_seed(EVAL_SEEDS, i)`, a domain training never
/// draws from (training streams come from `derive_seed(config.seed, …)` with other
/// indices), so `schedlab eval` reports on held-out streams.
pub const EVAL_SEEDS: u64 = 0xE7A1_5EED_0000_0000;

/// What `schedlab eval` runs.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalSpec {
    pub mix: DagMix,
    /// Jobs per stream (1 = a single DAG arriving at 0: latency = makespan).
    pub jobs: usize,
    pub load: f64,
    pub noise: Vec<f64>,
    pub seeds: usize,
    /// Policy label and policy.
    pub policies: Vec<(String, DagPolicy)>,
}

/// One line of the evaluation: a policy at a noise level over every seed's jobs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalRow {
    pub policy: String,
    pub noise: f64,
    pub mean_job_latency: f64,
    /// Standard deviation over every job of every seed.
    pub std_job_latency: f64,
    /// Standard deviation of the per-seed means.
    pub std_of_seed_means: f64,
    /// Mean makespan (last completion − first arrival) per stream.
    pub makespan: f64,
    pub seeds: usize,
    pub jobs: usize,
    /// The best hand-written rule at this noise level (the lowest mean latency among the
    /// policies evaluated other than `learned`), and this row's mean latency relative to
    /// it (−0.05: 5 % lower). None when only the learned policy was evaluated.
    pub best_rule: Option<String>,
    pub vs_best_rule: Option<f64>,
}

/// Whether a policy label is a learned policy (not a hand-written rule).
fn is_learned(label: &str) -> bool {
    label == "learned" || label.starts_with("learned:")
}

/// Runs every policy on the same held-out streams at every noise level.
pub fn evaluate(spec: &EvalSpec) -> Result<Vec<EvalRow>> {
    evaluate_with(spec, &mut |_| {})
}

/// [`evaluate`], calling `progress` after each (noise, seed) with the count done.
pub fn evaluate_with(spec: &EvalSpec, progress: &mut dyn FnMut(usize)) -> Result<Vec<EvalRow>> {
    if spec.seeds == 0 || spec.seeds > 10_000 {
        return Err(Error::config(format!(
            "seeds must be 1 to 10000 (got {})",
            spec.seeds
        )));
    }
    if spec.noise.is_empty() || spec.noise.iter().any(|s| !(s.is_finite() && *s >= 0.0)) {
        return Err(Error::config("noise levels must be finite numbers >= 0"));
    }
    if spec.policies.is_empty() {
        return Err(Error::config("no policy to evaluate"));
    }
    let mut rows = Vec::new();
    let mut done = 0;
    for &sigma in &spec.noise {
        // Per policy: every job's latency, per-seed means, makespans.
        let mut lat: Vec<Vec<f64>> = vec![Vec::new(); spec.policies.len()];
        let mut means: Vec<Vec<f64>> = vec![Vec::new(); spec.policies.len()];
        let mut spans: Vec<Vec<f64>> = vec![Vec::new(); spec.policies.len()];
        for i in 0..spec.seeds {
            let seed = derive_seed(EVAL_SEEDS, i as u64);
            let stream = dag::generate(&DagSpec {
                jobs: spec.jobs,
                arrivals: Arrivals::Load { rho: spec.load },
                mix: spec.mix.clone(),
                exec_sigma: sigma,
                seed,
            })?;
            for (k, (_, p)) in spec.policies.iter().enumerate() {
                let run = dag::simulate_recorded(&stream, p, None)?;
                let l: Vec<f64> = stream
                    .jobs
                    .iter()
                    .zip(&run.completion)
                    .map(|(j, c)| c - j.arrival)
                    .collect();
                means[k].push(mean(&l));
                lat[k].extend(l);
                let first = stream.jobs.first().map_or(0.0, |j| j.arrival);
                let last = run.completion.iter().copied().fold(first, f64::max);
                spans[k].push(last - first);
            }
            done += 1;
            progress(done);
        }
        let at = rows.len();
        for (k, (label, _)) in spec.policies.iter().enumerate() {
            rows.push(EvalRow {
                policy: label.clone(),
                noise: sigma,
                mean_job_latency: mean(&lat[k]),
                std_job_latency: std_dev(&lat[k]),
                std_of_seed_means: std_dev(&means[k]),
                makespan: mean(&spans[k]),
                seeds: spec.seeds,
                jobs: spec.jobs,
                best_rule: None,
                vs_best_rule: None,
            });
        }
        // The strongest baseline at this level, named in every row (the first on a tie).
        let best = rows[at..]
            .iter()
            .filter(|r| !is_learned(&r.policy))
            .fold(None::<&EvalRow>, |b, r| match b {
                Some(b) if b.mean_job_latency <= r.mean_job_latency => Some(b),
                _ => Some(r),
            })
            .map(|r| (r.policy.clone(), r.mean_job_latency));
        if let Some((name, m)) = best {
            for r in &mut rows[at..] {
                r.vs_best_rule = Some(r.mean_job_latency / m - 1.0);
                r.best_rule = Some(name.clone());
            }
        }
    }
    Ok(rows)
}

fn std_dev(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}
