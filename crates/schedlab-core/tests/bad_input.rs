//! Every kind of bad input gives a clear error that names what and where; nothing panics.

mod common;

use schedlab_core::formats::{self, Format, ImportOptions, InputFile};
use schedlab_core::scenario::limits;
use schedlab_core::{Error, Problem, Scenario};

/// Loads a scenario from JSON text and validates it, returning the error text.
fn error_of(json: &str) -> String {
    match Scenario::from_json(json).and_then(|s| Problem::new(&s).map(|_| ())) {
        Ok(()) => panic!("accepted: {json}"),
        Err(e) => e.to_string(),
    }
}

fn scenario(tasks: &str, edges: &str) -> String {
    format!(
        r#"{{"version": 1, "processors": [{{"name": "P1"}}, {{"name": "P2", "kind": "gpu", "speed": 2}}], "tasks": {tasks}, "edges": {edges}}}"#
    )
}

#[test]
fn a_cycle_names_its_tasks() {
    let e = error_of(&scenario(
        r#"[{"name":"a","cost":1},{"name":"b","cost":1},{"name":"c","cost":1},{"name":"d","cost":1}]"#,
        r#"[{"from":"a","to":"b"},{"from":"b","to":"c"},{"from":"c","to":"d"},{"from":"d","to":"b"}]"#,
    ));
    assert_eq!(e, "the task graph has a cycle: b -> c -> d -> b");
    let e = error_of(&scenario(
        r#"[{"name":"a","cost":1}]"#,
        r#"[{"from":"a","to":"a"}]"#,
    ));
    assert!(e.contains("cycle: a -> a"), "{e}");
}

#[test]
fn each_content_error_names_the_culprit() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"[{"name":"a","cost":1}]"#,
            r#"[{"from":"a","to":"zz"}]"#,
            "unknown task 'zz'",
        ),
        (
            r#"[{"name":"a","cost":1},{"name":"a","cost":2}]"#,
            "[]",
            "duplicate task name 'a'",
        ),
        (
            r#"[{"name":"a","cost":-1}]"#,
            "[]",
            "task 'a' cost: -1 is not >= 0",
        ),
        (
            r#"[{"name":"a","costs":[1]}]"#,
            "[]",
            "`costs` has 1 entries but there are 2 processors",
        ),
        (
            r#"[{"name":"a","costs":[null,null]}]"#,
            "[]",
            "task 'a' cannot run on any processor",
        ),
        (
            r#"[{"name":"a"}]"#,
            "[]",
            "task 'a': missing `cost` or `costs`",
        ),
        (r#"[{"name":"a","cost":1,"costs":[1,1]}]"#, "[]", "not both"),
        (
            r#"[{"name":"a","cost":1},{"name":"b","cost":1}]"#,
            r#"[{"from":"a","to":"b","data":-3}]"#,
            "data: -3 is not >= 0",
        ),
        (
            r#"[{"name":"a","cost":1},{"name":"b","cost":1}]"#,
            r#"[{"from":"a","to":"b"},{"from":"a","to":"b"}]"#,
            "duplicate dependency",
        ),
        (r#"[{"name":"","cost":1}]"#, "[]", "the name is empty"),
        ("[]", "[]", "the task graph is empty"),
    ];
    for (tasks, edges, expect) in cases {
        let e = error_of(&scenario(tasks, edges));
        assert!(e.contains(expect), "expected '{expect}' in '{e}'");
    }
}

