//! Browser tests of the shared components (wasm-bindgen-test in headless Chromium): the
//! metrics table's cells, ids and selected row; the transport bar's buttons and keys; the
//! lab list the header iterates.

use leptos::prelude::*;
use schedlab_app::kit::playback::next_event as next_in;
use schedlab_app::kit::table::{Column, Screen, Table};
use schedlab_app::state::Lab;
use schedlab_web::components::{
    from_table, Cell, Header, MetricsTable, Row, Transport, TransportBar,
};
use schedlab_web::ctx::Play;
use schedlab_web::labs::{self, LABS};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Leptos's effects and the browser's event loop run.
async fn settle() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

fn host() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    host.unchecked_into()
}

fn by_id(host: &web_sys::HtmlElement, id: &str) -> web_sys::HtmlElement {
    host.query_selector(&format!("[data-testid='{id}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with test id {id}"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn the_metrics_table_shows_rows_ids_and_escaped_text() {
    let el = host();
    let rows = RwSignal::new(vec![
        Row {
            swatch: Some("#ff0000".into()),
            testid: Some("row-0".into()),
            class: Some("running"),
            ..Row::new(vec![
                Cell::new("fifo"),
                Cell::new("1.5").id("mean-0".into()),
            ])
        },
        Row::new(vec![
            Cell::new("<img src=x onerror=alert(1)>"),
            Cell::new("0.9").id("mean-1".into()).class("small"),
        ]),
    ]);
    let handle = leptos::mount::mount_to(el.clone(), move || {
        let header = vec![
            Header::from("policy"),
            Header::titled("mean", "mean flow time"),
        ];
        view! { <MetricsTable header=header rows=rows testid="table"/> }
    });
    settle().await;
    let table = by_id(&el, "table");
    let heads = table.query_selector_all("th").unwrap();
    assert_eq!(heads.length(), 2);
    let mean: web_sys::Element = heads.get(1).unwrap().unchecked_into();
    assert_eq!(mean.text_content().unwrap(), "mean");
    assert_eq!(
        mean.get_attribute("title").as_deref(),
        Some("mean flow time")
    );
    assert_eq!(by_id(&el, "mean-0").text_content().unwrap(), "1.5");
    assert_eq!(by_id(&el, "mean-1").class_name(), "small");
    assert!(by_id(&el, "row-0").class_list().contains("running"));
    assert!(by_id(&el, "row-0")
        .query_selector(".swatch")
        .unwrap()
        .is_some());
    // A name from a link or a file is text, never markup.
    let trs = table.query_selector_all("tbody tr").unwrap();
    let second: web_sys::Element = trs.get(1).unwrap().unchecked_into();
    assert!(second.query_selector("img").unwrap().is_none());
    assert!(second
        .text_content()
        .unwrap()
        .starts_with("<img src=x onerror=alert(1)>"));
    // New rows replace the old ones.
    rows.set(vec![Row::new(vec![
        Cell::new("ps"),
        Cell::new("2.0").id("mean-0".into()),
    ])]);
    settle().await;
    assert_eq!(table.query_selector_all("tbody tr").unwrap().length(), 1);
    assert_eq!(by_id(&el, "mean-0").text_content().unwrap(), "2.0");
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_table_model_shows_its_screen_columns_with_their_ids_and_titles() {
    let mut t = Table::new(vec![
        Column::new("policy", "policy", "", Screen::Short),
        Column::csv_only("jobs"),
        Column::new("mean flow", "mean_flow_time", "", Screen::Magnitude).id("mean-flow"),
        Column::new("ratio", "ratio", "", Screen::Fixed(3)).titled("vs SRPT"),
    ]);
    t.push(vec![
        "srpt".into(),
        10usize.into(),
        1.25.into(),
        None::<f64>.into(),
    ]);
    t.push(vec![
        "fcfs".into(),
        10usize.into(),
        2.5.into(),
        Some(1.5).into(),
    ]);
    let (header, rows) = from_table(&t, Some("streams-row"));
    let el = host();
    let handle = leptos::mount::mount_to(el.clone(), move || {
        view! { <MetricsTable header=header rows=rows testid="model"/> }
    });
    settle().await;
    let heads = by_id(&el, "model").query_selector_all("th").unwrap();
    assert_eq!(heads.length(), 3, "the CSV-only column is not on screen");
    let ratio: web_sys::Element = heads.get(2).unwrap().unchecked_into();
    assert_eq!(ratio.get_attribute("title").as_deref(), Some("vs SRPT"));
    assert_eq!(by_id(&el, "mean-flow-0").text_content().unwrap(), "1.250");
    assert_eq!(by_id(&el, "mean-flow-1").text_content().unwrap(), "2.500");
    let row = by_id(&el, "streams-row-1").text_content().unwrap();
    assert_eq!(row, "fcfs2.5001.500");
    assert!(by_id(&el, "streams-row-0")
        .text_content()
        .unwrap()
        .ends_with('—'));
    drop(handle);
}

#[wasm_bindgen_test]
fn next_in_finds_the_neighbouring_event() {
    let times = [0.0, 1.0, 2.5, 4.0];
    assert_eq!(next_in(&times, 1.0, true), Some(2.5));
    assert_eq!(next_in(&times, 1.0, false), Some(0.0));
    assert_eq!(next_in(&times, 4.0, true), None);
    assert_eq!(next_in(&times, 0.0, false), None);
    assert_eq!(next_in(&times, 3.0, false), Some(2.5));
}

/// Sends a bubbling keydown of `k` from `el` (built in JavaScript: web-sys's
/// KeyboardEventInit is not among the crate's features).
fn key(el: &web_sys::HtmlElement, k: &str) {
    let send = js_sys::Function::new_with_args(
        "el, k",
        "el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }))",
    );
    send.call2(&wasm_bindgen::JsValue::NULL, el, &k.into())
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_transport_bar_steps_restarts_and_answers_keys() {
    let el = host();
    let play = Play::new(0, 1.0, 5.0, 1.0);
    let (playhead, playing) = (play.playhead, play.playing);
    let settled = RwSignal::new(Vec::<f64>::new());
    let handle = leptos::mount::mount_to(el.clone(), move || {
        let mut t = Transport::new(play, Signal::derive(|| 10.0), 20.0, "x-", "Test playback");
        t.events = Some(Callback::new(|()| vec![0.0, 2.0, 5.0, 7.5, 10.0]));
        t.on_settle = Some(Callback::new(move |p: f64| settled.update(|v| v.push(p))));
        view! { <TransportBar t=t/> }
    });
    settle().await;
    assert_eq!(
        by_id(&el, "x-playhead").text_content().unwrap(),
        "t = 5 / 10"
    );
    by_id(&el, "x-step").click();
    assert_eq!(playhead.get_untracked(), 7.5);
    by_id(&el, "x-step-back").click();
    by_id(&el, "x-step-back").click();
    assert_eq!(playhead.get_untracked(), 2.0);
    by_id(&el, "x-restart").click();
    assert_eq!(playhead.get_untracked(), 0.0);
    assert_eq!(settled.get_untracked(), vec![0.0]);
    let play = by_id(&el, "x-play");
    key(&play, "End");
    assert_eq!(playhead.get_untracked(), 10.0);
    key(&play, ",");
    assert_eq!(playhead.get_untracked(), 7.5);
    key(&play, "Home");
    assert_eq!(playhead.get_untracked(), 0.0);
    // Play from the end starts over; pausing reports the playhead.
    playhead.set(10.0);
    play.click();
    assert!(playing.get_untracked());
    assert_eq!(playhead.get_untracked(), 0.0);
    settle().await;
    assert_eq!(play.get_attribute("aria-label").as_deref(), Some("Pause"));
    play.click();
    assert!(!playing.get_untracked());
    assert_eq!(
        settled.get_untracked().last().copied(),
        Some(playhead.get_untracked())
    );
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_transport_bar_without_events_has_no_step_buttons() {
    let el = host();
    let handle = leptos::mount::mount_to(el.clone(), move || {
        let t = Transport::new(
            Play::new(0, 1.0, 0.0, 1.0),
            Signal::derive(|| 1.0),
            20.0,
            "y-",
            "Bare",
        );
        view! { <TransportBar t=t/> }
    });
    settle().await;
    assert!(el
        .query_selector("[data-testid='y-step']")
        .unwrap()
        .is_none());
    assert!(el
        .query_selector("[data-testid='y-restart']")
        .unwrap()
        .is_some());
    drop(handle);
}

#[wasm_bindgen_test]
fn every_lab_has_one_entry_with_its_own_tab() {
    for lab in [Lab::Dag, Lab::Streams, Lab::Serving] {
        assert_eq!(labs::find(lab).lab, lab);
        assert_eq!(LABS.iter().filter(|d| d.lab == lab).count(), 1);
    }
    let mut ids: Vec<&str> = LABS.iter().map(|d| d.testid).collect();
    ids.dedup();
    assert_eq!(ids.len(), LABS.len());
}

#[wasm_bindgen_test]
fn a_file_over_the_cap_is_refused_with_its_size() {
    use schedlab_web::browser::too_large;
    assert_eq!(
        too_large("a.json", 64 << 20),
        "a.json is larger than 64 MiB"
    );
    assert_eq!(too_large("t.csv", 4096), "t.csv is larger than 4 KiB");
}
