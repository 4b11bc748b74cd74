//! [`MetricsTable`]: a header and rows of text cells, each cell and row with an optional test
//! id, an optional selected row. It takes plain strings, so any lab can feed it; a lab's
//! metrics come from the kit's table model through [`from_table`].

use leptos::prelude::*;
use schedlab_app::kit::table::Table;

/// A column heading, with an optional explanation shown on hover.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub text: String,
    pub title: Option<String>,
}

impl From<&str> for Header {
    fn from(text: &str) -> Header {
        Header {
            text: text.to_string(),
            title: None,
        }
    }
}

impl Header {
    pub fn titled(text: &str, title: &str) -> Header {
        Header {
            text: text.to_string(),
            title: Some(title.to_string()),
        }
    }
}

/// One cell: its text, an optional test id and CSS class.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub testid: Option<String>,
    pub class: Option<&'static str>,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            testid: None,
            class: None,
        }
    }

    /// The cell with a test id.
    pub fn id(mut self, testid: String) -> Cell {
        self.testid = Some(testid);
        self
    }

    /// The cell with a CSS class.
    pub fn class(mut self, class: &'static str) -> Cell {
        self.class = Some(class);
        self
    }
}

/// One row: cells, and optionally a test id, a hover title, a CSS class and a colour swatch
/// (a CSS colour) shown before the first cell's text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub testid: Option<String>,
    pub title: Option<String>,
    pub class: Option<&'static str>,
    pub swatch: Option<String>,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            ..Row::default()
        }
    }
}

/// The on-screen header and rows of `t` (the kit's table model): each header with its
/// explanation, each cell with its column's test id (`{base}-{row}`), each row with the test
/// id `{row_id}-{row}` when `row_id` is given.
pub fn from_table(t: &Table, row_id: Option<&str>) -> (Vec<Header>, Vec<Row>) {
    let columns = t.screen_columns();
    let header = columns
        .iter()
        .map(|c| Header {
            text: c.screen_header(),
            title: c.title.map(String::from),
        })
        .collect();
    let rows = t
        .screen_rows()
        .into_iter()
        .enumerate()
        .map(|(i, cells)| Row {
            cells: cells
                .into_iter()
                .zip(&columns)
                .map(|(text, c)| Cell {
                    text,
                    testid: c.cell_testid(i),
                    class: None,
                })
                .collect(),
            testid: row_id.map(|r| format!("{r}-{i}")),
            ..Row::default()
        })
        .collect();
    (header, rows)
}

/// The header and body of the table as HTML (every text escaped): one string for the
/// table's `innerHTML` instead of a view per cell, which kept a Leptos view instantiation
/// per table shape in the bundle (`schedlab_app::kit::html`).
fn inner(header: &[Header], rows: &[Row]) -> String {
    use schedlab_app::kit::html::escape;
    use std::fmt::Write;
    let attr = |out: &mut String, name: &str, v: &Option<String>| {
        if let Some(v) = v {
            let _ = write!(out, " {name}=\"{}\"", escape(v));
        }
    };
    let mut out = String::from("<thead><tr>");
    for h in header {
        out.push_str("<th");
        attr(&mut out, "title", &h.title);
        let _ = write!(out, ">{}</th>", escape(&h.text));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr");
        attr(&mut out, "data-testid", &row.testid);
        attr(&mut out, "title", &row.title);
        attr(&mut out, "class", &row.class.map(String::from));
        out.push('>');
        for (k, c) in row.cells.iter().enumerate() {
            out.push_str("<td");
            attr(&mut out, "data-testid", &c.testid);
            attr(&mut out, "class", &c.class.map(String::from));
            out.push('>');
            if let (0, Some(color)) = (k, &row.swatch) {
                let _ = write!(
                    out,
                    "<span class=\"swatch\" style=\"background:{}\"></span>",
                    escape(color)
                );
            }
            out.push_str(&escape(&c.text));
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody>");
    out
}

/// A table of `rows` under `header`, scrolling inside its box when wider than the page.
#[component]
pub fn MetricsTable(
    #[prop(into)] header: Signal<Vec<Header>>,
    #[prop(into)] rows: Signal<Vec<Row>>,
    #[prop(optional)] testid: Option<&'static str>,
    /// The table's CSS class (default `metrics`).
    #[prop(optional)]
    class: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class=class.unwrap_or("metrics") data-testid=testid
                inner_html=move || header.with(|h| rows.with(|r| inner(h, r)))></table>
        </div>
    }
}
