//! Executes a static plan under noise with a discrete-event simulation.
//!
//! Each task keeps its planned processor and each processor its planned order; a task starts
//! when all its inputs have arrived and its processor is free. Noise is drawn up front from
//! seeded streams (one per kind: execution, communication, stragglers), indexed by task and
//! dependency, so a sample's noise does not depend on the order events happen in, and
//! σ = 0 without stragglers reproduces the plan exactly (same formulas, same operands).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::scenario::limits;
use crate::schedule::Schedule;
use crate::util::{derive_seed, show, OrdF64};

/// A deterministic event queue: events pop in time order, ties in insertion order.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    heap: BinaryHeap<(Reverse<OrdF64>, Reverse<u64>, Slot<E>)>,
    seq: u64,
}

/// Wrapper that makes the payload irrelevant to ordering (time and sequence decide).
#[derive(Debug, Clone)]
struct Slot<E>(E);
impl<E> PartialEq for Slot<E> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<E> Eq for Slot<E> {}
impl<E> PartialOrd for Slot<E> {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl<E> Ord for Slot<E> {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, time: f64, event: E) {
        self.heap
            .push((Reverse(OrdF64(time)), Reverse(self.seq), Slot(event)));
        self.seq += 1;
    }
    pub fn pop(&mut self) -> Option<(f64, E)> {
        self.heap
            .pop()
            .map(|(Reverse(OrdF64(t)), _, Slot(e))| (t, e))
    }
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.peek().map(|(Reverse(OrdF64(t)), _, _)| *t)
    }
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// A processor slowed down by `factor` (2 = half speed) during `[start, end)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Straggler {
    pub processor: String,
    pub factor: f64,
    pub start: f64,
    pub end: f64,
}

/// Random stragglers: each processor independently, with `probability`, is slowed by
/// `factor` over a window of `duration` × the planned makespan starting uniformly in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomStragglers {
    pub probability: f64,
    pub factor: f64,
    #[serde(default = "half")]
    pub duration: f64,
}
fn half() -> f64 {
    0.5
}

/// What perturbs an execution. The default is no noise at all.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    /// Relative σ of execution times: actual = max(N(μ, σμ), floor·μ) (DS3's model).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub exec_sigma: f64,
    /// Relative σ of communication times, same model.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub comm_sigma: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stragglers: Vec<Straggler>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_stragglers: Option<RandomStragglers>,
}
fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// The smallest factor a noisy duration can be scaled by (DS3's ε, relative).
pub const NOISE_FLOOR: f64 = 0.01;

impl Noise {
    /// Execution-time noise only.
    pub fn exec(sigma: f64) -> Self {
        Noise {
            exec_sigma: sigma,
            ..Default::default()
        }
    }

    pub fn is_none(&self) -> bool {
        self.exec_sigma == 0.0
            && self.comm_sigma == 0.0
            && self.stragglers.is_empty()
            && self.random_stragglers.is_none()
    }

