//! The Serving lab as one value: the settings that a share link, the page and the CLI
//! share ([`ServingSettings`]), the workload and configuration they describe, and one run
//! API ([`run`]). The web app, `schedlab serve` and `schedlab open` all call it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::router::Router;
use super::sim::{
    simulate, InstanceScheduler, ScaleEvent, ServeConfig, ServeMetrics, ServeRun,
    DEFAULT_BATCH_LIMIT, DEFAULT_KV_BLOCKS, DEFAULT_TPOT_SLO_MS,
};
use super::{synthetic, SyntheticSpec, Workload};
use crate::error::{Error, Result};

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

fn is_default_batch(v: &usize) -> bool {
    *v == DEFAULT_BATCH_LIMIT
}

fn is_default_tpot(v: &f64) -> bool {
    *v == DEFAULT_TPOT_SLO_MS
}

/// The capacity search's attainment target unless the settings say otherwise: 90 % of the
/// requests meet the TTFT SLO.
pub const DEFAULT_CAPACITY_TARGET: f64 = 0.9;

fn is_default_target(v: &f64) -> bool {
    *v == DEFAULT_CAPACITY_TARGET
}

fn is_zero_usize(v: &usize) -> bool {
    *v == 0
}

fn is_false(v: &bool) -> bool {
    !*v
}

fn is_true(v: &bool) -> bool {
    *v
}

/// The Serving lab's settings, as the controls show them, links carry them and the CLI's
/// flags fill them in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServingSettings {
    /// Synthetic requests (when no trace is uploaded).
    pub requests: usize,
    /// Synthetic mean rate, req/s.
    pub rate: f64,
    pub groups: usize,
    /// Multiplies the arrival rate.
    pub rate_scale: f64,
    pub instances: usize,
    pub slo_ms: f64,
    /// The time-per-output-token SLO (goodput), ms.
    #[serde(skip_serializing_if = "is_default_tpot")]
    pub tpot_slo_ms: f64,
    /// KV memory per instance, blocks of 512 tokens.
    pub cache_blocks: usize,
    /// How instances batch: Sarathi-Serve's chunked prefill, or (false) vLLM's whole
    /// prompts first.
    #[serde(skip_serializing_if = "is_false")]
    pub chunked: bool,
    /// Tokens per iteration (0 = the scheduler's default).
    #[serde(skip_serializing_if = "is_zero_usize")]
    pub token_budget: usize,
    pub prefill_noise: f64,
    /// Relative σ of decode times.
    #[serde(skip_serializing_if = "is_zero")]
    pub decode_noise: f64,
    /// Requests decoding at once per instance (0 = unlimited).
    #[serde(skip_serializing_if = "is_default_batch")]
    pub batch_limit: usize,
    /// (instance, factor ≥ 1): instances that run slower by that factor.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub slow: Vec<(usize, f64)>,
    /// Spread a trace's shared arrival times over its resolution (seeded by `seed`; see
    /// [`Workload::spread`]).
    #[serde(skip_serializing_if = "is_true")]
    pub spread: bool,
    /// Keep only the requests arriving in [start, end) seconds (before rate scaling).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<(f64, f64)>,
    /// The effective-capacity search's target: the fraction of requests that must meet
    /// the TTFT SLO (`schedlab serve capacity --target`, the page's Capacity panel).
    #[serde(skip_serializing_if = "is_default_target")]
    pub capacity_target: f64,
    /// The routers to compare on the same requests.
    pub routers: Vec<String>,
    pub scaling: Vec<ScaleEvent>,
    pub seed: u64,
    /// An uploaded Mooncake trace.
    pub trace: Option<Workload>,
}

impl Default for ServingSettings {
    fn default() -> Self {
        ServingSettings {
            requests: 600,
            rate: 6.0,
            groups: 12,
            rate_scale: 1.0,
            instances: 4,
            slo_ms: 2000.0,
            tpot_slo_ms: DEFAULT_TPOT_SLO_MS,
            cache_blocks: DEFAULT_KV_BLOCKS,
            chunked: false,
            token_budget: 0,
            prefill_noise: 0.0,
            decode_noise: 0.0,
            batch_limit: DEFAULT_BATCH_LIMIT,
            slow: Vec::new(),
            spread: true,
            window: None,
            capacity_target: DEFAULT_CAPACITY_TARGET,
            routers: vec!["dualmap".into(), "round_robin".into()],
            scaling: Vec::new(),
            seed: 1,
            trace: None,
        }
    }
}

