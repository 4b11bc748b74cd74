//! The labs, one folder each. [`LABS`] is what the header iterates: a lab is one entry
//! (its state id, tab, page, header tools and export menu).

pub mod dag;
pub mod serving;
pub mod streams;

use leptos::prelude::*;
use schedlab_app::state::Lab;

/// A lab as the page sees it.
pub struct LabDef {
    pub lab: Lab,
    /// The tab's test id.
    pub testid: &'static str,
    pub title: &'static str,
    /// The lab's page.
    pub page: fn() -> AnyView,
    /// What the lab adds to the header (before undo/redo); may be empty.
    pub tools: fn() -> AnyView,
    /// The items of the header's Export menu while this lab is shown.
    pub export: fn() -> AnyView,
}

/// Every lab, in tab order.
pub static LABS: [LabDef; 3] = [
    LabDef {
        lab: Lab::Dag,
        testid: "lab-dag",
        title: "DAG lab",
        page: dag::page,
        tools: dag::export::tools,
        export: dag::export::menu,
    },
    LabDef {
        lab: Lab::Streams,
        testid: "lab-streams",
        title: "Streams lab",
        page: streams::page,
        tools: nothing,
        export: streams::export::menu,
    },
    LabDef {
        lab: Lab::Serving,
        testid: "lab-serving",
        title: "Serving lab",
        page: serving::page,
        tools: nothing,
        export: serving::export::menu,
    },
];

/// The entry of a lab (every `Lab` has one).
pub fn find(lab: Lab) -> &'static LabDef {
    LABS.iter().find(|l| l.lab == lab).unwrap_or(&LABS[0])
}

fn nothing() -> AnyView {
    ().into_any()
}
