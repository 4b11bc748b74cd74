//! `schedlab open`: a share link of each lab gives the page's own numbers (the app's
//! evaluation of the same state), whether given as a URL, a bare fragment or a file; and
//! bad input is one `error:` line with exit status 2.

mod common;

use common::{fails, ok_json, root, schedlab};
use schedlab_app::labs::dag::{eval, presets};
use schedlab_app::labs::{serving, streams};
use schedlab_app::link;
use schedlab_app::state::{AppState, Lab};
use serde_json::{json, Value};

/// The DAG lab: Topcuoglu's graph, HEFT and CPOP under execution noise.
fn dag_state() -> AppState {
    let mut s = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
    s.schedulers = vec!["heft".into(), "cpop".into()];
    s.noise.exec_sigma = 0.2;
    s.noise.samples = 15;
    s.noise.seed = 3;
    s
}

/// The Streams lab: SRPT and FCFS on two machines.
fn streams_state() -> AppState {
    let mut s = dag_state();
    s.view.lab = Lab::Streams;
    s.streams.jobs = 200;
    s.streams.machines = 2;
    s.streams.load = 0.9;
    s.streams.seed = 5;
    s.streams.policies = vec!["srpt".into(), "fcfs".into()];
    s
}

/// The Serving lab: DualMap and round robin.
fn serving_state() -> AppState {
    let mut s = dag_state();
    s.view.lab = Lab::Serving;
    s.serving.requests = 300;
    s.serving.seed = 2;
    s.serving.routers = vec!["dualmap".into(), "round_robin".into()];
    s
}

/// What the page's metrics table shows for a state, per scheduler/policy/router: the
/// app's own evaluation (the shown run's makespan and its mean and std over the noise
/// samples; mean flow time; TTFT p50).
fn page_numbers(state: &AppState) -> Value {
    let mut out = serde_json::Map::new();
    match state.view.lab {
        Lab::Dag => {
            for c in eval::evaluate(state).unwrap().columns {
                let m = c.stats["makespan"];
                out.insert(
                    c.scheduler,
                    json!({
                        "makespan": c.run.metrics.makespan,
                        "makespan_mean": m.mean,
                        "makespan_std": m.std,
                    }),
                );
            }
        }
        Lab::Streams => {
            for c in streams::run_all(&state.streams).unwrap().columns {
                out.insert(
                    c.policy,
                    json!({"mean_flow_time": c.metrics.mean_flow_time}),
                );
            }
        }
        Lab::Serving => {
            for c in serving::run_all(&state.serving).unwrap().columns {
                out.insert(c.router, json!({"ttft_p50_ms": c.metrics.ttft_p50_ms}));
            }
        }
    }
    Value::Object(out)
}

/// The page's numbers that `schedlab open` prints: all but the DAG lab's shown run (the
/// run at the noise seed itself, which `compare`'s rows do not hold).
fn printable(page: &Value) -> Value {
    let mut v = page.clone();
    for row in v.as_object_mut().unwrap().values_mut() {
        row.as_object_mut().unwrap().remove("makespan");
    }
    v
}

/// The same numbers, read from what `schedlab open` printed.
fn printed_numbers(rows: &Value, lab: &str) -> Value {
    let mut out = serde_json::Map::new();
    for r in rows.as_array().expect("an array of rows") {
        assert_eq!(r["lab"], lab, "{r}");
        let (id, v) = match lab {
            "dag" => (
                &r["scheduler"],
                json!({
                    "makespan_mean": r["metrics"]["makespan"]["mean"],
                    "makespan_std": r["metrics"]["makespan"]["std"],
                }),
            ),
            "streams" => (&r["policy"], json!({"mean_flow_time": r["mean_flow_time"]})),
            _ => (&r["router"], json!({"ttft_p50_ms": r["ttft_p50_ms"]})),
        };
        out.insert(id.as_str().unwrap().to_string(), v);
    }
    Value::Object(out)
}

/// `schedlab open` on the URL, the bare fragment and files holding each, and on the
/// state's JSON: always the page's numbers, exactly.
fn opens_like_the_page(state: &AppState, lab: &str) {
    let expected = printable(&page_numbers(state));
    let fragment = link::encode(state);
    let url = format!("https://example.org/schedlab/#{fragment}");
    let dir = tempfile::tempdir().unwrap();
    let url_file = dir.path().join("link.txt");
    std::fs::write(&url_file, format!("{url}\n")).unwrap();
    let fragment_file = dir.path().join("fragment.txt");
    std::fs::write(&fragment_file, &fragment).unwrap();
    let state_file = dir.path().join("state.json");
    std::fs::write(&state_file, serde_json::to_string_pretty(state).unwrap()).unwrap();
    let url_file = url_file.to_string_lossy();
    let fragment_file = fragment_file.to_string_lossy();
    let state_file = state_file.to_string_lossy();
    let first = ok_json(&["open", &url]);
    for input in [
        &url[..],
        &format!("#{fragment}"),
        &fragment,
        &url_file,
        &fragment_file,
        &state_file,
    ] {
        let rows = ok_json(&["open", input]);
        assert_eq!(printed_numbers(&rows, lab), expected, "{lab}: {input}");
        assert_eq!(rows, first, "{lab}: every form prints the same rows");
    }
    let table = schedlab(&["open", &fragment, "--format", "table"]);
    assert!(table.status.success());
    assert!(String::from_utf8(table.stdout).unwrap().lines().count() >= 3);
}

