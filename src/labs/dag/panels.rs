//! Header, controls, inspector, platform editor, metrics table and presets gallery.

use leptos::prelude::*;
use schedlab_app::state::{AppState, Lab, MAX_COMPARE, MAX_SAMPLES};
use schedlab_app::{export, gantt, link, presets};
use schedlab_core::formats::{self, Format, ImportOptions, InputFile};
use schedlab_core::scenario::{LinkBandwidth, ProcKind};

/// The per-pair bandwidth matrix is shown up to this many processors.
const MAX_LINK_MATRIX: usize = 16;
use schedlab_core::sched::REGISTRY;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::ctx::{Ctx, Selection};

fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// Parses a number field; empty or invalid gives None.
fn num(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn fmt(v: f64) -> String {
    if v.is_finite() && v == v.round() && v.abs() < 1e12 {
        format!("{v:.0}")
    } else if v.is_finite() {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        "∞".into()
    }
}

/// Imports dropped or picked files through the engine's importers (format detected; a
/// DS3 job + SoC pair or a saga task-graph + network pair may come together).
pub fn import_files(ctx: Ctx, files: Vec<(String, String)>) {
    if files.is_empty() {
        return;
    }
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(n, t)| InputFile { name: n, text: t })
        .collect();
    let result = if inputs.len() == 1 {
        formats::import_auto(&inputs[0], &ImportOptions::default())
    } else {
        let f = formats::detect(&inputs[0]).unwrap_or(Format::Ds3);
        formats::import(f, &inputs, &ImportOptions::default())
    };
    match result {
        Ok(scenario) => {
            let old = ctx.state();
            let mut s = AppState::new(scenario);
            s.schedulers = old.schedulers;
            s.noise = old.noise;
            if ctx.apply(|e| e.load(s)).is_some() {
                ctx.selected.set(Selection::None);
                ctx.playing.set(false);
                ctx.playhead.set(f64::INFINITY);
                ctx.notice.set(Some(format!(
                    "Imported {}",
                    files
                        .iter()
                        .map(|f| f.0.as_str())
                        .collect::<Vec<_>>()
                        .join(" + ")
                )));
            }
        }
        Err(e) => ctx
            .banner
            .set(Some(format!("Could not import {}: {e}", files[0].0))),
    }
}

