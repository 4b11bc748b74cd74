//! The stream simulator: piecewise-constant rates between events, McNaughton's wrap-around
//! rule to place each interval's work on machines, flow-time metrics, and an independent
//! validator of the resulting machine segments.

use serde::Serialize;

use super::policy::{Active, Policy};
use super::Stream;
use crate::error::{Error, Result};

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
}

/// Flow-time metrics of a run (names as in the CLI's JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamMetrics {
    pub jobs: usize,
    pub total_flow_time: f64,
    pub mean_flow_time: f64,
    pub max_flow_time: f64,
    pub p50_flow_time: f64,
    pub p90_flow_time: f64,
    pub p99_flow_time: f64,
    /// Mean of flow time ÷ size (stretch).
    pub mean_slowdown: f64,
    /// Mean of flow time − size.
    pub mean_waiting_time: f64,
    /// Jobs per time unit between the first arrival and the last completion.
    pub throughput: f64,
    /// Work ÷ (machines × that span).
    pub utilisation: f64,
    /// Time-weighted mean number of jobs in the system.
    pub mean_queue_length: f64,
    pub max_queue_length: usize,
    pub preemptions: usize,
    /// DS3's metric: mean of completion − arrival (= mean flow time).
    pub average_job_latency: f64,
}

const EPS: f64 = 1e-12;

/// Runs `policy` on `stream`. Fails if the policy needs information the stream's model
/// does not give, or if the stream is invalid.
pub fn simulate(stream: &Stream, policy: Policy) -> Result<StreamRun> {
    stream.validate()?;
    policy.check(
        stream.info,
        stream.jobs.iter().any(|j| j.deadline.is_some()),
    )?;
    let m = stream.machines;
    let n = stream.jobs.len();
    let mut completion = vec![f64::NAN; n];
    let mut active: Vec<Active> = Vec::new();
    let mut op_index: Vec<usize> = vec![0; n];
    let mut machine_of: Vec<Option<usize>> = vec![None; n];
    let mut segments: Vec<Segment> = Vec::new();
    let mut open: Vec<Option<usize>> = vec![None; m]; // index into segments of the machine's last piece
    let mut queue = vec![(0.0, 0usize)];
    let mut seq = 0u64;
    let mut next = 0usize;
    let mut now = stream.jobs.first().map_or(0.0, |j| j.arrival);
    let mut preemptions = 0usize;
    let mut events = 0usize;
    let mut prev_rates: Vec<(usize, f64)> = Vec::new();
    // A run has at most a few events per arrival, operation end and quantum: past this
    // bound the simulation is not progressing (computed once: it reads every job).
    let max_ops = stream.jobs.iter().map(|j| j.ops.len()).max().unwrap_or(1);
    let max_events = 64 * (n + 16) * (1 + max_ops) + quantum_budget(stream, policy);

    while next < n || !active.is_empty() {
        // Admit arrivals at `now`.
        let mut changed = false;
        while next < n && stream.jobs[next].arrival <= now + EPS * now.abs().max(1.0) {
            let j = &stream.jobs[next];
            active.push(Active {
                job: next,
                arrival: j.arrival,
                attained: 0.0,
                remaining: j.size(),
                op_remaining: j.ops[0],
                estimate_remaining: j.estimate,
                deadline: j.deadline,
                queue_seq: seq,
                quantum_left: policy.quantum(0),
                level: 0,
                running: false,
            });
            seq += 1;
            next += 1;
            changed = true;
        }
        if changed {
            queue.push((now, active.len()));
        }
        if active.is_empty() {
            now = stream.jobs[next].arrival;
            continue;
        }
        events += 1;
        let (rates, horizon) = policy.allocate(&active, m);
        // Preemptions: a job that had a machine and lost it while unfinished.
        for &(job, r) in &prev_rates {
            if r >= 1.0 - 1e-9 {
                if let Some(i) = active.iter().position(|a| a.job == job) {
                    if rates[i] < 1.0 - 1e-9 {
                        preemptions += 1;
                    }
                }
            }
        }
        // Length of this interval: next arrival, next operation end, policy's horizon.
        let mut dt = horizon;
        if next < n {
            dt = dt.min(stream.jobs[next].arrival - now);
        }
        for (a, &r) in active.iter().zip(&rates) {
            if r > 0.0 {
                dt = dt.min(a.op_remaining / r);
            }
        }
        if !dt.is_finite() || dt < 0.0 || events > max_events {
            return Err(Error::Simulation(format!(
                "no progress at t = {now} (policy {policy:?})"
            )));
        }
        place(
            &active,
            &rates,
            now,
            dt,
            m,
            &mut machine_of,
            &mut segments,
            &mut open,
        );
        // Advance.
        let end = now + dt;
        let mut done = Vec::new();
        for (i, (a, &r)) in active.iter_mut().zip(&rates).enumerate() {
            a.running = r > 0.0;
            if r <= 0.0 {
                continue;
            }
            let w = r * dt;
            a.attained += w;
            a.remaining -= w;
            a.op_remaining -= w;
            a.estimate_remaining =
                (a.estimate_remaining - w).max(1e-9 * stream.jobs[a.job].estimate);
            a.quantum_left -= w;
            let tol = 1e-9 * stream.jobs[a.job].size().max(1e-300);
            if a.op_remaining <= tol {
                let k = op_index[a.job] + 1;
                if k >= stream.jobs[a.job].ops.len() {
                    done.push(i);
                } else {
                    op_index[a.job] = k;
                    a.op_remaining = stream.jobs[a.job].ops[k];
                }
            }
            if a.quantum_left <= tol && policy.quantum(0).is_finite() {
                a.level = policy.demote(a.level);
                a.quantum_left = policy.quantum(a.level);
                a.queue_seq = seq;
                seq += 1;
            }
        }
        now = end;
        prev_rates = active
            .iter()
            .zip(&rates)
            .map(|(a, &r)| (a.job, r))
            .collect();
        if !done.is_empty() {
            for &i in done.iter().rev() {
                let a = active.swap_remove(i);
                completion[a.job] = now;
                machine_of[a.job] = None;
            }
            // Keep a deterministic order (arrival order) whatever swap_remove did.
            active.sort_by_key(|a| a.job);
            queue.push((now, active.len()));
        }
    }
    Ok(StreamRun {
        completion,
        segments,
        queue,
        preemptions,
        events,
    })
}

