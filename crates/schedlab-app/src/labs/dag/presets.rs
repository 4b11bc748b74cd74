//! The presets gallery: the scenarios shipped in assets/scenarios, embedded in the binary
//! (no fetch, so the static site works from any path and offline).

use schedlab_core::Scenario;

/// A preset: its id (file name without .json) and its JSON.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub id: &'static str,
    pub json: &'static str,
}

macro_rules! preset {
    ($id:literal) => {
        Preset {
            id: $id,
            json: include_str!(concat!("../../../../../assets/scenarios/", $id, ".json")),
        }
    };
}

/// Every preset, in gallery order.
pub static ALL: &[Preset] = &[
    preset!("topcuoglu2002"),
    preset!("ds3-wifi-tx"),
    preset!("ds3-wifi-rx"),
    preset!("gaussian-elimination"),
    preset!("fft"),
    preset!("montage"),
    preset!("stg-rand50"),
];

impl Preset {
    pub fn scenario(&self) -> Scenario {
        Scenario::from_json(self.json).expect("presets are valid (tested)")
    }
    /// The preset's one-line description.
    pub fn description(&self) -> String {
        self.scenario().description
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
        }
    }
}
