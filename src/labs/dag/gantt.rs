//! The DAG lab's canvases, drawn with plotters-canvas: the animated Gantt chart(s) with
//! the transport bar and hover details, the distribution of makespans over noise samples,
//! and the robustness chart in compare mode. Drawing code lives in `schedlab-app`.

use std::sync::Arc;

use leptos::prelude::*;
use schedlab_app::labs::dag::eval::evaluation_event_times;
use schedlab_app::labs::dag::{charts, gantt};

use crate::browser;
use crate::components::{area, series_testid, GanttCanvas, Transport, TransportBar};
use crate::ctx::{Ctx, Selection};
use schedlab_app::kit::color as palette;
use schedlab_app::kit::timeline::{draw_bars, Bar, Fill};

fn gantt_height(rows: usize) -> u32 {
    let row = if rows > 12 { 18.0 } else { 34.0 };
    (40.0 + row * rows as f64) as u32
}

/// The hover text of the bar at (x, y) of column `column`'s Gantt.
fn bar_text(
    ctx: Ctx,
    column: usize,
    c: &web_sys::HtmlCanvasElement,
    x: f64,
    y: f64,
) -> Option<String> {
    ctx.eval.with_untracked(|e| {
        let Some(Ok(ev)) = e else { return None };
        let col = ev.columns.get(column)?;
        let g = ctx.dag_play.view_untracked(gantt::geometry(
            c.width(),
            c.height(),
            &ev.problem,
            ctx.t_max(),
        ));
        let task = gantt::bar_at(&g, &col.run, x, y)?;
        let r = &col.run.execution.tasks[task];
        let f = gantt::format_time;
        let mut s = format!(
            "{} on {}\nruns {} – {} ({})",
            ev.problem.task_names[task],
            ev.problem.proc_names[r.proc],
            f(r.start),
            f(r.end),
            f(r.end - r.start)
        );
        if r.start != r.planned_start || r.end != r.planned_end {
            s.push_str(&format!(
                "\nplanned {} – {}",
                f(r.planned_start),
                f(r.planned_end)
            ));
        }
        let preds: Vec<&str> = ev
            .problem
            .predecessors(task)
            .map(|(p, _)| ev.problem.task_names[p].as_str())
            .collect();
        if !preds.is_empty() {
            s.push_str(&format!("\nwaits for {}", preds.join(", ")));
        }
        Some(s)
    })
}

#[component]
fn ScheduleGantt(column: usize) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // A memo, not the editor: the canvas redraws when the evaluation arrives, not on every
    // edit (or drag move) before it, with the previous evaluation.
    let noisy = Memo::new(move |_| ctx.editor.with(|e| e.state.noise.is_noisy()));
    let draw = Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
        let playhead = ctx.dag_play.playhead.get();
        let noisy = noisy.get();
        ctx.eval.with(|e| {
            let Some(Ok(ev)) = e else { return };
            let Some(col) = ev.columns.get(column) else {
                return;
            };
            let t0 = browser::now_ms();
            let Some((root, w, h)) = area(&c, gantt_height(ev.problem.n_procs())) else {
                return;
            };
            let g = ctx
                .dag_play
                .view(gantt::geometry(w, h, &ev.problem, ctx.t_max()));
            let style = gantt::Style {
                dark,
                show_plan: noisy,
                show_transfers: true,
            };
            if let Err(err) = gantt::draw(&root, &g, &ev.problem, &col.run, playhead, style) {
                leptos::logging::warn!("gantt: {err}");
            }
            // The explain panel's decision: where its task could have gone instead (the
            // first scheduler's Gantt, while the task is selected).
            use super::explain::{OPEN, RECORD, SHOWN};
            // (Read only by the first Gantt, and the selection only while the panel is open:
            // clicking tasks does not redraw every Gantt.)
            let open = column == 0 && OPEN.get().and_then(|o| o.try_get()) == Some(true);
            let selected = if open {
                ctx.selected.get()
            } else {
                Selection::None
            };
            if let Selection::Task(t) = selected {
                RECORD.with(|r| {
                    let r = r.borrow();
                    // Only the record of the evaluation drawn (an edit makes a new one).
                    let Some((_, why)) = r.as_ref().filter(|r| Arc::ptr_eq(&r.0, ev)) else {
                        return;
                    };
                    let Ok(why) = why.as_ref() else {
                        return;
                    };
                    let shown = why.decisions.get(SHOWN.get());
                    let Some(d) = shown.filter(|d| d.task == t) else {
                        return;
                    };
                    let c = palette::task_color(t);
                    let bars: Vec<Bar> = d
                        .candidates
                        .iter()
                        .filter(|x| x.proc != d.proc && x.finish.is_finite())
                        .map(|x| Bar {
                            fill: Fill::Solid(0.22),
                            outline: Some((palette::rgba(c, 1.0), 0)),
                            ..Bar::new(x.proc, x.start, x.finish, c)
                        })
                        .collect();
                    let _ = draw_bars(&root, &g, &bars, playhead, 12.0, palette::theme(dark));
                });
            }
            let _ = root.present();
            let end = browser::now_ms();
            browser::record_frame(end - t0);
            browser::record("lastDrawEnd", end);
        });
    });
    let hit = Callback::new(move |(c, x, y): (web_sys::HtmlCanvasElement, f64, f64)| {
        bar_text(ctx, column, &c, x, y)
    });
    let title = Signal::derive(move || {
        ctx.editor.with(|e| {
            (e.state.schedulers.len() > 1)
                .then(|| e.state.schedulers.get(column).cloned().unwrap_or_default())
        })
    });
    let testid = series_testid("gantt", column);
    view! {
        <GanttCanvas testid=testid aria="Gantt chart of the schedule" draw=draw hit=hit title=title swatch=column zoom=ctx.dag_play/>
    }
}

