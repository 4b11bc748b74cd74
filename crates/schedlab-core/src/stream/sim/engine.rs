//! The resumable stream simulator: piecewise-constant rates between events, McNaughton's
//! wrap-around rule to place each interval's work on machines.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::stream::policy::{Active, Alloc, Policy};
use crate::stream::{limits, Stream};
use crate::util::show;

/// A job running on a machine during [start, end).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Segment {
    pub machine: usize,
    pub job: usize,
    pub start: f64,
    pub end: f64,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamRun {
    /// Completion time per job.
    pub completion: Vec<f64>,
    /// Machine segments, in time order per machine (adjacent pieces merged).
    pub segments: Vec<Segment>,
    /// (time, jobs in the system) at every change.
    pub queue: Vec<(f64, usize)>,
    /// Times a job lost its machine while unfinished.
    pub preemptions: usize,
    pub events: usize,
    /// Context-switch time charged to each job.
    pub overhead: Vec<f64>,
    /// Every decision, when recorded ([`Sim::record_decisions`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
}

const EPS: f64 = 1e-12;

/// Runs `policy` on `stream` to the end. Fails if the policy needs information the
/// stream's model does not give, or if the stream is invalid.
pub fn simulate(stream: &Stream, policy: Policy) -> Result<StreamRun> {
    let mut sim = Sim::new(stream, policy)?;
    while !sim.step(stream)? {}
    Ok(sim.finish())
}

/// One row of the step-through view: an active job as the policy saw it at a decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueRow {
    pub job: usize,
    pub arrival: f64,
    pub attained: f64,
    /// The rate the policy gave it (1 = a whole machine).
    pub rate: f64,
    /// Priority among the full-rate jobs (0 = first), if it got a whole machine.
    pub rank: Option<usize>,
    /// What the policy compared, in words ("remaining 3.2").
    pub key: String,
    /// Where the job stands in a queue policy's queues (round robin, MLFQ): the page draws
    /// the queues from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueuePlace>,
}

/// A job's place in round robin's queue or one of MLFQ's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QueuePlace {
    /// The queue: MLFQ's level (0 = the highest priority), 0 for round robin.
    pub level: usize,
    /// Lower = nearer the head, among the jobs of the same level.
    pub seq: u64,
}

/// Job rows (one per job in the system at each decision) a recorded run keeps at most.
pub const MAX_RECORDED_ROWS: usize = 2_000_000;

/// The decision in force during an interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub time: f64,
    /// The end of the interval (the next event).
    pub until: f64,
    pub rows: Vec<QueueRow>,
}

/// A resumable run: [`Sim::step`] handles one event, so a page can run a long stream in
/// chunks between frames and stay responsive. The sim does not hold the stream: every call
/// takes the stream it was created for (so the caller may own both side by side).
#[derive(Debug, Clone)]
pub struct Sim {
    policy: Policy,
    jobs: usize,
    machines: usize,
    speeds: Vec<f64>,
    /// Machines grouped by speed, fastest class first (one class if all speeds are equal).
    classes: Vec<Vec<usize>>,
    /// The class that the k-th priority rank gets.
    class_of_rank: Vec<usize>,
    completion: Vec<f64>,
    active: Vec<Active>,
    op_index: Vec<usize>,
    machine_of: Vec<Option<usize>>,
    segments: Vec<Segment>,
    open: Vec<Option<usize>>,
    queue: Vec<(f64, usize)>,
    overhead: Vec<f64>,
    seq: u64,
    next: usize,
    now: f64,
    preemptions: usize,
    events: usize,
    max_events: usize,
    /// Jobs looked at so far, summed over events (each event reads every job in the
    /// system), and its budget.
    work: usize,
    max_work: usize,
    /// The policy's decision and the jobs' progress, kept from event to event so their
    /// vectors are reused.
    scratch: Option<Alloc>,
    progress: Vec<f64>,
    /// Whether each job had a whole machine in the previous interval, and those jobs.
    had_machine: Vec<bool>,
    full: Vec<usize>,
    /// Scratch: the previous `full`, and which machines are taken (kept from event to
    /// event: an allocation per event was measurable in WebAssembly).
    full_prev: Vec<usize>,
    taken: Vec<bool>,
    /// Scratch: positions of the jobs completing in this interval; jobs without a machine
    /// of their class yet.
    done: Vec<usize>,
    unplaced: Vec<(usize, usize)>,
    /// Scratch: one sharing group's jobs and machines.
    group_jobs: Vec<usize>,
    group_machines: Vec<usize>,
    /// Positions in `active` of the jobs that progressed in the previous interval (the ones
    /// with `running` set), increasing: each event touches these and this event's movers,
    /// not every waiting job.
    moving: Vec<usize>,
    /// Scratch for the next `moving`.
    movers: Vec<usize>,
    record: bool,
    /// Rows of the decisions kept so far, and whether recording stopped at the bound.
    recorded_rows: usize,
    recording_stopped: bool,
    decisions: Vec<Decision>,
}

