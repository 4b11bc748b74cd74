//! The page header: the lab tabs (from [`crate::labs::LABS`]), the shown lab's tools and
//! Export menu, undo/redo and the share link.

use leptos::prelude::*;
use schedlab_app::state::Lab;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::ctx::Ctx;
use crate::labs::{self, LABS};

/// Presentation mode on or off: the root's `present` class (CSS: larger text and controls)
/// and the canvases' scale, set before the signal so every canvas redraws at the new one.
fn set_present(ctx: Ctx, on: bool) {
    crate::components::canvas::SCALE.set(if on { 1.5 } else { 1.0 });
    if let Some(root) = document().document_element() {
        root.set_class_name(if on { "present" } else { "" });
    }
    ctx.present.set(on);
}

#[component]
pub fn Header() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let copied = move || {
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
    // The autosave's link when it is current (copied inside the click); else the state's
    // link once the browser has compressed it, unless an autosave wrote a newer one
    // meanwhile.
    let share = move |_| {
        if browser::link_is_fresh() {
            return copied();
        }
        let state = ctx.state();
        leptos::task::spawn_local(async move {
            let frag = browser::link_of(&state).await;
            if !browser::link_is_fresh() {
                browser::set_fragment(&frag);
            }
            copied();
        });
    };
    let lab = Memo::new(move |_| ctx.editor.with(|e| e.state.view.lab));
    let set_lab = move |l: Lab| {
        for play in [ctx.dag_play, ctx.streams_play, ctx.serving_play] {
            play.playing.set(false);
        }
        ctx.edit_state(&mut |s| s.view.lab = l);
    };
    view! {
        <header class="top">
            <h1>"schedlab"</h1>
            <nav class="labs" role="tablist" aria-label="Labs">
                {LABS.iter().map(|d| {
                    let me = d.lab;
                    view! {
                        <button role="tab" data-testid=d.testid class:active=move || lab.get() == me
                            aria-selected=move || (lab.get() == me).to_string() on:click=move |_| set_lab(me)>{d.title}</button>
                    }
                }).collect_view()}
            </nav>
            {move || (labs::find(lab.get()).tools)()}
            <div class="actions">
                <button on:click=move |_| { ctx.editor.update(|e| { e.undo(); }); } disabled=move || !ctx.editor.with(|e| e.can_undo()) title="Undo (Ctrl+Z)" aria-label="Undo">"↶"</button>
                <button on:click=move |_| { ctx.editor.update(|e| { e.redo(); }); } disabled=move || !ctx.editor.with(|e| e.can_redo()) title="Redo (Ctrl+Shift+Z)" aria-label="Redo">"↷"</button>
                <details class="menu">
                    <summary>"Export"</summary>
                    <div class="menu-items">{move || (labs::find(lab.get()).export)()}</div>
                </details>
                <button data-testid="present" title="Presentation mode: larger text, controls and charts for a projector"
                    aria-pressed=move || ctx.present.get().to_string() on:click=move |_| set_present(ctx, !ctx.present.get_untracked())>"Present"</button>
                <button data-testid="tour-start" title="A short tour of this lab" on:click=move |_| ctx.tour.set(0)>"Tour"</button>
                <button class="primary" data-testid="share-link" on:click=share>"Copy link"</button>
                <input id="share-url" data-testid="share-url" class="share-url" readonly=true aria-label="Share link" placeholder="link appears here"/>
            </div>
        </header>
    }
}
