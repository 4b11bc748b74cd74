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
        let bits = r.execution.fingerprint();
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
    // Every entry, and one spelled user rule through log, sqrt and exp.
    assert_eq!(expected.as_array().unwrap().len(), REGISTRY.len() * 2 + 2);
    assert!(expected[REGISTRY.len() * 2]["scheduler"]
        .as_str()
        .unwrap()
        .contains("log("));
}

#[path = "../crates/schedlab-core/tests/common/streams.rs"]
mod stream_fp;
/// Written by the native test `determinism` from the same code.
const STREAM_FINGERPRINT: &str = include_str!("fixtures/stream-determinism.json");

#[wasm_bindgen_test]
fn stream_runs_match_the_native_engine_bit_for_bit() {
    let expected: serde_json::Value = serde_json::from_str(STREAM_FINGERPRINT).unwrap();
    assert_eq!(stream_fp::stream_fingerprints(), expected);
}

/// Waits for the browser's event loop (the app evaluates in a timeout).
async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// The page as `main` mounts it: the state from the link or the autosave (the browser
/// inflates it), then the app.
async fn mount() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(host);
    let (state, first_banner) = schedlab_web::app::initial_state().await;
    let handle = leptos::mount::mount_to(host.clone(), move || {
        leptos::view! { <schedlab_web::App state first_banner/> }
    });
    std::mem::forget(handle);
    host
}

#[wasm_bindgen_test]
async fn the_app_mounts_schedules_and_lists_every_scheduler() {
    schedlab_web::browser::clear_autosave();
    schedlab_web::browser::set_fragment("");
    let host = mount().await;
    let select = host
        .query_selector("[data-testid=scheduler-select]")
        .unwrap()
        .expect("scheduler picker");
    let options = select.query_selector_all("option").unwrap();
    assert_eq!(options.length() as usize, REGISTRY.len());
    for s in REGISTRY {
        assert!(
            select.inner_html().contains(&format!("value=\"{}\"", s.id)),
            "{} missing",
            s.id
        );
    }
    sleep(200).await;
    let makespan = host
        .query_selector("[data-testid=makespan]")
        .unwrap()
        .expect("makespan shown");
    assert_eq!(makespan.text_content().unwrap(), "80");
    assert!(host
        .query_selector("[data-testid=gantt]")
        .unwrap()
        .is_some());
    assert!(
        host.query_selector_all("[data-testid=dag-node]")
            .unwrap()
            .length()
            == 10
    );
    // The state went to the URL and to the autosave.
    let frag = schedlab_web::browser::fragment();
    assert!(frag.starts_with("s1."), "{frag}");
    assert_eq!(
        schedlab_web::browser::load_autosave().as_deref(),
        Some(frag.as_str())
    );
    let state = schedlab_web::browser::decode_link(&frag).await.unwrap();
    assert_eq!(state.scenario.name, "topcuoglu2002");
    host.remove();
}

#[wasm_bindgen_test]
async fn a_broken_link_shows_the_banner_and_keeps_the_saved_work() {
    // Saved work: the default preset without its exit task (the page embeds only the
    // default; the others are fetched).
    let mut scenario = schedlab_app::labs::dag::presets::ALL[0].scenario();
    let exit = scenario.tasks.pop().unwrap().name;
    scenario.edges.retain(|e| e.to != exit);
    let mut saved = schedlab_app::state::AppState::new(scenario);
    saved.schedulers = vec!["peft".into()];
    schedlab_web::browser::save_autosave(&schedlab_app::link::encode_stored(&saved));
    schedlab_web::browser::set_fragment("s1.this-is-not-a-link");
    let host = mount().await;
    sleep(200).await;
    let banner = host
        .query_selector("[data-testid=error-banner]")
        .unwrap()
        .expect("banner shown");
    assert!(banner
        .text_content()
        .unwrap()
        .contains("Could not open this link"));
    let nodes = host
        .query_selector_all("[data-testid=dag-node]")
        .unwrap()
        .length();
    assert_eq!(nodes as usize, saved.scenario.tasks.len());
    host.remove();
    schedlab_web::browser::clear_autosave();
    schedlab_web::browser::set_fragment("");
}

#[wasm_bindgen_test]
async fn the_browser_inflates_links_and_refuses_broken_or_oversized_ones() {
    use schedlab_app::link;
    use schedlab_web::browser::{decode_link, inflate_raw};
    // A link the native encoder (miniz, level 9) wrote opens; the page's link of it
    // gives the same state back.
    let native = include_str!("fixtures/links/dag.txt").trim();
    let s = decode_link(native).await.unwrap();
    assert!(s.scenario.tasks.len() >= 2, "{:?}", s.scenario.name);
    let page = schedlab_web::browser::link_of(&s).await;
    assert_eq!(decode_link(&page).await.unwrap(), s);
    // Cut short: refused, not read as far as it goes.
    let packed = link::unframe(native).unwrap();
    let cut = link::frame(&packed[..packed.len() / 2]);
    assert_eq!(decode_link(&cut).await.unwrap_err(), link::NOT_DEFLATE);
    // Past the limit: refused as soon as it passes (a bomb is stopped, not inflated).
    let big = link::stored(&vec![b' '; 5_000]);
    assert!(inflate_raw(&big, 1_000)
        .await
        .unwrap_err()
        .contains("unpacks to more than"));
    assert_eq!(inflate_raw(&big, 5_000).await.unwrap().len(), 5_000);
}

#[wasm_bindgen_test]
fn a_trace_with_operations_is_refused_in_the_page_not_misread() {
    use schedlab_core::stream::trace::{parse, Trace};
    // The page's build reads no operations (bundle room, docs/performance.md): a file or
    // a link that gives them is refused with a line, never read as something else.
    let e = parse("t.jsonl", "{\"arrival\": 0, \"ops\": [1, 2]}\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("CLI only"), "{e}");
    let e = parse("t.csv", "J1,0,1+2\n").unwrap_err().to_string();
    assert!(e.contains("CLI only"), "{e}");
    assert!(
        serde_json::from_str::<Trace>(r#"{"arrivals":[0],"sizes":[3],"ops":[[1,2]]}"#).is_err()
    );
    assert!(parse("t.csv", "J1,0,3\n").is_ok());
}
