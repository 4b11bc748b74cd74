//! The Serving lab: LLM requests routed across model instances with prefix KV caches.
//! Settings live in the editor's state (links, autosave, undo); runs and drawings in
//! `schedlab_app::serving`.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use schedlab_app::gantt::format_time;
use schedlab_app::palette;
use schedlab_app::serving::{self, ServingSettings};
use schedlab_core::serve::sim::ScaleAction;

use crate::browser;
use crate::canvas::fit_canvas;
use crate::ctx::Ctx;
use crate::fields::{num_field, NumField};

fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

fn num(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn set_with(ctx: Ctx, f: impl FnOnce(&mut ServingSettings) + 'static) {
    ctx.apply(|e| {
        e.edit(|s| {
            f(&mut s.serving);
            Ok(())
        })
    });
}

fn set(f: impl FnOnce(&mut ServingSettings) + 'static) {
    set_with(ctx(), f)
}

fn t_max(ctx: Ctx) -> f64 {
    ctx.serving.with(|r| r.as_ref().map_or(0.0, |r| r.t_max))
}

fn tick(ctx: Ctx, last: f64) {
    if !ctx.serving_playing.get_untracked() {
        return;
    }
    let now = browser::now_ms();
    let tm = t_max(ctx);
    let mut p = ctx.serving_playhead.get_untracked() + (now - last).max(0.0) / 1000.0 * tm / 20.0;
    if p >= tm {
        p = tm;
        ctx.serving_playing.set(false);
    }
    ctx.serving_playhead.set(p);
    request_animation_frame(move || tick(ctx, now));
}

#[component]
fn ServingControls() -> impl IntoView {
    let ctx = ctx();
    let settings = Memo::new(move |_| ctx.editor.with(|e| e.state.serving.clone()));
    let s = move || settings.get();
    let trace_input: NodeRef<leptos::html::Input> = NodeRef::new();
    let on_trace = move |_| {
        let Some(input) = trace_input.get() else {
            return;
        };
        let Some(files) = input.files() else { return };
        leptos::task::spawn_local(async move {
            let read = browser::read_files(files).await;
            input.set_value("");
            match read {
                Ok(f) if !f.is_empty() => match schedlab_core::serve::parse_trace(&f[0].0, &f[0].1)
                {
                    Ok(w) => {
                        let total = w.requests.len();
                        let w = serving::trim_trace(w);
                        let kept = w.requests.len();
                        // Real prompts are long: give the instances at least the CLI's cache
                        // (docs/serving.md) so that the trace's shared prefixes can be reused.
                        let cache = schedlab_core::serve::sim::ServeConfig::default().cache_blocks;
                        set_with(ctx, move |s| {
                            s.trace = Some(w);
                            s.scaling.clear();
                            s.cache_blocks = s.cache_blocks.max(cache);
                        });
                        ctx.notice.set(Some(format!(
                            "{}: {kept} of {total} requests; cache at least {cache} blocks per instance",
                            f[0].0
                        )));
                    }
                    Err(e) => ctx
                        .banner
                        .set(Some(format!("Could not read the trace: {e}"))),
                },
                Ok(_) => {}
                Err(e) => ctx.banner.set(Some(e)),
            }
        });
    };
    view! {
        <div class="controls streams-controls">
            <fieldset>
                <legend>"Workload"</legend>
                <div class="field">
                    {move || match s().trace {
                        Some(w) => view! {
                            <span data-testid="serving-trace">{format!("{}: {} requests", w.name, w.requests.len())}</span>
                            <button class="link" on:click=move |_| set(|s| { s.trace = None; s.scaling.clear(); })>"use synthetic"</button>
                        }.into_any(),
                        None => view! { <span>"synthetic: shared-prefix groups, Zipf popularity, multi-turn"</span> }.into_any(),
                    }}
                    <label class="button" title="A Mooncake trace: JSON lines with timestamp (ms), input_length, output_length, hash_ids">"Trace…"
                        <input type="file" class="hidden" node_ref=trace_input data-testid="serving-trace-input" aria-label="Upload a Mooncake trace" on:change=on_trace/>
                    </label>
                </div>
                <Show when=move || s().trace.is_none()>
                    {num_field(NumField { label: "Requests", aria: "Requests", testid: Some("serving-requests"), title: None, min: "1", max: None, step: "50" },
                            Signal::derive(move || s().requests.to_string()),
                            Callback::new(move |text: String| { match text.trim().parse::<usize>() {
                                Ok(v) => set(move |s| s.requests = v),
                                Err(_) => ctx.banner.set(Some("requests must be a whole number".into())),
                            } }))}
                    {num_field(NumField { label: "Rate (req/s)", aria: "Request rate", testid: Some("serving-rate"), title: None, min: "0.1", max: None, step: "1" },
                            Signal::derive(move || s().rate.to_string()),
                            Callback::new(move |text: String| { if let Some(v) = num(&text) { set(move |s| s.rate = v); } }))}
                    {num_field(NumField { label: "Prefix groups", aria: "Shared-prefix groups", testid: None, title: None, min: "1", max: None, step: "1" },
                            Signal::derive(move || s().groups.to_string()),
                            Callback::new(move |text: String| { if let Ok(v) = text.trim().parse::<usize>() { set(move |s| s.groups = v); } }))}
                </Show>
                {num_field(NumField { label: "Rate scale", aria: "Rate scale", testid: Some("serving-rate-scale"), title: None, min: "0.1", max: None, step: "0.25" },
                        Signal::derive(move || s().rate_scale.to_string()),
                        Callback::new(move |text: String| { if let Some(v) = num(&text) { set(move |s| s.rate_scale = v); } }))}
            </fieldset>
            <fieldset>
                <legend>"Cluster"</legend>
                {num_field(NumField { label: "Instances", aria: "Instances", testid: Some("serving-instances"), title: None, min: "1", max: Some("32"), step: "1" },
                        Signal::derive(move || s().instances.to_string()),
                        Callback::new(move |text: String| { match text.trim().parse::<usize>() {
                            Ok(v) => set(move |s| s.instances = v),
                            Err(_) => ctx.banner.set(Some("instances must be a whole number".into())),
                        } }))}
                {num_field(NumField { label: "TTFT SLO (ms)", aria: "TTFT SLO in ms", testid: Some("serving-slo"), title: None, min: "1", max: None, step: "100" },
                        Signal::derive(move || s().slo_ms.to_string()),
                        Callback::new(move |text: String| { match num(&text) {
                            Some(v) => set(move |s| s.slo_ms = v),
                            None => ctx.banner.set(Some("the SLO must be a number".into())),
                        } }))}
                {num_field(NumField { label: "Cache (blocks)", aria: "KV cache blocks per instance", testid: None, title: None, min: "0", max: None, step: "64" },
                        Signal::derive(move || s().cache_blocks.to_string()),
                        Callback::new(move |text: String| { if let Ok(v) = text.trim().parse::<usize>() { set(move |s| s.cache_blocks = v); } }))}
                {num_field(NumField { label: "Prefill σ", aria: "Prefill time noise", testid: None, title: None, min: "0", max: None, step: "0.1" },
                        Signal::derive(move || s().prefill_noise.to_string()),
                        Callback::new(move |text: String| { if let Some(v) = num(&text) { set(move |s| s.prefill_noise = v); } }))}
                <div class="field">
                    <button data-testid="serving-add-instance" title="Add an instance at the playhead" on:click=move |_| { let t = ctx.serving_playhead.get_untracked(); set(move |s| serving::scale_at(s, t, true)); }>"+ instance at playhead"</button>
                    <button data-testid="serving-remove-instance" title="Remove an instance at the playhead" on:click=move |_| { let t = ctx.serving_playhead.get_untracked(); set(move |s| serving::scale_at(s, t, false)); }>"− instance"</button>
                </div>
                <ul class="events">
                    {move || s().scaling.iter().enumerate().map(|(k, e)| view! {
                        <li data-testid="serving-scale-event">{format!("{} an instance at {} s", if e.action == ScaleAction::Add { "add" } else { "remove" }, format_time(e.time_ms / 1000.0))}
                            <button class="link" aria-label="Delete this scaling event" on:click=move |_| set(move |s| { s.scaling.remove(k); })>"×"</button>
                        </li>
                    }).collect_view()}
                </ul>
            </fieldset>
            <fieldset>
                <legend>"Routers"</legend>
                {move || s().routers.into_iter().enumerate().map(|(i, id)| {
                    let testid = if i == 0 { "serving-router".to_string() } else { format!("serving-router-{i}") };
                    view! {
                        <div class="sched-row">
                            <span class="swatch" style=format!("background:{}", palette::hex(palette::series_color(i)))></span>
                            <select data-testid=testid aria-label=format!("Router {}", i + 1) prop:value=id
                                on:change=move |ev| { let v = event_target_value(&ev); set(move |s| s.routers[i] = v); }>
                                {serving::router_ids().iter().map(|p| view! { <option value=*p>{*p}</option> }).collect_view()}
                            </select>
                            {(i > 0).then(|| view! { <button class="link" aria-label="Remove from comparison" on:click=move |_| set(move |s| { s.routers.remove(i); })>"×"</button> })}
                        </div>
                    }
                }).collect_view()}
                <button data-testid="serving-compare-add" disabled=move || { s().routers.len() >= schedlab_app::state::MAX_COMPARE }
                    on:click=move |_| set(|s| {
                        let ids = serving::router_ids();
                        let next = ids.iter().find(|p| !s.routers.iter().any(|x| x == *p)).unwrap_or(&ids[0]);
                        s.routers.push(next.to_string());
                    })>"+ Compare another"</button>
                {num_field(NumField { label: "Seed", aria: "Seed", testid: None, title: None, min: "0", max: None, step: "1" },
                        Signal::derive(move || s().seed.to_string()),
                        Callback::new(move |text: String| { if let Ok(v) = text.trim().parse::<u64>() { set(move |s| s.seed = v); } }))}
            </fieldset>
        </div>
    }
}

#[component]
fn ServingGantt(column: usize) -> impl IntoView {
    let ctx = ctx();
    let canvas: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let tooltip = RwSignal::new(None::<(f64, f64, String)>);
    Effect::new(move |_| {
        let playhead = ctx.serving_playhead.get();
        let Some(c) = canvas.get() else { return };
        ctx.serving.with(|r| {
            let Some(r) = r else { return };
            if column >= r.columns.len() {
                return;
            }
            let (w, h) = fit_canvas(&c, serving::gantt_height(r.lifetimes.len()));
            let Some(b) = CanvasBackend::with_canvas_object(c.clone()) else {
                return;
            };
            let root = b.into_drawing_area();
            if let Err(e) = serving::draw_gantt(
                &root,
                &serving::geometry(w, h, r),
                r,
                column,
                playhead,
                ctx.dark,
            ) {
                leptos::logging::warn!("serving gantt: {e}");
            }
            let _ = root.present();
        });
    });
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let text = ctx.serving.with_untracked(|r| {
            let r = r.as_ref()?;
            let col = r.columns.get(column)?;
            let k = serving::request_at(&serving::geometry(c.width(), c.height(), r), col, x, y)?;
            let q = &col.run.requests[k];
            let w = &r.workload.requests[k];
            Some(format!(
                "request {} on I{}{}\narrived {} ms · prefill {} – {} ms\nTTFT {} ms · prompt {} tokens, {} cached\n{} output tokens, done at {} ms",
                k + 1, q.instance + 1, if q.moved { " (moved)" } else { "" },
                format_time(w.arrival), format_time(q.prefill_start), format_time(q.prefill_end),
                format_time(q.prefill_end - w.arrival), w.input_tokens, q.cached_tokens, w.output_tokens, format_time(q.decode_end)
            ))
        });
        tooltip.set(text.map(|t| (x, y, t)));
    };
    let name = move || {
        ctx.serving.with(|r| {
            r.as_ref()
                .and_then(|r| r.columns.get(column))
                .map(|c| c.router.clone())
                .unwrap_or_default()
        })
    };
    let testid = if column == 0 {
        "serving-gantt".to_string()
    } else {
        format!("serving-gantt-{column}")
    };
    view! {
        <div class="gantt-wrap">
            <div class="gantt-title"><span class="swatch" style=format!("background:{}", palette::hex(palette::series_color(column)))></span>{name}</div>
            <canvas node_ref=canvas data-testid=testid class="gantt" role="img" aria-label="Instances over time: prefills colored by prompt prefix, each request's decode as a thin bar below"
                on:mousemove=on_move on:mouseleave=move |_| tooltip.set(None)></canvas>
            {move || tooltip.get().map(|(x, y, t)| view! { <div class="tooltip" style=format!("left:{}px;top:{}px", x + 14.0, y + 10.0)>{t}</div> })}
        </div>
    }
}

