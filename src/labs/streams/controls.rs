//! The Streams lab: jobs arriving over time under online policies. Settings live in the
//! editor's state (so links, autosave and undo cover them); runs happen in chunks between
//! frames (the page stays responsive on long streams); drawing and the step-through model
//! live in `schedlab_app::streams`.

use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use schedlab_app::gantt::format_time;
use schedlab_app::palette;
use schedlab_app::state::MAX_COMPARE;
use schedlab_app::streams::{self, JobMix, StreamsSettings};
use schedlab_core::stream::{trace, Info};

use crate::browser;
use crate::canvas::fit_canvas;
use crate::ctx::Ctx;
use crate::fields::{num_field, NumField};
use crate::streams_run::start_run;

fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

fn num(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Applies a settings change as one undoable edit; a refusal shows in the banner.
fn set(f: impl FnOnce(&mut StreamsSettings) + 'static) {
    set_with(ctx(), f)
}

/// [`set`] outside a reactive owner (in an async task).
fn set_with(ctx: Ctx, f: impl FnOnce(&mut StreamsSettings) + 'static) {
    ctx.apply(|e| {
        e.edit(|s| {
            f(&mut s.streams);
            Ok(())
        })
    });
}

fn t_max(ctx: Ctx) -> f64 {
    ctx.streams.with(|r| r.as_ref().map_or(0.0, |r| r.t_max))
}

fn tick(ctx: Ctx, speed: RwSignal<f64>, last: f64) {
    if !ctx.streams_playing.get_untracked() {
        return;
    }
    let now = browser::now_ms();
    let tm = t_max(ctx);
    let mut p = ctx.streams_playhead.get_untracked()
        + (now - last).max(0.0) / 1000.0 * speed.get_untracked() * tm / 20.0;
    if p >= tm {
        p = tm;
        ctx.streams_playing.set(false);
    }
    ctx.streams_playhead.set(p);
    request_animation_frame(move || tick(ctx, speed, now));
}

#[component]
fn StreamsControls() -> impl IntoView {
    let ctx = ctx();
    let settings = Memo::new(move |_| ctx.editor.with(|e| e.state.streams.clone()));
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
                Ok(f) if !f.is_empty() => match trace::parse(&f[0].0, &f[0].1) {
                    Ok(t) => {
                        let n = t.arrivals.len();
                        let name = f[0].0.clone();
                        set_with(ctx, move |s| {
                            s.jobs = n.min(if s.mix.is_dag() {
                                streams::MAX_UI_DAG_JOBS
                            } else {
                                streams::MAX_UI_JOBS
                            });
                            s.trace = Some(t);
                        });
                        ctx.notice
                            .set(Some(format!("Arrivals from {name} ({n} in the trace)")));
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
    let mixes = [
        (JobMix::Single, "single", "Single tasks (classic flow time)"),
        (JobMix::Chain, "chain", "Chains of operations"),
        (JobMix::Ds3, "ds3", "DS3 WiFi TX/RX DAGs on the DASH SoC"),
        (
            JobMix::Dag,
            "dag",
            "Random DAGs on heterogeneous processors",
        ),
    ];
    let infos = [
        (
            Info::Clairvoyant,
            "clairvoyant",
            "Clairvoyant: sizes known on arrival",
        ),
        (
            Info::NonClairvoyant,
            "nonclairvoyant",
            "Non-clairvoyant: sizes never known",
        ),
        (
            Info::Estimated,
            "estimated",
            "Estimated: noisy size estimates",
        ),
        (
            Info::Revealed,
            "revealed",
            "Revealed: one operation at a time",
        ),
    ];
    let is_dag = move || s().mix.is_dag();
    view! {
        <div class="controls streams-controls">
            <fieldset>
                <legend>"Jobs"</legend>
                <label class="field"><span>"Mix"</span>
                    <select data-testid="streams-mix" aria-label="Job mix" prop:value=move || mixes.iter().find(|m| m.0 == s().mix).map_or("single", |m| m.1).to_string()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(&(mix, _, _)) = mixes.iter().find(|m| m.1 == v) {
                                set(move |s| {
                                    if s.mix.is_dag() != mix.is_dag() {
                                        s.policies = StreamsSettings::default_policies(mix);
                                        s.jobs = s.jobs.min(if mix.is_dag() { 40 } else { s.jobs });
                                        s.machines = if mix == JobMix::Dag { 4 } else { 1 };
                                        s.speeds.clear();
                                    }
                                    if mix == JobMix::Dag && s.machines < 2 { s.machines = 4; }
                                    s.mix = mix;
                                });
                            }
                        }>
                        {mixes.iter().map(|m| view! { <option value=m.1>{m.2}</option> }).collect_view()}
                    </select>
                </label>
                {num_field(NumField { label: "Jobs", aria: "Number of jobs", testid: Some("streams-jobs"), title: None, min: "1", max: None, step: "1" },
                        Signal::derive(move || s().jobs.to_string()),
                        Callback::new(move |text: String| { match text.trim().parse::<usize>() {
                            Ok(v) => set(move |s| s.jobs = v),
                            Err(_) => ctx.banner.set(Some("jobs must be a whole number".into())),
                        } }))}
                <Show when=move || s().trace.is_none()>
                    <label class="field"><span>"Load ρ"</span>
                        <input type="range" min="0.1" max="1.5" step="0.05" aria-label="Load (slider)" prop:value=move || s().load.to_string()
                            on:change=move |ev| { if let Some(v) = num(&event_target_value(&ev)) { set(move |s| s.load = v); } }/>
                        <input type="number" min="0.05" step="0.05" data-testid="streams-load" aria-label="Load ρ" prop:value=move || s().load.to_string()
                            on:change=move |ev| { match num(&event_target_value(&ev)) {
                                Some(v) => set(move |s| s.load = v),
                                None => ctx.banner.set(Some("the load must be a number".into())),
                            } }/>
                    </label>
                    {num_field(NumField { label: "Burstiness", aria: "Burstiness (cv)", testid: None, title: Some("coefficient of variation of inter-arrival times: 1 = Poisson, above 1 = bursts"), min: "0.1", max: None, step: "0.5" },
                            Signal::derive(move || s().burstiness.to_string()),
                            Callback::new(move |text: String| { if let Some(v) = num(&text) { set(move |s| s.burstiness = v); } }))}
                </Show>
                <div class="field">
                    <span>"Arrivals"</span>
                    {move || match s().trace {
                        Some(t) => view! {
                            <span data-testid="streams-trace">{format!("trace, {} arrivals", t.arrivals.len())}</span>
                            <button class="link" on:click=move |_| set(|s| s.trace = None)>"use generated"</button>
                        }.into_any(),
                        None => view! { <span>"generated"</span> }.into_any(),
                    }}
                    <label class="button" title="CSV arrival[,size] or JSON lines with timestamp (a Mooncake trace works)">"Trace…"
                        <input type="file" class="hidden" node_ref=trace_input data-testid="streams-trace-input" aria-label="Upload an arrival trace" on:change=on_trace/>
                    </label>
                </div>
                <Show when=move || !is_dag()>
                    {num_field(NumField { label: "Mean size", aria: "Mean job size", testid: None, title: None, min: "0.01", max: None, step: "0.5" },
                            Signal::derive(move || s().mean_size.to_string()),
                            Callback::new(move |text: String| { if let Some(v) = num(&text) { set(move |s| s.mean_size = v); } }))}
                </Show>
                <Show when=move || s().mix == JobMix::Chain>
                    {num_field(NumField { label: "Operations", aria: "Operations per job", testid: None, title: None, min: "1", max: Some("50"), step: "1" },
                            Signal::derive(move || s().ops.to_string()),
                            Callback::new(move |text: String| { if let Ok(v) = text.trim().parse::<usize>() { set(move |s| s.ops = v); } }))}
                </Show>
                <Show when=move || s().mix == JobMix::Dag>
                    {num_field(NumField { label: "Tasks per job", aria: "Tasks per DAG job", testid: None, title: None, min: "1", max: Some("200"), step: "1" },
                            Signal::derive(move || s().dag_tasks.to_string()),
                            Callback::new(move |text: String| { if let Ok(v) = text.trim().parse::<usize>() { set(move |s| s.dag_tasks = v); } }))}
                </Show>
                <Show when=is_dag>
                    <label class="field"><span>"Execution σ"</span>
                        <input type="range" min="0" max="1" step="0.05" aria-label="Execution noise (slider)" prop:value=move || s().exec_noise.to_string()
                            on:change=move |ev| { if let Some(v) = num(&event_target_value(&ev)) { set(move |s| s.exec_noise = v); } }/>
                        <input type="number" min="0" step="0.05" data-testid="streams-exec-noise" aria-label="Execution noise σ" prop:value=move || s().exec_noise.to_string()
                            on:change=move |ev| { if let Some(v) = num(&event_target_value(&ev)) { set(move |s| s.exec_noise = v); } }/>
                    </label>
                </Show>
            </fieldset>
            <fieldset>
                <legend>{move || if is_dag() { "Processors" } else { "Machines" }}</legend>
                {move || (s().mix != JobMix::Ds3).then(|| view! {
                    <label class="field"><span>{if is_dag() { "Processors" } else { "Machines" }}</span>
                        <input type="number" min="1" max="64" step="1" data-testid="streams-machines" aria-label="Machines" prop:value=move || s().machines.to_string()
                            on:change=move |ev| { match event_target_value(&ev).trim().parse::<usize>() {
                                Ok(v) if (1..=64).contains(&v) => set(move |s| { s.machines = v; if !s.speeds.is_empty() { s.speeds.resize(v, 1.0); } }),
                                _ => ctx.banner.set(Some("machines must be between 1 and 64".into())),
                            } }/>
                    </label>
                })}
                {move || (s().mix == JobMix::Ds3).then(|| view! { <p class="hint">"DASH SoC: 4 A7, 4 A15, 2 MM, 4 FFT, 2 Viterbi"</p> })}
                <Show when=move || !is_dag()>
                    <label class="field" title="one speed per machine, comma-separated; empty = identical machines"><span>"Speeds"</span>
                        <input type="text" data-testid="streams-speeds" aria-label="Machine speeds" placeholder="identical"
                            prop:value=move || { s().speeds.iter().map(|v| format_time(*v)).collect::<Vec<_>>().join(",") }
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                let parsed: Result<Vec<f64>, _> = text.split(',').map(str::trim).filter(|x| !x.is_empty()).map(|x| x.parse::<f64>()).collect();
                                match parsed {
                                    Ok(v) => set(move |s| s.speeds = v),
                                    Err(_) => ctx.banner.set(Some(format!("speeds must be numbers separated by commas (got '{text}')"))),
                                }
                            }/>
                    </label>
                    {num_field(NumField { label: "Context switch", aria: "Context-switch time", testid: Some("streams-cs"), title: Some("time a job spends switching in each time it starts or resumes"), min: "0", max: None, step: "0.05" },
                            Signal::derive(move || s().context_switch.to_string()),
                            Callback::new(move |text: String| { if let Some(v) = num(&text) { set(move |s| s.context_switch = v); } }))}
                    <label class="field"><span>"Information"</span>
                        <select data-testid="streams-info" aria-label="Information model" prop:value=move || infos.iter().find(|i| i.0 == s().info).map_or("clairvoyant", |i| i.1).to_string()
                            on:change=move |ev| { let v = event_target_value(&ev); if let Some(&(info, _, _)) = infos.iter().find(|i| i.1 == v) { set(move |s| s.info = info); } }>
                            {infos.iter().map(|i| view! { <option value=i.1>{i.2}</option> }).collect_view()}
                        </select>
                    </label>
                    <Show when=move || s().info == Info::Estimated>
                        {num_field(NumField { label: "Estimate σ", aria: "Estimate noise σ", testid: None, title: None, min: "0", max: None, step: "0.1" },
                                Signal::derive(move || s().estimate_noise.to_string()),
                                Callback::new(move |text: String| { if let Some(v) = num(&text) { set(move |s| s.estimate_noise = v); } }))}
                    </Show>
                </Show>
            </fieldset>
            <fieldset>
                <legend>"Policies"</legend>
                {move || { let st = s(); st.policies.clone().into_iter().enumerate().map(|(i, id)| {
                    let ids = streams::policy_ids(st.mix);
                    let testid = if i == 0 { "streams-policy".to_string() } else { format!("streams-policy-{i}") };
                    let base = id.split(':').next().unwrap_or("").to_string();
                    view! {
                        <div class="sched-row">
                            <span class="swatch" style=format!("background:{}", palette::hex(palette::series_color(i)))></span>
                            <select data-testid=testid aria-label=format!("Policy {}", i + 1) prop:value=base
                                on:change=move |ev| { let v = event_target_value(&ev); set(move |s| s.policies[i] = v); }>
                                {ids.iter().map(|p| view! { <option value=*p>{*p}</option> }).collect_view()}
                            </select>
                            {(i > 0).then(|| view! { <button class="link" aria-label="Remove from comparison" on:click=move |_| set(move |s| { s.policies.remove(i); })>"×"</button> })}
                        </div>
                    }
                }).collect_view() }}
                <button data-testid="streams-compare-add" disabled=move || { s().policies.len() >= MAX_COMPARE }
                    on:click=move |_| set(|s| {
                        let ids = streams::policy_ids(s.mix);
                        let next = ids.iter().find(|p| !s.policies.iter().any(|x| x == *p)).unwrap_or(&ids[0]);
                        s.policies.push(next.to_string());
                    })>"+ Compare another"</button>
                <label class="field"><span>"Seed"</span>
                    <input type="number" min="0" step="1" data-testid="streams-seed" aria-label="Stream seed" prop:value=move || s().seed.to_string()
                        on:change=move |ev| { if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() { set(move |s| s.seed = v); } }/>
                    <button on:click=move |_| { let v = browser::random_seed(); set(move |s| s.seed = v); }>"New seed"</button>
                </label>
            </fieldset>
        </div>
    }
}

#[component]
fn StreamsGantt(column: usize) -> impl IntoView {
    let ctx = ctx();
    let canvas: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let tooltip = RwSignal::new(None::<(f64, f64, String)>);
    Effect::new(move |_| {
        let playhead = ctx.streams_playhead.get();
        let Some(c) = canvas.get() else { return };
        ctx.streams.with(|r| {
            let Some(r) = r else { return };
            if column >= r.columns.len() {
                return;
            }
            let t0 = browser::now_ms();
            let (w, h) = fit_canvas(&c, streams::gantt_height(r.machine_names.len()));
            let Some(backend) = CanvasBackend::with_canvas_object(c.clone()) else {
                return;
            };
            let root = backend.into_drawing_area();
            let g = streams::geometry(w, h, r);
            if let Err(e) = streams::draw_gantt(&root, &g, r, column, playhead, ctx.dark) {
                leptos::logging::warn!("streams gantt: {e}");
            }
            let _ = root.present();
            crate::canvas::record("streamsDrawMs", browser::now_ms() - t0);
        });
    });
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let text = ctx.streams.with_untracked(|r| {
            let r = r.as_ref()?;
            let col = r.columns.get(column)?;
            let g = streams::geometry(c.width(), c.height(), r);
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
        });
        tooltip.set(text.map(|t| (x, y, t)));
    };
    let name = move || {
        ctx.streams.with(|r| {
            r.as_ref()
                .and_then(|r| r.columns.get(column))
                .map(|c| c.policy.clone())
                .unwrap_or_default()
        })
    };
    let testid = if column == 0 {
        "streams-gantt".to_string()
    } else {
        format!("streams-gantt-{column}")
    };
    view! {
        <div class="gantt-wrap">
            <div class="gantt-title"><span class="swatch" style=format!("background:{}", palette::hex(palette::series_color(column)))></span>{name}</div>
            <canvas node_ref=canvas data-testid=testid class="gantt" role="img" aria-label="Gantt chart of the stream: a row per machine, a color per job"
                on:mousemove=on_move on:mouseleave=move |_| tooltip.set(None)></canvas>
            {move || tooltip.get().map(|(x, y, t)| view! {
                <div class="tooltip" style=format!("left:{}px;top:{}px", x + 14.0, y + 10.0)>{t}</div>
            })}
        </div>
    }
}

