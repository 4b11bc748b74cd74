//! The serving lab's engine: LLM model instances with prefix KV caches, a stream of
//! requests, and routers that pick an instance per request (docs/serving.md).
//!
//! - [`Request`]s come from a Mooncake trace ([`parse_trace`]) or the synthetic generator
//!   ([`synthetic`]): arrival (ms), prompt and output lengths (tokens), and the prompt's
//!   block hashes (512 tokens per block; an id names its whole prefix).
//! - [`sim::simulate`] routes and serves them: per instance an LRU cache of blocks, a FIFO
//!   prefill queue (prefill time = a + b × uncached tokens) and a decode batch; TTFT =
//!   arrival → end of prefill.
//! - [`router`]: round robin, random, least loaded, consistent hashing, power of two
//!   choices, SGLang-style cache-aware and DualMap, one registry.

pub mod cache;
pub mod lab;
pub mod router;
pub mod sim;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::util::derive_seed;

/// Tokens per KV-cache block (Mooncake's traces use 512).
pub const BLOCK_TOKENS: usize = 512;
/// Upper bound on requests in a workload.
pub const MAX_REQUESTS: usize = 1_000_000;
/// Upper bound on blocks per request.
pub const MAX_BLOCKS: usize = 20_000;

/// The Serving lab's numeric bounds beyond the counts above (docs/serving.md, "Limits").
pub mod limits {
    /// Largest time constant (ms), arrival time or SLO.
    pub const MAX_NUMBER: f64 = crate::scenario::limits::MAX_NUMBER;
    /// Largest relative σ of prefill and decode times.
    pub const MAX_SIGMA: f64 = crate::stream::limits::MAX_SIGMA;
    /// Largest instance slowdown factor.
    pub const MAX_SLOWDOWN: f64 = 1e6;
    /// Scaling events in one configuration (each one re-maps every prefix seen).
    pub const MAX_SCALING_EVENTS: usize = 1_000;
    /// Largest KV memory of an instance, in blocks.
    pub const MAX_KV_BLOCKS: usize = 10_000_000;
    /// DualMap and consistent hashing count the prefixes each scaling event re-maps, a pass
    /// over every prefix seen: scaling events × requests stays within this (the page's
    /// 10,000 requests × 1,000 events are 10 M).
    pub const MAX_REMAP_WORK: usize = 20_000_000;
    /// Mean user and output tokens of the synthetic workload (a draw is exponential, so
    /// a mean this size still keeps every request under `MAX_BLOCKS`).
    pub const MAX_MEAN_TOKENS: f64 = 100_000.0;
    /// Event budget of the serving simulator: `EVENTS_PER_REQUEST` × (requests + scaling
    /// events + output tokens + prompt tokens ÷ the token budget) + `EVENTS_BASE`. An
    /// iteration computes at least one token of a prefill or one output token of every
    /// request it decodes; a request is preempted at most [`MAX_PREEMPTIONS_PER_REQUEST`]
    /// times on average. Past the budget the run stops with an error.
    pub const EVENTS_PER_REQUEST: usize = 4;
    pub const MAX_PREEMPTIONS_PER_REQUEST: usize = 20;
    /// The smallest token budget of an iteration.
    pub const MIN_TOKEN_BUDGET: usize = 64;
    pub const EVENTS_BASE: usize = 1_000;
}

/// One request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Arrival time in ms.
    pub arrival: f64,
    pub input_tokens: u32,
    pub output_tokens: u32,
    /// The prompt's block hashes, in order.
    pub blocks: Vec<u64>,
}

/// A workload: requests in arrival order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    pub name: String,
    pub requests: Vec<Request>,
}

impl Workload {
    /// Arrivals per second at the trace's own timing: the inverse of the mean gap between
    /// consecutive arrivals; `None` for fewer than two requests or no time between them.
    pub fn base_rate(&self) -> Option<f64> {
        let span = self.span_ms();
        (self.requests.len() > 1 && span > 0.0)
            .then(|| (self.requests.len() - 1) as f64 / (span / 1000.0))
    }

    /// Time from the first to the last arrival, ms.
    pub fn span_ms(&self) -> f64 {
        match (self.requests.first(), self.requests.last()) {
            (Some(a), Some(b)) => b.arrival - a.arrival,
            _ => 0.0,
        }
    }

    /// Arrivals compressed by `scale` (2 = twice the request rate).
    pub fn scaled(&self, scale: f64) -> Workload {
        Workload {
            name: self.name.clone(),
            requests: self
                .requests
                .iter()
                .map(|r| Request {
                    arrival: r.arrival / scale,
                    ..r.clone()
                })
                .collect(),
        }
    }

