//! `schedlab compare`: schedulers over noise levels and seeds (mean and std of every metric).

use schedlab_core::run;
use schedlab_core::sched::{self, Options};

use crate::args::{check_sigma, parse_sets, CompareArgs};
use crate::error::{CliResult, Fail};
use crate::{io, table};

pub fn exec(a: &CompareArgs) -> CliResult<()> {
    for &s in &a.noise {
        check_sigma("--noise", s)?;
    }
    check_sigma("--comm-noise", a.noise_args.comm_noise)?;
    let sets = parse_sets(&a.set)?;
    let mut schedulers = Vec::new();
    let mut takes: Vec<&'static str> = Vec::new();
    for id in crate::args::rejoin_parens(&a.schedulers) {
        // A spelling (`rule:priority=max(rank_u,rank_d)`) keeps its own options over --set.
        let (spec, opts): (_, Options) = sched::resolve(&id, &sets)?;
        spec.build(&opts)?;
        takes.extend(spec.options.iter().map(|o| o.key));
        schedulers.push((id, opts));
    }
    for k in sets.keys() {
        if !takes.contains(&k.as_str()) {
            return Err(Fail::new(format!(
                "no chosen scheduler has the option '{k}'"
            )));
        }
    }
    let (_, problem) = io::load(&a.input.file, a.input.processors)?;
    let rows = run::compare(
        &problem,
        &schedulers,
        &a.noise,
        &a.noise_args.noise(0.0),
        a.seeds,
        a.noise_args.seed,
    )?;
    io::emit_as(a.format, &rows, |rows| table::compare(rows))
}
