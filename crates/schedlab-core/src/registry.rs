//! One registry shape for everything a user picks by id: static schedulers
//! ([`crate::sched::REGISTRY`]), online policies ([`crate::stream::policy::POLICIES`]),
//! DAG-job policies ([`crate::stream::dag::DAG_POLICIES`]) and routers
//! ([`crate::serve::router::ROUTERS`]).
//!
//! An [`Entry`] is an id, a display name, a one-line rule, the options it accepts and how
//! its family builds it (`make`, a function pointer of the family's own type). Every spelling
//! is parsed here, in one place: `id`, `id:value[:value]` (options in order, `rr:0.2`,
//! `mlfq:1:5`, `dls_srpt:3`, `least_loaded:tokens`) and `id:key=value` (`rr:quantum=0.2`);
//! schedulers also take their options as `--set key=value` ([`check_option`]). The CLI's
//! listings, the web app's pickers and the tests iterate the four registries.

use crate::error::{Error, Result};

/// Options as given (`--set KEY=VALUE`, or `key=value` after an id), checked by
/// [`check_option`]: keys in sorted order, each once, like the `BTreeMap` it replaced (a
/// handful of pairs: a sorted vector, which keeps a whole B-tree instantiation out of the
/// WebAssembly bundle). Serialised as a JSON object, as before.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Options(Vec<(String, String)>);

/// Most options a file or link may give (every entry takes four at most; the message
/// below names it).
pub const MAX_OPTIONS: usize = 64;

impl Options {
    pub fn new() -> Options {
        Options(Vec::new())
    }
    fn find(&self, key: &str) -> std::result::Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&String> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }
    /// Sets `key`, giving back the value it replaces.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }
    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }
    /// The pairs, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::ops::Index<&str> for Options {
    type Output = String;
    fn index(&self, key: &str) -> &String {
        self.get(key).unwrap_or_else(|| panic!("no option '{key}'"))
    }
}

impl Extend<(String, String)> for Options {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl FromIterator<(String, String)> for Options {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Options {
        let mut o = Options::new();
        o.extend(iter);
        o
    }
}

impl<const N: usize> From<[(String, String); N]> for Options {
    fn from(pairs: [(String, String); N]) -> Options {
        pairs.into_iter().collect()
    }
}

impl IntoIterator for Options {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Options {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl serde::Serialize for Options {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> serde::Deserialize<'de> for Options {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Options, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Options;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of option names to text values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Options, A::Error> {
                // A repeated key keeps its last value, as a map did. Options are a
                // handful; a file or link with more is refused before the sorted inserts
                // could grow with the square of its size.
                let mut o = Options::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    o.insert(k, v);
                    if o.len() > MAX_OPTIONS {
                        return Err(serde::de::Error::custom("more than 64 options"));
                    }
                }
                Ok(o)
            }
        }
        d.deserialize_map(Visit)
    }
}

/// What values an option takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Values {
    /// One of these words, the default first.
    OneOf(&'static [&'static str]),
    /// A finite number above zero, with its default.
    Positive(f64),
    /// A whole number from `min` to `max`.
    Whole {
        default: usize,
        min: usize,
        max: usize,
    },
    /// A user-written rule ([`crate::rule`]), with its default. Only its length is checked
    /// here; the family parses it against its own variables when it builds the entry.
    Rule(&'static str),
}

impl Values {
    /// How a listing shows the allowed values: `a|b`, `number>0`, `1..8`.
    pub fn describe(&self) -> String {
        match self {
            Values::OneOf(v) => v.join("|"),
            Values::Positive(_) => "number>0".into(),
            Values::Whole { min, max, .. } => format!("{min}..{max}"),
            Values::Rule(_) => "rule".into(),
        }
    }

    /// The default, spelled as it would be given.
    pub fn default_text(&self) -> String {
        match self {
            Values::OneOf(v) => v.first().copied().unwrap_or("").into(),
            Values::Positive(d) => d.to_string(),
            Values::Whole { default, .. } => default.to_string(),
            Values::Rule(d) => d.to_string(),
        }
    }
}

/// One option an entry accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionSpec {
    pub key: &'static str,
    pub values: Values,
    pub help: &'static str,
}

