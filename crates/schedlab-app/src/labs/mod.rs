//! The labs' models, one folder each, with the same face: settings (the core's value), a
//! run laid out for drawing, the drawings (through [`crate::kit`]), the metrics table and
//! exports, and the editing rules as named, natively tested functions.

pub mod dag;
pub mod serving;
pub mod streams;
