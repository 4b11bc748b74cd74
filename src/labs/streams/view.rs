//! The Streams lab's pictures: a Gantt per policy, the transport bar, the step-through
//! view ("why this choice"), the metrics table and the queue / flow-time charts. Drawing
//! and the step-through model live in `schedlab_app::labs::streams`.

use leptos::prelude::*;
use schedlab_app::kit::color as palette;
use schedlab_app::kit::timeline::format_time;
use schedlab_app::labs::streams::{self, StreamsResult};

use crate::browser;
use crate::components::{
    area, from_table, series_testid, ExplainBox, GanttCanvas, Header, MetricsTable, Row, Transport,
    TransportBar,
};
use crate::ctx::Ctx;

/// The hover text of the piece at (x, y) of column `column`'s Gantt.
fn piece_text(
    r: &StreamsResult,
    column: usize,
    c: &web_sys::HtmlCanvasElement,
    x: f64,
    y: f64,
) -> Option<String> {
    let col = r.columns.get(column)?;
    let ctx = expect_context::<Ctx>();
    let g = ctx
        .streams_play
        .view_untracked(streams::geometry(c.width(), c.height(), r));
    let k = streams::segment_at(&g, col, x, y)?;
    let s = &col.segments[k];
    let j = s.job;
    let f = format_time;
    let mut text = format!(
        "{} on {}\npiece {} – {}\narrived {} · completes {} · flow {}",
        r.job_labels[j],
        r.machine_names[s.machine],
        f(s.start),
        f(s.end),
        f(r.arrivals[j]),
        f(col.completion[j]),
        f(col.completion[j] - r.arrivals[j])
    );
    if r.dag {
        if let Some(t) = col
            .tasks
            .iter()
            .find(|t| t.job == j && t.proc == s.machine && t.start == s.start)
        {
            text.push_str(&format!(
                "\ntask {}",
                r.task_names[r.template_of[j]][t.task]
            ));
        }
    } else {
        text.push_str(&format!("\nsize {}", f(r.sizes[j])));
    }
    Some(text)
}

#[component]
pub fn StreamsGantt(column: usize) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let draw = Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
        let playhead = ctx.streams_play.playhead.get();
        ctx.streams.with(|r| {
            let Some(r) = r else { return };
            if column >= r.columns.len() {
                return;
            }
            let t0 = browser::now_ms();
            let Some((root, w, h)) = area(&c, streams::gantt_height(r.machine_names.len())) else {
                return;
            };
            let g = ctx.streams_play.view(streams::geometry(w, h, r));
            if let Err(e) = streams::draw_gantt(&root, &g, r, column, playhead, dark) {
                leptos::logging::warn!("streams gantt: {e}");
            }
            let _ = root.present();
            browser::record("streamsDrawMs", browser::now_ms() - t0);
        });
    });
    let hit = Callback::new(move |(c, x, y): (web_sys::HtmlCanvasElement, f64, f64)| {
        ctx.streams
            .with_untracked(|r| piece_text(r.as_ref()?, column, &c, x, y))
    });
    let title = Signal::derive(move || {
        ctx.streams
            .with(|r| r.as_ref()?.columns.get(column).map(|c| c.policy.clone()))
    });
    let testid = series_testid("streams-gantt", column);
    view! {
        <GanttCanvas testid=testid aria="Gantt chart of the stream: a row per machine, a color per job"
            draw=draw hit=hit title=title swatch=column zoom=ctx.streams_play/>
    }
}

/// The end of the stream's timeline.
pub fn t_max(ctx: Ctx) -> f64 {
    ctx.streams.with(|r| r.as_ref().map_or(0.0, |r| r.t_max))
}

#[component]
pub fn StreamsTransport() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let mut transport = Transport::new(
        ctx.streams_play,
        Signal::derive(move || t_max(ctx)),
        20.0,
        "streams-",
        "Stream playback",
    );
    transport.events = Some(Callback::new(move |()| {
        ctx.streams.with_untracked(|r| {
            let c = ctx.streams_step.get_untracked();
            r.as_deref()
                .map(|r| streams::event_times(r, c))
                .unwrap_or_default()
        })
    }));
    view! { <TransportBar t=transport/> }
}

