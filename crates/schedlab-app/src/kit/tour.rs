//! The guided tour (issue 12): per lab, a few steps over its preset, each pointing at a
//! control (by its test id) and saying what to watch. The page shows a lab's tour on the
//! first visit, lets it be skipped, and does not show it again once dismissed (a flag in
//! the browser's storage); the header's Tour button starts it over.

use std::fmt::Write;

use crate::kit::html::escape;
use crate::state::Lab;

/// One step: the control pointed at (its `data-testid`) and what to watch there.
pub struct Step {
    pub target: &'static str,
    pub text: &'static str,
}

const fn step(target: &'static str, text: &'static str) -> Step {
    Step { target, text }
}

static DAG: [Step; 5] = [
    step("dag-editor", "The task graph; an edge's number is the data it sends. Drag tasks, double-click to add one."),
    step("scheduler-select", "HEFT takes tasks by upward rank and puts each where it finishes first. Add another to compare."),
    step("gantt", "A row per processor: play it, step with Prev and Next, zoom with + and −."),
    step("explain-panel-toggle", "The ranks and every decision, with the finish time on each processor."),
    step("noise-sigma", "Add noise: the plan (outlines) and what happened drift apart."),
];

static STREAMS: [Step; 4] = [
    step(
        "streams-policy",
        "The policy picks who runs. SRPT (least remaining work first) is optimal on one machine.",
    ),
    step(
        "streams-gantt",
        "A colour per job; red notches are preemptions, triangles arrivals.",
    ),
    step(
        "step-through-toggle",
        "What each job looked like to the policy at the playhead, and the queues.",
    ),
    step(
        "mean-flow-0",
        "Mean flow time, arrival to completion: compare the policies here.",
    ),
];

static SERVING: [Step; 4] = [
    step("serving-router", "The router sends each request to an instance. DualMap hashes its prefix to two candidates."),
    step("serving-gantt", "Prefills coloured by prompt prefix; paler means more was cached."),
    step("ttft-p50-0", "Time to first token (median); SLO attainment further right."),
    step("serving-capacity-panel-toggle", "The highest request rate each router serves within the SLO."),
];

/// A lab's tour.
pub fn steps(lab: Lab) -> &'static [Step] {
    match lab {
        Lab::Dag => &DAG,
        Lab::Streams => &STREAMS,
        Lab::Serving => &SERVING,
    }
}

/// The browser-storage key that says a lab's tour was dismissed.
pub fn seen_key(lab: Lab) -> String {
    format!("schedlab.tour.{lab:?}")
}

/// Step `i`'s card: "i of n", the text, and Back / Next (Done on the last) / Skip as
/// `data-act` buttons.
pub fn card_html(lab: Lab, i: usize) -> String {
    let all = steps(lab);
    let Some(s) = all.get(i) else {
        return String::new();
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<p class=\"tour-count\">Tour · {} of {}</p><p data-testid=\"tour-text\">{}</p><div class=\"tour-buttons\">",
        i + 1,
        all.len(),
        escape(s.text)
    );
    if i > 0 {
        out.push_str("<button data-act=\"back\" data-testid=\"tour-back\">‹ Back</button>");
    }
    out.push_str(if i + 1 < all.len() {
        "<button class=\"primary\" data-act=\"next\" data-testid=\"tour-next\">Next ›</button>"
    } else {
        "<button class=\"primary\" data-act=\"skip\" data-testid=\"tour-next\">Done</button>"
    });
    out.push_str("<button data-act=\"skip\" data-testid=\"tour-skip\">Skip tour</button></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lab_has_a_short_tour_whose_cards_step_through() {
        for lab in [Lab::Dag, Lab::Streams, Lab::Serving] {
            let all = steps(lab);
            assert!((3..=6).contains(&all.len()));
            let first = card_html(lab, 0);
            assert!(first.contains(&format!("1 of {}", all.len())));
            assert!(!first.contains("tour-back") && first.contains("Next ›"));
            let last = card_html(lab, all.len() - 1);
            assert!(last.contains("tour-back") && last.contains(">Done<"));
            assert!(card_html(lab, all.len()).is_empty());
            assert!(all
                .iter()
                .all(|s| s.text.len() < 160 && !s.target.is_empty()));
        }
        assert_eq!(seen_key(Lab::Serving), "schedlab.tour.Serving");
    }
}
