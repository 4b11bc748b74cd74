//! The DAG lab's explain panel (issue 12): why the scheduler placed each task where it did,
//! from its own decision records. Closed, it costs nothing; open, it records the plan the
//! Gantt shows (the first scheduler, its options and seed) and shows the body
//! `schedlab_app::labs::dag::explain::panel_html` renders (formula, sortable rank table,
//! decision stepper, per-processor table with the winner). The body is HTML text, not
//! views (the bundle, see `schedlab_app::kit::html`); its buttons carry `data-step` /
//! `data-sort`, read here by one click handler. The decision's task is selected in the
//! task graph.

use leptos::prelude::*;
use schedlab_app::labs::dag::explain::{explain, panel_html};
use wasm_bindgen::JsCast;

use crate::ctx::{Ctx, Selection};

#[component]
pub fn ExplainPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    let step = RwSignal::new(0usize);
    let sort = RwSignal::new(None::<(usize, bool)>);
    // Recorded again for each evaluation while open; the task of the decision shown.
    let body = Memo::new(move |_| {
        if !open.get() {
            return (String::new(), None);
        }
        let (k, s) = (step.get(), sort.get());
        ctx.eval.with(|e| match e {
            Some(Ok(ev)) => ctx.editor.with_untracked(|ed| {
                let id = ed.state.schedulers[0].as_str();
                match explain(&ed.state, &ev.problem, 0) {
                    Ok(why) => {
                        let task = why
                            .decisions
                            .get(k.min(why.decisions.len().saturating_sub(1)))
                            .map(|d| d.task);
                        (panel_html(&ev.problem, &why, id, k, s), task)
                    }
                    Err(err) => (
                        format!(
                            "<p class=\"error\" role=\"alert\">Cannot explain: {}</p>",
                            schedlab_app::kit::html::escape(&err)
                        ),
                        None,
                    ),
                }
            }),
            _ => (String::new(), None),
        })
    });
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-step],[data-sort]").ok().flatten())
        else {
            return;
        };
        let num = |name: &str| el.get_attribute(name).and_then(|v| v.parse::<usize>().ok());
        if let Some(k) = num("data-step") {
            step.set(k);
            if let Some(t) = body.get_untracked().1 {
                ctx.selected.set(Selection::Task(t));
            }
        } else if let Some(c) = num("data-sort") {
            // First click ascending, again to turn it round.
            sort.update(|s| *s = Some((c, matches!(*s, Some((b, false)) if b == c))));
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
        <section class="explain" data-testid="explain-panel">
            <button class="explain-toggle" data-testid="explain-toggle" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "▾ Why this schedule" } else { "▸ Why this schedule" }}
            </button>
            <div class="explain-body" on:click=on_click inner_html=move || body.get().0></div>
        </section>
    }
}
