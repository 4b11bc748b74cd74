//! Entry point: the panic panel, drag-and-drop import, and the app.

use leptos::prelude::*;

fn main() {
    // The background worker loads this same module: there is no page to mount there.
    if web_sys::window().is_none() {
        return;
    }
    schedlab_web::browser::install_panic_panel();
    // Leptos's executor starts with the mount: this first await is wasm-bindgen's.
    wasm_bindgen_futures::spawn_local(async {
        let (state, first_banner) = schedlab_web::app::initial_state().await;
        leptos::mount::mount_to_body(move || {
            let view = view! { <schedlab_web::App state first_banner/> };
            install_drop_import();
            view
        });
    });
}

/// Files dropped anywhere on the page go through the engine's importers.
fn install_drop_import() {
    let over = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let drop = window_event_listener(leptos::ev::drop, |ev| {
        ev.prevent_default();
        let Some(files) = ev.data_transfer().and_then(|d| d.files()) else {
            return;
        };
        let Some(ctx) = use_context::<schedlab_web::ctx::Ctx>() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let cap = schedlab_core::scenario::limits::MAX_INPUT_BYTES;
            match schedlab_web::browser::read_files(files, cap).await {
                Ok(f) => schedlab_web::labs::dag::export::import_files(ctx, f),
                Err(e) => ctx.banner.set(Some(e)),
            }
        });
    });
    std::mem::forget((over, drop));
}