impl Sim {
    pub fn new(stream: &Stream, policy: Policy) -> Result<Sim> {
        stream.validate()?;
        policy.check(
            stream.info,
            stream.jobs.iter().any(|j| j.deadline.is_some()),
        )?;
        let m = stream.machines;
        let n = stream.jobs.len();
        let speeds = stream.machine_speeds();
        let mut by_speed: Vec<usize> = (0..m).collect();
        crate::util::sort_positions(&mut by_speed, &|a, b| {
            speeds[b].total_cmp(&speeds[a]).then(a.cmp(&b))
        });
        let mut classes: Vec<Vec<usize>> = Vec::new();
        for &p in &by_speed {
            match classes.last_mut() {
                Some(c) if speeds[c[0]] == speeds[p] => c.push(p),
                _ => classes.push(vec![p]),
            }
        }
        // A run has about one event per arrival, operation end, quantum expiry and LAS
        // catch-up: past this budget the simulation is not progressing (computed once: it
        // reads every job). Documented in docs/streams.md, "Limits".
        let total_ops: usize = stream.jobs.iter().map(|j| j.ops.len()).sum();
        let expiries = quantum_expiries(stream, &policy)?;
        let max_events =
            limits::EVENTS_PER_ITEM * (n + total_ops) + 4 * expiries as usize + limits::EVENTS_BASE;
        let class_of_rank = classes
            .iter()
            .enumerate()
            .flat_map(|(c, class)| std::iter::repeat_n(c, class.len()))
            .collect();
        Ok(Sim {
            class_of_rank,
            policy,
            jobs: n,
            machines: m,
            speeds,
            classes,
            completion: vec![f64::NAN; n],
            active: Vec::new(),
            op_index: vec![0; n],
            machine_of: vec![None; n],
            segments: Vec::new(),
            open: vec![None; m],
            queue: vec![(0.0, 0)],
            overhead: vec![0.0; n],
            seq: 0,
            next: 0,
            now: stream.jobs.first().map_or(0.0, |j| j.arrival),
            preemptions: 0,
            events: 0,
            max_events,
            work: 0,
            max_work: limits::WORK_BASE
                + limits::WORK_PER_JOB.saturating_mul(n)
                + limits::WORK_PER_EVENT.saturating_mul(max_events),
            scratch: None,
            progress: Vec::new(),
            had_machine: vec![false; n],
            full: Vec::new(),
            full_prev: Vec::new(),
            taken: Vec::new(),
            done: Vec::new(),
            unplaced: Vec::new(),
            group_jobs: Vec::new(),
            group_machines: Vec::new(),
            moving: Vec::new(),
            movers: Vec::new(),
            record: false,
            recorded_rows: 0,
            recording_stopped: false,
            decisions: Vec::new(),
        })
    }

    /// Keeps every decision (for the step-through view; costs memory on long streams).
    pub fn record_decisions(mut self) -> Self {
        self.record = true;
        self
    }

    /// The simulated time reached.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Decision intervals handled so far.
    pub fn work(&self) -> usize {
        self.work
    }

    pub fn events(&self) -> usize {
        self.events
    }

    /// Jobs completed so far.
    pub fn completed(&self) -> usize {
        self.next - self.active.len()
    }

    pub fn is_done(&self) -> bool {
        self.next >= self.jobs && self.active.is_empty()
    }

    /// Runs at most `max_steps` events; true when the run is complete.
    pub fn run_for(&mut self, stream: &Stream, max_steps: usize) -> Result<bool> {
        for _ in 0..max_steps {
            if self.step(stream)? {
                return Ok(true);
            }
        }
        Ok(self.is_done())
    }

