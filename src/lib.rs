//! schedlab's web app: a thin Leptos (client-side rendered) layer over `schedlab-app` and
//! `schedlab-core`.
//!
//! Components turn user actions into editor calls and engine results into pictures; the
//! state, the editing rules, the layout and the drawing live in `schedlab-app` and are
//! tested natively.

pub mod app;
pub mod browser;
pub mod components;
pub mod ctx;
pub mod header;
pub mod labs;
pub mod worker;

pub use app::App;