#[test]
fn open_dag_link_gives_the_pages_makespans() {
    let s = dag_state();
    opens_like_the_page(&s, "dag");
    // The rows are `compare`'s at the state's σ, samples and seed.
    let rows = ok_json(&["open", &link::encode(&s)]);
    let compare = ok_json(&[
        "compare",
        &root()
            .join("assets/scenarios/topcuoglu2002.json")
            .to_string_lossy(),
        "--schedulers",
        "heft,cpop",
        "--noise",
        "0.2",
        "--seeds",
        "15",
        "--seed",
        "3",
        "--format",
        "json",
    ]);
    let mut without_lab = rows.clone();
    for r in without_lab.as_array_mut().unwrap() {
        r.as_object_mut().unwrap().remove("lab");
    }
    assert_eq!(without_lab, compare);
}

#[test]
fn open_streams_link_gives_the_pages_flow_times() {
    let s = streams_state();
    opens_like_the_page(&s, "streams");
    let rows = ok_json(&["open", &link::encode(&s)]);
    assert!(rows[0]["competitive_ratio"].as_f64().unwrap() >= 1.0 - 1e-9);
}

#[test]
fn open_serving_link_gives_the_pages_ttfts() {
    opens_like_the_page(&serving_state(), "serving");
}

#[test]
fn open_plain_scenario_runs_heft() {
    let rows = ok_json(&[
        "open",
        &root()
            .join("assets/scenarios/topcuoglu2002.json")
            .to_string_lossy(),
    ]);
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["lab"], "dag");
    assert_eq!(rows[0]["scheduler"], "heft");
    assert_eq!(rows[0]["metrics"]["makespan"]["mean"], 80.0);
}

#[test]
fn open_refuses_bad_input_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    assert!(fails(&["open", "hello"]).contains("not a schedlab link"));
    assert!(fails(&["open", &file("hello.txt", "hello\n")]).contains("not a schedlab link"));
    assert!(fails(&["open", "s1.!!!"]).contains("base64"));
    assert!(fails(&["open", "https://example.org/#s1.!!!"]).contains("base64"));
    assert!(fails(&["open", "s9.abc"]).contains("newer schedlab"));
    let good = link::encode(&dag_state());
    assert!(fails(&["open", &good[..good.len() / 2]]).contains("truncated"));
    let e = fails(&["open", &file("bad.json", "{\"scenario\": ")]);
    assert!(
        e.contains("bad.json") && e.contains("not valid JSON"),
        "{e}"
    );
    let e = fails(&["open", &file("three.json", "{\"scenario\": 3}")]);
    assert!(e.contains("not a valid schedlab state"), "{e}");
    // Unknown lab settings, in a file and in a link.
    let mut v = serde_json::to_value(streams_state()).unwrap();
    v["streams"]["nope"] = json!(1);
    let e = fails(&["open", &file("unknown.json", &v.to_string())]);
    assert!(e.contains("unknown field") && e.contains("nope"), "{e}");
    let packed = deflated(&v.to_string());
    assert!(fails(&["open", &packed]).contains("unknown field"));
    // States that fail AppState::check.
    let mut s = dag_state();
    s.schedulers = vec!["heft".into(); 5];
    assert!(fails(&["open", &link::encode(&s)]).contains("between 1 and 4 schedulers"));
    let e = fails(&[
        "open",
        &file("five.json", &serde_json::to_string(&s).unwrap()),
    ]);
    assert!(e.contains("five.json") && e.contains("schedulers"), "{e}");
    let mut s = serving_state();
    s.serving.routers = vec!["nope".into()];
    assert!(fails(&["open", &link::encode(&s)]).contains("unknown router"));
    let mut s = streams_state();
    s.streams.jobs = 0;
    assert!(fails(&["open", &link::encode(&s)]).contains("jobs"));
    // A control character from the input is escaped, not printed.
    let e = fails(&["open", "evil\rerror: forged"]);
    assert!(e.contains("\\r"), "{e}");
    // Reads are bounded.
    assert!(fails(&["open", "/dev/zero"]).contains("limit"));
}

/// A link of arbitrary JSON (what a hand-made or future link may hold).
fn deflated(json: &str) -> String {
    use base64::Engine;
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!(
        "s1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    )
}

/// The links in `tests/fixtures/links/` (what the browser test opens) give the numbers in
/// `expected.json` both in the app and with `schedlab open`. `SCHEDLAB_BLESS=1` rewrites
/// the fixtures from the states above.
#[test]
fn open_fixture_links_give_the_expected_numbers() {
    let dir = root().join("tests/fixtures/links");
    let labs = [
        ("dag", dag_state()),
        ("streams", streams_state()),
        ("serving", serving_state()),
    ];
    if std::env::var_os("SCHEDLAB_BLESS").is_some() {
        let mut expected = serde_json::Map::new();
        for (lab, s) in &labs {
            std::fs::write(dir.join(format!("{lab}.txt")), link::encode(s) + "\n").unwrap();
            expected.insert(lab.to_string(), page_numbers(s));
        }
        let text = serde_json::to_string_pretty(&Value::Object(expected)).unwrap() + "\n";
        std::fs::write(dir.join("expected.json"), text).unwrap();
    }
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    for (lab, _) in &labs {
        let path = dir.join(format!("{lab}.txt"));
        let fragment = std::fs::read_to_string(&path).unwrap();
        let state = link::decode(&fragment).unwrap();
        assert_eq!(page_numbers(&state), expected[lab], "{lab}: the app");
        let rows = ok_json(&["open", &path.to_string_lossy()]);
        assert_eq!(
            printed_numbers(&rows, lab),
            printable(&expected[lab]),
            "{lab}: open"
        );
    }
}
