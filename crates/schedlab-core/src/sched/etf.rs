//! ETF, Earliest Time First.
//!
//! J.-J. Hwang, Y.-C. Chow, F. D. Anger, C.-Y. Lee, "Scheduling precedence graphs in systems
//! with interprocessor communication times", SIAM J. Computing 18(2), 1989.
//!
//! At each step, among all (ready task, processor) pairs, the one that can start earliest is
//! scheduled; ties go to the task with the higher static level (longest path of mean
//! execution times to an exit). Complexity: O(n |ready| m + e m).

use super::{mapping, ranks, Scheduler, SchedulerSpec};
use crate::problem::Problem;
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "etf",
    "ETF",
    "the ready task that can start earliest, ties by static level",
    "Hwang, Chow, Anger, Lee. SIAM J. Computing 18(2), 1989",
    &[],
    |_| Ok(Box::new(Etf)),
);

#[derive(Debug, Clone, Copy, Default)]
pub struct Etf;

impl Scheduler for Etf {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        let problem: &Problem = b.problem;
        b.explain_with(
            false,
            None,
            "earliest start time (ties: higher static level)",
        );
        let sl = ranks::snap(&ranks::static_level(problem));
        mapping::batch(b, false, |cands| {
            let mut best = 0;
            for (i, c) in cands.iter().enumerate().skip(1) {
                let b = &cands[best];
                let key = (c.earliest_start.1, -sl[c.task], c.earliest_start.2, c.task);
                let bkey = (b.earliest_start.1, -sl[b.task], b.earliest_start.2, b.task);
                if key.partial_cmp(&bkey) == Some(std::cmp::Ordering::Less) {
                    best = i;
                }
            }
            (best, cands[best].earliest_start.0)
        })
    }
}
