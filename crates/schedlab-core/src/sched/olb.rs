//! OLB, Opportunistic Load Balancing (immediate mode).
//!
//! T. D. Braun et al., JPDC 61(6), 2001; here on DAGs: tasks in topological order, each on
//! the processor that becomes available first, whatever the task's execution time there
//! (ties: earliest finish). Complexity: O(e m + n m).

use super::{mapping, Scheduler, SchedulerSpec};
use crate::problem::Problem;
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "olb",
    "OLB",
    "each task on the processor that becomes free first, ignoring execution time",
    "Braun et al. JPDC 61(6), 2001",
    &[],
    |_| Ok(Box::new(Olb)),
);

#[derive(Debug, Clone, Copy, Default)]
pub struct Olb;

impl Scheduler for Olb {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        let problem: &Problem = b.problem;
        b.explain_with(false, None, "the processor free soonest");
        mapping::immediate(b, |b, t| {
            let procs: Vec<usize> = problem.feasible_procs(t).collect();
            let first_free = procs
                .iter()
                .map(|&p| b.available(p))
                .fold(f64::INFINITY, f64::min);
            let ties: Vec<usize> = procs
                .into_iter()
                .filter(|&p| b.available(p) == first_free)
                .collect();
            ties[mapping::argmin(&ties, |&p| b.eft(t, p, false).1)]
        })
    }
}