    /// Checks every number; names the offending field.
    pub fn validate(&self, problem: &Problem) -> Result<()> {
        let finite_nonneg = |what: &str, v: f64| {
            if !v.is_finite() || v < 0.0 {
                Err(Error::invalid(format!(
                    "noise {what}: {v} is not a finite number >= 0"
                )))
            } else {
                Ok(())
            }
        };
        finite_nonneg("exec_sigma", self.exec_sigma)?;
        finite_nonneg("comm_sigma", self.comm_sigma)?;
        for (what, v) in [
            ("exec_sigma", self.exec_sigma),
            ("comm_sigma", self.comm_sigma),
        ] {
            if v > limits::MAX_NOISE_SIGMA {
                return Err(Error::invalid(format!(
                    "noise {what}: {v} is above the limit of {}",
                    limits::MAX_NOISE_SIGMA
                )));
            }
        }
        let slowdown = |what: String, f: f64| {
            let (lo, hi) = (1.0 / limits::MAX_SLOWDOWN, limits::MAX_SLOWDOWN);
            if (lo..=hi).contains(&f) {
                Ok(())
            } else {
                Err(Error::invalid(format!(
                    "{what}: factor {} is outside [{}, {}]",
                    show(f),
                    show(lo),
                    show(hi)
                )))
            }
        };
        for (i, s) in self.stragglers.iter().enumerate() {
            if !problem.proc_names.contains(&s.processor) {
                return Err(Error::invalid(format!(
                    "straggler #{i}: unknown processor '{}'",
                    s.processor
                )));
            }
            if !s.factor.is_finite() || s.factor <= 0.0 {
                return Err(Error::invalid(format!(
                    "straggler #{i}: factor {} is not > 0",
                    s.factor
                )));
            }
            slowdown(format!("straggler #{i}"), s.factor)?;
            if !(s.start.is_finite() && s.end.is_finite() && s.start >= 0.0 && s.start < s.end) {
                return Err(Error::invalid(format!(
                    "straggler #{i}: the interval [{}, {}) is not a finite interval with 0 <= start < end",
                    s.start, s.end
                )));
            }
        }
        if let Some(r) = &self.random_stragglers {
            if !(0.0..=1.0).contains(&r.probability) {
                return Err(Error::invalid(format!(
                    "random stragglers: probability {} is not in [0, 1]",
                    r.probability
                )));
            }
            if !r.factor.is_finite() || r.factor <= 0.0 {
                return Err(Error::invalid(format!(
                    "random stragglers: factor {} is not > 0",
                    r.factor
                )));
            }
            if !r.duration.is_finite() || r.duration <= 0.0 {
                return Err(Error::invalid(format!(
                    "random stragglers: duration {} is not > 0",
                    r.duration
                )));
            }
            slowdown("random stragglers".into(), r.factor)?;
            if r.duration > limits::MAX_SLOWDOWN {
                return Err(Error::invalid(format!(
                    "random stragglers: duration {} is above the limit of {}",
                    show(r.duration),
                    show(limits::MAX_SLOWDOWN)
                )));
            }
        }
        Ok(())
    }
}

/// What happened to one task.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TaskRun {
    pub proc: usize,
    pub planned_start: f64,
    pub planned_end: f64,
    pub start: f64,
    pub end: f64,
}

/// A data transfer between two different processors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Transfer {
    /// Index into [`Problem::deps`].
    pub dep: usize,
    pub from_proc: usize,
    pub to_proc: usize,
    pub start: f64,
    pub end: f64,
}

/// A processor slowdown that was in effect.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Slowdown {
    pub proc: usize,
    pub factor: f64,
    pub start: f64,
    pub end: f64,
}

/// The result of executing a plan: the plan, what actually happened, and the noise drawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Execution {
    /// Per task, indexed by task.
    pub tasks: Vec<TaskRun>,
    /// Cross-processor transfers, in order of their start.
    pub transfers: Vec<Transfer>,
    /// Per processor, the tasks in the order they ran.
    pub proc_order: Vec<Vec<usize>>,
    pub slowdowns: Vec<Slowdown>,
    pub makespan: f64,
    pub planned_makespan: f64,
    /// Number of events processed.
    pub events: usize,
}

impl Execution {
    /// A hash of every task's end time, bit for bit: equal fingerprints mean identical
    /// executions (used to check that native and WebAssembly runs agree).
    pub fn fingerprint(&self) -> u64 {
        self.tasks
            .iter()
            .map(|t| t.end.to_bits())
            .fold(0u64, |h, b| h.rotate_left(7) ^ b)
    }

    /// Busy intervals of processor `p`: (start, end, task), in order.
    pub fn busy(&self, p: usize) -> impl Iterator<Item = (f64, f64, usize)> + '_ {
        self.proc_order[p]
            .iter()
            .map(|&t| (self.tasks[t].start, self.tasks[t].end, t))
    }
}

/// The transfers a plan implies (planned times), for drawing the plan.
pub fn planned_transfers(problem: &Problem, plan: &Schedule) -> Vec<Transfer> {
    let mut out: Vec<Transfer> = problem
        .deps
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let (a, b) = (plan.slots[d.src], plan.slots[d.dst]);
            (a.proc != b.proc).then(|| Transfer {
                dep: i,
                from_proc: a.proc,
                to_proc: b.proc,
                start: a.end,
                end: a.end + problem.comm(d.data, a.proc, b.proc),
            })
        })
        .collect();
    crate::util::sort_dyn(&mut out, &|x, y| {
        x.start.total_cmp(&y.start).then(x.dep.cmp(&y.dep))
    });
    out
}

