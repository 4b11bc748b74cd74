//! base64url without padding (RFC 4648 §5), strict: the alphabet `A–Z a–z 0–9 - _`, no
//! `=`, no whitespace, and the unused low bits of the last character zero, so every byte
//! string has exactly one text and every accepted text one byte string.
//!
//! Hand-written rather than the `base64` crate: its generic engine cost about 2 KB of the
//! gzipped WebAssembly bundle for two calls (share links and the Train panel's paused
//! state); this is 40 lines. The tests check it against the crate, byte for byte, on
//! random inputs and on every malformed shape.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` as base64url text without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The bytes of a base64url text without padding; `None` for anything else.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let t = text.as_bytes();
    if t.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(t.len() / 4 * 3 + 2);
    for chunk in t.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'-' => 62,
                b'_' => 63,
                _ => return None,
            };
            n |= (v as u32) << (18 - 6 * i);
        }
        let bytes = chunk.len() - 1;
        // Bits past the last whole byte must be zero (one text per byte string).
        if n & (0xff_ffff >> (8 * bytes)) != 0 {
            return None;
        }
        out.extend_from_slice(&n.to_be_bytes()[1..=bytes]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn agrees_with_the_base64_crate_on_random_bytes() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for len in (0..64).chain([255, 256, 257, 4096]) {
            for _ in 0..20 {
                let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                let text = encode(&bytes);
                assert_eq!(text, URL_SAFE_NO_PAD.encode(&bytes), "len {len}");
                assert_eq!(decode(&text).as_deref(), Some(&bytes[..]), "len {len}");
            }
        }
    }

    #[test]
    fn refuses_what_the_base64_crate_refuses() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let chars = b"AQgw_-9zZa=+/ .\n\xc3";
        for _ in 0..20_000 {
            let len = rng.random_range(0..9);
            let t: Vec<u8> = (0..len)
                .map(|_| chars[rng.random_range(0..chars.len())])
                .collect();
            let Ok(t) = String::from_utf8(t) else {
                continue;
            };
            assert_eq!(decode(&t), URL_SAFE_NO_PAD.decode(&t).ok(), "{t:?}");
        }
        for bad in [
            "A", "AB=", "AB==", "AR", "AAB", "A A", "ab+c", "ab/c", "ABCDE",
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
        assert_eq!(decode("AQ"), Some(vec![1]));
        assert_eq!(decode(""), Some(vec![]));
    }
}
