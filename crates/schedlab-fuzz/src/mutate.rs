//! Mutations: blind byte edits, text edits that keep the shape of a line-based format
//! (numbers swapped for boundary values, lines duplicated or dropped), and structure-aware
//! edits of JSON values (a value replaced, removed, repeated thousands of times, nested
//! deeply). Share links are decoded to their JSON, mutated as JSON and re-encoded, so the
//! mutations reach the state and not only the transport.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Number, Value};

use crate::rng::Rng;

/// Inputs grow no larger than this (the engine's own limit is far above: what matters is
/// what the importers do with a few kilobytes of hostile text).
pub const MAX_INPUT: usize = 2 << 20;

/// Numbers that break arithmetic: zero and its sign, the extremes of f64, integer edges,
/// and text that is almost a number.
pub const BOUNDARY: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "-5e-324",
    "2.2250738585072014e-308",
    "1e-300",
    "1e100",
    "1e101",
    "9007199254740993",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "1000000000",
    "100000",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e",
    "-",
    ".",
    "1.2.3",
    "0x10",
    "+1",
    "00",
    "1_000",
];

const INTERESTING_BYTES: &[u8] = b"\0\xff\n\r\t \"'{}[],:;-.e0123456789#/\\";

/// How an input is shaped, which decides the structure-aware mutations that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One JSON document.
    Json,
    /// One JSON value per line (Mooncake traces, JSON arrival traces).
    JsonLines,
    /// Line-based text (STG, DOT, DS3, CSV traces).
    Text,
    /// A share link: `s1.` + base64url(deflate(JSON)).
    Link,
}

/// Applies 1 to 4 stacked mutations to `input`; `other` is another seed of the same target
/// for splicing.
pub fn mutate(input: &[u8], other: &[u8], shape: Shape, rng: &mut Rng) -> Vec<u8> {
    let rounds = 1 + rng.below(4);
    if shape == Shape::Json && rng.below(3) > 0 {
        // Parse once, edit the value `rounds` times.
        if let Ok(mut v) = serde_json::from_slice::<Value>(input) {
            for _ in 0..rounds {
                json_value(&mut v, rng);
            }
            let mut out = serde_json::to_vec(&v).unwrap_or_default();
            out.truncate(MAX_INPUT);
            return out;
        }
    }
    let mut out = input.to_vec();
    for _ in 0..rounds {
        let structured = match shape {
            Shape::Json if rng.below(3) > 0 => json_doc(&out, rng),
            Shape::JsonLines if rng.below(3) > 0 => json_lines(&out, rng),
            Shape::Link if rng.below(5) > 0 => link(&out, rng),
            _ => None,
        };
        out = match structured {
            Some(o) => o,
            None if rng.one_in(2) => text(&out, other, rng),
            None => bytes(&out, other, rng),
        };
        out.truncate(MAX_INPUT);
    }
    out
}

/// Blind byte edits.
pub fn bytes(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = input.to_vec();
    let n = v.len();
    match rng.below(8) {
        0 if n > 0 => {
            let i = rng.below(n);
            v[i] ^= 1 << rng.below(8);
        }
        1 if n > 0 => {
            let i = rng.below(n);
            v[i] = *rng.pick(INTERESTING_BYTES);
        }
        2 => {
            let i = rng.below(n + 1);
            let k = 1 + rng.below(8);
            let ins: Vec<u8> = (0..k).map(|_| rng.next_u64() as u8).collect();
            v.splice(i..i, ins);
        }
        3 if n > 0 => {
            let i = rng.below(n);
            let k = 1 + rng.below((n - i).min(64));
            v.drain(i..i + k);
        }
        4 if n > 0 => {
            // Duplicate a range.
            let i = rng.below(n);
            let k = 1 + rng.below((n - i).min(256));
            let chunk = v[i..i + k].to_vec();
            let at = rng.below(n + 1);
            v.splice(at..at, chunk);
        }
        5 if !other.is_empty() => {
            // Splice: our head, the other seed's tail.
            let a = rng.below(n + 1);
            let b = rng.below(other.len());
            v.truncate(a);
            v.extend_from_slice(&other[b..]);
        }
        6 if n > 0 => v.truncate(rng.below(n)),
        _ => {
            let i = rng.below(n + 1);
            v.insert(i, *rng.pick(INTERESTING_BYTES));
        }
    }
    v
}

