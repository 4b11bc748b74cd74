//! MaxMin (batch mode).
//!
//! O. H. Ibarra, C. E. Kim, JACM 24(2), 1977; Braun et al., JPDC 61(6), 2001. On DAGs: among
//! the ready tasks, the one whose earliest completion time is *largest* goes first, on its
//! best processor, so long tasks do not end up last. Complexity: O(n |ready| m + e m).

use super::{mapping, Scheduler, SchedulerSpec};
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "maxmin",
    "MaxMin",
    "the ready task with the largest earliest completion time first",
    "Ibarra, Kim. JACM 24(2), 1977; Braun et al. JPDC 61(6), 2001",
    &[],
    |_| Ok(Box::new(MaxMin)),
);

#[derive(Debug, Clone, Copy, Default)]
pub struct MaxMin;

impl Scheduler for MaxMin {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        b.explain_with(
            false,
            None,
            "max-min: the ready task whose soonest finish is latest, where it finishes soonest",
        );
        mapping::batch(b, true, |c| {
            let i = mapping::argmin(c, |c| -c.best.2);
            (i, c[i].best.0)
        })
    }
}
