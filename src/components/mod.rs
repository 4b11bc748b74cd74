//! Components shared by the labs, each taking plain values and signals (no lab's types):
//! the canvas every Gantt and chart is drawn on ([`canvas`]), the frame of the explain
//! panels ([`explain_box`]), the playback bar
//! ([`transport`]), the metrics table ([`metrics_table`]), the file picker
//! ([`file_upload`]), the form fields ([`fields`]), deferred work that only the latest
//! request runs ([`latest`]), a background run's progress bar with Stop and the panel
//! of a worker that died ([`run_progress`]), and the pieces of the rule editors
//! ([`rule_editor`]).

pub mod canvas;
pub mod explain_box;
pub mod fields;
pub mod file_upload;
pub mod hunt_panel;
pub mod latest;
pub mod metrics_table;
pub mod rule_editor;
pub mod run_progress;
pub mod tour;
pub mod transport;

pub use canvas::{area, fit_canvas, GanttCanvas};
pub use explain_box::ExplainBox;
pub use file_upload::FileUpload;
pub use hunt_panel::HuntPanel;
pub use latest::{run_latest, series_testid};
pub use metrics_table::{from_table, Cell, Header, MetricsTable, Row};
pub use run_progress::{RunProgress, WorkerDied};
pub use tour::Tour;
pub use transport::{Transport, TransportBar};

/// The button with a `data-act` that a click in HTML-text controls landed on.
pub fn act_button(ev: &web_sys::MouseEvent) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest("button[data-act]").ok().flatten())
}

/// Puts the keyboard back on `b` (by its test id) once the controls have redrawn.
pub fn refocus_act(b: &web_sys::Element) {
    if let Some(id) = b.get_attribute("data-testid") {
        rule_editor::refocus(id);
    }
}

/// The "+ Compare another" button as HTML text (`data-act="compare"`; off at the
/// comparison limit), for a lab's delegated click handler.
pub fn compare_button(testid: &str, n: usize) -> String {
    format!(
        "<button data-testid=\"{testid}\" data-act=\"compare\"{}>+ Compare another</button>",
        if n >= schedlab_app::state::MAX_COMPARE {
            " disabled"
        } else {
            ""
        }
    )
}
