//! Priorities shared by the list schedulers: upward and downward ranks (Topcuoglu et al.
//! 2002), static levels (Hwang et al. 1989), PEFT's optimistic cost table, and the
//! topological order consistent with a priority list. They sit below both the static
//! schedulers ([`crate::sched`]) and the online DAG-job policies ([`crate::stream::dag`]).

use crate::problem::Problem;

/// How rank-based schedulers average communication costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CommAverage {
    /// Mean over ordered processor pairs p != q (Topcuoglu et al. 2002).
    #[default]
    DistinctPairs,
    /// Mean over saga 2.x's network edges: the m(m+1)/2 unordered pairs including each
    /// processor with itself, which counts 0.
    Saga,
}

/// Mean communication time of `data` over processor pairs, by the chosen convention.
#[derive(Debug, Clone, Copy)]
pub struct MeanComm {
    lat: f64,
    inv_bw: f64,
}

impl MeanComm {
    pub fn new(problem: &Problem, avg: CommAverage) -> Self {
        let (lat, inv_bw) = problem.mean_link(avg == CommAverage::Saga);
        MeanComm { lat, inv_bw }
    }
    #[inline]
    pub fn of(&self, data: f64) -> f64 {
        self.lat + data * self.inv_bw
    }
}

/// Upward rank: `rank_u(t) = mean_w(t) + max over successors s of (mean_c(t,s) + rank_u(s))`.
/// O(n + e).
pub fn upward(problem: &Problem, avg: CommAverage) -> Vec<f64> {
    let mc = MeanComm::new(problem, avg);
    let mut rank = vec![0.0; problem.n_tasks()];
    for &t in problem.topo.iter().rev() {
        let tail = problem
            .successors(t)
            .map(|(s, data)| mc.of(data) + rank[s])
            .fold(0.0, f64::max);
        rank[t] = problem.mean_exec(t) + tail;
    }
    rank
}

/// Downward rank: `rank_d(t) = max over predecessors p of (rank_d(p) + mean_w(p) + mean_c(p,t))`.
/// O(n + e).
pub fn downward(problem: &Problem, avg: CommAverage) -> Vec<f64> {
    let mc = MeanComm::new(problem, avg);
    let mut rank = vec![0.0; problem.n_tasks()];
    for &t in &problem.topo {
        rank[t] = problem
            .predecessors(t)
            .map(|(p, data)| rank[p] + problem.mean_exec(p) + mc.of(data))
            .fold(0.0, f64::max);
    }
    rank
}

/// Static level: the longest path of mean execution times from `t` to an exit, without
/// communication. O(n + e).
pub fn static_level(problem: &Problem) -> Vec<f64> {
    let mut sl = vec![0.0; problem.n_tasks()];
    for &t in problem.topo.iter().rev() {
        let tail = problem
            .successors(t)
            .map(|(s, _)| sl[s])
            .fold(0.0, f64::max);
        sl[t] = problem.mean_exec(t) + tail;
    }
    sl
}

/// PEFT's optimistic cost table: `oct[t*m+p]` = the shortest remaining path from `t` on `p`
/// to an exit, assuming every successor gets its best processor. O(e m): the minimum over a
/// successor's processors is split into "same processor" and "best other" (Arabnejad &
/// Barbosa 2014, eq. 1).
pub fn optimistic_cost_table(problem: &Problem, avg: CommAverage) -> Vec<f64> {
    let m = problem.n_procs();
    let mc = MeanComm::new(problem, avg);
    let mut oct = vec![0.0; problem.n_tasks() * m];
    // best[s] = min over q of (oct(s,q) + w(s,q)), and the second best with its processor,
    // so that "min over q of (oct + w + [q != p] * c)" is O(1) per (edge, p).
    let mut first = vec![(f64::INFINITY, usize::MAX); problem.n_tasks()];
    for &t in problem.topo.iter().rev() {
        for p in 0..m {
            let mut worst = 0.0f64;
            for (s, data) in problem.successors(t) {
                let c = mc.of(data);
                // min over q: q == p costs oct(s,p)+w(s,p); q != p costs oct(s,q)+w(s,q)+c.
                let same = oct[s * m + p] + problem.exec(s, p);
                let (fv, fq) = first[s];
                let other = if fq != p {
                    fv + c
                } else {
                    // the best is on p itself: the best "other" is the second best.
                    second_best(problem, &oct, s, p) + c
                };
                worst = worst.max(same.min(other));
            }
            oct[t * m + p] = worst;
        }
        let mut best = (f64::INFINITY, usize::MAX);
        for q in 0..m {
            let v = oct[t * m + q] + problem.exec(t, q);
            if v < best.0 {
                best = (v, q);
            }
        }
        first[t] = best;
    }
    oct
}

fn second_best(problem: &Problem, oct: &[f64], s: usize, skip: usize) -> f64 {
    let m = problem.n_procs();
    (0..m)
        .filter(|&q| q != skip)
        .map(|q| oct[s * m + q] + problem.exec(s, q))
        .fold(f64::INFINITY, f64::min)
}

/// Order of tasks by decreasing priority, ties by task index. Priorities are snapped to a
/// common quantum first, so that values equal in exact arithmetic (80 and 80.000000000001)
/// tie instead of being ordered by rounding noise.
pub fn by_decreasing(priority: &[f64]) -> Vec<usize> {
    let snapped = snap(priority);
    let mut order: Vec<usize> = (0..priority.len()).collect();
    crate::util::sort_positions(&mut order, &|a, b| {
        snapped[b].total_cmp(&snapped[a]).then(a.cmp(&b))
    });
    order
}

/// Priorities rounded to multiples of `1e-9 * max |priority|`.
pub fn snap(priority: &[f64]) -> Vec<f64> {
    let scale = priority
        .iter()
        .map(|v| v.abs())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    if scale == 0.0 {
        return priority.to_vec();
    }
    let q = scale * 1e-9;
    priority.iter().map(|v| (v / q).round()).collect()
}

/// Reorders a priority list minimally so that every task comes after its predecessors:
/// a task is emitted at its priority position if ready, else as soon as it becomes ready.
pub fn topo_consistent(problem: &Problem, order: Vec<usize>) -> Vec<usize> {
    let n = problem.n_tasks();
    let mut pos = vec![0usize; n];
    for (i, &t) in order.iter().enumerate() {
        pos[t] = i;
    }
    let mut missing: Vec<usize> = (0..n).map(|t| problem.pred_deps(t).len()).collect();
    // Ready tasks keyed by priority position.
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|&t| missing[t] == 0)
        .map(|t| std::cmp::Reverse(pos[t]))
        .collect();
    let mut out = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(i)) = ready.pop() {
        let t = order[i];
        out.push(t);
        for (s, _) in problem.successors(t) {
            missing[s] -= 1;
            if missing[s] == 0 {
                ready.push(std::cmp::Reverse(pos[s]));
            }
        }
    }
    out
}
