//! `schedlab serve`: route LLM requests across model instances with prefix KV caches;
//! `serve capacity` also searches each router's effective capacity. The flags fill in the
//! Serving lab's settings ([`ServingSettings`], what a share link carries) and the core's
//! lab API runs them.

use schedlab_core::serve::lab::{self, ServingSettings};
use schedlab_core::serve::router::Router;
use schedlab_core::serve::sim::{capacity, simulate_explained, ScaleAction, ScaleEvent};
use schedlab_core::serve::{parse_trace, SyntheticSpec};
use serde_json::json;

use crate::args::{SchedulerArg, ServeArgs, ServeMode};
use crate::error::{CliResult, Fail};
use crate::{io, table};

pub fn exec(a: &ServeArgs) -> CliResult<()> {
    let settings = settings(a)?;
    let lab = lab::run(&settings)?;
    let capacity_mode = a.mode == Some(ServeMode::Capacity);
    let bar = if capacity_mode {
        io::progress_bar(lab.runs.len() as u64)
    } else {
        None
    };
    let mut rows = Vec::new();
    let mut routing = Vec::new();
    for r in &lab.runs {
        let mut v = r.row();
        if a.explain {
            let router = Router::parse(&r.router)?;
            let (_, records) = simulate_explained(&lab.workload, &lab.config, router)?;
            v["routing"] = serde_json::to_value(&records)?;
            routing.push((r.router.clone(), records));
        }
        if capacity_mode {
            let router = Router::parse(&r.router)?;
            let found = capacity(&lab.workload, &lab.config, router, settings.capacity_target)?;
            v["effective_capacity"] = json!(found.rate);
            v["capacity_rate_scale"] = json!(found.scale);
            // The attainment curve the search bisected: each rate tried, by rate.
            v["capacity_curve"] = serde_json::to_value(&found.points)?;
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
        let mut out = table::serve(rows, capacity_mode);
        for (router, records) in &routing {
            out.push_str(&table::routing(router, records));
        }
        out
    })
}

/// The lab's settings the flags describe (the trace read into them).
fn settings(a: &ServeArgs) -> CliResult<ServingSettings> {
    let trace = match &a.trace {
        Some(path) => Some(parse_trace(&path.to_string_lossy(), &io::read(path)?)?),
        None => None,
    };
    let window = match &a.window {
        Some(win) => {
            let parsed = win
                .split_once(':')
                .and_then(|(x, y)| {
                    Some((x.trim().parse::<f64>().ok()?, y.trim().parse::<f64>().ok()?))
                })
                .filter(|(x, y)| x.is_finite() && y.is_finite() && x < y);
            let Some(w) = parsed else {
                return Err(Fail::new(format!(
                    "--window must be START:END in seconds with START < END (got '{win}')"
                )));
            };
            Some(w)
        }
        None => None,
    };
    if !(a.rate_scale.is_finite() && a.rate_scale > 0.0) {
        return Err(Fail::new(format!(
            "--rate-scale must be > 0 (got {})",
            a.rate_scale
        )));
    }
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
    Ok(ServingSettings {
        requests: a.requests,
        rate: a.rate,
        groups: SyntheticSpec::default().groups,
        rate_scale: a.rate_scale,
        instances: a.instances,
        slo_ms: a.slo_ms,
        tpot_slo_ms: a.tpot_slo_ms,
        cache_blocks: a.cache_blocks,
        chunked: a.scheduler == SchedulerArg::Chunked,
        token_budget: a.token_budget,
        spread: !a.no_spread,
        prefill_noise: a.prefill_noise,
        decode_noise: a.decode_noise,
        batch_limit: a.batch_limit,
        slow,
        window,
        capacity_target: a.target,
        routers: crate::args::rejoin_parens(&a.routers),
        scaling,
        seed: a.seed,
        trace,
    })
}
