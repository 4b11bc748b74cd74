//! Decision records (issue 12): on the Topcuoglu example they carry the paper's numbers.

mod common;

use schedlab_core::sched;
use schedlab_core::sched::Options;

/// The example's tasks and processors by name.
fn idx(names: &[String], name: &str) -> usize {
    names.iter().position(|n| n == name).unwrap()
}

#[test]
fn heft_explains_the_topcuoglu_example_with_the_papers_ranks_and_finish_times() {
    let p = common::problem("topcuoglu2002");
    let heft = sched::build("heft", &Options::new()).unwrap();
    let (plan, why) = heft.explain(&p, 0);
    assert_eq!(plan, heft.schedule(&p, 0));
    assert_eq!(plan.makespan(), 80.0);
    // ../shared/REFERENCE.md's upward ranks.
    let rank_u = why.table("rank_u").unwrap();
    for (task, r) in [
        ("n1", 108.0),
        ("n2", 77.0),
        ("n3", 80.0),
        ("n4", 80.0),
        ("n5", 69.0),
        ("n6", 63.33),
        ("n7", 42.67),
        ("n8", 35.67),
        ("n9", 44.33),
        ("n10", 14.67),
    ] {
        let got = rank_u[idx(&p.task_names, task)];
        assert!((got - r).abs() < 0.01, "{task}: {got}");
    }
    // Downward ranks: 0 for the entry, and rank_u + rank_d = 108 along the critical path.
    let rank_d = why.table("rank_d").unwrap();
    assert_eq!(rank_d[idx(&p.task_names, "n1")], 0.0);
    for t in ["n2", "n9", "n10"] {
        let i = idx(&p.task_names, t);
        assert!((rank_u[i] + rank_d[i] - 108.0).abs() < 1e-9, "{t}");
    }
    // The first decision: n1, priority 108, finishing at 14 / 16 / 9 on P1 / P2 / P3: P3.
    let first = &why.decisions[0];
    assert_eq!(p.task_names[first.task], "n1");
    assert_eq!(first.priority, Some(108.0));
    let finishes: Vec<(String, f64)> = first
        .candidates
        .iter()
        .map(|c| (p.proc_names[c.proc].clone(), c.finish))
        .collect();
    assert_eq!(
        finishes,
        [("P1".into(), 14.0), ("P2".into(), 16.0), ("P3".into(), 9.0)]
    );
    assert_eq!(p.proc_names[first.proc], "P3");
    assert_eq!(first.ready, [idx(&p.task_names, "n1")]);
    assert_eq!(first.rule, "earliest finish time");
    // Decisions follow decreasing upward rank, and each goes to its earliest finish.
    let order: Vec<&str> = why
        .decisions
        .iter()
        .map(|d| p.task_names[d.task].as_str())
        .collect();
    assert_eq!(
        order,
        ["n1", "n3", "n4", "n2", "n5", "n6", "n9", "n7", "n8", "n10"]
    );
    for d in &why.decisions {
        let best = d
            .candidates
            .iter()
            .map(|c| c.finish)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(d.finish, best, "{}", p.task_names[d.task]);
    }
    // Every candidate starts once its inputs are there.
    for d in &why.decisions {
        for c in &d.candidates {
            assert!(c.start >= c.data_ready && c.finish > c.start);
        }
    }
}

#[test]
fn cpop_records_its_critical_path_and_processor() {
    let p = common::problem("topcuoglu2002");
    let (plan, why) = sched::build("cpop", &Options::new())
        .unwrap()
        .explain(&p, 0);
    assert_eq!(plan.makespan(), 86.0);
    let (path, proc) = why.critical_path.clone().unwrap();
    let names: Vec<&str> = path.iter().map(|&t| p.task_names[t].as_str()).collect();
    assert_eq!(names, ["n1", "n2", "n9", "n10"]);
    assert_eq!(p.proc_names[proc.unwrap()], "P2");
    for d in &why.decisions {
        let on_path = path.contains(&d.task);
        assert_eq!(
            d.rule == "critical-path processor",
            on_path,
            "{}",
            p.task_names[d.task]
        );
    }
}

