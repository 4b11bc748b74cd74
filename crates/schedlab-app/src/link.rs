//! Share links: the whole [`AppState`] in the URL fragment, compact and versioned.
//!
//! `#s1.<base64url(deflate(json))>`: serde → raw deflate → base64url without padding,
//! behind a format-version prefix. Natively (the CLI, the tests) miniz_oxide compresses
//! ([`encode`]); the page hands [`json`] to the browser's own `CompressionStream`
//! ("deflate-raw") and frames the result ([`frame`]), or, where a browser has none, frames
//! [`stored`] blocks (deflate without compression), so miniz_oxide's compressor and its
//! tables stay out of the WebAssembly bundle (8.9 KB gzipped: docs/performance.md, Bundle).
//! Reading is the same split: [`decode`] inflates with miniz_oxide natively; the page
//! [`unframe`]s, has the browser's `DecompressionStream` inflate (stopping at
//! [`MAX_LINK_JSON_BYTES`]) and [`read`]s, so no inflater is in the bundle either. Every one
//! of these writes and reads the same format. Decoding a broken, truncated, oversized or
//! future link gives a clear error and never a panic; the app then keeps its last good state.

use crate::state::AppState;

/// The link format version this build writes and reads.
pub const LINK_VERSION: u32 = 1;
/// Decompressed size limit, against decompression bombs: the size of the largest scenario
/// file the engine reads, so that the link of any state the page can hold reopens (the
/// fuzzer found a 900-processor DS3 import whose autosave, at 16 MB, did not).
pub const MAX_LINK_JSON_BYTES: usize = schedlab_core::scenario::limits::MAX_INPUT_BYTES;

/// Encodes a state as a URL fragment (without the leading `#`), compressed by miniz_oxide.
#[cfg(not(target_arch = "wasm32"))]
pub fn encode(state: &AppState) -> String {
    let json = json(state);
    // The best compression for the links people share; a state of megabytes (a big
    // import's autosave) at level 6, three times faster for a few percent more.
    let level = if json.len() <= 1 << 20 { 9 } else { 6 };
    frame(&miniz_oxide::deflate::compress_to_vec(&json, level))
}

/// A state as the JSON a link carries (before compression).
pub fn json(state: &AppState) -> Vec<u8> {
    serde_json::to_vec(state).expect("the state always serializes")
}

/// The link (without `#`) of `packed`, a raw deflate stream of [`json`]'s bytes.
pub fn frame(packed: &[u8]) -> String {
    format!("s{LINK_VERSION}.{}", crate::b64::encode(packed))
}

/// `data` as raw deflate "stored" blocks (RFC 1951 §3.2.4: no compression, at most 65,535
/// bytes a block): what the page frames where the browser cannot compress.
pub fn stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 5 * (data.len() / 65_535 + 1));
    let mut chunks = data.chunks(65_535).peekable();
    if chunks.peek().is_none() {
        return vec![1, 0, 0, 0xff, 0xff];
    }
    while let Some(c) = chunks.next() {
        let len = c.len() as u16;
        out.push(u8::from(chunks.peek().is_none()));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(c);
    }
    out
}

/// [`encode`] without compression (stored blocks): available in the WebAssembly build too.
pub fn encode_stored(state: &AppState) -> String {
    frame(&stored(&json(state)))
}

/// The data of deflate made only of stored blocks ([`stored`]'s, the page's links where a
/// browser cannot compress), or None if it is anything else: how such a browser, which
/// cannot inflate either, still opens its own links and autosave.
pub fn unstore(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let (&head, rest) = data.split_first()?;
        // BTYPE 00 (stored); the rest of the byte is padding.
        if head & 0b110 != 0 || rest.len() < 4 {
            return None;
        }
        let len = u16::from_le_bytes([rest[0], rest[1]]);
        if u16::from_le_bytes([rest[2], rest[3]]) != !len {
            return None;
        }
        let (block, tail) = rest[4..].split_at_checked(usize::from(len))?;
        out.extend_from_slice(block);
        data = tail;
        if head & 1 == 1 {
            return data.is_empty().then_some(out);
        }
    }
}

/// Decodes a URL fragment (with or without the leading `#`): [`unframe`], inflate (by
/// miniz_oxide, natively; the page has the browser inflate, see the module's text), [`read`].
#[cfg(not(target_arch = "wasm32"))]
pub fn decode(fragment: &str) -> Result<AppState, String> {
    let packed = unframe(fragment)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_LINK_JSON_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => TOO_LARGE.to_string(),
            _ => NOT_DEFLATE.to_string(),
        })?;
    read(&json)
}

