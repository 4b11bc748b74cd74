//! The web app's model: everything the playground does that is not DOM plumbing.
//!
//! State that the URL carries ([`state::AppState`]), an undoable editor over it
//! ([`editor::Editor`]), share links ([`link`]), the layered DAG layout ([`layout`]), the
//! evaluation of the current state with the engine ([`eval`]), and the Gantt and charts
//! drawn with plotters on any backend ([`gantt`], [`charts`]): a canvas in the browser, an
//! SVG string for export and for the native tests. The Streams lab's model (settings,
//! a chunked runner, the step-through view, its drawings) is [`streams`].

pub mod charts;
pub mod editor;
pub mod eval;
pub mod export;
pub mod gantt;
pub mod labs;
pub mod layout;
pub mod limits;
pub mod link;
pub mod palette;
pub mod presets;
pub mod serving;
pub mod state;
pub use labs::streams;
