//! A static schedule (a plan): for every task, its processor and its start and end times.

use serde::Serialize;

use crate::problem::Problem;

/// Where and when one task runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Slot {
    pub proc: usize,
    pub start: f64,
    pub end: f64,
}

/// A complete plan: `slots[t]` is task `t`'s placement, `orders[p]` the tasks of processor
/// `p` in the order they run. The order is part of the plan: with zero-length tasks, start
/// times alone do not say which of two tasks at the same instant goes first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub slots: Vec<Slot>,
    pub orders: Vec<Vec<usize>>,
}

impl Schedule {
    /// The latest end time (0 for an empty schedule).
    pub fn makespan(&self) -> f64 {
        self.slots.iter().map(|s| s.end).fold(0.0, f64::max)
    }

    /// A plan from slots alone, ordering each processor's tasks by start, then end, then
    /// topological position (for plans not made by a [`Builder`]).
    pub fn from_slots(problem: &Problem, slots: Vec<Slot>) -> Schedule {
        let mut topo_pos = vec![0usize; problem.n_tasks()];
        for (i, &t) in problem.topo.iter().enumerate() {
            topo_pos[t] = i;
        }
        let mut orders = vec![Vec::new(); problem.n_procs()];
        for (t, s) in slots.iter().enumerate() {
            orders[s.proc].push(t);
        }
        for o in &mut orders {
            crate::util::sort_positions(o, &|a, b| {
                let (sa, sb) = (&slots[a], &slots[b]);
                sa.start
                    .total_cmp(&sb.start)
                    .then(sa.end.total_cmp(&sb.end))
                    .then(topo_pos[a].cmp(&topo_pos[b]))
            });
        }
        Schedule { slots, orders }
    }
}

/// Builds a [`Schedule`] task by task. Schedulers use it so that every placement goes
/// through the same data-ready-time and slot-finding code.
#[derive(Debug, Clone)]
pub struct Builder<'a> {
    pub problem: &'a Problem,
    slots: Vec<Option<Slot>>,
    /// Per processor, busy intervals in run order: (start, end, task).
    timelines: Vec<Vec<(f64, f64, usize)>>,
}

impl<'a> Builder<'a> {
    pub fn new(problem: &'a Problem) -> Self {
        Builder {
            problem,
            slots: vec![None; problem.n_tasks()],
            timelines: vec![Vec::new(); problem.n_procs()],
        }
    }

    pub fn is_placed(&self, task: usize) -> bool {
        self.slots[task].is_some()
    }

    pub fn slot(&self, task: usize) -> Option<Slot> {
        self.slots[task]
    }

    /// Time at which all of `task`'s inputs are available on `proc`. Every predecessor must
    /// already be placed.
    pub fn data_ready(&self, task: usize, proc: usize) -> f64 {
        let p = self.problem;
        let mut ready = 0.0f64;
        for &d in p.pred_deps(task) {
            let dep = &p.deps[d];
            let s = self.slots[dep.src].expect("predecessors are placed first");
            ready = ready.max(s.end + p.comm(dep.data, s.proc, proc));
        }
        ready
    }

    /// When `proc` becomes free after everything placed on it so far.
    pub fn available(&self, proc: usize) -> f64 {
        self.timelines[proc].last().map_or(0.0, |iv| iv.1)
    }

    /// Earliest start of a `duration`-long job on `proc` no earlier than `ready`: in the first
    /// idle gap that fits (`insertion`) or after the last placed task (append).
    pub fn earliest_start(&self, proc: usize, ready: f64, duration: f64, insertion: bool) -> f64 {
        let tl = &self.timelines[proc];
        if !insertion {
            return ready.max(self.available(proc));
        }
        let mut i = tl.partition_point(|iv| iv.1 <= ready);
        let mut t = ready;
        while i < tl.len() {
            if t + duration <= tl[i].0 {
                return t;
            }
            t = t.max(tl[i].1);
            i += 1;
        }
        t
    }

    /// (start, finish) of `task` on `proc` at its earliest.
    pub fn eft(&self, task: usize, proc: usize, insertion: bool) -> (f64, f64) {
        let w = self.problem.exec(task, proc);
        let start = self.earliest_start(proc, self.data_ready(task, proc), w, insertion);
        (start, start + w)
    }

    /// The processor giving the earliest finish for `task` (ties: lowest index), with its
    /// (start, finish). Processors that cannot run the task are skipped.
    pub fn best_eft(&self, task: usize, insertion: bool) -> (usize, f64, f64) {
        let mut best = (usize::MAX, f64::INFINITY, f64::INFINITY);
        for p in self.problem.feasible_procs(task) {
            let (s, f) = self.eft(task, p, insertion);
            if f < best.2 {
                best = (p, s, f);
            }
        }
        best
    }

    /// Places `task` on `proc` at `start`.
    pub fn place(&mut self, task: usize, proc: usize, start: f64) {
        debug_assert!(self.slots[task].is_none(), "task placed twice");
        let end = start + self.problem.exec(task, proc);
        let tl = &mut self.timelines[proc];
        // After every interval that starts no later (ties: in placement order).
        let at = tl.partition_point(|iv| (iv.0, iv.1) <= (start, end));
        tl.insert(at, (start, end, task));
        self.slots[task] = Some(Slot { proc, start, end });
    }

    /// Places `task` at its earliest on `proc` and returns the finish time.
    pub fn place_earliest(&mut self, task: usize, proc: usize, insertion: bool) -> f64 {
        let (s, f) = self.eft(task, proc, insertion);
        self.place(task, proc, s);
        f
    }

    /// The finished schedule. Panics if a task was left unplaced: a scheduler bug, not a
    /// user error, and the registry test over every scheduler would catch it.
    pub fn finish(self) -> Schedule {
        Schedule {
            orders: self
                .timelines
                .iter()
                .map(|tl| tl.iter().map(|iv| iv.2).collect())
                .collect(),
            slots: self
                .slots
                .into_iter()
                .enumerate()
                .map(|(t, s)| s.unwrap_or_else(|| panic!("scheduler left task {t} unplaced")))
                .collect(),
        }
    }
}
