//! Hostile input (issue 18): every entry point refuses what it cannot run with one line
//! naming what and where, quickly; nothing panics, hangs, eats memory or returns a NaN or
//! infinite number. Each test here reproduces a finding on the earlier code.

use std::time::{Duration, Instant};

use schedlab_core::formats::{self, Format, ImportOptions, InputFile};
use schedlab_core::scenario::{Edge, Processor, Task};
use schedlab_core::sched::{Options, REGISTRY};
use schedlab_core::stream::dag::{self, DagMix, DagSpec};
use schedlab_core::stream::policy::Policy;
use schedlab_core::stream::sim::{check, simulate};
use schedlab_core::stream::trace::Trace;
use schedlab_core::stream::{generate, Arrivals, Info, Job, Mix, Stream, StreamSpec};
use schedlab_core::{dist, run, Noise, Problem, Scenario};

/// Runs `f`, failing if it takes longer than `limit` (debug build, shared machine: the
/// limits are generous; the hostile inputs took minutes, hours or forever before).
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    assert!(took < limit, "{what} took {took:?} (limit {limit:?})");
    eprintln!("{what}: {took:?}");
    out
}

const SECOND: Duration = Duration::from_secs(1);

fn err<T: std::fmt::Debug>(r: schedlab_core::Result<T>) -> String {
    match r {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => {
            let s = e.to_string();
            assert!(!s.contains('\n'), "not one line: {s}");
            s
        }
    }
}

fn one_job_stream(jobs: &[(f64, f64)]) -> Stream {
    Stream {
        machines: 1,
        speeds: vec![],
        context_switch: 0.0,
        info: Info::Clairvoyant,
        jobs: jobs
            .iter()
            .map(|&(a, s)| Job {
                arrival: a,
                ops: vec![s],
                estimate: s,
                deadline: None,
            })
            .collect(),
    }
}

fn trace_spec(trace: Trace, mix: Mix) -> StreamSpec {
    StreamSpec {
        jobs: 3,
        machines: 1,
        speeds: vec![],
        context_switch: 0.0,
        arrivals: Arrivals::Trace(trace),
        mix,
        info: Info::Clairvoyant,
        estimate_noise: 0.0,
        deadline_slack: None,
        seed: 1,
    }
}

