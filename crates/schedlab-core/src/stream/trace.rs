//! Arrival traces: when jobs arrived (and, optionally, how big they were).
//!
//! Two text formats, told apart by the first non-blank line:
//! - JSON lines, one object per job with `arrival` or `timestamp` (a Mooncake trace's
//!   `timestamp`, in ms, works as is) and an optional `size`, or its operations `ops`
//!   (`[1, 0.5, 2]`: revealed one after the other under the revealed model);
//! - CSV or whitespace-separated columns `arrival[,size]`, with an optional header line and
//!   `#` comments; or a classroom job table `name,arrival,burst` (`P1,0,8`), the same with
//!   a name first. A size written `1+0.5+2` gives the job's operations.
//!
//! When some jobs give operations, every job needs a size (one operation when it gives
//! no more).
//!
//! Arrivals are sorted (stably) and shifted so the first is at 0, except in a named job
//! table, whose times stay as typed (a teacher's P1 arriving at 2 completes when her table
//! says). Names are labels: they need not be unique (no check that would grow with the
//! square of a million-line file). Every line is checked: a bad one is reported with its line number.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Upper bound on trace entries (the stream limit).
pub const MAX_ENTRIES: usize = super::MAX_JOBS;

/// A parsed trace. Unknown fields are refused: the page's build has no `ops` (see there),
/// so a link carrying operations is refused there rather than read without them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trace {
    /// Arrival times, sorted; the first at 0, except in a named table (times as typed).
    pub arrivals: Vec<f64>,
    /// Sizes per arrival (in the same order), if the trace gives them for every line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sizes: Option<Vec<f64>>,
    /// The jobs' names (a classroom table's `P1`, `P2`, …), in the same order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Vec<String>>,
    /// Each job's operations (their sizes summing to its size), when the trace gives them.
    /// Read by the CLI only: the page's bundle has no room for them yet (docs/performance.md).
    #[cfg(not(target_arch = "wasm32"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ops: Option<Vec<Vec<f64>>>,
}

/// Characters a job name may have.
pub const MAX_NAME_CHARS: usize = 32;

