//! Importers and exporters: schedlab JSON, saga, WfCommons WfFormat, Kasahara STG, Graphviz
//! DOT and DS3 job + SoC files. Every importer validates its result (through
//! [`Problem::new`]) so an imported scenario is always schedulable, and every error names
//! the file and, where it can, the line.

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::scenario::{limits, Scenario};

pub mod dot;
pub mod ds3;
pub mod saga;
mod sniff;
pub mod stg;
pub mod wfformat;

/// A file to import: its name (for messages and format detection) and its text.
#[derive(Debug, Clone, Copy)]
pub struct InputFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// The formats schedlab reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Schedlab,
    Saga,
    WfFormat,
    Stg,
    Dot,
    Ds3,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Schedlab,
        Format::Saga,
        Format::WfFormat,
        Format::Stg,
        Format::Dot,
        Format::Ds3,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Format::Schedlab => "schedlab",
            Format::Saga => "saga",
            Format::WfFormat => "wfformat",
            Format::Stg => "stg",
            Format::Dot => "dot",
            Format::Ds3 => "ds3",
        }
    }

    pub fn parse(id: &str) -> Result<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.id() == id)
            .ok_or_else(|| {
                let ids: Vec<&str> = Format::ALL.iter().map(|f| f.id()).collect();
                Error::config(format!("unknown format '{id}' (known: {})", ids.join(", ")))
            })
    }
}

/// Options that formats without a platform need.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ImportOptions {
    /// Number of identical processors to create when the file has no platform
    /// (STG, DOT without one) or to replace the file's platform (WfFormat).
    pub processors: Option<usize>,
}

/// Guesses a file's format from its content (and name, for STG).
pub fn detect(file: &InputFile) -> Option<Format> {
    let t = file.text.trim_start();
    if t.starts_with('{') {
        let o = serde_json::from_str::<sniff::TopKeys>(t).ok()?;
        let has = |k: &str| o.has(k);
        return if has("version") && has("tasks") {
            Some(Format::Schedlab)
        } else if has("task_graph")
            || (has("tasks") && has("dependencies"))
            || (has("nodes") && has("edges"))
        {
            Some(Format::Saga)
        } else if has("workflow") {
            Some(Format::WfFormat)
        } else {
            None
        };
    }
    let lower = file.name.to_ascii_lowercase();
    if lower.ends_with(".stg") {
        return Some(Format::Stg);
    }
    if lower.ends_with(".dot")
        || lower.ends_with(".gv")
        || t.starts_with("digraph")
        || t.starts_with("strict")
        || t.starts_with("graph")
    {
        return Some(Format::Dot);
    }
    if t.lines()
        .any(|l| l.starts_with("job_name") || l.starts_with("add_new_resource"))
    {
        return Some(Format::Ds3);
    }
    if t.lines()
        .next()
        .is_some_and(|l| l.trim().parse::<usize>().is_ok())
    {
        return Some(Format::Stg);
    }
    None
}

/// Imports `files` as `format` and validates the result.
pub fn import(format: Format, files: &[InputFile], options: &ImportOptions) -> Result<Scenario> {
    if files.is_empty() {
        return Err(Error::config("no input file"));
    }
    for f in files {
        if f.text.len() > limits::MAX_INPUT_BYTES {
            return Err(Error::Limit {
                what: "input size in bytes",
                found: f.text.len(),
                limit: limits::MAX_INPUT_BYTES,
            });
        }
    }
    if let Some(k) = options.processors {
        if k == 0 || k > limits::MAX_PROCESSORS {
            return Err(Error::Limit {
                what: "number of processors asked for",
                found: k,
                limit: limits::MAX_PROCESSORS,
            });
        }
    }
    let one = || -> Result<&InputFile> {
        match files {
            [f] => Ok(f),
            _ => Err(Error::config(format!(
                "the {} format takes exactly one file (got {})",
                format.id(),
                files.len()
            ))),
        }
    };
    let scenario = match format {
        Format::Schedlab => Scenario::from_json(one()?.text)?,
        Format::Saga => saga::import(files)?,
        Format::WfFormat => wfformat::import(one()?, options)?,
        Format::Stg => stg::import(one()?, options)?,
        Format::Dot => dot::import(one()?, options)?,
        Format::Ds3 => ds3::import(files)?,
    };
    Problem::new(&scenario)?;
    Ok(scenario)
}

/// Imports one file whose format is detected from its content.
pub fn import_auto(file: &InputFile, options: &ImportOptions) -> Result<Scenario> {
    let format = detect(file).ok_or_else(|| {
        Error::config(format!(
            "{}: unrecognised format (expected schedlab JSON, saga JSON, WfFormat JSON, STG or DOT)",
            file.name
        ))
    })?;
    import(format, &[*file], options)
}

/// The formats schedlab writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Schedlab,
    Saga,
    Dot,
}

impl ExportFormat {
    pub fn parse(id: &str) -> Result<ExportFormat> {
        match id {
            "schedlab" | "json" => Ok(ExportFormat::Schedlab),
            "saga" => Ok(ExportFormat::Saga),
            "dot" => Ok(ExportFormat::Dot),
            _ => Err(Error::config(format!(
                "unknown export format '{id}' (known: schedlab, saga, dot)"
            ))),
        }
    }
}

/// Writes a (valid) scenario in `format`.
pub fn export(format: ExportFormat, scenario: &Scenario) -> Result<String> {
    Problem::new(scenario)?;
    match format {
        ExportFormat::Schedlab => Ok(scenario.to_json()),
        ExportFormat::Saga => saga::export(scenario),
        ExportFormat::Dot => Ok(dot::export(scenario)),
    }
}

/// Parses a number token, naming the file and line on failure.
pub(crate) fn num(
    format: &'static str,
    file: &str,
    line: usize,
    what: &str,
    tok: &str,
) -> Result<f64> {
    let v: f64 = crate::util::parse_f64(tok).ok_or_else(|| {
        Error::format(
            format,
            format!("{file}:{line}: {what} '{tok}' is not a number"),
        )
    })?;
    if !v.is_finite() {
        return Err(Error::format(
            format,
            format!("{file}:{line}: {what} '{tok}' is not finite"),
        ));
    }
    Ok(v)
}

/// Parses an unsigned integer token, naming the file and line on failure.
pub(crate) fn int(
    format: &'static str,
    file: &str,
    line: usize,
    what: &str,
    tok: &str,
) -> Result<usize> {
    tok.parse().map_err(|_| {
        Error::format(
            format,
            format!("{file}:{line}: {what} '{tok}' is not a non-negative integer"),
        )
    })
}
