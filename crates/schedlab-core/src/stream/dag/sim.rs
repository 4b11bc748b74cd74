//! The DAG-stream simulator: processors run committed queues; policies commit ready
//! tasks whenever something changes.

use std::collections::{BTreeSet, VecDeque};

use super::gen::DagStream;
use super::policy::DagPolicy;
use super::template::Template;
use crate::error::{Error, Result};
use crate::sim::EventQueue;
use crate::stream::learned::model::{Features, N_FEATURES};
use crate::stream::sim::Segment;
use crate::util::OrdF64;
use serde::Serialize;

/// One task's execution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TaskRun {
    pub job: usize,
    pub task: usize,
    pub proc: usize,
    pub start: f64,
    pub end: f64,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DagRun {
    pub completion: Vec<f64>,
    /// Every task, job by job (task `t` of job `j` at `offset(j) + t`).
    pub tasks: Vec<TaskRun>,
    /// (time, jobs in the system) at every change.
    pub queue: Vec<(f64, usize)>,
    pub events: usize,
}

impl DagRun {
    /// The run as machine segments (one per task), for the streams Gantt chart.
    pub fn segments(&self) -> Vec<Segment> {
        let mut v: Vec<Segment> = self
            .tasks
            .iter()
            .map(|r| Segment {
                machine: r.proc,
                job: r.job,
                start: r.start,
                end: r.end,
            })
            .collect();
        crate::util::sort_dyn(&mut v, &|a, b| {
            a.start.total_cmp(&b.start).then(a.machine.cmp(&b.machine))
        });
        v
    }
}

#[derive(Debug, Clone, Copy)]
enum Ev {
    Arrive(usize),
    Finish(usize),
    Wake(usize),
}

const NONE: usize = usize::MAX;

/// Dispatch order: (job priority, job, −rank, task, global id).
type Key = (OrdF64, usize, OrdF64, usize, usize);

struct State<'a> {
    s: &'a DagStream,
    policy: &'a DagPolicy,
    depth: usize,
    m: usize,
    offset: Vec<usize>,
    job_of: Vec<u32>,
    proc_of: Vec<usize>,
    missing: Vec<u32>,
    start: Vec<f64>,
    end: Vec<f64>,
    expected_end: Vec<f64>,
    factor: Vec<f64>,
    queues: Vec<VecDeque<usize>>,
    running: Vec<usize>,
    last: Vec<usize>,
    wake: Vec<f64>,
    /// Ready, uncommitted tasks, one ordered set per class of tasks that can run on the
    /// same processors (dynamic list scheduling picks the best head among the classes
    /// that fit a processor with room).
    classes: Vec<(Vec<usize>, BTreeSet<Key>)>,
    /// Class of each task of each template.
    class_of: Vec<Vec<usize>>,
    key_of: Vec<Key>,
    /// Ready, uncommitted tasks per job (re-keyed when the job's remaining work changes).
    job_ready: Vec<Vec<usize>>,
    job_left: Vec<usize>,
    job_work: Vec<f64>,
    completion: Vec<f64>,
    in_system: usize,
    queue_log: Vec<(f64, usize)>,
    events: EventQueue<Ev>,
    /// Moving average of |actual ÷ nominal − 1| over finished tasks: the noise observed.
    observed_noise: f64,
    /// Time scale of the features: the templates' mean task time.
    task_scale: f64,
    /// Job scale of the features: the templates' mean critical path.
    job_scale: f64,
    work_scale: f64,
    /// Candidate scoring: the decisions taken, if recorded (see [`Recorder`]).
    recorder: Option<&'a mut dyn Recorder>,
    /// The first error of a user rule (a division by zero): the run fails with it.
    error: Option<Error>,
}

/// Receives every scored decision (training statistics, the step-through view).
pub trait Recorder {
    /// `features[i]` are the features of candidate `i`; `chosen` the index picked.
    fn decision(&mut self, now: f64, features: &[Features], chosen: usize);
}