#[component]
fn ServingCharts() -> impl IntoView {
    let ctx = ctx();
    let ttft: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let per: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let cache: NodeRef<leptos::html::Canvas> = NodeRef::new();
    Effect::new(move |_| {
        let t = ctx.serving_playhead.get();
        let (Some(a), Some(b), Some(c)) = (ttft.get(), per.get(), cache.get()) else {
            return;
        };
        ctx.serving.with(|r| {
            let Some(r) = r else { return };
            fit_canvas(&a, 220);
            if let Some(be) = CanvasBackend::with_canvas_object(a.clone()) {
                let root = be.into_drawing_area();
                let _ = serving::draw_ttft(&root, r, t, ctx.dark);
                let _ = root.present();
            }
            fit_canvas(&b, 220);
            if let Some(be) = CanvasBackend::with_canvas_object(b.clone()) {
                let root = be.into_drawing_area();
                let _ = serving::draw_per_instance(&root, r, t, ctx.dark);
                let _ = root.present();
            }
            fit_canvas(&c, 200);
            if let Some(be) = CanvasBackend::with_canvas_object(c.clone()) {
                let root = be.into_drawing_area();
                let _ = serving::draw_cache(&root, r, 0, t, ctx.dark);
                let _ = root.present();
            }
        });
    });
    view! {
        <div class="charts two">
            <div><h3>"TTFT histogram"</h3><canvas node_ref=ttft data-testid="serving-ttft" class="chart" role="img" aria-label="Histogram of time to first token with the SLO"></canvas></div>
            <div><h3>"Requests per instance"</h3><canvas node_ref=per data-testid="serving-per-instance" class="chart" role="img" aria-label="Requests routed to each instance"></canvas></div>
        </div>
        <h3>{move || format!("Cache occupancy per instance ({})", ctx.serving.with(|r| r.as_ref().and_then(|r| r.columns.first()).map(|c| c.router.clone()).unwrap_or_default()))}</h3>
        <canvas node_ref=cache data-testid="serving-cache" class="chart" role="img" aria-label="Cached blocks per instance over time"></canvas>
    }
}

