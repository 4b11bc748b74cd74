//! One error type for the whole engine: every message is a single line that names what is wrong and where.

use thiserror::Error;

/// What can go wrong when loading, validating, scheduling or simulating.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// The input text could not be read as the format it claims to be.
    #[error("{format}: {message}")]
    Format {
        format: &'static str,
        message: String,
    },
    /// The scenario was written by a newer (or unknown) version of schedlab.
    #[error("unsupported scenario version {found}: this schedlab reads version {supported} (upgrade schedlab to open this file)")]
    Version { found: String, supported: u32 },
    /// The task graph has a cycle; `tasks` lists the tasks on one cycle in order.
    #[error("the task graph has a cycle: {}", show_cycle(tasks))]
    Cycle { tasks: Vec<String> },
    /// The input is larger than a documented limit.
    #[error("{what}: {found} exceeds the limit of {limit}")]
    Limit {
        what: &'static str,
        found: usize,
        limit: usize,
    },
    /// The scenario is well-formed but its content is not valid.
    #[error("{0}")]
    Invalid(String),
    /// Unknown scheduler, or a bad `--set KEY=VALUE` option.
    #[error("{0}")]
    Config(String),
    /// A simulation could not complete (a plan that is not executable).
    #[error("simulation: {0}")]
    Simulation(String),
}

impl Error {
    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(clamp(msg.into()))
    }
    pub(crate) fn format(format: &'static str, msg: impl Into<String>) -> Self {
        Error::Format {
            format,
            message: clamp(msg.into()),
        }
    }
    pub(crate) fn config(msg: impl Into<String>) -> Self {
        Error::Config(clamp(msg.into()))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Messages longer than this many characters are shortened by [`clamp`].
pub const MAX_MESSAGE_CHARS: usize = 400;

/// Shortens a message that quotes too much of its input (a 10 kB "number", a long name
/// echoed by serde): its beginning and its end, with " … " between. Every message made by
/// the engine's constructors goes through it; the page and the CLI show at most this much.
pub fn clamp(msg: String) -> String {
    let n = msg.chars().count();
    if n <= MAX_MESSAGE_CHARS {
        return msg;
    }
    let head: String = msg.chars().take(MAX_MESSAGE_CHARS - 100).collect();
    let tail: String = msg.chars().skip(n - 80).collect();
    format!("{head} … {tail}")
}

/// A cycle's tasks, the first few of a long one.
fn show_cycle(tasks: &[String]) -> String {
    const SHOWN: usize = 12;
    if tasks.len() <= SHOWN {
        return tasks.join(" -> ");
    }
    format!(
        "{} -> … ({} tasks on the cycle)",
        tasks[..SHOWN].join(" -> "),
        tasks.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_clamped_and_keep_both_ends() {
        let e = Error::format(
            "STG",
            format!("line 3: '{}' is not a number", "{".repeat(10_000)),
        );
        let s = e.to_string();
        assert!(s.chars().count() < MAX_MESSAGE_CHARS + 20, "{}", s.len());
        assert!(s.starts_with("STG: line 3: '{{"), "{s}");
        assert!(s.ends_with("' is not a number"), "{s}");
        assert_eq!(clamp("short".into()), "short");
    }

    #[test]
    fn long_cycles_name_their_first_tasks_and_their_length() {
        let tasks: Vec<String> = (0..1000).map(|i| format!("t{i}")).collect();
        let s = Error::Cycle { tasks }.to_string();
        assert!(
            s.starts_with("the task graph has a cycle: t0 -> t1 -> "),
            "{s}"
        );
        assert!(s.ends_with("(1000 tasks on the cycle)"), "{s}");
        assert!(s.len() < 200, "{s}");
    }
}
