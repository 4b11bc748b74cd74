//! Predict, then reveal (issue 12): seeded small exercises in the style of OSTEP's
//! simulators. Each is a kind and a seed (what a link carries, so a teacher's set is one
//! link); from them come the problem (a 6-task DAG on 2–3 processors, or 5 jobs on one
//! machine), the question, the answer the engine computes, and the explanation revealed
//! after the student's own answer was checked (with a tolerance). Answers stay in the
//! student's browser.

use std::fmt::Write;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use schedlab_core::scenario::{Edge, Processor, Task};
use schedlab_core::stream::policy::Policy;
use schedlab_core::stream::sim::simulate;
use schedlab_core::stream::{Info, Job, Stream};
use schedlab_core::{Problem, Scenario};

use crate::kit::html::{self, escape};
use crate::kit::table::{short, Column, Screen, Table};

/// Exercises a set (a link) may hold.
pub const MAX_EXERCISES: usize = 20;

/// What an exercise asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// HEFT's makespan on a small DAG.
    HeftMakespan,
    /// The upward rank of one task.
    RankU,
    /// The processor HEFT gives the entry task.
    FirstProcessor,
    /// The average waiting time of 5 jobs on one machine under FCFS, SRPT, or RR (q = 2).
    FcfsWait,
    SrptWait,
    RrWait,
}

/// Every kind, in the order the panel offers them, with its button label.
pub const KINDS: [(Kind, &str); 6] = [
    (Kind::HeftMakespan, "HEFT makespan"),
    (Kind::RankU, "upward rank"),
    (Kind::FirstProcessor, "HEFT's first choice"),
    (Kind::FcfsWait, "FCFS waiting"),
    (Kind::SrptWait, "SRPT waiting"),
    (Kind::RrWait, "RR (q = 2) waiting"),
];

/// One exercise: what a link carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub kind: Kind,
    pub seed: u64,
}

/// The expected answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A number, right within the tolerance.
    Number(f64),
    /// A name (a processor), compared without case.
    Name(String),
}

/// An exercise as the student sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Posed {
    /// The problem, as HTML.
    pub problem: String,
    pub question: String,
    pub answer: Answer,
    /// What is revealed, as HTML.
    pub explanation: String,
}

/// Numbers within this of the answer are right (an answer rounded to 2 decimals is).
pub const TOLERANCE: f64 = 0.01;

/// A seeded 6-task DAG on 2 or 3 processors: integer costs 2–20, each task after the
/// first with one or two parents among the earlier ones, integer data 1–10 on each edge;
/// transfers take their data volume between different processors (bandwidth 1).
pub fn dag(seed: u64) -> Scenario {
    let mut rng = StdRng::seed_from_u64(seed);
    let m = rng.random_range(2..=3usize);
    let mut s = Scenario::new(format!("exercise-{seed}"));
    s.description = "A predict-then-reveal exercise".into();
    s.processors = (0..m)
        .map(|p| Processor {
            name: format!("P{}", p + 1),
            kind: Default::default(),
            speed: 1.0,
        })
        .collect();
    for t in 0..6 {
        s.tasks.push(Task {
            name: format!("n{}", t + 1),
            cost: None,
            costs: Some(
                (0..m)
                    .map(|_| Some(rng.random_range(2..=20u32) as f64))
                    .collect(),
            ),
        });
        if t > 0 {
            let parents = if t > 1 && rng.random_bool(0.5) { 2 } else { 1 };
            let mut chosen: Vec<usize> = Vec::new();
            while chosen.len() < parents.min(t) {
                let p = rng.random_range(0..t);
                if !chosen.contains(&p) {
                    chosen.push(p);
                }
            }
            schedlab_core::util::sort_ord(&mut chosen);
            for p in chosen {
                s.edges.push(Edge {
                    from: format!("n{}", p + 1),
                    to: format!("n{}", t + 1),
                    data: rng.random_range(1..=10u32) as f64,
                });
            }
        }
    }
    s
}

/// Five seeded jobs P1–P5 on one machine: integer arrivals 0–8 (the first at 0), bursts 1–8.
pub fn jobs(seed: u64) -> Stream {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x005E_ED0F_10B5);
    let mut arrivals: Vec<u32> = (0..5).map(|_| rng.random_range(0..=8u32)).collect();
    schedlab_core::util::sort_ord(&mut arrivals);
    arrivals[0] = 0;
    Stream {
        machines: 1,
        speeds: Vec::new(),
        context_switch: 0.0,
        info: Info::Clairvoyant,
        jobs: arrivals
            .into_iter()
            .map(|a| {
                let burst = rng.random_range(1..=8u32) as f64;
                Job {
                    arrival: a as f64,
                    ops: vec![burst],
                    estimate: burst,
                    deadline: None,
                }
            })
            .collect(),
    }
}

