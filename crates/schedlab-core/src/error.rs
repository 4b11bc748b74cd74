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
    #[error("the task graph has a cycle: {}", tasks.join(" -> "))]
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
        Error::Invalid(msg.into())
    }
    pub(crate) fn format(format: &'static str, msg: impl Into<String>) -> Self {
        Error::Format {
            format,
            message: msg.into(),
        }
    }
    pub(crate) fn config(msg: impl Into<String>) -> Self {
        Error::Config(msg.into())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
