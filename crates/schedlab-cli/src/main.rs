//! `schedlab`: the engine at the terminal, for batch experiments.
//!
//! Any bad input exits with status 2 and one line on stderr starting `error:`; nothing is
//! printed on stdout then. A write that fails exits with status 2 and one `error:` line too,
//! except a closed pipe (`| head`), which exits with status 1 quietly.

use std::process::ExitCode;

use clap::Parser;

mod args;
mod cmd;
mod error;
mod io;
mod table;

use args::{Cli, Command, GenCommand};

/// mimalloc: a third less CPU per `schedlab run` than glibc's malloc, whose large buffers
/// are fresh page-faulted `mmap`s every time (ARCHITECTURE.md, Dependencies).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return clap_exit(&e),
    };
    let result = match &cli.command {
        Command::Run(a) => cmd::run::exec(a),
        Command::Compare(a) => cmd::compare::exec(a),
        Command::Gen {
            what: GenCommand::Dag(a),
        } => cmd::gen::exec(a),
        Command::Import(a) => cmd::import::exec(a),
        Command::Export(a) => cmd::export::exec(a),
        Command::Schedulers(a) => cmd::schedulers::exec(a),
        Command::Stream(a) => cmd::stream::exec(a),
        Command::Serve(a) => cmd::serve::exec(a),
        Command::Train(a) => cmd::train::exec(a),
        Command::Eval(a) => cmd::eval::exec(a),
        Command::Open(a) => cmd::open::exec(a),
        Command::Exercise(a) => cmd::exercise::exec(a),
        Command::Adversary(a) => cmd::adversary::exec(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(fail) => error::report(&fail),
    }
}

/// What clap's refusal (or help, or version) becomes: help and version on stdout, a usage
/// error as one `error:` line with exit status 2.
fn clap_exit(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            if let Err(io) = e.print() {
                return error::report(&error::Fail::write("stdout", &io));
            }
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(error::BAD_INPUT)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            // One line: clap's first line starts with "error: ".
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("error: invalid arguments");
            let message = first.strip_prefix("error: ").unwrap_or(first);
            error::print_error(message, " (see --help)")
        }
    }
}