/// Downloads the canvas with this test id as a PNG.
fn export_canvas_png(testid: &str, file: &str) {
    let canvas = browser::window().document().and_then(|d| {
        d.query_selector(&format!("[data-testid={testid}]"))
            .ok()
            .flatten()
    });
    if let Some(c) = canvas.and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok()) {
        if let Ok(url) = c.to_data_url_with_type("image/png") {
            browser::download_url(file, &url);
        }
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let ctx = ctx();
    let file_input: NodeRef<leptos::html::Input> = NodeRef::new();
    let on_files = move |_| {
        let Some(input) = file_input.get() else {
            return;
        };
        let Some(files) = input.files() else { return };
        leptos::task::spawn_local(async move {
            let read = browser::read_files(files).await;
            // Only now: clearing the input empties the FileList being read.
            input.set_value("");
            match read {
                Ok(f) => import_files(ctx, f),
                Err(e) => ctx.banner.set(Some(e)),
            }
        });
    };
    let share = move |_| {
        let frag = link::encode(&ctx.state());
        browser::set_fragment(&frag);
        let url = browser::href();
        browser::copy_to_clipboard(&url);
        ctx.notice
            .set(Some("Link copied: it reproduces exactly this view.".into()));
        if let Some(el) = browser::window()
            .document()
            .and_then(|d| d.get_element_by_id("share-url"))
        {
            if let Ok(i) = el.dyn_into::<web_sys::HtmlInputElement>() {
                i.set_value(&url);
            }
        }
    };
    let export_json = move |_| {
        let s = ctx.state().scenario;
        browser::download(
            &format!(
                "{}.json",
                if s.name.is_empty() {
                    "scenario"
                } else {
                    &s.name
                }
            ),
            "application/json",
            &s.to_json(),
        );
    };
    let export_csv = move |_| {
        if let Some(Ok(ev)) = ctx.eval.get_untracked() {
            browser::download("metrics.csv", "text/csv", &export::metrics_csv(&ev));
        }
    };
    let export_svg = move |_| {
        if let Some(Ok(ev)) = ctx.eval.get_untracked() {
            let c = &ev.columns[0];
            let style = gantt::Style {
                dark: false,
                show_plan: ctx.editor.with_untracked(|e| e.state.noise.is_noisy()),
                show_transfers: true,
            };
            let tm = ctx.t_max();
            match gantt::to_svg(
                &ev.problem,
                &c.run,
                tm,
                tm,
                1200,
                (60 + 36 * ev.problem.n_procs()) as u32,
                style,
            ) {
                Ok(svg) => {
                    browser::download(&format!("gantt-{}.svg", c.scheduler), "image/svg+xml", &svg)
                }
                Err(e) => ctx.banner.set(Some(format!("SVG export failed: {e}"))),
            }
        }
    };
    let export_png = move |_| export_canvas_png("gantt", "gantt.png");
    let lab = Memo::new(move |_| ctx.editor.with(|e| e.state.view.lab));
    let streams = move || lab.get() != Lab::Dag;
    let set_lab = move |l: Lab| {
        ctx.playing.set(false);
        ctx.streams_playing.set(false);
        ctx.serving_playing.set(false);
        ctx.apply(|e| {
            e.edit(|s| {
                s.view.lab = l;
                Ok(())
            })
        });
    };
    view! {
        <header class="top">
            <h1>"schedlab"</h1>
            <nav class="labs" role="tablist" aria-label="Labs">
                <button role="tab" data-testid="lab-dag" class:active=move || !streams() aria-selected=move || (!streams()).to_string() on:click=move |_| set_lab(Lab::Dag)>"DAG lab"</button>
                <button role="tab" data-testid="lab-streams" class:active=move || lab.get() == Lab::Streams aria-selected=move || (lab.get() == Lab::Streams).to_string() on:click=move |_| set_lab(Lab::Streams)>"Streams lab"</button>
                <button role="tab" data-testid="lab-serving" class:active=move || lab.get() == Lab::Serving aria-selected=move || (lab.get() == Lab::Serving).to_string() on:click=move |_| set_lab(Lab::Serving)>"Serving lab"</button>
            </nav>
            <Show when=move || !streams()>
            <label class="field">
                <span>"Preset"</span>
                <select data-testid="preset-select" aria-label="Preset scenario"
                    on:change=move |ev| ctx.load_preset(&event_target_value(&ev))
                    prop:value=move || ctx.editor.with(|e| e.state.view.preset.clone().unwrap_or_default())>
                    <option value="" disabled=true>"(edited)"</option>
                    {presets::ALL.iter().map(|p| view! { <option value=p.id>{p.id}</option> }).collect_view()}
                </select>
            </label>
            </Show>
            <div class="actions">
                <button on:click=move |_| { ctx.editor.update(|e| { e.undo(); }); } disabled=move || !ctx.editor.with(|e| e.can_undo()) title="Undo (Ctrl+Z)" aria-label="Undo">"↶"</button>
                <button on:click=move |_| { ctx.editor.update(|e| { e.redo(); }); } disabled=move || !ctx.editor.with(|e| e.can_redo()) title="Redo (Ctrl+Shift+Z)" aria-label="Redo">"↷"</button>
                <label class="button" title="schedlab JSON, saga, WfFormat, STG, DOT, DS3 (job + SoC)" class:hidden=streams>
                    "Import…"
                    <input type="file" multiple=true node_ref=file_input class="hidden" aria-label="Import files" on:change=on_files/>
                </label>
                <details class="menu">
                    <summary>"Export"</summary>
                    <Show when=move || !streams() fallback=move || if lab.get() == Lab::Serving { view! {
                        <div class="menu-items">
                            <button data-testid="serving-export-csv" on:click=move |_| crate::serving::export_metrics(ctx)>"Metrics (CSV)"</button>
                            <button on:click=move |_| export_canvas_png("serving-gantt", "serving-gantt.png")>"Gantt (PNG)"</button>
                        </div>
                    }.into_any() } else { view! {
                        <div class="menu-items">
                            <button data-testid="streams-export-csv" on:click=move |_| crate::streams_run::export_metrics(ctx)>"Metrics (CSV)"</button>
                            <button on:click=move |_| crate::streams_run::export_jobs(ctx)>"Jobs (JSON)"</button>
                            <button on:click=move |_| export_canvas_png("streams-gantt", "stream-gantt.png")>"Gantt (PNG)"</button>
                        </div>
                    }.into_any() }>
                    <div class="menu-items">
                        <button on:click=export_json>"Scenario (JSON)"</button>
                        <button on:click=export_svg>"Gantt (SVG)"</button>
                        <button on:click=export_png>"Gantt (PNG)"</button>
                        <button on:click=export_csv>"Metrics (CSV)"</button>
                    </div>
                    </Show>
                </details>
                <button class="primary" data-testid="share-link" on:click=share>"Copy link"</button>
                <input id="share-url" data-testid="share-url" class="share-url" readonly=true aria-label="Share link" placeholder="link appears here"/>
            </div>
        </header>
    }
}