impl ServingSettings {
    /// Checks what serde cannot: known routers, positive rates, a valid configuration.
    pub fn validate(&self) -> Result<()> {
        if self.routers.is_empty() {
            return Err(Error::config("no router to run"));
        }
        for r in &self.routers {
            Router::parse(r)?;
        }
        if !(self.rate.is_finite()
            && self.rate > 0.0
            && self.rate_scale.is_finite()
            && self.rate_scale > 0.0)
        {
            return Err(Error::config(format!(
                "the rate and its scale must be finite numbers > 0 (got {} and {})",
                self.rate, self.rate_scale
            )));
        }
        let t = self.capacity_target;
        if !(t > 0.0 && t <= 1.0) {
            return Err(Error::config(format!(
                "the capacity target is a fraction of requests in (0, 1] (got {t})"
            )));
        }
        if let Some((x, y)) = self.window {
            if !(x.is_finite() && y.is_finite() && x < y) {
                return Err(Error::config(format!(
                    "the window must be START:END in seconds with START < END (got {x}:{y})"
                )));
            }
        }
        self.config().validate()
    }

    /// The simulator's configuration.
    pub fn config(&self) -> ServeConfig {
        ServeConfig {
            instances: self.instances,
            slo_ms: self.slo_ms,
            tpot_slo_ms: self.tpot_slo_ms,
            cache_blocks: self.cache_blocks,
            scheduler: if self.chunked {
                InstanceScheduler::Chunked
            } else {
                InstanceScheduler::Fcfs
            },
            token_budget: self.token_budget,
            batch_limit: self.batch_limit,
            prefill_sigma: self.prefill_noise,
            decode_sigma: self.decode_noise,
            slow: self.slow.clone(),
            scaling: self.scaling.clone(),
            seed: self.seed,
            ..ServeConfig::default()
        }
    }

    /// The requests: the trace or the synthetic workload, windowed, then rate-scaled.
    pub fn workload(&self) -> Result<Workload> {
        let mut w = match &self.trace {
            Some(t) if self.spread => t.spread(self.seed),
            Some(t) => t.clone(),
            None => synthetic(&SyntheticSpec {
                requests: self.requests,
                rate_rps: self.rate,
                groups: self.groups,
                seed: self.seed,
                ..SyntheticSpec::default()
            })?,
        };
        if let Some((x, y)) = self.window {
            w = w.window(x * 1000.0, y * 1000.0);
        }
        if self.rate_scale != 1.0 {
            w = w.scaled(self.rate_scale);
        }
        w.validate()?;
        Ok(w)
    }
}

/// One router's run on the lab's requests.
#[derive(Debug, Clone, PartialEq)]
pub struct RouterRun {
    pub router: String,
    /// How the router chooses, in one line.
    pub rule: String,
    pub run: ServeRun,
    pub metrics: ServeMetrics,
}

impl RouterRun {
    /// The row `schedlab serve` and `schedlab open` print: the metrics and `router`.
    pub fn row(&self) -> Value {
        let mut v = serde_json::to_value(&self.metrics).expect("metrics serialise");
        v["router"] = json!(self.router);
        v
    }
}

/// What a run of the lab gives: the requests, the configuration and each router's run.
#[derive(Debug, Clone, PartialEq)]
pub struct LabRun {
    pub workload: Workload,
    pub config: ServeConfig,
    pub runs: Vec<RouterRun>,
}

/// Runs every router of the settings on the same requests.
pub fn run(settings: &ServingSettings) -> Result<LabRun> {
    settings.validate()?;
    let workload = settings.workload()?;
    let config = settings.config();
    let mut runs = Vec::new();
    for id in &settings.routers {
        let r = Router::parse(id)?;
        let run = simulate(&workload, &config, r.clone())?;
        let metrics = ServeMetrics::compute(&workload, &config, &run);
        runs.push(RouterRun {
            router: id.clone(),
            rule: r.rule(),
            run,
            metrics,
        });
    }
    Ok(LabRun {
        workload,
        config,
        runs,
    })
}