/// Places one interval's work on machines: full-rate jobs keep their machine when they can;
/// fractional rates go through McNaughton's wrap-around rule on the remaining machines.
#[allow(clippy::too_many_arguments)]
fn place(
    active: &[Active],
    rates: &[f64],
    t: f64,
    dt: f64,
    m: usize,
    machine_of: &mut [Option<usize>],
    segments: &mut Vec<Segment>,
    open: &mut [Option<usize>],
) {
    if dt <= 0.0 {
        return;
    }
    let mut push =
        |machine: usize, job: usize, start: f64, end: f64, segments: &mut Vec<Segment>| {
            if end - start <= 0.0 {
                return;
            }
            if let Some(k) = open[machine] {
                let s = &mut segments[k];
                if s.job == job && (s.end - start).abs() <= 1e-12 * start.abs().max(1.0) {
                    s.end = end;
                    return;
                }
            }
            segments.push(Segment {
                machine,
                job,
                start,
                end,
            });
            open[machine] = Some(segments.len() - 1);
        };
    let mut taken = vec![false; m];
    let full: Vec<usize> = (0..active.len())
        .filter(|&i| rates[i] >= 1.0 - 1e-12)
        .collect();
    let mut unplaced = Vec::new();
    for &i in &full {
        match machine_of[active[i].job] {
            Some(p) if !taken[p] => taken[p] = true,
            _ => unplaced.push(i),
        }
    }
    for &i in &unplaced {
        let p = (0..m)
            .find(|&p| !taken[p])
            .expect("at most m full-rate jobs");
        taken[p] = true;
        machine_of[active[i].job] = Some(p);
    }
    for &i in &full {
        let p = machine_of[active[i].job].expect("placed");
        push(p, active[i].job, t, t + dt, segments);
    }
    // McNaughton on the free machines for fractional rates.
    let free: Vec<usize> = (0..m).filter(|&p| !taken[p]).collect();
    let mut mi = 0usize;
    let mut pos = 0.0f64;
    for i in (0..active.len()).filter(|&i| rates[i] > 0.0 && rates[i] < 1.0 - 1e-12) {
        let job = active[i].job;
        machine_of[job] = None;
        let mut len = rates[i] * dt;
        while len > 1e-15 * dt.max(1.0) && mi < free.len() {
            let room = dt - pos;
            let take = len.min(room);
            push(free[mi], job, t + pos, t + pos + take, segments);
            len -= take;
            pos += take;
            if pos >= dt - 1e-15 * dt.max(1.0) {
                mi += 1;
                pos = 0.0;
            }
        }
    }
}