    /// Handles one decision interval of `stream` (the one the sim was created for); true
    /// when the run is complete.
    pub fn step(&mut self, stream: &Stream) -> Result<bool> {
        if self.is_done() {
            return Ok(true);
        }
        if stream.jobs.len() != self.jobs || stream.machines != self.machines {
            return Err(Error::Simulation(
                "Sim::step was given another stream than the one it was created for".into(),
            ));
        }
        let n = stream.jobs.len();
        let m = stream.machines;
        let policy = self.policy.clone();
        let now = self.now;
        // Admit arrivals at `now`.
        let mut changed = false;
        while self.next < n && stream.jobs[self.next].arrival <= now + EPS * now.abs().max(1.0) {
            let j = &stream.jobs[self.next];
            self.active.push(Active {
                job: self.next,
                arrival: j.arrival,
                attained: 0.0,
                remaining: j.size(),
                op_remaining: j.ops[0],
                estimate_remaining: j.estimate,
                deadline: j.deadline,
                queue_seq: self.seq,
                quantum_left: policy.quantum(0),
                level: 0,
                running: false,
                chunk_rest: 0.0,
                chunk_budget: j.ops[0],
            });
            self.seq += 1;
            self.next += 1;
            changed = true;
        }
        if changed {
            self.queue.push((now, self.active.len()));
        }
        if self.active.is_empty() {
            self.now = stream.jobs[self.next].arrival;
            return Ok(false);
        }
        self.events += 1;
        self.work += self.active.len();
        if self.work > self.max_work {
            return Err(Error::Simulation(format!(
                "work budget of {4} job-reads exceeded at t = {0} ({1} jobs waiting, {2} of {3} done): too many jobs wait at once (fewer or later arrivals, more machines or a lower load)",
                show(now),
                self.active.len(),
                self.completed(),
                self.jobs,
                self.max_work
            )));
        }
        // Taken out of an Option: nothing is made or dropped per event.
        let mut alloc = self.scratch.take().unwrap_or_default();
        policy.allocate_into(&self.active, m, now, &mut alloc)?;
        let rates = &alloc.rates;
        // Preemptions: a job that had a machine and lost it while unfinished.
        std::mem::swap(&mut self.full, &mut self.full_prev);
        self.full.clear();
        for &j in &self.full_prev {
            self.had_machine[j] = false;
        }
        for (i, &r) in rates.iter().enumerate() {
            if r >= 1.0 - 1e-9 {
                let j = self.active[i].job;
                self.had_machine[j] = true;
                self.full.push(j);
            }
        }
        for &j in &self.full_prev {
            if self.completion[j].is_nan() && !self.had_machine[j] {
                self.preemptions += 1;
            }
        }
        let mut progress = std::mem::take(&mut self.progress);
        self.assign(&alloc, &mut progress);
        // This interval's movers, by increasing position.
        let mut movers = std::mem::take(&mut self.movers);
        movers.clear();
        movers.extend((0..progress.len()).filter(|&i| progress[i] > 0.0));
        // Context switches: a job that starts or resumes pays the switch time first.
        let cs = stream.context_switch;
        if cs > 0.0 {
            for &i in &movers {
                let a = &mut self.active[i];
                if !a.running {
                    a.op_remaining += cs;
                    a.remaining += cs;
                    self.overhead[a.job] += cs;
                }
            }
        }
        // A lone job under RR or MLFQ: quantum boundaries change nothing while nothing else
        // waits, so when its next event (an arrival, its operation's end) is more than
        // `LONE_STEP_QUANTA` quanta away the interval runs straight to it and the expired
        // quanta are applied at once below: one event instead of size ÷ quantum. Nearer
        // events are reached quantum by quantum, as always, so ordinary runs keep their
        // exact numbers.
        let quantized = policy.quantum(0).is_finite();
        let lone = quantized && self.active.len() == 1 && {
            let (a, v) = (&self.active[0], progress[0]);
            let mut until = a.op_remaining / v;
            if self.next < n {
                until = until.min(stream.jobs[self.next].arrival - now);
            }
            v * until > a.quantum_left + limits::LONE_STEP_QUANTA * policy.quantum(a.level)
        };
        // Length of this interval: next arrival, next operation end, policy's horizon.
        let mut dt = if matches!(policy, Policy::Las) {
            crate::stream::policy::las_horizon(&self.active, &progress)
        } else if lone {
            f64::INFINITY
        } else {
            alloc.horizon
        };
        if self.next < n {
            dt = dt.min(stream.jobs[self.next].arrival - now);
        }
        for &i in &movers {
            dt = dt.min(self.active[i].op_remaining / progress[i]);
        }
        if !dt.is_finite() || dt < 0.0 {
            return Err(Error::Simulation(format!(
                "no progress at t = {now} (policy {})",
                policy.id()
            )));
        }
        if self.events > self.max_events {
            return Err(Error::Simulation(format!(
                "event budget of {} exceeded at t = {} (policy {}, {} of {} jobs done): the run is not progressing",
                self.max_events,
                show(now),
                policy.id(),
                self.completed(),
                self.jobs
            )));
        }
        // Recorded while the rows kept stay under [`MAX_RECORDED_ROWS`] (a round robin of
        // 2,000 jobs at once would otherwise keep gigabytes); then recording stops.
        if self.record && self.recorded_rows + self.active.len() > MAX_RECORDED_ROWS {
            self.record = false;
            self.recording_stopped = true;
        }
        if self.record {
            self.recorded_rows += self.active.len();
            self.decisions.push(Decision {
                time: now,
                until: now + dt,
                rows: self
                    .active
                    .iter()
                    .enumerate()
                    .map(|(i, a)| QueueRow {
                        job: a.job,
                        arrival: a.arrival,
                        attained: a.attained,
                        rate: rates[i],
                        rank: alloc.order.iter().position(|&k| k == i),
                        key: policy.key_text(a, now),
                        queue: matches!(policy, Policy::Rr { .. } | Policy::Mlfq { .. }).then_some(
                            QueuePlace {
                                level: a.level,
                                seq: a.queue_seq,
                            },
                        ),
                    })
                    .collect(),
            });
        }
        self.emit(&alloc, now, dt);
        // Advance.
        let end = now + dt;
        let mut done = std::mem::take(&mut self.done);
        done.clear();
        for &i in &self.moving {
            self.active[i].running = false;
        }
        for &i in &movers {
            let (a, v) = (&mut self.active[i], progress[i]);
            a.running = true;
            let w = v * dt;
            a.attained += w;
            a.remaining -= w;
            a.op_remaining -= w;
            a.estimate_remaining =
                (a.estimate_remaining - w).max(1e-9 * stream.jobs[a.job].estimate);
            a.quantum_left -= w;
            let tol = 1e-9 * (stream.jobs[a.job].size() + self.overhead[a.job]).max(1e-300);
            if a.op_remaining <= tol {
                let k = self.op_index[a.job] + 1;
                if k >= stream.jobs[a.job].ops.len() {
                    done.push(i);
                } else {
                    self.op_index[a.job] = k;
                    a.op_remaining = stream.jobs[a.job].ops[k];
                    a.reveal(a.op_remaining);
                }
            }
            if lone && a.quantum_left <= tol {
                // Every quantum that expired while the job was alone, in order, with the
                // work done past each carried into the next (bounded: one pass per MLFQ
                // level, the last level's equal quanta all at once).
                let mut over = (-a.quantum_left).max(0.0);
                loop {
                    a.level = policy.demote(a.level);
                    let q = policy.quantum(a.level);
                    if policy.demote(a.level) == a.level {
                        // `%` is exact in IEEE arithmetic; `as` saturates, so a quantum
                        // of 1e-300 over 1e9 of work cannot wrap the sequence.
                        let whole = (over / q).floor();
                        a.quantum_left = q - over % q;
                        self.seq = self.seq.saturating_add(whole as u64);
                        break;
                    }
                    if over < q {
                        a.quantum_left = q - over;
                        break;
                    }
                    over -= q;
                    self.seq = self.seq.saturating_add(1);
                }
                a.queue_seq = self.seq;
                self.seq = self.seq.saturating_add(1);
            } else if a.quantum_left <= tol && quantized {
                a.level = policy.demote(a.level);
                a.quantum_left = policy.quantum(a.level);
                a.queue_seq = self.seq;
                self.seq += 1;
            }
        }
        self.now = end;
        if !done.is_empty() {
            for &i in &done {
                let job = self.active[i].job;
                self.completion[job] = end;
                self.machine_of[job] = None;
            }
            // Remove in place, keeping arrival order (one job, the usual case: one move of
            // the jobs after it).
            let mut k = 0;
            let mut d = done.iter().peekable();
            if let [i] = done[..] {
                self.active.remove(i);
            } else {
                self.active.retain(|_| {
                    let keep = d.peek() != Some(&&k);
                    if !keep {
                        d.next();
                    }
                    k += 1;
                    keep
                });
            }
            self.queue.push((end, self.active.len()));
            // The movers' positions after the removal (`done` is increasing, and a subset).
            let mut gone = 0;
            movers.retain_mut(|p| {
                while gone < done.len() && done[gone] < *p {
                    gone += 1;
                }
                if done.get(gone) == Some(p) {
                    return false;
                }
                *p -= gone;
                true
            });
        }
        self.movers = std::mem::replace(&mut self.moving, movers);
        self.done = done;
        self.scratch = Some(alloc);
        self.progress = progress;
        Ok(self.is_done())
    }

