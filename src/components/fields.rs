//! Form fields shared by the labs. Each field is built by one non-generic function, so its
//! view code is instantiated once in the WebAssembly bundle however many fields use it
//! (every `view!` with its own closures instantiates its own copy).

use leptos::prelude::*;

use schedlab_app::kit::form::Field;

use crate::browser;
use crate::ctx::Ctx;

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
            // The input, slider or menu shows the value kept again.
            if let Some(t) = ev.target() {
                let _ = js_sys::Reflect::set(&t, &"value".into(), &value.get_untracked().into());
            }
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
                {f.choices.map(|c| view! {
                    <select data-testid=f.testid aria-label=f.aria prop:value=move || value.get() on:change=commit>
                        {c.iter().map(|(v, label)| view! { <option value=*v>{*label}</option> }).collect_view()}
                    </select>
                })}
                {f.choices.is_none().then(|| view! {
                    <input type=if f.text.is_some() { "text" } else { "number" } placeholder=f.text
                        min=f.text.is_none().then_some(f.min) max=f.max step=f.text.is_none().then_some(f.step)
                        data-testid=f.testid aria-label=f.aria prop:value=move || value.get() on:change=commit/>
                })}
                {f.reseed.map(|id| view! {
                    <button data-testid=(!id.is_empty()).then_some(id) on:click=move |_| {
                        let text = browser::random_seed().to_string();
                        ctx.apply(|e| e.edit(|s| (f.set)(s, &text)));
                    }>"New seed"</button>
                })}
            </label>
        </Show>
    }
    .into_any()
}

/// The rows of a lab's comparison: per compared entry its series swatch, a menu of the
/// registry's `entries` (the DAG lab's labels add each one's rule: `long`), and × to remove
/// it (not the first). `chosen` holds spellings (`rr:0.2`): the menu shows the entry. One
/// view function for the three labs' schedulers, policies and routers.
pub fn series_rows(
    chosen: Vec<String>,
    entries: Vec<schedlab_core::registry::Entry<()>>,
    long: bool,
    testid: &'static str,
    aria: &'static str,
    on_pick: Callback<(usize, String)>,
    on_remove: Callback<usize>,
) -> AnyView {
    use schedlab_app::kit::color::{hex, series_color};
    chosen
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let base = id.split(':').next().unwrap_or_default().to_string();
            view! {
                <div class="sched-row">
                    <span class="swatch" style=format!("background:{}", hex(series_color(i)))></span>
                    <select data-testid=crate::components::series_testid(testid, i) aria-label=format!("{aria} {}", i + 1)
                        on:change=move |ev| on_pick.run((i, event_target_value(&ev))) prop:value=base>
                        {entries.iter().map(|e| view! {
                            <option value=e.id title=e.rule>{if long { format!("{} — {}", e.name, e.rule) } else { e.name.to_string() }}</option>
                        }).collect_view()}
                    </select>
                    {(i > 0).then(|| view! { <button class="link" aria-label="Remove from comparison" on:click=move |_| on_remove.run(i)>"×"</button> })}
                </div>
            }
        })
        .collect_view()
        .into_any()
}

/// An item of a lab's Export menu: its label, its test id (or empty) and what it does.
pub struct MenuItem {
    pub label: &'static str,
    pub testid: &'static str,
    pub run: fn(Ctx),
}

/// A lab's Export menu: one button per item, drawn by one view function for every lab.
pub fn menu_items(items: &'static [MenuItem]) -> AnyView {
    let ctx = expect_context::<Ctx>();
    items
        .iter()
        .map(|m| {
            view! {
                <button data-testid=(!m.testid.is_empty()).then_some(m.testid) on:click=move |_| (m.run)(ctx)>{m.label}</button>
            }
        })
        .collect_view()
        .into_any()
}
