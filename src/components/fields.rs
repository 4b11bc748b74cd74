//! Form fields shared by the labs. Each field is built by one non-generic function, so its
//! view code is instantiated once in the WebAssembly bundle however many fields use it
//! (every `view!` with its own closures instantiates its own copy).

use leptos::prelude::*;

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
