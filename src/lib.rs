//! schedlab's web app: a thin Leptos (client-side rendered) layer over `schedlab-core`.
//!
//! Components turn user actions into engine calls and engine results into pictures; all
//! scheduling logic lives in the engine and is tested natively.

pub mod app;

pub use app::App;
