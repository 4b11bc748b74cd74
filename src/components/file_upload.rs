//! [`FileUpload`]: the one file picker. It reads the picked files as text, refusing any file
//! over a size cap, and hands (name, text) pairs to the caller; read errors go to the banner.

use leptos::prelude::*;

use crate::browser;
use crate::ctx::Ctx;

/// A button-styled label around a visually hidden `<input type=file>` that keeps its place
/// in the tab order (Tab reaches it, Space or Enter opens the picker, the label shows focus).
#[component]
pub fn FileUpload(
    /// The button's text.
    label: &'static str,
    /// What the files may be (hover text).
    title: &'static str,
    aria: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(optional)] multiple: bool,
    /// The file types offered (`accept`).
    #[prop(optional)]
    accept: Option<&'static str>,
    /// The largest file accepted, in bytes (default: the engine's input limit).
    #[prop(optional)]
    max_bytes: Option<usize>,
    /// Receives the files read, never an empty list.
    on_files: Callback<Vec<(String, String)>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    let cap = max_bytes.unwrap_or(schedlab_core::scenario::limits::MAX_INPUT_BYTES);
    let on_change = move |_| {
        let Some(el) = input.get() else { return };
        let Some(files) = el.files() else { return };
        leptos::task::spawn_local(async move {
            let read = browser::read_files(files, cap).await;
            // Only now: clearing the input empties the FileList being read.
            el.set_value("");
            match read {
                Ok(f) if !f.is_empty() => on_files.run(f),
                Ok(_) => {}
                Err(e) => ctx.banner.set(Some(e)),
            }
        });
    };
    view! {
        <label class="button" title=title>
            {label}
            <input type="file" class="file-input" accept=accept multiple=multiple node_ref=input data-testid=testid aria-label=aria on:change=on_change/>
        </label>
    }
}