#[component]
fn ServingMetrics() -> impl IntoView {
    let ctx = ctx();
    view! {
        <table class="metrics" data-testid="serving-metrics">
            <thead><tr><th>"router"</th><th>"TTFT p50 (ms)"</th><th>"p90"</th><th>"p99"</th><th>"SLO attainment"</th><th>"cache hit rate"</th><th>"load imbalance"</th><th>"moved"</th><th>"prefixes remapped"</th></tr></thead>
            <tbody>
                {move || ctx.serving.with(|r| r.as_ref().map(|r| r.columns.iter().enumerate().map(|(i, c)| {
                    let m = &c.metrics;
                    view! {
                        <tr data-testid=format!("serving-row-{i}") title=c.rule.clone()>
                            <td><span class="swatch" style=format!("background:{}", palette::hex(palette::series_color(i)))></span>{c.router.clone()}</td>
                            <td data-testid=format!("ttft-p50-{i}")>{format!("{:.1}", m.ttft_p50_ms)}</td>
                            <td>{format!("{:.1}", m.ttft_p90_ms)}</td>
                            <td>{format!("{:.1}", m.ttft_p99_ms)}</td>
                            <td data-testid=format!("slo-{i}")>{format!("{:.1} %", m.slo_attainment * 100.0)}</td>
                            <td data-testid=format!("hit-{i}")>{format!("{:.3}", m.cache_hit_rate)}</td>
                            <td>{format!("{:.2}", m.load_imbalance)}</td>
                            <td>{m.moves}</td>
                            <td data-testid=format!("remapped-{i}")>{m.prefixes_remapped.map_or("—".to_string(), |x| x.to_string())}</td>
                        </tr>
                    }
                }).collect_view()))}
            </tbody>
        </table>
    }
}