/// What a link whose data does not inflate is told.
pub const NOT_DEFLATE: &str = "this link is damaged or truncated (its data does not decompress)";

/// What a link larger than [`MAX_LINK_JSON_BYTES`] once inflated is told (a test checks
/// the number).
pub const TOO_LARGE: &str =
    "this link unpacks to more than 64 MB, more than any scenario the page reads";

/// A link's compressed bytes: its version prefix checked and its base64 decoded.
pub fn unframe(fragment: &str) -> Result<Vec<u8>, String> {
    let f = fragment.trim().trim_start_matches('#');
    let (version, body) = f
        .split_once('.')
        .ok_or("this link is not a schedlab link (no version prefix)")?;
    let v: u32 = version
        .strip_prefix('s')
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            // The prefix is whatever was pasted: shown short and escaped, on one line.
            let shown: String = version
                .chars()
                .take(16)
                .flat_map(char::escape_debug)
                .collect();
            let more = if version.chars().nth(16).is_some() {
                "…"
            } else {
                ""
            };
            format!("this link is not a schedlab link (prefix '{shown}{more}')")
        })?;
    if v != LINK_VERSION {
        return Err(format!("this link was made by a newer schedlab (link format {v}; this one reads {LINK_VERSION})"));
    }
    crate::b64::decode(body)
        .ok_or_else(|| "this link is damaged or truncated (not valid base64)".to_string())
}

