//! The one table model: columns (header, key, unit, how a cell reads on screen) and rows of
//! cells, from which come both the on-screen metrics table ([`Table::screen_rows`],
//! rounded for people) and its CSV ([`Table::csv`], every number exact, so a file
//! reproduces the run's values).

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Num(f64),
    Int(u64),
    Text(String),
    /// Not defined for this row (shown as "—", empty in CSV).
    Missing,
}

impl From<f64> for Cell {
    fn from(v: f64) -> Cell {
        Cell::Num(v)
    }
}

impl From<usize> for Cell {
    fn from(v: usize) -> Cell {
        Cell::Int(v as u64)
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Cell {
        v.map_or(Cell::Missing, Cell::Num)
    }
}

impl From<Option<usize>> for Cell {
    fn from(v: Option<usize>) -> Cell {
        v.map_or(Cell::Missing, |v| Cell::Int(v as u64))
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Cell {
        Cell::Text(v.to_string())
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Cell {
        Cell::Text(v)
    }
}

/// How a number reads on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// `n` decimals.
    Fixed(usize),
    /// A fraction as a percentage with `n` decimals ("93.5 %").
    Percent(usize),
    /// Integers bare, otherwise up to 4 decimals, trailing zeros cut; ∞ when not finite.
    Short,
    /// No decimals from 1000 up, else 3.
    Magnitude,
    /// Not on screen (CSV only).
    Hidden,
}

/// One column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// What people read in the header ("TTFT p50").
    pub header: String,
    /// The CSV header and a stable id (`ttft_p50_ms`).
    pub key: String,
    /// Shown after the header on screen ("ms"), empty when none.
    pub unit: String,
    pub screen: Screen,
    /// The base of the on-screen cells' test ids (`ttft-p50` gives `ttft-p50-0`,
    /// `ttft-p50-1`, … by row); None: no test id.
    pub testid: Option<&'static str>,
    /// What the header explains on hover; None: nothing.
    pub title: Option<&'static str>,
}

impl Column {
    pub fn new(header: &str, key: &str, unit: &str, screen: Screen) -> Column {
        Column {
            header: header.into(),
            key: key.into(),
            unit: unit.into(),
            screen,
            testid: None,
            title: None,
        }
    }
    /// The column with test ids `{base}-{row}` on screen.
    pub fn id(mut self, base: &'static str) -> Column {
        self.testid = Some(base);
        self
    }
    /// The column with a header explained on hover.
    pub fn titled(mut self, title: &'static str) -> Column {
        self.title = Some(title);
        self
    }
    /// The test id of this column's cell in `row` on screen.
    pub fn cell_testid(&self, row: usize) -> Option<String> {
        self.testid.map(|b| format!("{b}-{row}"))
    }
    /// A column in the CSV only.
    pub fn csv_only(key: &str) -> Column {
        Column::new(key, key, "", Screen::Hidden)
    }
    /// The header on screen: "TTFT p50 (ms)".
    pub fn screen_header(&self) -> String {
        if self.unit.is_empty() {
            self.header.clone()
        } else {
            format!("{} ({})", self.header, self.unit)
        }
    }
    /// `cell` as people read it in this column.
    pub fn screen_cell(&self, cell: &Cell) -> String {
        match cell {
            Cell::Missing => "—".into(),
            Cell::Text(s) => s.clone(),
            Cell::Int(v) => v.to_string(),
            Cell::Num(v) => match self.screen {
                Screen::Fixed(n) => format!("{v:.n$}"),
                Screen::Percent(n) => format!("{:.n$} %", v * 100.0),
                Screen::Short => short(*v),
                Screen::Magnitude => {
                    if v.abs() >= 1000.0 {
                        format!("{v:.0}")
                    } else {
                        format!("{v:.3}")
                    }
                }
                Screen::Hidden => String::new(),
            },
        }
    }
}

/// Integers bare, otherwise up to 4 decimals with trailing zeros cut; ∞ when not finite.
pub fn short(v: f64) -> String {
    if v.is_finite() && v == v.round() && v.abs() < 1e12 {
        format!("{v:.0}")
    } else if v.is_finite() {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        "∞".into()
    }
}

/// `cell` in CSV: numbers exact (Rust's shortest round-trip form), text quoted when needed.
pub fn csv_cell(cell: &Cell) -> String {
    match cell {
        Cell::Num(v) => v.to_string(),
        Cell::Int(v) => v.to_string(),
        Cell::Missing => String::new(),
        Cell::Text(s) if s.contains([',', '"', '\n', '\r']) => {
            format!("\"{}\"", s.replace('"', "\"\""))
        }
        Cell::Text(s) => s.clone(),
    }
}

/// A table: a row per scheduler, policy or router.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
        }
    }
    /// Adds a row (one cell per column; missing cells at the end read as [`Cell::Missing`]).
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }
    fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows[row].get(col).unwrap_or(&Cell::Missing)
    }
    /// The cell of `row` in the column keyed `key` (Missing when there is none).
    pub fn cell_by_key(&self, row: usize, key: &str) -> &Cell {
        match self.columns.iter().position(|c| c.key == key) {
            Some(k) => self.cell(row, k),
            None => &Cell::Missing,
        }
    }
    /// The columns shown on screen.
    pub fn screen_columns(&self) -> Vec<&Column> {
        self.columns
            .iter()
            .filter(|c| c.screen != Screen::Hidden)
            .collect()
    }
    /// The on-screen headers ("TTFT p50 (ms)").
    pub fn screen_headers(&self) -> Vec<String> {
        self.screen_columns()
            .iter()
            .map(|c| c.screen_header())
            .collect()
    }
    /// The on-screen rows, rounded for people, without the CSV-only columns.
    pub fn screen_rows(&self) -> Vec<Vec<String>> {
        (0..self.rows.len())
            .map(|r| {
                self.columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.screen != Screen::Hidden)
                    .map(|(k, c)| c.screen_cell(self.cell(r, k)))
                    .collect()
            })
            .collect()
    }
    /// The on-screen table turned on its side, for a few rows of many metrics: a header of
    /// `corner` and each row's first cell, then a row per other screen column (its header,
    /// then its cell in each row).
    pub fn screen_transposed(&self, corner: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let headers = self.screen_headers();
        let rows = self.screen_rows();
        let mut header = vec![corner.to_string()];
        header.extend(rows.iter().map(|r| r.first().cloned().unwrap_or_default()));
        let body = (1..headers.len())
            .map(|k| {
                std::iter::once(headers[k].clone())
                    .chain(rows.iter().map(|r| r[k].clone()))
                    .collect()
            })
            .collect();
        (header, body)
    }
    /// The CSV: a header of keys, then every row with exact numbers.
    pub fn csv(&self) -> String {
        let mut out = self
            .columns
            .iter()
            .map(|c| c.key.as_str())
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
        for r in 0..self.rows.len() {
            let cells: Vec<String> = (0..self.columns.len())
                .map(|k| csv_cell(self.cell(r, k)))
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(vec![
            Column::new("router", "router", "", Screen::Fixed(0)),
            Column::new("TTFT p50", "ttft_p50_ms", "ms", Screen::Fixed(1)),
            Column::new("SLO attainment", "slo_attainment", "", Screen::Percent(1)),
            Column::csv_only("requests"),
            Column::new("remapped", "prefixes_remapped", "", Screen::Fixed(0)),
        ]);
        t.push(vec![
            "dualmap".into(),
            123.456789.into(),
            (2.0f64 / 3.0).into(),
            300usize.into(),
            Some(7usize).into(),
        ]);
        t.push(vec![
            "a,b".into(),
            0.1.into(),
            1.0.into(),
            2usize.into(),
            None::<usize>.into(),
        ]);
        t
    }

    #[test]
    fn the_csv_is_exact_while_the_screen_is_rounded() {
        let t = table();
        assert_eq!(
            t.screen_headers(),
            ["router", "TTFT p50 (ms)", "SLO attainment", "remapped"]
        );
        assert_eq!(
            t.screen_rows(),
            [
                ["dualmap", "123.5", "66.7 %", "7"],
                ["a,b", "0.1", "100.0 %", "—"]
            ]
        );
        let csv = t.csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "router,ttft_p50_ms,slo_attainment,requests,prefixes_remapped"
        );
        assert_eq!(lines[1], "dualmap,123.456789,0.6666666666666666,300,7");
        assert_eq!(lines[2], "\"a,b\",0.1,1,2,");
        // Exact: every number reads back bit for bit.
        let back: f64 = lines[1].split(',').nth(2).unwrap().parse().unwrap();
        assert_eq!(back, 2.0 / 3.0);
    }

    #[test]
    fn the_transposed_screen_has_a_row_per_metric_and_a_column_per_row() {
        let (header, rows) = table().screen_transposed("metric");
        assert_eq!(header, ["metric", "dualmap", "a,b"]);
        assert_eq!(
            rows,
            [
                ["TTFT p50 (ms)", "123.5", "0.1"],
                ["SLO attainment", "66.7 %", "100.0 %"],
                ["remapped", "7", "—"]
            ]
        );
        let t = table();
        assert_eq!(t.cell_by_key(0, "requests"), &Cell::Int(300));
        assert_eq!(t.cell_by_key(0, "nothing"), &Cell::Missing);
        assert_eq!(
            t.columns[1]
                .clone()
                .id("ttft-p50")
                .cell_testid(2)
                .as_deref(),
            Some("ttft-p50-2")
        );
    }

    #[test]
    fn short_numbers_cut_trailing_zeros() {
        assert_eq!(short(80.0), "80");
        assert_eq!(short(1.23456), "1.2346");
        assert_eq!(short(0.5), "0.5");
        assert_eq!(short(f64::INFINITY), "∞");
        let c = Column::new("x", "x", "", Screen::Magnitude);
        assert_eq!(c.screen_cell(&Cell::Num(1234.5)), "1234");
        assert_eq!(c.screen_cell(&Cell::Num(2.0)), "2.000");
    }
}
