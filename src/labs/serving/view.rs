//! The Serving lab's pictures: an instance Gantt per router, the transport bar, the metrics
//! table and the TTFT / per-instance / cache charts. Drawing lives in
//! `schedlab_app::labs::serving`.

use leptos::prelude::*;
use schedlab_app::kit::color as palette;
use schedlab_app::kit::timeline::format_time;
use schedlab_app::labs::serving::{self, ServingResult};

use crate::components::{
    area, from_table, series_testid, GanttCanvas, Header, MetricsTable, Row, Transport,
    TransportBar,
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
    let g = expect_context::<Ctx>()
        .serving_play
        .view_untracked(serving::geometry(w, h, r));
    let k = serving::request_at(&g, col, x, y)?;
    let q = &col.run.requests[k];
    let req = &r.workload.requests[k];
    Some(format!(
        "request {} on I{}{}{}\narrived {} ms · prefill {} – {} ms in {} iteration(s)\nTTFT {} ms · prompt {} tokens, {} cached\n{} output tokens, done at {} ms",
        k + 1,
        q.instance + 1,
        if q.moved { " (moved)" } else { "" },
        if q.preemptions > 0 {
            format!(", preempted {}×", q.preemptions)
        } else {
            String::new()
        },
        format_time(req.arrival),
        format_time(q.prefill_start),
        format_time(q.prefill_end),
        q.prefill_iterations,
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
        let playhead = ctx.serving_play.playhead.get();
        ctx.serving.with(|r| {
            let Some(r) = r else { return };
            if column >= r.columns.len() {
                return;
            }
            let Some((root, w, h)) = area(&c, serving::gantt_height(r.lifetimes.len())) else {
                return;
            };
            let g = ctx.serving_play.view(serving::geometry(w, h, r));
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
        <GanttCanvas testid=testid draw=draw hit=hit title=title swatch=column zoom=ctx.serving_play
            aria="Instances over time: prefills colored by prompt prefix, each request's decode as a thin bar below"/>
    }
}

/// The end of the timeline (ms).
fn t_max(ctx: Ctx) -> f64 {
    ctx.serving.with(|r| r.as_ref().map_or(0.0, |r| r.t_max))
}

#[component]
pub fn ServingTransport() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let mut transport = Transport::new(
        ctx.serving_play,
        Signal::derive(move || t_max(ctx)),
        20.0,
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
    transport.events = Some(Callback::new(move |()| {
        ctx.serving
            .with_untracked(|r| r.as_deref().map(serving::event_times).unwrap_or_default())
    }));
    view! { <TransportBar t=transport/> }
}

#[component]
pub fn ServingCharts() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // One closure per chart: (drawing, height).
    let chart = move |which: u8| {
        Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
            let t = ctx.serving_play.playhead.get();
            ctx.serving.with(|r| {
                let Some(r) = r else { return };
                let height = if which == 2 { 200 } else { 220 };
                let Some((root, _, _)) = area(&c, height) else {
                    return;
                };
                let _ = match which {
                    0 | 3 => serving::draw_latency(&root, r, t, dark, which == 3),
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
            <div><h3>"TPOT histogram"</h3><GanttCanvas testid="serving-tpot" chart=true draw=chart(3) aria="Histogram of time per output token with the TPOT SLO"/></div>
            <div><h3>"Requests per instance"</h3><GanttCanvas testid="serving-per-instance" chart=true draw=chart(1) aria="Requests routed to each instance"/></div>
        </div>
        <h3>{move || format!("KV memory in use per instance ({})", first_router())}</h3>
        <GanttCanvas testid="serving-cache" chart=true draw=chart(2) aria="KV memory blocks in use per instance over time"/>
    }
}

/// The metrics table (the kit's table model of the result), a row per router with its
/// series colour and its rule on hover.
fn metric_rows(r: &ServingResult) -> (Vec<Header>, Vec<Row>) {
    let (header, mut rows) = from_table(&serving::metrics_table(r), Some("serving-row"));
    for (i, (row, c)) in rows.iter_mut().zip(&r.columns).enumerate() {
        row.swatch = Some(palette::hex(palette::series_color(i)));
        row.title = Some(c.rule.clone());
    }
    (header, rows)
}

#[component]
pub fn ServingMetrics() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Built twice per result (header, rows): cheap, and no comparison code in the bundle.
    let table = move || {
        ctx.serving
            .with(|r| r.as_deref().map(metric_rows).unwrap_or_default())
    };
    let header = Signal::derive(move || table().0);
    let rows = Signal::derive(move || table().1);
    view! { <MetricsTable header=header rows=rows testid="serving-metrics"/> }
}
