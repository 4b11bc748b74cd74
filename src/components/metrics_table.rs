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

/// A table of `rows` under `header`. `selected` marks one row (class `selected`,
/// `aria-selected`).
#[component]
pub fn MetricsTable(
    #[prop(into)] header: Signal<Vec<Header>>,
    #[prop(into)] rows: Signal<Vec<Row>>,
    #[prop(optional)] selected: Option<Signal<Option<usize>>>,
    #[prop(optional)] testid: Option<&'static str>,
    /// The table's CSS class (default `metrics`).
    #[prop(optional)]
    class: Option<&'static str>,
) -> impl IntoView {
    let is_selected = move |i: usize| selected.is_some_and(|s| s.get() == Some(i));
    view! {
        <table class=class.unwrap_or("metrics") data-testid=testid>
            <thead><tr>
                {move || header.get().into_iter().map(|h| view! { <th title=h.title>{h.text}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {move || rows.get().into_iter().enumerate().map(|(i, row)| {
                    let swatch = row.swatch;
                    let class = row.class;
                    view! {
                        <tr data-testid=row.testid title=row.title class=class
                            class:selected=move || is_selected(i)
                            aria-selected=move || selected.map(|_| is_selected(i).to_string())>
                            {row.cells.into_iter().enumerate().map(|(k, c)| {
                                let sw = if k == 0 { swatch.clone() } else { None };
                                view! {
                                    <td data-testid=c.testid class=c.class>
                                        {sw.map(|color| view! { <span class="swatch" style=format!("background:{color}")></span> })}
                                        {c.text}
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
