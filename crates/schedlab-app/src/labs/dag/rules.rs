//! The DAG lab's rule editor (issue 14): a custom list scheduler is a registry spelling,
//! `rule:priority=EXPR:placement=eft|est|min_exec|EXPR`, kept as the column's scheduler id
//! so it travels in the link and runs in compare like any entry. Each field is checked on
//! its own as the user types, so an error points into the text they are editing.

use schedlab_core::rule::Var;
use schedlab_core::sched::rule::{PLACEMENT_VARS, PRIORITY_VARS};

/// The placements that are not expressions.
pub const PLACEMENTS: [&str; 3] = ["eft", "est", "min_exec"];

/// Examples the editor offers: (label, priority, placement).
pub const EXAMPLES: &[(&str, &str, &str)] = &[
    ("HEFT", "rank_u", "eft"),
    ("CPOP's priority", "rank_u + rank_d", "eft"),
    ("Largest task first", "max_cost", "eft"),
    ("Most successors first", "out_degree + rank_u / 1000", "est"),
    (
        "HEFT, fewer busy processors",
        "rank_u",
        "finish + 0.5 * load",
    ),
];

/// One edited rule: its two fields as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub priority: String,
    pub placement: String,
}

/// A field's problem: which field, the engine's one-line message, and the 1-based
/// character the message points at (for the caret under the text).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
    pub pos: Option<usize>,
}

impl Draft {
    /// The draft of a column's scheduler id (`rule`, or a `rule:…` spelling); the entry's
    /// defaults for what the spelling leaves out.
    pub fn of(id: &str) -> Draft {
        let options = schedlab_core::sched::parse(id)
            .map(|(_, o)| o)
            .unwrap_or_default();
        let get = |k: &str, d: &str| options.get(k).cloned().unwrap_or_else(|| d.into());
        Draft {
            priority: get("priority", "rank_u"),
            placement: get("placement", "eft"),
        }
    }

    /// Checks both fields; the scheduler id to run when they are good. The registry builds
    /// the spelling as a run and a link would; the rule scheduler parses each field on its
    /// own, so a message's position points into the field it names.
    pub fn check(&self) -> Result<String, Problem> {
        let (priority, placement) = (self.priority.trim(), self.placement.trim());
        no_colon("priority", "priority", priority)?;
        no_colon("placement", "placement", placement)?;
        let id = format!("rule:priority={priority}:placement={placement}");
        match schedlab_core::sched::build(&id, &Default::default()) {
            Ok(_) => Ok(id),
            Err(e) => Err(problem_of(e.to_string())),
        }
    }
}

impl Draft {
    /// [`Draft::check`], then a trial run on `dag`: what fails only when it runs (a
    /// division by zero on some task, `log` of 0) is refused here, in the editor, rather
    /// than replacing the last good run with an error.
    /// `options`: the lab's shared options (saga's communication averaging, insertion),
    /// which the run will apply too.
    pub fn check_on(
        &self,
        dag: &schedlab_core::Problem,
        options: &schedlab_core::sched::Options,
    ) -> Result<String, Problem> {
        let id = self.check()?;
        let run = schedlab_core::sched::build(&id, options).and_then(|s| s.try_schedule(dag, 0));
        match run {
            Ok(_) => Ok(id),
            Err(e) => Err(problem_of(e.to_string())),
        }
    }
}

/// Refuses a ':' in a rule's text, where it is: it would end the field inside the registry
/// spelling (`what`: the family's name in the message, `policy`, `router`, `priority`).
pub fn no_colon(field: &'static str, what: &str, text: &str) -> Result<(), Problem> {
    match text.chars().position(|c| c == ':') {
        Some(k) => Err(Problem {
            field,
            message: format!("{what} rule: ':' at {} is not part of a rule", k + 1),
            pos: Some(k + 1),
        }),
        None => Ok(()),
    }
}

/// A rule's message as a field's problem: the field it names first, the position it gives.
pub fn problem_of(message: String) -> Problem {
    Problem {
        field: if message.contains("placement rule") {
            "placement"
        } else {
            "priority"
        },
        pos: position(&message),
        message,
    }
}

