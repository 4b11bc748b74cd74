//! schedlab's web app: a thin Leptos (client-side rendered) layer over `schedlab-app` and
//! `schedlab-core`.
//!
//! Components turn user actions into editor calls and engine results into pictures; the
//! state, the editing rules, the layout and the drawing live in `schedlab-app` and are
//! tested natively.

pub mod app;
pub mod browser;
pub mod canvas;
pub mod ctx;
pub mod dag;
pub mod fields;
pub mod panels;
pub mod serving;
pub mod streams;
pub mod streams_run;
pub mod train;

pub use app::App;