// Item 1.
#[test]
fn a_trace_with_fewer_sizes_than_arrivals_is_refused_by_every_generator() {
    // What a link decoder or a library user can build: it used to index out of bounds.
    let trace: Trace = serde_json::from_str(r#"{"arrivals":[0,1,2],"sizes":[1]}"#).unwrap();
    for mix in [
        Mix::Single { mean_size: 1.0 },
        Mix::Chain {
            ops: 2,
            mean_op: 1.0,
        },
    ] {
        let e = err(generate(&trace_spec(trace.clone(), mix)));
        assert_eq!(
            e,
            "trace: 3 arrivals but 1 sizes (give a size for every arrival or none)"
        );
    }
    let e = err(dag::generate(&DagSpec {
        jobs: 3,
        arrivals: Arrivals::Trace(trace.clone()),
        mix: DagMix::Ds3,
        exec_sigma: 0.0,
        seed: 1,
    }));
    assert!(e.contains("3 arrivals but 1 sizes"), "{e}");
    assert!(trace.validate().is_err());
    // Bad sizes and arrivals are named by position.
    let bad = Trace {
        arrivals: vec![0.0, 1.0],
        sizes: Some(vec![1.0, -2.0]),
        names: None,
        ops: None,
    };
    assert_eq!(
        err(generate(&trace_spec(bad, Mix::Single { mean_size: 1.0 }))),
        "trace: size 1 (-2) is not a finite number > 0 and at most 1e100"
    );
    let unsorted = Trace {
        arrivals: vec![0.0, 2.0, 1.0],
        sizes: None,
        names: None,
        ops: None,
    };
    assert!(err(unsorted.validate()).contains("arrival 2 (1)"));
    // A sound trace with sizes still replays them.
    let good = Trace {
        arrivals: vec![0.0, 1.0, 2.0],
        sizes: Some(vec![3.0, 1.0, 2.0]),
        names: None,
        ops: None,
    };
    let s = generate(&trace_spec(good, Mix::Single { mean_size: 1.0 })).unwrap();
    assert_eq!(
        s.jobs.iter().map(Job::size).collect::<Vec<_>>(),
        [3.0, 1.0, 2.0]
    );
}

fn chain_scenario(cost: f64, data: f64) -> Scenario {
    let mut s = Scenario::new("overflow");
    s.processors = vec![
        Processor {
            name: "P1".into(),
            kind: Default::default(),
            speed: 1.0,
        },
        Processor {
            name: "P2".into(),
            kind: Default::default(),
            speed: 2.0,
        },
    ];
    s.tasks = ["a", "b", "c", "d"]
        .iter()
        .map(|n| Task {
            name: n.to_string(),
            cost: Some(cost),
            costs: None,
        })
        .collect();
    s.edges = [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]
        .iter()
        .map(|(f, t)| Edge {
            from: f.to_string(),
            to: t.to_string(),
            data,
        })
        .collect();
    s
}

// Item 2.
#[test]
fn costs_whose_sums_overflow_are_refused_with_the_culprit() {
    // Two tasks of cost 1e308 in a chain: HEFT and others panicked, ETF and others
    // returned a null makespan.
    let mut s = chain_scenario(1.0, 0.0);
    s.tasks.truncate(2);
    s.edges.truncate(1);
    s.tasks[0].cost = Some(1e308);
    s.tasks[1].cost = Some(1e308);
    assert_eq!(
        err(Problem::new(&s)),
        "task 'a' cost: 1e308 is above the limit of 1e100"
    );
    // Each cost within bounds, but cost ÷ speed is not.
    let mut s = chain_scenario(1.0, 0.0);
    s.processors[1].speed = 1e-60;
    s.tasks[2].cost = Some(1e60);
    let e = err(Problem::new(&s));
    assert!(
        e.starts_with("task 'c': execution time 1")
            && e.ends_with("e120 on 'P2' is above the limit of 1e100"),
        "{e}"
    );
    // Every number fine, the sum is not.
    let e = err(Problem::new(&chain_scenario(4e99, 0.0)));
    assert!(
        e.starts_with("the scenario's total time is too large") && e.contains("1.6e100"),
        "{e}"
    );
    // Transfers: data ÷ the slowest bandwidth.
    let mut s = chain_scenario(1.0, 1e100);
    s.network.bandwidth = Some(1e-10);
    let e = err(Problem::new(&s));
    assert!(
        e.starts_with("dependency #0 (a -> b): transfer time ")
            && e.ends_with("e110 over the slowest link is above the limit of 1e100"),
        "{e}"
    );
    s.network.bandwidth = Some(1e-200);
    assert_eq!(
        err(Problem::new(&s)),
        "network bandwidth: 1e-200 is below the limit of 1e-100"
    );
    let mut s = chain_scenario(1.0, 0.0);
    s.processors[0].speed = 5e-324;
    assert_eq!(
        err(Problem::new(&s)),
        "processor 'P1' speed: 5e-324 is below the limit of 1e-100"
    );
    // The same through a file.
    let text =
        r#"{"version":1,"processors":[{"name":"P"}],"tasks":[{"name":"n3","costs":[1e308]}]}"#;
    let e = err(formats::import(
        Format::Schedlab,
        &[InputFile {
            name: "x.json",
            text,
        }],
        &ImportOptions::default(),
    ));
    assert_eq!(
        e,
        "task 'n3' cost on 'P': 1e308 is above the limit of 1e100"
    );
}

#[test]
fn every_scheduler_gives_a_finite_makespan_near_the_limits() {
    // 4 × 2e99 of work on the slowest processor + 4 × 4e98 of transfers: 9.6e99, accepted.
    let s = chain_scenario(2e99, 4e98);
    let p = Problem::new(&s).unwrap();
    for noise in [Noise::default(), Noise::exec(0.5)] {
        for spec in REGISTRY {
            let r = run::run(&p, spec.id, &Options::new(), &noise, 7)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.id));
            let m = &r.metrics;
            for (what, v) in [
                ("makespan", m.makespan),
                ("planned makespan", m.planned_makespan),
                ("makespan ratio", m.makespan_ratio),
                ("slr", m.slr),
                ("speedup", m.speedup),
                ("efficiency", m.efficiency),
                ("total comm time", m.total_comm_time),
            ] {
                assert!(v.is_finite(), "{}: {what} = {v}", spec.id);
            }
            assert!(
                m.makespan >= 8e99 / 2.0 / 2.0,
                "{}: {}",
                spec.id,
                m.makespan
            );
            schedlab_core::check::check_plan(&p, &r.plan)
                .unwrap_or_else(|e| panic!("{}: {e}", spec.id));
        }
    }
}