/// Upper bound on quantum expiries (RR, MLFQ): total work ÷ smallest quantum.
fn quantum_budget(stream: &Stream, policy: Policy) -> usize {
    let q = policy.quantum(0);
    if !q.is_finite() {
        return 0;
    }
    let work: f64 = stream.jobs.iter().map(|j| j.size()).sum();
    ((work / q) * 4.0).min(1e12) as usize + 1000
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

impl StreamMetrics {
    pub fn compute(stream: &Stream, run: &StreamRun) -> StreamMetrics {
        let n = stream.jobs.len();
        let flows: Vec<f64> = stream
            .jobs
            .iter()
            .zip(&run.completion)
            .map(|(j, c)| c - j.arrival)
            .collect();
        let mut sorted = flows.clone();
        sorted.sort_by(f64::total_cmp);
        let total: f64 = flows.iter().sum();
        let first = stream.jobs.first().map_or(0.0, |j| j.arrival);
        let last = run.completion.iter().copied().fold(0.0, f64::max);
        let span = (last - first).max(f64::MIN_POSITIVE);
        let work: f64 = stream.jobs.iter().map(|j| j.size()).sum();
        let mut area = 0.0;
        for w in run.queue.windows(2) {
            area += w[0].1 as f64 * (w[1].0 - w[0].0);
        }
        let nn = n.max(1) as f64;
        StreamMetrics {
            jobs: n,
            total_flow_time: total,
            mean_flow_time: total / nn,
            max_flow_time: sorted.last().copied().unwrap_or(0.0),
            p50_flow_time: percentile(&sorted, 0.5),
            p90_flow_time: percentile(&sorted, 0.9),
            p99_flow_time: percentile(&sorted, 0.99),
            mean_slowdown: stream
                .jobs
                .iter()
                .zip(&flows)
                .map(|(j, f)| f / j.size())
                .sum::<f64>()
                / nn,
            mean_waiting_time: stream
                .jobs
                .iter()
                .zip(&flows)
                .map(|(j, f)| f - j.size())
                .sum::<f64>()
                / nn,
            throughput: n as f64 / span,
            utilisation: work / (stream.machines as f64 * span),
            mean_queue_length: area / span,
            max_queue_length: run.queue.iter().map(|q| q.1).max().unwrap_or(0),
            preemptions: run.preemptions,
            average_job_latency: total / nn,
        }
    }
}

/// Independent check of a run: every job receives exactly its size of service, never
/// before its arrival, never on two machines at once, never after its completion; no
/// machine runs two pieces at once.
pub fn check(stream: &Stream, run: &StreamRun) -> std::result::Result<(), String> {
    let n = stream.jobs.len();
    let mut per_job: Vec<Vec<(f64, f64)>> = vec![Vec::new(); n];
    let mut per_machine: Vec<Vec<(f64, f64, usize)>> = vec![Vec::new(); stream.machines];
    for s in &run.segments {
        if s.machine >= stream.machines
            || s.job >= n
            || s.end.partial_cmp(&s.start) != Some(std::cmp::Ordering::Greater)
        {
            return Err(format!("bad segment {s:?}"));
        }
        per_job[s.job].push((s.start, s.end));
        per_machine[s.machine].push((s.start, s.end, s.job));
    }
    let scale = run.completion.iter().copied().fold(1.0, f64::max);
    let tol = 1e-7 * scale;
    for (j, segs) in per_job.iter_mut().enumerate() {
        segs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let job = &stream.jobs[j];
        let served: f64 = segs.iter().map(|s| s.1 - s.0).sum();
        if (served - job.size()).abs() > 1e-6 * job.size().max(1.0) {
            return Err(format!(
                "job {j} got {served} of service for a size of {}",
                job.size()
            ));
        }
        if segs.first().is_some_and(|s| s.0 < job.arrival - tol) {
            return Err(format!("job {j} ran before it arrived"));
        }
        if segs.windows(2).any(|w| w[1].0 < w[0].1 - tol) {
            return Err(format!("job {j} ran on two machines at once"));
        }
        // Under sharing policies completion is the fluid model's (the end of the interval
        // in which the job's share ran out); the machine pieces realise those shares inside
        // each interval, so a piece may end earlier, never later.
        let end = segs.last().map_or(f64::NAN, |s| s.1);
        if end.is_nan() || end > run.completion[j] + tol {
            return Err(format!(
                "job {j} completes at {} but a piece ends at {end}",
                run.completion[j]
            ));
        }
    }
    for (p, segs) in per_machine.iter_mut().enumerate() {
        segs.sort_by(|a, b| a.0.total_cmp(&b.0));
        if let Some(w) = segs.windows(2).find(|w| w[1].0 < w[0].1 - tol) {
            return Err(format!(
                "machine {p} runs jobs {} and {} at once",
                w[0].2, w[1].2
            ));
        }
    }
    Ok(())
}
