//! Form fields shared by the labs. Each field is built by one non-generic function, so its
//! view code is instantiated once in the WebAssembly bundle however many fields use it
//! (every `view!` with its own closures instantiates its own copy).

use leptos::prelude::*;

use schedlab_app::kit::form::Field;

use crate::browser;
use crate::ctx::Ctx;

/// Parses a number field; empty, invalid or infinite gives None.
pub fn num(s: &str) -> Option<f64> {
    schedlab_core::util::parse_f64(s.trim()).filter(|v| v.is_finite())
}

/// What a number field shows.
#[derive(Clone, Copy)]
pub struct NumField {
    pub label: &'static str,
    pub aria: &'static str,
    pub testid: Option<&'static str>,
    pub title: Option<&'static str>,
    pub min: &'static str,
    pub max: Option<&'static str>,
    pub step: &'static str,
}

impl NumField {
    /// A field with no test id, no title, no maximum.
    pub const fn new(
        label: &'static str,
        aria: &'static str,
        min: &'static str,
        step: &'static str,
    ) -> NumField {
        NumField {
            label,
            aria,
            testid: None,
            title: None,
            min,
            max: None,
            step,
        }
    }

    pub const fn id(mut self, testid: &'static str) -> NumField {
        self.testid = Some(testid);
        self
    }

    pub const fn title(mut self, title: &'static str) -> NumField {
        self.title = Some(title);
        self
    }

    pub const fn max(mut self, max: &'static str) -> NumField {
        self.max = Some(max);
        self
    }
}

/// A labelled `<input type=number>`: `value` is what it shows, `on_change` receives the
/// text the user committed (parsing and error banners are the caller's).
pub fn num_field(f: NumField, value: Signal<String>, on_change: Callback<String>) -> AnyView {
    view! {
        <label class="field" title=f.title><span>{f.label}</span>
            <input type="number" min=f.min max=f.max step=f.step data-testid=f.testid aria-label=f.aria
                prop:value=move || value.get()
                on:change=move |ev| on_change.run(event_target_value(&ev))/>
        </label>
    }
    .into_any()
}

/// A seed field with a "New seed" button (a fresh seed from the browser's entropy); both
/// commit through `on_seed`; text that is not a whole number is ignored.
pub fn seed_field(
    f: NumField,
    new_testid: Option<&'static str>,
    value: Signal<u64>,
    on_seed: Callback<u64>,
) -> AnyView {
    view! {
        <label class="field" title=f.title><span>{f.label}</span>
            <input type="number" min="0" step="1" data-testid=f.testid aria-label=f.aria
                prop:value=move || value.get().to_string()
                on:change=move |ev| { if let Ok(v) = event_target_value(&ev).trim().parse::<u64>() { on_seed.run(v); } }/>
            <button data-testid=new_testid on:click=move |_| on_seed.run(browser::random_seed())>"New seed"</button>
        </label>
    }
    .into_any()
}

/// Fields of a lab's table ([`schedlab_app::kit::form`]), each shown while its settings
/// apply. One view shape for every such field: a row of the table costs no view code.
/// Typed text goes through the field's `set` as one undoable edit; a refusal shows in the
/// banner and the field goes back to the value kept.
pub fn form_fields(list: &'static [Field]) -> AnyView {
    list.iter().map(form_field).collect_view().into_any()
}

fn form_field(f: &'static Field) -> AnyView {
    let ctx = expect_context::<Ctx>();
    let shown = Memo::new(move |_| ctx.editor.with(|e| (f.shown)(&e.state)));
    let value = Memo::new(move |_| ctx.editor.with(|e| (f.get)(&e.state)));
    let commit = move |ev: web_sys::Event| {
        let text = event_target_value(&ev);
        if ctx.apply(|e| e.edit(|s| (f.set)(s, &text))).is_none() {
            event_target::<web_sys::HtmlInputElement>(&ev).set_value(&value.get_untracked());
        }
    };
    view! {
        <Show when=move || shown.get()>
            <label class="field" title=f.title><span>{f.label}</span>
                {f.slider.map(|r| view! {
                    <input type="range" min=r.0 max=r.1 step=r.2 aria-label=format!("{} (slider)", f.aria)
                        prop:value=move || value.get()
                        on:input=move |ev| { if f.live { commit(ev) } } on:change=move |ev| { if !f.live { commit(ev) } }/>
                })}
                <input type="number" min=f.min max=f.max step=f.step data-testid=f.testid aria-label=f.aria
                    prop:value=move || value.get() on:change=commit/>
            </label>
        </Show>
    }
    .into_any()
}
