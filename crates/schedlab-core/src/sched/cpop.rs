//! CPOP, Critical Path On a Processor.
//!
//! H. Topcuoglu, S. Hariri, M.-Y. Wu, IEEE TPDS 13(3), 2002 (the companion of HEFT).
//!
//! Priority = upward rank + downward rank; the tasks whose priority equals the entry's form
//! the critical path, and all of them go to the one processor that runs the whole path
//! fastest. The other tasks, taken ready-first by priority, get their earliest-finish
//! processor (with insertion). Complexity: O(n log n + e m).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{
    comm_average, heft::insertion, heft::INSERTION, ranks, CommAverage, Scheduler, SchedulerSpec,
    COMM_AVERAGE,
};
use crate::problem::Problem;
use crate::schedule::Builder;
use crate::util::OrdF64;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "cpop",
    "CPOP",
    "critical-path tasks on the one fastest processor for the path, others by earliest finish",
    "Topcuoglu, Hariri, Wu. IEEE TPDS 13(3), 2002",
    &[COMM_AVERAGE, INSERTION],
    |o| {
        Ok(Box::new(Cpop {
            comm_average: comm_average(o),
            insertion: insertion(o, true),
        }))
    },
);

#[derive(Debug, Clone, Copy, Default)]
pub struct Cpop {
    pub comm_average: CommAverage,
    pub insertion: bool,
}

impl Cpop {
    /// The critical-path tasks (a boolean per task).
    pub fn critical_path(problem: &Problem, snapped: &[f64]) -> Vec<bool> {
        let n = problem.n_tasks();
        let mut on_cp = vec![false; n];
        let entries = (0..n).filter(|&t| problem.pred_deps(t).is_empty());
        let Some(start) =
            entries.max_by(|&a, &b| snapped[a].total_cmp(&snapped[b]).then(b.cmp(&a)))
        else {
            return on_cp;
        };
        let cp = snapped[start];
        let mut cur = start;
        on_cp[cur] = true;
        while let Some((next, _)) = problem
            .successors(cur)
            .filter(|&(s, _)| snapped[s] == cp)
            .min_by_key(|&(s, _)| s)
        {
            on_cp[next] = true;
            cur = next;
        }
        on_cp
    }
}

impl Scheduler for Cpop {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        let problem: &Problem = b.problem;
        let n = problem.n_tasks();
        let up = ranks::upward(problem, self.comm_average);
        let down = ranks::downward(problem, self.comm_average);
        let prio: Vec<f64> = up.iter().zip(&down).map(|(u, d)| u + d).collect();
        let snapped = ranks::snap(&prio);
        let on_cp = Self::critical_path(problem, &snapped);
        // The processor minimising the path's total execution time (must run all of it).
        let cp_proc = (0..problem.n_procs())
            .map(|p| {
                let total: f64 = (0..n)
                    .filter(|&t| on_cp[t])
                    .map(|t| problem.exec(t, p))
                    .sum();
                (total, p)
            })
            .filter(|(total, _)| total.is_finite())
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(_, p)| p);
        b.explain_with(self.insertion, Some(&prio), "earliest finish time");
        b.explain_table("rank_u", || up.clone());
        b.explain_table("rank_d", || down.clone());
        b.explain_critical_path(
            || problem.topo.iter().copied().filter(|&t| on_cp[t]).collect(),
            cp_proc,
        );

        let mut missing: Vec<usize> = (0..n).map(|t| problem.pred_deps(t).len()).collect();
        let mut ready: BinaryHeap<(OrdF64, Reverse<usize>)> = (0..n)
            .filter(|&t| missing[t] == 0)
            .map(|t| (OrdF64(snapped[t]), Reverse(t)))
            .collect();
        while let Some((_, Reverse(t))) = ready.pop() {
            match cp_proc {
                Some(p) if on_cp[t] => {
                    b.explain_rule("critical-path processor");
                    b.place_earliest(t, p, self.insertion);
                }
                _ => {
                    let (p, s, _) = b.best_eft(t, self.insertion);
                    b.place(t, p, s);
                }
            }
            for (s, _) in problem.successors(t) {
                missing[s] -= 1;
                if missing[s] == 0 {
                    ready.push((OrdF64(snapped[s]), Reverse(s)));
                }
            }
        }
    }
}
