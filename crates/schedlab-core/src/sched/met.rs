//! MET, Minimum Execution Time (immediate mode).
//!
//! T. D. Braun et al., JPDC 61(6), 2001 (originally Armstrong, Hensgen, Kidd 1998); here on
//! DAGs: tasks in topological order, each on the processor that executes it fastest,
//! whatever its load (ties: earliest finish). Complexity: O(e m + n m).

use super::{mapping, Scheduler, SchedulerSpec};
use crate::problem::Problem;
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "met",
    "MET",
    "each task on its fastest processor, ignoring load",
    "Braun et al. JPDC 61(6), 2001",
    &[],
    |_| Ok(Box::new(Met)),
);

#[derive(Debug, Clone, Copy, Default)]
pub struct Met;

impl Scheduler for Met {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        let problem: &Problem = b.problem;
        b.explain_with(false, None, "minimum execution time");
        mapping::immediate(b, |b, t| {
            let procs: Vec<usize> = problem.feasible_procs(t).collect();
            let i = mapping::argmin(&procs, |&p| problem.exec(t, p));
            let fastest = problem.exec(t, procs[i]);
            let ties: Vec<usize> = procs
                .into_iter()
                .filter(|&p| problem.exec(t, p) == fastest)
                .collect();
            ties[mapping::argmin(&ties, |&p| b.eft(t, p, false).1)]
        })
    }
}
