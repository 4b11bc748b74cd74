//! One module per command, each with `exec(&Args) -> CliResult<()>`. A command uses the
//! shared modules (`args`, `io`, `table`, `error`), never another command.

pub mod adversary;
pub mod compare;
pub mod eval;
pub mod exercise;
pub mod export;
pub mod gen;
pub mod import;
pub mod open;
pub mod run;
pub mod schedulers;
pub mod serve;
pub mod stream;
pub mod train;
