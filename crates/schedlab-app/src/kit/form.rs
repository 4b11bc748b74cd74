//! The labs' number fields as data. A field is its label and bounds plus three plain
//! functions over the page's state: whether it shows, the text it shows and how typed text
//! sets it (a refusal is one line naming the field). The page draws every field through one
//! function, so a field costs a table row rather than its own view code in the bundle, and
//! the parsing is tested here, natively.

use crate::state::AppState;

/// A labelled number input, optionally with a slider before it, or a text input.
pub struct Field {
    pub label: &'static str,
    pub aria: &'static str,
    pub testid: Option<&'static str>,
    pub title: Option<&'static str>,
    pub min: &'static str,
    pub max: Option<&'static str>,
    pub step: &'static str,
    /// A slider (min, max, step) before the number.
    pub slider: Option<(&'static str, &'static str, &'static str)>,
    /// The slider commits while it moves (else when released).
    pub live: bool,
    /// A menu of (value, label) instead of a number: `get` gives the value chosen and `set`
    /// takes one.
    pub choices: Option<&'static [(&'static str, &'static str)]>,
    /// A text field (with this placeholder) instead of a number.
    pub text: Option<&'static str>,
    /// A "New seed" button after the number (its test id, or empty): it sets a fresh seed
    /// from the browser's entropy.
    pub reseed: Option<&'static str>,
    /// Whether the field applies to the settings shown.
    pub shown: fn(&AppState) -> bool,
    /// What it shows (exact: the state's number as Rust prints it).
    pub get: fn(&AppState) -> String,
    /// Sets it from typed text; a refusal names the field and what it got.
    pub set: fn(&mut AppState, &str) -> Result<(), String>,
}

fn always(_: &AppState) -> bool {
    true
}

impl Field {
    /// A field shown always, with no test id, title, maximum or slider.
    pub const fn new(
        label: &'static str,
        aria: &'static str,
        min: &'static str,
        step: &'static str,
        get: fn(&AppState) -> String,
        set: fn(&mut AppState, &str) -> Result<(), String>,
    ) -> Field {
        Field {
            label,
            aria,
            testid: None,
            title: None,
            min,
            max: None,
            step,
            slider: None,
            live: false,
            reseed: None,
            text: None,
            choices: None,
            shown: always,
            get,
            set,
        }
    }

    pub const fn id(mut self, testid: &'static str) -> Field {
        self.testid = Some(testid);
        self
    }

    pub const fn title(mut self, title: &'static str) -> Field {
        self.title = Some(title);
        self
    }

    pub const fn max(mut self, max: &'static str) -> Field {
        self.max = Some(max);
        self
    }

    pub const fn slider(
        mut self,
        min: &'static str,
        max: &'static str,
        step: &'static str,
    ) -> Field {
        self.slider = Some((min, max, step));
        self
    }

    pub const fn live(mut self) -> Field {
        self.live = true;
        self
    }

    /// A menu of (value, label).
    pub const fn choices(mut self, choices: &'static [(&'static str, &'static str)]) -> Field {
        self.choices = Some(choices);
        self
    }

    /// A text field showing `placeholder` when empty.
    pub const fn text(mut self, placeholder: &'static str) -> Field {
        self.text = Some(placeholder);
        self
    }

    pub const fn reseed(mut self, testid: &'static str) -> Field {
        self.reseed = Some(testid);
        self
    }

    pub const fn when(mut self, shown: fn(&AppState) -> bool) -> Field {
        self.shown = shown;
        self
    }
}

/// `text` as a whole number, or "`what` must be a whole number (got '…')".
pub fn whole(text: &str, what: &str) -> Result<usize, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{what} must be a whole number (got '{}')", text.trim()))
}

/// `text` as a seed (a whole number up to 2⁶⁴ − 1), or "`what` must be a whole number".
pub fn seed(text: &str, what: &str) -> Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{what} must be a whole number (got '{}')", text.trim()))
}

/// `text` as a finite number, or "`what` must be a number (got '…')".
pub fn number(text: &str, what: &str) -> Result<f64, String> {
    schedlab_core::util::parse_f64(text.trim())
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{what} must be a number (got '{}')", text.trim()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Checks a lab's fields on `states`: what a field shows sets it back exactly, text
    /// that is not a number is refused with the field's name and leaves the state as it
    /// was (the message quotes it), and no two fields shown together share a test id.
    pub fn check_fields(fields: &[&[Field]], states: &[AppState]) {
        for s in states {
            let mut ids = Vec::new();
            for f in fields.iter().flat_map(|l| l.iter()) {
                if !(f.shown)(s) {
                    continue;
                }
                if let Some(id) = f.testid {
                    assert!(!ids.contains(&id), "{id} shown twice");
                    ids.push(id);
                }
                let mut t = s.clone();
                (f.set)(&mut t, &(f.get)(s)).unwrap_or_else(|e| panic!("{}: {e}", f.label));
                assert!(t == *s, "{}: what it shows sets it back", f.label);
                let e = (f.set)(&mut t, "abc!").unwrap_err();
                assert!(e.contains("abc!"), "{}: {e}", f.label);
                assert!(t == *s, "{}: a refusal changes nothing", f.label);
            }
        }
    }

    #[test]
    fn parsers_name_the_field_and_the_text() {
        assert_eq!(whole(" 12 ", "jobs"), Ok(12));
        assert_eq!(
            whole("1.5", "jobs").unwrap_err(),
            "jobs must be a whole number (got '1.5')"
        );
        assert_eq!(seed("18446744073709551615", "the seed"), Ok(u64::MAX));
        assert!(seed("-1", "the seed").is_err());
        assert_eq!(number("0.25", "the load"), Ok(0.25));
        assert_eq!(
            number("inf", "the load").unwrap_err(),
            "the load must be a number (got 'inf')"
        );
        assert!(number("", "x").is_err());
    }
}
