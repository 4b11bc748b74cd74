//! A static schedule (a plan): for every task, its processor and its start and end times.

use serde::Serialize;

use crate::explain::{
    Candidate, Decision, Explanation, Recorder, Score, Table, MAX_READY_RECORDED,
    MAX_RECORDED_SCORES,
};
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
    /// The decisions, when recorded ([`Builder::recording`]); None costs one branch per
    /// placement.
    record: Option<Box<Recorder>>,
    /// Busy time placed on each processor.
    busy: Vec<f64>,
    /// The first error a scheduler reported ([`Builder::fail`]): a user-written rule that
    /// divides by zero. The plan still completes; [`Builder::finish_checked`] refuses it.
    error: Option<crate::Error>,
}

impl<'a> Builder<'a> {
    pub fn new(problem: &'a Problem) -> Self {
        Builder {
            problem,
            slots: vec![None; problem.n_tasks()],
            timelines: vec![Vec::new(); problem.n_procs()],
            record: None,
            busy: vec![0.0; problem.n_procs()],
            error: None,
        }
    }

    /// A builder that records why each task goes where it does ([`crate::explain`]).
    pub fn recording(problem: &'a Problem) -> Self {
        let missing: Vec<usize> = (0..problem.n_tasks())
            .map(|t| problem.pred_deps(t).len())
            .collect();
        let ready: Vec<usize> = (0..problem.n_tasks())
            .filter(|&t| missing[t] == 0)
            .collect();
        let mut ready_pos = vec![usize::MAX; problem.n_tasks()];
        for (i, &t) in ready.iter().enumerate() {
            ready_pos[t] = i;
        }
        Builder {
            record: Some(Box::new(Recorder {
                missing,
                ready,
                ready_pos,
                ..Recorder::default()
            })),
            ..Builder::new(problem)
        }
    }

    /// Whether decisions are recorded (schedulers compute explanation-only tables then).
    pub fn is_recording(&self) -> bool {
        self.record.is_some()
    }

    /// How the scheduler decides, for the records: its placement rule (insertion or append)
    /// to evaluate every processor with, its priority per task (if it orders tasks by one),
    /// and the rule that usually picks the processor. Nothing when not recording.
    pub fn explain_with(&mut self, insertion: bool, priority: Option<&[f64]>, rule: &'static str) {
        if let Some(r) = &mut self.record {
            r.insertion = insertion;
            r.priority = priority.map(<[f64]>::to_vec).unwrap_or_default();
            r.rule = rule;
            r.default_rule = rule;
        }
    }

    /// The rule of the next placement only (CPOP: "critical-path processor").
    pub fn explain_rule(&mut self, rule: &'static str) {
        if let Some(r) = &mut self.record {
            r.rule = rule;
        }
    }

    /// A per-task table for the records, computed only when recording.
    pub fn explain_table(&mut self, name: impl Into<String>, values: impl FnOnce() -> Vec<f64>) {
        if let Some(r) = &mut self.record {
            r.out.tables.push(Table {
                name: name.into(),
                values: values(),
            });
        }
    }

    /// The completion-time rows of the next decision (while the run's budget lasts).
    pub fn explain_scores(&mut self, rows: impl FnOnce() -> Vec<Score>) {
        if let Some(r) = &mut self.record {
            if r.scores_used < MAX_RECORDED_SCORES {
                r.scores = rows();
                // Counted in completion times (a row holds one per processor).
                r.scores_used += r.scores.iter().map(|s| s.finish.len()).sum::<usize>();
            }
        }
    }

    /// CPOP's critical path (tasks from entry to exit) and its processor.
    pub fn explain_critical_path(
        &mut self,
        tasks: impl FnOnce() -> Vec<usize>,
        proc: Option<usize>,
    ) {
        if let Some(r) = &mut self.record {
            r.out.critical_path = Some((tasks(), proc));
        }
    }

    /// Records the placement of `task` on `proc` at `start`, as the scheduler saw it
    /// (kept out of line: the placement loop stays as small as without recording).
    #[cold]
    #[inline(never)]
    fn note(&mut self, task: usize, proc: usize, start: f64) {
        let Some(mut r) = self.record.take() else {
            return;
        };
        let candidates = self
            .problem
            .feasible_procs(task)
            .map(|p| {
                let (s, f) = self.eft(task, p, r.insertion);
                Candidate {
                    proc: p,
                    data_ready: self.data_ready(task, p),
                    start: s,
                    finish: f,
                    gap: s < self.available(p),
                }
            })
            .collect();
        // Selected in a scratch vector, then copied at its length: a truncated clone of
        // the whole set would keep the whole set's capacity in every decision.
        let mut scratch = std::mem::take(&mut r.scratch);
        scratch.clear();
        scratch.extend_from_slice(&r.ready);
        crate::util::smallest_sorted(&mut scratch, MAX_READY_RECORDED, |a, b| a.cmp(b));
        let mut ready = scratch.clone();
        r.scratch = scratch;
        if !ready.contains(&task) {
            ready.push(task);
            crate::util::sort_ord(&mut ready);
        }
        let step = r.out.decisions.len();
        r.out.decisions.push(Decision {
            step,
            task,
            priority: r.priority.get(task).copied(),
            ready,
            ready_total: r.ready.len(),
            candidates,
            proc,
            start,
            finish: start + self.problem.exec(task, proc),
            rule: r.rule,
            scores: std::mem::take(&mut r.scores),
        });
        r.rule = r.default_rule;
        let at = r.ready_pos[task];
        if at < r.ready.len() {
            r.ready.swap_remove(at);
            if let Some(&moved) = r.ready.get(at) {
                r.ready_pos[moved] = at;
            }
        }
        for &d in self.problem.succ_deps(task) {
            let s = self.problem.deps[d].dst;
            r.missing[s] -= 1;
            if r.missing[s] == 0 {
                r.ready_pos[s] = r.ready.len();
                r.ready.push(s);
            }
        }
        self.record = Some(r);
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

    /// Busy time placed on `proc` so far, and how many tasks (kept as tasks are placed).
    pub fn load(&self, proc: usize) -> (f64, usize) {
        (self.busy[proc], self.timelines[proc].len())
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
        if self.record.is_some() {
            self.note(task, proc, start);
        }
        let end = start + self.problem.exec(task, proc);
        self.busy[proc] += end - start;
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

    /// Reports an error that makes the plan meaningless (the first one is kept); the
    /// scheduler still places every task, so that the builder's invariants hold.
    pub fn fail(&mut self, error: crate::Error) {
        self.error.get_or_insert(error);
    }

    /// Whether [`Builder::fail`] was called.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// The finished schedule, or the error a scheduler reported.
    pub fn finish_checked(mut self) -> crate::Result<Schedule> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(self.finish()),
        }
    }

    /// [`Builder::finish_explained`], or the error a scheduler reported.
    pub fn finish_explained_checked(mut self) -> crate::Result<(Schedule, Explanation)> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(self.finish_explained()),
        }
    }

    /// The finished schedule and what was recorded (empty when not recording).
    pub fn finish_explained(mut self) -> (Schedule, Explanation) {
        let out = self.record.take().map(|r| r.out).unwrap_or_default();
        (self.finish(), out)
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
