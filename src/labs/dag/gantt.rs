//! Canvas views drawn with plotters-canvas: the animated Gantt chart(s) with transport
//! controls and hover details, the distribution of makespans over noise samples, and the
//! robustness chart in compare mode. Drawing code lives in `schedlab-app`.

use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use schedlab_app::eval::event_times;
use schedlab_app::{charts, gantt};
use wasm_bindgen::JsValue;

use crate::browser;
use crate::ctx::Ctx;

/// `window.schedlabStats`, created on first use: numbers for the performance script.
fn stats() -> JsValue {
    let w = browser::window();
    let key = JsValue::from_str("schedlabStats");
    js_sys::Reflect::get(&w, &key)
        .ok()
        .filter(|v| v.is_object())
        .unwrap_or_else(|| {
            let o: JsValue = js_sys::Object::new().into();
            let _ = js_sys::Reflect::set(&w, &key, &o);
            o
        })
}

fn stat(key: &str) -> f64 {
    js_sys::Reflect::get(&stats(), &JsValue::from_str(key))
        .ok()
        .and_then(|x| x.as_f64())
        .unwrap_or(0.0)
}

/// Sets `window.schedlabStats[key] = value`.
pub fn record(key: &str, value: f64) {
    let _ = js_sys::Reflect::set(&stats(), &JsValue::from_str(key), &JsValue::from_f64(value));
}

/// Counts a drawn frame and its drawing time.
fn record_frame(draw_ms: f64) {
    record("lastDrawMs", draw_ms);
    record("frames", stat("frames") + 1.0);
    record("drawMs", stat("drawMs") + draw_ms);
    record("maxDrawMs", stat("maxDrawMs").max(draw_ms));
}

/// Sizes a canvas to its CSS width and the given height; returns (width, height).
pub fn fit_canvas(c: &web_sys::HtmlCanvasElement, height: u32) -> (u32, u32) {
    let w = (c.client_width().max(300)) as u32;
    if c.width() != w {
        c.set_width(w);
    }
    if c.height() != height {
        c.set_height(height);
    }
    (w, height)
}

fn gantt_height(rows: usize) -> u32 {
    let row = if rows > 12 { 18.0 } else { 34.0 };
    (40.0 + row * rows as f64) as u32
}

/// Advances the playhead every animation frame while playing.
fn tick(ctx: Ctx, speed: RwSignal<f64>, last: f64) {
    if !ctx.playing.get_untracked() {
        return;
    }
    let now = browser::now_ms();
    let tm = ctx.t_max();
    let mut p = ctx.playhead.get_untracked()
        + (now - last).max(0.0) / 1000.0 * speed.get_untracked() * tm / 10.0;
    if p >= tm {
        p = tm;
        ctx.playing.set(false);
    }
    ctx.playhead.set(p);
    request_animation_frame(move || tick(ctx, speed, now));
}

#[component]
fn GanttCanvas(column: usize) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let canvas: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let tooltip = RwSignal::new(None::<(f64, f64, String)>);
    // Redraw on any change of the evaluation, playhead or size.
    // A memo, not the editor: the canvas redraws when the evaluation arrives, not on every
    // edit (or drag move) before it, with the previous evaluation.
    let noisy = Memo::new(move |_| ctx.editor.with(|e| e.state.noise.is_noisy()));
    Effect::new(move |_| {
        let playhead = ctx.playhead.get();
        let noisy = noisy.get();
        let Some(c) = canvas.get() else { return };
        ctx.eval.with(|e| {
            let Some(Ok(ev)) = e else { return };
            let Some(col) = ev.columns.get(column) else {
                return;
            };
            let t0 = browser::now_ms();
            let (w, h) = fit_canvas(&c, gantt_height(ev.problem.n_procs()));
            let Some(backend) = CanvasBackend::with_canvas_object(c.clone()) else {
                return;
            };
            let root = backend.into_drawing_area();
            let g = gantt::Geometry::for_problem(w, h, &ev.problem, ctx.t_max());
            let style = gantt::Style {
                dark: ctx.dark,
                show_plan: noisy,
                show_transfers: true,
            };
            if let Err(err) = gantt::draw(&root, &g, &ev.problem, &col.run, playhead, style) {
                leptos::logging::warn!("gantt: {err}");
            }
            let _ = root.present();
            let end = browser::now_ms();
            record_frame(end - t0);
            record("lastDrawEnd", end);
        });
    });
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let text = ctx.eval.with_untracked(|e| {
            let Some(Ok(ev)) = e else { return None };
            let col = ev.columns.get(column)?;
            let g = gantt::Geometry::for_problem(c.width(), c.height(), &ev.problem, ctx.t_max());
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
        });
        tooltip.set(text.map(|t| (x, y, t)));
    };
    let name = move || {
        ctx.editor
            .with(|e| e.state.schedulers.get(column).cloned().unwrap_or_default())
    };
    let testid = if column == 0 {
        "gantt".to_string()
    } else {
        format!("gantt-{column}")
    };
    view! {
        <div class="gantt-wrap">
            {move || (ctx.editor.with(|e| e.state.schedulers.len()) > 1).then(|| view! {
                <div class="gantt-title"><span class="swatch" style=format!("background:{}", schedlab_app::palette::hex(schedlab_app::palette::series_color(column)))></span>{name}</div>
            })}
            <canvas node_ref=canvas data-testid=testid class="gantt" role="img" aria-label="Gantt chart of the schedule"
                on:mousemove=on_move on:mouseleave=move |_| tooltip.set(None)></canvas>
            {move || tooltip.get().map(|(x, y, t)| view! {
                <div class="tooltip" style=format!("left:{}px;top:{}px", x + 14.0, y + 10.0)>{t}</div>
            })}
        </div>
    }
}

