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
    for id in &a.schedulers {
        let spec = sched::find(id)?;
        let opts: Options = sets
            .iter()
            .filter(|(k, _)| spec.options.iter().any(|o| o.key == k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        spec.build(&opts)?;
        schedulers.push((id.clone(), opts));
    }
    for k in sets.keys() {
        if !schedulers
            .iter()
            .any(|(id, _)| sched::find(id).is_ok_and(|s| s.options.iter().any(|o| o.key == k)))
        {
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
