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
}
