//! The DAG lab's inspector as HTML text (`kit::html`): the selected task (name, cost under
//! the speed model, its time on each processor, delete) or dependency (data, delete), or
//! how to edit when nothing is selected. Fields carry `data-f` (what they set) and `data-p`
//! (the processor), buttons `data-delete`; the page's one change and one click handler call
//! [`edit`]. Values are exact (files and links keep them so; the field shows what it sets).

use schedlab_core::scenario::Scenario;

use crate::editor::Editor;
use crate::kit::html::escape;

/// What the inspector shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Task(usize),
    Edge(usize),
}

fn number_input(f: &str, id: &str, aria: &str, value: &str, p: usize) -> String {
    format!(
        "<input type=\"number\" min=\"0\" step=\"any\" data-f=\"{f}\" data-p=\"{p}\" data-testid=\"{id}\" aria-label=\"{}\" value=\"{value}\">",
        escape(aria)
    )
}

/// The inspector for `pick` (the hint when nothing, or nothing that exists, is picked).
pub fn inspector_html(s: &Scenario, pick: Option<Pick>) -> String {
    match pick {
        Some(Pick::Task(i)) if i < s.tasks.len() => {
            let t = &s.tasks[i];
            let mut out = format!(
                "<div class=\"inspector\" data-testid=\"inspector\"><h3>Task</h3><label class=\"field\"><span>Name</span><input data-f=\"name\" data-p=\"0\" data-testid=\"task-name\" aria-label=\"task name\" value=\"{}\"></label>",
                escape(&t.name)
            );
            if let Some(c) = t.cost {
                out += &format!(
                    "<label class=\"field\"><span>Cost (÷ speed)</span>{}</label>",
                    number_input("speed-cost", "speed-cost", "cost divided by speed", &c.to_string(), 0)
                );
            }
            out += "<table class=\"costs\"><thead><tr><th>processor</th><th>time (empty = cannot run)</th></tr></thead><tbody>";
            for (p, proc) in s.processors.iter().enumerate() {
                let v = match (&t.costs, t.cost) {
                    (Some(r), _) => r.get(p).copied().flatten(),
                    (None, Some(c)) => Some(c / proc.speed),
                    _ => None,
                };
                out += &format!(
                    "<tr><td>{}</td><td>{}</td></tr>",
                    escape(&proc.name),
                    number_input(
                        "cost",
                        &format!("cost-{p}"),
                        &format!("time on {}", proc.name),
                        &v.map(|v| v.to_string()).unwrap_or_default(),
                        p
                    )
                );
            }
            out + "</tbody></table><button class=\"danger\" data-delete=\"0\" data-testid=\"inspector-delete\">Delete task</button></div>"
        }
        Some(Pick::Edge(i)) if i < s.edges.len() => {
            let e = &s.edges[i];
            format!(
                "<div class=\"inspector\" data-testid=\"inspector\"><h3>Dependency {} → {}</h3><label class=\"field\"><span>Data volume</span>{}</label><button class=\"danger\" data-delete=\"0\" data-testid=\"inspector-delete\">Delete dependency</button></div>",
                escape(&e.from),
                escape(&e.to),
                number_input("data", "edge-data", "data volume", &e.data.to_string(), 0)
            )
        }
        _ => "<div class=\"inspector hint\">Double-click empty space to add a task · drag from a task's ● handle to another task to connect (keyboard: C on one task, then C on the next) · click to select, Delete to remove · drag to move · wheel to zoom, drag the background to pan · Ctrl+Z / Ctrl+Shift+Z</div>".into(),
    }
}

/// Applies what a field of the inspector asks (`field` its `data-f`, `p` its processor,
/// `value` the text committed) to the picked task or dependency, as one undoable edit; a
/// refusal names what was wrong.
pub fn edit(e: &mut Editor, pick: Pick, field: &str, p: usize, value: &str) -> Result<(), String> {
    let v = value.trim();
    let number = |what: &str| {
        schedlab_core::util::parse_f64(v)
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{what} must be a number (got '{v}')"))
    };
    match (pick, field) {
        (Pick::Task(i), "name") => e.rename_task(i, value),
        (Pick::Task(i), "speed-cost") => e.set_task_speed_cost(i, number("a cost")?),
        (Pick::Task(i), "cost") if v.is_empty() => e.set_task_cost(i, p, None),
        (Pick::Task(i), "cost") => e.set_task_cost(i, p, Some(number("a cost")?)),
        (Pick::Edge(i), "data") => e.set_edge_data(i, number("a data volume")?),
        _ => Err(format!("unknown field '{field}'")),
    }
}

/// Deletes the picked task or dependency.
pub fn delete(e: &mut Editor, pick: Pick) -> Result<(), String> {
    match pick {
        Pick::Task(i) => e.remove_task(i),
        Pick::Edge(i) => e.remove_edge(i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;
    use crate::state::AppState;

    #[test]
    fn the_inspector_shows_exact_escaped_values_and_edits_or_refuses() {
        let mut e = Editor::new(AppState::new(presets::ALL[0].scenario()));
        let html = inspector_html(&e.state.scenario, Some(Pick::Task(0)));
        assert!(html.contains("data-testid=\"task-name\"") && html.contains("value=\"n1\""));
        assert!(html.contains("data-testid=\"cost-2\"") && html.contains("value=\"9\""));
        edit(&mut e, Pick::Task(0), "cost", 2, "9.125").unwrap();
        assert!(inspector_html(&e.state.scenario, Some(Pick::Task(0))).contains("value=\"9.125\""));
        edit(&mut e, Pick::Task(0), "cost", 1, "").unwrap();
        assert_eq!(e.state.scenario.tasks[0].costs.as_ref().unwrap()[1], None);
        edit(&mut e, Pick::Task(0), "name", 0, "<b>").unwrap();
        assert!(inspector_html(&e.state.scenario, Some(Pick::Task(0))).contains("&lt;b&gt;"));
        edit(&mut e, Pick::Edge(0), "data", 0, "0.5").unwrap();
        assert_eq!(e.state.scenario.edges[0].data, 0.5);
        let before = e.state.clone();
        for (pick, f, v, msg) in [
            (
                Pick::Task(0),
                "cost",
                "x",
                "a cost must be a number (got 'x')",
            ),
            (Pick::Edge(0), "data", "-1", "data"),
            (Pick::Task(0), "name", " ", "a task needs a name"),
        ] {
            let err = edit(&mut e, pick, f, 0, v).unwrap_err();
            assert!(err.contains(msg), "{f}={v}: {err}");
            assert_eq!(e.state, before, "{f}={v} changed nothing");
        }
        assert!(inspector_html(&e.state.scenario, Some(Pick::Task(99))).contains("inspector hint"));
        delete(&mut e, Pick::Edge(0)).unwrap();
        assert_eq!(
            e.state.scenario.edges.len(),
            before.scenario.edges.len() - 1
        );
    }
}
