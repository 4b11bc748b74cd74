//! What the CLI and the lab report per router: TTFT, TPOT and end-to-end percentiles,
//! SLO attainment, goodput, cache hit rate, preemptions, load imbalance.

use serde::Serialize;

use super::engine::{ServeConfig, ServeRun};
use crate::serve::Workload;

/// What the CLI and the lab report per router (names as in the CLI's JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServeMetrics {
    pub requests: usize,
    pub ttft_p50_ms: f64,
    pub ttft_p90_ms: f64,
    pub ttft_p99_ms: f64,
    pub ttft_mean_ms: f64,
    /// Time per output token after the first: (last token − first token) ÷ (output
    /// tokens − 1), over requests with two tokens or more.
    pub tpot_p50_ms: f64,
    pub tpot_p99_ms: f64,
    pub e2e_p50_ms: f64,
    pub e2e_p99_ms: f64,
    /// Fraction of requests with TTFT ≤ the SLO.
    pub slo_attainment: f64,
    /// Requests per second meeting both the TTFT and the TPOT SLO (DistServe's goodput):
    /// the request rate × the fraction that does.
    pub goodput: f64,
    /// Requests preempted (KV memory freed, computed again), counted once per preemption.
    pub preemptions: usize,
    /// Cached prompt tokens ÷ prompt tokens.
    pub cache_hit_rate: f64,
    pub load_imbalance: f64,
    pub requests_per_instance: Vec<usize>,
    pub moves: usize,
    /// Requests per second offered.
    pub request_rate: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefixes_remapped: Option<usize>,
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

impl ServeMetrics {
    pub fn compute(w: &Workload, c: &ServeConfig, run: &ServeRun) -> ServeMetrics {
        let mut ttft: Vec<f64> = w
            .requests
            .iter()
            .zip(&run.requests)
            .map(|(q, r)| r.prefill_end - q.arrival)
            .collect();
        let mut e2e: Vec<f64> = w
            .requests
            .iter()
            .zip(&run.requests)
            .map(|(q, r)| r.decode_end - q.arrival)
            .collect();
        let ok = ttft.iter().filter(|&&t| t <= c.slo_ms).count();
        let good = w
            .requests
            .iter()
            .zip(&run.requests)
            .filter(|&(q, r)| {
                r.prefill_end - q.arrival <= c.slo_ms
                    && r.tpot(q).is_none_or(|t| t <= c.tpot_slo_ms)
            })
            .count();
        let mut tpot: Vec<f64> = w
            .requests
            .iter()
            .zip(&run.requests)
            .filter_map(|(q, r)| r.tpot(q))
            .collect();
        crate::util::sort_dyn(&mut tpot, &f64::total_cmp);
        crate::util::sort_dyn(&mut ttft, &f64::total_cmp);
        crate::util::sort_dyn(&mut e2e, &f64::total_cmp);
        let input: f64 = w.requests.iter().map(|q| q.input_tokens as f64).sum();
        let cached: f64 = run.requests.iter().map(|r| r.cached_tokens as f64).sum();
        let mut per = vec![0usize; run.instances];
        for r in &run.requests {
            per[r.instance] += 1;
        }
        let n = w.requests.len().max(1) as f64;
        ServeMetrics {
            requests: w.requests.len(),
            ttft_p50_ms: pct(&ttft, 0.5),
            ttft_p90_ms: pct(&ttft, 0.9),
            ttft_p99_ms: pct(&ttft, 0.99),
            ttft_mean_ms: ttft.iter().sum::<f64>() / n,
            tpot_p50_ms: pct(&tpot, 0.5),
            tpot_p99_ms: pct(&tpot, 0.99),
            e2e_p50_ms: pct(&e2e, 0.5),
            e2e_p99_ms: pct(&e2e, 0.99),
            slo_attainment: ok as f64 / n,
            goodput: w.rate_rps() * good as f64 / n,
            preemptions: run.requests.iter().map(|r| r.preemptions as usize).sum(),
            cache_hit_rate: if input > 0.0 { cached / input } else { 0.0 },
            load_imbalance: run.load_imbalance,
            requests_per_instance: per,
            moves: run.moves,
            request_rate: w.rate_rps(),
            prefixes_remapped: run
                .scaling
                .iter()
                .filter_map(|s| s.prefixes_remapped)
                .reduce(|a, b| a + b),
        }
    }
}