impl Trace {
    /// Checks a trace however it was made (parsed, decoded from a link, built in code):
    /// at least one arrival and at most [`MAX_ENTRIES`]; arrivals finite, >= 0 and sorted;
    /// sizes, when given, one per arrival, each a finite number > 0. Every generator
    /// that replays a trace calls this first.
    pub fn validate(&self) -> Result<()> {
        let max = super::limits::MAX_NUMBER;
        let show = crate::util::show;
        if self.arrivals.is_empty() {
            return Err(Error::invalid("trace: no arrivals"));
        }
        if self.arrivals.len() > MAX_ENTRIES {
            return Err(Error::Limit {
                what: "trace arrivals",
                found: self.arrivals.len(),
                limit: MAX_ENTRIES,
            });
        }
        let mut last = 0.0;
        for (i, &t) in self.arrivals.iter().enumerate() {
            if !(t.is_finite() && t >= last && t <= max) {
                return Err(Error::invalid(format!(
                    "trace: arrival {i} ({}) is not a finite number >= 0, at most {}, in order",
                    show(t),
                    show(max)
                )));
            }
            last = t;
        }
        if let Some(sizes) = &self.sizes {
            if sizes.len() != self.arrivals.len() {
                return Err(Error::invalid(format!(
                    "trace: {} arrivals but {} sizes (give a size for every arrival or none)",
                    self.arrivals.len(),
                    sizes.len()
                )));
            }
            if let Some((i, s)) = sizes
                .iter()
                .enumerate()
                .find(|(_, s)| !(s.is_finite() && **s > 0.0 && **s <= max))
            {
                return Err(Error::invalid(format!(
                    "trace: size {i} ({}) is not a finite number > 0 and at most {}",
                    show(*s),
                    show(max)
                )));
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(ops) = &self.ops {
            let sizes = self.sizes.as_deref().unwrap_or_default();
            if ops.len() != self.arrivals.len() || sizes.len() != ops.len() {
                return Err(Error::invalid(
                    "trace: operations need one list and one size per arrival",
                ));
            }
            for (i, (o, s)) in ops.iter().zip(sizes).enumerate() {
                let sum: f64 = o.iter().sum();
                let ok = (1..=super::MAX_OPS_PER_JOB).contains(&o.len())
                    && o.iter().all(|x| x.is_finite() && *x > 0.0 && *x <= max)
                    && (sum - s).abs() <= 1e-9 * s.abs().max(1.0);
                if !ok {
                    return Err(Error::invalid(format!(
                        "trace: job {i}'s operations must be 1 to {} numbers > 0 summing to its size",
                        super::MAX_OPS_PER_JOB
                    )));
                }
            }
        }
        if let Some(names) = &self.names {
            if names.len() != self.arrivals.len() {
                return Err(Error::invalid(format!(
                    "trace: {} arrivals but {} names",
                    self.arrivals.len(),
                    names.len()
                )));
            }
            if let Some((i, n)) = names.iter().enumerate().find(|(_, n)| {
                n.is_empty()
                    || n.chars().count() > MAX_NAME_CHARS
                    || n.chars().any(char::is_control)
            }) {
                return Err(Error::invalid(format!(
                    "trace: job name {i} ({n:?}) must have 1 to {MAX_NAME_CHARS} printable characters"
                )));
            }
        }
        Ok(())
    }
}

fn bad(name: &str, line: usize, msg: impl std::fmt::Display) -> Error {
    Error::format("trace", format!("{name}:{line}: {msg}"))
}

/// Parses a trace file's text (`name` is used in error messages).
pub fn parse(name: &str, text: &str) -> Result<Trace> {
    // A spreadsheet's "CSV UTF-8" starts with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows: Vec<(f64, Option<f64>)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    // Each row's operations, when it gives more than a size.
    #[cfg(not(target_arch = "wasm32"))]
    let mut row_ops: Vec<Option<Vec<f64>>> = Vec::new();
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let Some(first) = first else {
        return Err(bad(name, 1, "the trace has no arrivals"));
    };
    let json = first.starts_with('{');
    let mut header_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if rows.len() >= MAX_ENTRIES {
            return Err(bad(name, ln, format!("more than {MAX_ENTRIES} arrivals")));
        }
        #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
        let mut ops: Option<Vec<f64>> = None;
        let (t, size) = if json {
            let v: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| bad(name, ln, format!("not a JSON object: {e}")))?;
            let t = v
                .get("arrival")
                .or_else(|| v.get("timestamp"))
                .ok_or_else(|| bad(name, ln, "no `arrival` or `timestamp` field"))?
                .as_f64()
                .ok_or_else(|| bad(name, ln, "the arrival time is not a number"))?;
            #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
            let mut size = match v.get("size") {
                None | Some(serde_json::Value::Null) => None,
                Some(s) => Some(
                    s.as_f64()
                        .ok_or_else(|| bad(name, ln, "`size` is not a number"))?,
                ),
            };
            // Operations are read by the CLI; the page's bundle has no room for them yet
            // (docs/performance.md, Bundle): there a trace with `ops` is refused.
            #[cfg(target_arch = "wasm32")]
            if v.get("ops").is_some() {
                return Err(bad(name, ln, "operations (`ops`) are read by the CLI only"));
            }
            #[cfg(not(target_arch = "wasm32"))]
            if let Some(o) = v.get("ops").filter(|o| !o.is_null()) {
                let list: Option<Vec<f64>> = o
                    .as_array()
                    .and_then(|a| a.iter().map(serde_json::Value::as_f64).collect());
                let list = list.ok_or_else(|| bad(name, ln, "`ops` is not a list of numbers"))?;
                let sum: f64 = list.iter().sum();
                if size.is_some_and(|s| (s - sum).abs() > 1e-9 * s.abs().max(1.0)) {
                    return Err(bad(name, ln, "`size` is not the sum of `ops`"));
                }
                size = Some(sum);
                ops = Some(list);
            }
            (t, size)
        } else {
            // A `#` starts a comment, on its own line or after the values.
            let line = line.split('#').next().unwrap_or("");
            let cols: Vec<&str> = line
                .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                .filter(|c| !c.is_empty())
                .collect();
            let parse = crate::util::parse_f64;
            // A classroom row: a name, then the arrival (and burst).
            let named = cols.len() >= 2 && parse(cols[0]).is_none() && parse(cols[1]).is_some();
            if named == names.is_empty() && !rows.is_empty() {
                return Err(bad(
                    name,
                    ln,
                    "mixes rows with and without a job name: give every row a name or none",
                ));
            }
            let cols: &[&str] = if named {
                let n = cols[0];
                if n.chars().count() > MAX_NAME_CHARS {
                    return Err(bad(
                        name,
                        ln,
                        format!("the job name is longer than {MAX_NAME_CHARS} characters"),
                    ));
                }
                names.push(n.to_string());
                &cols[1..]
            } else {
                &cols
            };
            // A header names its columns: its first starts with a letter (`arrival`,
            // `time_ms`, `"t"`). A first row that starts with a digit and is not a number
            // (`1o`) is a typo, not a header, and is refused like any other row.
            let looks_like_header = |c: &str| {
                c.trim_start_matches(['"', '\''])
                    .chars()
                    .next()
                    .is_some_and(char::is_alphabetic)
            };
            if !header_seen
                && rows.is_empty()
                && !named
                && cols
                    .first()
                    .is_some_and(|c| parse(c).is_none() && looks_like_header(c))
            {
                header_seen = true;
                continue;
            }
            // More values than a row holds: refused rather than ignored (`1,3,8` is not
            // "arrival 1, size 3"; a numeric job name is ambiguous, so names start with a
            // letter).
            if cols.len() > 2 {
                return Err(bad(
                    name,
                    ln,
                    format!(
                        "{} values where a row is arrival[,size] or name,arrival[,burst] (a job name starts with a letter: P1,0,8)",
                        cols.len() + usize::from(named)
                    ),
                ));
            }
            match (cols.first().and_then(|c| parse(c)), cols.len()) {
                (None, _) => {
                    return Err(bad(
                        name,
                        ln,
                        format!("'{}' is not an arrival time", cols.first().unwrap_or(&"")),
                    ))
                }
                (Some(t), 1) => (t, None),
                #[cfg(target_arch = "wasm32")]
                (Some(t), _) => (
                    t,
                    Some(parse(cols[1]).ok_or_else(|| {
                        let why = if cols[1].contains('+') {
                            " (operations, 1+2, are read by the CLI only)"
                        } else {
                            ""
                        };
                        bad(name, ln, format!("'{}' is not a size{why}", cols[1]))
                    })?),
                ),
                // `1+0.5+2`: the job's operations (the CLI's; see above).
                #[cfg(not(target_arch = "wasm32"))]
                (Some(t), _) => {
                    let mut list = Vec::new();
                    for part in cols[1].split('+') {
                        list.push(parse(part).ok_or_else(|| {
                            bad(name, ln, format!("'{}' is not a size", cols[1]))
                        })?);
                    }
                    let sum = list.iter().sum();
                    if list.len() > 1 {
                        ops = Some(list);
                    }
                    (t, Some(sum))
                }
            }
        };
        if !(0.0..=super::limits::MAX_NUMBER).contains(&t) {
            return Err(bad(
                name,
                ln,
                format!("arrival time {t} is not a finite number >= 0"),
            ));
        }
        if let Some(s) = size {
            if !(s.is_finite() && s > 0.0 && s <= super::limits::MAX_NUMBER) {
                return Err(bad(
                    name,
                    ln,
                    format!("size {s} is not a finite number > 0"),
                ));
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(o) = &ops {
            if o.len() > super::MAX_OPS_PER_JOB || o.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
                return Err(bad(
                    name,
                    ln,
                    format!(
                        "operations must be 1 to {} numbers > 0",
                        super::MAX_OPS_PER_JOB
                    ),
                ));
            }
        }
        rows.push((t, size));
        #[cfg(not(target_arch = "wasm32"))]
        row_ops.push(ops);
        #[cfg(target_arch = "wasm32")]
        let _ = ops;
    }
    if rows.is_empty() {
        return Err(bad(name, 1, "the trace has no arrivals"));
    }
    // In arrival order, stably (through the one shared sort of positions).
    let mut order: Vec<usize> = (0..rows.len()).collect();
    crate::util::sort_positions(&mut order, &|a, b| rows[a].0.total_cmp(&rows[b].0));
    let t0 = if names.is_empty() {
        rows[order[0]].0
    } else {
        0.0
    };
    let sizes: Option<Vec<f64>> = if rows.iter().all(|r| r.1.is_some()) {
        Some(order.iter().map(|&i| rows[i].1.unwrap_or(0.0)).collect())
    } else {
        None
    };
    // Operations for every job (a job with a size alone is one operation), when any gives them.
    #[cfg(not(target_arch = "wasm32"))]
    let ops = match (&sizes, row_ops.iter().any(Option::is_some)) {
        (_, false) => None,
        (None, true) => {
            return Err(bad(
                name,
                1,
                "some jobs give operations, so every job needs a size",
            ))
        }
        (Some(sizes), true) => Some(
            order
                .iter()
                .zip(sizes)
                .map(|(&i, &s)| row_ops[i].clone().unwrap_or_else(|| vec![s]))
                .collect(),
        ),
    };
    Ok(Trace {
        arrivals: order.iter().map(|&i| rows[i].0 - t0).collect(),
        sizes,
        names: (!names.is_empty()).then(|| order.iter().map(|&i| names[i].clone()).collect()),
        #[cfg(not(target_arch = "wasm32"))]
        ops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_in_a_table_or_json_lines() {
        let t = parse("ops", "J1,0,1+0.5\nJ2,1,2\n").unwrap();
        assert_eq!(t.sizes, Some(vec![1.5, 2.0]));
        assert_eq!(t.ops, Some(vec![vec![1.0, 0.5], vec![2.0]]));
        t.validate().unwrap();
        let j = parse(
            "ops.jsonl",
            "{\"arrival\": 3, \"ops\": [0.25, 0.5]}\n{\"arrival\": 1, \"size\": 4}\n",
        )
        .unwrap();
        assert_eq!(j.arrivals, vec![0.0, 2.0]);
        assert_eq!(
            j.ops,
            Some(vec![vec![4.0], vec![0.25, 0.5]]),
            "in arrival order"
        );
        assert_eq!(j.sizes, Some(vec![4.0, 0.75]));
        // No operations anywhere: none recorded (a plain size is one operation).
        assert_eq!(parse("plain", "J1,0,3\n").unwrap().ops, None);
        let err = |name: &str, text: &str| parse(name, text).unwrap_err().to_string();
        assert!(err("t", "J1,0,1+0\n").contains("t:1: operations must be"));
        assert!(err("t", "J1,0,1+x\n").contains("'1+x' is not a size"));
        assert!(err("t.jsonl", "{\"arrival\": 0, \"ops\": [1, \"a\"]}\n")
            .contains("not a list of numbers"));
        assert!(err(
            "t.jsonl",
            "{\"arrival\": 0, \"size\": 5, \"ops\": [1, 2]}\n"
        )
        .contains("not the sum"));
        assert!(err(
            "t.jsonl",
            "{\"arrival\": 0, \"ops\": [1, 2]}\n{\"arrival\": 1}\n"
        )
        .contains("every job needs a size"));
        let mut bad = t.clone();
        bad.ops = Some(vec![vec![1.0], vec![2.0]]);
        assert!(
            bad.validate().is_err(),
            "operations that do not sum to the size"
        );
    }

    #[test]
    fn a_classroom_table_keeps_its_names_and_times() {
        let t = parse("typed", "Process,Arrival,Burst\nP1,2,8\nP2 1 4\nP3;5;9\n").unwrap();
        assert_eq!(t.arrivals, vec![1.0, 2.0, 5.0], "sorted, not shifted");
        assert_eq!(t.sizes, Some(vec![4.0, 8.0, 9.0]));
        assert_eq!(
            t.names.as_deref(),
            Some(&["P2".to_string(), "P1".into(), "P3".into()][..])
        );
        t.validate().unwrap();
        let err = |text: &str| parse("typed", text).unwrap_err().to_string();
        assert!(
            err("P1,0,8\n3,4\n").contains("typed:2: mixes rows"),
            "{}",
            err("P1,0,8\n3,4\n")
        );
        assert!(err("P1,0,x\n").contains("'x' is not a size"));
        assert!(err(&format!("{},0,1\n", "P".repeat(40))).contains("longer than 32"));
        let mut bad_names = t.clone();
        bad_names.names = Some(vec!["a".into()]);
        assert!(bad_names.validate().is_err());
    }

    #[test]
    fn extra_values_and_typos_are_refused_not_guessed() {
        // Three numbers: not "arrival 1, size 3" with the 8 dropped.
        let e = parse("t.csv", "1,3,8\n2,4,1\n").unwrap_err().to_string();
        assert!(e.contains("t.csv:1: 3 values where a row is"), "{e}");
        let e = parse("t.csv", "P1,0,8,2\n").unwrap_err().to_string();
        assert!(e.contains("t.csv:1: 4 values"), "{e}");
        // A typo in the first row is not a header.
        let e = parse("t.csv", "1o\n20\n30\n").unwrap_err().to_string();
        assert!(e.contains("t.csv:1: '1o' is not an arrival time"), "{e}");
        // Headers still are: one word per column, a name first.
        assert_eq!(
            parse("t.csv", "name,arrival,burst\nP1,0,8\n")
                .unwrap()
                .arrivals,
            [0.0]
        );
        assert_eq!(parse("t.csv", "\"t\"\n5\n").unwrap().arrivals, [0.0]);
        // Separators alone are a bad row, not a panic.
        assert!(parse("t.csv", ",,,\n1\n").is_err());
        // A byte-order mark before a header, and comments after the values.
        let t = parse("t.csv", "\u{feff}arrival,size\n0,1 # first\n2,3\n").unwrap();
        assert_eq!(
            (t.arrivals, t.sizes),
            (vec![0.0, 2.0], Some(vec![1.0, 3.0]))
        );
    }

    #[test]
    fn csv_with_header_and_sizes() {
        let t = parse("t.csv", "arrival,size\n# comment\n5,2\n3,1.5\n\n9,4\n").unwrap();
        assert_eq!(t.arrivals, vec![0.0, 2.0, 6.0]);
        assert_eq!(t.sizes, Some(vec![1.5, 2.0, 4.0]));
    }

    #[test]
    fn jsonl_timestamps_without_sizes() {
        let t = parse(
            "m.jsonl",
            "{\"timestamp\": 10, \"input_length\": 3}\n{\"timestamp\": 12}\n",
        )
        .unwrap();
        assert_eq!(t.arrivals, vec![0.0, 2.0]);
        assert_eq!(t.sizes, None);
    }

    #[test]
    fn bad_lines_are_located() {
        let e = parse("x.csv", "1,2\n2,-1\n").unwrap_err().to_string();
        assert!(e.contains("x.csv:2") && e.contains("size -1"), "{e}");
        let e = parse("x.csv", "1\nfoo\n").unwrap_err().to_string();
        assert!(e.contains("x.csv:2"), "{e}");
        let e = parse("x.jsonl", "{\"timestamp\": 1}\n{\"t\": 2}\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.jsonl:2") && e.contains("timestamp"), "{e}");
        let e = parse("x.csv", "NaN\n").unwrap_err().to_string();
        assert!(e.contains("x.csv:1"), "{e}");
        assert!(parse("e", "\n# only a comment\n").is_err());
    }
}