// Item 3.
#[test]
fn extreme_burstiness_is_refused_and_gamma_always_terminates() {
    let spec = |cv: f64| StreamSpec {
        jobs: 1000,
        machines: 2,
        speeds: vec![],
        context_switch: 0.0,
        arrivals: Arrivals::GammaLoad { rho: 0.9, cv },
        mix: Mix::Single { mean_size: 1.0 },
        info: Info::Clairvoyant,
        estimate_noise: 0.0,
        deadline_slack: None,
        seed: 3,
    };
    // Shape 1/cv² was infinite: the gamma sampler looped forever.
    assert_eq!(
        err(generate(&spec(1e-160))),
        "burstiness (cv) 1e-160 is below 0.001"
    );
    assert_eq!(
        err(generate(&spec(5e-324))),
        "burstiness (cv) 5e-324 is below 0.001"
    );
    assert_eq!(
        err(generate(&spec(1e3))),
        "burstiness (cv) 1000 is above 100"
    );
    // The bounds themselves run (shape 1e6 and 1e-4).
    for cv in [1e-3, 100.0] {
        let s = within(SECOND * 5, "generate at a burstiness bound", || {
            generate(&spec(cv)).unwrap()
        });
        assert!(s.jobs.iter().all(|j| j.arrival.is_finite()));
    }
    // The same bound in the serving lab's synthetic workload.
    let e = err(schedlab_core::serve::synthetic(
        &schedlab_core::serve::SyntheticSpec {
            burstiness: 1e-160,
            ..Default::default()
        },
    ));
    assert!(e.contains("burstiness (cv) 1e-160 is below"), "{e}");
    // Other distribution parameters.
    let mut s = spec(1.0);
    s.arrivals = Arrivals::Load { rho: 5e-324 };
    assert_eq!(err(generate(&s)), "load 5e-324 is below 0.000001");
    let mut s = spec(1.0);
    s.mix = Mix::Single { mean_size: 1e300 };
    assert_eq!(
        err(generate(&s)),
        "mean size 1e300 is above the limit of 1e100"
    );
    let mut s = spec(1.0);
    s.estimate_noise = 1e300;
    assert!(err(generate(&s)).contains("estimate noise"));
    // The sampler itself, whatever the shape.
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    within(SECOND, "gamma at extreme shapes", || {
        for k in [f64::INFINITY, f64::MAX, 1e300, 1e-300, 5e-324] {
            let _ = dist::gamma(&mut rng, k, 1.0);
        }
        assert!(dist::gamma(&mut rng, f64::NAN, 1.0).is_nan());
    });
}