/// Piecewise-constant slowdown of one processor: non-overlapping (start, end, factor).
fn windows_for(proc: usize, slowdowns: &[Slowdown]) -> Vec<(f64, f64, f64)> {
    let mine: Vec<&Slowdown> = slowdowns.iter().filter(|s| s.proc == proc).collect();
    if mine.is_empty() {
        return Vec::new();
    }
    let mut cuts: Vec<f64> = mine.iter().flat_map(|s| [s.start, s.end]).collect();
    crate::util::sort_dyn(&mut cuts, &f64::total_cmp);
    cuts.dedup();
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let f: f64 = mine
            .iter()
            .filter(|s| s.start <= a && b <= s.end)
            .map(|s| s.factor)
            .product();
        if f != 1.0 {
            out.push((a, b, f));
        }
    }
    out
}

/// When `work` nominal time units started at `start` finish, given slowdown windows.
fn finish_time(start: f64, work: f64, windows: &[(f64, f64, f64)]) -> f64 {
    let (mut t, mut rem) = (start, work);
    for &(ws, we, f) in windows {
        if we <= t {
            continue;
        }
        if ws > t {
            if t + rem <= ws {
                return t + rem;
            }
            rem -= ws - t;
            t = ws;
        }
        let capacity = (we - t) / f;
        if rem <= capacity {
            return t + rem * f;
        }
        rem -= capacity;
        t = we;
    }
    t + rem
}

/// Multiplicative noise factors, one per item, from their own seeded stream.
fn factors(count: usize, sigma: f64, seed: u64) -> Vec<f64> {
    if sigma == 0.0 {
        return vec![1.0; count];
    }
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let z = crate::dist::standard_normal(&mut rng);
            (1.0 + sigma * z).max(NOISE_FLOOR)
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Finish(usize),
    Arrive(usize),
}