#[component]
pub fn GanttPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let speed = RwSignal::new(
        ctx.editor
            .with_untracked(|e| e.state.view.speed)
            .clamp(0.1, 16.0),
    );
    let play = move |_| {
        if ctx.playing.get_untracked() {
            ctx.playing.set(false);
            let p = ctx.playhead.get_untracked();
            ctx.editor
                .update(|e| e.set_quietly(|s| s.view.playhead = p));
        } else {
            if ctx.playhead.get_untracked() >= ctx.t_max() {
                ctx.playhead.set(0.0);
            }
            ctx.playing.set(true);
            let now = browser::now_ms();
            request_animation_frame(move || tick(ctx, speed, now));
        }
    };
    let step = move |forward: bool| {
        ctx.playing.set(false);
        let p = ctx.playhead.get_untracked();
        let next = ctx.eval.with_untracked(|e| match e {
            Some(Ok(ev)) => {
                let mut times: Vec<f64> = ev
                    .columns
                    .iter()
                    .flat_map(|c| event_times(&c.run))
                    .collect();
                schedlab_core::util::sort_dyn(&mut times, &f64::total_cmp);
                times.dedup();
                if forward {
                    times.into_iter().find(|&t| t > p + 1e-9)
                } else {
                    times.into_iter().rev().find(|&t| t < p - 1e-9)
                }
            }
            _ => None,
        });
        if let Some(t) = next {
            ctx.playhead.set(t);
        }
    };
    let columns = move || ctx.editor.with(|e| e.state.schedulers.len());
    view! {
        <div class="gantt-panel">
            <div class="transport" role="toolbar" aria-label="Playback">
                <button data-testid="step-back" aria-label="Previous event" on:click=move |_| step(false)>"‹ Prev"</button>
                <button data-testid="play" class="primary" aria-label=move || if ctx.playing.get() { "Pause" } else { "Play" } on:click=play>
                    {move || if ctx.playing.get() { "Pause" } else { "▶ Play" }}
                </button>
                <button data-testid="step" aria-label="Next event" on:click=move |_| step(true)>"Next ›"</button>
                <label class="field"><span>"Speed"</span>
                    <select aria-label="Playback speed" prop:value=move || speed.get().to_string() on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            speed.set(v);
                            ctx.editor.update(|e| e.set_quietly(|s| s.view.speed = v));
                        }
                    }>
                        {[0.25, 0.5, 1.0, 2.0, 4.0, 8.0].iter().map(|v| view! { <option value=v.to_string()>{format!("{v}×")}</option> }).collect_view()}
                    </select>
                </label>
                <input type="range" class="scrub" data-testid="scrub" aria-label="Timeline" min="0" step="any"
                    prop:max=move || ctx.t_max().to_string()
                    prop:value=move || ctx.playhead.get().to_string()
                    on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        ctx.playing.set(false);
                        ctx.playhead.set(v);
                        ctx.editor.update(|e| e.set_quietly(|s| s.view.playhead = v));
                    } }/>
                <span class="time" data-testid="playhead">{move || format!("t = {} / {}", gantt::format_time(ctx.playhead.get()), gantt::format_time(ctx.t_max()))}</span>
            </div>
            {move || (0..columns()).map(|i| view! { <GanttCanvas column=i/> }).collect_view()}
            <p class="legend hint">"Bars fill as the playhead passes · outlines: the plan (under noise) · grey lines: data transfers · shaded: stragglers"</p>
        </div>
    }
}

#[component]
pub fn ChartsPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let hist: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let robust: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let show_hist = Memo::new(move |_| {
        ctx.editor
            .with(|e| e.state.noise.is_noisy() && e.state.noise.samples > 1)
    });
    let show_robust = Memo::new(move |_| ctx.editor.with(|e| e.state.schedulers.len() > 1));
    Effect::new(move |_| {
        if !show_hist.get() {
            return;
        }
        let Some(c) = hist.get() else { return };
        ctx.eval.with(|e| {
            let Some(Ok(ev)) = e else { return };
            fit_canvas(&c, 240);
            let Some(b) = CanvasBackend::with_canvas_object(c.clone()) else {
                return;
            };
            let root = b.into_drawing_area();
            let names: Vec<String> = ev.columns.iter().map(|c| c.scheduler.clone()).collect();
            let series: Vec<Vec<f64>> = ev
                .columns
                .iter()
                .map(|c| c.sample_makespans.clone())
                .collect();
            let _ = charts::histogram(
                &root,
                &names,
                &series,
                "makespan over noise samples",
                ctx.dark,
            );
            let _ = root.present();
        });
    });
    Effect::new(move |_| {
        if !show_robust.get() {
            return;
        }
        let Some(c) = robust.get() else { return };
        ctx.robustness.with(|r| {
            let Some(curves) = r else { return };
            fit_canvas(&c, 260);
            let Some(b) = CanvasBackend::with_canvas_object(c.clone()) else {
                return;
            };
            let root = b.into_drawing_area();
            let _ = charts::robustness(&root, curves, ctx.dark);
            let _ = root.present();
        });
    });
    view! {
        <div class="charts">
            <Show when=move || show_hist.get()>
                <h3>"Makespan distribution"</h3>
                <canvas node_ref=hist data-testid="histogram" class="chart" role="img" aria-label="Histogram of makespans over the noise samples"></canvas>
            </Show>
            <Show when=move || show_robust.get()>
                <h3>"Robustness: makespan against σ (mean, 10–90 % band, 20 seeds)"</h3>
                <canvas node_ref=robust data-testid="robustness" class="chart" role="img" aria-label="Makespan against execution noise for each scheduler"></canvas>
                {move || ctx.robustness.get().is_none().then(|| view! { <p class="hint">"computing…"</p> })}
            </Show>
        </div>
    }
}
