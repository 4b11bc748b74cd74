//! The labs' models, one folder each, with the same face: settings (the core's value),
//! a run laid out for drawing, the drawings, exports, and what the playback shows.

pub mod streams;
