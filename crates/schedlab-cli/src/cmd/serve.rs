//! `schedlab serve`: route LLM requests across model instances with prefix KV caches;
//! `serve capacity` also searches each router's effective capacity.

use schedlab_core::serve::router::Router;
use schedlab_core::serve::sim::{
    capacity, simulate, ScaleAction, ScaleEvent, ServeConfig, ServeMetrics,
};
use schedlab_core::serve::{parse_trace, synthetic, SyntheticSpec, Workload};
use serde_json::json;

use crate::args::{parse_ids, ServeArgs, ServeMode};
use crate::error::{CliResult, Fail};
use crate::{io, table};

pub fn exec(a: &ServeArgs) -> CliResult<()> {
    let w = workload(a)?;
    let config = config(a)?;
    config.validate()?;
    w.validate()?;
    let routers = parse_ids(&a.routers, Router::parse)?;
    let capacity_mode = a.mode == Some(ServeMode::Capacity);
    let mut rows = Vec::new();
    let bar = if capacity_mode {
        io::progress_bar(routers.len() as u64)
    } else {
        None
    };
    for (id, r) in &routers {
        let run = simulate(&w, &config, *r)?;
        let m = ServeMetrics::compute(&w, &config, &run);
        let mut v = serde_json::to_value(&m)?;
        v["router"] = json!(id);
        if capacity_mode {
            let (rate, scale) = capacity(&w, &config, *r, a.target)?;
            v["effective_capacity"] = json!(rate);
            v["capacity_rate_scale"] = json!(scale);
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
        rows.push(v);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    io::emit_as(a.out.format, &rows, |rows| {
        table::serve(rows, capacity_mode)
    })
}

/// The requests: a trace or the synthetic workload, windowed and rescaled.
fn workload(a: &ServeArgs) -> CliResult<Workload> {
    let mut w = match &a.trace {
        Some(path) => parse_trace(&path.to_string_lossy(), &io::read(path)?)?,
        None => synthetic(&SyntheticSpec {
            requests: a.requests,
            rate_rps: a.rate,
            seed: a.seed,
            ..SyntheticSpec::default()
        })?,
    };
    if let Some(win) = &a.window {
        let parsed = win
            .split_once(':')
            .and_then(|(x, y)| Some((x.trim().parse::<f64>().ok()?, y.trim().parse::<f64>().ok()?)))
            .filter(|(x, y)| x.is_finite() && y.is_finite() && x < y);
        let Some((x, y)) = parsed else {
            return Err(Fail::new(format!(
                "--window must be START:END in seconds with START < END (got '{win}')"
            )));
        };
        w = w.window(x * 1000.0, y * 1000.0);
    }
    if !(a.rate_scale.is_finite() && a.rate_scale > 0.0) {
        return Err(Fail::new(format!(
            "--rate-scale must be > 0 (got {})",
            a.rate_scale
        )));
    }
    if a.rate_scale != 1.0 {
        w = w.scaled(a.rate_scale);
    }
    Ok(w)
}

/// The cluster: instances, caches, noise, slow instances and scaling events.
fn config(a: &ServeArgs) -> CliResult<ServeConfig> {
    let slow = a
        .slow
        .iter()
        .map(|s| {
            s.split_once(':')
                .and_then(|(i, f)| {
                    Some((
                        i.trim().parse::<usize>().ok()?,
                        f.trim().parse::<f64>().ok()?,
                    ))
                })
                .ok_or_else(|| Fail::new(format!("--slow takes INSTANCE:FACTOR (got '{s}')")))
        })
        .collect::<CliResult<Vec<_>>>()?;
    let scaling = a
        .add_instance_at
        .iter()
        .map(|&t| ScaleEvent {
            time_ms: t,
            action: ScaleAction::Add,
        })
        .chain(a.remove_instance_at.iter().map(|&t| ScaleEvent {
            time_ms: t,
            action: ScaleAction::Remove,
        }))
        .collect();
    Ok(ServeConfig {
        instances: a.instances,
        cache_blocks: a.cache_blocks,
        batch_limit: a.batch_limit,
        slo_ms: a.slo_ms,
        prefill_sigma: a.prefill_noise,
        decode_sigma: a.decode_noise,
        slow,
        scaling,
        seed: a.seed,
        ..ServeConfig::default()
    })
}