/// The state in a link's inflated JSON, checked as the engine would check it.
pub fn read(json: &[u8]) -> Result<AppState, String> {
    let text = std::str::from_utf8(json)
        .map_err(|_| "this link's content is not valid: not UTF-8 text".to_string())?;
    // `from_str`, like every other JSON reader here: one deserializer instantiation per
    // type in the WebAssembly bundle (`from_slice` would add a second one for all of them).
    let state: AppState = serde_json::from_str(text).map_err(|e| {
        schedlab_core::error::clamp(format!("this link's content is not valid: {e}"))
    })?;
    state.check().map_err(|e| {
        schedlab_core::error::clamp(format!("this link's content is not valid: {e}"))
    })?;
    // A scenario that cannot be scheduled would leave every later edit refused.
    let problem = crate::editor::compile(&state.scenario)
        .map_err(|e| format!("this link's scenario is not valid: {e}"))?;
    // The engine's own noise checks, as a run would apply them (not a copy of them).
    state
        .noise
        .validate(&problem)
        .map_err(|e| format!("this link's noise is not valid: {e}"))?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;

    #[test]
    fn every_preset_round_trips_exactly() {
        for p in presets::ALL {
            let mut s = AppState::new(p.scenario());
            s.noise.exec_sigma = 0.3;
            s.noise.seed = 123456789;
            s.schedulers = vec!["heft".into(), "cpop".into()];
            let link = encode(&s);
            assert!(link.starts_with("s1."));
            assert_eq!(decode(&link).unwrap(), s, "{}", p.id);
            assert_eq!(decode(&format!("#{link}")).unwrap(), s);
        }
    }

    #[test]
    fn stored_blocks_are_read_back_without_an_inflater() {
        for n in [0usize, 1, 65_535, 65_536, 200_000] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 % 251) as u8).collect();
            assert_eq!(unstore(&stored(&data)), Some(data), "{n} bytes");
        }
        let good = stored(b"{\"a\": 1}");
        // Cut, with trailing bytes, a bad NLEN, or compressed: not stored blocks.
        assert_eq!(unstore(&good[..good.len() - 1]), None);
        assert_eq!(unstore(&[good.as_slice(), b"x"].concat()), None);
        let mut bad = good.clone();
        bad[3] ^= 1;
        assert_eq!(unstore(&bad), None);
        assert_eq!(
            unstore(&miniz_oxide::deflate::compress_to_vec(b"{}", 9)),
            None
        );
        assert_eq!(unstore(&[]), None);
    }

    #[test]
    fn stored_blocks_are_deflate_that_decodes_to_the_same_state() {
        for n in [0, 1, 65_534, 65_535, 65_536, 200_000] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 % 251) as u8).collect();
            let back = miniz_oxide::inflate::decompress_to_vec(&stored(&data)).unwrap();
            assert_eq!(back, data, "{n} bytes");
        }
        let mut s = AppState::new(presets::ALL[0].scenario());
        s.schedulers = vec!["heft".into(), "peft".into()];
        let plain = encode_stored(&s);
        assert_eq!(decode(&plain).unwrap(), s);
        assert!(
            plain.len() > encode(&s).len(),
            "stored blocks do not compress"
        );
    }

    #[test]
    fn links_are_compact() {
        let s = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        let link = encode(&s);
        assert!(link.len() < 1500, "{} chars", link.len());
    }

    #[test]
    fn broken_links_give_clear_errors() {
        let good = encode(&AppState::new(
            presets::find("topcuoglu2002").unwrap().scenario(),
        ));
        let truncated = &good[..good.len() / 2];
        assert!(
            decode(truncated).unwrap_err().contains("truncated"),
            "{}",
            decode(truncated).unwrap_err()
        );
        assert!(decode("s1.!!!").unwrap_err().contains("base64"));
        assert!(decode("s9.abc").unwrap_err().contains("newer schedlab"));
        assert!(decode("hello").unwrap_err().contains("not a schedlab link"));
        // Found by the fuzzer: a long pasted prefix with a line break was echoed whole.
        let long = format!("{}\nx.abc", "{".repeat(5000));
        let err = decode(&long).unwrap_err();
        assert!(!err.contains('\n') && err.len() < 100, "{err}");
        assert!(decode("").is_err());
        // A decompression bomb: 1 KB of deflate that would unpack past the limit.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; MAX_LINK_JSON_BYTES + 1], 9);
        assert!(bomb.len() < 100_000, "{}", bomb.len());
        assert_eq!(decode(&frame(&bomb)).unwrap_err(), TOO_LARGE);
        assert!(TOO_LARGE.contains(&format!(" {} MB", MAX_LINK_JSON_BYTES >> 20)));
        // Valid transport, invalid content.
        let packed = miniz_oxide::deflate::compress_to_vec(br#"{"scenario": 3}"#, 9);
        assert!(decode(&format!("s1.{}", crate::b64::encode(&packed)))
            .unwrap_err()
            .contains("not valid"));
        let mut bad = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        bad.schedulers = vec!["nope".into()];
        assert!(decode(&encode(&bad))
            .unwrap_err()
            .contains("unknown scheduler"));
        // Well-formed but unschedulable: a cycle.
        let mut cyclic = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        cyclic.scenario.edges.push(schedlab_core::scenario::Edge {
            from: "n10".into(),
            to: "n1".into(),
            data: 0.0,
        });
        let err = decode(&encode(&cyclic)).unwrap_err();
        assert!(err.contains("cycle"), "{err}");
        // Every prefix of a good link fails cleanly or decodes, never panics.
        for cut in 0..good.len() {
            let _ = decode(&good[..cut]);
        }
    }

    /// Issue 18: what the CLI's flags refuse, a link is refused too, by the same checks.
    #[test]
    fn links_carrying_numbers_the_engine_refuses_are_refused() {
        let base = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        type Edit = fn(&mut AppState);
        let cases: [(&str, Edit); 6] = [
            ("exec_sigma", |s| s.noise.exec_sigma = 1e308),
            ("comm_sigma", |s| s.noise.comm_sigma = 101.0),
            ("factor 0", |s| s.noise.straggler_factor = 0.0),
            ("factor 1e308", |s| s.noise.straggler_factor = 1e308),
            ("playhead", |s| s.view.playhead = 1e308),
            ("speed", |s| s.view.speed = 1e300),
        ];
        for (what, edit) in cases {
            let mut s = base.clone();
            edit(&mut s);
            let err = decode(&encode(&s)).unwrap_err();
            assert!(
                err.contains("not valid") || err.contains("beyond") || err.contains("limit"),
                "{what}: {err}"
            );
            assert!(!err.contains('\n'), "{what}: one line: {err}");
        }
        // A factor the engine accepts stays accepted at probability 0 and at 1.
        let mut s = base.clone();
        s.noise.straggler_factor = 3.0;
        assert_eq!(decode(&encode(&s)).unwrap(), s);
        s.noise.straggler_prob = 1.0;
        assert_eq!(decode(&encode(&s)).unwrap(), s);
    }
}
