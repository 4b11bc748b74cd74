//! FastestNode: everything on the one processor that runs the whole graph fastest.
//!
//! The sequential baseline of saga (Coleman, Krishnamachari et al., "PISA: an adversarial
//! approach to comparing task graph scheduling algorithms", 2024). Tasks that cannot run
//! there go to their own fastest processor. Tasks in topological order. Complexity: O(n m + e).

use super::{mapping, Scheduler, SchedulerSpec};
use crate::problem::Problem;
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "fastest_node",
    "FastestNode",
    "all tasks on the processor with the smallest total execution time (sequential baseline)",
    "saga / PISA, Coleman et al. 2024",
    &[],
    |_| Ok(Box::new(FastestNode)),
);

#[derive(Debug, Clone, Copy, Default)]
pub struct FastestNode;

impl Scheduler for FastestNode {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        let problem: &Problem = b.problem;
        b.explain_with(false, None, "the fastest processor for the whole graph");
        let procs: Vec<usize> = (0..problem.n_procs()).collect();
        let total = |p: &usize| {
            (0..problem.n_tasks())
                .map(|t| problem.exec(t, *p))
                .filter(|e| e.is_finite())
                .sum::<f64>()
                + if (0..problem.n_tasks()).all(|t| problem.can_run(t, *p)) {
                    0.0
                } else {
                    f64::MAX
                }
        };
        let home = procs[mapping::argmin(&procs, total)];
        mapping::immediate(b, |_, t| {
            if problem.can_run(t, home) {
                home
            } else {
                let own: Vec<usize> = problem.feasible_procs(t).collect();
                own[mapping::argmin(&own, |&p| problem.exec(t, p))]
            }
        })
    }
}
