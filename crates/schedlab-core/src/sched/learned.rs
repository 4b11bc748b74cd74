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
use crate::schedule::{Schedule, Slot};
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

impl Scheduler for Learned {
    fn schedule(&self, problem: &Problem, _seed: u64) -> Schedule {
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
        match simulate(problem, &order, &Noise::default(), 0) {
            Ok(exec) => Schedule {
                slots: exec
                    .tasks
                    .iter()
                    .map(|r| Slot {
                        proc: r.proc,
                        start: r.start,
                        end: r.end,
                    })
                    .collect(),
                orders: order.orders,
            },
            Err(_) => order,
        }
    }
}