/// The problem as a file the labs read: the DAG exercises' scenario (schedlab JSON, for
/// the DAG lab's Import… or `schedlab run --explain`), the job exercises' table
/// (`P1,0,8` lines, for the Streams lab's Type jobs).
pub fn problem_text(ex: &Exercise) -> String {
    match ex.kind {
        Kind::HeftMakespan | Kind::RankU | Kind::FirstProcessor => dag(ex.seed).to_json(),
        Kind::FcfsWait | Kind::SrptWait | Kind::RrWait => jobs(ex.seed)
            .jobs
            .iter()
            .enumerate()
            .map(|(j, job)| format!("P{},{},{}\n", j + 1, short(job.arrival), short(job.size())))
            .collect(),
    }
}

/// The exercise, posed: its problem, question, answer and explanation.
pub fn pose(ex: &Exercise) -> Result<Posed, String> {
    match ex.kind {
        Kind::HeftMakespan | Kind::RankU | Kind::FirstProcessor => pose_dag(ex),
        Kind::FcfsWait | Kind::SrptWait | Kind::RrWait => pose_jobs(ex),
    }
}

fn pose_dag(ex: &Exercise) -> Result<Posed, String> {
    let scenario = dag(ex.seed);
    let problem = Problem::new(&scenario).map_err(|e| e.to_string())?;
    let heft =
        schedlab_core::sched::build("heft", &Default::default()).map_err(|e| e.to_string())?;
    let (plan, why) = heft.explain(&problem, 0);
    // The problem: the cost matrix and the edges with their data.
    let mut costs = Table::new(
        std::iter::once(Column::new("task", "task", "", Screen::Short))
            .chain(
                problem
                    .proc_names
                    .iter()
                    .map(|p| Column::new(p, p, "", Screen::Short)),
            )
            .collect(),
    );
    for t in 0..problem.n_tasks() {
        let mut row = vec![problem.task_names[t].as_str().into()];
        row.extend((0..problem.n_procs()).map(|p| problem.exec(t, p).into()));
        costs.push(row);
    }
    let mut text = html::para(
        "hint",
        "",
        "Execution time of each task on each processor; an edge's data takes as long to move between two different processors (0 on the same one).",
    );
    text.push_str(&html::table(
        &costs,
        html::Marks {
            testid: "exercise-costs",
            ..Default::default()
        },
    ));
    let edges: Vec<String> = scenario
        .edges
        .iter()
        .map(|e| format!("{} → {} ({})", e.from, e.to, short(e.data)))
        .collect();
    text.push_str(&html::para(
        "",
        "exercise-edges",
        &format!("Edges (data): {}", edges.join(", ")),
    ));
    let explanation = crate::labs::dag::explain::panel_html(&problem, &why, "heft", 0, None)
        + &html::para(
            "",
            "",
            &format!("HEFT's makespan: {}.", short(plan.makespan())),
        );
    let (question, answer) = match ex.kind {
        Kind::HeftMakespan => (
            "What is HEFT's makespan (with insertion)?".to_string(),
            Answer::Number(plan.makespan()),
        ),
        Kind::RankU => {
            let t = (ex.seed % 6) as usize;
            let rank = why.table("rank_u").map_or(f64::NAN, |r| r[t]);
            (
                format!(
                    "What is the upward rank of {} (mean costs and mean transfer times)?",
                    problem.task_names[t]
                ),
                Answer::Number(rank),
            )
        }
        _ => (
            "On which processor does HEFT place n1?".to_string(),
            Answer::Name(problem.proc_names[why.decisions[0].proc].clone()),
        ),
    };
    Ok(Posed {
        problem: text,
        question,
        answer,
        explanation,
    })
}