/// The position a rule error names (`… at 10 …`): the first ` at N` in the message (a
/// task name quoted after it may hold another).
fn position(message: &str) -> Option<usize> {
    message.match_indices(" at ").find_map(|(i, _)| {
        let digits: String = message[i + 4..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

/// The variables a field may read, for the editor's list.
pub fn variables(field: &str) -> &'static [Var] {
    if field == "placement" {
        PLACEMENT_VARS
    } else {
        PRIORITY_VARS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;
    use schedlab_core::Problem as Dag;

    #[test]
    fn a_good_rule_becomes_a_spelling_that_runs_as_heft() {
        let d = Draft::of("rule");
        assert_eq!(d.priority, "rank_u");
        let id = d.check().unwrap();
        assert_eq!(id, "rule:priority=rank_u:placement=eft");
        assert_eq!(Draft::of(&id), d);
        let dag = Dag::new(&presets::find("topcuoglu2002").unwrap().scenario()).unwrap();
        let plan = schedlab_core::sched::build(&id, &Default::default())
            .unwrap()
            .try_schedule(&dag, 0)
            .unwrap();
        assert_eq!(plan.makespan(), 80.0);
    }

    #[test]
    fn errors_name_the_field_and_point_into_it() {
        let d = Draft {
            priority: "2 * rnk_u".into(),
            placement: "eft".into(),
        };
        let p = d.check().unwrap_err();
        assert_eq!(p.field, "priority");
        assert_eq!(p.pos, Some(5), "{}", p.message);
        assert!(p.message.contains("did you mean 'rank_u'"), "{}", p.message);
        let d = Draft {
            priority: "rank_u".into(),
            placement: "finish +".into(),
        };
        let p = d.check().unwrap_err();
        assert_eq!((p.field, p.pos), ("placement", Some(9)), "{}", p.message);
        let d = Draft {
            priority: "rank_u:placement=est".into(),
            placement: "eft".into(),
        };
        assert_eq!(d.check().unwrap_err().pos, Some(7));
        for empty in ["", "   "] {
            let d = Draft {
                priority: empty.into(),
                placement: "eft".into(),
            };
            assert!(d.check().unwrap_err().message.contains("empty"));
        }
    }

    #[test]
    fn what_fails_only_when_it_runs_is_refused_before_it_replaces_the_run() {
        let dag = Dag::new(&presets::find("topcuoglu2002").unwrap().scenario()).unwrap();
        let d = Draft {
            priority: "rank_u / (in_degree - in_degree)".into(),
            placement: "eft".into(),
        };
        assert!(d.check().is_ok(), "it parses");
        let p = d.check_on(&dag, &Default::default()).unwrap_err();
        assert_eq!((p.field, p.pos), ("priority", Some(8)), "{}", p.message);
        assert!(p.message.contains("division by zero"), "{}", p.message);
        let d = Draft {
            priority: "rank_u".into(),
            placement: "log(load)".into(),
        };
        let p = d.check_on(&dag, &Default::default()).unwrap_err();
        assert_eq!((p.field, p.pos), ("placement", Some(1)), "{}", p.message);
        // The lab's options apply to the trial as to the run.
        let d = Draft {
            priority: "rank_u".into(),
            placement: "eft".into(),
        };
        let mut o = schedlab_core::sched::Options::new();
        o.insert("insertion".into(), "maybe".into());
        assert!(
            d.check_on(&dag, &o).is_err(),
            "a bad shared option is the run's error too"
        );
        let d = Draft {
            priority: "rank_u".into(),
            placement: " ".into(),
        };
        assert_eq!(d.check().unwrap_err().field, "placement");
    }

    #[test]
    fn every_example_is_a_good_rule() {
        let dag = Dag::new(&presets::find("topcuoglu2002").unwrap().scenario()).unwrap();
        for (label, priority, placement) in EXAMPLES {
            let id = Draft {
                priority: priority.to_string(),
                placement: placement.to_string(),
            }
            .check()
            .unwrap_or_else(|p| panic!("{label}: {}", p.message));
            let plan = schedlab_core::sched::build(&id, &Default::default())
                .unwrap()
                .try_schedule(&dag, 0)
                .unwrap();
            schedlab_core::check::check_plan(&dag, &plan)
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            if *priority == "rank_u" && *placement == "eft" {
                assert_eq!(plan.makespan(), 80.0, "{label}");
            }
        }
    }
}
