//! The one way the CLI fails: a message printed as one `error:` line on stderr.

use std::process::ExitCode;

/// A user-facing error: printed as one `error:` line, exit status 2.
pub struct Fail(String);

impl Fail {
    pub fn new(message: impl Into<String>) -> Fail {
        Fail(message.into())
    }

    #[cfg(test)]
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail::new(e.to_string())
    }
}

pub type CliResult<T> = Result<T, Fail>;

/// Exit status of bad input.
pub const BAD_INPUT: u8 = 2;

/// Reports a failure on stderr and gives the exit status.
pub fn report(fail: &Fail) -> ExitCode {
    print_error(&fail.0, "")
}

/// Prints `error: MESSAGE SUFFIX` as one line on stderr and gives exit status 2. The only
/// place that prints errors.
pub fn print_error(message: &str, suffix: &str) -> ExitCode {
    eprintln!("error: {}{suffix}", message.replace('\n', " "));
    ExitCode::from(BAD_INPUT)
}