/// A registry entry; `M` is how its family makes the object (a function pointer).
#[derive(Clone, Copy)]
pub struct Entry<M: 'static> {
    /// Stable identifier used in files, URLs and the CLI.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// One line: what it does.
    pub rule: &'static str,
    /// The paper it comes from (empty if none).
    pub citation: &'static str,
    /// Other spellings of the id that are accepted (`setf` for `las`).
    pub aliases: &'static [&'static str],
    /// Options, in the order they are given positionally after ':'.
    pub options: &'static [OptionSpec],
    /// Builds the family's object from a parsed entry.
    pub make: M,
}

impl<M> std::fmt::Debug for Entry<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").field("id", &self.id).finish()
    }
}

impl<M: Copy> Entry<M> {
    pub const fn new(
        id: &'static str,
        name: &'static str,
        rule: &'static str,
        citation: &'static str,
        options: &'static [OptionSpec],
        make: M,
    ) -> Self {
        Entry {
            id,
            name,
            rule,
            citation,
            aliases: &[],
            options,
            make,
        }
    }

    /// The same entry, also accepted under these ids.
    pub const fn aliases(self, aliases: &'static [&'static str]) -> Self {
        Entry { aliases, ..self }
    }

    /// The entry without its maker: what listings and pickers need, one type for every
    /// family.
    pub fn about(&self) -> Entry<()> {
        Entry {
            id: self.id,
            name: self.name,
            rule: self.rule,
            citation: self.citation,
            aliases: self.aliases,
            options: self.options,
            make: (),
        }
    }
}

/// A parsed spelling: which entry, and the options given (already checked).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The entry's id (an alias is resolved).
    pub id: &'static str,
    /// The text as given, for messages.
    pub text: String,
    pub options: Options,
    specs: &'static [OptionSpec],
}

impl Parsed {
    fn spec(&self, key: &str) -> Option<&'static OptionSpec> {
        self.specs.iter().find(|o| o.key == key)
    }

    /// A word option, given or its default (empty for an option the entry lacks).
    pub fn word(&self, key: &str) -> &str {
        match (self.options.get(key), self.spec(key).map(|s| s.values)) {
            (Some(v), _) => v,
            (None, Some(Values::OneOf(v))) => v.first().copied().unwrap_or(""),
            (None, Some(Values::Rule(d))) => d,
            _ => "",
        }
    }

    /// A number option, given or its default (NaN for an option the entry lacks).
    pub fn number(&self, key: &str) -> f64 {
        let given = self
            .options
            .get(key)
            .and_then(|v| crate::util::parse_f64(v));
        match (given, self.spec(key).map(|s| s.values)) {
            (Some(v), _) => v,
            (None, Some(Values::Positive(d))) => d,
            (None, Some(Values::Whole { default, .. })) => default as f64,
            _ => f64::NAN,
        }
    }

    /// A whole-number option, given or its default (0 for an option the entry lacks).
    pub fn whole(&self, key: &str) -> usize {
        let given = self.options.get(key).and_then(|v| v.parse::<usize>().ok());
        match (given, self.spec(key).map(|s| s.values)) {
            (Some(v), _) => v,
            (None, Some(Values::Whole { default, .. })) => default,
            _ => 0,
        }
    }
}

/// Looks an id (or alias) up. `noun` names the family in messages ("scheduler", "router"),
/// `scope` follows the quoted text (" for DAG jobs").
pub fn find<M>(
    entries: &'static [Entry<M>],
    noun: &str,
    scope: &str,
    id: &str,
) -> Result<&'static Entry<M>> {
    let key = id.split(':').next().unwrap_or("");
    match entries
        .iter()
        .position(|e| e.id == key || e.aliases.contains(&key))
    {
        Some(i) => Ok(&entries[i]),
        None => {
            let ids: Vec<(&str, &[&str])> = entries.iter().map(|e| (e.id, e.aliases)).collect();
            Err(unknown(noun, scope, id, &ids))
        }
    }
}

