//! One-call entry points shared by the CLI and the web app: schedule, execute, measure,
//! and compare schedulers over noise levels and seeds; and the DAG lab's run API
//! ([`evaluate`], [`robustness`] over [`NoiseSettings`]), which the page and `schedlab
//! open` both call, so the same state gives the same numbers everywhere.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::explain::{Explanation, MAX_RECORDED_PAIRS};
use crate::metrics::Metrics;
use crate::problem::Problem;
use crate::sched::{self, Options};
use crate::schedule::Schedule;
use crate::sim::{simulate, Execution, Noise, RandomStragglers};
use crate::util::{derive_seed, sort_dyn};

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
    let plan = sched::build(scheduler_id, options)?.try_schedule(problem, seed)?;
    execute(problem, scheduler_id, plan, noise, seed)
}

/// [`run`], with why each task went where it did (the plan is the same: recording only
/// watches it being made).
pub fn run_explained(
    problem: &Problem,
    scheduler_id: &str,
    options: &Options,
    noise: &Noise,
    seed: u64,
) -> Result<(RunResult, Explanation)> {
    let (plan, why) = explain_plan(problem, scheduler_id, options, seed)?;
    Ok((execute(problem, scheduler_id, plan, noise, seed)?, why))
}

/// The plan of `scheduler_id` for `problem` with its decision records; refused with
/// [`crate::Error::Limit`] above [`MAX_RECORDED_PAIRS`] task × processor pairs.
pub fn explain_plan(
    problem: &Problem,
    scheduler_id: &str,
    options: &Options,
    seed: u64,
) -> Result<(Schedule, Explanation)> {
    let pairs = problem.n_tasks().saturating_mul(problem.n_procs());
    if pairs > MAX_RECORDED_PAIRS {
        return Err(crate::Error::Limit {
            what: "tasks × processors to explain (each decision records every processor)",
            found: pairs,
            limit: MAX_RECORDED_PAIRS,
        });
    }
    sched::build(scheduler_id, options)?.try_explain(problem, seed)
}

/// Executes `plan` once under `noise` with `seed` and measures it.
fn execute(
    problem: &Problem,
    scheduler_id: &str,
    plan: Schedule,
    noise: &Noise,
    seed: u64,
) -> Result<RunResult> {
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

/// Statistics per scalar metric, by name in sorted order: a sorted vector of a dozen pairs
/// that reads like the map it replaced (`stats["makespan"]`, `get`, iteration in name
/// order) and serialises as the same JSON object. A `BTreeMap` here instantiated one more
/// whole B-tree in the WebAssembly bundle (about 2 KB gzipped).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats(Vec<(&'static str, Stat)>);

impl Stats {
    /// Sets the statistics of `name`.
    pub fn insert(&mut self, name: &'static str, stat: Stat) {
        match self.0.binary_search_by(|(k, _)| k.cmp(&name)) {
            Ok(i) => self.0[i].1 = stat,
            Err(i) => self.0.insert(i, (name, stat)),
        }
    }
    /// The statistics of `name`, if recorded.
    pub fn get(&self, name: &str) -> Option<&Stat> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, s)| s)
    }
    /// The metrics and their statistics, by name.
    pub fn iter(&self) -> std::slice::Iter<'_, (&'static str, Stat)> {
        self.0.iter()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl std::ops::Index<&str> for Stats {
    type Output = Stat;
    fn index(&self, name: &str) -> &Stat {
        self.get(name)
            .unwrap_or_else(|| panic!("no statistics for metric '{name}'"))
    }
}

impl<'a> IntoIterator for &'a Stats {
    type Item = &'a (&'static str, Stat);
    type IntoIter = std::slice::Iter<'a, (&'static str, Stat)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Serialize for Stats {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// One row of a comparison: a scheduler at a noise level over `samples` seeds.
#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    pub scheduler: String,
    pub noise: f64,
    pub samples: usize,
    pub metrics: Stats,
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
        let plan = sched::build(id, options)?.try_schedule(problem, seed)?;
        for &sigma in noise_levels {
            let noise = Noise {
                exec_sigma: sigma,
                ..base_noise.clone()
            };
            let deterministic = noise.is_none();
            let k = if deterministic { 1 } else { samples.max(1) };
            let mut per_metric = Vec::new();
            for i in 0..k {
                let exec = simulate(problem, &plan, &noise, derive_seed(seed, i as u64))?;
                push_scalars(&mut per_metric, &Metrics::compute(problem, &exec));
            }
            let mut metrics = Stats::default();
            for (name, v) in per_metric {
                metrics.insert(name, Stat::of(&v));
            }
            rows.push(CompareRow {
                scheduler: id.clone(),
                noise: sigma,
                samples: k,
                metrics,
            });
        }
    }
    Ok(rows)
}