#[component]
pub fn PresetGallery() -> impl IntoView {
    let ctx = ctx();
    view! {
        <section class="gallery" aria-label="Presets">
            <h2>"Presets"</h2>
            <div class="cards">
                {presets::ALL.iter().map(|p| {
                    let id = p.id;
                    view! {
                        <button class="card" data-testid=format!("preset-card-{id}") on:click=move |_| ctx.load_preset(id)>
                            <strong>{id}</strong>
                            <span>{p.description()}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}

#[component]
pub fn Controls() -> impl IntoView {
    let ctx = ctx();
    // Memos: a DAG edit changes neither, so the controls do not re-render on one.
    let schedulers_memo = Memo::new(move |_| ctx.editor.with(|e| e.state.schedulers.clone()));
    let noise_memo = Memo::new(move |_| ctx.editor.with(|e| e.state.noise.clone()));
    let schedulers = move || schedulers_memo.get();
    let noise = move || noise_memo.get();
    let set_noise = move |f: Box<dyn FnOnce(&mut schedlab_app::state::NoiseSettings)>| {
        ctx.apply(|e| e.set_noise(f));
    };
    let comm_saga = move || {
        ctx.editor.with(|e| {
            e.state
                .options
                .get("comm_average")
                .is_some_and(|v| v == "saga")
        })
    };
    view! {
        <div class="controls">
            <fieldset>
                <legend>"Schedulers"</legend>
                {move || schedulers().into_iter().enumerate().map(|(i, id)| {
                    let testid = if i == 0 { "scheduler-select".to_string() } else { format!("scheduler-select-{i}") };
                    view! {
                        <div class="sched-row">
                            <span class="swatch" style=format!("background:{}", schedlab_app::palette::hex(schedlab_app::palette::series_color(i)))></span>
                            <select data-testid=testid aria-label=format!("Scheduler {}", i + 1)
                                on:change=move |ev| { ctx.apply(|e| e.set_scheduler(i, &event_target_value(&ev))); }
                                prop:value=id.clone()>
                                {REGISTRY.iter().map(|s| view! { <option value=s.id title=s.summary>{format!("{} — {}", s.name, s.summary)}</option> }).collect_view()}
                            </select>
                            {(i > 0).then(|| view! { <button class="link" aria-label="Remove from comparison" on:click=move |_| { ctx.apply(|e| e.remove_compare(i)); }>"×"</button> })}
                        </div>
                    }
                }).collect_view()}
                <button data-testid="compare-add" disabled=move || { schedulers().len() >= MAX_COMPARE } on:click=move |_| { ctx.apply(|e| e.add_compare()); }>"+ Compare another"</button>
                <label class="check" title="Average communication over all processor pairs including each with itself (saga 2.x), instead of pairs p≠q (the paper)">
                    <input type="checkbox" prop:checked=comm_saga on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ctx.apply(|e| e.set_option("comm_average", on.then_some("saga")));
                    }/>
                    " saga's communication averaging"
                </label>
            </fieldset>
            <fieldset>
                <legend>"Noise"</legend>
                <label class="field">
                    <span>"Execution σ"</span>
                    <input type="range" min="0" max="1" step="0.01" aria-label="Execution time noise σ (slider)"
                        prop:value=move || noise().exec_sigma.to_string()
                        on:input=move |ev| { if let Some(v) = num(&event_target_value(&ev)) { set_noise(Box::new(move |n| n.exec_sigma = v)); } }/>
                    <input type="number" min="0" step="0.05" data-testid="noise-sigma" aria-label="Execution time noise σ"
                        prop:value=move || noise().exec_sigma.to_string()
                        on:change=move |ev| { match num(&event_target_value(&ev)) {
                            Some(v) => set_noise(Box::new(move |n| n.exec_sigma = v)),
                            None => ctx.banner.set(Some("σ must be a number".into())),
                        } }/>
                </label>
                <label class="field">
                    <span>"Communication σ"</span>
                    <input type="number" min="0" step="0.05" aria-label="Communication noise σ" prop:value=move || noise().comm_sigma.to_string()
                        on:change=move |ev| { if let Some(v) = num(&event_target_value(&ev)) { set_noise(Box::new(move |n| n.comm_sigma = v)); } }/>
                </label>
                <label class="field">
                    <span>"Stragglers"</span>
                    <input type="number" min="0" max="1" step="0.05" aria-label="Straggler probability per processor" title="probability per processor" prop:value=move || noise().straggler_prob.to_string()
                        on:change=move |ev| { if let Some(v) = num(&event_target_value(&ev)) { set_noise(Box::new(move |n| n.straggler_prob = v)); } }/>
                    <span>"×"</span>
                    <input type="number" min="1" step="0.5" aria-label="Straggler slowdown factor" title="slowdown factor" prop:value=move || noise().straggler_factor.to_string()
                        on:change=move |ev| { if let Some(v) = num(&event_target_value(&ev)) { set_noise(Box::new(move |n| n.straggler_factor = v)); } }/>
                </label>
                <label class="field">
                    <span>"Seed"</span>
                    <input type="number" min="0" step="1" data-testid="seed" aria-label="Random seed" prop:value=move || noise().seed.to_string()
                        on:change=move |ev| { if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() { set_noise(Box::new(move |n| n.seed = v)); } }/>
                    <button data-testid="new-seed" on:click=move |_| { let s = browser::random_seed(); set_noise(Box::new(move |n| n.seed = s)); }>"New seed"</button>
                </label>
                <label class="field">
                    <span>"Samples"</span>
                    <input type="number" min="1" max=MAX_SAMPLES.to_string() step="1" aria-label="Noise samples" prop:value=move || noise().samples.to_string()
                        on:change=move |ev| { match event_target_value(&ev).trim().parse::<usize>() {
                            Ok(v) if (1..=MAX_SAMPLES).contains(&v) => set_noise(Box::new(move |n| n.samples = v)),
                            _ => ctx.banner.set(Some(format!("samples must be between 1 and {MAX_SAMPLES}"))),
                        } }/>
                </label>
            </fieldset>
        </div>
    }
}

#[component]
pub fn Inspector() -> impl IntoView {
    let ctx = ctx();
    move || {
        let state = ctx.editor.with(|e| e.state.clone());
        match ctx.selected.get() {
            Selection::Task(i) if i < state.scenario.tasks.len() => {
                let t = state.scenario.tasks[i].clone();
                let speeds: Vec<f64> = state.scenario.processors.iter().map(|p| p.speed).collect();
                let row: Vec<Option<f64>> = match (&t.cost, &t.costs) {
                    (_, Some(r)) => r.clone(),
                    (Some(c), None) => speeds.iter().map(|s| Some(c / s)).collect(),
                    _ => vec![None; speeds.len()],
                };
                let speed_model = t.cost.is_some();
                view! {
                    <div class="inspector" data-testid="inspector">
                        <h3>"Task"</h3>
                        <label class="field"><span>"Name"</span>
                            <input data-testid="task-name" prop:value=t.name.clone() on:change=move |ev| { ctx.apply(|e| e.rename_task(i, &event_target_value(&ev))); }/>
                        </label>
                        {speed_model.then(|| view! {
                            <label class="field"><span>"Cost (÷ speed)"</span>
                                <input type="number" min="0" step="any" prop:value=fmt(t.cost.unwrap_or(0.0))
                                    on:change=move |ev| { match num(&event_target_value(&ev)) {
                                        Some(v) => { ctx.apply(|e| e.set_task_speed_cost(i, v)); }
                                        None => ctx.banner.set(Some("a cost must be a number".into())),
                                    } }/>
                            </label>
                        })}
                        <table class="costs">
                            <thead><tr><th>"processor"</th><th>"time (empty = cannot run)"</th></tr></thead>
                            <tbody>
                            {state.scenario.processors.iter().enumerate().map(|(p, proc)| {
                                let v = row.get(p).copied().flatten();
                                view! { <tr><td>{proc.name.clone()}</td><td>
                                    <input type="number" min="0" step="any" data-testid=format!("cost-{p}") aria-label=format!("time on {}", proc.name)
                                        prop:value=v.map(fmt).unwrap_or_default()
                                        on:change=move |ev| {
                                            let text = event_target_value(&ev);
                                            if text.trim().is_empty() { ctx.apply(|e| e.set_task_cost(i, p, None)); }
                                            else if let Some(c) = num(&text) { ctx.apply(|e| e.set_task_cost(i, p, Some(c))); }
                                            else { ctx.banner.set(Some("a cost must be a number".into())); }
                                        }/>
                                </td></tr> }
                            }).collect_view()}
                            </tbody>
                        </table>
                        <button class="danger" on:click=move |_| { if ctx.apply(|e| e.remove_task(i)).is_some() { ctx.selected.set(Selection::None); } }>"Delete task"</button>
                    </div>
                }
                .into_any()
            }
            Selection::Edge(i) if i < state.scenario.edges.len() => {
                let e = state.scenario.edges[i].clone();
                view! {
                    <div class="inspector" data-testid="inspector">
                        <h3>"Dependency " {e.from.clone()} " → " {e.to.clone()}</h3>
                        <label class="field"><span>"Data volume"</span>
                            <input type="number" min="0" step="any" data-testid="edge-data" prop:value=fmt(e.data)
                                on:change=move |ev| { match num(&event_target_value(&ev)) {
                                    Some(v) => { ctx.apply(|ed| ed.set_edge_data(i, v)); }
                                    None => ctx.banner.set(Some("a data volume must be a number".into())),
                                } }/>
                        </label>
                        <button class="danger" on:click=move |_| { if ctx.apply(|ed| ed.remove_edge(i)).is_some() { ctx.selected.set(Selection::None); } }>"Delete dependency"</button>
                    </div>
                }
                .into_any()
            }
            _ => view! {
                <div class="inspector hint">
                    "Double-click empty space to add a task · drag from a task's ● handle to another task to connect · click to select, Delete to remove · drag to move · wheel to zoom, drag the background to pan · Ctrl+Z / Ctrl+Shift+Z"
                </div>
            }
            .into_any(),
        }
    }
}

#[component]
pub fn PlatformEditor() -> impl IntoView {
    let ctx = ctx();
    move || {
        let s = ctx.editor.with(|e| e.state.scenario.clone());
        let bw = s.network.bandwidth;
        let lat = s.network.latency;
        view! {
            <div class="platform" data-testid="platform-editor">
                <table>
                    <thead><tr><th>"name"</th><th>"kind"</th><th>"speed"</th><th></th></tr></thead>
                    <tbody>
                    {s.processors.iter().enumerate().map(|(p, proc)| {
                        let (name, kind, speed) = (proc.name.clone(), proc.kind, proc.speed);
                        let (n2, n3) = (name.clone(), name.clone());
                        view! { <tr>
                            <td><input aria-label="processor name" prop:value=name.clone() on:change=move |ev| { ctx.apply(|e| e.set_processor(p, &event_target_value(&ev), kind, speed)); }/></td>
                            <td><select aria-label="processor kind" prop:value=kind.as_str() on:change=move |ev| {
                                let k = ProcKind::parse(&event_target_value(&ev)).unwrap_or_default();
                                ctx.apply(|e| e.set_processor(p, &n2, k, speed));
                            }>
                                {ProcKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> }).collect_view()}
                            </select></td>
                            <td><input type="number" min="0" step="any" aria-label="processor speed" prop:value=fmt(speed) on:change=move |ev| { match num(&event_target_value(&ev)) {
                                Some(v) => { ctx.apply(|e| e.set_processor(p, &n3, kind, v)); }
                                None => ctx.banner.set(Some("a speed must be a number".into())),
                            } }/></td>
                            <td><button class="link" aria-label="Remove processor" on:click=move |_| { ctx.apply(|e| e.remove_processor(p)); }>"remove"</button></td>
                        </tr> }
                    }).collect_view()}
                    </tbody>
                </table>
                <div class="row">
                    <select aria-label="kind of the new processor" id="new-proc-kind">
                        {ProcKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> }).collect_view()}
                    </select>
                    <button data-testid="add-processor" on:click=move |_| {
                        let kind = browser::window().document().and_then(|d| d.get_element_by_id("new-proc-kind"))
                            .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
                            .and_then(|s| ProcKind::parse(&s.value())).unwrap_or_default();
                        ctx.apply(|e| e.add_processor(kind));
                    }>"Add processor"</button>
                </div>
                <h3>"Network"</h3>
                <label class="field"><span>"Bandwidth (empty = infinite)"</span>
                    <input type="number" min="0" step="any" aria-label="bandwidth" prop:value=bw.map(fmt).unwrap_or_default() on:change=move |ev| {
                        let t = event_target_value(&ev);
                        let b = if t.trim().is_empty() { None } else { num(&t) };
                        if !t.trim().is_empty() && b.is_none() { ctx.banner.set(Some("bandwidth must be a number".into())); return; }
                        ctx.apply(|e| e.set_network(b, lat));
                    }/>
                </label>
                <label class="field"><span>"Latency"</span>
                    <input type="number" min="0" step="any" aria-label="latency" prop:value=fmt(lat) on:change=move |ev| { match num(&event_target_value(&ev)) {
                        Some(v) => { ctx.apply(|e| e.set_network(bw, v)); }
                        None => ctx.banner.set(Some("latency must be a number".into())),
                    } }/>
                </label>
                {(s.processors.len() <= MAX_LINK_MATRIX).then(|| {
                    let names: Vec<String> = s.processors.iter().map(|p| p.name.clone()).collect();
                    let link_of = |a: usize, b: usize| s.network.links.iter().find(|l| (l.a == names[a] && l.b == names[b]) || (l.a == names[b] && l.b == names[a])).map(|l| l.bandwidth);
                    view! {
                        <h3>"Bandwidth per pair"</h3>
                        <p class="hint">"Empty = the default above; inf = infinite (free transfers)."</p>
                        <table class="links" data-testid="link-matrix">
                            <thead><tr><th></th>{names.iter().map(|n| view! { <th>{n.clone()}</th> }).collect_view()}</tr></thead>
                            <tbody>
                            {(0..names.len()).map(|a| view! {
                                <tr><th>{names[a].clone()}</th>
                                {(0..names.len()).map(|b| {
                                    if b <= a {
                                        view! { <td class="diag">{if a == b { "—" } else { "" }}</td> }.into_any()
                                    } else {
                                        let shown = match link_of(a, b) {
                                            Some(LinkBandwidth::Value(v)) => fmt(v),
                                            Some(LinkBandwidth::Infinite) => "inf".into(),
                                            _ => String::new(),
                                        };
                                        view! { <td><input class="link-bw" aria-label=format!("bandwidth {} to {}", names[a], names[b]) prop:value=shown
                                            on:change=move |ev| {
                                                let t = event_target_value(&ev);
                                                let bw = match t.trim() {
                                                    "" => Some(LinkBandwidth::Inherit),
                                                    "inf" | "∞" => Some(LinkBandwidth::Infinite),
                                                    v => num(v).map(LinkBandwidth::Value),
                                                };
                                                match bw {
                                                    Some(bw) => { ctx.apply(|e| e.set_link(a, b, bw)); }
                                                    None => ctx.banner.set(Some("a bandwidth must be a number, inf or empty".into())),
                                                }
                                            }/></td> }.into_any()
                                    }
                                }).collect_view()}
                                </tr>
                            }).collect_view()}
                            </tbody>
                        </table>
                    }
                })}
                {(s.processors.len() > MAX_LINK_MATRIX && !s.network.links.is_empty()).then(|| view! { <p class="hint">{format!("{} per-pair link overrides from the file are kept.", s.network.links.len())}</p> })}
            </div>
        }
    }
}

