//! PEFT, Predict Earliest Finish Time.
//!
//! H. Arabnejad, J. G. Barbosa, "List scheduling algorithm for heterogeneous systems by an
//! optimistic cost table", IEEE TPDS 25(3), 2014.
//!
//! An optimistic cost table OCT(t, p) estimates the remaining path length if `t` runs on
//! `p`; ready tasks are taken by decreasing mean OCT, each on the processor minimising
//! EFT(t, p) + OCT(t, p) (with insertion). Complexity: O(e m + n log n) plus the gap search.

use std::collections::BinaryHeap;

use super::{
    comm_average, heft::insertion, heft::INSERTION, ranks, CommAverage, Scheduler, SchedulerSpec,
    COMM_AVERAGE,
};
use crate::problem::Problem;
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "peft",
    "PEFT",
    "optimistic cost table lookahead: minimise EFT + remaining optimistic path",
    "Arabnejad, Barbosa. IEEE TPDS 25(3), 2014",
    &[COMM_AVERAGE, INSERTION],
    |o| {
        Ok(Box::new(Peft {
            comm_average: comm_average(o),
            insertion: insertion(o, true),
        }))
    },
);

#[derive(Debug, Clone, Copy, Default)]
pub struct Peft {
    pub comm_average: CommAverage,
    pub insertion: bool,
}

impl Scheduler for Peft {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        let problem: &Problem = b.problem;
        let n = problem.n_tasks();
        let m = problem.n_procs();
        let oct = ranks::optimistic_cost_table(problem, self.comm_average);
        let rank: Vec<f64> = (0..n)
            .map(|t| {
                let (s, k) = problem
                    .feasible_procs(t)
                    .fold((0.0, 0usize), |(s, k), p| (s + oct[t * m + p], k + 1));
                s / k as f64
            })
            .collect();
        let snapped = ranks::snap(&rank);
        b.explain_with(
            self.insertion,
            Some(&rank),
            "earliest optimistic finish (finish + OCT)",
        );
        b.explain_table("rank_oct", || rank.clone());
        if b.is_recording() {
            // The optimistic cost table, a column per processor.
            for p in 0..m {
                let name = format!("oct:{}", problem.proc_names[p]);
                b.explain_table(name, || (0..n).map(|t| oct[t * m + p]).collect());
            }
        }
        let mut missing: Vec<usize> = (0..n).map(|t| problem.pred_deps(t).len()).collect();
        let key = |t: usize| (crate::util::OrdF64(snapped[t]), std::cmp::Reverse(t));
        let mut ready: BinaryHeap<_> = (0..n).filter(|&t| missing[t] == 0).map(key).collect();
        while let Some((_, std::cmp::Reverse(t))) = ready.pop() {
            let mut best = (usize::MAX, f64::INFINITY, f64::INFINITY);
            for p in problem.feasible_procs(t) {
                let (s, f) = b.eft(t, p, self.insertion);
                let o = f + oct[t * m + p];
                if o < best.2 {
                    best = (p, s, o);
                }
            }
            b.place(t, best.0, best.1);
            for (s, _) in problem.successors(t) {
                missing[s] -= 1;
                if missing[s] == 0 {
                    ready.push(key(s));
                }
            }
        }
    }
}