/// The DAG lab's noise settings, as the page's controls show them and share links carry
/// them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoiseSettings {
    /// Relative σ of execution times.
    pub exec_sigma: f64,
    /// Relative σ of communication times.
    pub comm_sigma: f64,
    /// Probability that a processor straggles.
    pub straggler_prob: f64,
    /// Slowdown of a straggler.
    pub straggler_factor: f64,
    pub seed: u64,
    /// Noise samples for the distributions (1 = just the shown run).
    pub samples: usize,
}

impl Default for NoiseSettings {
    fn default() -> Self {
        NoiseSettings {
            exec_sigma: 0.0,
            comm_sigma: 0.0,
            straggler_prob: 0.0,
            straggler_factor: 2.0,
            seed: 1,
            samples: 20,
        }
    }
}

impl NoiseSettings {
    /// The engine's noise model for these settings.
    pub fn noise(&self) -> Noise {
        Noise {
            exec_sigma: self.exec_sigma,
            comm_sigma: self.comm_sigma,
            stragglers: Vec::new(),
            random_stragglers: (self.straggler_prob > 0.0).then_some(RandomStragglers {
                probability: self.straggler_prob,
                factor: self.straggler_factor,
                duration: 0.5,
            }),
        }
    }

    pub fn is_noisy(&self) -> bool {
        !self.noise().is_none()
    }

    /// The engine's checks of these numbers ([`Noise::validate`]), for every entry point
    /// that accepts them (links, the autosave, `schedlab open`): σ within the limit, a
    /// straggler factor within the slowdown bounds even while the probability is 0 (the
    /// page may raise it later, and the value must not fail only then).
    pub fn validate(&self, problem: &Problem) -> Result<()> {
        let mut noise = self.noise();
        noise.random_stragglers = Some(RandomStragglers {
            probability: self.straggler_prob,
            factor: self.straggler_factor,
            duration: 0.5,
        });
        noise.validate(problem)
    }
}

