//! The scenario: a task DAG, a platform and a cost model, as users write it (names, not indices).
//!
//! This is also the versioned JSON file format documented in `docs/scenario-format.md`.
//! A [`Scenario`] is only data; [`crate::Problem::new`] validates it and compiles it into
//! dense arrays for the schedulers.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The scenario format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Documented size limits: inputs beyond them are refused with [`Error::Limit`].
pub mod limits {
    /// Maximum number of tasks in one scenario.
    pub const MAX_TASKS: usize = 100_000;
    /// Maximum number of dependencies (edges).
    pub const MAX_EDGES: usize = 1_000_000;
    /// Maximum number of processors.
    pub const MAX_PROCESSORS: usize = 1_024;
    /// Maximum number of explicit network links: a complete network of 512 processors.
    /// (A DS3 SoC of 1,010 cores in one cluster makes 509,545 pairs: seconds to import,
    /// validate and save as a link; the fuzzer found it.)
    pub const MAX_LINKS: usize = 131_072;
    /// Maximum size of one input file or text, in bytes.
    pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
    /// Maximum length of a task or processor name, in bytes.
    pub const MAX_NAME_BYTES: usize = 256;
    /// Maximum tasks × processors: the size of the execution-time matrix every scheduler
    /// reads (HEFT at this size takes about a second natively).
    pub const MAX_TASK_PROCESSOR_PAIRS: usize = 4_000_000;
    /// Maximum dependencies × processors: list schedulers weigh every incoming dependency
    /// on every processor.
    pub const MAX_EDGE_PROCESSOR_PAIRS: usize = 16_000_000;
    /// Largest cost, data volume, latency, speed or bandwidth.
    pub const MAX_NUMBER: f64 = 1e100;
    /// Smallest speed or bandwidth (so that a cost ÷ speed or data ÷ bandwidth stays finite).
    pub const MIN_RATE: f64 = 1e-100;
    /// Largest total time: every task on its slowest processor plus every dependency over
    /// its slowest link. Every sum a scheduler, simulator or metric forms is below this
    /// (times a small factor for noise), so no makespan is ever infinite or NaN.
    pub const MAX_TOTAL_TIME: f64 = 1e100;
    /// Largest relative σ of execution or communication noise.
    pub const MAX_NOISE_SIGMA: f64 = 100.0;
    /// Straggler factors (and random stragglers' duration, relative to the makespan) lie
    /// in [1 / `MAX_SLOWDOWN`, `MAX_SLOWDOWN`].
    pub const MAX_SLOWDOWN: f64 = 1e6;
    /// Event budget of the DAG simulator: `EVENTS_PER_ITEM` × (tasks + dependencies) +
    /// `EVENTS_BASE` (a run needs exactly one event per task and per dependency).
    pub const EVENTS_PER_ITEM: usize = 2;
    pub const EVENTS_BASE: usize = 16;
}

/// A scheduling scenario: tasks, their dependencies, and the platform they run on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be [`FORMAT_VERSION`].
    pub version: u32,
    #[serde(default)]
    pub name: String,
    /// One line shown in galleries and `--help`-like listings.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Where the data comes from (paper, repository, licence).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    pub processors: Vec<Processor>,
    #[serde(default)]
    pub network: Network,
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub edges: Vec<Edge>,
}

/// The kind of a processing element. Purely descriptive (colors, grouping, features).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum ProcKind {
    #[default]
    Cpu,
    Gpu,
    Dsp,
    Fpga,
    Accelerator,
    Other,
}

impl ProcKind {
    pub const ALL: [ProcKind; 6] = [
        ProcKind::Cpu,
        ProcKind::Gpu,
        ProcKind::Dsp,
        ProcKind::Fpga,
        ProcKind::Accelerator,
        ProcKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ProcKind::Cpu => "cpu",
            ProcKind::Gpu => "gpu",
            ProcKind::Dsp => "dsp",
            ProcKind::Fpga => "fpga",
            ProcKind::Accelerator => "accelerator",
            ProcKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<ProcKind> {
        ProcKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

/// A processor (processing element).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Processor {
    pub name: String,
    #[serde(default)]
    pub kind: ProcKind,
    /// Divides the `cost` of tasks that use the speed model. Must be > 0.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub speed: f64,
}

/// The interconnect. Communication time between two *different* processors is
/// `latency + data / bandwidth`; on the same processor it is always 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Default bandwidth between distinct processors (data units per time unit);
    /// `null` means infinite (communication only costs the latency).
    #[serde(default = "some_one")]
    pub bandwidth: Option<f64>,
    /// Default latency between distinct processors (time units).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub latency: f64,
    /// Per-pair overrides; links are symmetric.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            bandwidth: Some(1.0),
            latency: 0.0,
            links: Vec::new(),
        }
    }
}

/// A symmetric link between processors `a` and `b` that overrides the network defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub a: String,
    pub b: String,
    /// `null` = infinite bandwidth; absent = the network default.
    #[serde(
        default = "inherit",
        skip_serializing_if = "is_inherit",
        with = "link_bw"
    )]
    pub bandwidth: LinkBandwidth,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<f64>,
}

/// A link's bandwidth: inherited from the network, infinite, or a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LinkBandwidth {
    Inherit,
    Infinite,
    Value(f64),
}

fn inherit() -> LinkBandwidth {
    LinkBandwidth::Inherit
}
fn is_inherit(b: &LinkBandwidth) -> bool {
    matches!(b, LinkBandwidth::Inherit)
}

