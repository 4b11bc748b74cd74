//! [`ExplainBox`]: the frame of every lab's explain panel. A toggle button, and when open a
//! body of HTML text (`schedlab_app::kit::html`) whose buttons carry `data-step`,
//! `data-sort`, `data-col`, `data-at`, `data-task`, `data-proc`,
//! `data-undo`, `data-reset`, `data-hint`, `data-csv` or `data-use`; one delegated click handler hands (action, value)
//! to the lab and puts the keyboard focus back on the same button after the body redraws.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The actions a panel's buttons may carry.
const ACTIONS: [&str; 13] = [
    "step", "sort", "col", "at", "task", "proc", "undo", "reset", "hint", "csv", "use", "run",
    "open",
];

#[component]
pub fn ExplainBox(
    testid: &'static str,
    /// The toggle's text ("Why this schedule").
    title: &'static str,
    open: RwSignal<bool>,
    /// The body (computed only while open).
    #[prop(into)]
    body: Signal<String>,
    /// (action, value) of a button clicked in the body.
    on_action: Callback<(&'static str, usize)>,
) -> impl IntoView {
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("button").ok().flatten())
        else {
            return;
        };
        for a in ACTIONS {
            if let Some(v) = el
                .get_attribute(&format!("data-{a}"))
                .and_then(|v| v.parse::<usize>().ok())
            {
                on_action.run((a, v));
                break;
            }
        }
        // The body is new HTML: keep the keyboard where it was.
        if let Some(id) = el.get_attribute("data-testid") {
            request_animation_frame(move || {
                let sel = format!("[data-testid=\"{id}\"]");
                if let Some(Ok(b)) = document()
                    .query_selector(&sel)
                    .ok()
                    .flatten()
                    .map(|b| b.dyn_into::<web_sys::HtmlElement>())
                {
                    let _ = b.focus();
                }
            });
        }
    };
    view! {
        <section class="explain" data-testid=testid>
            <button class="explain-toggle" data-testid=format!("{testid}-toggle") aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "▾ " } else { "▸ " }} {title}
            </button>
            <div class="explain-body" on:click=on_click inner_html=move || if open.get() { body.get() } else { String::new() }></div>
        </section>
    }
}
