//! The labs' adversarial searches as the page runs them (issue 14, issue 17): a [`Hunt`] is
//! a search in progress that takes a slice of annealing steps at a time (the page draws
//! between slices), reports its best ratio and that ratio's history, and opens its worst
//! instance in the lab's state. A lab describes its search with a [`HuntKind`]; one
//! renderer draws every lab's panel (what is searched, Search/Stop, the best ratio, a step
//! chart of it, Open), so the DAG lab's "Find a bad instance" and the Streams and
//! Serving labs' "Worst case" share their face, their test ids (after the lab's prefix) and their code.

use crate::kit::html::{button, escape};
use crate::state::AppState;

/// A search in progress.
pub trait Hunt {
    /// One slice of steps; whether steps are left.
    fn slice(&mut self) -> bool;
    /// Steps taken and steps in all.
    fn progress(&self) -> (u64, u64);
    /// (step, best ratio) each time the best improved; the last is the best.
    fn history(&self) -> &[(u64, f64)];
    /// What the ratio divides, as text ("heft ÷ fastest_node").
    fn ratio_of(&self) -> String;
    /// Whether this search is for the state's settings (else a new one starts).
    fn is_for(&self, state: &AppState) -> bool;
    /// Opens the worst instance found in `state` (inside one undoable edit).
    fn open(&self, state: &mut AppState);
}

/// A lab's search: its test-id prefix, what it says before it starts (or why it cannot),
/// and how it starts.
pub struct HuntKind {
    pub prefix: &'static str,
    /// The intro (HTML) when a search can start here, else why not.
    pub intro: fn(&AppState) -> Result<String, String>,
    pub start: fn(&AppState) -> Result<Box<dyn Hunt>, String>,
}

/// How many steps the next slice takes: `slice`, or what is left of `total` after `done`.
pub fn next_slice(done: u64, total: u64, slice: u64) -> u64 {
    total.saturating_sub(done).min(slice)
}

/// The best ratio so far.
pub fn best(h: &dyn Hunt) -> f64 {
    h.history().last().map_or(1.0, |p| p.1)
}

/// The best ratio against steps, as a small inline SVG step line (x: steps, 0 to the
/// search's length; y: 1 to the best ratio).
fn chart(prefix: &str, history: &[(u64, f64)], now: u64, total: u64) -> String {
    const W: f64 = 240.0;
    const H: f64 = 60.0;
    let top = history.last().map_or(1.0, |h| h.1).max(1.01);
    let last = now.max(total).max(1) as f64;
    let x = |i: u64| i as f64 / last * W;
    let y = |r: f64| H - (r - 1.0).max(0.0) / (top - 1.0) * H;
    let mut points = String::new();
    let mut prev = history.first().map_or(1.0, |h| h.1);
    for &(i, r) in history {
        points += &format!("{:.1},{:.1} {:.1},{:.1} ", x(i), y(prev), x(i), y(r));
        prev = r;
    }
    points += &format!("{:.1},{:.1}", x(now), y(prev));
    format!(
        "<svg class=\"adversary-chart\" data-testid=\"{prefix}-chart\" viewBox=\"-2 -2 {} {}\" role=\"img\" aria-label=\"best ratio against steps: {top:.2} after {now}\"><line x1=\"0\" y1=\"{H}\" x2=\"{W}\" y2=\"{H}\"/><polyline points=\"{points}\"/><text x=\"2\" y=\"7\">{top:.2}×</text><text x=\"2\" y=\"{}\">1×</text><text x=\"{W}\" y=\"{}\" text-anchor=\"end\">{last} steps</text></svg>",
        W + 4.0,
        H + 14.0,
        H + 10.0,
        H + 10.0,
    )
}

/// The part of the panel a running search redraws after each slice (the rest, with its
/// buttons, stays put so a click or the keyboard focus is never lost under it): the worst
/// ratio so far and its chart.
pub fn live_html(prefix: &str, h: &dyn Hunt) -> String {
    let (now, total) = h.progress();
    let b = best(h);
    format!(
        "<p data-testid=\"{prefix}-status\" data-ratio=\"{b}\">After {now} steps: ratio <b>{b:.3}×</b> at worst ({}).{}</p>{}",
        escape(&h.ratio_of()),
        if now >= total { " Done: another seed searches again." } else { "" },
        chart(prefix, h.history(), now, total)
    )
}

/// The panel's body: what is searched, Search/Stop (Done at the end), the worst ratio so
/// far with its chart, Open.
pub fn panel_html(
    kind: &HuntKind,
    state: &AppState,
    hunt: Option<&dyn Hunt>,
    running: bool,
    message: &str,
) -> String {
    let p = kind.prefix;
    let intro = (kind.intro)(state);
    let mut out = format!("<p>{}</p>", intro.as_ref().unwrap_or_else(|why| why));
    let hunt = hunt.filter(|h| h.is_for(state));
    let done = hunt.is_some_and(|h| h.progress().0 >= h.progress().1);
    out += &button(
        &format!("{p}-run"),
        "run",
        0,
        intro.is_err() || done,
        if running {
            "Stop"
        } else if done {
            "Done"
        } else {
            "Search"
        },
    );
    if let Some(h) = hunt {
        out += &format!("<div data-testid=\"{p}-live\">{}</div>", live_html(p, h));
        out += &button(
            &format!("{p}-open"),
            "open",
            0,
            running,
            "Open the worst instance",
        );
    }
    if !message.is_empty() {
        out += &format!("<p class=\"rule-error\">{}</p>", escape(message));
    }
    out
}
