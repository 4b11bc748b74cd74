//! The presets gallery: the scenarios shipped in assets/scenarios.
//!
//! Natively (the CLI, the tests) every preset is embedded. In the WebAssembly bundle only
//! the first, the page's default, is: the others are fetched from `presets/ID.json` beside
//! the page when chosen (Trunk copies assets/scenarios there), which keeps about 9 KB of
//! gzipped JSON out of the bundle every visitor downloads (ARCHITECTURE.md, Dependencies).
//! Relative URLs, so the site still works from any sub-path.

use schedlab_core::Scenario;

/// A preset: its id (file name without .json), its one-line description (the file's, which
/// a test checks) and, where embedded, its JSON.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub id: &'static str,
    pub description: &'static str,
    json: Option<&'static str>,
}

macro_rules! preset {
    ($id:literal, $description:literal, always) => {
        Preset {
            id: $id,
            description: $description,
            json: Some(include_str!(concat!(
                "../../../../../assets/scenarios/",
                $id,
                ".json"
            ))),
        }
    };
    ($id:literal, $description:literal) => {
        Preset {
            id: $id,
            description: $description,
            #[cfg(not(target_arch = "wasm32"))]
            json: Some(include_str!(concat!(
                "../../../../../assets/scenarios/",
                $id,
                ".json"
            ))),
            #[cfg(target_arch = "wasm32")]
            json: None,
        }
    };
}

/// Every preset, in gallery order; the first is the page's default (always embedded).
pub static ALL: &[Preset] = &[
    preset!("topcuoglu2002", "The HEFT paper's example: 10 tasks on 3 heterogeneous processors (HEFT 80, CPOP 86).", always),
    preset!("ds3-wifi-tx", "DS3's WiFi transmitter job (27 tasks) on the 16-PE DASH SoC: 4 Arm A7, 4 Arm A15, 2 matrix-multiply, 4 FFT and 2 Viterbi accelerators (times in µs)."),
    preset!("ds3-wifi-rx", "DS3's WiFi receiver job (34 tasks) on the same 16-PE DASH SoC as the transmitter (times in µs)."),
    preset!("gaussian-elimination", "Gaussian elimination of an 8×8 matrix (35 tasks): a pivot then row updates per step, on 4 heterogeneous CPUs (CCR 1, β 1)."),
    preset!("fft", "Recursive FFT on 8 points (39 tasks): a tree of recursive calls then 3 butterfly stages, on 4 heterogeneous CPUs."),
    preset!("montage", "A real Montage astronomy mosaic workflow (103 tasks, measured runtimes in s, file sizes in bytes) on 4 CPUs at 1 Gbit/s."),
    preset!("stg-rand50", "Kasahara STG random graph rand0000 (50 tasks, no communication) on 4 identical processors; the optimum is 66."),
];

/// A whole setting of the labs (a state, as a link carries it) shipped as a preset: a
/// story the page opens at once, in whichever lab it is told. Natively embedded; the page
/// fetches `states/ID.json` (assets/states, copied there by Trunk).
#[derive(Debug, Clone, Copy)]
pub struct StatePreset {
    pub id: &'static str,
    pub description: &'static str,
    #[cfg(not(target_arch = "wasm32"))]
    json: &'static str,
}

/// The state presets, shown after [`ALL`] in the gallery.
pub static STATES: &[StatePreset] = &[StatePreset {
    id: "heft-under-noise",
    description: "HEFT under noise, the DeepSoCS story (opens the Streams lab): DS3 WiFi jobs on the 16-PE SoC at 50 % execution noise. HEFT-RT's plan breaks (mean latency 280 against ETF's 219); with no noise they tie (194 and 193).",
    #[cfg(not(target_arch = "wasm32"))]
    json: include_str!("../../../../../assets/states/heft-under-noise.json"),
}];

impl StatePreset {
    /// Where the page fetches it, relative to the page.
    pub fn url(&self) -> String {
        format!("states/{}.json", self.id)
    }

    /// Its state, read as a link's.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn state(&self) -> crate::state::AppState {
        crate::link::read(self.json.as_bytes()).expect("state presets are valid (tested)")
    }
}

impl Preset {
    /// The preset's JSON, when embedded (always natively; in the page only the first).
    pub fn embedded(&self) -> Option<&'static str> {
        self.json
    }

    /// Where the page fetches a preset that is not embedded, relative to the page.
    pub fn url(&self) -> String {
        format!("presets/{}.json", self.id)
    }

    /// The embedded preset's scenario. Panics for a preset the page fetches instead: call
    /// [`Preset::embedded`] first there.
    pub fn scenario(&self) -> Scenario {
        let json = self.json.expect("an embedded preset");
        Scenario::from_json(json).expect("presets are valid (tested)")
    }
}

pub fn find(id: &str) -> Option<&'static Preset> {
    ALL.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_preset_file_is_in_the_gallery_and_valid() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .trim_end_matches(".json")
                    .to_string()
            })
            .collect();
        files.sort();
        let mut ids: Vec<String> = super::ALL.iter().map(|p| p.id.to_string()).collect();
        ids.sort();
        assert_eq!(files, ids);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/states");
        assert_eq!(std::fs::read_dir(dir).unwrap().count(), super::STATES.len());
        for p in super::ALL {
            let s = p.scenario();
            schedlab_core::Problem::new(&s).unwrap();
            assert!(
                !s.description.is_empty(),
                "{} needs a one-line description",
                p.id
            );
            assert_eq!(
                p.description, s.description,
                "{}: the gallery's description",
                p.id
            );
        }
    }

    /// The HEFT-under-noise story holds, with the numbers its card gives: HEFT-RT's
    /// latency at least 20 % above ETF's under the noise, within 5 % of it without.
    #[test]
    fn heft_under_noise_breaks_heft_rt_and_not_etf_as_its_card_says() {
        use crate::labs::streams::run_all;
        let p = &super::STATES[0];
        let s = p.state();
        assert_eq!(s.view.lab, crate::state::Lab::Streams);
        assert_eq!(s.view.preset.as_deref(), Some(p.id));
        assert_eq!(s.streams.policies, ["heft_rt", "etf:2"]);
        let means = |streams: &schedlab_core::stream::lab::StreamsSettings| {
            let r = run_all(streams).unwrap();
            [0, 1].map(|i| r.columns[i].metrics.mean_flow_time)
        };
        let noisy = means(&s.streams);
        let mut calm = s.streams.clone();
        calm.exec_noise = 0.0;
        let calm = means(&calm);
        assert!(noisy[0] > 1.2 * noisy[1], "{noisy:?}");
        assert!((calm[0] / calm[1] - 1.0).abs() < 0.05, "{calm:?}");
        for x in noisy.iter().chain(&calm) {
            assert!(
                p.description.contains(&format!("{x:.0}")),
                "{x:.0} in the card"
            );
        }
    }
}
