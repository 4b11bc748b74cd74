//! Native tests of the Serving lab's model.

use super::*;
use plotters::prelude::*;

#[test]
fn decode_lanes_never_overlap_and_stack_as_high_as_the_batch() {
    let r = run_all(&ServingSettings::default()).unwrap();
    let run = &r.columns[0].run;
    let lanes = decode_lanes(&run.requests, r.lifetimes.len());
    let mut deepest = vec![0usize; r.lifetimes.len()];
    for (a, qa) in run.requests.iter().enumerate() {
        deepest[qa.instance] = deepest[qa.instance].max(lanes[a] + 1);
        for (b, qb) in run.requests.iter().enumerate().skip(a + 1) {
            let overlap = qa.decode_start < qb.decode_end && qb.decode_start < qa.decode_end;
            if qa.instance == qb.instance && overlap {
                assert_ne!(lanes[a], lanes[b], "requests {a} and {b} share a lane");
            }
        }
    }
    // Lowest-free-lane assignment uses exactly as many lanes as the peak concurrency.
    for (i, &d) in deepest.iter().enumerate() {
        let mut ev: Vec<(f64, i32)> = run
            .requests
            .iter()
            .filter(|q| q.instance == i && q.decode_end > q.decode_start)
            .flat_map(|q| [(q.decode_start, 1), (q.decode_end, -1)])
            .collect();
        ev.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let (mut k, mut peak) = (0, 0);
        for (_, e) in ev {
            k += e;
            peak = peak.max(k);
        }
        assert!(
            d as i32 >= peak && peak > 0,
            "instance {i}: {d} lanes, peak {peak}"
        );
    }
    assert!(deepest.iter().any(|&d| d > 1), "some decodes are batched");
}

#[test]
fn the_default_lab_shows_dualmap_keeping_prefixes_together() {
    let r = run_all(&ServingSettings::default()).unwrap();
    let (d, rr) = (&r.columns[0].metrics, &r.columns[1].metrics);
    assert!(
        d.cache_hit_rate > rr.cache_hit_rate + 0.1,
        "{} vs {}",
        d.cache_hit_rate,
        rr.cache_hit_rate
    );
    assert!(d.ttft_p50_ms < rr.ttft_p50_ms);
    // The most common prefix: on how many instances does each router put it?
    let spread = |c: &ServingColumn| {
        let mut set = std::collections::BTreeSet::new();
        for (k, q) in c.run.requests.iter().enumerate() {
            if r.prefix_color[k] == 0 {
                set.insert(q.instance);
            }
        }
        set.len()
    };
    assert!(
        spread(&r.columns[0]) <= 2,
        "DualMap: two candidates at most"
    );
    assert!(spread(&r.columns[1]) == 4, "round robin scatters it");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 200)).into_drawing_area();
        draw_gantt(&root, &geometry(900, 200, &r), &r, 0, r.t_max, false).unwrap();
        root.present().unwrap();
    }
    assert!(svg.matches("<rect").count() > 300);
    assert_eq!(metrics_csv(&r).lines().count(), 3);
}

#[test]
fn the_step_stops_are_every_arrival_and_first_token_in_order() {
    let r = run_all(&ServingSettings::default()).unwrap();
    let ev = event_times(&r);
    assert!(ev.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
    let q = &r.columns[1].run.requests[3];
    assert!(ev.contains(&r.workload.requests[3].arrival));
    assert!(ev.contains(&q.prefill_end));
    assert!(*ev.last().unwrap() <= r.t_max);
}

#[test]
fn adding_an_instance_at_the_playhead_reports_the_remapped_prefixes() {
    let mut s = ServingSettings::default();
    let base = run_all(&s).unwrap();
    scale_at(&mut s, base.t_max / 3.0, true);
    let r = run_all(&s).unwrap();
    assert_eq!(r.lifetimes.len(), 5);
    assert!(r.lifetimes[4].0 > 0.0);
    let remapped = r.columns[0].metrics.prefixes_remapped.unwrap();
    let seen = r.columns[0].run.scaling[0].prefixes_seen;
    assert!(
        remapped > 0 && (remapped as f64) < 0.7 * seen as f64,
        "{remapped} of {seen}"
    );
    s.scaling.clear();
    s.instances = 1;
    scale_at(&mut s, 10.0, false);
    assert!(run_all(&s).is_err(), "cannot remove the last instance");
}

#[test]
fn the_whole_conversation_trace_is_kept_for_the_page() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/mooncake/conversation_trace.jsonl"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let w = schedlab_core::serve::parse_trace("conversation_trace.jsonl", &text).unwrap();
    let mut s = ServingSettings::default();
    use_trace(&mut s, w);
    assert_eq!(
        s.trace.as_ref().unwrap().requests.len(),
        12_031,
        "kept whole"
    );
    crate::limits::check_serving(&s).unwrap();
}

#[test]
fn the_histograms_draw_the_tables_ttft_and_tpot() {
    let r = run_all(&ServingSettings::default()).unwrap();
    for (k, c) in r.columns.iter().enumerate() {
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[((v.len() - 1) as f64 * 0.5).round() as usize]
        };
        let ttft = latencies_by(&r, k, f64::INFINITY, false);
        let tpot = latencies_by(&r, k, f64::INFINITY, true);
        assert_eq!(ttft.len(), r.workload.requests.len());
        assert_eq!(median(ttft), c.metrics.ttft_p50_ms);
        assert_eq!(median(tpot), c.metrics.tpot_p50_ms);
        // Before the run's end only what is known by then is drawn.
        assert!(latencies_by(&r, k, r.t_max / 2.0, true).len() < r.workload.requests.len());
    }
}

#[test]
fn preempted_requests_are_outlined_purple_on_the_gantt() {
    let draw = |r: &ServingResult| {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (900, 200)).into_drawing_area();
            draw_gantt(&root, &geometry(900, 200, r), r, 0, r.t_max, false).unwrap();
            root.present().unwrap();
        }
        svg.to_ascii_lowercase()
            .matches("stroke=\"#cc79a7\"")
            .count()
    };
    let roomy = run_all(&ServingSettings {
        routers: vec!["round_robin".into()],
        ..ServingSettings::default()
    })
    .unwrap();
    assert_eq!(roomy.columns[0].metrics.preemptions, 0);
    assert_eq!(draw(&roomy), 0, "no preemption, no purple");
    let tight = run_all(&ServingSettings {
        routers: vec!["round_robin".into()],
        cache_blocks: 80,
        rate_scale: 8.0,
        ..ServingSettings::default()
    })
    .unwrap();
    let preempted = tight.columns[0]
        .run
        .requests
        .iter()
        .filter(|q| q.preemptions > 0)
        .count();
    assert!(preempted > 0, "a small memory preempts");
    assert_eq!(
        draw(&tight),
        preempted,
        "one purple outline per preempted request"
    );
}