/// Edits that keep text mostly well-formed: numbers swapped for boundary values, lines
/// duplicated, dropped, swapped or repeated many times, deep nesting.
pub fn text(input: &[u8], other: &[u8], rng: &mut Rng) -> Vec<u8> {
    let numbers = number_spans(input);
    match rng.below(7) {
        0..=2 if !numbers.is_empty() => {
            let (a, b) = *rng.pick(&numbers);
            let mut v = input[..a].to_vec();
            v.extend_from_slice(rng.pick(BOUNDARY).as_bytes());
            v.extend_from_slice(&input[b..]);
            v
        }
        3 => {
            let mut lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
            let n = lines.len();
            let i = rng.below(n);
            match rng.below(4) {
                0 => {
                    lines.remove(i);
                }
                1 => lines.swap(i, rng.below(n)),
                2 => {
                    let l = lines[i];
                    let copies = (*rng.pick(&[1usize, 2, 10, 1000, 20000]))
                        .min(MAX_INPUT / 2 / (l.len() + 1));
                    lines.splice(i..i, std::iter::repeat_n(l, copies));
                }
                _ => {
                    let ol: Vec<&[u8]> = other.split(|&b| b == b'\n').collect();
                    let l = *rng.pick(&ol);
                    lines.insert(i, l);
                }
            }
            let mut v = lines.join(&b'\n');
            v.truncate(MAX_INPUT);
            v
        }
        4 => {
            let depth = *rng.pick(&[10usize, 200, 5000]);
            let i = rng.below(input.len() + 1);
            let (open, close) = if rng.one_in(2) {
                (b'[', b']')
            } else {
                (b'{', b'}')
            };
            let mut v = input[..i].to_vec();
            v.extend(std::iter::repeat_n(open, depth));
            if rng.one_in(2) {
                v.extend(std::iter::repeat_n(close, depth));
            }
            v.extend_from_slice(&input[i..]);
            v
        }
        5 => {
            // A control character, an invalid UTF-8 byte or a long name somewhere.
            let i = rng.below(input.len() + 1);
            let ins: Vec<u8> = match rng.below(4) {
                0 => vec![0x1b, b'[', b'2', b'J'],
                1 => vec![0xc3],
                2 => "é\u{202e}\u{0}".as_bytes().to_vec(),
                _ => vec![b'x'; 300],
            };
            let mut v = input[..i].to_vec();
            v.extend_from_slice(&ins);
            v.extend_from_slice(&input[i..]);
            v
        }
        _ => bytes(input, other, rng),
    }
}

/// The byte ranges of number-like tokens (digits with an optional sign, dot and exponent).
fn number_spans(s: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s[i].is_ascii_digit() {
            let mut a = i;
            if a > 0 && s[a - 1] == b'-' {
                a -= 1;
            }
            let mut b = i;
            while b < s.len() && (s[b].is_ascii_digit() || matches!(s[b], b'.' | b'e' | b'E')) {
                b += 1;
            }
            out.push((a, b));
            i = b;
        } else {
            i += 1;
        }
    }
    out
}

/// A structure-aware edit of one JSON document; None when the input is not JSON.
pub fn json_doc(input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let mut v: Value = serde_json::from_slice(input).ok()?;
    json_value(&mut v, rng);
    serde_json::to_vec(&v).ok()
}

/// A structure-aware edit of one line of a JSON-lines file.
pub fn json_lines(input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(input).ok()?;
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return None;
    }
    let i = rng.below(lines.len());
    let mut v: Value = serde_json::from_str(&lines[i]).ok()?;
    json_value(&mut v, rng);
    lines[i] = serde_json::to_string(&v).ok()?;
    Some(lines.join("\n").into_bytes())
}

/// The JSON inside a share link, mutated, re-encoded as a link.
pub fn link(input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let json = link_json(input)?;
    let mut v: Value = serde_json::from_slice(&json).ok()?;
    json_value(&mut v, rng);
    Some(encode_link(&serde_json::to_vec(&v).ok()?).into_bytes())
}

/// A link's JSON (transport decoding only, no checks).
pub fn link_json(input: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(input).ok()?;
    let body = text.trim().trim_start_matches('#').strip_prefix("s1.")?;
    let packed = URL_SAFE_NO_PAD.decode(body).ok()?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, 1 << 24).ok()
}

/// `s1.` + base64url(deflate(json)), as `schedlab_app::link::encode` writes it.
pub fn encode_link(json: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json, 6);
    format!("s1.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// The number of values in `v` (itself included).
fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(o) => o.values().map(count).sum(),
        _ => 0,
    }
}

/// The `k`-th value of `v` in depth-first order (0 = `v`).
fn nth(v: &mut Value, k: usize) -> &mut Value {
    if k == 0 {
        return v;
    }
    let mut k = k - 1;
    let children: Box<dyn Iterator<Item = &mut Value>> = match v {
        Value::Array(a) => Box::new(a.iter_mut()),
        Value::Object(o) => Box::new(o.values_mut()),
        _ => unreachable!("k < count(v)"),
    };
    for c in children {
        let n = count(c);
        if k < n {
            return nth(c, k);
        }
        k -= n;
    }
    unreachable!("k < count(v)")
}

fn boundary_number(rng: &mut Rng) -> Value {
    let f = *rng.pick(&[
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1e308,
        -1e308,
        f64::MAX,
        5e-324,
        2.2250738585072014e-308,
        1e-300,
        1e100,
        1e101,
        1e9,
        1e6,
        4294967296.0,
    ]);
    match rng.below(4) {
        0 => Value::Number(Number::from(*rng.pick(&[
            0u64,
            1,
            2,
            3,
            7,
            64,
            1000,
            100_000,
            1_000_000,
            u32::MAX as u64,
            u64::MAX,
        ]))),
        1 => Value::Number(Number::from(*rng.pick(&[-1i64, i64::MIN, -1000]))),
        _ => Number::from_f64(f).map_or(Value::Null, Value::Number),
    }
}

