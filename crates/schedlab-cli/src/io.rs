//! Reading inputs and writing outputs: the only code that touches files, stdout and stderr
//! (besides the error line, printed by `error`). Every read is bounded, every write checked.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use schedlab_core::formats::{self, Format, ImportOptions, InputFile};
use schedlab_core::scenario::limits::MAX_INPUT_BYTES;
use schedlab_core::stream::learned::Model;
use schedlab_core::{Problem, Scenario};
use serde::Serialize;

use crate::args::OutFormat;
use crate::error::{CliResult, Fail};

/// Reads a UTF-8 text file of at most `MAX_INPUT_BYTES`, whatever it is (a device or a pipe
/// has no length to check first: at most one byte past the limit is read).
pub fn read(path: &Path) -> CliResult<String> {
    read_limited(path, MAX_INPUT_BYTES)
}

fn read_limited(path: &Path, limit: usize) -> CliResult<String> {
    let cannot = |e: std::io::Error| Fail::new(format!("cannot read {}: {e}", path.display()));
    let file = File::open(path).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len();
    if len > limit as u64 {
        return Err(Fail::new(format!(
            "{}: {len} bytes exceeds the limit of {limit}",
            path.display()
        )));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > limit {
        return Err(Fail::new(format!(
            "{}: larger than the limit of {limit} bytes",
            path.display()
        )));
    }
    String::from_utf8(bytes).map_err(|_| Fail::new(format!("{}: not UTF-8 text", path.display())))
}

/// Loads a scenario from any readable format, detected by content; `processors` is for
/// formats without a platform.
pub fn load(path: &Path, processors: Option<usize>) -> CliResult<(Scenario, Problem)> {
    let text = read(path)?;
    let name = path.to_string_lossy();
    let file = InputFile {
        name: &name,
        text: &text,
    };
    // A good schedlab scenario (the common case) is read in one typed pass; parsing only
    // if it is one, so it is what detection would have found. Anything else is detected.
    if text.trim_start().starts_with('{') {
        if let Ok(scenario) = Scenario::from_json(&text) {
            // The text's memory is reused by what follows (fresh pages cost their zeroing).
            drop(text);
            let problem = Problem::new(&scenario).map_err(|e| Fail::new(format!("{name}: {e}")))?;
            return Ok((scenario, problem));
        }
    }
    let scenario = match formats::detect(&file) {
        Some(Format::Schedlab) => Scenario::from_json(&text)?,
        Some(Format::Ds3) => {
            return Err(Fail::new(format!(
            "{name}: DS3 needs a job file and a SoC file: use `schedlab import --from ds3 JOB SOC`"
        )))
        }
        Some(_) => formats::import_auto(&file, &ImportOptions { processors })?,
        None => {
            // Not recognisably another format: report it as a schedlab scenario error.
            Scenario::from_json(&text).map_err(|e| Fail::new(format!("{name}: {e}")))?
        }
    };
    let problem = Problem::new(&scenario).map_err(|e| Fail::new(format!("{name}: {e}")))?;
    Ok((scenario, problem))
}

/// Loads a learned policy's weights file.
pub fn load_model(path: &Path) -> CliResult<Model> {
    Model::from_json(&read(path)?).map_err(|e| Fail::new(format!("{}: {e}", path.display())))
}

/// Writes `text` to the file `output`, or to stdout.
pub fn emit(text: &str, output: Option<&Path>) -> CliResult<()> {
    match output {
        Some(p) => std::fs::write(p, text).map_err(|e| Fail::write(&p.display().to_string(), &e)),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| Fail::write("stdout", &e))
        }
    }
}

/// Writes `data` to stdout as pretty JSON, or as the table `table` makes of it.
pub fn emit_as<T: Serialize + ?Sized>(
    format: OutFormat,
    data: &T,
    table: impl FnOnce(&T) -> String,
) -> CliResult<()> {
    match format {
        // Streamed: a schedule of 10,000 rows never exists as one string.
        OutFormat::Json => {
            let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let io_fail = |e: serde_json::Error| {
                if e.is_io() {
                    Fail::write("stdout", &std::io::Error::from(e))
                } else {
                    Fail::new(e.to_string())
                }
            };
            serde_json::to_writer_pretty(&mut out, data).map_err(io_fail)?;
            out.write_all(b"\n")
                .and_then(|()| out.flush())
                .map_err(|e| Fail::write("stdout", &e))
        }
        OutFormat::Table => emit(&table(data), None),
    }
}

/// Writes one line of news (not an error) to stderr.
pub fn note(line: &str) -> CliResult<()> {
    let mut err = std::io::stderr().lock();
    writeln!(err, "{line}")
        .and_then(|()| err.flush())
        .map_err(|e| Fail::write("stderr", &e))
}

/// A progress bar on stderr, only when stderr is a terminal.
pub fn progress_bar(len: u64) -> Option<indicatif::ProgressBar> {
    std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| indicatif::ProgressBar::new(len))
}

#[cfg(test)]
mod tests {
    use super::read_limited;

    #[test]
    fn reads_at_most_one_byte_past_the_limit_of_a_device() {
        let Err(e) = read_limited(std::path::Path::new("/dev/zero"), 1000) else {
            panic!("/dev/zero is refused");
        };
        assert_eq!(
            e.message(),
            "/dev/zero: larger than the limit of 1000 bytes"
        );
    }
}