fn pose_jobs(ex: &Exercise) -> Result<Posed, String> {
    let stream = jobs(ex.seed);
    let (id, name) = match ex.kind {
        Kind::FcfsWait => ("fcfs", "FCFS"),
        Kind::SrptWait => ("srpt", "SRPT (shortest remaining time first, preemptive)"),
        _ => ("rr:2", "round robin with quantum 2"),
    };
    let policy = Policy::parse(id).map_err(|e| e.to_string())?;
    let run = simulate(&stream, policy).map_err(|e| e.to_string())?;
    let mut given = Table::new(vec![
        Column::new("job", "job", "", Screen::Short),
        Column::new("arrival", "arrival", "", Screen::Short),
        Column::new("burst", "burst", "", Screen::Short),
    ]);
    let mut result = Table::new(vec![
        Column::new("job", "job", "", Screen::Short),
        Column::new("start", "start", "", Screen::Short),
        Column::new("completion", "completion", "", Screen::Short),
        Column::new("turnaround", "turnaround", "", Screen::Short),
        Column::new("waiting", "waiting", "", Screen::Short),
    ]);
    let mut waits = 0.0;
    for (j, job) in stream.jobs.iter().enumerate() {
        let name = format!("P{}", j + 1);
        given.push(vec![
            name.as_str().into(),
            job.arrival.into(),
            job.size().into(),
        ]);
        let start = run
            .segments
            .iter()
            .filter(|s| s.job == j)
            .map(|s| s.start)
            .fold(f64::INFINITY, f64::min);
        let turnaround = run.completion[j] - job.arrival;
        let waiting = turnaround - job.size();
        waits += waiting;
        result.push(vec![
            name.as_str().into(),
            start.into(),
            run.completion[j].into(),
            turnaround.into(),
            waiting.into(),
        ]);
    }
    let mean = waits / stream.jobs.len() as f64;
    let mut order = String::new();
    for s in &run.segments {
        let _ = write!(
            order,
            "P{} {}–{}  ",
            s.job + 1,
            short(s.start),
            short(s.end)
        );
    }
    let explanation = html::para("", "", &format!("On the machine: {}", order.trim_end()))
        + &html::table(&result, html::Marks { testid: "exercise-jobs-result", ..Default::default() })
        + &html::para(
            "",
            "",
            &format!(
                "Waiting = turnaround − burst; turnaround = completion − arrival. Average waiting time: {}.",
                short(mean)
            ),
        );
    Ok(Posed {
        problem: html::para("hint", "", "Five jobs on one machine (times in ms):")
            + &html::table(
                &given,
                html::Marks {
                    testid: "exercise-jobs",
                    ..Default::default()
                },
            ),
        question: format!("What is the average waiting time under {name}?"),
        answer: Answer::Number(mean),
        explanation,
    })
}

/// Whether `given` answers `answer`: a number within [`TOLERANCE`], or the name without
/// regard to case; one line saying why not when it is not an answer at all.
pub fn check(answer: &Answer, given: &str) -> Result<bool, String> {
    let given = given.trim();
    match answer {
        Answer::Number(v) => {
            let g = schedlab_core::util::parse_f64(given)
                .filter(|g| g.is_finite())
                .ok_or_else(|| format!("'{given}' is not a number"))?;
            Ok((g - v).abs() <= TOLERANCE)
        }
        Answer::Name(n) => Ok(given.eq_ignore_ascii_case(n)),
    }
}

