//! Schedule quality metrics (definitions in docs/metrics.md, after Topcuoglu et al. 2002).

use serde::Serialize;

use crate::problem::Problem;
use crate::sim::Execution;

/// Metrics of one execution (the plan itself is an execution without noise).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Finish time of the last task.
    pub makespan: f64,
    /// Makespan of the plan.
    pub planned_makespan: f64,
    /// `makespan / planned_makespan`: how much the noise stretched the plan (1 without noise).
    pub makespan_ratio: f64,
    /// Schedule length ratio: makespan / Σ over the minimum-cost critical path of min_p w(t,p).
    pub slr: f64,
    /// Best sequential time on one processor / makespan.
    pub speedup: f64,
    /// speedup / number of processors.
    pub efficiency: f64,
    /// Mean of the per-processor utilisations.
    pub mean_utilisation: f64,
    /// Sum of all cross-processor transfer durations.
    pub total_comm_time: f64,
    /// Per processor: busy time / makespan.
    pub utilisation: Vec<f64>,
    /// Per processor: makespan − busy time.
    pub idle_time: Vec<f64>,
}

/// Σ of min_p w(t,p) along the path that maximises it (no communication): SLR's denominator.
pub fn critical_path_min_cost(problem: &Problem) -> f64 {
    let mut len = vec![0.0; problem.n_tasks()];
    let mut best = 0.0f64;
    for &t in &problem.topo {
        let head = problem
            .predecessors(t)
            .map(|(p, _)| len[p])
            .fold(0.0, f64::max);
        len[t] = head + problem.min_exec(t);
        best = best.max(len[t]);
    }
    best
}

/// The best sequential time: min over processors that can run every task of Σ w(t,p);
/// if no processor can run them all, Σ over tasks of min_p w(t,p).
pub fn sequential_time(problem: &Problem) -> f64 {
    let per_proc = (0..problem.n_procs())
        .map(|p| {
            (0..problem.n_tasks())
                .map(|t| problem.exec(t, p))
                .sum::<f64>()
        })
        .fold(f64::INFINITY, f64::min);
    if per_proc.is_finite() {
        per_proc
    } else {
        (0..problem.n_tasks()).map(|t| problem.min_exec(t)).sum()
    }
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else if num == 0.0 {
        1.0
    } else {
        f64::INFINITY
    }
}

impl Metrics {
    pub fn compute(problem: &Problem, exec: &Execution) -> Metrics {
        let m = problem.n_procs();
        let makespan = exec.makespan;
        let mut busy = vec![0.0; m];
        for r in &exec.tasks {
            busy[r.proc] += r.end - r.start;
        }
        let utilisation: Vec<f64> = busy.iter().map(|b| ratio(*b, makespan).min(1.0)).collect();
        let idle_time: Vec<f64> = busy.iter().map(|b| (makespan - b).max(0.0)).collect();
        let speedup = ratio(sequential_time(problem), makespan);
        Metrics {
            makespan,
            planned_makespan: exec.planned_makespan,
            makespan_ratio: ratio(makespan, exec.planned_makespan),
            slr: ratio(makespan, critical_path_min_cost(problem)),
            speedup,
            efficiency: speedup / m as f64,
            mean_utilisation: utilisation.iter().sum::<f64>() / m as f64,
            // A fold from +0: an empty f64 sum is −0.0, printed "-0".
            total_comm_time: exec
                .transfers
                .iter()
                .fold(0.0, |a, t| a + (t.end - t.start)),
            utilisation,
            idle_time,
        }
    }

    /// The names of [`Metrics::scalars`], in its order.
    pub const SCALARS: [&'static str; 8] = [
        "makespan",
        "planned_makespan",
        "makespan_ratio",
        "slr",
        "speedup",
        "efficiency",
        "mean_utilisation",
        "total_comm_time",
    ];

    /// The scalar metrics by name, in a fixed order (for tables, CSV and statistics).
    pub fn scalars(&self) -> [(&'static str, f64); 8] {
        let v = [
            self.makespan,
            self.planned_makespan,
            self.makespan_ratio,
            self.slr,
            self.speedup,
            self.efficiency,
            self.mean_utilisation,
            self.total_comm_time,
        ];
        std::array::from_fn(|i| (Self::SCALARS[i], v[i]))
    }
}
