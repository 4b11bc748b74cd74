//! The engine's answer for the current state: per scheduler, the plan, the run shown (seed
//! = the noise seed) and, under noise, the distribution of every metric over the samples;
//! in compare mode, makespan against σ (robustness).

use serde::{Deserialize, Serialize};

use schedlab_core::metrics::Metrics;
use schedlab_core::run::{self, NoiseSettings, RunResult, Stat};
use schedlab_core::sched::Options;
use schedlab_core::{Problem, Scenario};

use crate::state::AppState;

pub use schedlab_core::run::{Curve, Evaluated as Column, ROBUSTNESS_SIGMAS};

#[derive(Debug, Clone)]
pub struct Evaluation {
    pub problem: Problem,
    pub columns: Vec<Column>,
    /// The noise samples are still being computed in the background: each column's
    /// statistics are its shown run's until [`with_sweep`] fills them in.
    pub pending: bool,
    /// The samples were asked for but not computed (stopped, or the worker failed): the
    /// statistics stay unknown.
    pub stopped: bool,
}

/// Noise samples per point of the robustness chart (the same seeds for every scheduler).
pub const ROBUSTNESS_SEEDS: usize = 20;

/// Simulated tasks and dependencies above which the samples and the robustness curves
/// of a state are computed in the background worker rather than in the page (about
/// 50–100 ms of WebAssembly): a lecture-sized graph stays synchronous and instant.
pub const BACKGROUND_WORK: usize = 100_000;

/// Tasks and dependencies simulated by the samples and (in compare mode) the robustness
/// curves of `state`.
pub fn sweep_work(state: &AppState) -> usize {
    let size = state.scenario.tasks.len() + state.scenario.edges.len();
    let samples = if state.noise.is_noisy() {
        state.noise.samples.max(1)
    } else {
        0
    };
    let curves = if state.schedulers.len() > 1 {
        ROBUSTNESS_SIGMAS.len() * ROBUSTNESS_SEEDS
    } else {
        0
    };
    size.saturating_mul(state.schedulers.len())
        .saturating_mul(samples + curves)
}

/// Whether `state`'s samples and curves go to the background worker.
pub fn in_background(state: &AppState) -> bool {
    sweep_work(state) > BACKGROUND_WORK
}

/// The background half of the DAG lab's evaluation: every scheduler's noise samples and,
/// in compare mode, the robustness curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepJob {
    pub scenario: Scenario,
    pub schedulers: Vec<String>,
    pub options: Options,
    pub noise: NoiseSettings,
    pub curves: bool,
}

impl SweepJob {
    pub fn of(state: &AppState) -> SweepJob {
        SweepJob {
            scenario: state.scenario.clone(),
            schedulers: state.schedulers.clone(),
            options: state.options.clone(),
            noise: state.noise.clone(),
            curves: state.schedulers.len() > 1,
        }
    }
}

/// One scheduler's samples as they travel: statistics by metric name.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepColumn {
    pub sample_makespans: Vec<f64>,
    pub stats: Vec<(String, Stat)>,
}

/// What a [`SweepJob`] gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub columns: Vec<SweepColumn>,
    pub curves: Vec<Curve>,
}

/// Runs a sweep (in the worker; the numbers are [`evaluate`]'s and [`robustness`]'s).
pub fn sweep(job: &SweepJob) -> Result<Sweep, String> {
    let problem = Problem::new(&job.scenario).map_err(|e| e.to_string())?;
    let samples = run::evaluate_samples(&problem, &job.schedulers, &job.options, &job.noise)
        .map_err(|e| e.to_string())?;
    let curves = if job.curves {
        run::robustness(
            &problem,
            &job.schedulers,
            &job.options,
            &job.noise,
            &ROBUSTNESS_SIGMAS,
            ROBUSTNESS_SEEDS,
        )
        .map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    Ok(Sweep {
        columns: samples
            .into_iter()
            .map(|s| SweepColumn {
                sample_makespans: s.sample_makespans,
                stats: s.stats.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            })
            .collect(),
        curves,
    })
}

/// The shown half of the evaluation of `state` ([`run::evaluate_shown`]), marked pending
/// when its noise asks for samples; [`with_sweep`] completes it.
pub fn evaluate_shown(state: &AppState) -> Result<Evaluation, String> {
    let problem = Problem::new(&state.scenario).map_err(|e| e.to_string())?;
    let columns = run::evaluate_shown(&problem, &state.schedulers, &state.options, &state.noise)
        .map_err(|e| e.to_string())?;
    Ok(Evaluation {
        problem,
        columns,
        pending: state.noise.is_noisy(),
        stopped: false,
    })
}

/// `ev` with the samples of `sweep` (made from the same state), no longer pending.
pub fn with_sweep(mut ev: Evaluation, sweep: &Sweep) -> Result<Evaluation, String> {
    if sweep.columns.len() != ev.columns.len() {
        return Err(format!(
            "background sweep: {} columns for {} schedulers",
            sweep.columns.len(),
            ev.columns.len()
        ));
    }
    for (c, s) in ev.columns.iter_mut().zip(&sweep.columns) {
        c.sample_makespans = s.sample_makespans.clone();
        c.stats.clear();
        for (name, stat) in &s.stats {
            let key = Metrics::SCALARS
                .iter()
                .find(|k| **k == name.as_str())
                .ok_or_else(|| format!("background sweep: unknown metric '{name}'"))?;
            c.stats.insert(key, *stat);
        }
    }
    ev.pending = false;
    Ok(ev)
}

/// The options of `state` that scheduler `id` accepts.
pub fn options_for(state: &AppState, id: &str) -> Options {
    run::options_for(id, &state.options)
}

/// The core's DAG-lab evaluation of the state ([`run::evaluate`]).
pub fn evaluate(state: &AppState) -> Result<Evaluation, String> {
    let problem = Problem::new(&state.scenario).map_err(|e| e.to_string())?;
    let columns = run::evaluate(&problem, &state.schedulers, &state.options, &state.noise)
        .map_err(|e| e.to_string())?;
    Ok(Evaluation {
        problem,
        columns,
        pending: false,
        stopped: false,
    })
}

/// Makespan against execution σ for each scheduler of `state`, over `seeds` samples per
/// point (the same seeds for every scheduler). Other noise settings are kept.
pub fn robustness(state: &AppState, problem: &Problem, seeds: usize) -> Result<Vec<Curve>, String> {
    run::robustness(
        problem,
        &state.schedulers,
        &state.options,
        &state.noise,
        &ROBUSTNESS_SIGMAS,
        seeds,
    )
    .map_err(|e| e.to_string())
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
    crate::kit::playback::events(t)
}

/// The step stops of the whole evaluation: every scheduler's [`event_times`], merged.
pub fn evaluation_event_times(e: &Evaluation) -> Vec<f64> {
    crate::kit::playback::events(e.columns.iter().flat_map(|c| event_times(&c.run)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;

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
