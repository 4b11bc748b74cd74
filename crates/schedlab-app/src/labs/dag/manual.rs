//! "Be the scheduler" (issue 12): the student places the tasks one by one, each on the
//! processor she picks, at its earliest start there (in an idle gap if one fits, as HEFT
//! places); a task whose predecessors are not all placed is refused with the ones it waits
//! for. On request the page shows what HEFT would do next (the ready task of highest
//! upward rank, where it finishes earliest). At the end her makespan is compared with
//! HEFT's and with a lower bound: the longest path by minimum costs, without transfers.
//! The session is the list of moves, replayed through the engine's schedule builder, so
//! undo is dropping the last one.

use std::fmt::Write;

use schedlab_core::schedule::Builder;
use schedlab_core::Problem;

use crate::kit::html::{self, escape};
use crate::kit::table::short;

/// The moves so far: (task, processor), in order.
pub type Moves = Vec<(usize, usize)>;

/// Where the session stands after its moves.
pub struct Board<'a> {
    pub builder: Builder<'a>,
    pub placed: Vec<bool>,
}

/// Replays `moves` (each checked: the task not placed yet, its predecessors placed, the
/// processor able to run it).
pub fn replay<'a>(problem: &'a Problem, moves: &[(usize, usize)]) -> Result<Board<'a>, String> {
    let mut b = Board {
        builder: Builder::new(problem),
        placed: vec![false; problem.n_tasks()],
    };
    for &(t, p) in moves {
        check(problem, &b.placed, t, p)?;
        b.builder.place_earliest(t, p, true);
        b.placed[t] = true;
    }
    Ok(b)
}

/// Why task `t` cannot go on processor `p` now, if it cannot.
pub fn check(problem: &Problem, placed: &[bool], t: usize, p: usize) -> Result<(), String> {
    let name = |t: usize| problem.task_names[t].as_str();
    if t >= problem.n_tasks() || p >= problem.n_procs() {
        return Err("no such task or processor".into());
    }
    if placed[t] {
        return Err(format!("{} is placed already", name(t)));
    }
    let waits: Vec<&str> = problem
        .predecessors(t)
        .map(|(q, _)| q)
        .filter(|&q| !placed[q])
        .map(name)
        .collect();
    if !waits.is_empty() {
        return Err(format!(
            "{} is not ready: it waits for {}",
            name(t),
            waits.join(", ")
        ));
    }
    if !problem.can_run(t, p) {
        return Err(format!(
            "{} cannot run on {}",
            name(t),
            problem.proc_names[p]
        ));
    }
    Ok(())
}

/// Not placed yet, and every predecessor placed.
pub fn is_ready(problem: &Problem, placed: &[bool], t: usize) -> bool {
    !placed[t] && problem.predecessors(t).all(|(q, _)| placed[q])
}

/// HEFT's priority list: the tasks in the order HEFT places them (decreasing upward
/// rank, its own tie-breaking), from its decision records.
pub fn heft_order(problem: &Problem) -> Vec<usize> {
    // HEFT's own order (`sched::heft`), without recording a schedule: O(n log n + e) on any
    // graph the page holds, where a recorded run weighs every processor at every step.
    use schedlab_core::ranks::{self, CommAverage};
    let rank = ranks::upward(problem, CommAverage::DistinctPairs);
    ranks::topo_consistent(problem, ranks::by_decreasing(&rank))
}

/// What HEFT would place next from this board: the first unplaced task of its priority
/// list `order` (always ready: every task before it is placed, its predecessors among
/// them) on the processor where it finishes earliest.
pub fn heft_next(board: &Board, order: &[usize]) -> Option<(usize, usize)> {
    let t = *order.iter().find(|&&t| !board.placed[t])?;
    Some((t, board.builder.best_eft(t, true).0))
}

