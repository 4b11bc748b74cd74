//! [`TransportBar`]: play/pause, previous/next event, restart, speed and the playhead
//! slider, for any lab's playhead. The buttons are buttons and the slider a range input, so
//! the bar works from the keyboard; on the bar, Home restarts, End jumps to the end, and
//! `,` / `.` step to the previous / next event.

use leptos::prelude::*;
use schedlab_app::kit::timeline::format_time;

use crate::browser;

/// What a transport bar drives. `Copy`: every field is a signal, a callback or plain data.
#[derive(Clone, Copy)]
pub struct Transport {
    pub playhead: RwSignal<f64>,
    pub playing: RwSignal<bool>,
    /// The end of the timeline.
    pub t_max: Signal<f64>,
    /// Playback speed (1 = the whole timeline in `seconds`).
    pub speed: RwSignal<f64>,
    /// Seconds the whole timeline takes at speed 1.
    pub seconds: f64,
    /// Prefix of the test ids: `{prefix}play`, `{prefix}step`, `{prefix}step-back`,
    /// `{prefix}restart`, `{prefix}scrub`, `{prefix}playhead`.
    pub prefix: &'static str,
    /// The toolbar's accessible name.
    pub label: &'static str,
    /// The time line's text from (playhead, end).
    pub format: fn(f64, f64) -> String,
    /// The next event time after (forward) or before the given time; None hides the step
    /// buttons.
    pub next_event: Option<Callback<(f64, bool), Option<f64>>>,
    /// Called with the playhead when playback pauses or the user seeks (to persist it).
    pub on_settle: Option<Callback<f64>>,
    /// Called when the user picks a speed.
    pub on_speed: Option<Callback<f64>>,
}

/// The speeds offered.
const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

impl Transport {
    /// A bar at speed 1 over 20 s, showing `t = playhead / end`, without step buttons and
    /// without callbacks; set the other fields as needed.
    pub fn new(
        playhead: RwSignal<f64>,
        playing: RwSignal<bool>,
        t_max: Signal<f64>,
        prefix: &'static str,
        label: &'static str,
    ) -> Transport {
        Transport {
            playhead,
            playing,
            t_max,
            speed: RwSignal::new(1.0),
            seconds: 20.0,
            prefix,
            label,
            format: |p, tm| format!("t = {} / {}", format_time(p), format_time(tm)),
            next_event: None,
            on_settle: None,
            on_speed: None,
        }
    }

    fn settle(self) {
        if let Some(cb) = self.on_settle {
            cb.run(self.playhead.get_untracked());
        }
    }

    fn seek(self, t: f64) {
        self.playing.set(false);
        self.playhead.set(t);
        self.settle();
    }

    fn toggle(self) {
        if self.playing.get_untracked() {
            self.playing.set(false);
            self.settle();
        } else {
            if self.playhead.get_untracked() >= self.t_max.get_untracked() {
                self.playhead.set(0.0);
            }
            self.playing.set(true);
            let now = browser::now_ms();
            request_animation_frame(move || self.tick(now));
        }
    }

    fn step(self, forward: bool) {
        self.playing.set(false);
        let Some(next) = self.next_event else { return };
        if let Some(t) = next.run((self.playhead.get_untracked(), forward)) {
            self.playhead.set(t);
        }
    }

    /// Advances the playhead every animation frame while playing.
    fn tick(self, last: f64) {
        if !self.playing.get_untracked() {
            return;
        }
        let now = browser::now_ms();
        let tm = self.t_max.get_untracked();
        let mut p = self.playhead.get_untracked()
            + (now - last).max(0.0) / 1000.0 * self.speed.get_untracked() * tm / self.seconds;
        if p >= tm {
            p = tm;
            self.playing.set(false);
        }
        self.playhead.set(p);
        request_animation_frame(move || self.tick(now));
    }
}

/// The first time in `times` (sorted) strictly after `t` (forward) or before it.
pub fn next_in(times: &[f64], t: f64, forward: bool) -> Option<f64> {
    if forward {
        times.iter().copied().find(|&x| x > t + 1e-9)
    } else {
        times.iter().rev().copied().find(|&x| x < t - 1e-9)
    }
}

#[component]
pub fn TransportBar(t: Transport) -> impl IntoView {
    let id = move |name: &str| format!("{}{name}", t.prefix);
    let has_steps = t.next_event.is_some();
    let on_key = move |ev: web_sys::KeyboardEvent| {
        // The slider handles its own keys.
        let on_slider = ev
            .target()
            .and_then(|x| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(x).ok())
            .is_some();
        if on_slider {
            return;
        }
        match ev.key().as_str() {
            "Home" => t.seek(0.0),
            "End" => t.seek(t.t_max.get_untracked()),
            "," => t.step(false),
            "." => t.step(true),
            _ => return,
        }
        ev.prevent_default();
    };
    view! {
        <div class="transport" role="toolbar" aria-label=t.label aria-keyshortcuts="Home End , ." on:keydown=on_key>
            <button data-testid=id("restart") aria-label="Restart" title="Back to the start (Home)" on:click=move |_| t.seek(0.0)>"⇤"</button>
            {has_steps.then(|| view! {
                <button data-testid=id("step-back") aria-label="Previous event" title="Previous event (,)" on:click=move |_| t.step(false)>"‹ Prev"</button>
            })}
            <button data-testid=id("play") class="primary" aria-label=move || if t.playing.get() { "Pause" } else { "Play" } on:click=move |_| t.toggle()>
                {move || if t.playing.get() { "Pause" } else { "▶ Play" }}
            </button>
            {has_steps.then(|| view! {
                <button data-testid=id("step") aria-label="Next event" title="Next event (.)" on:click=move |_| t.step(true)>"Next ›"</button>
            })}
            <label class="field"><span>"Speed"</span>
                <select data-testid=id("speed") aria-label="Playback speed" prop:value=move || t.speed.get().to_string() on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        t.speed.set(v);
                        if let Some(cb) = t.on_speed { cb.run(v); }
                    }
                }>
                    {SPEEDS.iter().map(|v| view! { <option value=v.to_string()>{format!("{v}×")}</option> }).collect_view()}
                </select>
            </label>
            <input type="range" class="scrub" data-testid=id("scrub") aria-label="Timeline" min="0" step="any"
                prop:max=move || t.t_max.get().to_string()
                prop:value=move || t.playhead.get().to_string()
                on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { t.seek(v); } }/>
            <span class="time" data-testid=id("playhead")>{move || (t.format)(t.playhead.get(), t.t_max.get())}</span>
        </div>
    }
}
