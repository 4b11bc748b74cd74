//! The DAG lab's explain panel (issue 12): a scheduler's own decision records
//! ([`schedlab_core::explain`]) as the tables a lecture on list scheduling uses: the rank
//! table (a row per task in the scheduler's priority order, with every per-task value it
//! computed: upward and downward ranks, PEFT's optimistic costs) and, per decision, the
//! earliest start and finish of the task on every processor with the winner marked.
//! Numbers on screen are rounded by the kit's table ([`Screen::Short`]); the records keep
//! them exact.

use schedlab_core::explain::{Decision, Explanation};
use schedlab_core::run;
use schedlab_core::Problem;

use crate::kit::html;
use crate::kit::table::{short, Cell, Column, Screen, Table};
use crate::state::AppState;

/// The decision records of the state's scheduler `column` for `problem` (the plan the
/// Gantt shows: the same options and seed), or one line saying why not.
pub fn explain(state: &AppState, problem: &Problem, column: usize) -> Result<Explanation, String> {
    let id = state
        .schedulers
        .get(column)
        .ok_or_else(|| format!("no scheduler {}", column + 1))?;
    let options = run::options_for(id, &state.options);
    run::explain_plan(problem, id, &options, state.noise.seed)
        .map(|(_, why)| why)
        .map_err(|e| e.to_string())
}

/// How the scheduler's priority is defined, for the schedulers that rank tasks.
pub fn formula(scheduler: &str) -> Option<&'static str> {
    Some(match scheduler {
        "heft" => {
            "rank_u(i) = w̄(i) + max over successors j of (c̄(i,j) + rank_u(j)): w̄ is the mean cost \
             over processors, c̄ the mean transfer time. Tasks go by decreasing rank_u; each to the \
             processor where it finishes earliest (in an idle gap if one fits)."
        }
        "cpop" => {
            "priority = rank_u + rank_d. Tasks with the entry task's priority form the critical \
             path, all on the processor that runs it fastest; the others go where they finish \
             earliest."
        }
        "peft" => {
            "OCT(i,p) = max over successors j of min over q of (OCT(j,q) + w(j,q) + c̄(i,j) if \
             q ≠ p); rank_oct = mean OCT. Each task goes where EFT + OCT is least."
        }
        _ => return None,
    })
}

/// The rank table: a row per task in the order the scheduler placed them (its priority
/// list), with the step, the task, its priority and every per-task value it recorded.
pub fn rank_table(problem: &Problem, why: &Explanation) -> Table {
    let mut columns = vec![
        Column::new("step", "step", "", Screen::Short),
        Column::new("task", "task", "", Screen::Short),
        Column::new("priority", "priority", "", Screen::Short),
    ];
    for t in &why.tables {
        columns.push(Column::new(&t.name, &t.name, "", Screen::Short));
    }
    columns.push(Column::new("processor", "processor", "", Screen::Short));
    let mut table = Table::new(columns);
    for d in &why.decisions {
        let mut row: Vec<Cell> = vec![
            (d.step + 1).into(),
            problem.task_names[d.task].as_str().into(),
            d.priority.into(),
        ];
        for t in &why.tables {
            row.push(t.values.get(d.task).copied().into());
        }
        row.push(problem.proc_names[d.proc].as_str().into());
        table.push(row);
    }
    table
}

/// The rows of `table` ordered by column `by` (numbers by value, text by name; missing
/// last), descending when `desc`; ties keep their order.
pub fn sorted(mut table: Table, by: usize, desc: bool) -> Table {
    let key = |row: &Vec<Cell>| match row.get(by) {
        Some(Cell::Num(v)) => (0, *v, String::new()),
        Some(Cell::Int(v)) => (0, *v as f64, String::new()),
        Some(Cell::Text(s)) => (0, 0.0, s.clone()),
        _ => (1, 0.0, String::new()),
    };
    let mut keyed: Vec<_> = table
        .rows
        .drain(..)
        .enumerate()
        .map(|(i, r)| (key(&r), i, r))
        .collect();
    schedlab_core::util::sort_dyn(&mut keyed, &|(a, i, _), (b, j, _)| {
        let o = a.1.total_cmp(&b.1).then_with(|| a.2.cmp(&b.2));
        a.0.cmp(&b.0)
            .then(if desc { o.reverse() } else { o })
            .then(i.cmp(j))
    });
    table.rows = keyed.into_iter().map(|(_, _, r)| r).collect();
    table
}