// Item 4.
#[test]
fn a_lone_job_under_round_robin_runs_to_completion_in_one_event() {
    for id in ["rr:0.2", "mlfq:0.2", "rr:1e-300", "mlfq:1e-300:64"] {
        let s = one_job_stream(&[(0.0, 1e9)]);
        let run = within(SECOND, id, || {
            simulate(&s, Policy::parse(id).unwrap()).unwrap()
        });
        assert_eq!(run.events, 1, "{id}");
        assert_eq!(run.completion, [1e9], "{id}");
        check(&s, &run).unwrap();
    }
    // Alone between arrivals: the quanta it used up are applied, and when company arrives
    // RR picks up exactly where quantum-by-quantum stepping would be. Job 0 is alone until
    // 5000.25 (5000 quanta expired, 0.75 of the next left): it keeps the machine until
    // 5001, job 1 runs to 5002, then job 0 finishes its 9000 at 9001.
    let s = one_job_stream(&[(0.0, 9000.0), (5000.25, 1.0)]);
    let run = simulate(&s, Policy::parse("rr:1").unwrap()).unwrap();
    check(&s, &run).unwrap();
    assert_eq!(run.completion, [9001.0, 5002.0]);
    assert!(run.events < 10, "{} events", run.events);
    // MLFQ levels 1, 2, 4, 8, 16, 32: after 4000.5 alone the job is at the last level; the
    // newcomer (level 0) preempts it.
    let s = one_job_stream(&[(0.0, 9000.0), (4000.5, 1.0)]);
    let run = simulate(&s, Policy::parse("mlfq:1:6").unwrap()).unwrap();
    check(&s, &run).unwrap();
    assert_eq!(run.completion, [9001.0, 4001.5]);
    // 4000.5 alone in one event; after the newcomer, 4999.5 left in quanta of 32 (156, under
    // the 1000 that are skipped) are stepped.
    assert!(run.events < 170, "{} events", run.events);
    // Short lone stretches are stepped as before (the textbook numbers do not move).
    let s = one_job_stream(&[(0.0, 10.5), (10.25, 1.0)]);
    let run = simulate(&s, Policy::parse("rr:1").unwrap()).unwrap();
    assert_eq!(run.completion, [10.5, 11.5]);
}

#[test]
fn a_quantum_too_small_for_the_work_is_refused() {
    let s = one_job_stream(&[(0.0, 1.0), (0.0, 1.0)]);
    let e = within(SECOND, "rr:1e-300", || {
        err(simulate(&s, Policy::parse("rr:1e-300").unwrap()))
    });
    assert!(
        e.contains("the quantum 1e-300 is too small for this stream's work 2")
            && e.contains("above the limit of 10000000"),
        "{e}"
    );
    let s = one_job_stream(&[(0.0, 1e9), (0.0, 1e9)]);
    let e = err(simulate(&s, Policy::parse("rr:0.2").unwrap()));
    assert!(e.contains("too small"), "{e}");
    // Sizes that would overflow the sums: refused by the stream check.
    let s = one_job_stream(&[(0.0, 3e300), (0.0, 3e300)]);
    assert_eq!(
        err(simulate(&s, Policy::parse("rr").unwrap())),
        "job 0: operation size 3e300 is above the limit of 1e100"
    );
    // A context switch as long as the quantum: nothing would ever progress.
    let mut s = one_job_stream(&[(0.0, 5.0), (0.0, 5.0)]);
    s.context_switch = 1.0;
    let e = err(simulate(&s, Policy::parse("rr:1").unwrap()));
    assert!(
        e.contains("context-switch time 1 is not below the quantum 1"),
        "{e}"
    );
    assert!(Policy::parse("mlfq:1:1000").is_err());
}

