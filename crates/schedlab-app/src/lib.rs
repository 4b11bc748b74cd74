//! The web app's model: everything the playground does that is not DOM plumbing.
//!
//! State that the URL carries ([`state::AppState`]), an undoable editor over it
//! ([`editor::Editor`]), share links ([`link`]), the page's own bounds ([`limits`]), predict-then-reveal
//! exercises ([`exercise`]); the
//! labs ([`labs::dag`], [`labs::streams`], [`labs::serving`]), each with the same face
//! (settings, run, drawings, metrics table and exports, editing rules); and the kit they
//! all draw and show through ([`kit`]: the timeline frame of every Gantt, the charts, the
//! table model, playback, colors), drawn with plotters on any backend: a canvas in the
//! browser, an SVG string for export and for the native tests.

pub mod b64;
pub mod editor;
pub mod exercise;
pub mod jobs;
pub mod kit;
pub mod labs;
pub mod limits;
pub mod link;
pub mod state;
pub mod wire;
