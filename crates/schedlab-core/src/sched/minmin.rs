//! MinMin (batch mode).
//!
//! O. H. Ibarra, C. E. Kim, "Heuristic algorithms for scheduling independent tasks on
//! nonidentical processors", JACM 24(2), 1977; Braun et al., JPDC 61(6), 2001. On DAGs: among
//! the ready tasks, the one whose earliest completion time is smallest goes first, on that
//! processor. Complexity: O(n |ready| m + e m).

use super::{mapping, Scheduler, SchedulerSpec};
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "minmin",
    "MinMin",
    "the ready task with the smallest earliest completion time first",
    "Ibarra, Kim. JACM 24(2), 1977; Braun et al. JPDC 61(6), 2001",
    &[],
    |_| Ok(Box::new(MinMin)),
);

#[derive(Debug, Clone, Copy, Default)]
pub struct MinMin;

impl Scheduler for MinMin {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        b.explain_with(
            false,
            None,
            "min-min: the ready task that can finish soonest, where it finishes soonest",
        );
        mapping::batch(b, true, |c| {
            let i = mapping::argmin(c, |c| c.best.2);
            (i, c[i].best.0)
        })
    }
}
