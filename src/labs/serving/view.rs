//! The Serving lab's pictures: an instance Gantt per router, the transport bar, the metrics
//! table and the TTFT / per-instance / cache charts. Drawing lives in
//! `schedlab_app::labs::serving`.

use leptos::prelude::*;
use schedlab_app::kit::color as palette;
use schedlab_app::kit::timeline::format_time;
use schedlab_app::labs::serving::{self, ServingResult};

use crate::components::transport::next_in;
use crate::components::{
    area, series_testid, Cell, GanttCanvas, Header, MetricsTable, Row, Transport, TransportBar,
};
use crate::ctx::Ctx;

/// The hover text of the request at (x, y) of column `column`'s Gantt.
fn request_text(
    r: &ServingResult,
    column: usize,
    w: u32,
    h: u32,
    x: f64,
    y: f64,
) -> Option<String> {
    let col = r.columns.get(column)?;
    let k = serving::request_at(&serving::geometry(w, h, r), col, x, y)?;
    let q = &col.run.requests[k];
    let req = &r.workload.requests[k];
    Some(format!(
        "request {} on I{}{}\narrived {} ms · prefill {} – {} ms\nTTFT {} ms · prompt {} tokens, {} cached\n{} output tokens, done at {} ms",
        k + 1,
        q.instance + 1,
        if q.moved { " (moved)" } else { "" },
        format_time(req.arrival),
        format_time(q.prefill_start),
        format_time(q.prefill_end),
        format_time(q.prefill_end - req.arrival),
        req.input_tokens,
        q.cached_tokens,
        req.output_tokens,
        format_time(q.decode_end)
    ))
}

#[component]
pub fn ServingGantt(column: usize) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let draw = Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
        let playhead = ctx.serving_playhead.get();
        ctx.serving.with(|r| {
            let Some(r) = r else { return };
            if column >= r.columns.len() {
                return;
            }
            let Some((root, w, h)) = area(&c, serving::gantt_height(r.lifetimes.len())) else {
                return;
            };
            let g = serving::geometry(w, h, r);
            if let Err(e) = serving::draw_gantt(&root, &g, r, column, playhead, dark) {
                leptos::logging::warn!("serving gantt: {e}");
            }
            let _ = root.present();
        });
    });
    let hit = Callback::new(move |(c, x, y): (web_sys::HtmlCanvasElement, f64, f64)| {
        ctx.serving
            .with_untracked(|r| request_text(r.as_ref()?, column, c.width(), c.height(), x, y))
    });
    let title = Signal::derive(move || {
        ctx.serving
            .with(|r| r.as_ref()?.columns.get(column).map(|c| c.router.clone()))
    });
    let testid = series_testid("serving-gantt", column);
    view! {
        <GanttCanvas testid=testid draw=draw hit=hit title=title swatch=column
            aria="Instances over time: prefills colored by prompt prefix, each request's decode as a thin bar below"/>
    }
}

/// The end of the timeline (ms).
fn t_max(ctx: Ctx) -> f64 {
    ctx.serving.with(|r| r.as_ref().map_or(0.0, |r| r.t_max))
}

/// Arrivals and first tokens of every router's requests, sorted: what the step buttons visit.
fn event_times(r: &ServingResult) -> Vec<f64> {
    let mut times: Vec<f64> = r.workload.requests.iter().map(|q| q.arrival).collect();
    for c in &r.columns {
        times.extend(c.run.requests.iter().map(|q| q.prefill_end));
    }
    schedlab_core::util::sort_dyn(&mut times, &f64::total_cmp);
    times.dedup();
    times
}

#[component]
pub fn ServingTransport() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let mut transport = Transport::new(
        ctx.serving_playhead,
        ctx.serving_playing,
        Signal::derive(move || t_max(ctx)),
        "serving-",
        "Serving playback",
    );
    transport.format = |p, tm| {
        format!(
            "t = {} s / {} s",
            format_time(p / 1000.0),
            format_time(tm / 1000.0)
        )
    };
    transport.next_event = Some(Callback::new(move |(p, forward): (f64, bool)| {
        ctx.serving
            .with_untracked(|r| next_in(&event_times(r.as_ref()?), p, forward))
    }));
    view! { <TransportBar t=transport/> }
}

#[component]
pub fn ServingCharts() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // One closure per chart: (drawing, height).
    let chart = move |which: u8| {
        Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
            let t = ctx.serving_playhead.get();
            ctx.serving.with(|r| {
                let Some(r) = r else { return };
                let height = if which == 2 { 200 } else { 220 };
                let Some((root, _, _)) = area(&c, height) else {
                    return;
                };
                let _ = match which {
                    0 => serving::draw_ttft(&root, r, t, dark),
                    1 => serving::draw_per_instance(&root, r, t, dark),
                    _ => serving::draw_cache(&root, r, 0, t, dark),
                };
                let _ = root.present();
            });
        })
    };
    let first_router = move || {
        ctx.serving.with(|r| {
            r.as_ref()
                .and_then(|r| r.columns.first())
                .map(|c| c.router.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="charts two">
            <div><h3>"TTFT histogram"</h3><GanttCanvas testid="serving-ttft" chart=true draw=chart(0) aria="Histogram of time to first token with the SLO"/></div>
            <div><h3>"Requests per instance"</h3><GanttCanvas testid="serving-per-instance" chart=true draw=chart(1) aria="Requests routed to each instance"/></div>
        </div>
        <h3>{move || format!("Cache occupancy per instance ({})", first_router())}</h3>
        <GanttCanvas testid="serving-cache" chart=true draw=chart(2) aria="Cached blocks per instance over time"/>
    }
}

/// One row per router.
fn metric_rows(r: &ServingResult) -> Vec<Row> {
    r.columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let m = &c.metrics;
            Row {
                cells: vec![
                    Cell::new(c.router.clone()),
                    Cell::new(format!("{:.1}", m.ttft_p50_ms)).id(format!("ttft-p50-{i}")),
                    Cell::new(format!("{:.1}", m.ttft_p90_ms)),
                    Cell::new(format!("{:.1}", m.ttft_p99_ms)),
                    Cell::new(format!("{:.1} %", m.slo_attainment * 100.0)).id(format!("slo-{i}")),
                    Cell::new(format!("{:.3}", m.cache_hit_rate)).id(format!("hit-{i}")),
                    Cell::new(format!("{:.2}", m.load_imbalance)),
                    Cell::new(m.moves.to_string()),
                    Cell::new(
                        m.prefixes_remapped
                            .map_or("—".to_string(), |x| x.to_string()),
                    )
                    .id(format!("remapped-{i}")),
                ],
                testid: Some(format!("serving-row-{i}")),
                title: Some(c.rule.clone()),
                swatch: Some(palette::hex(palette::series_color(i))),
                class: None,
            }
        })
        .collect()
}

#[component]
pub fn ServingMetrics() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let header: Vec<Header> = [
        "router",
        "TTFT p50 (ms)",
        "p90",
        "p99",
        "SLO attainment",
        "cache hit rate",
        "load imbalance",
        "moved",
        "prefixes remapped",
    ]
    .into_iter()
    .map(Header::from)
    .collect();
    let rows = Signal::derive(move || {
        ctx.serving
            .with(|r| r.as_deref().map(metric_rows).unwrap_or_default())
    });
    view! { <MetricsTable header=header rows=rows testid="serving-metrics"/> }
}
