//! Random: a random topological order and a random feasible processor per task.
//!
//! The baseline every heuristic should beat. Seeded: the same seed gives the same plan.
//! Complexity: O(n log n + e m).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::{Scheduler, SchedulerSpec};
use crate::problem::Problem;
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "random",
    "Random",
    "random ready task on a random feasible processor (seeded baseline)",
    "baseline",
    &[],
    |_| Ok(Box::new(Random)),
);

#[derive(Debug, Clone, Copy, Default)]
pub struct Random;

impl Scheduler for Random {
    fn plan(&self, b: &mut Builder, seed: u64) {
        let problem: &Problem = b.problem;
        b.explain_with(false, None, "a random processor (seeded)");
        let mut rng = StdRng::seed_from_u64(seed);
        let n = problem.n_tasks();
        let mut missing: Vec<usize> = (0..n).map(|t| problem.pred_deps(t).len()).collect();
        let mut ready: Vec<usize> = (0..n).filter(|&t| missing[t] == 0).collect();
        while !ready.is_empty() {
            let t = ready.swap_remove(rng.random_range(0..ready.len()));
            let procs: Vec<usize> = problem.feasible_procs(t).collect();
            let p = procs[rng.random_range(0..procs.len())];
            b.place_earliest(t, p, false);
            for (s, _) in problem.successors(t) {
                missing[s] -= 1;
                if missing[s] == 0 {
                    ready.push(s);
                }
            }
        }
    }
}
