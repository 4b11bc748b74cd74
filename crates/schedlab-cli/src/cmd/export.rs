//! `schedlab export`: a schedlab scenario (or any readable format) to another format.

use schedlab_core::formats::{self, ExportFormat};

use crate::args::{ExportArgs, ToArg};
use crate::error::CliResult;
use crate::io;

pub fn exec(a: &ExportArgs) -> CliResult<()> {
    let (scenario, _) = io::load(&a.file, None)?;
    let to = match a.to {
        ToArg::Saga => ExportFormat::Saga,
        ToArg::Dot => ExportFormat::Dot,
        ToArg::Schedlab => ExportFormat::Schedlab,
    };
    io::emit(&formats::export(to, &scenario)?, a.dest.path())
}
