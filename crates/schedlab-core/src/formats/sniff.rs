//! Format detection without building the document: which of a few top-level keys a JSON
//! object has. The file is checked exactly as `serde_json::Value` would check it (same
//! nesting limit, numbers in range, valid strings), so detection accepts and refuses the
//! same files, but nothing is allocated for the values (a 2 MB scenario used to become a
//! tree of maps only to be asked five questions).

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// The top-level keys detection asks about.
const KEYS: [&str; 7] = [
    "version",
    "tasks",
    "task_graph",
    "dependencies",
    "nodes",
    "edges",
    "workflow",
];

/// Which of [`KEYS`] a top-level JSON object has (a bit each).
pub(crate) struct TopKeys(u8);

impl TopKeys {
    pub(crate) fn has(&self, key: &str) -> bool {
        KEYS.iter()
            .position(|k| *k == key)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = TopKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopKeys, A::Error> {
                let mut bits = 0u8;
                while let Some(Key(k)) = map.next_key::<Key>()? {
                    if let Some(i) = k {
                        bits |= 1 << i;
                    }
                    map.next_value::<Any>()?;
                }
                Ok(TopKeys(bits))
            }
        }
        // `deserialize_any`, like `Value`: a top level that is not an object parses (and
        // is then refused by the visitor), so errors are the same kind as before.
        d.deserialize_any(Top)
    }
}

/// A top-level key: its index in [`KEYS`], if it is one of them.
struct Key(Option<usize>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(Key(KEYS.iter().position(|k| *k == s)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Any JSON value, parsed the way `Value` parses it (`deserialize_any`), then dropped.
struct Any;

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyVisitor)
    }
}

struct AnyVisitor;

impl<'de> Visitor<'de> for AnyVisitor {
    type Value = Any;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_str<E>(self, _: &str) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_unit<E>(self) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_none<E>(self) -> Result<Any, E> {
        Ok(Any)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Any, D::Error> {
        Any::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Any, A::Error> {
        while seq.next_element::<Any>()?.is_some() {}
        Ok(Any)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Any, A::Error> {
        while map.next_key::<Any>()?.is_some() {
            map.next_value::<Any>()?;
        }
        Ok(Any)
    }
}

#[cfg(test)]
mod tests {
    use super::TopKeys;

    /// Accepts exactly what `serde_json::Value` accepts.
    fn same_as_value(text: &str) {
        let value = serde_json::from_str::<serde_json::Value>(text);
        let keys = serde_json::from_str::<TopKeys>(text);
        let value_keys = value.as_ref().ok().and_then(|v| v.as_object());
        assert_eq!(
            value_keys.is_some(),
            keys.is_ok(),
            "{text:.80}: Value {value:?}"
        );
        if let (Some(o), Ok(k)) = (value_keys, keys) {
            for key in [
                "version",
                "tasks",
                "task_graph",
                "dependencies",
                "nodes",
                "edges",
                "workflow",
            ] {
                assert_eq!(o.contains_key(key), k.has(key), "{text}: {key}");
            }
        }
    }

    #[test]
    fn detection_accepts_and_refuses_what_value_does() {
        let deep = format!(
            "{{\"version\":1,\"tasks\":{}{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        let shallow = format!(
            "{{\"version\":1,\"tasks\":{}{}}}",
            "[".repeat(100),
            "]".repeat(100)
        );
        for text in [
            r#"{"version": 1, "tasks": []}"#,
            r#"{"version": 1, "tasks": [], "version": 2}"#,
            r#"{"task_graph": {"a": [1, 2.5, -3, null, true, "x\u00e9"]}}"#,
            r#"{"nodes": [], "edges": {}}"#,
            r#"{"workflow": {}}"#,
            r#"{"other": 1}"#,
            r#"{}"#,
            r#"{"version": 1, "tasks": [1e400]}"#,
            r#"{"version": 1, "tasks": ["\ud800"]}"#,
            r#"{"version": 1, "tasks": ["\x"]}"#,
            r#"{"version": 1, "tasks": []} trailing"#,
            r#"{"version": 1, "tasks": [}"#,
            r#"{"version": 1, "#,
            r#"[1, 2]"#,
            r#"3"#,
            &deep,
            &shallow,
        ] {
            same_as_value(text);
        }
    }
}
