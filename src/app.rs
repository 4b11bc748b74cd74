//! The playground page: wires signals to `schedlab-app`'s model and the engine.

use std::time::Duration;

use leptos::prelude::*;
use schedlab_app::editor::Editor;
use schedlab_app::labs::dag::presets;
use schedlab_app::state::{AppState, Lab};

use crate::browser;
use crate::components::run_latest;
use crate::ctx::{Ctx, DagGeneration, Play, Selection};
use crate::header::Header;
use crate::labs;

/// The state to start from: the link if it decodes (else a banner and the autosave), the
/// autosave, or the Topcuoglu example.
pub async fn initial_state() -> (AppState, Option<String>) {
    let mut banner = None;
    let state = initial_state_into(&mut banner).await;
    (state, banner)
}

async fn initial_state_into(banner: &mut Option<String>) -> AppState {
    let frag = browser::fragment();
    if !frag.is_empty() {
        match browser::decode_link(&frag).await {
            Ok(s) => return s,
            Err(e) => {
                *banner = Some(format!(
                    "Could not open this link: {e}. Showing your last saved work instead."
                ))
            }
        }
    }
    if let Some(saved) = browser::load_autosave() {
        if let Ok(s) = browser::decode_link(&saved).await {
            return s;
        }
    }
    let mut s = AppState::new(presets::ALL[0].scenario());
    s.view.preset = Some(presets::ALL[0].id.to_string());
    s
}

