//! `schedlab import`: a file of another format to a schedlab scenario.

use schedlab_core::formats::{self, Format, ImportOptions, InputFile};

use crate::args::{FromArg, ImportArgs};
use crate::error::CliResult;
use crate::io;

pub fn exec(a: &ImportArgs) -> CliResult<()> {
    let format = match a.from {
        FromArg::Schedlab => Format::Schedlab,
        FromArg::Saga => Format::Saga,
        FromArg::Wfformat => Format::WfFormat,
        FromArg::Stg => Format::Stg,
        FromArg::Dot => Format::Dot,
        FromArg::Ds3 => Format::Ds3,
    };
    let texts: Vec<(String, String)> = a
        .files
        .iter()
        .map(|p| Ok((p.to_string_lossy().into_owned(), io::read(p)?)))
        .collect::<CliResult<_>>()?;
    let files: Vec<InputFile> = texts
        .iter()
        .map(|(n, t)| InputFile { name: n, text: t })
        .collect();
    let s = formats::import(
        format,
        &files,
        &ImportOptions {
            processors: a.processors,
        },
    )?;
    io::emit(&s.to_json(), a.dest.path())
}