mod link_bw {
    use super::LinkBandwidth;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(b: &LinkBandwidth, s: S) -> Result<S::Ok, S::Error> {
        match b {
            LinkBandwidth::Value(v) => s.serialize_f64(*v),
            _ => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<LinkBandwidth, D::Error> {
        Ok(match Option::<f64>::deserialize(d)? {
            Some(v) => LinkBandwidth::Value(v),
            None => LinkBandwidth::Infinite,
        })
    }
}

/// A task. Exactly one of `cost` (execution time = cost / processor speed, saga style) or
/// `costs` (an execution time per processor, in processor order; `null` = cannot run there,
/// Topcuoglu/DS3 style) must be given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Vec<Option<f64>>>,
}

/// A dependency: `to` may start only after `from` has finished and its `data` has arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub data: f64,
}

fn one() -> f64 {
    1.0
}
fn some_one() -> Option<f64> {
    Some(1.0)
}
fn is_one(v: &f64) -> bool {
    *v == 1.0
}
fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl Scenario {
    /// An empty scenario of the current version (fill it in code).
    pub fn new(name: impl Into<String>) -> Self {
        Scenario {
            version: FORMAT_VERSION,
            name: name.into(),
            description: String::new(),
            source: String::new(),
            processors: Vec::new(),
            network: Network::default(),
            tasks: Vec::new(),
            edges: Vec::new(),
        }
    }

    /// Parses a scenario from JSON text, refusing unknown versions before anything else
    /// so that a file from a newer schedlab gets a clear message instead of a field error.
    /// Only the format is checked here; [`crate::Problem::new`] checks the content.
    pub fn from_json(text: &str) -> Result<Scenario> {
        if text.len() > limits::MAX_INPUT_BYTES {
            return Err(Error::Limit {
                what: "input size in bytes",
                found: text.len(),
                limit: limits::MAX_INPUT_BYTES,
            });
        }
        // One typed pass for a good file. A file of another version may also parse (its
        // fields happen to match): refused below with the same message as by the probe.
        if let Ok(s) = serde_json::from_str::<Scenario>(text) {
            return if s.version == FORMAT_VERSION {
                Ok(s)
            } else {
                Err(Error::Version {
                    found: s.version.to_string(),
                    supported: FORMAT_VERSION,
                })
            };
        }
        // A bad file: first only the version (the rest is skipped, not built), so that a
        // file from a newer schedlab gets a clear message instead of a field error.
        #[derive(Deserialize)]
        struct Probe {
            version: Option<serde_json::Value>,
        }
        let probe: Probe = serde_json::from_str(text).map_err(|e| {
            let msg = if e.is_data() {
                "expected a JSON object at the top level".to_string()
            } else {
                e.to_string()
            };
            Error::format("scenario JSON", msg)
        })?;
        match probe.version {
            None => {
                return Err(Error::format(
                    "scenario JSON",
                    "missing field `version` (is this a schedlab scenario? other formats go through `schedlab import`)",
                ))
            }
            Some(v) if v.as_u64() == Some(FORMAT_VERSION as u64) => {}
            Some(v) => return Err(Error::Version { found: crate::error::clamp(v.to_string()), supported: FORMAT_VERSION }),
        }
        serde_json::from_str(text).map_err(|e| Error::format("scenario JSON", e.to_string()))
    }

    /// Pretty JSON, stable field order: what `schedlab import` prints and presets store.
    pub fn to_json(&self) -> String {
        let mut s = crate::util::pretty_json(
            &serde_json::to_string(self).expect("a scenario always serializes"),
        );
        s.push('\n');
        s
    }

    /// Index of a processor by name.
    pub fn processor_index(&self, name: &str) -> Option<usize> {
        self.processors.iter().position(|p| p.name == name)
    }

    /// Index of a task by name.
    pub fn task_index(&self, name: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn future_version_is_refused_with_a_clear_message() {
        let err =
            Scenario::from_json(r#"{"version": 7, "tasks": [], "processors": []}"#).unwrap_err();
        assert!(matches!(err, Error::Version { .. }));
        assert!(
            err.to_string().contains("unsupported scenario version 7"),
            "{err}"
        );
    }

    #[test]
    fn missing_version_points_to_import() {
        let err = Scenario::from_json(r#"{"tasks": []}"#).unwrap_err();
        assert!(err.to_string().contains("schedlab import"), "{err}");
    }

    #[test]
    fn unknown_field_is_named() {
        let err = Scenario::from_json(
            r#"{"version": 1, "processors": [], "tasks": [{"name": "a", "coss": 1}]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("coss"), "{err}");
    }

    #[test]
    fn link_bandwidth_round_trips_all_three_states() {
        let text = r#"{"version":1,"processors":[{"name":"a"},{"name":"b"},{"name":"c"}],
            "network":{"bandwidth":null,"links":[{"a":"a","b":"b"},{"a":"a","b":"c","bandwidth":null},{"a":"b","b":"c","bandwidth":2.5}]},
            "tasks":[{"name":"t","cost":1}]}"#;
        let s = Scenario::from_json(text).unwrap();
        assert_eq!(s.network.bandwidth, None);
        assert_eq!(s.network.links[0].bandwidth, LinkBandwidth::Inherit);
        assert_eq!(s.network.links[1].bandwidth, LinkBandwidth::Infinite);
        assert_eq!(s.network.links[2].bandwidth, LinkBandwidth::Value(2.5));
        let again = Scenario::from_json(&s.to_json()).unwrap();
        assert_eq!(s, again);
    }
}
