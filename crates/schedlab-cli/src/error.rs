//! The one way the CLI fails: a message printed as one `error:` line on stderr.

use std::io::Write;
use std::process::ExitCode;

/// Why a command failed.
pub enum Fail {
    /// Bad input, or output that cannot be written: one `error:` line, exit status 2.
    Message(String),
    /// The reader of stdout or stderr went away (`| head`): nothing to tell, exit status 1.
    ClosedPipe,
}

impl Fail {
    pub fn new(message: impl Into<String>) -> Fail {
        Fail::Message(message.into())
    }

    #[cfg(test)]
    pub fn message(&self) -> &str {
        match self {
            Fail::Message(m) => m,
            Fail::ClosedPipe => "",
        }
    }

    /// A failed write to `what` (a file, stdout or stderr).
    pub fn write(what: &str, e: &std::io::Error) -> Fail {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Fail::ClosedPipe
        } else {
            Fail::new(format!("cannot write {what}: {e}"))
        }
    }
}

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail::new(e.to_string())
    }
}

pub type CliResult<T> = Result<T, Fail>;

/// Exit status of bad input (and of an output that cannot be written).
pub const BAD_INPUT: u8 = 2;

/// Reports a failure on stderr and gives the exit status.
pub fn report(fail: &Fail) -> ExitCode {
    match fail {
        Fail::Message(m) => print_error(m, ""),
        Fail::ClosedPipe => ExitCode::FAILURE,
    }
}

/// Prints `error: MESSAGE SUFFIX` as one line on stderr, with every control character of
/// the message escaped (so that a name read from a file cannot end the line, forge another
/// `error:` line or recolour the terminal), and gives exit status 2. The only place that
/// prints errors.
pub fn print_error(message: &str, suffix: &str) -> ExitCode {
    let line = format!("error: {}{suffix}\n", escape(message));
    // Nowhere to report a failure to write stderr: the exit status says it.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    ExitCode::from(BAD_INPUT)
}

/// `text` with every control character, line or paragraph separator and bidirectional
/// formatting character written as a Rust escape (`\r`, `\n`, `\u{1b}`, `\u{202e}`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let unsafe_char = c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}'
            )
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if unsafe_char {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            escape("evil\rerror: fake\u{1b}[31m\nx\t\u{0}\u{202e}"),
            "evil\\rerror: fake\\u{1b}[31m\\nx\\t\\u{0}\\u{202e}"
        );
        assert_eq!(escape("got 'a:b' \"c\" \\ é ±"), "got 'a:b' \"c\" \\ é ±");
    }
}
