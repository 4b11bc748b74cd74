//! Sufferage (batch mode).
//!
//! M. Maheswaran, S. Ali, H. J. Siegel, D. Hensgen, R. F. Freund, "Dynamic mapping of a class
//! of independent tasks onto heterogeneous computing systems", JPDC 59(2), 1999. On DAGs:
//! among the ready tasks, the one that would suffer most if denied its best processor
//! (second-best minus best completion time) goes first, on its best processor.
//! Complexity: O(n |ready| m + e m).

use super::{mapping, Scheduler, SchedulerSpec};
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "sufferage",
    "Sufferage",
    "the ready task that loses most if denied its best processor first",
    "Maheswaran, Ali, Siegel, Hensgen, Freund. JPDC 59(2), 1999",
    &[],
    |_| Ok(Box::new(Sufferage)),
);

#[derive(Debug, Clone, Copy, Default)]
pub struct Sufferage;

impl Scheduler for Sufferage {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        b.explain_with(
            false,
            None,
            "sufferage: the ready task that loses most without its best processor",
        );
        mapping::batch(b, true, |c| {
            // A task with a single feasible processor suffers infinitely: it goes first.
            let i = mapping::argmin(c, |c| -(c.second_finish - c.best.2));
            (i, c[i].best.0)
        })
    }
}