    /// Whether recording stopped at [`MAX_RECORDED_ROWS`] (the decisions are a prefix).
    pub fn recording_stopped(&self) -> bool {
        self.recording_stopped
    }

    /// The decisions recorded so far (see [`Sim::record_decisions`]).
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    pub fn finish(self) -> StreamRun {
        StreamRun {
            completion: self.completion,
            segments: self.segments,
            queue: self.queue,
            preemptions: self.preemptions,
            events: self.events,
            overhead: self.overhead,
            decisions: self.decisions,
        }
    }
}

/// How many quantum expiries a round-robin or MLFQ run of `stream` may need (0 for the
/// other policies), refusing a quantum too small for the work to simulate.
///
/// While job j shares the machines with others they get about as much service as it does,
/// so j sees at most about min(size, others' work × speed ratio) ÷ (quantum − context
/// switch) expiries, plus one per MLFQ level; a lone job steps at most
/// `LONE_STEP_QUANTA` quanta before its next event and skips longer stretches.
fn quantum_expiries(stream: &Stream, policy: &Policy) -> Result<f64> {
    let q0 = policy.quantum(0);
    if !q0.is_finite() {
        return Ok(0.0);
    }
    let levels = match *policy {
        Policy::Mlfq { levels, .. } => levels,
        _ => 1,
    };
    let q_top = policy.quantum(levels - 1);
    let cs = stream.context_switch;
    if cs >= q_top {
        return Err(Error::config(format!(
            "policy {}: the context-switch time {} is not below the quantum {}: a job that resumes would spend its whole quantum switching and never progress",
            policy.id(),
            show(cs),
            show(q_top)
        )));
    }
    let speeds = stream.machine_speeds();
    let lo = speeds.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = speeds.iter().copied().fold(0.0, f64::max);
    let ratio = hi / lo;
    let work: f64 = stream.jobs.iter().map(|j| j.size()).sum();
    let per_quantum = q_top - cs;
    let shared: f64 = stream
        .jobs
        .iter()
        .map(|j| {
            let s = j.size();
            let shared = s.min((work - s).max(0.0) * ratio);
            levels as f64 + shared / per_quantum
        })
        .sum();
    // Lone stretches end at an event (an arrival, an operation's end, another job
    // leaving), each stepping at most `LONE_STEP_QUANTA` quanta.
    let items: usize = stream.jobs.iter().map(|j| 1 + j.ops.len()).sum();
    let lone = (work / per_quantum).min(limits::LONE_STEP_QUANTA * items as f64);
    // And never more than every job's whole size in quanta.
    let whole = stream.jobs.len() as f64 * levels as f64 + work / per_quantum;
    let expiries = (shared + lone).min(whole);
    if !expiries.is_finite() || expiries > limits::MAX_QUANTUM_EXPIRIES {
        return Err(Error::config(format!(
            "policy {}: the quantum {} is too small for this stream's work {}: about {} quantum expiries to simulate, above the limit of {} (use a larger quantum, or ps, round robin's limit as the quantum shrinks)",
            policy.id(),
            show(q0),
            show(work),
            show(expiries.round()),
            show(limits::MAX_QUANTUM_EXPIRIES)
        )));
    }
    Ok(expiries)
}

#[path = "placement.rs"]
mod placement;

#[cfg(test)]
#[path = "engine_tests.rs"]
mod work_budget_tests;