    /// Requests sharing an arrival time spread over the trace's resolution (seeded): such a
    /// request at time t moves to t + u × min(resolution, the gap to the next distinct
    /// time), u uniform in [0, 1), and the requests are sorted again; a request alone at
    /// its time stays. The resolution is the median gap between consecutive distinct
    /// arrival times (3 s in the Mooncake conversation trace, whose 12,031 requests have
    /// 1,180 distinct times); without spreading, scaling the rate moves whole groups and
    /// attainment cannot follow the load. A trace whose requests all share one time has no
    /// resolution and stays as it is.
    pub fn spread(&self, seed: u64) -> Workload {
        let mut times: Vec<f64> = self.requests.iter().map(|r| r.arrival).collect();
        times.dedup();
        if times.len() == self.requests.len() || times.len() < 2 {
            return self.clone();
        }
        let mut gaps: Vec<f64> = times.windows(2).map(|x| x[1] - x[0]).collect();
        crate::util::sort_dyn(&mut gaps, &f64::total_cmp);
        let resolution = gaps[gaps.len() / 2];
        let mut rng = StdRng::seed_from_u64(derive_seed(seed, 33));
        let mut requests = self.requests.clone();
        let n = requests.len();
        let shared: Vec<bool> = (0..n)
            .map(|j| {
                let t = requests[j].arrival;
                (j > 0 && requests[j - 1].arrival == t)
                    || (j + 1 < n && requests[j + 1].arrival == t)
            })
            .collect();
        let mut k = 0;
        for (r, shared) in requests.iter_mut().zip(shared) {
            while k + 1 < times.len() && times[k] < r.arrival {
                k += 1;
            }
            if shared {
                let gap = times.get(k + 1).map_or(resolution, |&next| next - times[k]);
                r.arrival += rng.random::<f64>() * resolution.min(gap);
            }
        }
        crate::util::sort_dyn(&mut requests, &|a, b| a.arrival.total_cmp(&b.arrival));
        Workload {
            name: self.name.clone(),
            requests,
        }
    }

    /// The requests arriving in [start, end) ms, shifted to start at 0.
    pub fn window(&self, start: f64, end: f64) -> Workload {
        Workload {
            name: self.name.clone(),
            requests: self
                .requests
                .iter()
                .filter(|r| r.arrival >= start && r.arrival < end)
                .map(|r| Request {
                    arrival: r.arrival - start,
                    ..r.clone()
                })
                .collect(),
        }
    }

    /// Mean request rate in requests per second.
    pub fn rate_rps(&self) -> f64 {
        let span = self.span_ms();
        if span > 0.0 {
            (self.requests.len().saturating_sub(1)) as f64 / span * 1000.0
        } else {
            0.0
        }
    }

    pub fn validate(&self) -> Result<()> {
        if self.requests.is_empty() {
            return Err(Error::invalid("the workload has no requests"));
        }
        if self.requests.len() > MAX_REQUESTS {
            return Err(Error::Limit {
                what: "requests",
                found: self.requests.len(),
                limit: MAX_REQUESTS,
            });
        }
        let mut last = 0.0;
        for (i, r) in self.requests.iter().enumerate() {
            if !(r.arrival.is_finite() && r.arrival >= last) {
                return Err(Error::invalid(format!(
                    "request {i}: arrival {} is not finite and in order",
                    r.arrival
                )));
            }
            last = r.arrival;
            if r.arrival > limits::MAX_NUMBER {
                return Err(Error::invalid(format!(
                    "request {i}: arrival {} is above the limit of {}",
                    crate::util::show(r.arrival),
                    crate::util::show(limits::MAX_NUMBER)
                )));
            }
            if r.input_tokens == 0 {
                return Err(Error::invalid(format!("request {i} has no prompt tokens")));
            }
            if r.blocks.len() > MAX_BLOCKS {
                return Err(Error::Limit {
                    what: "blocks in a request",
                    found: r.blocks.len(),
                    limit: MAX_BLOCKS,
                });
            }
        }
        Ok(())
    }
}

fn bad(name: &str, line: usize, msg: impl std::fmt::Display) -> Error {
    Error::format("Mooncake trace", format!("{name}:{line}: {msg}"))
}

