//! Published numbers: Topcuoglu, Hariri, Wu (IEEE TPDS 2002), the HEFT/CPOP example.

mod common;

use schedlab_core::metrics::{critical_path_min_cost, sequential_time};
use schedlab_core::sched::{self, ranks, CommAverage, Options};
use schedlab_core::{check, run, Noise};

#[test]
fn upward_ranks_match_the_paper() {
    let p = common::problem("topcuoglu2002");
    let r = ranks::upward(&p, CommAverage::DistinctPairs);
    let expected = [
        108.0, 77.0, 80.0, 80.0, 69.0, 63.33, 42.67, 35.67, 44.33, 14.67,
    ];
    for (t, e) in expected.iter().enumerate() {
        assert!(
            (r[t] - e).abs() < 0.01,
            "rank of n{}: {} vs {e}",
            t + 1,
            r[t]
        );
    }
}

#[test]
fn heft_reproduces_the_papers_schedule_and_makespan_80() {
    let p = common::problem("topcuoglu2002");
    let res = run::run(&p, "heft", &Options::new(), &Noise::default(), 0).unwrap();
    assert_eq!(res.metrics.makespan, 80.0);
    // The paper's Fig. 4(a): (task, processor, start, end).
    let expected = [
        ("n1", "P3", 0.0, 9.0),
        ("n3", "P3", 9.0, 28.0),
        ("n5", "P3", 28.0, 38.0),
        ("n7", "P3", 38.0, 49.0),
        ("n4", "P2", 18.0, 26.0),
        ("n6", "P2", 26.0, 42.0),
        ("n9", "P2", 56.0, 68.0),
        ("n10", "P2", 73.0, 80.0),
        ("n2", "P1", 27.0, 40.0),
        ("n8", "P1", 57.0, 62.0),
    ];
    for (task, proc, start, end) in expected {
        let t = p.task_names.iter().position(|n| n == task).unwrap();
        let s = res.plan.slots[t];
        assert_eq!(
            (p.proc_names[s.proc].as_str(), s.start, s.end),
            (proc, start, end),
            "{task}"
        );
    }
    check::check_plan(&p, &res.plan).unwrap();
}

#[test]
fn cpop_makespan_is_86_with_the_critical_path_on_p2() {
    let p = common::problem("topcuoglu2002");
    let res = run::run(&p, "cpop", &Options::new(), &Noise::default(), 0).unwrap();
    assert_eq!(res.metrics.makespan, 86.0);
    for task in ["n1", "n2", "n9", "n10"] {
        let t = p.task_names.iter().position(|n| n == task).unwrap();
        assert_eq!(
            p.proc_names[res.plan.slots[t].proc], "P2",
            "{task} is on the critical path"
        );
    }
    check::check_plan(&p, &res.plan).unwrap();
}

#[test]
fn slr_speedup_and_efficiency_match_the_paper() {
    let p = common::problem("topcuoglu2002");
    assert_eq!(critical_path_min_cost(&p), 41.0);
    assert_eq!(sequential_time(&p), 127.0);
    let m = run::run(&p, "heft", &Options::new(), &Noise::default(), 0)
        .unwrap()
        .metrics;
    assert!((m.slr - 80.0 / 41.0).abs() < 1e-12 && (m.slr - 1.95).abs() < 0.005);
    assert!((m.speedup - 127.0 / 80.0).abs() < 1e-12 && (m.speedup - 1.59).abs() < 0.005);
    assert!((m.efficiency - 127.0 / 80.0 / 3.0).abs() < 1e-12);
    assert_eq!(m.makespan_ratio, 1.0);
}

#[test]
fn saga_convention_changes_the_ranks_but_stays_valid() {
    let p = common::problem("topcuoglu2002");
    let paper = ranks::upward(&p, CommAverage::DistinctPairs);
    let saga = ranks::upward(&p, CommAverage::Saga);
    // saga averages over its 6 network edges (3 links + 3 free self-loops): communication
    // counts 3/6 of its volume.
    let n10 = 44.0 / 3.0;
    assert!((saga[9] - n10).abs() < 1e-9 && (paper[9] - n10).abs() < 1e-9);
    let n9 = (18.0 + 12.0 + 20.0) / 3.0 + 13.0 * 3.0 / 6.0 + n10;
    assert!((saga[8] - n9).abs() < 1e-9, "{} vs {n9}", saga[8]);
    let opts: Options = [("comm_average".to_string(), "saga".to_string())].into();
    let res = run::run(&p, "heft", &opts, &Noise::default(), 0).unwrap();
    check::check_plan(&p, &res.plan).unwrap();
}

#[test]
fn every_registered_scheduler_gives_a_valid_plan_on_the_paper_example() {
    let p = common::problem("topcuoglu2002");
    for spec in sched::REGISTRY {
        let plan = spec.build(&Options::new()).unwrap().schedule(&p, 7);
        check::check_plan(&p, &plan).unwrap_or_else(|e| panic!("{}: {e}", spec.id));
        // No list schedule can beat the minimum-cost critical path.
        assert!(plan.makespan() >= 41.0, "{}", spec.id);
    }
}
