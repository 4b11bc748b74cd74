//! The serving lab's engine: the real Mooncake traces, hand-computed TTFTs, cache affinity,
//! scaling with few remapped prefixes, the validator on every router, the capacity search.

#[path = "common/proptest_cases.rs"]
mod proptest_cases;
#[path = "common/sweep.rs"]
mod sweep;

use proptest::prelude::*;
use schedlab_core::serve::router::{Router, ROUTERS};
use schedlab_core::serve::sim::{
    capacity, check, simulate, simulate_explained, CapacitySearch, InstanceScheduler, ScaleAction,
    ScaleEvent, ServeConfig, ServeMetrics,
};
use schedlab_core::serve::{
    parse_trace, synthetic, Request, SyntheticSpec, Workload, BLOCK_TOKENS,
};

fn trace(name: &str) -> Workload {
    let path = format!(
        "{}/../../../shared/data/mooncake/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    parse_trace(name, &std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_real_mooncake_traces_import_whole() {
    for (name, n, span) in [
        ("conversation_trace.jsonl", 12_031, 3_536_999.0),
        ("synthetic_trace.jsonl", 3_993, 1_022_025.0),
    ] {
        let w = trace(name);
        assert_eq!(w.requests.len(), n);
        assert_eq!(w.span_ms(), span);
        for r in &w.requests {
            assert_eq!(
                r.blocks.len(),
                (r.input_tokens as usize).div_ceil(BLOCK_TOKENS)
            );
        }
    }
}

fn req(arrival: f64, tokens: u32, blocks: &[u64]) -> Request {
    Request {
        arrival,
        input_tokens: tokens,
        output_tokens: 10,
        blocks: blocks.to_vec(),
    }
}

#[test]
fn a_shared_prefix_is_prefilled_once_and_iterations_cost_what_the_model_says() {
    // One instance; the second request shares the first two blocks (1024 tokens) and
    // arrives after the first is done.
    let w = Workload {
        name: "t".into(),
        requests: vec![req(0.0, 1500, &[1, 2, 3]), req(1000.0, 1200, &[1, 2, 9])],
    };
    let c = ServeConfig {
        instances: 1,
        ..ServeConfig::default()
    };
    let run = simulate(&w, &c, Router::RoundRobin).unwrap();
    check(&w, &c, &run).unwrap();
    let (a, b) = (&run.requests[0], &run.requests[1]);
    assert_eq!(a.cached_tokens, 0);
    // 9.64 + 0.0798 × 1500 + 3.59 × 1500 × 750 / 10⁶ = 133.3775 ms.
    let want = 9.64 + 0.0798 * 1500.0 + 3.59 * 1500.0 * 750.0 / 1e6;
    assert!((a.prefill_end - want).abs() < 1e-9, "{}", a.prefill_end);
    assert_eq!(b.cached_tokens, 1024);
    let want = c.prefill_alone_ms(176.0, 1024.0);
    assert!(
        (b.prefill_end - 1000.0 - want).abs() < 1e-9,
        "{} vs {want}",
        b.prefill_end - 1000.0
    );
    // The first token comes with the prefill; each of the 9 others takes a decode
    // iteration of one request at its context (1501 … 1509 tokens).
    let decode: f64 = (1..10).map(|g| c.decode_alone_ms(1500.0 + g as f64)).sum();
    assert!((a.decode_end - a.decode_start - decode).abs() < 1e-9);
    let m = ServeMetrics::compute(&w, &c, &run);
    assert!((m.cache_hit_rate - 1024.0 / 2700.0).abs() < 1e-12);
    assert_eq!(m.slo_attainment, 1.0);
    assert!(
        (m.tpot_p50_ms - decode / 9.0).abs() < 0.01,
        "{}",
        m.tpot_p50_ms
    );
    assert_eq!(m.preemptions, 0);
}

#[test]
fn a_full_memory_evicts_cached_blocks_and_queues_wait() {
    // Memory for one request (3 blocks: 1,024 prompt and 10 output tokens): the second
    // waits for the first to finish, and its blocks evict the first's cached prefix.
    let w = Workload {
        name: "t".into(),
        requests: vec![
            req(0.0, 1024, &[1, 2]),
            req(0.0, 1024, &[3, 4]),
            req(0.0, 1024, &[1, 2]),
        ],
    };
    let c = ServeConfig {
        instances: 1,
        cache_blocks: 3,
        ..ServeConfig::default()
    };
    let run = simulate(&w, &c, Router::RoundRobin).unwrap();
    check(&w, &c, &run).unwrap();
    assert_eq!(run.requests[1].prefill_start, run.requests[0].decode_end);
    assert_eq!(run.requests[2].cached_tokens, 0, "evicted");
    assert!(run.cache_samples.iter().all(|s| s.2 <= 3));
    // With room for both prompts' blocks, the third finds the first's prefix.
    let roomy = ServeConfig {
        cache_blocks: 8,
        ..c.clone()
    };
    let run = simulate(&w, &roomy, Router::RoundRobin).unwrap();
    check(&w, &roomy, &run).unwrap();
    // The first starts alone at once; the two others wait for its iteration and share
    // the next one, where the third finds the first's prompt cached.
    let r = &run.requests;
    assert!(r[1].prefill_start == r[0].prefill_end && r[2].prefill_start == r[1].prefill_start);
    assert_eq!(r[2].cached_tokens, 1024);
}

#[test]
fn memory_pressure_preempts_the_newest_request_which_is_computed_again() {
    // Two one-block prompts with 1,100 output tokens each: alone each fits in 4 blocks,
    // together they outgrow them, and vLLM's rule preempts the newer one.
    let long = |arrival: f64, block: u64| Request {
        arrival,
        input_tokens: 512,
        output_tokens: 1100,
        blocks: vec![block],
    };
    let w = Workload {
        name: "t".into(),
        requests: vec![long(0.0, 1), long(0.0, 2)],
    };
    for scheduler in [InstanceScheduler::Fcfs, InstanceScheduler::Chunked] {
        let c = ServeConfig {
            instances: 1,
            cache_blocks: 4,
            scheduler,
            ..ServeConfig::default()
        };
        let run = simulate(&w, &c, Router::RoundRobin).unwrap();
        check(&w, &c, &run).unwrap();
        let (a, b) = (&run.requests[0], &run.requests[1]);
        assert_eq!(a.preemptions, 0);
        assert!(b.preemptions >= 1);
        assert!(b.decode_end > a.decode_end, "the older one finishes first");
        assert_eq!(
            ServeMetrics::compute(&w, &c, &run).preemptions,
            b.preemptions as usize
        );
        // A request that can never fit is refused up front.
        let tight = ServeConfig {
            cache_blocks: 3,
            ..c.clone()
        };
        let e = simulate(&w, &tight, Router::RoundRobin)
            .unwrap_err()
            .to_string();
        assert!(e.contains("request 0 needs 4 KV blocks"), "{e}");
    }
}

#[test]
fn chunked_prefill_keeps_decoding_through_long_prompts() {
    // Sarathi-Serve's point: with whole prompts first (fcfs), every long prefill stalls
    // the requests decoding beside it; chunks bound the stall.
    let w = synthetic(&SyntheticSpec {
        requests: 600,
        rate_rps: 12.0,
        seed: 3,
        ..SyntheticSpec::default()
    })
    .unwrap();
    let m = |scheduler| {
        let c = ServeConfig {
            instances: 2,
            scheduler,
            ..ServeConfig::default()
        };
        let run = simulate(&w, &c, Router::parse("least_loaded").unwrap()).unwrap();
        check(&w, &c, &run).unwrap();
        ServeMetrics::compute(&w, &c, &run)
    };
    let (fcfs, chunked) = (m(InstanceScheduler::Fcfs), m(InstanceScheduler::Chunked));
    // Whole prompts take one iteration each (more only when preempted); chunks take one
    // iteration per at most 512 tokens, more when decodes share the budget.
    let iterations = |scheduler| {
        let c = ServeConfig {
            instances: 2,
            scheduler,
            ..ServeConfig::default()
        };
        simulate(&w, &c, Router::parse("least_loaded").unwrap()).unwrap()
    };
    for (k, q) in iterations(InstanceScheduler::Fcfs)
        .requests
        .iter()
        .enumerate()
    {
        assert_eq!(q.prefill_iterations, q.preemptions + 1, "request {k}");
    }
    let run = iterations(InstanceScheduler::Chunked);
    let mut split = 0;
    for (q, r) in run.requests.iter().zip(&w.requests) {
        let uncached = r.input_tokens - q.cached_tokens;
        if q.preemptions == 0 {
            assert!(q.prefill_iterations >= uncached.div_ceil(512).max(1));
        }
        split += usize::from(q.prefill_iterations > 1);
    }
    assert!(split > 100, "{split} prompts in several chunks");
    assert!(
        chunked.tpot_p99_ms < 0.8 * fcfs.tpot_p99_ms,
        "{} vs {}",
        chunked.tpot_p99_ms,
        fcfs.tpot_p99_ms
    );
}

#[test]
fn shared_timestamps_spread_over_the_traces_resolution() {
    let w = trace("conversation_trace.jsonl");
    let s = w.spread(1);
    assert_eq!(s, w.spread(1), "seeded");
    assert_ne!(s, w.spread(2));
    let distinct = |w: &Workload| {
        let mut t: Vec<f64> = w.requests.iter().map(|r| r.arrival).collect();
        t.dedup();
        t.len()
    };
    assert_eq!(distinct(&w), 1_180);
    assert_eq!(distinct(&s), 12_031);
    // Every request stays between its own time and the next distinct one: groups keep
    // their order, so the j-th spread arrival belongs to the j-th original's group.
    let times: Vec<f64> = {
        let mut t: Vec<f64> = w.requests.iter().map(|r| r.arrival).collect();
        t.dedup();
        t
    };
    for (a, b) in w.requests.iter().zip(&s.requests) {
        let k = times.partition_point(|&t| t <= a.arrival);
        let next = times.get(k).copied().unwrap_or(f64::INFINITY);
        assert!(a.arrival <= b.arrival && b.arrival < next.min(a.arrival + 3001.0));
    }
    assert!(s.requests.windows(2).all(|x| x[0].arrival <= x[1].arrival));
    // Only shared times move: the synthetic trace's lone arrivals keep theirs.
    let syn = trace("synthetic_trace.jsonl");
    let spread = syn.spread(1);
    let lone = |w: &Workload| -> Vec<f64> {
        let t: Vec<f64> = w.requests.iter().map(|r| r.arrival).collect();
        (0..t.len())
            .filter(|&j| (j == 0 || t[j - 1] != t[j]) && (j + 1 == t.len() || t[j + 1] != t[j]))
            .map(|j| t[j])
            .collect()
    };
    let kept = lone(&syn);
    assert!(kept.len() > 3_900 && kept.len() < syn.requests.len());
    let after: Vec<f64> = spread.requests.iter().map(|r| r.arrival).collect();
    assert!(kept.iter().all(|t| after.contains(t)));
}

#[test]
fn affinity_routers_keep_prefixes_together_and_dualmap_wins_on_mooncake() {
    let w = trace("conversation_trace.jsonl").window(0.0, 600_000.0);
    let c = ServeConfig::default();
    let mut hit = std::collections::BTreeMap::new();
    for id in ROUTERS.iter().map(|e| e.id) {
        let run = simulate(&w, &c, Router::parse(id).unwrap()).unwrap();
        check(&w, &c, &run).unwrap();
        let m = ServeMetrics::compute(&w, &c, &run);
        hit.insert(id, (m.cache_hit_rate, m.slo_attainment, m.ttft_p50_ms));
    }
    // Affinity finds the cached prefixes; spreading does not.
    assert!(
        hit["consistent_hash"].0 > 2.0 * hit["round_robin"].0,
        "{hit:?}"
    );
    assert!(hit["dualmap"].0 > 2.0 * hit["least_loaded"].0, "{hit:?}");
    // DualMap's TTFT: better median than pure balancing, attainment at least pure affinity's.
    assert!(hit["dualmap"].2 < hit["least_loaded"].2, "{hit:?}");
    assert!(hit["dualmap"].1 >= hit["consistent_hash"].1, "{hit:?}");
}

#[test]
fn dualmap_says_why_each_request_went_where_it_did() {
    // A tight SLO on the conversation trace: DualMap keeps most requests on their cached
    // candidate, falls back when the affine one is at risk, and moves queued requests.
    let w = trace("conversation_trace.jsonl").window(0.0, 600_000.0);
    let c = ServeConfig {
        instances: 4,
        ..ServeConfig::default()
    };
    let (run, records) = simulate_explained(&w, &c, Router::DualMap).unwrap();
    let count = |p: &str| records.iter().filter(|r| r.reason.starts_with(p)).count();
    assert!(
        count("affinity") > 0 && count("SLO fallback") > 0,
        "{}",
        records.len()
    );
    assert_eq!(count("rebalancing move"), run.moves);
    for r in records.iter().filter(|r| r.from.is_none()) {
        // DualMap looks at its two hashed candidates, and says what it saw of each.
        assert_eq!(r.candidates.len(), 2, "{r:?}");
        assert!(r
            .candidates
            .iter()
            .all(|s| s.predicted_ttft_ms >= c.iteration_ms));
    }
    // A fallback is taken only when the affine candidate's predicted TTFT passes 0.8 × SLO
    // and the other is predicted faster.
    for r in records
        .iter()
        .filter(|r| r.reason.starts_with("SLO fallback"))
    {
        let chosen = r
            .candidates
            .iter()
            .find(|s| s.instance == r.chosen)
            .unwrap();
        let other = r
            .candidates
            .iter()
            .find(|s| s.instance != r.chosen)
            .unwrap();
        assert!(
            other.predicted_ttft_ms > 0.8 * c.slo_ms
                && chosen.predicted_ttft_ms < other.predicted_ttft_ms,
            "{r:?}"
        );
    }
    // Least loaded looks at every instance and takes the one with the fewest outstanding.
    let (_, ll) = simulate_explained(&w, &c, Router::parse("least_loaded").unwrap()).unwrap();
    for r in &ll {
        assert_eq!(r.candidates.len(), 4);
        let min = r
            .candidates
            .iter()
            .map(|s| s.outstanding_requests)
            .min()
            .unwrap();
        let chosen = r
            .candidates
            .iter()
            .find(|s| s.instance == r.chosen)
            .unwrap();
        assert_eq!(chosen.outstanding_requests, min);
    }
    // Too many to record is refused, not truncated.
    let big = ServeConfig {
        instances: 64,
        ..ServeConfig::default()
    };
    let err =
        simulate_explained(&trace("conversation_trace.jsonl"), &big, Router::DualMap).unwrap_err();
    assert!(err.to_string().contains("to explain"), "{err}");
}

#[test]
fn adding_an_instance_remaps_few_prefixes() {
    let w = trace("synthetic_trace.jsonl");
    let c = ServeConfig {
        scaling: vec![ScaleEvent {
            time_ms: 500_000.0,
            action: ScaleAction::Add,
        }],
        ..ServeConfig::default()
    };
    for (id, max_frac) in [("consistent_hash", 0.2), ("dualmap", 0.35)] {
        let run = simulate(&w, &c, Router::parse(id).unwrap()).unwrap();
        check(&w, &c, &run).unwrap();
        let s = &run.scaling[0];
        let frac = s.prefixes_remapped.unwrap() as f64 / s.prefixes_seen as f64;
        assert!(frac > 0.0 && frac < max_frac, "{id}: {frac}");
        assert_eq!(s.instance, 8);
        assert!(
            run.requests.iter().any(|r| r.instance == 8),
            "the new instance serves"
        );
    }
    let run = simulate(&w, &c, Router::RoundRobin).unwrap();
    assert_eq!(run.scaling[0].prefixes_remapped, None);
    // Removing an instance re-routes its queue and nothing is lost.
    let c = ServeConfig {
        instances: 4,
        scaling: vec![ScaleEvent {
            time_ms: 300_000.0,
            action: ScaleAction::Remove,
        }],
        ..ServeConfig::default()
    };
    let run = simulate(&w, &c, Router::DualMap).unwrap();
    check(&w, &c, &run).unwrap();
    assert!(run
        .requests
        .iter()
        .zip(&w.requests)
        .all(|(r, q)| q.arrival < 300_000.0 || r.instance != 3));
}

#[test]
fn the_capacity_search_brackets_the_slo() {
    let w = synthetic(&SyntheticSpec {
        requests: 1500,
        ..SyntheticSpec::default()
    })
    .unwrap();
    let c = ServeConfig {
        instances: 4,
        ..ServeConfig::default()
    };
    let found = capacity(&w, &c, Router::DualMap, 0.9).unwrap();
    let (rate, scale) = (found.rate, found.scale);
    assert!(rate > 0.0 && (rate - w.rate_rps() * scale).abs() < 1e-9);
    // The curve it bisected: every rate tried, the found one among them, attainment
    // falling as the rate grows.
    assert!(found.points.len() >= 12);
    assert!(found
        .points
        .iter()
        .any(|p| p.scale == scale && p.attainment >= 0.9));
    assert!(found.points.windows(2).all(|x| x[0].rate < x[1].rate));
    let first = &found.points[0];
    let last = found.points.last().unwrap();
    assert!(first.attainment > last.attainment && last.attainment < 0.9);
    let at = |s: f64| {
        let ws = w.scaled(s);
        ServeMetrics::compute(&ws, &c, &simulate(&ws, &c, Router::DualMap).unwrap()).slo_attainment
    };
    assert!(at(scale) >= 0.9);
    assert!(at(scale * 1.5) < 0.9, "50 % more load breaks the SLO");
    // A probe at a time (the page's worker), progress rising to 1, the same answer.
    let mut search = CapacitySearch::new(w.rate_rps(), 0.9).unwrap();
    let mut progress = vec![search.progress()];
    while search.probe(&w, &c, &Router::DualMap).unwrap() {
        progress.push(search.progress());
    }
    assert_eq!(search.next_scale(), None);
    assert_eq!(search.progress(), 1.0);
    assert!(progress[0] == 0.0 && progress.windows(2).all(|p| p[0] <= p[1] && p[1] < 1.0));
    assert_eq!(search.finish(), found);
}

#[test]
fn bad_configurations_are_refused() {
    let w = synthetic(&SyntheticSpec {
        requests: 10,
        ..SyntheticSpec::default()
    })
    .unwrap();
    for c in [
        ServeConfig {
            instances: 0,
            ..ServeConfig::default()
        },
        ServeConfig {
            slo_ms: f64::NAN,
            ..ServeConfig::default()
        },
        ServeConfig {
            ms_per_token: -1.0,
            ..ServeConfig::default()
        },
        ServeConfig {
            slow: vec![(0, 0.5)],
            ..ServeConfig::default()
        },
        ServeConfig {
            instances: 1,
            scaling: vec![ScaleEvent {
                time_ms: 1.0,
                action: ScaleAction::Remove,
            }],
            ..ServeConfig::default()
        },
    ] {
        assert!(simulate(&w, &c, Router::DualMap).is_err());
    }
    // A request without prompt tokens (a hand-made link's trace) is refused by number.
    let mut empty = w.clone();
    empty.requests[3].input_tokens = 0;
    let e = simulate(&empty, &ServeConfig::default(), Router::DualMap).unwrap_err();
    assert!(
        e.to_string().contains("request 3 has no prompt tokens"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: proptest_cases::cases(60), ..ProptestConfig::default() })]

    #[test]
    fn every_router_passes_the_validator(seed in any::<u64>(), instances in 1usize..6, rate in 0.5f64..30.0, batch in 0usize..4, cache in 0usize..200, noise in prop_oneof![Just(0.0), 0.0f64..0.5], add in any::<bool>(), chunked in any::<bool>(), budget in prop_oneof![Just(0usize), 64usize..2048]) {
        // Short replies keep the decode iterations (and the debug build's time) down.
        let w = synthetic(&SyntheticSpec { requests: 100, rate_rps: rate, groups: 5, output_tokens: 30.0, seed, ..SyntheticSpec::default() }).unwrap();
        // Memory from just enough for the longest request (preemptions) to plenty.
        let need = w.requests.iter().map(|q| ServeConfig::blocks_needed(q.blocks.len(), u64::from(q.input_tokens + q.output_tokens))).max().unwrap();
        let c = ServeConfig {
            instances,
            batch_limit: batch,
            cache_blocks: need + cache,
            scheduler: if chunked { InstanceScheduler::Chunked } else { InstanceScheduler::Fcfs },
            token_budget: budget,
            prefill_sigma: noise,
            decode_sigma: noise,
            slow: vec![(0, 1.5)],
            scaling: if add { vec![ScaleEvent { time_ms: w.span_ms() / 2.0, action: ScaleAction::Add }] } else { vec![] },
            seed,
            ..ServeConfig::default()
        };
        for id in sweep::routers() {
            let run = simulate(&w, &c, Router::parse(&id).unwrap()).unwrap();
            if let Err(e) = check(&w, &c, &run) {
                prop_assert!(false, "{}: {}", id, e);
            }
            // Recording reads the router's view and changes nothing; every request is routed
            // once on arrival (and again per move), to an instance the router looked at.
            let (same, records) = simulate_explained(&w, &c, Router::parse(&id).unwrap()).unwrap();
            prop_assert_eq!(&same, &run, "{}: recording changed the run", id);
            prop_assert_eq!(records.iter().filter(|r| r.from.is_none()).count(), 100);
            for r in &records {
                prop_assert!(r.candidates.iter().any(|s| s.instance == r.chosen), "{}: {:?}", id, r);
            }
            for (q, rr) in run.requests.iter().enumerate() {
                let last = records.iter().rev().find(|r| r.request == q).unwrap();
                prop_assert_eq!(last.chosen, rr.instance);
            }
            let m = ServeMetrics::compute(&w, &c, &run);
            prop_assert!((0.0..=1.0).contains(&m.slo_attainment) && (0.0..=1.0).contains(&m.cache_hit_rate));
            prop_assert_eq!(m.requests_per_instance.iter().sum::<usize>(), 100);
        }
    }
}

