//! The engine's answer for the current state: per scheduler, the plan, the run shown (seed
//! = the noise seed) and, under noise, the distribution of every metric over the samples;
//! in compare mode, makespan against σ (robustness).

use std::collections::BTreeMap;

use schedlab_core::run::{RunResult, Stat};
use schedlab_core::sched::{self, Options};
use schedlab_core::util::derive_seed;
use schedlab_core::{simulate, Metrics, Noise, Problem};

use crate::state::AppState;

/// One scheduler's results.
#[derive(Debug, Clone)]
pub struct Column {
    pub scheduler: String,
    /// Plan and the shown execution (seed = the state's seed).
    pub run: RunResult,
    /// Makespans of the noise samples (empty without noise).
    pub sample_makespans: Vec<f64>,
    /// Statistics of every scalar metric over the samples (the shown run alone without noise).
    pub stats: BTreeMap<&'static str, Stat>,
}

#[derive(Debug, Clone)]
pub struct Evaluation {
    pub problem: Problem,
    pub columns: Vec<Column>,
}

/// The options of `state` that scheduler `id` accepts.
pub fn options_for(state: &AppState, id: &str) -> Options {
    let Ok(spec) = sched::find(id) else {
        return Options::new();
    };
    state
        .options
        .iter()
        .filter(|(k, _)| spec.options.iter().any(|o| o.key == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub fn evaluate(state: &AppState) -> Result<Evaluation, String> {
    let problem = Problem::new(&state.scenario).map_err(|e| e.to_string())?;
    let noise = state.noise.noise();
    let mut columns = Vec::new();
    for id in &state.schedulers {
        let scheduler = sched::build(id, &options_for(state, id)).map_err(|e| e.to_string())?;
        let plan = scheduler.schedule(&problem, state.noise.seed);
        let execution =
            simulate(&problem, &plan, &noise, state.noise.seed).map_err(|e| e.to_string())?;
        let metrics = Metrics::compute(&problem, &execution);
        let mut per: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
        let mut sample_makespans = Vec::new();
        if noise.is_none() {
            for (k, v) in metrics.scalars() {
                per.entry(k).or_default().push(v);
            }
        } else {
            for i in 0..state.noise.samples {
                let e = simulate(
                    &problem,
                    &plan,
                    &noise,
                    derive_seed(state.noise.seed, i as u64),
                )
                .map_err(|e| e.to_string())?;
                let m = Metrics::compute(&problem, &e);
                sample_makespans.push(m.makespan);
                for (k, v) in m.scalars() {
                    per.entry(k).or_default().push(v);
                }
            }
        }
        columns.push(Column {
            scheduler: id.clone(),
            run: RunResult {
                scheduler: id.clone(),
                plan,
                execution,
                metrics,
            },
            sample_makespans,
            stats: per.into_iter().map(|(k, v)| (k, Stat::of(&v))).collect(),
        });
    }
    Ok(Evaluation { problem, columns })
}

/// A robustness curve: makespan against σ for one scheduler.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub scheduler: String,
    /// (σ, mean, 10th percentile, 90th percentile) of the makespan.
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// σ values of the robustness chart.
pub const ROBUSTNESS_SIGMAS: [f64; 11] =
    [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];

/// Makespan against execution σ for each scheduler of `state`, over `seeds` samples per
/// point (the same seeds for every scheduler). Other noise settings are kept.
pub fn robustness(state: &AppState, problem: &Problem, seeds: usize) -> Result<Vec<Curve>, String> {
    let mut curves = Vec::new();
    for id in &state.schedulers {
        let plan = sched::build(id, &options_for(state, id))
            .map_err(|e| e.to_string())?
            .schedule(problem, state.noise.seed);
        let mut points = Vec::new();
        for sigma in ROBUSTNESS_SIGMAS {
            let noise = Noise {
                exec_sigma: sigma,
                ..state.noise.noise()
            };
            let k = if noise.is_none() { 1 } else { seeds.max(1) };
            let mut ms: Vec<f64> = (0..k)
                .map(|i| {
                    simulate(
                        problem,
                        &plan,
                        &noise,
                        derive_seed(state.noise.seed, i as u64),
                    )
                    .map(|e| e.makespan)
                })
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            schedlab_core::util::sort_dyn(&mut ms, &f64::total_cmp);
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

/// What a task is doing at time `t` of an execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPhase {
    Waiting,
    Running,
    Finished,
}

pub fn phase_at(run: &RunResult, task: usize, t: f64) -> TaskPhase {
    let r = &run.execution.tasks[task];
    if t >= r.end && (r.end > r.start || t > r.start) {
        TaskPhase::Finished
    } else if t >= r.start {
        TaskPhase::Running
    } else {
        TaskPhase::Waiting
    }
}

/// Times at which something happens (task starts and ends), sorted and deduplicated: the
/// "step to next event" stops.
pub fn event_times(run: &RunResult) -> Vec<f64> {
    let mut t: Vec<f64> = run
        .execution
        .tasks
        .iter()
        .flat_map(|r| [r.start, r.end])
        .collect();
    t.push(0.0);
    schedlab_core::util::sort_dyn(&mut t, &f64::total_cmp);
    t.dedup();
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;

    #[test]
    fn topcuoglu_heft_and_cpop_side_by_side() {
        let mut s = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        s.schedulers = vec!["heft".into(), "cpop".into()];
        let e = evaluate(&s).unwrap();
        assert_eq!(e.columns[0].run.metrics.makespan, 80.0);
        assert_eq!(e.columns[1].run.metrics.makespan, 86.0);
        assert!(e.columns[0].sample_makespans.is_empty());
        s.noise.exec_sigma = 0.3;
        s.noise.samples = 30;
        let e = evaluate(&s).unwrap();
        assert_eq!(e.columns[0].sample_makespans.len(), 30);
        assert!(e.columns[0].stats["makespan"].std > 0.0);
        assert_eq!(e.columns[0].run.metrics.planned_makespan, 80.0);
        let curves = robustness(&s, &e.problem, 10).unwrap();
        assert_eq!(curves.len(), 2);
        assert_eq!(curves[0].points[0].1, 80.0, "σ = 0 is the plan");
        assert!(curves[0].points[10].3 >= curves[0].points[10].2);
    }

    #[test]
    fn phases_follow_the_playhead() {
        let s = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        let e = evaluate(&s).unwrap();
        let run = &e.columns[0].run;
        // n1 runs 0-9 on P3.
        assert_eq!(phase_at(run, 0, 0.0), TaskPhase::Running);
        assert_eq!(phase_at(run, 0, 9.0), TaskPhase::Finished);
        assert_eq!(phase_at(run, 9, 50.0), TaskPhase::Waiting);
        let ev = event_times(run);
        assert_eq!(ev.first(), Some(&0.0));
        assert_eq!(ev.last(), Some(&80.0));
    }
}