/// 3,000 independent tasks are all ready at once: each decision keeps a bounded ready list
/// (with the count and the chosen task), not the whole set (n²/2 entries before).
#[test]
fn wide_graphs_record_a_bounded_ready_set() {
    use schedlab_core::explain::{MAX_READY_RECORDED, MAX_RECORDED_PAIRS};
    let wide = |tasks: usize, procs: usize| {
        let json = serde_json::json!({
            "version": 1,
            "processors": (0..procs).map(|p| serde_json::json!({"name": format!("P{p}"), "kind": "cpu"})).collect::<Vec<_>>(),
            "network": {"bandwidth": 1.0},
            "tasks": (0..tasks).map(|t| serde_json::json!({"name": format!("t{t}"), "cost": 1.0 + (t % 7) as f64})).collect::<Vec<_>>(),
        });
        schedlab_core::Scenario::from_json(&json.to_string()).unwrap()
    };
    let p = schedlab_core::Problem::new(&wide(3_000, 2)).unwrap();
    let (plan, why) = sched::build("heft", &Options::new())
        .unwrap()
        .explain(&p, 0);
    assert_eq!(
        plan,
        sched::build("heft", &Options::new())
            .unwrap()
            .schedule(&p, 0)
    );
    assert_eq!(why.decisions[0].ready_total, 3_000);
    for (k, d) in why.decisions.iter().enumerate() {
        assert_eq!(d.ready_total, 3_000 - k);
        assert!(d.ready.len() <= MAX_READY_RECORDED + 1 && d.ready.contains(&d.task));
        assert!(d.ready.windows(2).all(|w| w[0] < w[1]));
    }
    // Past the recorded-pairs bound, explaining is refused with one line; running is not.
    let big = schedlab_core::Problem::new(&wide(1_000, 256)).unwrap();
    const { assert!(1_000 * 256 > MAX_RECORDED_PAIRS) };
    let noise = schedlab_core::Noise::default();
    let e = schedlab_core::run::run_explained(&big, "heft", &Options::new(), &noise, 0)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "tasks × processors to explain (each decision records every processor): 256000 exceeds the limit of 250000"
    );
    assert!(schedlab_core::run::run(&big, "heft", &Options::new(), &noise, 0).is_ok());
}

#[test]
fn the_mapping_heuristics_record_the_completion_time_matrix_they_compared() {
    let p = common::problem("topcuoglu2002");
    for id in ["minmin", "maxmin", "sufferage"] {
        let s = sched::build(id, &Options::new()).unwrap();
        let (plan, why) = s.explain(&p, 0);
        assert_eq!(plan, s.schedule(&p, 0), "{id}");
        for d in &why.decisions {
            // A row per ready task, the chosen one's minimum where it went.
            assert_eq!(d.scores.len(), d.ready_total, "{id} step {}", d.step);
            let chosen = d.scores.iter().find(|s| s.task == d.task).unwrap();
            let (proc, finish, _) = chosen.best();
            assert_eq!((proc, finish), (d.proc, d.finish), "{id} step {}", d.step);
            for other in &d.scores {
                let (_, f, second) = other.best();
                match id {
                    "minmin" => assert!(finish <= f, "{id} step {}", d.step),
                    "maxmin" => assert!(finish >= f, "{id} step {}", d.step),
                    _ => {
                        let (_, cf, cs) = chosen.best();
                        assert!(cs - cf >= second - f, "{id} step {}", d.step);
                    }
                }
            }
        }
    }
    // The list schedulers keep no matrix, nor ETF (it picks by earliest start).
    for id in ["heft", "etf"] {
        let (_, why) = sched::build(id, &Options::new()).unwrap().explain(&p, 0);
        assert!(why.decisions.iter().all(|d| d.scores.is_empty()), "{id}");
    }
}
