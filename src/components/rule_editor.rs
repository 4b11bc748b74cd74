//! What the labs' rule editors share (issue 14): each editor is HTML text drawn by its lab
//! (a Leptos view per field measured several KB more of bundle) with one delegated input
//! and change handler; these helpers write its fields, examples and variable list, read
//! which field an event came from, show a problem with a caret under the character it
//! names, and put the keyboard back after the editors redraw.

use leptos::prelude::*;
use schedlab_app::kit::html::escape;
use schedlab_app::labs::dag::rules::Problem;
use schedlab_core::rule::Var;
use wasm_bindgen::JsCast;

/// A text field of editor `i`: `name` is what [`target`] reports, `testid` is `{testid}-{i}`.
pub fn field(name: &str, label: &str, testid: &str, i: usize, value: &str, aria: &str) -> String {
    format!(
        "<label class=\"field\"><span>{label}</span><input type=\"text\" name=\"{name}\" spellcheck=\"false\" autocomplete=\"off\" list=\"{testid}s-{i}\" data-testid=\"{testid}-{i}\" aria-label=\"{aria} ({})\" value=\"{}\"></label>",
        i + 1,
        escape(value)
    )
}

/// The examples picker (`name="example"`, the option's value its index) and the empty
/// message line `{testid}-error-{i}`.
pub fn examples(testid: &str, i: usize, labels: impl Iterator<Item = String>) -> String {
    let options: String = labels
        .enumerate()
        .map(|(k, l)| format!("<option value=\"{k}\">{}</option>", escape(&l)))
        .collect();
    format!(
        "<label class=\"field\"><span>Examples</span><select name=\"example\" data-testid=\"{testid}-example-{i}\" aria-label=\"Example rules\"><option value=\"\" selected disabled>Pick one…</option>{options}</select></label><pre class=\"rule-error\" role=\"alert\" data-testid=\"{testid}-error-{i}\"></pre>"
    )
}

/// "What a rule may read": a paragraph, then each list of variables with one line each.
pub fn help(intro: &str, lists: &[(&str, &[Var])]) -> String {
    let mut out = format!(
        "<details class=\"rule-help\"><summary>What a rule may read</summary><p>{intro} Numbers, + − × ÷, min max abs log sqrt exp, comparisons, and or not, if … then … else.</p>"
    );
    for (title, vars) in lists {
        out += &format!("<h4>{title}</h4><dl>");
        for v in *vars {
            out += &format!("<dt>{}</dt><dd>{}</dd>", v.name, escape(v.help));
        }
        out += "</dl>";
    }
    out + "</details>"
}

/// The options editor of column `i` running `entry` spelled `id` (`rr:0.2`): one field
/// (`name="opts"`, `{testid}-{i}`) with the options after the id, what each option takes,
/// and the message line `{testid}-error-{i}`.
pub fn options<M>(
    entry: &schedlab_core::registry::Entry<M>,
    id: &str,
    testid: &str,
    i: usize,
) -> String {
    use schedlab_app::kit::color::{hex, series_color};
    let given = id.split_once(':').map_or("", |(_, o)| o);
    let mut out = format!(
        "<div class=\"rule-editor\" data-col=\"{i}\" data-testid=\"{testid}-editor-{i}\"><span class=\"swatch\" style=\"background:{}\"></span>{}",
        hex(series_color(i)),
        field(
            "opts",
            &format!("{} options", escape(entry.name)),
            testid,
            i,
            given,
            "Options, in order or as key=value"
        )
    );
    for o in entry.options {
        out += &format!(
            "<p class=\"hint\"><code>{}</code> ({}, default {}): {}</p>",
            o.key,
            escape(&o.values.describe()),
            escape(&o.values.default_text()),
            escape(o.help)
        );
    }
    out + &format!(
        "<pre class=\"rule-error\" role=\"alert\" data-testid=\"{testid}-error-{i}\"></pre></div>"
    )
}

/// An event in a lab's one-field editors (`{lab}-rule-{i}` with its examples, or the
/// options `{lab}-opts-{i}`): an example picked writes its text into the rule field; the
/// field is checked by `check(kind, i, text)` (`kind`: "rule" or "opts") and its message
/// shown; on change, when good, the column and the id to apply (the keyboard goes back
/// where it was once the editors redraw).
pub fn settle(
    ev: &web_sys::Event,
    change: bool,
    lab: &str,
    examples: &[(&str, &str)],
    check: &dyn Fn(&str, usize, &str) -> Result<String, Problem>,
) -> Option<(usize, String)> {
    let (name, i) = target(ev)?;
    let kind = if name == "opts" { "opts" } else { "rule" };
    let field = input(&format!("{lab}-{kind}-{i}"))?;
    if name == "example" {
        let (_, r) = examples.get(
            event_target_value(ev)
                .parse::<usize>()
                .unwrap_or(usize::MAX),
        )?;
        field.set_value(r);
    }
    let text = field.value();
    let checked = check(kind, i, &text);
    show(
        &format!("{lab}-{kind}-error-{i}"),
        &text,
        checked.as_ref().err(),
    );
    let id = checked.ok().filter(|_| change)?;
    let back = if name == "example" {
        "rule-example"
    } else {
        kind
    };
    refocus(format!("{lab}-{back}-{i}"));
    Some((i, id))
}

/// A column's spelling with the options typed for it: `rr` and `0.2` give `rr:0.2`,
/// nothing typed gives the entry alone.
pub fn respell(current: &str, typed: &str) -> String {
    let base = current.split(':').next().unwrap_or_default();
    match typed.trim() {
        "" => base.to_string(),
        t => format!("{base}:{t}"),
    }
}

/// The field an event came from (its `name`) and the editor's column (`data-col` above it).
pub fn target(ev: &web_sys::Event) -> Option<(String, usize)> {
    let t = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let col = t.closest("[data-col]").ok()??.get_attribute("data-col")?;
    Some((t.get_attribute("name")?, col.parse().ok()?))
}

/// The text field with this test id.
pub fn input(testid: &str) -> Option<web_sys::HtmlInputElement> {
    document()
        .query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()??
        .dyn_into()
        .ok()
}

/// Shows `problem` (none: clears) in the message line `testid`: the field's text, a caret
/// under the character the message names, then the message.
pub fn show(testid: &str, text: &str, problem: Option<&Problem>) {
    if let Some(out) = document()
        .query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()
        .flatten()
    {
        // Positions count in the trimmed text the checks read; a position past it (a
        // message quoting typed text that itself reads "at N") draws no caret.
        let lead = text.chars().take_while(|c| c.is_whitespace()).count();
        let len = text.trim().chars().count();
        let shown = problem.map(|p| {
            let caret = p
                .pos
                .filter(|&k| (1..=len + 1).contains(&k))
                .map(|k| format!("{text}\n{}^\n", " ".repeat(lead + k - 1)))
                .unwrap_or_default();
            format!("{caret}{}", p.message)
        });
        out.set_text_content(Some(shown.as_deref().unwrap_or("")));
    }
}

/// Focuses the element with this test id once the editors have redrawn.
pub fn refocus(testid: String) {
    request_animation_frame(move || {
        if let Some(Ok(el)) = document()
            .query_selector(&format!("[data-testid=\"{testid}\"]"))
            .ok()
            .flatten()
            .map(|el| el.dyn_into::<web_sys::HtmlElement>())
        {
            let _ = el.focus();
        }
    });
}
