//! Shared machinery of the mapping heuristics (Braun et al. 2001) adapted to DAGs: tasks
//! become ready as their predecessors are placed; placement appends to a processor's queue.
//!
//! Data-ready times are computed once per (ready task, processor), when a task becomes
//! ready, so that each selection step costs O(|ready| m).

use crate::explain::{Score, MAX_READY_RECORDED};
use crate::problem::Problem;
use crate::schedule::Builder;

/// What a selection rule sees of one ready task.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub task: usize,
    /// Processor with the earliest finish, its start and finish.
    pub best: (usize, f64, f64),
    /// Earliest finish on any other processor (`INFINITY` if there is none).
    pub second_finish: f64,
    /// Processor with the earliest start (ties: earliest finish), its start and finish.
    pub earliest_start: (usize, f64, f64),
}

/// Batch mode: repeatedly evaluates every ready task and lets `select` pick the one to
/// place and the processor. Complexity O(n |ready| m + e m).
/// `scores`: record the completion-time matrix `select` compares (MinMin, MaxMin,
/// Sufferage; ETF picks by earliest start, so it records none).
pub fn batch(b: &mut Builder, scores: bool, select: impl FnMut(&[Candidate]) -> (usize, usize)) {
    batch_dyn(b, scores, &mut { select });
}

/// [`batch`] behind one instantiation: MinMin, MaxMin, Sufferage and ETF differ only in
/// `select`, so the WebAssembly bundle keeps one copy of the loop, not four.
fn batch_dyn(
    b: &mut Builder,
    scores: bool,
    select: &mut dyn FnMut(&[Candidate]) -> (usize, usize),
) {
    let problem: &Problem = b.problem;
    let n = problem.n_tasks();
    let m = problem.n_procs();
    let mut missing: Vec<usize> = (0..n).map(|t| problem.pred_deps(t).len()).collect();
    let mut ready: Vec<usize> = (0..n).filter(|&t| missing[t] == 0).collect();
    let mut drt: Vec<Vec<f64>> = vec![Vec::new(); n];
    for &t in &ready {
        drt[t] = (0..m).map(|p| b.data_ready(t, p)).collect();
    }
    let mut cands: Vec<Candidate> = Vec::with_capacity(ready.len());
    while !ready.is_empty() {
        cands.clear();
        for &t in &ready {
            let mut best = (usize::MAX, f64::INFINITY, f64::INFINITY);
            let mut second = f64::INFINITY;
            let mut es = (usize::MAX, f64::INFINITY, f64::INFINITY);
            for p in problem.feasible_procs(t) {
                let s = drt[t][p].max(b.available(p));
                let f = s + problem.exec(t, p);
                if f < best.2 {
                    second = best.2;
                    best = (p, s, f);
                } else if f < second {
                    second = f;
                }
                if s < es.1 || (s == es.1 && f < es.2) {
                    es = (p, s, f);
                }
            }
            cands.push(Candidate {
                task: t,
                best,
                second_finish: second,
                earliest_start: es,
            });
        }
        let (i, p) = select(&cands);
        let t = cands[i].task;
        if scores && b.is_recording() {
            let row = |b: &Builder, t: usize| Score {
                task: t,
                finish: (0..m)
                    .map(|p| match problem.can_run(t, p) {
                        true => drt[t][p].max(b.available(p)) + problem.exec(t, p),
                        false => f64::INFINITY,
                    })
                    .collect(),
            };
            let mut rows: Vec<Score> = cands
                .iter()
                .take(MAX_READY_RECORDED)
                .map(|c| row(b, c.task))
                .collect();
            if i >= MAX_READY_RECORDED {
                rows.push(row(b, t));
            }
            b.explain_scores(|| rows);
        }
        let start = drt[t][p].max(b.available(p));
        b.place(t, p, start);
        drt[t] = Vec::new();
        ready.retain(|&r| r != t);
        for (s, _) in problem.successors(t) {
            missing[s] -= 1;
            if missing[s] == 0 {
                drt[s] = (0..m).map(|p| b.data_ready(s, p)).collect();
                ready.push(s);
            }
        }
    }
}

/// Immediate mode: tasks in topological order (Kahn, lowest index first), each placed on
/// the processor `choose` returns. Complexity O(e m + n m).
pub fn immediate(b: &mut Builder, mut choose: impl FnMut(&Builder, usize) -> usize) {
    let problem: &Problem = b.problem;
    for &t in &problem.topo {
        let p = choose(b, t);
        b.place_earliest(t, p, false);
    }
}

/// Index of the minimum of `key` over `items` (first on ties).
pub fn argmin<T>(items: &[T], mut key: impl FnMut(&T) -> f64) -> usize {
    let mut best = (0, f64::INFINITY);
    for (i, it) in items.iter().enumerate() {
        let k = key(it);
        if i == 0 || k < best.1 {
            best = (i, k);
        }
    }
    best.0
}