/// The options of `options` that scheduler `id` accepts (none for an unknown id).
pub fn options_for(id: &str, options: &Options) -> Options {
    // A spelling (`rule:priority=rank_u`) carries its own options; the shared ones still
    // apply to its entry's other keys ([`sched::resolve`]).
    let Ok(spec) = sched::find(id.split(':').next().unwrap_or(id)) else {
        return Options::new();
    };
    options
        .iter()
        .filter(|(k, _)| spec.options.iter().any(|o| o.key == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// One scheduler in the DAG lab: its plan, the run shown, and the noise samples.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub scheduler: String,
    /// The plan and the shown execution (seed = the noise seed).
    pub run: RunResult,
    /// Makespans of the noise samples (empty without noise).
    pub sample_makespans: Vec<f64>,
    /// Every scalar metric over the samples (the shown run alone without noise).
    pub stats: Stats,
}

impl Evaluated {
    /// The row `schedlab compare` prints for this scheduler at the settings' σ (and
    /// `schedlab open` for the DAG lab): the same numbers.
    pub fn compare_row(&self, noise: &NoiseSettings) -> CompareRow {
        CompareRow {
            scheduler: self.scheduler.clone(),
            noise: noise.exec_sigma,
            samples: self.sample_makespans.len().max(1),
            metrics: self.stats.clone(),
        }
    }
}

/// The DAG lab's evaluation: per scheduler (with the options of `options` it accepts), the
/// plan (seed = the noise seed), the run at the settings' noise and seed, and under noise
/// every metric over `noise.samples` samples with seeds derived from the noise seed (the
/// same for every scheduler, as in [`compare`], which gives the same statistics).
/// [`evaluate_shown`] and [`evaluate_samples`] are its two halves.
pub fn evaluate(
    problem: &Problem,
    schedulers: &[String],
    options: &Options,
    noise: &NoiseSettings,
) -> Result<Vec<Evaluated>> {
    let mut out = evaluate_shown(problem, schedulers, options, noise)?;
    for col in &mut out {
        let s = samples_of(problem, &col.run.plan, Some(&col.run.metrics), noise)?;
        col.sample_makespans = s.sample_makespans;
        col.stats = s.stats;
    }
    Ok(out)
}

/// The shown half of [`evaluate`]: each scheduler's plan and the run at the settings' noise
/// and seed, with the statistics of that run alone and no samples (what the page shows at
/// once while the samples of a large sweep are computed in the background).
pub fn evaluate_shown(
    problem: &Problem,
    schedulers: &[String],
    options: &Options,
    noise: &NoiseSettings,
) -> Result<Vec<Evaluated>> {
    let model = noise.noise();
    let mut out = Vec::new();
    for id in schedulers {
        let scheduler = sched::build(id, &options_for(id, options))?;
        let plan = scheduler.try_schedule(problem, noise.seed)?;
        let execution = simulate(problem, &plan, &model, noise.seed)?;
        let metrics = Metrics::compute(problem, &execution);
        // Inserted one by one: collecting into a map instantiates a sort per iterator type.
        let mut stats = Stats::default();
        for (k, v) in metrics.scalars() {
            stats.insert(k, Stat::of(&[v]));
        }
        out.push(Evaluated {
            scheduler: id.clone(),
            run: RunResult {
                scheduler: id.clone(),
                plan,
                execution,
                metrics,
            },
            sample_makespans: Vec::new(),
            stats,
        });
    }
    Ok(out)
}

/// What the noise samples add to one scheduler's evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    /// Makespans of the samples (empty without noise).
    pub sample_makespans: Vec<f64>,
    /// Every scalar metric over the samples (the shown run alone without noise).
    pub stats: Stats,
}

/// The samples half of [`evaluate`], per scheduler (the plans made again, as
/// [`evaluate_shown`] makes them).
pub fn evaluate_samples(
    problem: &Problem,
    schedulers: &[String],
    options: &Options,
    noise: &NoiseSettings,
) -> Result<Vec<Samples>> {
    let model = noise.noise();
    let mut out = Vec::with_capacity(schedulers.len());
    for id in schedulers {
        let plan =
            sched::build(id, &options_for(id, options))?.try_schedule(problem, noise.seed)?;
        let shown = if model.is_none() {
            Some(Metrics::compute(
                problem,
                &simulate(problem, &plan, &model, noise.seed)?,
            ))
        } else {
            None
        };
        out.push(samples_of(problem, &plan, shown.as_ref(), noise)?);
    }
    Ok(out)
}

/// Appends one sample's scalar metrics to `per`, a column per metric in
/// [`Metrics::scalars`]'s fixed order (a vector: a map keyed by name was one more B-tree
/// instantiation in the bundle).
fn push_scalars(per: &mut Vec<(&'static str, Vec<f64>)>, m: &Metrics) {
    for (i, (name, v)) in m.scalars().into_iter().enumerate() {
        if i == per.len() {
            per.push((name, Vec::new()));
        }
        per[i].1.push(v);
    }
}

/// The statistics of `plan` over the samples of `noise` (`shown`, the run at the settings'
/// seed, alone when there is no noise: it must be given then).
fn samples_of(
    problem: &Problem,
    plan: &Schedule,
    shown: Option<&Metrics>,
    noise: &NoiseSettings,
) -> Result<Samples> {
    let model = noise.noise();
    let mut per = Vec::new();
    let mut sample_makespans = Vec::new();
    if let (true, Some(shown)) = (model.is_none(), shown) {
        push_scalars(&mut per, shown);
    } else {
        for i in 0..noise.samples.max(1) {
            let e = simulate(problem, plan, &model, derive_seed(noise.seed, i as u64))?;
            let m = Metrics::compute(problem, &e);
            sample_makespans.push(m.makespan);
            push_scalars(&mut per, &m);
        }
    }
    let mut stats = Stats::default();
    for (k, v) in per {
        stats.insert(k, Stat::of(&v));
    }
    Ok(Samples {
        sample_makespans,
        stats,
    })
}

/// A robustness curve: makespan against σ for one scheduler.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    pub scheduler: String,
    /// (σ, mean, 10th percentile, 90th percentile) of the makespan.
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// σ values of the DAG lab's robustness chart.
pub const ROBUSTNESS_SIGMAS: [f64; 11] =
    [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];

/// Makespan against execution σ (`sigmas`) for each scheduler, over `seeds` samples per
/// point (the same seeds for every scheduler). The settings' other noise is kept.
pub fn robustness(
    problem: &Problem,
    schedulers: &[String],
    options: &Options,
    noise: &NoiseSettings,
    sigmas: &[f64],
    seeds: usize,
) -> Result<Vec<Curve>> {
    let mut curves = Vec::new();
    for id in schedulers {
        let plan =
            sched::build(id, &options_for(id, options))?.try_schedule(problem, noise.seed)?;
        let mut points = Vec::new();
        for &sigma in sigmas {
            let model = Noise {
                exec_sigma: sigma,
                ..noise.noise()
            };
            let k = if model.is_none() { 1 } else { seeds.max(1) };
            let mut ms = Vec::with_capacity(k);
            for i in 0..k {
                ms.push(
                    simulate(problem, &plan, &model, derive_seed(noise.seed, i as u64))?.makespan,
                );
            }
            sort_dyn(&mut ms, &f64::total_cmp);
            let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
            points.push((
                sigma,
                ms.iter().sum::<f64>() / ms.len() as f64,
                q(0.1),
                q(0.9),
            ));
        }
        curves.push(Curve {
            scheduler: id.clone(),
            points,
        });
    }
    Ok(curves)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem() -> Problem {
        let text = include_str!("../../../assets/scenarios/topcuoglu2002.json");
        Problem::new(&crate::Scenario::from_json(text).unwrap()).unwrap()
    }

    #[test]
    fn evaluate_gives_the_statistics_compare_gives() {
        let p = problem();
        let ids = vec!["heft".to_string(), "cpop".to_string()];
        let noise = NoiseSettings {
            exec_sigma: 0.3,
            comm_sigma: 0.1,
            seed: 7,
            samples: 12,
            ..NoiseSettings::default()
        };
        let ev = evaluate(&p, &ids, &Options::new(), &noise).unwrap();
        let schedulers: Vec<(String, Options)> =
            ids.iter().map(|id| (id.clone(), Options::new())).collect();
        let rows = compare(&p, &schedulers, &[0.3], &noise.noise(), 12, 7).unwrap();
        for (e, r) in ev.iter().zip(&rows) {
            let mine = e.compare_row(&noise);
            assert_eq!(mine.samples, r.samples);
            assert_eq!(mine.metrics, r.metrics, "{}", r.scheduler);
        }
        let quiet = evaluate(&p, &ids, &Options::new(), &NoiseSettings::default()).unwrap();
        assert_eq!(quiet[0].run.metrics.makespan, 80.0);
        assert_eq!(quiet[0].compare_row(&NoiseSettings::default()).samples, 1);
        let curves = robustness(&p, &ids, &Options::new(), &noise, &ROBUSTNESS_SIGMAS, 5).unwrap();
        assert_eq!(curves[0].points.len(), ROBUSTNESS_SIGMAS.len());
    }

    #[test]
    fn evaluate_is_its_shown_half_plus_its_samples_half() {
        let s = crate::gen::generate(&crate::gen::GenSpec::default()).unwrap();
        let p = Problem::new(&s).unwrap();
        let ids: Vec<String> = vec!["heft".into(), "cpop".into(), "random".into()];
        for sigma in [0.0, 0.3] {
            let noise = NoiseSettings {
                exec_sigma: sigma,
                samples: 7,
                ..NoiseSettings::default()
            };
            let whole = evaluate(&p, &ids, &Options::new(), &noise).unwrap();
            let shown = evaluate_shown(&p, &ids, &Options::new(), &noise).unwrap();
            let samples = evaluate_samples(&p, &ids, &Options::new(), &noise).unwrap();
            for ((w, s), x) in whole.iter().zip(&shown).zip(&samples) {
                assert_eq!(w.run.metrics, s.run.metrics);
                assert!(s.sample_makespans.is_empty());
                assert_eq!(w.sample_makespans, x.sample_makespans);
                assert_eq!(w.stats, x.stats);
            }
            assert_eq!(
                whole[0].sample_makespans.len(),
                if sigma > 0.0 { 7 } else { 0 }
            );
        }
    }
}
