//! Drawing one's own example (issue 13): "New graph" (a blank page, or n independent tasks on
//! p processors) and "Cost matrix" (the graph's costs as a table to edit or paste from a
//! spreadsheet, as the papers print them). Both are one undoable edit through the editor
//! (`Editor::new_graph`, `Editor::set_cost_matrix`, tested natively); a refusal goes to the
//! banner and changes nothing. The frames are the shared [`ExplainBox`].

use leptos::prelude::*;
use schedlab_app::editor::{cost_table, MAX_NEW_PROCESSORS, MAX_NEW_TASKS};
use schedlab_app::kit::html::escape;
use schedlab_app::labs::dag::form;
use wasm_bindgen::JsCast;

use crate::components::fields::form_fields;
use crate::components::ExplainBox;
use crate::ctx::{Ctx, Selection};

/// The value of the input or text area with test id `id`.
fn value_of(id: &str) -> String {
    let el = document()
        .query_selector(&format!("[data-testid={id}]"))
        .ok()
        .flatten();
    match el {
        Some(e) => match e.dyn_ref::<web_sys::HtmlInputElement>() {
            Some(i) => i.value(),
            None => e
                .dyn_into::<web_sys::HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default(),
        },
        None => String::new(),
    }
}

#[component]
pub fn AuthorBoxes() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let new_open = RwSignal::new(false);
    let matrix_open = RwSignal::new(false);
    let new_body = format!(
        "<p>0 tasks: a blank page. Undo brings the old graph back.</p><label class=\"field\"><span>Tasks</span><input type=\"number\" min=\"0\" max=\"{MAX_NEW_TASKS}\" step=\"1\" value=\"0\" data-testid=\"new-tasks\" aria-label=\"Tasks in the new graph\"></label><label class=\"field\"><span>Processors</span><input type=\"number\" min=\"1\" max=\"{MAX_NEW_PROCESSORS}\" step=\"1\" value=\"3\" data-testid=\"new-processors\" aria-label=\"Processors in the new graph\"></label><button data-testid=\"new-create\" data-use=\"0\">Create</button>"
    );
    let matrix_body = Signal::derive(move || {
        // From the scenario alone: a dragged task or the playhead does not reset the text
        // being typed (nor recompile the graph on every move).
        let table = ctx.dag_inputs.with(|d| cost_table(&d.0));
        format!(
            "<p>A row per task, a column per processor (<code>-</code>: cannot run there), pasted from a spreadsheet or typed; header and names optional.</p><textarea data-testid=\"cost-matrix-text\" aria-label=\"Cost matrix: a row per task, a column per processor\" rows=\"8\" spellcheck=\"false\">{}</textarea><button data-testid=\"cost-matrix-use\" data-use=\"0\">Use these costs</button>",
            escape(&table)
        )
    });
    let create = Callback::new(move |(a, _): (&'static str, usize)| {
        if a != "use" {
            return;
        }
        let count = |id: &str, what: &str| {
            let text = value_of(id);
            text.trim()
                .parse::<usize>()
                .map_err(|_| format!("{what} must be a whole number (got '{}')", text.trim()))
        };
        let made = count("new-tasks", "tasks")
            .and_then(|n| count("new-processors", "processors").map(|p| (n, p)));
        match made {
            Ok((n, p)) => {
                if ctx.apply(|e| e.new_graph(n, p)).is_some() {
                    ctx.selected.set(Selection::None);
                    ctx.dag_play.playhead.set(f64::INFINITY);
                    new_open.set(false);
                }
            }
            Err(e) => ctx.banner.set(Some(e)),
        }
    });
    let use_matrix = Callback::new(move |(a, _): (&'static str, usize)| {
        if a == "use" {
            let text = value_of("cost-matrix-text");
            if let Some(done) = ctx.apply(|e| e.set_cost_matrix(&text)) {
                ctx.notice.set(Some(format!("Cost matrix: {done}")));
            }
        }
    });
    view! {
        {form_fields(&form::EDGE_DATA)}
        <ExplainBox testid="new-graph" title="New graph" open=new_open body=Signal::stored(new_body) on_action=create/>
        <ExplainBox testid="cost-matrix" title="Cost matrix" open=matrix_open body=matrix_body on_action=use_matrix/>
    }
}
