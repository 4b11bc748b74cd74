//! MCT, Minimum Completion Time (immediate mode).
//!
//! T. D. Braun et al., "A comparison of eleven static heuristics for mapping a class of
//! independent tasks onto heterogeneous distributed computing systems", JPDC 61(6), 2001;
//! here on DAGs: tasks in topological order, each on the processor where it completes first.
//! Complexity: O(e m + n m).

use super::{mapping, Scheduler, SchedulerSpec};
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "mct",
    "MCT",
    "tasks in topological order, each on the processor where it completes first",
    "Braun et al. JPDC 61(6), 2001",
    &[],
    |_| Ok(Box::new(Mct)),
);

#[derive(Debug, Clone, Copy, Default)]
pub struct Mct;

impl Scheduler for Mct {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        b.explain_with(false, None, "minimum completion time");
        mapping::immediate(b, |b, t| b.best_eft(t, false).0)
    }
}
