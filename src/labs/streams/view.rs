//! The Streams lab's pictures: a Gantt per policy, the transport bar, the step-through
//! view ("why this choice"), the metrics table and the queue / flow-time charts. Drawing
//! and the step-through model live in `schedlab_app::labs::streams`.

use leptos::prelude::*;
use schedlab_app::kit::color as palette;
use schedlab_app::kit::timeline::format_time;
use schedlab_app::labs::streams::{self, StreamsResult};

use crate::browser;
use crate::components::{
    area, from_table, series_testid, Cell, GanttCanvas, Header, MetricsTable, Row, Transport,
    TransportBar,
};
use crate::ctx::Ctx;

/// The hover text of the piece at (x, y) of column `column`'s Gantt.
fn piece_text(r: &StreamsResult, column: usize, w: u32, h: u32, x: f64, y: f64) -> Option<String> {
    let col = r.columns.get(column)?;
    let g = streams::geometry(w, h, r);
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
            let g = streams::geometry(w, h, r);
            if let Err(e) = streams::draw_gantt(&root, &g, r, column, playhead, dark) {
                leptos::logging::warn!("streams gantt: {e}");
            }
            let _ = root.present();
            browser::record("streamsDrawMs", browser::now_ms() - t0);
        });
    });
    let hit = Callback::new(move |(c, x, y): (web_sys::HtmlCanvasElement, f64, f64)| {
        ctx.streams
            .with_untracked(|r| piece_text(r.as_ref()?, column, c.width(), c.height(), x, y))
    });
    let title = Signal::derive(move || {
        ctx.streams
            .with(|r| r.as_ref()?.columns.get(column).map(|c| c.policy.clone()))
    });
    let testid = series_testid("streams-gantt", column);
    view! {
        <GanttCanvas testid=testid aria="Gantt chart of the stream: a row per machine, a color per job"
            draw=draw hit=hit title=title swatch=column/>
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
        ctx.streams
            .with_untracked(|r| r.as_deref().map(streams::event_times).unwrap_or_default())
    }));
    view! { <TransportBar t=transport/> }
}

#[component]
pub fn StepThrough() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let column = RwSignal::new(0usize);
    let view_at = move || {
        let t = ctx.streams_play.playhead.get();
        let c = column.get();
        ctx.streams.with(|r| {
            let r = r.as_ref()?;
            let col = r.columns.get(c.min(r.columns.len().saturating_sub(1)))?;
            let (at, rows) = streams::step_view(r, c.min(r.columns.len() - 1), t)?;
            Some((
                col.rule.clone(),
                at,
                rows,
                r.dag,
                col.decisions.is_empty() && !r.dag,
            ))
        })
    };
    let policies = move || {
        ctx.streams.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.columns
                        .iter()
                        .map(|c| c.policy.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let header: Vec<Header> = vec![
        "job".into(),
        "state".into(),
        "what the policy compares".into(),
    ];
    view! {
        <section class="step-through" data-testid="step-through" aria-label="Why this choice">
            <h3>"Why this choice"
                {move || (policies().len() > 1).then(|| view! {
                    <select aria-label="Policy to explain" on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() { column.set(v); } }>
                        {policies().into_iter().enumerate().map(|(i, p)| view! { <option value=i.to_string()>{p}</option> }).collect_view()}
                    </select>
                })}
            </h3>
            {move || match view_at() {
                None => view! { <p class="hint">"Move the playhead to a moment with jobs in the system (‹ Prev / Next › step through events)."</p> }.into_any(),
                Some((_, _, _, _, true)) => view! { <p class="hint">"Decisions are recorded for streams of up to 2,000 jobs."</p> }.into_any(),
                Some((rule, at, rows, _, _)) if rows.is_empty() => view! {
                    <p class="rule" data-testid="step-rule">{rule}</p>
                    <p class="hint">{format!("No job is in the system at t = {}.", format_time(at))}</p>
                }.into_any(),
                Some((rule, at, rows, dag, _)) => {
                    let rows: Vec<Row> = rows.into_iter().take(40).map(|row| Row {
                        cells: vec![Cell::new(row.label), Cell::new(row.status), Cell::new(row.key)],
                        testid: Some("step-row".into()),
                        title: None,
                        class: row.running.then_some("running"),
                        swatch: Some(palette::hex(palette::task_color(row.job))),
                    }).collect();
                    view! {
                        <p class="rule" data-testid="step-rule">{rule}</p>
                        <p class="hint">{if dag { format!("Jobs in the system at t = {}", format_time(at)) } else { format!("Decision taken at t = {}, in force until the next event", format_time(at)) }}</p>
                        <MetricsTable header=header.clone() rows=rows class="metrics step-table"/>
                    }.into_any()
                }
            }}
        </section>
    }
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
