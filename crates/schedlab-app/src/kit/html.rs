//! Tables and panels as HTML text. A Leptos view monomorphises its build, rebuild and
//! mount code per view shape (an explain panel as views was 10 KB gzipped of the bundle);
//! a panel that is read, not edited, is rendered here as one string (set as the element's
//! `innerHTML`) by code shared with every other such panel, and its few controls are
//! buttons with `data-` attributes that one delegated click handler reads. Every piece of
//! text goes through [`escape`], so a task named `<img onerror=…>` in a link stays text.

use std::fmt::Write;

use super::table::Table;

/// `s` with `& < > " '` escaped, safe in element text and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How [`table`] marks up a table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Marks<'a> {
    /// The table's test id.
    pub testid: &'a str,
    /// Rows get the test id `{row_id}-{i}` (none when empty).
    pub row_id: &'a str,
    /// A row marked `selected` (the current one), and one marked `winner` (the choice).
    pub selected: Option<usize>,
    pub winner: Option<usize>,
    /// Headers are buttons with `data-sort="{column}"`.
    pub sortable: bool,
    /// At most this many rows (0: all); the rest are counted below the table.
    pub max_rows: usize,
}

/// `t` on screen (rounded, the kit's [`Table::screen_rows`]) as an HTML table in a
/// horizontally scrolling box, cells with their column's test ids.
pub fn table(t: &Table, m: Marks) -> String {
    let columns = t.screen_columns();
    let mut out = format!(
        "<div class=\"table-scroll\"><table class=\"metrics explain-table\" data-testid=\"{}\"><thead><tr>",
        escape(m.testid)
    );
    for (k, c) in columns.iter().enumerate() {
        let title = c
            .title
            .map(|x| format!(" title=\"{}\"", escape(x)))
            .unwrap_or_default();
        let h = escape(&c.screen_header());
        if m.sortable {
            let _ = write!(
                out,
                "<th{title}><button class=\"sort\" data-sort=\"{k}\">{h}</button></th>"
            );
        } else {
            let _ = write!(out, "<th{title}>{h}</th>");
        }
    }
    out.push_str("</tr></thead><tbody>");
    let rows = t.screen_rows();
    let shown = if m.max_rows == 0 {
        rows.len()
    } else {
        rows.len().min(m.max_rows)
    };
    for (i, row) in rows.iter().take(shown).enumerate() {
        let mut class = Vec::new();
        if m.selected == Some(i) {
            class.push("selected");
        }
        if m.winner == Some(i) {
            class.push("winner");
        }
        out.push_str("<tr");
        if !m.row_id.is_empty() {
            let _ = write!(out, " data-testid=\"{}-{i}\"", escape(m.row_id));
        }
        if !class.is_empty() {
            let _ = write!(out, " class=\"{}\"", class.join(" "));
        }
        out.push('>');
        for (cell, c) in row.iter().zip(&columns) {
            match c.cell_testid(i) {
                Some(id) => {
                    let _ = write!(
                        out,
                        "<td data-testid=\"{}\">{}</td>",
                        escape(&id),
                        escape(cell)
                    );
                }
                None => {
                    let _ = write!(out, "<td>{}</td>", escape(cell));
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    if shown < rows.len() {
        let _ = write!(
            out,
            "<p class=\"hint\">… and {} more rows</p>",
            rows.len() - shown
        );
    }
    out
}

/// A paragraph of `text` (escaped), with a class and test id when not empty.
pub fn para(class: &str, testid: &str, text: &str) -> String {
    let mut out = String::from("<p");
    if !class.is_empty() {
        let _ = write!(out, " class=\"{}\"", escape(class));
    }
    if !testid.is_empty() {
        let _ = write!(out, " data-testid=\"{}\"", escape(testid));
    }
    let _ = write!(out, ">{}</p>", escape(text));
    out
}

/// One of a group of buttons (`data-{action}="{value}"`), `aria-pressed` and class
/// `active` when it is the current one.
pub fn choice(testid: &str, action: &str, value: usize, pressed: bool, label: &str) -> String {
    format!(
        "<button data-testid=\"{}\" data-{}=\"{value}\" aria-pressed=\"{pressed}\"{}>{}</button>",
        escape(testid),
        escape(action),
        if pressed { " class=\"active\"" } else { "" },
        escape(label)
    )
}

/// A group of [`choice`] buttons, one per label, asking for `data-col` (the label's
/// position), with test ids `{prefix}-{i}` and `current` pressed: the picker of a compared
/// policy or router.
pub fn choices<'a>(prefix: &str, labels: impl Iterator<Item = &'a str>, current: usize) -> String {
    labels
        .enumerate()
        .map(|(i, l)| choice(&format!("{prefix}-{i}"), "col", i, i == current, l))
        .collect()
}

/// A button that asks for `action` (`data-{action}="{value}"`), disabled when `disabled`.
pub fn button(testid: &str, action: &str, value: usize, disabled: bool, label: &str) -> String {
    format!(
        "<button data-testid=\"{}\" data-{}=\"{value}\"{}>{}</button>",
        escape(testid),
        escape(action),
        if disabled { " disabled" } else { "" },
        escape(label)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::table::{Column, Screen};

    #[test]
    fn text_is_escaped_everywhere() {
        assert_eq!(
            escape(r#"<img src=x onerror="a('b')">&"#),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
        let mut t = Table::new(vec![
            Column::new("<b>task</b>", "task", "", Screen::Short),
            Column::new("finish", "finish", "", Screen::Short).id("fin"),
        ]);
        t.push(vec!["<script>x</script>".into(), 1.23456.into()]);
        t.push(vec!["n2".into(), 2.0.into()]);
        t.push(vec!["n3".into(), 3.0.into()]);
        let html = table(
            &t,
            Marks {
                testid: "t",
                row_id: "r",
                winner: Some(1),
                selected: Some(0),
                sortable: true,
                max_rows: 2,
            },
        );
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(
            html.contains(r#"<button class="sort" data-sort="0">&lt;b&gt;task&lt;/b&gt;</button>"#)
        );
        assert!(html.contains(r#"<tr data-testid="r-0" class="selected"><td>&lt;script&gt;x&lt;/script&gt;</td><td data-testid="fin-0">1.2346</td></tr>"#), "{html}");
        assert!(html.contains(r#"<tr data-testid="r-1" class="winner">"#));
        assert!(!html.contains("r-2") && html.contains("… and 1 more rows"));
        assert_eq!(
            button("b", "step", 3, true, "Next"),
            r#"<button data-testid="b" data-step="3" disabled>Next</button>"#
        );
        assert_eq!(para("", "", "a<b"), "<p>a&lt;b</p>");
    }
}
