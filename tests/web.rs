//! Browser tests (wasm-bindgen-test in headless Chromium, run by `cargo xtask test`): the
//! engine gives the paper's numbers in WebAssembly, the same numbers as natively, and the
//! app mounts and lists every scheduler.

use schedlab_core::sched::{Options, REGISTRY};
use schedlab_core::{run, Noise, Problem, Scenario};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TOPCUOGLU: &str = include_str!("../assets/scenarios/topcuoglu2002.json");
/// Written by the native test `determinism` (crates/schedlab-core/tests/determinism.rs).
const FINGERPRINT: &str = include_str!("fixtures/determinism.json");

#[wasm_bindgen_test]
fn heft_and_cpop_give_the_papers_numbers_in_wasm() {
    let p = Problem::new(&Scenario::from_json(TOPCUOGLU).unwrap()).unwrap();
    let heft = run::run(&p, "heft", &Options::new(), &Noise::default(), 0).unwrap();
    let cpop = run::run(&p, "cpop", &Options::new(), &Noise::default(), 0).unwrap();
    assert_eq!(heft.metrics.makespan, 80.0);
    assert_eq!(cpop.metrics.makespan, 86.0);
}

#[wasm_bindgen_test]
fn noisy_runs_match_the_native_engine_bit_for_bit() {
    let expected: serde_json::Value = serde_json::from_str(FINGERPRINT).unwrap();
    let p = Problem::new(&Scenario::from_json(TOPCUOGLU).unwrap()).unwrap();
    for row in expected.as_array().unwrap() {
        let id = row["scheduler"].as_str().unwrap();
        let sigma = row["sigma"].as_f64().unwrap();
        let seed = row["seed"].as_u64().unwrap();
        let r = run::run(
            &p,
            id,
            &Options::new(),
            &Noise {
                exec_sigma: sigma,
                comm_sigma: sigma / 2.0,
                ..Default::default()
            },
            seed,
        )
        .unwrap();
        let bits = r
            .execution
            .tasks
            .iter()
            .map(|t| t.end.to_bits())
            .fold(0u64, |h, b| h.rotate_left(7) ^ b);
        assert_eq!(
            r.metrics.makespan,
            row["makespan"].as_f64().unwrap(),
            "{id} σ={sigma}"
        );
        assert_eq!(
            format!("{bits:016x}"),
            row["end_bits"].as_str().unwrap(),
            "{id} σ={sigma}"
        );
    }
    assert_eq!(expected.as_array().unwrap().len(), REGISTRY.len() * 2);
}

#[wasm_bindgen_test]
fn the_app_mounts_and_lists_every_scheduler() {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let _handle = leptos::mount::mount_to(host.clone(), schedlab_web::App);
    let text = host.text_content().unwrap();
    assert!(text.contains(schedlab_core::VERSION));
    let rows = host
        .query_selector_all("[data-testid=scheduler-row]")
        .unwrap();
    assert_eq!(rows.length() as usize, REGISTRY.len());
    for s in REGISTRY {
        assert!(text.contains(s.id), "{} missing", s.id);
    }
    std::mem::forget(_handle);
}
