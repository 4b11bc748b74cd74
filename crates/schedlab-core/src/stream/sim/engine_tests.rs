//! The stream simulator's work budget (`engine.rs`; kept apart so that file stays short).
use super::*;
use crate::stream::{generate, Arrivals, Info, Mix, StreamSpec};

fn stream(jobs: usize, rho: f64) -> Stream {
    generate(&StreamSpec {
        jobs,
        machines: 1,
        speeds: vec![],
        context_switch: 0.0,
        arrivals: Arrivals::Load { rho },
        mix: Mix::Single { mean_size: 1.0 },
        info: Info::Clairvoyant,
        estimate_noise: 0.0,
        deadline_slack: None,
        seed: 1,
    })
    .unwrap()
}

fn run(sim: &mut Sim, s: &Stream) -> Result<()> {
    while !sim.step(s)? {}
    Ok(())
}

#[test]
fn past_the_work_budget_a_run_stops_with_one_line() {
    let s = stream(300, 3.0);
    let mut sim = Sim::new(&s, Policy::Srpt).unwrap();
    sim.max_work = 5_000;
    let e = run(&mut sim, &s).unwrap_err().to_string();
    assert!(
        e.starts_with("simulation: work budget of 5000 job-reads exceeded at t = "),
        "{e}"
    );
    assert!(!e.contains('\n'));
    assert!(
        sim.work() > 5_000 && sim.work() <= 5_000 + 300,
        "{}",
        sim.work()
    );
    // The same stream within its real budget runs to the end.
    let mut sim = Sim::new(&s, Policy::Srpt).unwrap();
    run(&mut sim, &s).unwrap();
    assert!(sim.work() > 5_000);
}

#[test]
#[ignore = "release-size run (cargo test --release -- --ignored): the page's most crowded stream"]
fn the_streams_labs_most_crowded_run_fits_its_budget() {
    // 20,000 jobs at load 1.5 on one machine: the largest and most overloaded stream
    // the lab offers.
    let s = stream(20_000, 1.5);
    for p in [Policy::Srpt, Policy::Fcfs, Policy::Ps] {
        let mut sim = Sim::new(&s, p.clone()).unwrap();
        run(&mut sim, &s).unwrap();
        eprintln!("{p:?}: {} reads of {}", sim.work(), sim.max_work);
    }
}