/// The refusal of an unknown id (not generic: one copy in the bundle for every family).
fn unknown(noun: &str, scope: &str, id: &str, ids: &[(&str, &[&str])]) -> Error {
    let known: Vec<&str> = ids.iter().map(|e| e.0).collect();
    let aliases: String = ids
        .iter()
        .flat_map(|&(id, aliases)| aliases.iter().map(move |a| format!("; '{a}' means {id}")))
        .collect();
    Error::config(format!(
        "unknown {noun} '{id}'{scope} (known: {}{aliases})",
        known.join(", ")
    ))
}

/// Checks one option of entry `id` (`text` is the spelling it came from, for messages).
pub fn check_option(
    options: &[OptionSpec],
    noun: &str,
    id: &str,
    text: &str,
    key: &str,
    value: &str,
) -> Result<()> {
    let Some(spec) = options.iter().find(|o| o.key == key) else {
        let known: Vec<&str> = options.iter().map(|o| o.key).collect();
        return Err(Error::config(format!(
            "{noun} '{id}' has no option '{key}' (options: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    let ok = match spec.values {
        Values::OneOf(v) => v.contains(&value),
        Values::Positive(_) => {
            crate::util::parse_f64(value).is_some_and(|q| q.is_finite() && q > 0.0)
        }
        Values::Whole { min, max, .. } => value
            .parse::<usize>()
            .is_ok_and(|d| (min..=max).contains(&d)),
        Values::Rule(_) => {
            !value.trim().is_empty() && value.chars().count() <= crate::rule::MAX_RULE_CHARS
        }
    };
    if ok {
        return Ok(());
    }
    Err(Error::config(match spec.values {
        Values::OneOf(v) => format!(
            "option '{key}' of {noun} '{id}' must be one of {} (got '{value}')",
            v.join(", ")
        ),
        Values::Positive(_) => {
            format!("{noun} '{text}': the {key} '{value}' is not a positive number")
        }
        Values::Whole { min, max, .. } => format!(
            "{noun} '{text}': the {key} after ':' must be a whole number from {min} to {max}"
        ),
        Values::Rule(_) => format!(
            "{noun} '{id}': the {key} rule must be a non-empty expression of at most {} characters",
            crate::rule::MAX_RULE_CHARS
        ),
    }))
}

/// Parses `id`, `id:value[:value]` or `id:key=value[:key=value]` against a family.
pub fn parse<M>(
    entries: &'static [Entry<M>],
    noun: &str,
    scope: &str,
    text: &str,
) -> Result<(&'static Entry<M>, Parsed)> {
    let entry = find(entries, noun, scope, text)?;
    Ok((entry, parse_options(entry.id, entry.options, noun, text)?))
}

/// The options after an entry's id (not generic: one copy in the bundle for every family).
fn parse_options(
    id: &'static str,
    specs: &'static [OptionSpec],
    noun: &str,
    text: &str,
) -> Result<Parsed> {
    let mut options = Options::new();
    for (i, arg) in text.split(':').skip(1).enumerate() {
        // `key=value`, unless the '=' belongs to a rule given positionally (`rule:a==b`,
        // `rule:a<=b`): a rule option's value is taken whole.
        let named = arg.split_once('=').filter(|(k, v)| {
            specs.iter().any(|o| o.key == *k)
                || !(matches!(specs.get(i), Some(o) if matches!(o.values, Values::Rule(_)))
                    && (v.starts_with('=')
                        || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')))
        });
        let (key, value) = match named {
            Some(kv) => kv,
            None => match specs.get(i) {
                Some(o) => (o.key, arg),
                None if specs.is_empty() => {
                    let base = text.split(':').next().unwrap_or("");
                    return Err(Error::config(format!(
                        "{noun} '{base}' takes no ':' option"
                    )));
                }
                None => {
                    let keys: Vec<&str> = specs.iter().map(|o| o.key).collect();
                    return Err(Error::config(format!(
                        "{noun} '{text}': at most {} values after '{id}:' ({})",
                        keys.len(),
                        keys.join(":")
                    )));
                }
            },
        };
        check_option(specs, noun, id, text, key, value)?;
        if options.insert(key.to_string(), value.to_string()).is_some() {
            return Err(Error::config(format!(
                "{noun} '{text}': option '{key}' given twice"
            )));
        }
    }
    Ok(Parsed {
        id,
        text: text.to_string(),
        options,
        specs,
    })
}

/// Every spelling a sweep should cover: each id, then for each option each value that is
/// not the default (`least_loaded:by=tokens`, `heft:comm_average=saga`); numeric options add
/// nothing (their defaults are covered by the id).
pub fn variants<M>(entries: &[Entry<M>]) -> Vec<String> {
    let mut out = Vec::new();
    for e in entries {
        out.push(e.id.to_string());
        for o in e.options {
            if let Values::OneOf(v) = o.values {
                out.extend(v.iter().skip(1).map(|v| format!("{}:{}={v}", e.id, o.key)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    type Make = fn(&Parsed) -> Result<Parsed>;
    static FAMILY: &[Entry<Make>] = &[
        Entry::<Make>::new("a", "A", "first", "", &[], |p| Ok(p.clone())).aliases(&["alpha"]),
        Entry::new(
            "b",
            "B",
            "second",
            "",
            &[
                OptionSpec {
                    key: "q",
                    values: Values::Positive(1.0),
                    help: "",
                },
                OptionSpec {
                    key: "mode",
                    values: Values::OneOf(&["x", "y"]),
                    help: "",
                },
            ],
            |p| Ok(p.clone()),
        ),
    ];

    fn parse_ok(text: &str) -> Parsed {
        let (e, p) = parse(FAMILY, "thing", "", text).unwrap();
        (e.make)(&p).unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse(FAMILY, "thing", " here", text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn positional_named_and_alias_spellings_agree() {
        assert_eq!(parse_ok("alpha").id, "a");
        assert_eq!(parse_ok("b").number("q"), 1.0);
        assert_eq!(parse_ok("b").word("mode"), "x");
        let p = parse_ok("b:2.5:y");
        assert_eq!((p.number("q"), p.word("mode")), (2.5, "y"));
        assert_eq!(parse_ok("b:mode=y:q=2.5").options, p.options);
    }

    #[test]
    fn bad_spellings_are_refused_with_one_line() {
        let e = parse_err("zz:1");
        assert_eq!(
            e,
            "unknown thing 'zz:1' here (known: a, b; 'alpha' means a)"
        );
        assert_eq!(parse_err("a:1"), "thing 'a' takes no ':' option");
        assert!(parse_err("b:1:x:3").contains("at most 2 values"));
        assert!(parse_err("b:0").contains("'0' is not a positive number"));
        assert!(parse_err("b:0").contains("the "), "names the option");
        assert!(parse_err("b:1:z").contains("must be one of x, y (got 'z')"));
        assert!(parse_err("b:w=1").contains("has no option 'w' (options: q, mode)"));
        assert!(parse_err("b:2:q=3").contains("given twice"));
    }

    #[test]
    fn variants_name_each_non_default_word() {
        assert_eq!(variants(FAMILY), ["a", "b", "b:mode=y"]);
    }

    #[test]
    fn options_keep_the_last_value_of_a_key_and_refuse_floods() {
        let o: Options = (0..MAX_OPTIONS)
            .rev()
            .map(|k| (format!("k{k:03}"), k.to_string()))
            .chain([("k007".into(), "last".into())])
            .collect();
        assert_eq!(o.len(), MAX_OPTIONS);
        assert_eq!(o.get("k007").unwrap(), "last");
        assert!(o.keys().zip(o.keys().skip(1)).all(|(a, b)| a < b));
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(serde_json::from_str::<Options>(&json).unwrap(), o);
        let dup: Options = serde_json::from_str(r#"{"b":"1","a":"2","b":"3"}"#).unwrap();
        assert_eq!(serde_json::to_string(&dup).unwrap(), r#"{"a":"2","b":"3"}"#);
        assert!(serde_json::from_str::<Options>(r#"{"a":1}"#).is_err());
        let flood = format!(
            "{{{}}}",
            (0..=MAX_OPTIONS)
                .map(|k| format!("\"k{k}\":\"v\""))
                .collect::<Vec<_>>()
                .join(",")
        );
        let e = serde_json::from_str::<Options>(&flood)
            .unwrap_err()
            .to_string();
        assert!(e.contains("more than 64 options"), "{e}");
    }
}