#[test]
fn dualmap_ablations_take_out_what_they_name() {
    let w = trace("conversation_trace.jsonl").window(0.0, 900_000.0);
    let c = ServeConfig::default();
    let run = |r: &str| simulate(&w, &c, Router::parse(r).unwrap()).unwrap();
    let full = run("dualmap");
    assert!(full.moves > 0, "the full DualMap rebalances on this trace");
    // No rebalancing: no move, and otherwise a valid run.
    let no_rebalance = run("dualmap:no_rebalance");
    assert_eq!(no_rebalance.moves, 0);
    check(&w, &c, &no_rebalance).unwrap();
    // No SLO fallback: every routing decision keeps the cache-affine candidate.
    let (_, records) = simulate_explained(
        &w,
        &ServeConfig {
            instances: 4,
            ..ServeConfig::default()
        },
        Router::parse("dualmap:no_slo").unwrap(),
    )
    .unwrap();
    assert!(records.iter().all(|r| !r.reason.starts_with("SLO")));
    assert!(records
        .iter()
        .any(|r| r.reason.contains("no SLO fallback: ablation")));
    let (_, full_records) = simulate_explained(
        &w,
        &ServeConfig {
            instances: 4,
            ..ServeConfig::default()
        },
        Router::DualMap,
    )
    .unwrap();
    assert!(full_records
        .iter()
        .any(|r| r.reason.contains("SLO fallback")));
    // One hash: a prefix's two candidates are neighbours on one ring, so the pairs differ.
    let one_hash = run("dualmap:one_hash");
    check(&w, &c, &one_hash).unwrap();
    assert_ne!(one_hash.requests, full.requests);
    assert_eq!(Router::parse("dualmap:one_hash").unwrap().id(), "dualmap");
}