/// Decision `d` on every processor: when the task's inputs would be there, its earliest
/// start and finish, whether the start is in an idle gap (insertion), and the one chosen.
pub fn decision_table(problem: &Problem, d: &Decision) -> Table {
    let mut table = Table::new(vec![
        Column::new("processor", "processor", "", Screen::Short),
        Column::new("data ready", "data_ready", "", Screen::Short),
        Column::new("start", "start", "", Screen::Short),
        Column::new("finish", "finish", "", Screen::Short).id("decision-finish"),
        Column::new("slot", "slot", "", Screen::Short),
        Column::new("chosen", "chosen", "", Screen::Short),
    ]);
    for c in &d.candidates {
        table.push(vec![
            problem.proc_names[c.proc].as_str().into(),
            c.data_ready.into(),
            c.start.into(),
            c.finish.into(),
            (if c.gap {
                "idle gap"
            } else {
                "after the last task"
            })
            .into(),
            (if c.proc == d.proc { "✓" } else { "" }).into(),
        ]);
    }
    table
}

/// The completion-time matrix decision `d`'s rule compared (MinMin, MaxMin, Sufferage): a
/// row per ready task with its earliest completion on every processor, the best, and the
/// sufferage (how much later it would finish without its best processor); None for
/// schedulers that keep no matrix.
pub fn score_table(problem: &Problem, d: &Decision) -> Option<Table> {
    if d.scores.is_empty() {
        return None;
    }
    let mut columns = vec![Column::new("task", "task", "", Screen::Short)];
    for p in &problem.proc_names {
        columns.push(Column::new(p, p, "", Screen::Short));
    }
    columns.push(Column::new("soonest", "soonest", "", Screen::Short));
    columns.push(Column::new("sufferage", "sufferage", "", Screen::Short));
    let mut table = Table::new(columns);
    for s in &d.scores {
        let (_, best, second) = s.best();
        let mut row: Vec<Cell> = vec![problem.task_names[s.task].as_str().into()];
        row.extend(
            s.finish
                .iter()
                .map(|&f| Cell::from(f.is_finite().then_some(f))),
        );
        row.push(best.into());
        row.push((second - best).into());
        table.push(row);
    }
    Some(table)
}

/// The row of `decision_table(d)` that was chosen.
pub fn chosen_row(d: &Decision) -> Option<usize> {
    d.candidates.iter().position(|c| c.proc == d.proc)
}

/// One sentence for decision `d`: what was ready, what was taken and why it went where.
pub fn summary(problem: &Problem, d: &Decision) -> String {
    let name = |t: usize| problem.task_names[t].as_str();
    let mut ready: Vec<&str> = d.ready.iter().map(|&t| name(t)).collect();
    if d.ready_total > d.ready.len() {
        ready.push("…");
    }
    let priority = d
        .priority
        .map(|p| format!(" (priority {})", short(p)))
        .unwrap_or_default();
    format!(
        "Ready: {} ({} task{}). {}{priority} goes to {}: {} – {}, by {}.",
        ready.join(", "),
        d.ready_total,
        if d.ready_total == 1 { "" } else { "s" },
        name(d.task),
        problem.proc_names[d.proc],
        short(d.start),
        short(d.finish),
        d.rule
    )
}

/// Rank-table rows put on the page (a graph of thousands of tasks lists its first ones).
pub const MAX_RANK_ROWS: usize = 200;

