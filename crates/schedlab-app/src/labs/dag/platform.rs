//! The Platform tab's processors and per-pair bandwidths as HTML text (`kit::html`): a row
//! per processor (name, kind, speed, remove), the new processor's kind and Add, and the
//! bandwidth matrix. Every field carries `data-f` (what it sets) and `data-p`/`data-q`
//! (which processors), so the page has one change handler and one click handler for all of
//! them, which call [`edit`]; a refusal names the field and changes nothing. The network's
//! default bandwidth and latency are form rows (`form::NETWORK`).

use schedlab_core::scenario::{LinkBandwidth, ProcKind, Scenario};

use crate::editor::Editor;
use crate::kit::html::escape;

/// The bandwidth matrix is drawn up to this many processors (a file's overrides beyond it
/// are kept).
pub const MAX_LINK_MATRIX: usize = 16;

fn kind_options(chosen: Option<ProcKind>) -> String {
    let mut out = String::new();
    for k in ProcKind::ALL {
        let sel = if Some(k) == chosen { " selected" } else { "" };
        out += &format!("<option value=\"{0}\"{sel}>{0}</option>", k.as_str());
    }
    out
}

/// The processors' table and the Add row.
pub fn processors_html(s: &Scenario) -> String {
    let mut out = String::from(
        "<table><thead><tr><th>name</th><th>kind</th><th>speed</th><th></th></tr></thead><tbody>",
    );
    for (p, proc) in s.processors.iter().enumerate() {
        out += &format!(
            "<tr><td><input aria-label=\"processor name\" data-f=\"name\" data-p=\"{p}\" data-testid=\"proc-name-{p}\" value=\"{}\"></td><td><select aria-label=\"processor kind\" data-f=\"kind\" data-p=\"{p}\" data-testid=\"proc-kind-{p}\">{}</select></td><td><input type=\"number\" min=\"0\" step=\"any\" aria-label=\"processor speed\" data-f=\"speed\" data-p=\"{p}\" data-testid=\"proc-speed-{p}\" value=\"{}\"></td><td><button class=\"link\" aria-label=\"Remove processor\" data-remove=\"{p}\" data-testid=\"proc-remove-{p}\">remove</button></td></tr>",
            escape(&proc.name),
            kind_options(Some(proc.kind)),
            proc.speed
        );
    }
    out + &format!(
        "</tbody></table><div class=\"row\"><select aria-label=\"kind of the new processor\" id=\"new-proc-kind\">{}</select><button data-testid=\"add-processor\" data-add=\"0\">Add processor</button></div>",
        kind_options(None)
    )
}

/// The bandwidth between every pair (empty: the default; `inf`: free transfers), or for a
/// larger platform how many overrides its file has.
pub fn links_html(s: &Scenario) -> String {
    let m = s.processors.len();
    if m > MAX_LINK_MATRIX {
        return if s.network.links.is_empty() {
            String::new()
        } else {
            format!(
                "<p class=\"hint\">{} per-pair link overrides from the file are kept.</p>",
                s.network.links.len()
            )
        };
    }
    let name = |p: usize| escape(&s.processors[p].name);
    let mut out = String::from("<h3>Bandwidth per pair</h3><p class=\"hint\">Empty = the default above; inf = infinite (free transfers).</p><table class=\"links\" data-testid=\"link-matrix\"><thead><tr><th></th>");
    for b in 0..m {
        out += &format!("<th>{}</th>", name(b));
    }
    out += "</tr></thead><tbody>";
    for a in 0..m {
        out += &format!("<tr><th>{}</th>", name(a));
        for b in 0..m {
            if b <= a {
                out += if a == b {
                    "<td class=\"diag\">—</td>"
                } else {
                    "<td class=\"diag\"></td>"
                };
                continue;
            }
            let (na, nb) = (&s.processors[a].name, &s.processors[b].name);
            let shown = match s
                .network
                .links
                .iter()
                .find(|l| (l.a == *na && l.b == *nb) || (l.a == *nb && l.b == *na))
                .map(|l| l.bandwidth)
            {
                Some(LinkBandwidth::Value(v)) => v.to_string(),
                Some(LinkBandwidth::Infinite) => "inf".into(),
                _ => String::new(),
            };
            out += &format!(
                "<td><input class=\"link-bw\" aria-label=\"bandwidth {} to {}\" data-f=\"link\" data-p=\"{a}\" data-q=\"{b}\" data-testid=\"link-{a}-{b}\" value=\"{shown}\"></td>",
                name(a),
                name(b)
            );
        }
        out += "</tr>";
    }
    out + "</tbody></table>"
}