#[component]
fn StreamsTransport() -> impl IntoView {
    let ctx = ctx();
    let speed = RwSignal::new(1.0f64);
    let play = move |_| {
        if ctx.streams_playing.get_untracked() {
            ctx.streams_playing.set(false);
        } else {
            if ctx.streams_playhead.get_untracked() >= t_max(ctx) {
                ctx.streams_playhead.set(0.0);
            }
            ctx.streams_playing.set(true);
            let now = browser::now_ms();
            request_animation_frame(move || tick(ctx, speed, now));
        }
    };
    let step = move |forward: bool| {
        ctx.streams_playing.set(false);
        let p = ctx.streams_playhead.get_untracked();
        let next = ctx.streams.with_untracked(|r| {
            let times = streams::event_times(r.as_ref()?);
            if forward {
                times.into_iter().find(|&t| t > p + 1e-9)
            } else {
                times.into_iter().rev().find(|&t| t < p - 1e-9)
            }
        });
        if let Some(t) = next {
            ctx.streams_playhead.set(t);
        }
    };
    view! {
        <div class="transport" role="toolbar" aria-label="Stream playback">
            <button data-testid="streams-step-back" aria-label="Previous event" on:click=move |_| step(false)>"‹ Prev"</button>
            <button data-testid="streams-play" class="primary" aria-label=move || if ctx.streams_playing.get() { "Pause" } else { "Play" } on:click=play>
                {move || if ctx.streams_playing.get() { "Pause" } else { "▶ Play" }}
            </button>
            <button data-testid="streams-step" aria-label="Next event" on:click=move |_| step(true)>"Next ›"</button>
            <label class="field"><span>"Speed"</span>
                <select aria-label="Playback speed" prop:value=move || speed.get().to_string() on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() { speed.set(v); }
                }>
                    {[0.25, 0.5, 1.0, 2.0, 4.0, 8.0].iter().map(|v| view! { <option value=v.to_string()>{format!("{v}×")}</option> }).collect_view()}
                </select>
            </label>
            <input type="range" class="scrub" data-testid="streams-scrub" aria-label="Timeline" min="0" step="any"
                prop:max=move || t_max(ctx).to_string()
                prop:value=move || ctx.streams_playhead.get().to_string()
                on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                    ctx.streams_playing.set(false);
                    ctx.streams_playhead.set(v);
                } }/>
            <span class="time" data-testid="streams-playhead">{move || format!("t = {} / {}", format_time(ctx.streams_playhead.get()), format_time(t_max(ctx)))}</span>
        </div>
    }
}