/// The explain panel's body as HTML ([`crate::kit::html`]): the priority formula, CPOP's
/// critical path, the rank table (sorted by `sort`: column and descending, with the row
/// of decision `step` marked), the decision stepper (`data-step` buttons), the decision's
/// summary, its per-processor table with the winner marked and, for the mapping
/// heuristics, the completion-time matrix it compared.
pub fn panel_html(
    problem: &Problem,
    why: &Explanation,
    scheduler: &str,
    step: usize,
    sort: Option<(usize, bool)>,
) -> String {
    let n = why.decisions.len();
    let k = step.min(n.saturating_sub(1));
    let mut ranks = rank_table(problem, why);
    if let Some((by, desc)) = sort {
        ranks = sorted(ranks, by, desc);
    }
    let current = ranks
        .rows
        .iter()
        .position(|r| r.first() == Some(&Cell::from(k + 1)));
    let mut out = html::para(
        "formula",
        "",
        formula(scheduler).unwrap_or(
            "Tasks in the order the scheduler placed them, each with the processor it chose.",
        ),
    );
    if let Some(p) = critical_path(problem, why) {
        out.push_str(&html::para(
            "",
            "critical-path",
            &format!("Critical path: {p}"),
        ));
    }
    out.push_str(&html::table(
        &ranks,
        html::Marks {
            testid: "rank-table",
            row_id: "rank-row",
            selected: current,
            sortable: true,
            max_rows: MAX_RANK_ROWS,
            ..html::Marks::default()
        },
    ));
    let Some(d) = why.decisions.get(k) else {
        return out;
    };
    out.push_str("<div class=\"stepper\">");
    out.push_str(&html::button(
        "decision-prev",
        "step",
        k.saturating_sub(1),
        k == 0,
        "◀ Prev decision",
    ));
    out.push_str(&format!(
        "<span data-testid=\"decision-step\">Decision {} of {n}</span>",
        k + 1
    ));
    out.push_str(&html::button(
        "decision-next",
        "step",
        k + 1,
        k + 1 >= n,
        "Next decision ▶",
    ));
    out.push_str("</div>");
    out.push_str(&html::para("", "decision-summary", &summary(problem, d)));
    out.push_str(&html::table(
        &decision_table(problem, d),
        html::Marks {
            testid: "decision-table",
            row_id: "decision-row",
            winner: chosen_row(d),
            ..html::Marks::default()
        },
    ));
    if let Some(t) = score_table(problem, d) {
        out.push_str(&html::para(
            "hint",
            "",
            "The completion-time matrix the rule compared: each ready task's earliest finish on every processor.",
        ));
        out.push_str(&html::table(
            &t,
            html::Marks {
                testid: "score-table",
                winner: d.scores.iter().position(|s| s.task == d.task),
                ..html::Marks::default()
            },
        ));
    }
    out
}