impl State<'_> {
    fn tpl(&self, g: usize) -> (&Template, usize, usize) {
        let j = self.job_of[g] as usize;
        let tp = &self.s.templates[self.s.jobs[j].template];
        (tp, j, g - self.offset[j])
    }

    /// When processor `p` is expected to be free of everything committed to it.
    fn avail(&self, p: usize, now: f64) -> f64 {
        match self.last[p] {
            NONE => now,
            g => now.max(self.expected_end[g]),
        }
    }

    /// When `g`'s inputs are expected on `p` (finished predecessors by their actual end).
    fn data_ready(&self, g: usize, p: usize) -> f64 {
        let (tp, j, t) = self.tpl(g);
        let base = self.offset[j];
        let mut r = self.s.jobs[j].arrival;
        for (pred, data) in tp.problem.predecessors(t) {
            let pg = base + pred;
            let e = if self.end[pg].is_finite() {
                self.end[pg]
            } else {
                self.expected_end[pg]
            };
            r = r.max(e + tp.problem.comm(data, self.proc_of[pg], p));
        }
        r
    }

    /// The processor where `g` is expected to finish earliest, among those `allowed`.
    fn best_eft(
        &self,
        g: usize,
        now: f64,
        allowed: impl Fn(usize) -> bool,
    ) -> Option<(usize, f64)> {
        let (tp, _, t) = self.tpl(g);
        let mut best: Option<(usize, f64)> = None;
        for p in tp.problem.feasible_procs(t) {
            if !allowed(p) {
                continue;
            }
            let f = self.avail(p, now).max(self.data_ready(g, p)) + tp.problem.exec(t, p);
            if best.is_none_or(|b| f < b.1) {
                best = Some((p, f));
            }
        }
        best
    }

    fn commit(&mut self, g: usize, p: usize, expected_end: f64) {
        self.proc_of[g] = p;
        self.expected_end[g] = expected_end;
        self.queues[p].push_back(g);
        self.last[p] = g;
    }

    fn try_start(&mut self, p: usize, now: f64) {
        if self.running[p] != NONE {
            return;
        }
        let Some(&g) = self.queues[p].front() else {
            return;
        };
        if self.missing[g] != 0 {
            return;
        }
        let r = self.data_ready(g, p);
        if r > now {
            if self.wake[p] != r {
                self.wake[p] = r;
                self.events.push(r, Ev::Wake(p));
            }
            return;
        }
        self.queues[p].pop_front();
        self.running[p] = g;
        let (tp, _, t) = self.tpl(g);
        let nominal = tp.problem.exec(t, p);
        self.start[g] = now;
        self.expected_end[g] = now + nominal;
        self.events
            .push(now + nominal * self.factor[g], Ev::Finish(p));
    }

    fn arrive(&mut self, j: usize, now: f64) {
        let base = self.offset[j];
        for (k, f) in self.s.factors(j).into_iter().enumerate() {
            self.factor[base + k] = f;
        }
        self.in_system += 1;
        self.queue_log.push((now, self.in_system));
        let tp = &self.s.templates[self.s.jobs[j].template];
        if matches!(self.policy, DagPolicy::HeftRt) {
            for k in 0..tp.order.len() {
                let g = base + tp.order[k];
                let (p, f) = self
                    .best_eft(g, now, |_| true)
                    .expect("every task runs somewhere");
                self.commit(g, p, f);
            }
        } else {
            // Every dynamic policy (DLS, ETF, learned, a user rule) starts from the entries.
            for t in 0..tp.problem.n_tasks() {
                if tp.problem.pred_deps(t).is_empty() {
                    self.make_ready(base + t);
                }
            }
        }
    }

    fn finish(&mut self, p: usize, now: f64) {
        let g = self.running[p];
        self.running[p] = NONE;
        self.end[g] = now;
        self.expected_end[g] = now;
        let (tp, j, t) = self.tpl(g);
        let base = self.offset[j];
        let mean = tp.mean_exec[t];
        let nominal = tp.problem.exec(t, p);
        let succ: Vec<usize> = tp.problem.successors(t).map(|(s, _)| base + s).collect();
        if nominal > 0.0 {
            let ratio = (now - self.start[g]) / nominal;
            self.observed_noise = 0.9 * self.observed_noise + 0.1 * (ratio - 1.0).abs();
        }
        self.job_left[j] -= 1;
        self.job_work[j] -= mean;
        if self.policy.srpt_keyed() {
            for g in self.job_ready[j].clone() {
                self.unready(g);
                self.make_ready(g);
            }
        }
        if self.job_left[j] == 0 {
            self.completion[j] = now;
            self.in_system -= 1;
            self.queue_log.push((now, self.in_system));
        }
        for sg in succ {
            self.missing[sg] -= 1;
            if self.missing[sg] == 0 {
                match self.proc_of[sg] {
                    NONE => self.make_ready(sg),
                    q => self.try_start(q, now),
                }
            }
        }
    }

    fn key(&self, g: usize) -> Key {
        let (tp, j, t) = self.tpl(g);
        let first = if self.policy.srpt_keyed() {
            self.job_work[j]
        } else {
            self.s.jobs[j].arrival
        };
        (OrdF64(first), j, OrdF64(-tp.rank[t]), t, g)
    }

    fn make_ready(&mut self, g: usize) {
        let k = self.key(g);
        self.key_of[g] = k;
        let (_, j, t) = self.tpl(g);
        let c = self.class_of[self.s.jobs[j].template][t];
        self.classes[c].1.insert(k);
        self.job_ready[j].push(g);
    }

    fn unready(&mut self, g: usize) {
        let (_, j, t) = self.tpl(g);
        let c = self.class_of[self.s.jobs[j].template][t];
        self.classes[c].1.remove(&self.key_of[g]);
        if let Some(i) = self.job_ready[j].iter().position(|&x| x == g) {
            self.job_ready[j].swap_remove(i);
        }
    }

    /// Dynamic list scheduling: the best ready task (job priority, then decreasing rank)
    /// among those that can run on a processor with room (fewer than `depth` tasks
    /// waiting) goes to its earliest-finish processor among those with room; repeat until
    /// none fits.
    fn dispatch(&mut self, now: f64) {
        let depth = self.depth;
        loop {
            let mut best: Option<(Key, usize)> = None;
            for (c, (procs, set)) in self.classes.iter().enumerate() {
                let Some(head) = set.first() else {
                    continue;
                };
                if best.as_ref().is_some_and(|b| b.0 <= *head) {
                    continue;
                }
                if procs.iter().any(|&p| self.queues[p].len() < depth) {
                    best = Some((*head, c));
                }
            }
            let Some((key, _)) = best else {
                return;
            };
            let g = key.4;
            let queues = &self.queues;
            let (p, f) = self
                .best_eft(g, now, |p| queues[p].len() < depth)
                .expect("the class has a processor with room");
            self.unready(g);
            self.commit(g, p, f);
        }
    }

    /// The candidates of a scored decision: the first `per_class` ready tasks (SRPT order)
    /// of each class that has a processor with room, in key order.
    fn candidates(&self, per_class: usize, out: &mut Vec<Key>) {
        out.clear();
        for (procs, set) in &self.classes {
            if set.is_empty() || !procs.iter().any(|&p| self.queues[p].len() < self.depth) {
                continue;
            }
            out.extend(set.iter().take(per_class).copied());
        }
        crate::util::sort_ord(out);
    }

    /// The features of candidate `g` placed on `p` to finish at `f` (see
    /// [`crate::stream::learned::model::FEATURES`] for their meaning).
    #[allow(clippy::too_many_arguments)]
    fn features(
        &self,
        g: usize,
        p: usize,
        f: f64,
        now: f64,
        position: usize,
        n_cands: usize,
        idle: f64,
    ) -> Features {
        let (tp, j, t) = self.tpl(g);
        let job = &self.s.jobs[j];
        let exec = tp.problem.exec(t, p);
        let min_exec = tp.problem.min_exec(t);
        let max_rank = tp.rank[tp.order[0]];
        let n = tp.problem.n_tasks() as f64;
        let ts = self.task_scale;
        let js = self.job_scale;
        let x = [
            self.job_work[j] / self.work_scale,
            (now - job.arrival) / js,
            tp.rank[t] / js,
            if max_rank > 0.0 {
                tp.rank[t] / max_rank
            } else {
                0.0
            },
            (f - exec - now) / ts,
            (f - now) / ts,
            if min_exec > 0.0 {
                exec / min_exec - 1.0
            } else {
                0.0
            },
            min_exec / ts,
            tp.problem.succ_deps(t).len() as f64 / 4.0,
            self.job_left[j] as f64 / n,
            self.in_system as f64 / 16.0,
            idle,
            self.observed_noise * 4.0,
            tp.lower_bound / js,
            n_cands as f64 / 32.0,
            position as f64 / 8.0,
        ];
        let mut out = [0f32; N_FEATURES];
        for (o, v) in out.iter_mut().zip(x) {
            *o = if v.is_finite() {
                v.clamp(-64.0, 64.0) as f32
            } else {
                0.0
            };
        }
        out
    }

    /// A scored decision (ETF, learned) until no candidate fits.
    fn dispatch_scored(&mut self, now: f64, cands: &mut Vec<Key>, feats: &mut Vec<Features>) {
        let per_class = match self.policy {
            DagPolicy::Learned(m) => m.candidates,
            _ => crate::stream::learned::model::CANDIDATES_PER_CLASS,
        };
        loop {
            self.candidates(per_class, cands);
            if cands.is_empty() {
                return;
            }
            let depth = self.depth;
            let idle = self.running.iter().filter(|&&r| r == NONE).count() as f64 / self.m as f64;
            feats.clear();
            // Scores compared in f64: a user rule's value is kept whole (the network's and
            // ETF's f32 scores convert exactly, so their choices are unchanged).
            let mut best: Option<(f64, usize, usize, f64)> = None;
            for (i, key) in cands.iter().enumerate() {
                let g = key.4;
                let queues = &self.queues;
                let Some((p, f)) = self.best_eft(g, now, |p| queues[p].len() < depth) else {
                    continue;
                };
                let score = match self.policy {
                    DagPolicy::Rule(rule) => {
                        let x = self.features(g, p, f, now, i, cands.len(), idle);
                        let vars: [f64; crate::stream::learned::model::N_FEATURES] =
                            std::array::from_fn(|k| f64::from(x[k]));
                        match rule.eval(&vars) {
                            // Lowest wins; the comparison below keeps the highest.
                            Ok(v) => -v,
                            Err(e) => {
                                let text = rule.text().to_string();
                                self.error.get_or_insert_with(|| {
                                    Error::config(format!(
                                        "DAG-job rule '{text}': {e} (job J{} at t = {})",
                                        self.job_of[g] + 1,
                                        crate::util::show(now)
                                    ))
                                });
                                f64::NEG_INFINITY
                            }
                        }
                    }
                    DagPolicy::Learned(m) => {
                        let x = self.features(g, p, f, now, i, cands.len(), idle);
                        let s = m.score(&x);
                        if self.recorder.is_some() {
                            feats.push(x);
                        }
                        f64::from(s)
                    }
                    _ => {
                        let (tp, _, t) = self.tpl(g);
                        f64::from(-((f - tp.problem.exec(t, p)) as f32))
                    }
                };
                if best.is_none_or(|b| score > b.0) {
                    best = Some((score, g, p, f));
                }
            }
            let Some((_, g, p, f)) = best else {
                return;
            };
            if let Some(r) = self.recorder.as_deref_mut() {
                if !feats.is_empty() {
                    let chosen = cands.iter().position(|k| k.4 == g).unwrap_or(0);
                    r.decision(now, feats, chosen.min(feats.len() - 1));
                }
            }
            self.unready(g);
            self.commit(g, p, f);
        }
    }
}

