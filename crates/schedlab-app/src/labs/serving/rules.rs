//! The Serving lab's editing rules: scaling at the playhead, what an uploaded trace sets
//! (the page keeps its first requests, drops the scaling events and raises the cache to
//! the CLI's floor), going back to the synthetic workload. Each is tested natively.

use schedlab_core::serve::lab::ServingSettings;
use schedlab_core::serve::sim::{ScaleAction, ScaleEvent, ServeConfig};
use schedlab_core::serve::Workload;

use crate::labs::dag::rules::{no_colon, problem_of, Problem};
use crate::limits::MAX_UI_REQUESTS;

/// Keeps the first requests of an uploaded trace.
pub fn trim_trace(mut w: Workload) -> Workload {
    w.requests.truncate(MAX_UI_REQUESTS);
    w
}

/// The cache every instance gets at least with a trace: the CLI's default
/// (docs/serving.md), so that real prompts' shared prefixes can be reused.
pub fn trace_cache_floor() -> usize {
    ServeConfig::default().cache_blocks
}

/// Serves an uploaded trace (its first [`MAX_UI_REQUESTS`] requests): scaling events of the
/// previous workload go, and the cache is raised to [`trace_cache_floor`] if below.
pub fn use_trace(s: &mut ServingSettings, w: Workload) {
    s.trace = Some(trim_trace(w));
    s.scaling.clear();
    s.cache_blocks = s.cache_blocks.max(trace_cache_floor());
}

/// Back to the synthetic workload; scaling events of the trace go.
pub fn use_synthetic(s: &mut ServingSettings) {
    s.trace = None;
    s.scaling.clear();
}

/// Adds (or removes) an instance at `t_ms`.
pub fn scale_at(s: &mut ServingSettings, t_ms: f64, add: bool) {
    s.scaling.push(ScaleEvent {
        time_ms: t_ms,
        action: if add {
            ScaleAction::Add
        } else {
            ScaleAction::Remove
        },
    });
    schedlab_core::util::sort_dyn(&mut s.scaling, &|a, b| a.time_ms.total_cmp(&b.time_ms));
}

/// The router rule editor's examples: (label, score), lowest wins.
pub const ROUTER_RULE_EXAMPLES: &[(&str, &str)] = &[
    ("Least loaded", "outstanding"),
    ("Least queued tokens", "queued_tokens"),
    ("Shortest predicted TTFT", "ttft"),
    ("Prefix affinity, bounded", "queued_tokens - 2000 * cached"),
    (
        "Affinity while under the SLO",
        "if ttft < slo then -hit else ttft",
    ),
];

/// A router rule as the page's editor checks it: its spelling `rule:TEXT` when it parses
/// over the router variables; otherwise the message and the position it names.
pub fn check_router_rule(text: &str) -> Result<String, Problem> {
    let text = text.trim();
    no_colon("rule", "router", text)?;
    check_router(&format!("rule:{text}"))
}

/// A router spelling as the page's editors check it (`least_loaded:tokens`,
/// `dualmap:no_slo`, `rule:…`): the spelling when it parses, otherwise the message.
pub fn check_router(spelling: &str) -> Result<String, Problem> {
    schedlab_core::serve::router::Router::parse(spelling).map_err(|e| problem_of(e.to_string()))?;
    Ok(spelling.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_events_stay_in_time_order() {
        let mut s = ServingSettings::default();
        scale_at(&mut s, 500.0, true);
        scale_at(&mut s, 100.0, false);
        scale_at(&mut s, 300.0, true);
        let times: Vec<f64> = s.scaling.iter().map(|e| e.time_ms).collect();
        assert_eq!(times, [100.0, 300.0, 500.0]);
        assert_eq!(s.scaling[0].action, ScaleAction::Remove);
    }

    #[test]
    fn a_trace_drops_scaling_and_raises_the_cache_to_the_floor() {
        let mut s = ServingSettings {
            cache_blocks: 10,
            ..ServingSettings::default()
        };
        scale_at(&mut s, 100.0, true);
        let lines: String = (0..MAX_UI_REQUESTS + 7)
            .map(|i| {
                format!(
                    "{{\"timestamp\": {i}, \"input_length\": 1024, \"output_length\": 8, \"hash_ids\": [1, 2]}}\n"
                )
            })
            .collect();
        let w = schedlab_core::serve::parse_trace("t.jsonl", &lines).unwrap();
        use_trace(&mut s, w);
        assert_eq!(s.trace.as_ref().unwrap().requests.len(), MAX_UI_REQUESTS);
        assert!(s.scaling.is_empty());
        assert_eq!(s.cache_blocks, trace_cache_floor());
        // A bigger cache than the floor is kept.
        s.cache_blocks = trace_cache_floor() * 2;
        let w = s.trace.clone().unwrap();
        use_trace(&mut s, w);
        assert_eq!(s.cache_blocks, trace_cache_floor() * 2);
        scale_at(&mut s, 5.0, true);
        use_synthetic(&mut s);
        assert!(s.trace.is_none() && s.scaling.is_empty());
    }

    #[test]
    fn a_router_rule_is_checked_where_it_is_typed() {
        assert_eq!(
            check_router_rule("outstanding").unwrap(),
            "rule:outstanding"
        );
        for (label, rule) in ROUTER_RULE_EXAMPLES {
            assert!(check_router_rule(rule).is_ok(), "{label}");
        }
        let p = check_router_rule("queued_tokens - 2000 * cahced").unwrap_err();
        assert_eq!(p.pos, Some(24), "{}", p.message);
        assert!(p.message.contains("did you mean 'cached'"), "{}", p.message);
    }

    #[test]
    fn router_options_are_checked_as_spelled() {
        assert_eq!(
            check_router("least_loaded:tokens").unwrap(),
            "least_loaded:tokens"
        );
        assert!(check_router("dualmap:no_slo").is_ok());
        assert!(check_router("least_loaded:bananas").is_err());
    }
}