/// The whole lab.
#[component]
pub fn ServingLab() -> impl IntoView {
    let ctx = ctx();
    let generation = StoredValue::new(0u64);
    let settings = Memo::new(move |_| ctx.editor.with(|e| e.state.serving.clone()));
    Effect::new(move |_| {
        let s = settings.get();
        let g = generation.get_value() + 1;
        generation.set_value(g);
        set_timeout(
            move || {
                if generation.get_value() != g {
                    return;
                }
                let t0 = browser::now_ms();
                match serving::run_all(&s) {
                    Ok(r) => {
                        crate::canvas::record("servingRunMs", browser::now_ms() - t0);
                        let keep = ctx.serving_playhead.get_untracked();
                        let r = Arc::new(r);
                        // Keep the playhead when only the scaling changed (add instance during playback).
                        if !(keep > 0.0 && keep < r.t_max) {
                            ctx.serving_playhead.set(r.t_max);
                        }
                        ctx.serving.set(Some(r));
                    }
                    Err(e) => ctx.banner.set(Some(format!("Serving: {e}"))),
                }
            },
            Duration::from_millis(0),
        );
    });
    on_cleanup(move || generation.set_value(generation.get_value() + 1));
    let play = move |_| {
        if ctx.serving_playing.get_untracked() {
            ctx.serving_playing.set(false);
        } else {
            if ctx.serving_playhead.get_untracked() >= t_max(ctx) {
                ctx.serving_playhead.set(0.0);
            }
            ctx.serving_playing.set(true);
            let now = browser::now_ms();
            request_animation_frame(move || tick(ctx, now));
        }
    };
    let columns = move || {
        ctx.serving
            .with(|r| r.as_ref().map_or(0, |r| r.columns.len()))
    };
    view! {
        <main class="workspace streams-lab" data-testid="serving-lab">
            <section class="left">
                <ServingControls/>
                <p class="hint">"Each bar is a request's prefill on an instance, colored by its prompt prefix (the 8 most common get colors); paler = more of the prompt was cached; orange outline = moved by rebalancing; thin bars below = each request's decode, stacked as high as the batch. Green lines: instances added or removed."</p>
            </section>
            <section class="right">
                <div class="transport" role="toolbar" aria-label="Serving playback">
                    <button data-testid="serving-play" class="primary" on:click=play>{move || if ctx.serving_playing.get() { "Pause" } else { "▶ Play" }}</button>
                    <input type="range" class="scrub" data-testid="serving-scrub" aria-label="Timeline" min="0" step="any"
                        prop:max=move || t_max(ctx).to_string()
                        prop:value=move || ctx.serving_playhead.get().to_string()
                        on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { ctx.serving_playing.set(false); ctx.serving_playhead.set(v); } }/>
                    <span class="time" data-testid="serving-playhead">{move || format!("t = {} s / {} s", format_time(ctx.serving_playhead.get() / 1000.0), format_time(t_max(ctx) / 1000.0))}</span>
                </div>
                {move || (0..columns()).map(|i| view! { <ServingGantt column=i/> }).collect_view()}
                <ServingMetrics/>
                <ServingCharts/>
            </section>
        </main>
    }
}

pub fn export_metrics(ctx: Ctx) {
    if let Some(r) = ctx.serving.get_untracked() {
        browser::download("serving-metrics.csv", "text/csv", &serving::metrics_csv(&r));
    }
}
