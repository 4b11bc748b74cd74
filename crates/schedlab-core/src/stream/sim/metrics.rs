//! Flow-time metrics of a stream run, and the reference (SRPT on one fast machine) that
//! competitive ratios divide by.

use serde::Serialize;

use super::engine::{simulate, StreamRun};
use crate::error::Result;
use crate::stream::policy::Policy;
use crate::stream::Stream;

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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Total flow time of SRPT with true sizes on one machine as fast as all of `stream`'s
/// machines together: a lower bound on any schedule's total flow time (= SRPT's when there
/// is one machine), the denominator of the empirical competitive ratio.
pub fn reference_flow(stream: &Stream) -> Result<f64> {
    let mut fast = stream.clone();
    fast.info = crate::stream::Info::Clairvoyant;
    let capacity: f64 = stream.machine_speeds().iter().sum();
    for j in &mut fast.jobs {
        j.ops = vec![j.size() / capacity];
        j.estimate = j.ops[0];
    }
    fast.machines = 1;
    fast.speeds.clear();
    fast.context_switch = 0.0;
    let run = simulate(&fast, Policy::Srpt)?;
    Ok(StreamMetrics::compute(&fast, &run).total_flow_time)
}

impl StreamMetrics {
    pub fn compute(stream: &Stream, run: &StreamRun) -> StreamMetrics {
        let arrivals: Vec<f64> = stream.jobs.iter().map(|j| j.arrival).collect();
        let sizes: Vec<f64> = stream.jobs.iter().map(|j| j.size()).collect();
        let work: f64 = sizes.iter().sum();
        StreamMetrics::from_flows(
            &arrivals,
            &run.completion,
            &sizes,
            &run.queue,
            work,
            stream.machine_speeds().iter().sum(),
            run.preemptions,
        )
    }

    /// The metrics from arrivals, completions and sizes (slowdown = flow ÷ size, waiting =
    /// flow − size), the queue-length steps, the work done and the total machine capacity.
    pub fn from_flows(
        arrivals: &[f64],
        completion: &[f64],
        sizes: &[f64],
        queue: &[(f64, usize)],
        work: f64,
        capacity: f64,
        preemptions: usize,
    ) -> StreamMetrics {
        let n = arrivals.len();
        let flows: Vec<f64> = arrivals
            .iter()
            .zip(completion)
            .map(|(a, c)| c - a)
            .collect();
        let mut sorted = flows.clone();
        crate::util::sort_dyn(&mut sorted, &f64::total_cmp);
        let total: f64 = flows.iter().sum();
        let first = arrivals.first().copied().unwrap_or(0.0);
        let last = completion.iter().copied().fold(0.0, f64::max);
        let span = (last - first).max(f64::MIN_POSITIVE);
        let mut area = 0.0;
        for w in queue.windows(2) {
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
            mean_slowdown: sizes.iter().zip(&flows).map(|(s, f)| f / s).sum::<f64>() / nn,
            mean_waiting_time: sizes.iter().zip(&flows).map(|(s, f)| f - s).sum::<f64>() / nn,
            throughput: n as f64 / span,
            utilisation: work / (capacity * span),
            mean_queue_length: area / span,
            max_queue_length: queue.iter().map(|q| q.1).max().unwrap_or(0),
            preemptions,
            average_job_latency: total / nn,
        }
    }
}