/// Parses a Mooncake trace (JSON lines with `timestamp` in ms, `input_length`,
/// `output_length`, `hash_ids`). Every line is checked; the first bad one is reported with
/// its number. Requests are sorted by arrival (stably).
pub fn parse_trace(name: &str, text: &str) -> Result<Workload> {
    #[derive(Deserialize)]
    struct Line {
        timestamp: f64,
        input_length: u64,
        output_length: u64,
        hash_ids: Vec<u64>,
    }
    let mut requests = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if requests.len() >= MAX_REQUESTS {
            return Err(bad(name, ln, format!("more than {MAX_REQUESTS} requests")));
        }
        let l: Line = serde_json::from_str(line).map_err(|e| bad(name, ln, e))?;
        if !(l.timestamp.is_finite() && l.timestamp >= 0.0) {
            return Err(bad(
                name,
                ln,
                format!("timestamp {} is not a time >= 0", l.timestamp),
            ));
        }
        if l.input_length == 0 || l.input_length > (MAX_BLOCKS * BLOCK_TOKENS) as u64 {
            return Err(bad(
                name,
                ln,
                format!("input_length {} is out of range", l.input_length),
            ));
        }
        if l.output_length > 1_000_000 {
            return Err(bad(
                name,
                ln,
                format!("output_length {} is out of range", l.output_length),
            ));
        }
        if l.hash_ids.len() > MAX_BLOCKS {
            return Err(bad(
                name,
                ln,
                format!("{} hash ids (limit {MAX_BLOCKS})", l.hash_ids.len()),
            ));
        }
        requests.push(Request {
            arrival: l.timestamp,
            input_tokens: l.input_length as u32,
            output_tokens: l.output_length as u32,
            blocks: l.hash_ids,
        });
    }
    if requests.is_empty() {
        return Err(bad(name, 1, "the trace has no requests"));
    }
    crate::util::sort_dyn(&mut requests, &|a, b| a.arrival.total_cmp(&b.arrival));
    Ok(Workload {
        name: name.to_string(),
        requests,
    })
}

/// The synthetic workload: shared-prefix groups with Zipf popularity (a system prompt per
/// group), multi-turn conversations (a follow-up carries the whole conversation so far as
/// its prefix), and bursty arrivals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyntheticSpec {
    pub requests: usize,
    /// Mean arrival rate, requests per second.
    pub rate_rps: f64,
    /// Coefficient of variation of inter-arrival times (1 = Poisson, > 1 bursts).
    pub burstiness: f64,
    /// Shared-prefix groups (distinct system prompts).
    pub groups: usize,
    /// Zipf exponent of group popularity.
    pub zipf: f64,
    /// Blocks of each group's system prompt.
    pub system_blocks: usize,
    /// Mean new user tokens per turn.
    pub user_tokens: f64,
    /// Mean output tokens.
    pub output_tokens: f64,
    /// Probability that a request continues an open conversation of its group.
    pub follow_up: f64,
    pub seed: u64,
}

impl Default for SyntheticSpec {
    fn default() -> Self {
        SyntheticSpec {
            requests: 4000,
            rate_rps: 4.0,
            burstiness: 2.0,
            groups: 40,
            zipf: 1.1,
            system_blocks: 8,
            user_tokens: 1500.0,
            output_tokens: 200.0,
            follow_up: 0.5,
            seed: 1,
        }
    }
}