/// "Why this choice": the decision in force at the playhead, for any compared policy
/// (`streams::step_html` in the shared [`ExplainBox`], open by default); the policy shown
/// is the one the transport steps through (`Ctx::streams_step`).
#[component]
pub fn StepThrough() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let column = ctx.streams_step;
    let open = RwSignal::new(true);
    let body = Signal::derive(move || {
        let t = ctx.streams_play.playhead.get();
        let c = column.get();
        ctx.streams.with(|r| {
            r.as_ref()
                .map(|r| streams::step_html(r, c, t))
                .unwrap_or_default()
        })
    });
    let on_action = Callback::new(move |(action, v): (&'static str, usize)| {
        if action == "col" {
            column.set(v);
        }
    });
    view! { <ExplainBox testid="step-through" title="Why this choice" open=open body=body on_action=on_action/> }
}

/// Per job: start, response, completion, turnaround and waiting for any compared policy,
/// with their means, and the CSV (`streams::jobs_html` in the shared [`ExplainBox`]).
#[component]
pub fn StreamsJobs() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let column = RwSignal::new(0usize);
    let open = RwSignal::new(false);
    let body = Signal::derive(move || {
        let c = column.get();
        ctx.streams.with(|r| {
            r.as_ref()
                .map(|r| streams::jobs_html(r, c))
                .unwrap_or_default()
        })
    });
    let on_action = Callback::new(move |(action, v): (&'static str, usize)| match action {
        "col" => column.set(v),
        "csv" => ctx.streams.with_untracked(|r| {
            if let Some(r) = r {
                crate::browser::download("jobs.csv", "text/csv", &streams::jobs_table(r, v).csv());
            }
        }),
        _ => {}
    });
    view! { <ExplainBox testid="streams-per-job" title="Per job" open=open body=body on_action=on_action/> }
}

/// The metrics table (the kit's table model of the result), a row per policy with its
/// series colour.
fn metric_rows(r: &StreamsResult) -> (Vec<Header>, Vec<Row>) {
    let (header, mut rows) = from_table(&streams::metrics_table(r), Some("streams-row"));
    for (i, row) in rows.iter_mut().enumerate() {
        row.swatch = Some(palette::hex(palette::series_color(i)));
    }
    (header, rows)
}

#[component]
pub fn StreamsMetrics() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Built twice per result (header, rows): cheap, and no comparison code in the bundle.
    let table = move || {
        ctx.streams
            .with(|r| r.as_deref().map(metric_rows).unwrap_or_default())
    };
    let header = Signal::derive(move || table().0);
    let rows = Signal::derive(move || table().1);
    view! { <MetricsTable header=header rows=rows testid="streams-metrics"/> }
}

#[component]
pub fn StreamsCharts() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let queue = Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
        let t = ctx.streams_play.playhead.get();
        ctx.streams.with(|r| {
            let Some(r) = r else { return };
            if let Some((root, _, _)) = area(&c, 220) {
                let _ = streams::draw_queue(&root, r, t, dark);
                let _ = root.present();
            }
        });
    });
    let hist = Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
        let t = ctx.streams_play.playhead.get();
        ctx.streams.with(|r| {
            let Some(r) = r else { return };
            let Some((root, _, _)) = area(&c, 220) else {
                return;
            };
            let names: Vec<String> = r.columns.iter().map(|c| c.policy.clone()).collect();
            let series: Vec<Vec<f64>> = (0..r.columns.len())
                .map(|k| streams::flows_by(r, k, t))
                .collect();
            let _ = schedlab_app::kit::chart::histogram_with(
                &root,
                &names,
                &series,
                "flow time of the jobs completed so far",
                "jobs",
                dark,
            );
            let _ = root.present();
        });
    });
    view! {
        <div class="charts two">
            <div>
                <h3>"Queue length"</h3>
                <GanttCanvas testid="streams-queue" chart=true aria="Jobs in the system over time" draw=queue/>
            </div>
            <div>
                <h3>"Flow-time histogram"</h3>
                <GanttCanvas testid="streams-histogram" chart=true aria="Histogram of flow times of completed jobs" draw=hist/>
            </div>
        </div>
    }
}