// Item 5.
#[test]
fn every_simulator_stays_within_its_documented_event_budget() {
    // Static DAG simulator: exactly one event per task and per dependency.
    let s = chain_scenario(1.0, 1.0);
    let p = Problem::new(&s).unwrap();
    let r = run::run(&p, "heft", &Options::new(), &Noise::exec(0.3), 1).unwrap();
    assert_eq!(r.execution.events, p.n_tasks() + p.deps.len());
    // Stream simulator: about one event per arrival, completion and quantum expiry, far
    // below 64 × (jobs + operations) + 4 × expiries + 10,000.
    let spec = StreamSpec {
        jobs: 2000,
        machines: 4,
        speeds: vec![],
        context_switch: 0.0,
        arrivals: Arrivals::Load { rho: 0.95 },
        mix: Mix::Single { mean_size: 4.0 },
        info: Info::Clairvoyant,
        estimate_noise: 0.0,
        deadline_slack: Some(3.0),
        seed: 5,
    };
    let st = generate(&spec).unwrap();
    let work: f64 = st.jobs.iter().map(Job::size).sum();
    for id in schedlab_core::stream::policy::POLICIES.iter().map(|e| e.id) {
        let run = simulate(&st, Policy::parse(id).unwrap()).unwrap();
        let expiries = if id == "rr" || id == "mlfq" {
            work
        } else {
            0.0
        };
        assert!(
            (run.events as f64) < 8.0 * 2000.0 + expiries,
            "{id}: {} events",
            run.events
        );
    }
    // DAG-stream simulator: arrivals, task ends and at most one wake per task.
    let ds = dag::generate(&DagSpec {
        jobs: 50,
        arrivals: Arrivals::Load { rho: 0.8 },
        mix: DagMix::Ds3,
        exec_sigma: 0.3,
        seed: 2,
    })
    .unwrap();
    let tasks: usize = ds
        .jobs
        .iter()
        .map(|j| ds.templates[j.template].problem.n_tasks())
        .sum();
    for id in dag::DAG_POLICIES.iter().map(|e| e.id) {
        let policy = dag::DagPolicy::parse(id).unwrap();
        let run = dag::simulate(&ds, policy).unwrap();
        assert!(
            run.events <= ds.jobs.len() + 2 * tasks,
            "{id}: {}",
            run.events
        );
    }
}

/// A DS3 import of a job file and a SoC file.
fn ds3(job: &str, soc: &str) -> schedlab_core::Result<Scenario> {
    formats::import(
        Format::Ds3,
        &[
            InputFile {
                name: "job.txt",
                text: job,
            },
            InputFile {
                name: "soc.txt",
                text: soc,
            },
        ],
        &ImportOptions::default(),
    )
}