#[component]
pub fn GanttPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let transport = Transport {
        play: ctx.dag_play,
        t_max: Signal::derive(move || ctx.t_max()),
        span_s: 10.0,
        prefix: "",
        label: "Playback",
        format: |p, tm| format!("t = {} / {}", gantt::format_time(p), gantt::format_time(tm)),
        events: Some(Callback::new(move |()| {
            ctx.eval.with_untracked(|e| match e {
                Some(Ok(ev)) => evaluation_event_times(ev),
                _ => Vec::new(),
            })
        })),
        on_settle: Some(Callback::new(move |p: f64| {
            ctx.editor
                .update(|e| e.set_quietly(|s| s.view.playhead = p))
        })),
        on_speed: Some(Callback::new(move |v: f64| {
            ctx.editor.update(|e| e.set_quietly(|s| s.view.speed = v))
        })),
    };
    let columns = move || ctx.editor.with(|e| e.state.schedulers.len());
    view! {
        <div class="gantt-panel">
            <TransportBar t=transport/>
            {move || (0..columns()).map(|i| view! { <ScheduleGantt column=i/> }).collect_view()}
            <p class="legend hint">"Bars fill as the playhead passes · outlines: the plan (under noise) · grey lines: data transfers · shaded: stragglers"</p>
        </div>
    }
}

#[component]
pub fn ChartsPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let show_hist = Memo::new(move |_| {
        ctx.editor
            .with(|e| e.state.noise.is_noisy() && e.state.noise.samples > 1)
    });
    let show_robust = Memo::new(move |_| ctx.editor.with(|e| e.state.schedulers.len() > 1));
    let hist = Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
        ctx.eval.with(|e| {
            let Some(Ok(ev)) = e else { return };
            let Some((root, _, _)) = area(&c, 240) else {
                return;
            };
            let names: Vec<String> = ev.columns.iter().map(|c| c.scheduler.clone()).collect();
            let series: Vec<Vec<f64>> = ev
                .columns
                .iter()
                .map(|c| c.sample_makespans.clone())
                .collect();
            let _ = schedlab_app::kit::chart::histogram(
                &root,
                &names,
                &series,
                "makespan over noise samples",
                dark,
            );
            let _ = root.present();
        });
    });
    let robust = Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
        ctx.robustness.with(|r| {
            let Some(curves) = r else { return };
            let Some((root, _, _)) = area(&c, 260) else {
                return;
            };
            let _ = charts::robustness(&root, curves, dark);
            let _ = root.present();
        });
    });
    view! {
        <div class="charts">
            <Show when=move || show_hist.get()>
                <h3>"Makespan distribution"</h3>
                <GanttCanvas testid="histogram" chart=true aria="Histogram of makespans over the noise samples" draw=hist/>
            </Show>
            <Show when=move || show_robust.get()>
                <h3>"Robustness: makespan against σ (mean, 10–90 % band, 20 seeds)"</h3>
                <GanttCanvas testid="robustness" chart=true aria="Makespan against execution noise for each scheduler" draw=robust/>
                {move || ctx.robustness.get().is_none().then(|| view! { <p class="hint">"computing…"</p> })}
            </Show>
        </div>
    }
}