#[component]
pub fn MetricsPanel() -> impl IntoView {
    let ctx = ctx();
    move || {
        match ctx.eval.get() {
        None => view! { <div class="metrics">"computing…"</div> }.into_any(),
        Some(Err(e)) => view! { <div class="metrics error" role="alert">"Cannot schedule this scenario: " {e}</div> }.into_any(),
        Some(Ok(ev)) => {
            let noisy = ctx.editor.with(|e| e.state.noise.is_noisy());
            let rows = [
                ("makespan", "makespan"),
                ("planned makespan", "planned_makespan"),
                ("actual ÷ planned", "makespan_ratio"),
                ("SLR", "slr"),
                ("speedup", "speedup"),
                ("efficiency", "efficiency"),
                ("mean utilisation", "mean_utilisation"),
                ("communication time", "total_comm_time"),
            ];
            let first = ev.columns[0].run.metrics.makespan;
            view! {
                <div class="metrics">
                    <p class="headline">"Makespan: " <strong data-testid="makespan">{fmt_full(first)}</strong></p>
                    <table>
                        <thead><tr><th>"metric"</th>
                            {ev.columns.iter().map(|c| view! { <th>{c.scheduler.clone()}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                        {rows.iter().map(|(label, key)| view! {
                            <tr><td>{*label}</td>
                            {ev.columns.iter().map(|c| {
                                let shown = c.run.metrics.scalars().iter().find(|(k, _)| k == key).map(|x| x.1).unwrap_or(f64::NAN);
                                let s = c.stats[key];
                                let text = if noisy && c.sample_makespans.len() > 1 { format!("{} (mean {} ± {})", fmt(shown), fmt(s.mean), fmt(s.std)) } else { fmt(shown) };
                                view! { <td>{text}</td> }
                            }).collect_view()}
                            </tr>
                        }).collect_view()}
                        <tr><td>"utilisation per processor"</td>
                            {ev.columns.iter().map(|c| view! { <td class="small">{
                                ev.problem.proc_names.iter().zip(&c.run.metrics.utilisation).map(|(n, u)| format!("{n} {:.0}%", u * 100.0)).collect::<Vec<_>>().join(" · ")
                            }</td> }).collect_view()}
                        </tr>
                        <tr><td>"idle time per processor"</td>
                            {ev.columns.iter().map(|c| view! { <td class="small">{
                                ev.problem.proc_names.iter().zip(&c.run.metrics.idle_time).map(|(n, u)| format!("{n} {}", fmt(*u))).collect::<Vec<_>>().join(" · ")
                            }</td> }).collect_view()}
                        </tr>
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    }
    }
}

/// Full precision for the makespan element (tests compare it across pages).
fn fmt_full(v: f64) -> String {
    if v == v.round() && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}
