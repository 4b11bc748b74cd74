//! The DAG lab's files: what it adds to the header (the preset picker and Import…), its
//! Export menu, and the import of dropped or picked files.

use leptos::prelude::*;
use schedlab_app::labs::dag::{export, gantt, presets};
use schedlab_app::state::AppState;
use schedlab_core::formats::{self, Format, ImportOptions, InputFile};

use crate::browser;
use crate::components::fields::{menu_items, MenuItem};
use crate::components::FileUpload;
use crate::ctx::{Ctx, Selection};

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
    let result = match inputs.as_slice() {
        [one] => scenario_state(ctx, formats::import_auto(one, &ImportOptions::default())),
        _ => {
            let f = formats::detect(&inputs[0]).unwrap_or(Format::Ds3);
            scenario_state(ctx, formats::import(f, &inputs, &ImportOptions::default()))
        }
    };
    match result {
        Ok(s) => {
            if ctx.apply(|e| e.load(s)).is_some() {
                ctx.dag_play.set_window(None);
                ctx.selected.set(Selection::None);
                ctx.dag_play.playing.set(false);
                ctx.dag_play.playhead.set(f64::INFINITY);
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

/// An imported scenario as the state to open: the schedulers and noise on screen kept.
fn scenario_state(
    ctx: Ctx,
    imported: Result<schedlab_core::Scenario, schedlab_core::Error>,
) -> Result<AppState, String> {
    let old = ctx.state();
    let mut s = AppState::new(imported.map_err(|e| e.to_string())?);
    s.schedulers = old.schedulers;
    s.noise = old.noise;
    Ok(s)
}

/// The header's preset picker and Import… button.
pub fn tools() -> AnyView {
    let ctx = expect_context::<Ctx>();
    view! {
        <label class="field">
            <span>"Preset"</span>
            <select data-testid="preset-select" aria-label="Preset scenario"
                on:change=move |ev| ctx.load_preset(&event_target_value(&ev))
                prop:value=move || ctx.editor.with(|e| e.state.view.preset.clone().unwrap_or_default())>
                <option value="" disabled=true>"(edited)"</option>
                {presets::ALL.iter().map(|p| view! { <option value=p.id>{p.id}</option> }).collect_view()}
            </select>
        </label>
        <FileUpload label="Import…" title="schedlab JSON, saga, WfFormat, STG, DOT, DS3 (job + SoC)"
            aria="Import files" multiple=true on_files=Callback::new(move |f| import_files(ctx, f))/>
    }
    .into_any()
}

fn export_json(ctx: Ctx) {
    let s = ctx.state().scenario;
    let name = if s.name.is_empty() {
        "scenario"
    } else {
        &s.name
    };
    browser::download(&format!("{name}.json"), "application/json", &s.to_json());
}

fn export_csv(ctx: Ctx) {
    if let Some(Ok(ev)) = ctx.eval.get_untracked() {
        browser::download("metrics.csv", "text/csv", &export::metrics_csv(&ev));
    }
}

fn export_svg(ctx: Ctx) {
    let Some(Ok(ev)) = ctx.eval.get_untracked() else {
        return;
    };
    let c = &ev.columns[0];
    let style = gantt::Style {
        dark: false,
        show_plan: ctx.editor.with_untracked(|e| e.state.noise.is_noisy()),
        show_transfers: true,
    };
    let tm = ctx.t_max();
    let height = (60 + 36 * ev.problem.n_procs()) as u32;
    let svg = gantt::to_svg(&ev.problem, &c.run, tm, 1200, height, style);
    browser::download(&format!("gantt-{}.svg", c.scheduler), "image/svg+xml", &svg);
}

/// The Export menu's items.
pub fn menu() -> AnyView {
    static ITEMS: [MenuItem; 4] = [
        MenuItem {
            label: "Scenario (JSON)",
            testid: "",
            run: export_json,
        },
        MenuItem {
            label: "Gantt (SVG)",
            testid: "",
            run: export_svg,
        },
        MenuItem {
            label: "Gantt (PNG)",
            testid: "",
            run: |_| browser::download_canvas_png("gantt", "gantt.png"),
        },
        MenuItem {
            label: "Metrics (CSV)",
            testid: "",
            run: export_csv,
        },
    ];
    menu_items(&ITEMS)
}
