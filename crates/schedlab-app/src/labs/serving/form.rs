//! The Serving lab's number fields ([`crate::kit::form`]): the workload ([`WORKLOAD`]) and
//! the cluster ([`CLUSTER`]).

use crate::kit::form::{number, seed, whole, Field};
use crate::state::AppState;

fn synthetic(s: &AppState) -> bool {
    s.serving.trace.is_none()
}

/// Requests, rate and prefix groups of the synthetic workload; the rate scale of either.
pub static WORKLOAD: [Field; 4] = [
    Field::new(
        "Requests",
        "Requests",
        "1",
        "50",
        |s| s.serving.requests.to_string(),
        |s, t| {
            s.serving.requests = whole(t, "requests")?;
            Ok(())
        },
    )
    .id("serving-requests")
    .when(synthetic),
    Field::new(
        "Rate (req/s)",
        "Request rate",
        "0.1",
        "1",
        |s| s.serving.rate.to_string(),
        |s, t| {
            s.serving.rate = number(t, "the rate")?;
            Ok(())
        },
    )
    .id("serving-rate")
    .when(synthetic),
    Field::new(
        "Prefix groups",
        "Shared-prefix groups",
        "1",
        "1",
        |s| s.serving.groups.to_string(),
        |s, t| {
            s.serving.groups = whole(t, "prefix groups")?;
            Ok(())
        },
    )
    .when(synthetic),
    Field::new(
        "Rate scale",
        "Rate scale",
        "0.1",
        "0.25",
        |s| s.serving.rate_scale.to_string(),
        |s, t| {
            s.serving.rate_scale = number(t, "the rate scale")?;
            Ok(())
        },
    )
    .id("serving-rate-scale"),
];

/// How instances batch: vLLM's whole prompts first, or Sarathi-Serve's chunked prefill.
static BATCHING: [(&str, &str); 2] = [
    ("fcfs", "whole prompts (vLLM)"),
    ("chunked", "chunked (Sarathi)"),
];

/// Instances, the TTFT and TPOT SLOs, batching, the token budget, KV memory per instance,
/// the capacity view's target and the prefill noise.
pub static CLUSTER: [Field; 8] = [
    Field::new(
        "Instances",
        "Instances",
        "1",
        "1",
        |s| s.serving.instances.to_string(),
        |s, t| {
            s.serving.instances = whole(t, "instances")?;
            Ok(())
        },
    )
    .id("serving-instances")
    .max("32"),
    Field::new(
        "TTFT SLO (ms)",
        "TTFT SLO in ms",
        "1",
        "100",
        |s| s.serving.slo_ms.to_string(),
        |s, t| {
            s.serving.slo_ms = number(t, "the SLO")?;
            Ok(())
        },
    )
    .id("serving-slo"),
    Field::new(
        "TPOT SLO (ms)",
        "Time-per-output-token SLO in ms (goodput meets both SLOs)",
        "1",
        "10",
        |s| s.serving.tpot_slo_ms.to_string(),
        |s, t| {
            s.serving.tpot_slo_ms = number(t, "the TPOT SLO")?;
            Ok(())
        },
    )
    .id("serving-tpot-slo"),
    Field::new(
        "Batching",
        "How each instance forms its iterations",
        "",
        "",
        |s| if s.serving.chunked { "chunked" } else { "fcfs" }.to_string(),
        |s, t| {
            s.serving.chunked = match t {
                "fcfs" => false,
                "chunked" => true,
                _ => return Err(format!("batching is fcfs or chunked (got '{t}')")),
            };
            Ok(())
        },
    )
    .id("serving-batching")
    .choices(&BATCHING),
    Field::new(
        "Token budget",
        "Tokens per iteration (0: 4,096 whole prompts first, 512 chunked)",
        "0",
        "64",
        |s| s.serving.token_budget.to_string(),
        |s, t| {
            s.serving.token_budget = whole(t, "the token budget")?;
            Ok(())
        },
    ),
    Field::new(
        "KV memory (blocks)",
        "KV memory per instance in blocks of 512 tokens, shared by cached prefixes and running requests (944: Llama-3-8B on one A100-80GB)",
        "1",
        "64",
        |s| s.serving.cache_blocks.to_string(),
        |s, t| {
            s.serving.cache_blocks = whole(t, "KV memory blocks")?;
            Ok(())
        },
    )
    .id("serving-kv"),
    Field::new(
        "Capacity target",
        "Capacity target: the fraction of requests that must meet the TTFT SLO",
        "0.01",
        "0.01",
        |s| s.serving.capacity_target.to_string(),
        |s, t| {
            s.serving.capacity_target = number(t, "the capacity target")?;
            Ok(())
        },
    )
    .id("serving-capacity-target")
    .max("1"),
    Field::new(
        "Prefill σ",
        "Prefill time noise",
        "0",
        "0.1",
        |s| s.serving.prefill_noise.to_string(),
        |s, t| {
            s.serving.prefill_noise = number(t, "the prefill noise")?;
            Ok(())
        },
    ),
];

/// The workload's seed (with "New seed").
pub static SEED: [Field; 1] = [Field::new(
    "Seed",
    "Seed",
    "0",
    "1",
    |s| s.serving.seed.to_string(),
    |s, t| {
        s.serving.seed = seed(t, "the seed")?;
        Ok(())
    },
)
.reseed("")];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::form::tests::check_fields;
    use crate::labs::dag::presets;

    #[test]
    fn every_field_round_trips_and_refuses_what_is_not_a_number() {
        let mut s = AppState::new(presets::ALL[0].scenario());
        s.serving.rate = 0.1 + 0.2;
        check_fields(&[&WORKLOAD, &CLUSTER, &SEED], &[s.clone()]);
        assert_eq!(
            (CLUSTER[0].set)(&mut s, "two").unwrap_err(),
            "instances must be a whole number (got 'two')"
        );
        let shown = WORKLOAD.iter().filter(|f| (f.shown)(&s)).count();
        assert_eq!(shown, 4, "synthetic: all four");
    }
}
