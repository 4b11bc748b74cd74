//! HEFT, Heterogeneous Earliest Finish Time.
//!
//! H. Topcuoglu, S. Hariri, M.-Y. Wu, "Performance-effective and low-complexity task
//! scheduling for heterogeneous computing", IEEE TPDS 13(3), 2002.
//!
//! Tasks in decreasing upward rank (mean execution and communication costs); each goes to
//! the processor that finishes it earliest, using the first idle gap that fits (insertion).
//! Complexity: O(n log n + e m) for the ranks and data-ready times, plus the gap search
//! (a binary search then a scan of the gaps after the data-ready time).
//!
//! Option `comm_average`: `distinct_pairs` (the paper) or `saga` (saga 2.x).

use super::{
    comm_average, ranks, CommAverage, OptionSpec, Options, Scheduler, SchedulerSpec, COMM_AVERAGE,
};
use crate::problem::Problem;
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "heft",
    "HEFT",
    "upward-rank list scheduling, earliest finish time with insertion",
    "Topcuoglu, Hariri, Wu. IEEE TPDS 13(3), 2002",
    &[COMM_AVERAGE, INSERTION],
    |o| {
        Ok(Box::new(Heft {
            comm_average: comm_average(o),
            insertion: insertion(o, true),
        }))
    },
);

/// The `insertion` option of list schedulers.
pub const INSERTION: OptionSpec = OptionSpec {
    key: "insertion",
    values: super::Values::OneOf(&["true", "false"]),
    help:
        "place a task in the earliest idle gap that fits (true) or only after the last task (false)",
};

pub(crate) fn insertion(options: &Options, default: bool) -> bool {
    options.get("insertion").map_or(default, |v| v == "true")
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Heft {
    pub comm_average: CommAverage,
    pub insertion: bool,
}

impl Scheduler for Heft {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        let problem: &Problem = b.problem;
        let rank = ranks::upward(problem, self.comm_average);
        b.explain_with(self.insertion, Some(&rank), "earliest finish time");
        b.explain_table("rank_u", || rank.clone());
        b.explain_table("rank_d", || ranks::downward(problem, self.comm_average));
        // Decreasing upward rank is a topological order when every mean cost is > 0; with
        // zero costs two tasks can tie, so a task whose predecessors are not all placed waits.
        let order = ranks::by_decreasing(&rank);
        for t in ranks::topo_consistent(problem, order) {
            let (p, s, _) = b.best_eft(t, self.insertion);
            b.place(t, p, s);
        }
    }
}
