//! What every lab draws and shows through: the timeline frame of the Gantts
//! ([`timeline`]), the charts ([`chart`]), the metrics table and its CSV ([`table`]), the
//! playback model ([`playback`]), the colors and theme ([`color`]). No lab repeats these.

pub mod chart;
pub mod color;
pub mod form;
pub mod html;
pub mod hunt;
pub mod playback;
pub mod table;
pub mod timeline;
pub mod tour;