/// Executes `plan` under `noise`; the same (problem, plan, noise, seed) always gives the
/// same execution. Fails only if the plan is not executable (its processor orders
/// contradict the precedence constraints) or the noise is invalid.
pub fn simulate(problem: &Problem, plan: &Schedule, noise: &Noise, seed: u64) -> Result<Execution> {
    noise.validate(problem)?;
    let n = problem.n_tasks();
    let m = problem.n_procs();
    if plan.slots.len() != n
        || plan.orders.len() != m
        || plan.orders.iter().map(Vec::len).sum::<usize>() != n
    {
        return Err(Error::Simulation(format!(
            "the plan does not fit the problem ({} tasks, {} processors expected)",
            n, m
        )));
    }
    let planned_makespan = plan.makespan();
    let exec_f = factors(n, noise.exec_sigma, derive_seed(seed, 1));
    let comm_f = factors(problem.deps.len(), noise.comm_sigma, derive_seed(seed, 2));

    let mut slowdowns: Vec<Slowdown> = noise
        .stragglers
        .iter()
        .map(|s| Slowdown {
            proc: problem
                .proc_names
                .iter()
                .position(|n| *n == s.processor)
                .expect("validated"),
            factor: s.factor,
            start: s.start,
            end: s.end,
        })
        .collect();
    if let Some(r) = &noise.random_stragglers {
        use rand::RngExt;
        let mut rng = StdRng::seed_from_u64(derive_seed(seed, 3));
        let horizon = planned_makespan.max(f64::MIN_POSITIVE);
        for p in 0..m {
            let hit = rng.random::<f64>() < r.probability;
            let at = rng.random::<f64>() * horizon;
            if hit {
                slowdowns.push(Slowdown {
                    proc: p,
                    factor: r.factor,
                    start: at,
                    end: at + r.duration * horizon,
                });
            }
        }
    }
    let windows: Vec<Vec<(f64, f64, f64)>> = (0..m).map(|p| windows_for(p, &slowdowns)).collect();

    let orders = plan.orders.clone();
    let mut next = vec![0usize; m];
    let mut busy = vec![false; m];
    let mut missing: Vec<usize> = (0..n).map(|t| problem.pred_deps(t).len()).collect();
    let mut runs: Vec<TaskRun> = plan
        .slots
        .iter()
        .map(|s| TaskRun {
            proc: s.proc,
            planned_start: s.start,
            planned_end: s.end,
            start: f64::NAN,
            end: f64::NAN,
        })
        .collect();
    let mut transfers = Vec::new();
    let mut queue: EventQueue<Event> = EventQueue::new();
    let mut events = 0usize;

    // Starts the next task of `p` if the processor is free and the task's inputs are in.
    let try_start = |p: usize,
                     now: f64,
                     next: &mut [usize],
                     busy: &mut [bool],
                     missing: &[usize],
                     runs: &mut [TaskRun],
                     queue: &mut EventQueue<Event>| {
        if busy[p] {
            return;
        }
        let Some(&t) = orders[p].get(next[p]) else {
            return;
        };
        if missing[t] != 0 {
            return;
        }
        busy[p] = true;
        next[p] += 1;
        let work = problem.exec(t, p) * exec_f[t];
        let end = if windows[p].is_empty() {
            now + work
        } else {
            finish_time(now, work, &windows[p])
        };
        runs[t].start = now;
        runs[t].end = end;
        queue.push(end, Event::Finish(t));
    };

    for p in 0..m {
        try_start(
            p, 0.0, &mut next, &mut busy, &missing, &mut runs, &mut queue,
        );
    }
    let budget = limits::EVENTS_PER_ITEM * (n + problem.deps.len()) + limits::EVENTS_BASE;
    while let Some((now, ev)) = queue.pop() {
        events += 1;
        if events > budget {
            return Err(Error::Simulation(format!(
                "event budget of {budget} exceeded at t = {}: the run is not progressing",
                show(now)
            )));
        }
        match ev {
            Event::Finish(t) => {
                let p = runs[t].proc;
                busy[p] = false;
                for &d in problem.succ_deps(t) {
                    let dep = &problem.deps[d];
                    let q = runs[dep.dst].proc;
                    let dur = problem.comm(dep.data, p, q) * comm_f[d];
                    if p != q {
                        transfers.push(Transfer {
                            dep: d,
                            from_proc: p,
                            to_proc: q,
                            start: now,
                            end: now + dur,
                        });
                    }
                    queue.push(now + dur, Event::Arrive(d));
                }
                try_start(
                    p, now, &mut next, &mut busy, &missing, &mut runs, &mut queue,
                );
            }
            Event::Arrive(d) => {
                let dst = problem.deps[d].dst;
                missing[dst] -= 1;
                if missing[dst] == 0 {
                    let q = runs[dst].proc;
                    try_start(
                        q, now, &mut next, &mut busy, &missing, &mut runs, &mut queue,
                    );
                }
            }
        }
    }

    if let Some(stuck) = (0..n).find(|&t| runs[t].end.is_nan()) {
        return Err(Error::Simulation(format!(
            "the plan cannot be executed: task '{}' never started (its processor order contradicts the dependencies)",
            problem.task_names[stuck]
        )));
    }
    let makespan = runs.iter().map(|r| r.end).fold(0.0, f64::max);
    crate::util::sort_dyn(&mut transfers, &|a, b| {
        a.start.total_cmp(&b.start).then(a.dep.cmp(&b.dep))
    });
    Ok(Execution {
        tasks: runs,
        transfers,
        proc_order: orders,
        slowdowns,
        makespan,
        planned_makespan,
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_queue_breaks_ties_by_insertion_order() {
        let mut q = EventQueue::new();
        q.push(2.0, "c");
        q.push(1.0, "a");
        q.push(1.0, "b");
        q.push(0.5, "first");
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["first", "a", "b", "c"]);
    }

    #[test]
    fn slowdown_window_stretches_only_the_covered_part() {
        // 10 units of work from t=0; slowed 2x during [4, 8): 4 done by 4, 2 more by 8, 4 left.
        assert_eq!(finish_time(0.0, 10.0, &[(4.0, 8.0, 2.0)]), 12.0);
        // Entirely before the window.
        assert_eq!(finish_time(0.0, 3.0, &[(4.0, 8.0, 2.0)]), 3.0);
        // Starting inside the window, finishing inside.
        assert_eq!(finish_time(5.0, 1.0, &[(4.0, 8.0, 2.0)]), 7.0);
    }

    #[test]
    fn overlapping_slowdowns_multiply() {
        let s = [
            Slowdown {
                proc: 0,
                factor: 2.0,
                start: 0.0,
                end: 10.0,
            },
            Slowdown {
                proc: 0,
                factor: 3.0,
                start: 5.0,
                end: 15.0,
            },
        ];
        assert_eq!(
            windows_for(0, &s),
            vec![(0.0, 5.0, 2.0), (5.0, 10.0, 6.0), (10.0, 15.0, 3.0)]
        );
    }
}
