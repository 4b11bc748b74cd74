//! The learned policy as a static scheduler: the DAG arrives alone at time 0 and the
//! learned dynamic list scheduler ([`crate::stream::learned`]) runs it without noise; the
//! tasks' processors, starts and ends become the plan.
//!
//! The weights are the shipped ones (assets/learned/policy.json, trained on DS3 and random
//! DAG streams by `schedlab train`); see docs/learned-policy.md. Complexity per decision:
//! O(c (m · preds + h f)) for c candidates, h hidden units and f features.

use std::sync::Arc;

use super::{Scheduler, SchedulerSpec};
use crate::problem::Problem;
use crate::schedule::{Builder, Schedule, Slot};
use crate::sim::{simulate, Noise};
use crate::stream::dag::{self, DagJob, DagPolicy, DagStream, Template};
use crate::stream::learned::{self, Model};

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "learned",
    "Learned",
    "a trained network scores the ready tasks; the best goes to its earliest-finish processor",
    "schedlab's policy trained by evolution strategies, after DeepSoCS (Sung et al. 2020)",
    &[],
    |_| Ok(Box::new(Learned(learned::shipped()))),
);

/// The learned policy with its weights.
#[derive(Debug, Clone)]
pub struct Learned(pub Arc<Model>);

/// Places each task at its (processor, start) through the builder, in the order a plan's
/// processors run them: by start, then end, then topological position, which also puts
/// every task after its predecessors.
fn place_in_order(b: &mut Builder, plan: &[(usize, f64)]) {
    let problem: &Problem = b.problem;
    b.explain_with(
        false,
        None,
        "the learned policy's choice (online, by its scores)",
    );
    let mut topo_pos = vec![0usize; problem.n_tasks()];
    for (i, &t) in problem.topo.iter().enumerate() {
        topo_pos[t] = i;
    }
    let end = |t: usize| plan[t].1 + problem.exec(t, plan[t].0);
    let mut tasks: Vec<usize> = (0..plan.len()).collect();
    crate::util::sort_positions(&mut tasks, &|a, c| {
        plan[a]
            .1
            .total_cmp(&plan[c].1)
            .then(end(a).total_cmp(&end(c)))
            .then(topo_pos[a].cmp(&topo_pos[c]))
    });
    for t in tasks {
        b.place(t, plan[t].0, plan[t].1);
    }
}

impl Scheduler for Learned {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        let problem: &Problem = b.problem;
        let stream = DagStream {
            templates: vec![Template::new("dag", problem.clone())],
            jobs: vec![DagJob {
                arrival: 0.0,
                template: 0,
            }],
            exec_sigma: 0.0,
            seed: 0,
        };
        let run = dag::simulate(&stream, DagPolicy::Learned(self.0.clone()))
            .expect("a valid problem is always schedulable by the learned policy");
        let slots = run
            .tasks
            .iter()
            .map(|r| Slot {
                proc: r.proc,
                start: r.start,
                end: r.end,
            })
            .collect();
        // The online run decides at events, so a task (a zero-length one, typically) can
        // start later than its processor order and its inputs allow. The plan is that
        // order, timed as the executor runs it: then σ = 0 reproduces the plan exactly.
        let order = Schedule::from_slots(problem, slots);
        let plan: Vec<(usize, f64)> = match simulate(problem, &order, &Noise::default(), 0) {
            Ok(exec) => exec.tasks.iter().map(|r| (r.proc, r.start)).collect(),
            Err(_) => order.slots.iter().map(|s| (s.proc, s.start)).collect(),
        };
        place_in_order(b, &plan);
    }
}