/// One structure-aware edit somewhere in `v`.
pub fn json_value(v: &mut Value, rng: &mut Rng) {
    let all = count(v);
    let k = rng.below(all);
    let node = nth(v, k);
    match rng.below(10) {
        0..=2 => *node = boundary_number(rng),
        3 => {
            *node = match rng.below(6) {
                0 => Value::Null,
                1 => Value::Bool(rng.one_in(2)),
                2 => Value::String(rng.pick(BOUNDARY).to_string()),
                3 => Value::String(
                    ["", "x", "\u{0}\n\u{1b}", "é"][rng.below(4)].repeat(1 + rng.below(300)),
                ),
                4 => Value::Array(Vec::new()),
                _ => Value::Object(Map::new()),
            }
        }
        4 | 5 => match node {
            Value::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                match rng.below(3) {
                    0 => {
                        a.remove(i);
                    }
                    1 => {
                        // Huge counts: one element repeated many times.
                        let e = a[i].clone();
                        let size = serde_json::to_vec(&e).map_or(1, |v| v.len().max(1));
                        let k = (*rng.pick(&[1usize, 10, 1000, 50_000])).min(MAX_INPUT / 2 / size);
                        a.extend(std::iter::repeat_n(e, k));
                    }
                    _ => a.truncate(i),
                }
            }
            Value::Object(o) if !o.is_empty() => {
                let key = o
                    .keys()
                    .nth(rng.below(o.len()))
                    .cloned()
                    .expect("non-empty");
                if rng.one_in(2) {
                    o.remove(&key);
                } else {
                    let val = o[&key].clone();
                    o.insert(format!("{key}_"), val);
                }
            }
            _ => *node = boundary_number(rng),
        },
        6 => {
            // Deep nesting.
            let depth = *rng.pick(&[2usize, 50, 127, 200]);
            let mut inner = node.take();
            for _ in 0..depth {
                inner = Value::Array(vec![inner]);
            }
            *node = inner;
        }
        7 => {
            if let Value::Number(n) = node {
                let x = n.as_f64().unwrap_or(0.0);
                let y = *rng.pick(&[x * 1e6, -x, x + 1.0, x - 1.0, x / 1e9, x.floor(), x * 2.0]);
                *node = Number::from_f64(y).map_or(Value::Null, Value::Number);
            } else if let Value::String(s) = node {
                s.push_str(&s.clone());
            }
        }
        _ => {
            // Copy another value of the document over this one (a name onto a name...).
            let copy = nth(v, rng.below(all)).clone();
            *nth(v, k) = copy;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_mutants() {
        let input = br#"{"a": [1, 2.5, {"b": "c"}], "d": 7}"#;
        for shape in [Shape::Json, Shape::Text, Shape::JsonLines] {
            let run = |seed| {
                let mut rng = Rng::new(seed);
                (0..200)
                    .map(|_| mutate(input, b"x 1\ny 2", shape, &mut rng))
                    .collect::<Vec<_>>()
            };
            assert_eq!(run(3), run(3));
            assert_ne!(run(3), run(4));
        }
    }

    #[test]
    fn json_edits_keep_json_and_change_it() {
        let input = br#"{"tasks": [{"name": "a", "cost": 1}, {"name": "b", "cost": 2}]}"#;
        let mut rng = Rng::new(1);
        let mut changed = 0;
        for _ in 0..200 {
            let out = json_doc(input, &mut rng).expect("JSON in");
            match serde_json::from_slice::<Value>(&out) {
                Ok(v) => changed += (v != serde_json::from_slice::<Value>(input).unwrap()) as usize,
                // Deep nesting, on purpose: past serde's limit, still JSON.
                Err(e) => assert!(e.to_string().contains("recursion limit"), "{e}"),
            }
        }
        assert!(changed > 100, "{changed}");
    }

    #[test]
    fn links_are_mutated_inside_and_stay_links() {
        let link = encode_link(br#"{"schedulers": ["heft"], "x": 1}"#);
        assert_eq!(
            link_json(link.as_bytes()).unwrap(),
            br#"{"schedulers": ["heft"], "x": 1}"#
        );
        let mut rng = Rng::new(9);
        for _ in 0..50 {
            let out = super::link(link.as_bytes(), &mut rng).expect("a link in");
            let json = link_json(&out).expect("a link out");
            if let Err(e) = serde_json::from_slice::<Value>(&json) {
                assert!(e.to_string().contains("recursion limit"), "{e}");
            }
        }
    }

    #[test]
    fn numbers_are_found_and_replaced_by_boundary_values() {
        assert_eq!(number_spans(b"a -1.5e3 b 42"), vec![(2, 8), (11, 13)]);
        let mut rng = Rng::new(5);
        let outs: Vec<Vec<u8>> = (0..300)
            .map(|_| text(b"cost 12\n", b"", &mut rng))
            .collect();
        assert!(outs.iter().any(|o| o.starts_with(b"cost 1e308")));
        assert!(outs.iter().any(|o| o.starts_with(b"cost NaN")));
    }
}