/// The page, from the state [`initial_state`] found (decoding a link is asynchronous: the
/// browser inflates it).
#[component]
pub fn App(state: AppState, first_banner: Option<String>) -> impl IntoView {
    let had_banner = first_banner.is_some();
    let editor = RwSignal::new(Editor::new(state.clone()));
    // What the DAG lab's evaluation depends on: the Streams lab's settings and the view do
    // not trigger it.
    let dag_inputs = Memo::new(move |_| {
        editor.with(|e| {
            let s = &e.state;
            (
                s.scenario.clone(),
                s.schedulers.clone(),
                s.options.clone(),
                s.noise.clone(),
                s.view.lab,
            )
        })
    });
    let ctx = Ctx {
        editor,
        dag_inputs,
        eval: RwSignal::new(None),
        robustness: RwSignal::new(None),
        banner: RwSignal::new(first_banner.clone()),
        notice: RwSignal::new(None),
        // 0 = not set: show the whole schedule (clamped to the makespan once evaluated).
        dag_play: Play::new(
            0,
            1.0,
            if state.view.playhead > 0.0 {
                state.view.playhead
            } else {
                f64::INFINITY
            },
            state.view.speed,
        ),
        selected: RwSignal::new(Selection::None),
        dark: RwSignal::new(browser::prefers_dark()),
        present: RwSignal::new(false),
        streams: RwSignal::new(None),
        streams_play: Play::new(1, 1.0, 0.0, 1.0),
        streams_step: RwSignal::new(0),
        streams_progress: RwSignal::new(None),
        serving: RwSignal::new(None),
        // At infinity: not placed yet, so the first run shows its end.
        serving_play: Play::new(2, 1000.0, f64::INFINITY, 1.0),
        serving_progress: RwSignal::new(None),
        dag_progress: RwSignal::new(None),
        worker_died: RwSignal::new(None),
        rerun: RwSignal::new(0),
        tour: RwSignal::new(usize::MAX),
    };
    provide_context(ctx);
    crate::worker::set_on_died(move |why| ctx.worker_died.set(Some(why.to_string())));
    browser::on_scheme_change(move |dark| ctx.dark.set(dark));

    // Recompute on every edit, debounced to the next task: edits in one burst cost one
    // evaluation, and the page never waits on a stale one.
    let generation = StoredValue::new(0u64);
    let save_generation = StoredValue::new(0u64);
    // Keep the URL and the autosave in step, after the redraw and once per burst of edits
    // (not while a broken link is on screen: the user may want to look at it).
    Effect::new(move |_| {
        let to_save = ctx.editor.with(|e| e.state.clone());
        browser::set_link_fresh(false);
        run_latest(save_generation, Duration::from_millis(120), move || {
            // This save's generation (the latest, or it would not run).
            let g = save_generation.get_value();
            leptos::task::spawn_local(async move {
                let frag = browser::link_of(&to_save).await;
                // A newer edit's save is under way: it writes the link, not this one.
                if save_generation.get_value() != g {
                    return;
                }
                if !had_banner || ctx.banner.get_untracked().is_none() {
                    browser::set_fragment(&frag);
                    browser::set_link_fresh(true);
                }
                browser::save_autosave(&frag);
            });
        });
    });
    Effect::new(move |_| {
        let (_, _, _, _, lab) = ctx.dag_inputs.get();
        if lab != Lab::Dag {
            return;
        }
        let state = ctx.editor.with_untracked(|e| e.state.clone());
        run_latest(generation, Duration::from_millis(0), move || {
            labs::dag::run::evaluate(ctx, state, generation)
        });
    });
    provide_context(DagGeneration(generation));

    // Keyboard: undo/redo, Delete, space to play, C on one task then C on another to
    // connect them (the source waits in `connect_from`; Escape forgets it).
    let connect_from = StoredValue::new(None::<String>);
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let target_is_field = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if target_is_field {
            return;
        }
        let ctrl = ev.ctrl_key() || ev.meta_key();
        match ev.key().as_str() {
            "z" | "Z" if ctrl && ev.shift_key() => {
                ev.prevent_default();
                ctx.editor.update(|e| {
                    e.redo();
                });
            }
            "z" if ctrl => {
                ev.prevent_default();
                ctx.editor.update(|e| {
                    e.undo();
                });
            }
            "y" if ctrl => {
                ev.prevent_default();
                ctx.editor.update(|e| {
                    e.redo();
                });
            }
            "Delete" | "Backspace" => match ctx.selected.get_untracked() {
                Selection::Task(i) => {
                    ev.prevent_default();
                    if ctx.apply(|e| e.remove_task(i)).is_some() {
                        ctx.selected.set(Selection::None);
                    }
                }
                Selection::Edge(i) => {
                    ev.prevent_default();
                    if ctx.apply(|e| e.remove_edge(i)).is_some() {
                        ctx.selected.set(Selection::None);
                    }
                }
                Selection::None => {}
            },
            "c" | "C" if !ctrl && ctx.editor.with_untracked(|e| e.state.view.lab == Lab::Dag) => {
                let Selection::Task(i) = ctx.selected.get_untracked() else {
                    return;
                };
                ev.prevent_default();
                // The source by name: an edit between the two presses cannot shift it.
                let name = ctx
                    .editor
                    .with_untracked(|e| e.state.scenario.tasks.get(i).map(|t| t.name.clone()));
                match connect_from.get_value() {
                    None => {
                        connect_from.set_value(name);
                        ctx.notice.set(Some(
                            "Connecting: select the task it feeds and press C (Escape cancels)"
                                .into(),
                        ));
                    }
                    Some(from) => {
                        connect_from.set_value(None);
                        ctx.notice.set(None);
                        let from = ctx.editor.with_untracked(|e| {
                            e.state.scenario.tasks.iter().position(|t| t.name == from)
                        });
                        if let Some(from) = from {
                            ctx.apply(|e| e.add_edge(from, i));
                        }
                    }
                }
            }
            "Escape" => {
                if connect_from.get_value().is_some() {
                    ctx.notice.set(None);
                }
                connect_from.set_value(None);
                ctx.selected.set(Selection::None);
            }
            " " if !ctrl => {
                let on_button = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|el| {
                        el.closest("button, a, summary, label")
                            .ok()
                            .flatten()
                            .is_some()
                    });
                let play = document()
                    .query_selector(".transport button.primary")
                    .ok()
                    .flatten();
                if let (false, Some(b)) = (on_button, play) {
                    ev.prevent_default();
                    if let Ok(b) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b) {
                        b.click();
                    }
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let lab = Memo::new(move |_| ctx.editor.with(|e| e.state.view.lab));
    view! {
        <Header/>
        {move || ctx.banner.get().map(|msg| view! {
            <div class="banner" role="alert" data-testid="error-banner">
                <span>{msg}</span>
                <button class="link" aria-label="Dismiss" on:click=move |_| ctx.banner.set(None)>"×"</button>
            </div>
        })}
        {move || ctx.notice.get().map(|msg| view! { <div class="notice" role="status">{msg}</div> })}
        <crate::components::WorkerDied/>
        <crate::components::Tour/>
        {move || (labs::find(lab.get()).page)()}
        <footer>
            "schedlab " {schedlab_core::VERSION} " · engine in Rust/WebAssembly, runs entirely in your browser · "
            <span data-testid="engine-version">{schedlab_core::VERSION}</span>
        </footer>
    }
}