// Item 6.
#[test]
fn a_ds3_soc_with_a_huge_capacity_is_refused_at_once() {
    let job = "job_name j\nadd_new_tasks 1\nscrambler 0\n";
    let soc = |cap: usize| {
        format!(
            "add_new_resource resource_type ARM resource_name A7 resource_ID 0 capacity {cap} num_supported_functionalities 1 DVFS_mode ondemand\nscrambler 10\ncomm_band 0 0 1000\n"
        )
    };
    let text = soc(100_000_000);
    let e = within(SECOND, "DS3 capacity 1e8", || err(ds3(job, &text)));
    assert_eq!(
        e,
        "DS3: resource 'A7' (capacity 100000000) brings the SoC to more than 1024 processors (cores), the limit"
    );
    // At the limit a SoC imports, one link per pair of banded cores.
    let text = soc(64);
    let s = within(SECOND * 5, "DS3 capacity 64", || ds3(job, &text).unwrap());
    assert_eq!(s.processors.len(), 64);
    assert_eq!(s.network.links.len(), 64 * 63 / 2);
    // Many tasks on many cores: the cost matrix is bounded before it is built.
    let many: String = std::iter::once("job_name j\n".to_string())
        .chain((0..4000).map(|i| format!("scrambler {i}\n")))
        .collect();
    let text = soc(1024);
    let e = within(SECOND * 5, "DS3 4000 tasks x 1024 cores", || {
        err(ds3(&many, &text))
    });
    assert_eq!(
        e,
        "tasks × processors: 4096000 exceeds the limit of 4000000"
    );
    assert_eq!(
        (s.network.links[0].a.as_str(), s.network.links[0].b.as_str()),
        ("A7_0", "A7_1")
    );
    // 1,010 cores in one banded cluster (the fuzzer's, 3 kB: over 10 s to import, validate
    // and save before): 509,545 links, refused before any is made.
    let text = soc(1010);
    let e = within(SECOND, "DS3 1010 cores in one cluster", || {
        err(ds3(job, &text))
    });
    assert_eq!(
        e,
        "processor pairs with a bandwidth (network links): 509545 exceeds the limit of 131072"
    );
    // Two clusters under one id are counted as the importer builds them (every core of
    // one with every core of the other, besides each one's own pairs): 145,530 links.
    let twin = "add_new_resource resource_type ARM resource_name A7 resource_ID 1 capacity 270 num_supported_functionalities 1 DVFS_mode ondemand\nscrambler 10\nadd_new_resource resource_type ARM resource_name A8 resource_ID 1 capacity 270 num_supported_functionalities 1 DVFS_mode ondemand\nscrambler 10\ncomm_band 1 1 5\n";
    let e = err(ds3(job, twin));
    assert_eq!(
        e,
        "processor pairs with a bandwidth (network links): 145530 exceeds the limit of 131072"
    );
    // The same bound holds for any scenario's explicit links.
    let mut big = chain_scenario(1.0, 1.0);
    big.processors = (0..600)
        .map(|i| Processor {
            name: format!("p{i}"),
            kind: Default::default(),
            speed: 1.0,
        })
        .collect();
    big.network.links = (1..600)
        .flat_map(|a| (0..a).map(move |b| (a, b)))
        .map(|(a, b)| schedlab_core::scenario::Link {
            a: format!("p{a}"),
            b: format!("p{b}"),
            bandwidth: schedlab_core::scenario::LinkBandwidth::Inherit,
            latency: None,
        })
        .collect();
    assert_eq!(
        err(Problem::new(&big)),
        "number of network links: 179700 exceeds the limit of 131072"
    );
}

fn dot(text: &str) -> schedlab_core::Result<Scenario> {
    formats::import(
        Format::Dot,
        &[InputFile {
            name: "g.dot",
            text,
        }],
        &ImportOptions::default(),
    )
}