/// The lower bound the student's makespan is compared with: the longest path through the
/// graph when every task takes its minimum cost and transfers are free.
pub fn lower_bound(problem: &Problem) -> f64 {
    let mut longest = vec![0.0f64; problem.n_tasks()];
    for &t in problem.topo.iter().rev() {
        let tail = problem
            .successors(t)
            .map(|(s, _)| longest[s])
            .fold(0.0, f64::max);
        longest[t] = problem.min_exec(t) + tail;
    }
    longest.into_iter().fold(0.0, f64::max)
}

/// The panel's body as HTML: the task buttons (`data-task`; not-ready ones say what they
/// wait for on hover), the processor buttons (`data-proc`) for the chosen task with its
/// start and finish on each, Undo / Start over / HEFT's next move, the board as a small
/// Gantt, the message of the last refused move, and at the end the comparison.
pub fn panel_html(
    problem: &Problem,
    moves: &[(usize, usize)],
    chosen: Option<usize>,
    hint: bool,
    message: &str,
) -> String {
    let board = match replay(problem, moves) {
        Ok(b) => b,
        Err(e) => return html::para("error", "", &e),
    };
    let n = problem.n_tasks();
    let done = board.placed.iter().all(|&p| p);
    let mut out = html::para(
        "hint",
        "",
        "Pick a ready task, then the processor it runs on: it starts as early as it can there.",
    );
    out.push_str("<div class=\"stepper\" role=\"group\" aria-label=\"Tasks\">");
    for t in 0..n {
        if board.placed[t] {
            continue;
        }
        let ready = is_ready(problem, &board.placed, t);
        let _ = write!(
            out,
            "<button data-testid=\"manual-task-{0}\" data-task=\"{t}\" aria-pressed=\"{1}\" class=\"{2}\">{0}</button>",
            escape(&problem.task_names[t]),
            chosen == Some(t),
            if chosen == Some(t) { "active" } else if ready { "ready" } else { "waiting" },
        );
    }
    out.push_str("</div>");
    if let Some(t) = chosen.filter(|&t| !board.placed[t]) {
        out.push_str("<div class=\"stepper\" role=\"group\" aria-label=\"Processors\">");
        for p in problem.feasible_procs(t) {
            let (s, f) = board.builder.eft(t, p, true);
            let _ = write!(
                out,
                "<button data-testid=\"manual-proc-{0}\" data-proc=\"{p}\">{0}: {1} – {2}</button>",
                escape(&problem.proc_names[p]),
                short(s),
                short(f)
            );
        }
        out.push_str("</div>");
    }
    if !message.is_empty() {
        out.push_str(&html::para("error", "manual-message", message));
    }
    out.push_str("<div class=\"stepper\">");
    out.push_str(&html::button(
        "manual-undo",
        "undo",
        0,
        moves.is_empty(),
        "Undo",
    ));
    out.push_str(&html::button(
        "manual-reset",
        "reset",
        0,
        moves.is_empty(),
        "Start over",
    ));
    out.push_str(&html::button(
        "manual-hint",
        "hint",
        0,
        done,
        "What would HEFT do?",
    ));
    out.push_str("</div>");
    if hint && !done {
        if let Some((t, p)) = heft_next(&board, &heft_order(problem)) {
            out.push_str(&html::para(
                "",
                "manual-heft",
                &format!(
                    "HEFT would place {} (highest upward rank among the ready tasks) on {}, where it finishes earliest.",
                    problem.task_names[t], problem.proc_names[p]
                ),
            ));
        }
    }
    out.push_str(&mini_gantt(problem, &board));
    let makespan = (0..n)
        .filter_map(|t| board.builder.slot(t))
        .map(|s| s.end)
        .fold(0.0, f64::max);
    let placed = board.placed.iter().filter(|&&p| p).count();
    if done {
        let lb = lower_bound(problem);
        let heft_makespan = schedlab_core::sched::build("heft", &Default::default())
            .expect("heft is in the registry")
            .schedule(problem, 0)
            .makespan();
        let verdict = if makespan <= heft_makespan {
            "as good as HEFT or better"
        } else {
            "HEFT does better"
        };
        out.push_str(&html::para(
            "",
            "manual-result",
            &format!(
                "Done: your makespan is {}; HEFT's is {} ({verdict}); no schedule can beat {} (the longest path by minimum costs).",
                short(makespan),
                short(heft_makespan),
                short(lb)
            ),
        ));
    } else {
        out.push_str(&html::para(
            "",
            "manual-progress",
            &format!(
                "{placed} of {n} tasks placed; makespan so far {}.",
                short(makespan)
            ),
        ));
    }
    out
}

