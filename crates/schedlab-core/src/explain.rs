//! Why a static scheduler placed each task where it did (issue 12): decision records made
//! by the schedule builder, so every list scheduler explains itself through the same code.
//!
//! Recording is off by default ([`crate::schedule::Builder::new`]); a builder made with
//! [`crate::schedule::Builder::recording`] keeps, at each placement, the ready tasks with
//! their priorities, the task chosen, and for every processor that can run it the data-ready
//! time, the earliest start and finish (in the idle gap insertion would use), the processor
//! chosen and the rule that chose it. Schedulers add their own tables (upward and downward
//! ranks, PEFT's optimistic costs, the learned policy's scores) and CPOP its critical path.

use serde::Serialize;

/// Ready tasks kept per decision (the lowest-numbered; [`Decision::ready_total`] counts
/// them all): a graph of thousands of independent tasks would otherwise record n²/2.
pub const MAX_READY_RECORDED: usize = 64;

/// Task × processor pairs a recorded run may have: every decision keeps every processor,
/// so this bounds the records (and `--explain`'s output, about 500 bytes of JSON a pair).
pub const MAX_RECORDED_PAIRS: usize = 250_000;

/// One processor as a decision saw it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Candidate {
    pub proc: usize,
    /// When all of the task's inputs would be on this processor.
    pub data_ready: f64,
    /// The earliest start and finish there (by the scheduler's own placement rule: the
    /// first idle gap that fits, or after the last task).
    pub start: f64,
    pub finish: f64,
    /// The start is in an idle gap before the processor's last task (insertion).
    pub gap: bool,
}

/// Completion times recorded in a whole run ([`Score`] rows × processors), beyond which
/// decisions keep none: the matrix of a long run of wide ready sets would otherwise grow as
/// n × |ready| × m.
pub const MAX_RECORDED_SCORES: usize = 2_000_000;

/// One ready task's row of the completion-time matrix a batch-mode mapping heuristic
/// (MinMin, MaxMin, Sufferage) compared at a decision: its earliest completion on every
/// processor (infinite where it cannot run).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub task: usize,
    pub finish: Vec<f64>,
}

impl Score {
    /// The earliest completion and its processor; the earliest on any other processor.
    pub fn best(&self) -> (usize, f64, f64) {
        let mut best = (0, f64::INFINITY);
        let mut second = f64::INFINITY;
        for (p, &f) in self.finish.iter().enumerate() {
            if f < best.1 {
                second = best.1;
                best = (p, f);
            } else if f < second {
                second = f;
            }
        }
        (best.0, best.1, second)
    }
}

/// One placement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// 0 for the first placement.
    pub step: usize,
    pub task: usize,
    /// The task's priority, for schedulers that order tasks by one.
    pub priority: Option<f64>,
    /// The tasks ready at this step (every predecessor placed), the chosen one included,
    /// in task order: the first [`MAX_READY_RECORDED`] (and the chosen one).
    pub ready: Vec<usize>,
    /// How many tasks were ready.
    pub ready_total: usize,
    /// Every processor that can run the task.
    pub candidates: Vec<Candidate>,
    /// Where it went.
    pub proc: usize,
    pub start: f64,
    pub finish: f64,
    /// Why there ("earliest finish time", "critical-path processor", …).
    pub rule: &'static str,
    /// The completion-time matrix the rule compared (MinMin, MaxMin, Sufferage): a row per
    /// ready task, the first [`MAX_READY_RECORDED`] and the chosen one; empty for the other
    /// schedulers (ETF included).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<Score>,
}

/// A named value per task (`rank_u`, `rank_d`, `rank_oct`, `oct:P1`…).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub name: String,
    pub values: Vec<f64>,
}

/// Everything a scheduler recorded while planning.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Explanation {
    pub decisions: Vec<Decision>,
    pub tables: Vec<Table>,
    /// CPOP: the critical path's tasks (from entry to exit) and the processor it runs on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub critical_path: Option<(Vec<usize>, Option<usize>)>,
}

impl Explanation {
    /// The table called `name`, if recorded.
    pub fn table(&self, name: &str) -> Option<&[f64]> {
        self.tables
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.values.as_slice())
    }
}

/// What a recording builder keeps besides the plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recorder {
    /// Candidates are evaluated with insertion (the scheduler says which it uses).
    pub insertion: bool,
    /// Priority per task (empty: the scheduler has none).
    pub priority: Vec<f64>,
    /// The rule of the next placement, and the scheduler's usual rule.
    pub rule: &'static str,
    pub default_rule: &'static str,
    /// Predecessors not yet placed, per task; the ready tasks, and each one's position
    /// among them (removal in O(1)).
    pub missing: Vec<usize>,
    pub ready: Vec<usize>,
    pub ready_pos: Vec<usize>,
    /// Scratch for the selection of the ready tasks kept.
    pub scratch: Vec<usize>,
    /// The next decision's completion-time rows, and how many more a run may keep.
    pub scores: Vec<Score>,
    pub scores_used: usize,
    pub out: Explanation,
}