// Item 7.
#[test]
fn dot_edge_products_and_deep_nesting_are_refused_before_expanding() {
    let group = |p: &str| {
        (0..5000)
            .map(|i| format!("{p}{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let text = format!("digraph {{\n{{{}}} -> {{{}}}\n}}", group("a"), group("b"));
    let e = within(SECOND * 5, "DOT 5000 x 5000", || err(dot(&text)));
    assert_eq!(
        e,
        "DOT: g.dot: line 2: this edge statement brings the graph to 25000000 dependencies, above the limit of 1000000"
    );
    // 20,000 nested braces overflowed the stack (an abort, not even a panic).
    let text = format!("digraph {{ {}{} }}", "{".repeat(20_000), "}".repeat(20_000));
    let e = within(SECOND * 5, "DOT 20000 nested", || err(dot(&text)));
    assert_eq!(e, "DOT: g.dot: line 1: subgraphs nested more than 100 deep");
    // Node lists are bounded as they are read.
    let text = format!(
        "digraph {{ {} }}",
        (0..100_001)
            .map(|i| format!("n{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let e = within(SECOND * 10, "DOT 100001 nodes", || err(dot(&text)));
    assert_eq!(
        e,
        "DOT: g.dot: line 1: more than 100000 nodes, the task limit"
    );
    // Nesting within the bound still reads.
    let text = format!("digraph {{ {}a -> b{} }}", "{".repeat(99), "}".repeat(99));
    assert_eq!(dot(&text).unwrap().edges.len(), 1);
}

fn wf(tasks: &[String], exec: &[String], files: &[String]) -> String {
    format!(
        r#"{{"name":"w","schemaVersion":"1.5","workflow":{{"specification":{{"tasks":[{}],"files":[{}]}},"execution":{{"tasks":[{}],"machines":[]}}}}}}"#,
        tasks.join(","),
        files.join(","),
        exec.join(",")
    )
}

// Item 8.
#[test]
fn wfformat_file_matching_is_linear_and_bad_runtimes_are_named() {
    let n_files = 100_000;
    let n_children = 1000;
    let outs: Vec<String> = (0..n_files).map(|i| format!("\"f{i}\"")).collect();
    let kids: Vec<String> = (0..n_children).map(|i| format!("\"c{i}\"")).collect();
    let mut tasks = vec![format!(
        r#"{{"id":"root","parents":[],"children":[{}],"inputFiles":[],"outputFiles":[{}]}}"#,
        kids.join(","),
        outs.join(",")
    )];
    let mut exec = vec![r#"{"id":"root","runtimeInSeconds":1}"#.to_string()];
    for i in 0..n_children {
        tasks.push(format!(
            r#"{{"id":"c{i}","parents":["root"],"children":[],"inputFiles":["f{}","f{}"],"outputFiles":[]}}"#,
            i * 7,
            i * 7 + 1
        ));
        exec.push(format!(r#"{{"id":"c{i}","runtimeInSeconds":2}}"#));
    }
    let files: Vec<String> = (0..n_files)
        .map(|i| format!(r#"{{"id":"f{i}","sizeInBytes":{}}}"#, i + 1))
        .collect();
    let text = wf(&tasks, &exec, &files);
    assert!(text.len() > 1_000_000);
    let s = within(SECOND * 10, "WfFormat 100k files x 1000 children", || {
        formats::import(
            Format::WfFormat,
            &[InputFile {
                name: "w.json",
                text: &text,
            }],
            &ImportOptions::default(),
        )
        .unwrap()
    });
    assert_eq!(s.edges.len(), n_children);
    // c3 reads f21 and f22: 22 + 23 bytes.
    let e = s.edges.iter().find(|e| e.to == "c3").unwrap();
    assert_eq!(e.data, 45.0);

    // A negative runtime used to become cost 0 without a word.
    let tasks = [r#"{"id":"t1","parents":[],"children":[]}"#.to_string()];
    let exec = [r#"{"id":"t1","runtimeInSeconds":-5}"#.to_string()];
    let e = err(formats::import(
        Format::WfFormat,
        &[InputFile {
            name: "neg.json",
            text: &wf(&tasks, &exec, &[]),
        }],
        &ImportOptions::default(),
    ));
    assert_eq!(
        e,
        "WfFormat: neg.json: task 't1': runtimeInSeconds -5 is not a finite number >= 0"
    );
}

fn procs(m: usize) -> Vec<Processor> {
    (0..m)
        .map(|i| Processor {
            name: format!("P{i}"),
            kind: Default::default(),
            speed: 1.0,
        })
        .collect()
}

// Item 9.
#[test]
fn the_execution_matrix_size_is_bounded() {
    let mut s = Scenario::new("wide");
    s.processors = procs(1024);
    s.tasks = (0..4000)
        .map(|i| Task {
            name: format!("t{i}"),
            cost: Some(1.0),
            costs: None,
        })
        .collect();
    let e = within(SECOND, "4000 x 1024", || err(Problem::new(&s)));
    assert_eq!(
        e,
        "tasks × processors: 4096000 exceeds the limit of 4000000"
    );
    // Dependencies × processors: every list scheduler weighs each on each processor.
    s.tasks.truncate(201);
    s.edges = (0..201)
        .flat_map(|i| (i + 1..201).map(move |j| (i, j)))
        .map(|(i, j)| Edge {
            from: format!("t{i}"),
            to: format!("t{j}"),
            data: 0.0,
        })
        .collect();
    let e = err(Problem::new(&s));
    assert_eq!(
        e,
        "dependencies × processors: 20582400 exceeds the limit of 16000000"
    );
}

// Item 10.
#[test]
fn an_stg_predecessor_count_that_overflows_is_a_located_error() {
    let text = "1\n0 0 0\n1 5 18446744073709551615 0\n2 0 1 1\n";
    let e = err(formats::import(
        Format::Stg,
        &[InputFile {
            name: "f.stg",
            text,
        }],
        &ImportOptions::default(),
    ));
    assert_eq!(
        e,
        "STG: f.stg:3: task 1 declares 18446744073709551615 predecessors but lists 1"
    );
    // Absurd processor counts are refused before anything is built.
    let e = err(formats::import(
        Format::Stg,
        &[InputFile {
            name: "f.stg",
            text: "1\n0 0 0\n1 5 1 0\n2 0 1 1\n",
        }],
        &ImportOptions {
            processors: Some(1_000_000_000),
        },
    ));
    assert_eq!(
        e,
        "number of processors asked for: 1000000000 exceeds the limit of 1024"
    );
}

// Serving scaling: DualMap and consistent hashing count the prefixes every scaling event
// re-maps, one pass over the prefixes seen per event; before the bound, 1,000 events over
// 100,000 requests were 10^8 ring lookups in the CLI.
#[test]
fn scaling_remap_work_is_bounded_up_front() {
    use schedlab_core::serve::router::Router;
    use schedlab_core::serve::sim::{simulate, ScaleAction, ScaleEvent, ServeConfig};
    use schedlab_core::serve::{self, SyntheticSpec};
    let w = serve::synthetic(&SyntheticSpec {
        requests: 30_000,
        ..Default::default()
    })
    .unwrap();
    let events = |k: usize| -> Vec<ScaleEvent> {
        (0..k)
            .map(|i| ScaleEvent {
                time_ms: i as f64,
                action: if i % 2 == 0 {
                    ScaleAction::Add
                } else {
                    ScaleAction::Remove
                },
            })
            .collect()
    };
    let c = ServeConfig {
        scaling: events(1_000),
        ..ServeConfig::default()
    };
    for r in [Router::DualMap, Router::ConsistentHash] {
        let e = within(SECOND, "a refused remap", || err(simulate(&w, &c, r)));
        assert_eq!(
            e,
            "scaling events × requests (each scaling event re-maps every prefix seen): \
             30000000 exceeds the limit of 20000000"
        );
    }
    // Routers that report no re-mapping skip the pass, and run.
    let run = simulate(&w, &c, Router::RoundRobin).unwrap();
    assert_eq!(run.scaling.len(), 1_000);
    assert!(run.scaling.iter().all(|s| s.prefixes_remapped.is_none()));
    // Within the bound, DualMap still counts.
    let c = ServeConfig {
        scaling: events(600),
        ..ServeConfig::default()
    };
    let run = simulate(&w, &c, Router::DualMap).unwrap();
    assert!(run
        .scaling
        .iter()
        .any(|s| s.prefixes_remapped.unwrap_or(0) > 0));
}

#[test]
fn explaining_a_stream_is_bounded_in_the_rows_it_keeps() {
    use schedlab_core::stream::lab::{run_explained, StreamsSettings};
    // 2,000 jobs at once under round robin: every quantum records every job in the system.
    let s = StreamsSettings {
        jobs: 2000,
        machines: 1,
        policies: vec!["rr:1".into()],
        trace: Some(Trace {
            arrivals: vec![0.0; 2000],
            sizes: Some(vec![2.0; 2000]),
            names: None,
            ops: None,
        }),
        ..StreamsSettings::default()
    };
    let e = run_explained(&s).unwrap_err().to_string();
    assert!(e.contains("decision rows to record"), "{e}");
    // The same stream without the records runs.
    assert!(schedlab_core::stream::lab::run(&s).is_ok());
}
