//! [`Tour`]: the shown lab's guided tour (`schedlab_app::kit::tour`), a card placed under
//! the control each step points at (which is outlined), with Back, Next and Skip. A lab's
//! tour shows on its first visit (not when the page opened a shared link); once skipped or
//! done it is not shown again (a flag in the browser's storage), and the header's Tour
//! button starts it over.

use leptos::prelude::*;
use schedlab_app::kit::tour;
use schedlab_app::state::Lab;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::ctx::Ctx;

const OFF: usize = usize::MAX;

/// Outlines step `i`'s control, scrolls it into view and puts the card under it.
fn place(lab: Lab, i: usize) {
    let Some(doc) = browser::window().document() else {
        return;
    };
    if let Ok(old) = doc.query_selector_all("[data-tour]") {
        for k in 0..old.length() {
            if let Some(Ok(e)) = old.item(k).map(|n| n.dyn_into::<web_sys::Element>()) {
                let _ = e.remove_attribute("data-tour");
            }
        }
    }
    let Some(step) = tour::steps(lab).get(i) else {
        return;
    };
    let find = |sel: &str| doc.query_selector(sel).ok().flatten();
    let (Some(target), Some(card)) = (
        find(&format!("[data-testid=\"{}\"]", step.target)),
        find("[data-testid=tour]").and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()),
    ) else {
        return;
    };
    let _ = target.set_attribute("data-tour", "");
    target.scroll_into_view_with_bool(false);
    let r = target.get_bounding_client_rect();
    let w = browser::window();
    let (sx, sy) = (w.scroll_x().unwrap_or(0.0), w.scroll_y().unwrap_or(0.0));
    let width = w
        .inner_width()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(1000.0);
    let left = r.left().min(width - 340.0).max(8.0);
    let style = card.style();
    let _ = style.set_property("top", &format!("{}px", r.bottom() + sy + 8.0));
    let _ = style.set_property("left", &format!("{}px", left + sx));
}

#[component]
pub fn Tour() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // The lab alone (the editor changes at every edit, which must not touch the tour).
    let lab = Memo::new(move |_| ctx.editor.with(|e| e.state.view.lab));
    // A lab's first visit starts its tour; a lab whose tour was dismissed shows none, and
    // neither does a page opened from a shared link (its reader came to see that): a
    // fragment that is not this browser's own autosave (a reload's is).
    let from_link = {
        let f = browser::fragment();
        !f.is_empty() && browser::load_autosave().as_deref() != Some(f.as_str())
    };
    Effect::new(move |_| {
        let l = lab.get();
        let seen = browser::stored(&tour::seen_key(l)).is_some();
        ctx.tour.set(if seen || from_link { OFF } else { 0 });
    });
    let skip = move || {
        browser::store(
            &tour::seen_key(ctx.editor.with_untracked(|e| e.state.view.lab)),
            "1",
        );
        ctx.tour.set(OFF);
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(b) = crate::components::act_button(&ev) else {
            return;
        };
        let i = ctx.tour.get_untracked();
        match b.get_attribute("data-act").as_deref() {
            Some("next") => ctx.tour.set(i + 1),
            Some("back") => ctx.tour.set(i.saturating_sub(1)),
            _ => return skip(),
        }
        // The card is new HTML: the keyboard stays on the button pressed.
        crate::components::refocus_act(&b);
    };
    move || {
        let (l, i) = (lab.get(), ctx.tour.get());
        let html = tour::card_html(l, i);
        // Outline this step's control (none when the tour is off) once the card is drawn.
        request_animation_frame(move || place(l, i));
        (!html.is_empty()).then(|| {
            view! { <div class="tour" role="dialog" aria-label="Guided tour" data-testid="tour" on:click=on_click inner_html=html></div> }
        })
    }
}