#[test]
fn nan_and_infinity_are_refused_when_built_in_code() {
    // JSON cannot carry NaN; scenarios built by the UI or a library can.
    let mut s = Scenario::from_json(&scenario(
        r#"[{"name":"a","cost":1},{"name":"b","cost":1}]"#,
        r#"[{"from":"a","to":"b","data":1}]"#,
    ))
    .unwrap();
    s.tasks[0].cost = Some(f64::NAN);
    assert_eq!(
        Problem::new(&s).unwrap_err().to_string(),
        "task 'a' cost: is NaN"
    );
    s.tasks[0].cost = Some(1.0);
    s.edges[0].data = f64::INFINITY;
    assert!(Problem::new(&s)
        .unwrap_err()
        .to_string()
        .contains("data: is infinite"));
    s.edges[0].data = 1.0;
    s.processors[1].speed = 0.0;
    assert!(Problem::new(&s)
        .unwrap_err()
        .to_string()
        .contains("processor 'P2' speed: 0 is not > 0"));
    s.processors[1].speed = 1.0;
    s.network.bandwidth = Some(f64::NAN);
    assert!(Problem::new(&s)
        .unwrap_err()
        .to_string()
        .contains("network bandwidth: is NaN"));
    // JSON numbers too large for f64 are refused by the parser with a position.
    let e = Scenario::from_json(&scenario(r#"[{"name":"a","cost":1e999}]"#, "[]"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 1"), "{e}");
}

#[test]
fn platform_errors() {
    let no_procs = r#"{"version":1,"processors":[],"tasks":[{"name":"a","cost":1}]}"#;
    assert!(error_of(no_procs).contains("the platform is empty"));
    let dup =
        r#"{"version":1,"processors":[{"name":"P"},{"name":"P"}],"tasks":[{"name":"a","cost":1}]}"#;
    assert!(error_of(dup).contains("duplicate processor name 'P'"));
    let bad_link = r#"{"version":1,"processors":[{"name":"P"},{"name":"Q"}],"network":{"links":[{"a":"P","b":"R","bandwidth":1}]},"tasks":[{"name":"a","cost":1}]}"#;
    assert!(error_of(bad_link).contains("unknown processor 'R'"));
    let bad_kind = r#"{"version":1,"processors":[{"name":"P","kind":"quantum"}],"tasks":[{"name":"a","cost":1}]}"#;
    assert!(error_of(bad_kind).contains("unknown variant `quantum`"));
}

#[test]
fn oversized_inputs_hit_documented_limits() {
    let mut s = Scenario::new("big");
    s.processors = vec![schedlab_core::scenario::Processor {
        name: "P".into(),
        kind: Default::default(),
        speed: 1.0,
    }];
    s.tasks = (0..=limits::MAX_TASKS)
        .map(|i| schedlab_core::scenario::Task {
            name: format!("t{i}"),
            cost: Some(1.0),
            costs: None,
        })
        .collect();
    let e = Problem::new(&s).unwrap_err();
    assert!(matches!(e, Error::Limit { .. }));
    assert_eq!(
        e.to_string(),
        format!(
            "number of tasks: {} exceeds the limit of {}",
            limits::MAX_TASKS + 1,
            limits::MAX_TASKS
        )
    );
    let huge = " ".repeat(limits::MAX_INPUT_BYTES + 1);
    assert!(matches!(
        Scenario::from_json(&huge).unwrap_err(),
        Error::Limit { .. }
    ));
}

#[test]
fn malformed_files_of_every_format_give_located_errors() {
    let o = ImportOptions::default();
    let cases: &[(Format, &str, &str)] = &[
        (Format::Schedlab, "{\"version\": 1, \"tasks\": [", "EOF"),
        (
            Format::Saga,
            "{\"tasks\": [{\"name\": \"a\"}]}",
            "missing field `cost`",
        ),
        (
            Format::WfFormat,
            "{\"workflow\": {}}",
            "missing `workflow.specification`",
        ),
        (Format::Stg, "3\n0 0 0\n1 5 1 0\n", "task 2 is missing"),
        (
            Format::Stg,
            "2\n0 0 0\n1 x 1 0\n",
            "f.txt:3: processing time 'x' is not a non-negative integer",
        ),
        (
            Format::Stg,
            "1\n0 0 0\n1 5 2 0\n2 0 1 1\n",
            "declares 2 predecessors but lists 1",
        ),
        (Format::Dot, "digraph { a -> }", "expected a name"),
        (
            Format::Ds3,
            "job_name x\nadd_new_tasks 2\na 0\n",
            "add_new_tasks announces 2 tasks but 1 are defined",
        ),
        (
            Format::Ds3,
            "job_name x\nadd_new_tasks 1\na 0\n",
            "a SoC resource file",
        ),
    ];
    for (f, text, expect) in cases {
        let e = formats::import(
            *f,
            &[InputFile {
                name: "f.txt",
                text,
            }],
            &o,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains(expect), "{f:?}: expected '{expect}' in '{e}'");
    }
    // A cycle in an imported file is reported like any other.
    let e = formats::import(
        Format::Dot,
        &[InputFile {
            name: "c.dot",
            text: "digraph { a -> b -> a }",
        }],
        &o,
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "the task graph has a cycle: a -> b -> a");
    // Unknown future version.
    let e = formats::import(
        Format::Schedlab,
        &[InputFile {
            name: "v.json",
            text: r#"{"version": 2, "tasks": []}"#,
        }],
        &o,
    )
    .unwrap_err();
    assert!(e.to_string().contains("unsupported scenario version 2"));
}

#[test]
fn garbage_never_panics() {
    // Truncations of real files at every 97th byte: errors, never panics.
    let data = common::shared_data();
    let files = [
        ("saga/HEFT_vs_CPoP_taskgraph.json", Format::Saga),
        ("wfcommons/blast-chameleon-small-001.json", Format::WfFormat),
        ("stg/rand50/rand0000.stg", Format::Stg),
    ];
    for (rel, f) in files {
        let text = common::read(&data.join(rel));
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let _ = formats::import(
                    f,
                    &[InputFile {
                        name: rel,
                        text: &text[..cut],
                    }],
                    &ImportOptions::default(),
                );
                let _ = formats::import_auto(
                    &InputFile {
                        name: rel,
                        text: &text[..cut],
                    },
                    &ImportOptions::default(),
                );
            }
            cut += 97;
        }
    }
    let topo = common::read(&common::root().join("assets/scenarios/topcuoglu2002.json"));
    for cut in 0..topo.len() {
        let _ = Scenario::from_json(&topo[..cut]).and_then(|s| Problem::new(&s));
    }
}