#[component]
fn StepThrough() -> impl IntoView {
    let ctx = ctx();
    let column = RwSignal::new(0usize);
    let view_at = move || {
        let t = ctx.streams_playhead.get();
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
                Some((rule, at, rows, dag, _)) => view! {
                    <p class="rule" data-testid="step-rule">{rule}</p>
                    <p class="hint">{if dag { format!("Jobs in the system at t = {}", format_time(at)) } else { format!("Decision taken at t = {}, in force until the next event", format_time(at)) }}</p>
                    <table class="metrics step-table">
                        <thead><tr><th>"job"</th><th>"state"</th><th>"what the policy compares"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().take(40).map(|row| view! {
                                <tr class:running=row.running data-testid="step-row">
                                    <td><span class="swatch" style=format!("background:{}", palette::hex(palette::task_color(row.job)))></span>{row.label}</td>
                                    <td>{row.status}</td>
                                    <td>{row.key}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn StreamsMetrics() -> impl IntoView {
    let ctx = ctx();
    let f = |v: f64| {
        if v.abs() >= 1000.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.3}")
        }
    };
    view! {
        <table class="metrics" data-testid="streams-metrics">
            <thead><tr>
                <th>"policy"</th><th>"mean flow"</th><th>"p99 flow"</th><th>"max flow"</th><th>"mean slowdown"</th>
                <th>"mean wait"</th><th>"throughput"</th><th>"utilisation"</th><th>"mean queue"</th><th>"preemptions"</th><th title="total flow time ÷ SRPT's on one machine as fast as all together">"competitive ratio"</th>
            </tr></thead>
            <tbody>
                {move || ctx.streams.with(|r| r.as_ref().map(|r| r.columns.iter().enumerate().map(|(i, c)| {
                    let m = &c.metrics;
                    view! {
                        <tr data-testid=format!("streams-row-{i}")>
                            <td><span class="swatch" style=format!("background:{}", palette::hex(palette::series_color(i)))></span>{c.policy.clone()}</td>
                            <td data-testid=format!("mean-flow-{i}")>{f(m.mean_flow_time)}</td>
                            <td>{f(m.p99_flow_time)}</td>
                            <td>{f(m.max_flow_time)}</td>
                            <td>{f(m.mean_slowdown)}</td>
                            <td>{f(m.mean_waiting_time)}</td>
                            <td>{format!("{:.4}", m.throughput)}</td>
                            <td>{format!("{:.1} %", m.utilisation * 100.0)}</td>
                            <td>{f(m.mean_queue_length)}</td>
                            <td>{m.preemptions}</td>
                            <td>{c.competitive_ratio.map_or("—".to_string(), |x| format!("{x:.3}"))}</td>
                        </tr>
                    }
                }).collect_view()))}
            </tbody>
        </table>
    }
}

#[component]
fn StreamsCharts() -> impl IntoView {
    let ctx = ctx();
    let queue: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let hist: NodeRef<leptos::html::Canvas> = NodeRef::new();
    Effect::new(move |_| {
        let t = ctx.streams_playhead.get();
        let (Some(qc), Some(hc)) = (queue.get(), hist.get()) else {
            return;
        };
        ctx.streams.with(|r| {
            let Some(r) = r else { return };
            fit_canvas(&qc, 220);
            if let Some(b) = CanvasBackend::with_canvas_object(qc.clone()) {
                let root = b.into_drawing_area();
                let _ = streams::draw_queue(&root, r, t, ctx.dark);
                let _ = root.present();
            }
            fit_canvas(&hc, 220);
            if let Some(b) = CanvasBackend::with_canvas_object(hc.clone()) {
                let root = b.into_drawing_area();
                let names: Vec<String> = r.columns.iter().map(|c| c.policy.clone()).collect();
                let series: Vec<Vec<f64>> = (0..r.columns.len())
                    .map(|k| streams::flows_by(r, k, t))
                    .collect();
                let _ = schedlab_app::charts::histogram_with(
                    &root,
                    &names,
                    &series,
                    "flow time of the jobs completed so far",
                    "jobs",
                    ctx.dark,
                );
                let _ = root.present();
            }
        });
    });
    view! {
        <div class="charts two">
            <div>
                <h3>"Queue length"</h3>
                <canvas node_ref=queue data-testid="streams-queue" class="chart" role="img" aria-label="Jobs in the system over time"></canvas>
            </div>
            <div>
                <h3>"Flow-time histogram"</h3>
                <canvas node_ref=hist data-testid="streams-histogram" class="chart" role="img" aria-label="Histogram of flow times of completed jobs"></canvas>
            </div>
        </div>
    }
}

/// The whole lab.
#[component]
pub fn StreamsLab() -> impl IntoView {
    let ctx = ctx();
    let generation = StoredValue::new(0u64);
    let settings = Memo::new(move |_| ctx.editor.with(|e| e.state.streams.clone()));
    Effect::new(move |_| {
        let s = settings.get();
        start_run(ctx, s, generation);
    });
    on_cleanup(move || generation.set_value(generation.get_value() + 1));
    let dag_mix = Memo::new(move |_| ctx.editor.with(|e| e.state.streams.mix.is_dag()));
    let is_dag = move || dag_mix.get();
    let columns = move || {
        ctx.streams
            .with(|r| r.as_ref().map_or(0, |r| r.columns.len()))
    };
    view! {
        <main class="workspace streams-lab" data-testid="streams-lab">
            <section class="left">
                <StreamsControls/>
                <p class="hint">"Jobs arrive over time; the policy never sees the future. Red notches mark preemptions, triangles on top mark arrivals, a color per job."</p>
            </section>
            <section class="right">
                <StreamsTransport/>
                {move || ctx.streams_progress.get().map(|p| view! {
                    <div class="progress" data-testid="streams-progress" role="progressbar" aria-valuenow=format!("{:.0}", p * 100.0)>
                        <div class="bar" style=format!("width:{:.0}%", p * 100.0)></div>
                        <span>{format!("simulating… {:.0} %", p * 100.0)}</span>
                    </div>
                })}
                {move || (0..columns()).map(|i| view! { <StreamsGantt column=i/> }).collect_view()}
                <StreamsMetrics/>
                {move || is_dag().then(|| view! { <crate::train::TrainPanel/> })}
                <StepThrough/>
                <StreamsCharts/>
            </section>
        </main>
    }
}