/// Generates the synthetic workload; the same spec gives the same requests.
pub fn synthetic(spec: &SyntheticSpec) -> Result<Workload> {
    if spec.requests == 0 || spec.requests > MAX_REQUESTS {
        return Err(Error::invalid(format!(
            "requests must be between 1 and {MAX_REQUESTS}"
        )));
    }
    for (what, v) in [
        ("rate", spec.rate_rps),
        ("burstiness", spec.burstiness),
        ("user tokens", spec.user_tokens),
        ("output tokens", spec.output_tokens),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::invalid(format!(
                "{what} must be a finite number > 0 (got {v})"
            )));
        }
    }
    for (what, v) in [
        ("user tokens", spec.user_tokens),
        ("output tokens", spec.output_tokens),
    ] {
        if v > limits::MAX_MEAN_TOKENS {
            return Err(Error::invalid(format!(
                "{what} {} is above the limit of {}",
                crate::util::show(v),
                limits::MAX_MEAN_TOKENS
            )));
        }
    }
    if spec.groups == 0 || spec.groups > 100_000 || spec.system_blocks > 1000 {
        return Err(Error::invalid(
            "groups must be 1-100000 and system blocks at most 1000",
        ));
    }
    if !(spec.zipf.is_finite() && spec.zipf >= 0.0 && (0.0..=1.0).contains(&spec.follow_up)) {
        return Err(Error::invalid(
            "zipf must be >= 0 and follow-up a probability",
        ));
    }
    let mut rng = StdRng::seed_from_u64(derive_seed(spec.seed, 31));
    let times = crate::stream::arrival_times(
        &if spec.burstiness == 1.0 {
            crate::stream::Arrivals::Poisson {
                mean_interarrival: 1000.0 / spec.rate_rps,
            }
        } else {
            crate::stream::Arrivals::Gamma {
                mean_interarrival: 1000.0 / spec.rate_rps,
                cv: spec.burstiness,
            }
        },
        spec.requests,
        1.0,
        1.0,
        derive_seed(spec.seed, 32),
    )?;
    // Zipf weights' cumulative sums.
    let mut cum = Vec::with_capacity(spec.groups);
    let mut total = 0.0;
    for g in 0..spec.groups {
        total += 1.0 / ((g + 1) as f64).powf(spec.zipf);
        cum.push(total);
    }
    let mut next_id: u64 = 0;
    let mut fresh = || {
        next_id += 1;
        next_id
    };
    let system: Vec<Vec<u64>> = (0..spec.groups)
        .map(|_| (0..spec.system_blocks).map(|_| fresh()).collect())
        .collect();
    // The open conversation of each group: its blocks so far.
    let mut open: Vec<Option<Vec<u64>>> = vec![None; spec.groups];
    let mut requests = Vec::with_capacity(spec.requests);
    for t in times {
        let u = rng.random::<f64>() * total;
        let g = cum.partition_point(|&c| c < u).min(spec.groups - 1);
        let prefix = match &open[g] {
            Some(conv) if rng.random::<f64>() < spec.follow_up => conv.clone(),
            _ => system[g].clone(),
        };
        let user = crate::dist::exponential(&mut rng, spec.user_tokens).max(1.0) as usize;
        let tokens = prefix.len() * BLOCK_TOKENS + user;
        let mut blocks = prefix;
        while blocks.len() * BLOCK_TOKENS < tokens {
            blocks.push(fresh());
        }
        let output = crate::dist::exponential(&mut rng, spec.output_tokens).max(1.0) as u32;
        // The reply becomes part of the conversation (whole blocks only).
        let mut conv = blocks.clone();
        for _ in 0..(output as usize / BLOCK_TOKENS) {
            conv.push(fresh());
        }
        open[g] = Some(conv);
        requests.push(Request {
            arrival: t,
            input_tokens: tokens.min(MAX_BLOCKS * BLOCK_TOKENS) as u32,
            output_tokens: output,
            blocks,
        });
    }
    Ok(Workload {
        name: "synthetic".into(),
        requests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traces_parse_and_bad_lines_are_located() {
        let w = parse_trace(
            "t.jsonl",
            "{\"timestamp\": 5, \"input_length\": 600, \"output_length\": 3, \"hash_ids\": [1, 2]}\n\n{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 1, \"hash_ids\": [1]}\n",
        )
        .unwrap();
        assert_eq!(w.requests.len(), 2);
        assert_eq!(w.requests[0].arrival, 0.0);
        assert_eq!(w.requests[1].blocks, vec![1, 2]);
        let e = parse_trace("t.jsonl", "{\"timestamp\": 5, \"input_length\": 600, \"output_length\": 3, \"hash_ids\": [1, 2]}\n{\"timestamp\": -1, \"input_length\": 1, \"output_length\": 1, \"hash_ids\": []}").unwrap_err().to_string();
        assert!(e.contains("t.jsonl:2"), "{e}");
        let e = parse_trace("t.jsonl", "{\"timestamp\": 5}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("t.jsonl:1") && e.contains("input_length"), "{e}");
        assert!(parse_trace("t.jsonl", "not json").is_err());
        assert!(parse_trace("t.jsonl", "").is_err());
        // Two arrivals 5 ms apart: 200 per second; one arrival has no rate.
        assert_eq!(w.base_rate(), Some(200.0));
        let one = Workload {
            name: "one".into(),
            requests: w.requests[..1].to_vec(),
        };
        assert_eq!(one.base_rate(), None);
    }

    #[test]
    fn the_conversation_trace_arrives_at_about_three_and_a_half_per_second() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/mooncake/conversation_trace.jsonl"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            panic!("{path}: the shared data is part of the checkout");
        };
        let w = parse_trace("conversation_trace.jsonl", &text).unwrap();
        let r = w.base_rate().unwrap();
        // 12,031 requests over 3,537 s (about an hour).
        assert_eq!(w.requests.len(), 12_031);
        assert!(
            (3_536.0..3_538.0).contains(&(w.span_ms() / 1000.0)),
            "{}",
            w.span_ms()
        );
        assert!(
            (r - 12_030.0 / (w.span_ms() / 1000.0)).abs() < 1e-9 && (3.39..3.41).contains(&r),
            "{r}"
        );
    }

    #[test]
    fn the_synthetic_workload_shares_prefixes_and_is_seeded() {
        let spec = SyntheticSpec::default();
        let w = synthetic(&spec).unwrap();
        assert_eq!(w, synthetic(&spec).unwrap());
        assert_eq!(w.requests.len(), 4000);
        // Popular groups share their system prompt's first block.
        let first = w.requests.iter().filter(|r| r.blocks[0] == 1).count();
        assert!(first > 200, "{first}");
        // Follow-ups extend a previous request's prefix.
        let long = w
            .requests
            .iter()
            .filter(|r| r.blocks.len() > spec.system_blocks + 10)
            .count();
        assert!(long > 10);
        assert!((w.rate_rps() - 4.0).abs() < 0.6, "{}", w.rate_rps());
    }
}
