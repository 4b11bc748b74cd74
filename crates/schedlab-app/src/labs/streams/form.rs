//! The Streams lab's number fields ([`crate::kit::form`]), in the order the page shows
//! them: the jobs ([`JOBS`] before the arrivals, [`SHAPE`] after), the machines or
//! processors ([`MACHINES`]) and their details ([`DETAILS`]).

use schedlab_core::stream::Info;

use super::JobMix;
use crate::kit::form::{number, seed, whole, Field};
use crate::state::AppState;

fn generated(s: &AppState) -> bool {
    s.streams.trace.is_none()
}

fn dag(s: &AppState) -> bool {
    s.streams.mix.is_dag()
}

fn not_dag(s: &AppState) -> bool {
    !s.streams.mix.is_dag()
}

const MIXES: [(JobMix, &str, &str); 4] = [
    (JobMix::Single, "single", "Single tasks (classic flow time)"),
    (JobMix::Chain, "chain", "Chains of operations"),
    (JobMix::Ds3, "ds3", "DS3 WiFi TX/RX DAGs on the DASH SoC"),
    (
        JobMix::Dag,
        "dag",
        "Random DAGs on heterogeneous processors",
    ),
];
const MIX_CHOICES: [(&str, &str); 4] = [
    (MIXES[0].1, MIXES[0].2),
    (MIXES[1].1, MIXES[1].2),
    (MIXES[2].1, MIXES[2].2),
    (MIXES[3].1, MIXES[3].2),
];

const INFOS: [(Info, &str, &str); 4] = [
    (
        Info::Clairvoyant,
        "clairvoyant",
        "Clairvoyant: sizes known on arrival",
    ),
    (
        Info::NonClairvoyant,
        "nonclairvoyant",
        "Non-clairvoyant: sizes never known",
    ),
    (
        Info::Estimated,
        "estimated",
        "Estimated: noisy size estimates",
    ),
    (
        Info::Revealed,
        "revealed",
        "Revealed: one operation at a time",
    ),
];
const INFO_CHOICES: [(&str, &str); 4] = [
    (INFOS[0].1, INFOS[0].2),
    (INFOS[1].1, INFOS[1].2),
    (INFOS[2].1, INFOS[2].2),
    (INFOS[3].1, INFOS[3].2),
];

