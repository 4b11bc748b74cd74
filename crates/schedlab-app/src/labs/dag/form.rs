//! The DAG lab's noise fields ([`crate::kit::form`]): execution and communication noise,
//! stragglers ([`NOISE`]), then the seed and the number of samples ([`SAMPLES`]); the
//! data new dependencies carry ([`EDGE_DATA`]).

use crate::kit::form::{number, seed, whole, Field};
use crate::limits::MAX_SAMPLES;

/// The samples field's maximum as the page writes it.
const MAX_SAMPLES_TEXT: &str = "200";
const _: () = assert!(MAX_SAMPLES == 200, "update MAX_SAMPLES_TEXT");

pub static NOISE: [Field; 4] = [
    Field::new(
        "Execution σ",
        "Execution time noise σ",
        "0",
        "0.05",
        |s| s.noise.exec_sigma.to_string(),
        |s, t| {
            s.noise.exec_sigma = number(t, "σ")?;
            Ok(())
        },
    )
    .id("noise-sigma")
    .slider("0", "1", "0.01")
    .live(),
    Field::new(
        "Communication σ",
        "Communication noise σ",
        "0",
        "0.05",
        |s| s.noise.comm_sigma.to_string(),
        |s, t| {
            s.noise.comm_sigma = number(t, "the communication σ")?;
            Ok(())
        },
    ),
    Field::new(
        "Stragglers",
        "Straggler probability per processor",
        "0",
        "0.05",
        |s| s.noise.straggler_prob.to_string(),
        |s, t| {
            s.noise.straggler_prob = number(t, "the straggler probability")?;
            Ok(())
        },
    )
    .max("1")
    .title("probability per processor that it straggles in a sample"),
    Field::new(
        "Straggler ×",
        "Straggler slowdown factor",
        "1",
        "0.5",
        |s| s.noise.straggler_factor.to_string(),
        |s, t| {
            s.noise.straggler_factor = number(t, "the straggler factor")?;
            Ok(())
        },
    )
    .title("how many times slower a straggling processor runs"),
];

/// The data a new dependency carries (set once, so drawing a graph with data is quick).
pub static EDGE_DATA: [Field; 1] = [Field::new(
    "New edge data",
    "Data on new dependencies",
    "0",
    "1",
    |s| s.view.edge_data.to_string(),
    |s, t| {
        s.view.edge_data = number(t, "the data of new dependencies")?;
        Ok(())
    },
)
.id("new-edge-data")
.title("the data a dependency carries when it is drawn (communication time = data ÷ bandwidth)")];

/// The noise seed, then the number of samples.
pub static SAMPLES: [Field; 2] = [
    Field::new(
        "Seed",
        "Random seed",
        "0",
        "1",
        |s| s.noise.seed.to_string(),
        |s, t| {
            s.noise.seed = seed(t, "the seed")?;
            Ok(())
        },
    )
    .id("seed")
    .reseed("new-seed"),
    Field::new(
        "Samples",
        "Noise samples",
        "1",
        "1",
        |s| s.noise.samples.to_string(),
        |s, t| {
            s.noise.samples = whole(t, "samples")?;
            Ok(())
        },
    )
    .max(MAX_SAMPLES_TEXT),
];

/// The network's default bandwidth (empty: infinite) and latency, in the Platform tab.
pub static NETWORK: [Field; 2] = [
    Field::new(
        "Bandwidth (empty = infinite)",
        "bandwidth",
        "0",
        "any",
        |s| {
            s.scenario
                .network
                .bandwidth
                .map(|b| b.to_string())
                .unwrap_or_default()
        },
        |s, t| {
            s.scenario.network.bandwidth = match t.trim() {
                "" => None,
                t => match number(t, "the bandwidth")? {
                    b if b > 0.0 => Some(b),
                    b => return Err(format!("the bandwidth must be a number > 0 (got {b})")),
                },
            };
            Ok(())
        },
    ),
    Field::new(
        "Latency",
        "latency",
        "0",
        "any",
        |s| s.scenario.network.latency.to_string(),
        |s, t| {
            match number(t, "the latency")? {
                l if l >= 0.0 => s.scenario.network.latency = l,
                l => return Err(format!("the latency must be a number >= 0 (got {l})")),
            }
            Ok(())
        },
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::form::tests::check_fields;
    use crate::labs::dag::presets;
    use crate::state::AppState;

    #[test]
    fn every_field_round_trips_and_refuses_what_is_not_a_number() {
        let mut s = AppState::new(presets::ALL[0].scenario());
        s.noise.exec_sigma = 0.1 + 0.2;
        check_fields(&[&NOISE, &SAMPLES, &EDGE_DATA, &NETWORK], &[s.clone()]);
        let mut t = s.clone();
        (NETWORK[0].set)(&mut t, "").unwrap();
        assert_eq!(t.scenario.network.bandwidth, None, "empty: infinite");
        assert!((NETWORK[0].set)(&mut t, "0").unwrap_err().contains("> 0"));
        assert!((NETWORK[1].set)(&mut t, "-1").unwrap_err().contains(">= 0"));
        // The bounds are the state's own check, through the editor's edit.
        let mut e = crate::editor::Editor::new(s);
        assert_eq!(
            e.edit(|s| (SAMPLES[1].set)(s, "201")).unwrap_err(),
            "samples must be between 1 and 200"
        );
        assert_eq!(
            e.state.noise.samples,
            AppState::new(presets::ALL[0].scenario()).noise.samples
        );
    }
}
