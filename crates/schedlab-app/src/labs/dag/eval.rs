//! The engine's answer for the current state: per scheduler, the plan, the run shown (seed
//! = the noise seed) and, under noise, the distribution of every metric over the samples;
//! in compare mode, makespan against σ (robustness).

use schedlab_core::run::{self, RunResult};
use schedlab_core::sched::Options;
use schedlab_core::Problem;

use crate::state::AppState;

pub use schedlab_core::run::{Curve, Evaluated as Column, ROBUSTNESS_SIGMAS};

#[derive(Debug, Clone)]
pub struct Evaluation {
    pub problem: Problem,
    pub columns: Vec<Column>,
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
    Ok(Evaluation { problem, columns })
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