/// Runs `policy` on `stream`; the same inputs always give the same run.
pub fn simulate(stream: &DagStream, policy: DagPolicy) -> Result<DagRun> {
    simulate_recorded(stream, &policy, None)
}

/// [`simulate`], handing every scored decision of the learned policy to `recorder`.
pub fn simulate_recorded<'a>(
    stream: &'a DagStream,
    policy: &'a DagPolicy,
    recorder: Option<&'a mut dyn Recorder>,
) -> Result<DagRun> {
    stream.validate()?;
    if let DagPolicy::Learned(m) = policy {
        m.validate()?;
    }
    let m = stream.n_procs();
    let nj = stream.jobs.len();
    let mut offset = Vec::with_capacity(nj + 1);
    let mut job_of = Vec::new();
    let mut total = 0usize;
    let mut missing = Vec::new();
    for (j, job) in stream.jobs.iter().enumerate() {
        offset.push(total);
        let p = &stream.templates[job.template].problem;
        total += p.n_tasks();
        job_of.extend(std::iter::repeat_n(j as u32, p.n_tasks()));
        missing.extend((0..p.n_tasks()).map(|t| p.pred_deps(t).len() as u32));
    }
    offset.push(total);
    // Classes of tasks by the processors that can run them (a few: found by a linear
    // search, which keeps one more hash-table type out of the WebAssembly bundle).
    let mut classes: Vec<(Vec<usize>, BTreeSet<Key>)> = Vec::new();
    let class_of: Vec<Vec<usize>> = stream
        .templates
        .iter()
        .map(|tp| {
            (0..tp.problem.n_tasks())
                .map(|t| {
                    let procs: Vec<usize> = tp.problem.feasible_procs(t).collect();
                    match classes.iter().position(|c| c.0 == procs) {
                        Some(c) => c,
                        None => {
                            classes.push((procs, BTreeSet::new()));
                            classes.len() - 1
                        }
                    }
                })
                .collect()
        })
        .collect();
    let nt = stream.templates.len() as f64;
    let task_scale = stream
        .templates
        .iter()
        .map(|t| t.mean_work / t.problem.n_tasks().max(1) as f64)
        .sum::<f64>()
        / nt;
    let job_scale = stream.templates.iter().map(|t| t.lower_bound).sum::<f64>() / nt;
    let work_scale = stream.templates.iter().map(|t| t.mean_work).sum::<f64>() / nt;
    let positive = |v: f64| if v.is_finite() && v > 0.0 { v } else { 1.0 };
    let mut st = State {
        s: stream,
        policy,
        depth: policy.depth(),
        m,
        job_left: stream
            .jobs
            .iter()
            .map(|j| stream.templates[j.template].problem.n_tasks())
            .collect(),
        job_work: stream
            .jobs
            .iter()
            .map(|j| stream.templates[j.template].mean_work)
            .collect(),
        offset,
        job_of,
        proc_of: vec![NONE; total],
        missing,
        start: vec![f64::NAN; total],
        end: vec![f64::NAN; total],
        expected_end: vec![f64::NAN; total],
        factor: vec![1.0; total],
        queues: vec![VecDeque::new(); m],
        running: vec![NONE; m],
        last: vec![NONE; m],
        wake: vec![f64::NAN; m],
        classes,
        class_of,
        key_of: vec![(OrdF64(0.0), 0, OrdF64(0.0), 0, 0); total],
        job_ready: vec![Vec::new(); nj],
        completion: vec![f64::NAN; nj],
        in_system: 0,
        queue_log: vec![(0.0, 0)],
        events: EventQueue::new(),
        observed_noise: 0.0,
        task_scale: positive(task_scale),
        job_scale: positive(job_scale),
        work_scale: positive(work_scale),
        recorder,
        error: None,
    };
    let mut cands = Vec::new();
    let mut feats = Vec::new();
    for (j, job) in stream.jobs.iter().enumerate() {
        st.events.push(job.arrival, Ev::Arrive(j));
    }
    let mut count = 0usize;
    // Every job arrives once, every task finishes once and sets at most one wake-up, so a
    // run has at most jobs + 2 × tasks events; past a generous multiple of that, a bug
    // (not an input) would be looping: stop with an error instead of hanging the page.
    let budget = 64 + 4 * (nj + 2 * total);
    while let Some((now, ev)) = st.events.pop() {
        count += 1;
        if count > budget {
            return Err(Error::Simulation(format!(
                "event budget of {budget} exceeded at t = {now} ({} of {nj} jobs done): the run is not progressing",
                st.completion.iter().filter(|c| !c.is_nan()).count()
            )));
        }
        let mut batch = vec![ev];
        while st.events.peek_time() == Some(now) {
            if let Some((_, e)) = st.events.pop() {
                batch.push(e);
                count += 1;
            }
        }
        for ev in batch {
            match ev {
                Ev::Arrive(j) => st.arrive(j, now),
                Ev::Finish(p) => st.finish(p, now),
                Ev::Wake(p) => {
                    if st.wake[p] == now {
                        st.wake[p] = f64::NAN;
                    }
                }
            }
        }
        match policy {
            DagPolicy::Dls { .. } => st.dispatch(now),
            DagPolicy::HeftRt => {}
            _ => st.dispatch_scored(now, &mut cands, &mut feats),
        }
        if let Some(e) = st.error.take() {
            return Err(e);
        }
        for p in 0..st.m {
            st.try_start(p, now);
        }
    }
    if st.completion.iter().any(|c| c.is_nan()) {
        return Err(Error::Simulation(
            "some DAG jobs never completed (a policy left tasks uncommitted)".into(),
        ));
    }
    let tasks = (0..total)
        .map(|g| {
            let j = st.job_of[g] as usize;
            TaskRun {
                job: j,
                task: g - st.offset[j],
                proc: st.proc_of[g],
                start: st.start[g],
                end: st.end[g],
            }
        })
        .collect();
    Ok(DagRun {
        completion: st.completion,
        tasks,
        queue: st.queue_log,
        events: count,
    })
}
