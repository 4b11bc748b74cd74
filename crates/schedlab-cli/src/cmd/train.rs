//! `schedlab train`: the learned policy for DAG-job streams (evolution strategies).

use schedlab_core::stream::learned::{TrainConfig, Trainer};

use crate::args::TrainArgs;
use crate::error::CliResult;
use crate::io;

pub fn exec(a: &TrainArgs) -> CliResult<()> {
    let init = a.init.as_deref().map(io::load_model).transpose()?;
    let cfg = TrainConfig {
        mix: a.workload.mix(),
        jobs: a.jobs,
        load: a.load,
        noise: a.noise.clone(),
        iterations: a.iterations,
        pairs: a.pairs,
        sigma: a.sigma,
        lr: a.lr,
        streams: a.streams,
        hidden: a.hidden,
        depth: a.depth,
        seed: a.seed,
        ..TrainConfig::default()
    };
    let command = std::iter::once("schedlab".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ");
    let mut t = Trainer::new(cfg, init, &command)?;
    let (heft, dls) = t.baselines();
    let bar = io::progress_bar(a.iterations as u64);
    if let Some(b) = &bar {
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} iterations · {msg} · {elapsed} (eta {eta})",
            )
            .expect("a valid template"),
        );
    }
    while !t.done() {
        let p = t.step()?;
        if let Some(b) = &bar {
            b.set_message(format!(
                "validation latency {:.1} (heft {heft:.1}, dls_srpt {dls:.1})",
                p.learned
            ));
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let first = t.curve().first().map_or(f64::NAN, |p| p.learned);
    let last = t.curve().last().map_or(f64::NAN, |p| p.learned);
    io::note(&format!(
        "trained {} iterations: validation mean job latency {first:.1} -> {last:.1} (heft_rt {heft:.1}, dls_srpt {dls:.1})",
        t.iteration()
    ))?;
    let mut model = t.model();
    if let (Some(path), Some(tr)) = (&a.curve_csv, model.training.as_mut()) {
        let mut csv = String::from("iteration,learned,heft_rt,dls_srpt,fitness\n");
        for p in tr.curve.drain(..) {
            csv.push_str(&format!(
                "{},{},{},{},{}\n",
                p.iteration, p.learned, p.heft, p.dls, p.fitness
            ));
        }
        io::emit(&csv, Some(path))?;
    }
    io::emit(&(model.to_json() + "\n"), a.output.as_deref())
}