/// Applies what a field of the tab asks (`field` its `data-f`, `p`/`q` its processors,
/// `value` the text committed) as one undoable edit; a refusal names the field.
pub fn edit(e: &mut Editor, field: &str, p: usize, q: usize, value: &str) -> Result<(), String> {
    let number = |what: &str| {
        schedlab_core::util::parse_f64(value.trim())
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{what} must be a number (got '{}')", value.trim()))
    };
    if field == "link" {
        let bw = match value.trim() {
            "" => LinkBandwidth::Inherit,
            "inf" | "∞" => LinkBandwidth::Infinite,
            _ => LinkBandwidth::Value(number("a bandwidth")?),
        };
        return e.set_link(p, q, bw);
    }
    let Some(proc) = e.state.scenario.processors.get(p) else {
        return Err("no such processor".into());
    };
    let (name, kind, speed) = (proc.name.clone(), proc.kind, proc.speed);
    match field {
        "name" => e.set_processor(p, value, kind, speed),
        "kind" => e.set_processor(
            p,
            &name,
            ProcKind::parse(value)
                .ok_or_else(|| format!("'{value}' is not a kind of processor"))?,
            speed,
        ),
        "speed" => e.set_processor(p, &name, kind, number("a speed")?),
        _ => Err(format!("unknown field '{field}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;
    use crate::state::AppState;

    #[test]
    fn the_tab_is_escaped_text_and_every_field_edits_or_is_refused() {
        let mut st = AppState::new(presets::ALL[0].scenario());
        st.scenario.processors[0].name = "<img onerror=x>".into();
        let html = processors_html(&st.scenario) + &links_html(&st.scenario);
        assert!(
            !html.contains("<img") && html.contains("&lt;img"),
            "names stay text"
        );
        let mut e = Editor::new(AppState::new(presets::ALL[0].scenario()));
        let s = &e.state.scenario;
        let html = processors_html(s) + &links_html(s);
        assert!(
            html.contains("data-testid=\"link-0-1\"")
                && html.contains("aria-label=\"bandwidth P2 to P3\"")
        );
        edit(&mut e, "speed", 1, 0, "2.5").unwrap();
        assert_eq!(e.state.scenario.processors[1].speed, 2.5);
        assert!(
            processors_html(&e.state.scenario).contains("value=\"2.5\""),
            "exact"
        );
        edit(&mut e, "kind", 1, 0, "gpu").unwrap();
        assert_eq!(e.state.scenario.processors[1].kind.as_str(), "gpu");
        edit(&mut e, "name", 2, 0, "Q3").unwrap();
        edit(&mut e, "link", 0, 2, "inf").unwrap();
        assert!(links_html(&e.state.scenario).contains("value=\"inf\""));
        edit(&mut e, "link", 0, 2, "").unwrap();
        assert!(!links_html(&e.state.scenario).contains("value=\"inf\""));
        let before = e.state.clone();
        for (f, v, msg) in [
            ("speed", "fast", "a speed must be a number (got 'fast')"),
            ("speed", "0", "speed"),
            ("kind", "tpu9", "'tpu9' is not a kind of processor"),
            ("link", "x", "a bandwidth must be a number (got 'x')"),
        ] {
            let err = edit(&mut e, f, 1, 2, v).unwrap_err();
            assert!(err.contains(msg), "{f}={v}: {err}");
            assert_eq!(e.state, before, "{f}={v} changed nothing");
        }
    }
}