/// The menu value of `v` in `table` (its first entry's when absent).
fn menu_value<T: PartialEq>(table: &[(T, &'static str, &str)], v: &T) -> String {
    table
        .iter()
        .find(|m| m.0 == *v)
        .map_or(table[0].1, |m| m.1)
        .into()
}

/// The entry of `table` whose value is `t`, or "`what` 't' is not one of the menu's".
fn menu_entry<T: Copy>(table: &[(T, &str, &str)], t: &str, what: &str) -> Result<T, String> {
    table
        .iter()
        .find(|m| m.1 == t)
        .map(|m| m.0)
        .ok_or_else(|| format!("{what} '{t}' is not one of the menu's"))
}

/// The job mix (a change of family resets what only the other family has: `set_mix`),
/// the job count and, for generated arrivals, the load and burstiness.
pub static JOBS: [Field; 4] = [
    Field::new(
        "Mix",
        "Job mix",
        "",
        "",
        |s| menu_value(&MIXES, &s.streams.mix),
        |s, t| {
            let mix = menu_entry(&MIXES, t, "the mix")?;
            super::set_mix(&mut s.streams, mix);
            Ok(())
        },
    )
    .id("streams-mix")
    .choices(&MIX_CHOICES),
    Field::new(
        "Jobs",
        "Number of jobs",
        "1",
        "1",
        |s| s.streams.jobs.to_string(),
        |s, t| {
            s.streams.jobs = whole(t, "jobs")?;
            Ok(())
        },
    )
    .id("streams-jobs"),
    Field::new(
        "Load ρ",
        "Load ρ",
        "0.05",
        "0.05",
        |s| s.streams.load.to_string(),
        |s, t| {
            s.streams.load = number(t, "the load")?;
            Ok(())
        },
    )
    .id("streams-load")
    .slider("0.1", "1.5", "0.05")
    .when(generated),
    Field::new(
        "Burstiness",
        "Burstiness (cv)",
        "0.1",
        "0.5",
        |s| s.streams.burstiness.to_string(),
        |s, t| {
            s.streams.burstiness = number(t, "the burstiness")?;
            Ok(())
        },
    )
    .title("coefficient of variation of inter-arrival times: 1 = Poisson, above 1 = bursts")
    .when(generated),
];

/// The jobs' shape: size, operations (chains), tasks per job and execution noise (DAGs).
pub static SHAPE: [Field; 4] = [
    Field::new(
        "Mean size",
        "Mean job size",
        "0.01",
        "0.5",
        |s| s.streams.mean_size.to_string(),
        |s, t| {
            s.streams.mean_size = number(t, "the mean size")?;
            Ok(())
        },
    )
    .when(not_dag),
    Field::new(
        "Operations",
        "Operations per job",
        "1",
        "1",
        |s| s.streams.ops.to_string(),
        |s, t| {
            s.streams.ops = whole(t, "operations")?;
            Ok(())
        },
    )
    .max("50")
    .when(|s| s.streams.mix == JobMix::Chain),
    Field::new(
        "Tasks per job",
        "Tasks per DAG job",
        "1",
        "1",
        |s| s.streams.dag_tasks.to_string(),
        |s, t| {
            s.streams.dag_tasks = whole(t, "tasks per job")?;
            Ok(())
        },
    )
    .max("200")
    .when(|s| s.streams.mix == JobMix::Dag),
    Field::new(
        "Execution σ",
        "Execution noise σ",
        "0",
        "0.05",
        |s| s.streams.exec_noise.to_string(),
        |s, t| {
            s.streams.exec_noise = number(t, "the execution noise")?;
            Ok(())
        },
    )
    .id("streams-exec-noise")
    .slider("0", "1", "0.05")
    .when(dag),
];

/// Machines (or processors, on random DAG mixes; DS3's SoC is fixed): 1 to 64; the
/// speeds, when given, follow the count.
fn set_machines(s: &mut AppState, t: &str) -> Result<(), String> {
    let v = whole(t, "machines")?;
    if !(1..=64).contains(&v) {
        return Err(format!("machines must be between 1 and 64 (got {v})"));
    }
    let st = &mut s.streams;
    st.machines = v;
    if !st.speeds.is_empty() {
        st.speeds.resize(v, 1.0);
    }
    Ok(())
}

pub static MACHINES: [Field; 2] = [
    Field::new(
        "Machines",
        "Machines",
        "1",
        "1",
        |s| s.streams.machines.to_string(),
        set_machines,
    )
    .id("streams-machines")
    .max("64")
    .when(not_dag),
    Field::new(
        "Processors",
        "Machines",
        "1",
        "1",
        |s| s.streams.machines.to_string(),
        set_machines,
    )
    .id("streams-machines")
    .max("64")
    .when(|s| s.streams.mix == JobMix::Dag),
];

/// The machines' speeds, comma-separated (empty: identical machines).
fn set_speeds(s: &mut AppState, t: &str) -> Result<(), String> {
    let mut speeds = Vec::new();
    for x in t.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        speeds.push(schedlab_core::util::parse_f64(x).ok_or_else(|| {
            format!(
                "speeds must be numbers separated by commas (got '{}')",
                t.trim()
            )
        })?);
    }
    s.streams.speeds = speeds;
    Ok(())
}

/// The revealed model (chains): operation counts, sizes, a test.
pub static OPS_MODEL: [Field; 1] = [Field::new(
    "Revealed model",
    "Revealed model",
    "",
    "",
    |s| super::ops_model_text(&s.streams),
    |s, t| super::set_ops_model(&mut s.streams, t),
)
.id("streams-ops-model")
.text("uniform:1:6 pareto:1.5 test:1")
.title("operations per job, their sizes, a test")
.when(|s| s.streams.mix == JobMix::Chain)];

/// Single-task and chain mixes: the machines' speeds, the context switch, the information
/// model and the estimates' noise.
pub static DETAILS: [Field; 4] = [
    Field::new(
        "Speeds",
        "Machine speeds",
        "",
        "",
        |s| {
            let v: Vec<String> = s.streams.speeds.iter().map(f64::to_string).collect();
            v.join(",")
        },
        set_speeds,
    )
    .id("streams-speeds")
    .text("identical")
    .title("one speed per machine, comma-separated; empty = identical machines")
    .when(not_dag),
    Field::new(
        "Context switch",
        "Context-switch time",
        "0",
        "0.05",
        |s| s.streams.context_switch.to_string(),
        |s, t| {
            s.streams.context_switch = number(t, "the context switch")?;
            Ok(())
        },
    )
    .id("streams-cs")
    .title("time a job spends switching in each time it starts or resumes")
    .when(not_dag),
    Field::new(
        "Information",
        "Information model",
        "",
        "",
        |s| menu_value(&INFOS, &s.streams.info),
        |s, t| {
            s.streams.info = menu_entry(&INFOS, t, "the information model")?;
            Ok(())
        },
    )
    .id("streams-info")
    .choices(&INFO_CHOICES)
    .when(not_dag),
    Field::new(
        "Estimate σ",
        "Estimate noise σ",
        "0",
        "0.1",
        |s| s.streams.estimate_noise.to_string(),
        |s, t| {
            s.streams.estimate_noise = number(t, "the estimate noise")?;
            Ok(())
        },
    )
    .when(|s| !s.streams.mix.is_dag() && s.streams.info == Info::Estimated),
];

/// The stream's seed (with "New seed").
pub static SEED: [Field; 1] = [Field::new(
    "Seed",
    "Stream seed",
    "0",
    "1",
    |s| s.streams.seed.to_string(),
    |s, t| {
        s.streams.seed = seed(t, "the seed")?;
        Ok(())
    },
)
.id("streams-seed")
.reseed("")];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::form::tests::check_fields;
    use crate::labs::dag::presets;

    #[test]
    fn every_field_round_trips_and_refuses_what_is_not_a_number() {
        let base = AppState::new(presets::ALL[0].scenario());
        let states: Vec<AppState> = [JobMix::Single, JobMix::Chain, JobMix::Ds3, JobMix::Dag]
            .into_iter()
            .flat_map(|mix| {
                [Info::Clairvoyant, Info::Estimated].map(|info| {
                    let mut s = base.clone();
                    s.streams.mix = mix;
                    s.streams.info = info;
                    s.streams.speeds = vec![1.0, 2.0];
                    s.streams.machines = 2;
                    s
                })
            })
            .collect();
        check_fields(
            &[&JOBS, &SHAPE, &OPS_MODEL, &MACHINES, &DETAILS, &SEED],
            &states,
        );
        // Visibility: DS3's SoC has no machine count, the chain mix its operations.
        let shown = |s: &AppState| -> Vec<&str> {
            [&JOBS[..], &SHAPE, &MACHINES, &DETAILS]
                .iter()
                .flat_map(|l| l.iter())
                .filter(|f| (f.shown)(s))
                .map(|f| f.label)
                .collect()
        };
        assert_eq!(
            shown(&states[4]),
            ["Mix", "Jobs", "Load ρ", "Burstiness", "Execution σ"],
            "DS3"
        );
        assert!(
            shown(&states[3]).contains(&"Operations") && shown(&states[3]).contains(&"Estimate σ")
        );
        assert!(shown(&states[6]).contains(&"Processors"));
        // Machines: bounded, and the speeds follow the count.
        let mut s = states[0].clone();
        assert_eq!(
            (MACHINES[0].set)(&mut s, "65").unwrap_err(),
            "machines must be between 1 and 64 (got 65)"
        );
        (MACHINES[0].set)(&mut s, "4").unwrap();
        assert_eq!(s.streams.speeds, [1.0, 2.0, 1.0, 1.0]);
    }
}