/// The exercise panel's body as HTML: the set's stepper (`data-step`), buttons that add a
/// new exercise of each kind (`data-kind`) and remove this one (`data-remove`), the
/// problem and question, the answer field with Check (`data-check`) and Reveal
/// (`data-reveal`), the verdict, and once revealed the explanation.
pub fn panel_html(
    set: &[Exercise],
    k: usize,
    given: &str,
    verdict: Option<Result<bool, String>>,
    revealed: bool,
) -> String {
    let mut out = html::para(
        "hint",
        "",
        "Predict, then reveal: answer first, then see how the scheduler decided. Add exercises to make a set; Copy link shares it (answers stay in each browser).",
    );
    out.push_str("<div class=\"stepper\">");
    for (i, (_, label)) in KINDS.iter().enumerate() {
        out.push_str(&html::button(
            &format!("exercise-new-{i}"),
            "kind",
            i,
            set.len() >= MAX_EXERCISES,
            &format!("+ {label}"),
        ));
    }
    out.push_str("</div>");
    let Some(ex) = set.get(k.min(set.len().saturating_sub(1))) else {
        return out;
    };
    let k = k.min(set.len() - 1);
    out.push_str("<div class=\"stepper\">");
    out.push_str(&html::button(
        "exercise-prev",
        "step",
        k.saturating_sub(1),
        k == 0,
        "◀",
    ));
    let _ = write!(
        out,
        "<span data-testid=\"exercise-step\">Exercise {} of {}</span>",
        k + 1,
        set.len()
    );
    out.push_str(&html::button(
        "exercise-next",
        "step",
        k + 1,
        k + 1 >= set.len(),
        "▶",
    ));
    out.push_str(&html::button(
        "exercise-remove",
        "remove",
        k,
        false,
        "Remove",
    ));
    out.push_str("</div>");
    let posed = match pose(ex) {
        Ok(p) => p,
        Err(e) => return out + &html::para("error", "", &e),
    };
    out.push_str(&posed.problem);
    out.push_str(&html::para(
        "question",
        "exercise-question",
        &posed.question,
    ));
    let _ = write!(
        out,
        "<div class=\"stepper\"><input type=\"text\" data-testid=\"exercise-answer\" aria-label=\"Your answer\" value=\"{}\">",
        escape(given)
    );
    out.push_str(&html::button("exercise-check", "check", k, false, "Check"));
    out.push_str(&html::button(
        "exercise-reveal",
        "reveal",
        k,
        revealed,
        "Reveal",
    ));
    out.push_str("</div>");
    match verdict {
        Some(Ok(true)) => out.push_str(&html::para("right", "exercise-verdict", "Right.")),
        Some(Ok(false)) => out.push_str(&html::para(
            "wrong",
            "exercise-verdict",
            &format!("Not quite: {given} is not it. Try again, or reveal."),
        )),
        Some(Err(e)) => out.push_str(&html::para("error", "exercise-verdict", &e)),
        None => {}
    }
    if revealed {
        let answer = match &posed.answer {
            Answer::Number(v) => short(*v),
            Answer::Name(n) => n.clone(),
        };
        out.push_str(&html::para(
            "",
            "exercise-answer-shown",
            &format!("Answer: {answer}"),
        ));
        out.push_str(&posed.explanation);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exercises_are_seeded_small_and_answerable() {
        for seed in 0..200 {
            let s = dag(seed);
            assert_eq!(s.tasks.len(), 6);
            assert!((2..=3).contains(&s.processors.len()));
            assert_eq!(s, dag(seed), "seeded");
            Problem::new(&s).unwrap();
            for (kind, _) in KINDS {
                let p = pose(&Exercise { kind, seed }).unwrap();
                match &p.answer {
                    Answer::Number(v) => {
                        assert!(v.is_finite() && *v >= 0.0, "{kind:?} {seed}");
                        assert_eq!(check(&p.answer, &short(*v)), Ok(true));
                        assert_eq!(check(&p.answer, &format!("{}", v + 0.5)), Ok(false));
                    }
                    Answer::Name(n) => {
                        assert!(check(&p.answer, &n.to_lowercase()).unwrap());
                    }
                }
            }
        }
        assert!(check(&Answer::Number(1.0), "one")
            .unwrap_err()
            .contains("not a number"));
    }

    #[test]
    fn the_problem_files_read_back_as_the_same_problem() {
        for seed in 0..50 {
            let text = problem_text(&Exercise {
                kind: Kind::HeftMakespan,
                seed,
            });
            assert_eq!(Scenario::from_json(&text).unwrap(), dag(seed));
            let table = problem_text(&Exercise {
                kind: Kind::FcfsWait,
                seed,
            });
            let t = schedlab_core::stream::trace::parse("typed", &table).unwrap();
            let s = jobs(seed);
            assert_eq!(
                t.arrivals,
                s.jobs.iter().map(|j| j.arrival).collect::<Vec<_>>()
            );
            assert_eq!(
                t.sizes.unwrap(),
                s.jobs.iter().map(|j| j.size()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn the_waiting_times_are_the_textbook_ones() {
        // Seed 3's jobs, checked by hand against the definitions (FCFS: in arrival order).
        let s = jobs(3);
        let p = pose(&Exercise {
            kind: Kind::FcfsWait,
            seed: 3,
        })
        .unwrap();
        let mut t = 0.0f64;
        let mut total = 0.0;
        for j in &s.jobs {
            t = t.max(j.arrival);
            total += t - j.arrival;
            t += j.size();
        }
        assert_eq!(p.answer, Answer::Number(total / 5.0));
        // SRPT never waits longer on average than FCFS (it minimises mean flow time).
        let srpt = pose(&Exercise {
            kind: Kind::SrptWait,
            seed: 3,
        })
        .unwrap();
        match (srpt.answer, p.answer) {
            (Answer::Number(a), Answer::Number(b)) => assert!(a <= b + 1e-9),
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_panel_marks_right_and_wrong_and_reveals_the_explanation() {
        let set = [
            Exercise {
                kind: Kind::HeftMakespan,
                seed: 7,
            },
            Exercise {
                kind: Kind::RrWait,
                seed: 1,
            },
        ];
        let html = panel_html(&set, 0, "", None, false);
        assert!(html.contains("Exercise 1 of 2") && html.contains("What is HEFT"));
        assert!(!html.contains("rank-table"), "nothing revealed yet");
        let Answer::Number(v) = pose(&set[0]).unwrap().answer else {
            unreachable!()
        };
        let right = panel_html(&set, 0, &short(v), Some(Ok(true)), true);
        assert!(right.contains(">Right.<") && right.contains("rank-table"));
        let wrong = panel_html(&set, 1, "<b>", Some(Ok(false)), false);
        assert!(
            wrong.contains("&lt;b&gt; is not it") && wrong.contains("round robin with quantum 2")
        );
    }
}