/// The board as rows of bars (HTML and CSS, one row per processor).
fn mini_gantt(problem: &Problem, board: &Board) -> String {
    let end = (0..problem.n_tasks())
        .filter_map(|t| board.builder.slot(t))
        .map(|s| s.end)
        .fold(0.0, f64::max)
        .max(1e-9);
    let mut out = String::from("<div class=\"mini-gantt\" data-testid=\"manual-gantt\">");
    for p in 0..problem.n_procs() {
        let _ = write!(
            out,
            "<div class=\"lane\"><span class=\"who\">{}</span><div class=\"track\">",
            escape(&problem.proc_names[p])
        );
        for t in 0..problem.n_tasks() {
            if let Some(s) = board.builder.slot(t).filter(|s| s.proc == p) {
                let _ = write!(
                    out,
                    "<span class=\"bar\" style=\"left:{:.3}%;width:{:.3}%\" title=\"{} {} – {}\">{}</span>",
                    100.0 * s.start / end,
                    100.0 * (s.end - s.start) / end,
                    escape(&problem.task_names[t]),
                    short(s.start),
                    short(s.end),
                    escape(&problem.task_names[t])
                );
            }
        }
        out.push_str("</div></div>");
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;

    fn topcuoglu() -> Problem {
        Problem::new(&presets::find("topcuoglu2002").unwrap().scenario()).unwrap()
    }

    #[test]
    fn following_heft_ends_at_80_and_the_bound_is_the_min_cost_path() {
        let p = topcuoglu();
        let mut moves = Vec::new();
        let order = heft_order(&p);
        while let Some(m) = heft_next(&replay(&p, &moves).unwrap(), &order) {
            moves.push(m);
        }
        assert_eq!(moves.len(), 10);
        let names: Vec<&str> = moves
            .iter()
            .map(|&(t, _)| p.task_names[t].as_str())
            .collect();
        assert_eq!(names[..3], ["n1", "n3", "n4"]);
        let html = panel_html(&p, &moves, None, false, "");
        assert!(
            html.contains("your makespan is 80; HEFT&#39;s is 80 (as good as HEFT or better)"),
            "{html}"
        );
        // n1 9 + n2 13 + n9 12 + n10 7: the longest path by minimum costs.
        assert_eq!(lower_bound(&p), 41.0);
        assert!(html.contains("no schedule can beat 41"));
    }

    #[test]
    fn a_task_that_is_not_ready_is_refused_with_what_it_waits_for() {
        let p = topcuoglu();
        let idx = |n: &str| p.task_names.iter().position(|x| x == n).unwrap();
        let b = replay(&p, &[]).unwrap();
        assert_eq!(
            check(&p, &b.placed, idx("n7"), 0).unwrap_err(),
            "n7 is not ready: it waits for n3"
        );
        assert!(replay(&p, &[(idx("n2"), 0)]).is_err());
        let b = replay(&p, &[(idx("n1"), 2)]).unwrap();
        assert_eq!(b.builder.slot(idx("n1")).unwrap().end, 9.0);
        assert_eq!(
            check(&p, &b.placed, idx("n1"), 0).unwrap_err(),
            "n1 is placed already"
        );
        // Placing n2 on P1 at its earliest start: after n1's 9 and the transfer of 18.
        let html = panel_html(&p, &[(idx("n1"), 2)], Some(idx("n2")), true, "");
        assert!(html.contains("data-proc=\"0\">P1: 27 – 40<"), "{html}");
        assert!(html.contains("HEFT would place n3"), "{html}");
        assert!(html.contains("1 of 10 tasks placed; makespan so far 9."));
    }
}