/// CPOP's critical path, as people read it ("n1 → n2 → n9 → n10 on P2").
pub fn critical_path(problem: &Problem, why: &Explanation) -> Option<String> {
    let (path, proc) = why.critical_path.as_ref()?;
    let names: Vec<&str> = path
        .iter()
        .map(|&t| problem.task_names[t].as_str())
        .collect();
    let on = proc
        .map(|p| format!(" on {}", problem.proc_names[p]))
        .unwrap_or_default();
    Some(format!("{}{on}", names.join(" → ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;

    fn topcuoglu(scheduler: &str) -> (Problem, Explanation) {
        let mut state = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        state.schedulers = vec![scheduler.into()];
        let problem = Problem::new(&state.scenario).unwrap();
        let why = explain(&state, &problem, 0).unwrap();
        (problem, why)
    }

    #[test]
    fn heft_on_the_paper_example_reads_as_in_the_paper() {
        let (problem, why) = topcuoglu("heft");
        let ranks = rank_table(&problem, &why);
        let rows = ranks.screen_rows();
        // The first row is n1 with rank_u 108 (Topcuoglu et al., table of upward ranks).
        assert_eq!(
            ranks.screen_headers()[..4],
            ["step", "task", "priority", "rank_u"]
        );
        assert_eq!(rows[0][..4], ["1", "n1", "108", "108"]);
        assert_eq!(rows.len(), 10);
        let d = &why.decisions[0];
        let t = decision_table(&problem, d);
        let finishes: Vec<String> = t.screen_rows().iter().map(|r| r[3].clone()).collect();
        assert_eq!(finishes, ["14", "16", "9"]);
        assert_eq!(chosen_row(d), Some(2));
        assert_eq!(t.screen_rows()[2][5], "✓");
        let s = summary(&problem, d);
        assert!(s.contains("n1 (priority 108) goes to P3: 0 – 9"), "{s}");
        assert!(formula("heft").unwrap().contains("rank_u"));
        assert!(formula("minmin").is_none());
    }

    #[test]
    fn minmin_shows_the_completion_time_matrix_it_compared() {
        let (problem, why) = topcuoglu("minmin");
        let d = &why.decisions[0];
        let t = score_table(&problem, d).unwrap();
        // One ready task (n1) at the first step: its cost on each processor is its finish.
        assert_eq!(t.screen_rows(), [["n1", "14", "16", "9", "9", "5"]]);
        let (p, heft) = topcuoglu("heft");
        assert!(score_table(&p, &heft.decisions[0]).is_none());
    }

    #[test]
    fn the_panel_marks_the_current_decision_and_its_winner() {
        let (problem, why) = topcuoglu("heft");
        let html = panel_html(&problem, &why, "heft", 1, None);
        assert!(
            html.contains(r#"<tr data-testid="rank-row-1" class="selected"><td>2</td><td>n3</td>"#),
            "{html}"
        );
        assert!(html.contains(r#"data-testid="decision-prev" data-step="0">"#));
        assert!(html.contains(r#"data-testid="decision-next" data-step="2">"#));
        assert!(html.contains("Decision 2 of 10"));
        assert!(html.contains("n3 (priority 80) goes to P3"), "{html}");
        assert_eq!(html.matches("class=\"winner\"").count(), 1);
        // The first decision cannot go back; the last cannot go on; past the end is the last.
        assert!(panel_html(&problem, &why, "heft", 0, None).contains(r#"data-step="0" disabled>"#));
        let last = panel_html(&problem, &why, "heft", 99, None);
        assert!(last.contains("Decision 10 of 10") && last.contains(r#"data-step="10" disabled>"#));
        // Sorted by name, the current decision's row follows its task.
        let by_name = panel_html(&problem, &why, "heft", 1, Some((1, false)));
        assert!(
            by_name
                .contains(r#"<tr data-testid="rank-row-3" class="selected"><td>2</td><td>n3</td>"#),
            "{by_name}"
        );
        let minmin = topcuoglu("minmin");
        assert!(panel_html(&minmin.0, &minmin.1, "minmin", 0, None)
            .contains("data-testid=\"score-table\""));
    }

    #[test]
    fn sorting_orders_by_number_or_name_and_keeps_every_row() {
        let (problem, why) = topcuoglu("heft");
        let t = rank_table(&problem, &why);
        let by_name = sorted(t.clone(), 1, false);
        let names: Vec<String> = by_name.screen_rows().iter().map(|r| r[1].clone()).collect();
        assert_eq!(names[..3], ["n1", "n10", "n2"]);
        let by_rank_asc = sorted(t.clone(), 3, false);
        let first = &by_rank_asc.screen_rows()[0];
        assert_eq!(
            first[1], "n10",
            "the exit task has the smallest upward rank"
        );
        let desc = sorted(t.clone(), 3, true);
        let values: Vec<f64> = (0..desc.rows.len())
            .map(|r| match desc.cell_by_key(r, "rank_u") {
                Cell::Num(v) => *v,
                c => panic!("{c:?}"),
            })
            .collect();
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
        assert_eq!(desc.rows.len(), 10);
    }

    #[test]
    fn cpop_names_its_critical_path_and_every_scheduler_explains() {
        let (problem, why) = topcuoglu("cpop");
        assert_eq!(
            critical_path(&problem, &why).as_deref(),
            Some("n1 → n2 → n9 → n10 on P2")
        );
        for spec in schedlab_core::sched::REGISTRY {
            let (problem, why) = topcuoglu(spec.id);
            assert_eq!(why.decisions.len(), 10, "{}", spec.id);
            assert_eq!(rank_table(&problem, &why).rows.len(), 10, "{}", spec.id);
            for d in &why.decisions {
                assert!(
                    chosen_row(d).is_some(),
                    "{}: the winner is a candidate",
                    spec.id
                );
            }
        }
    }
}
