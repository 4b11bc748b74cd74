//! [`TransportBar`]: play/pause, previous/next event, restart, speed and the playhead
//! slider, for any lab's playhead. The buttons are buttons and the slider a range input, so
//! the bar works from the keyboard; on the bar, Home restarts, End jumps to the end,
//! `,` / `.` step to the previous / next event, and `+` / `-` / `0` zoom the lab's Gantts
//! in and out around the playhead and back to the whole run (the Gantts also zoom with
//! Ctrl + wheel and pan by dragging: `GanttCanvas`).

use leptos::prelude::*;
use schedlab_app::kit::playback::{Playback, SPEEDS};
use schedlab_app::kit::timeline::format_time;

use crate::browser;
use crate::ctx::Play;

/// What a transport bar drives. `Copy`: every field is a signal, a callback or plain data.
/// Every move of the playhead (playing, stepping, seeking, clamping to the run) is
/// [`Playback`]'s arithmetic on the lab's [`Play`].
#[derive(Clone, Copy)]
pub struct Transport {
    /// The lab's playback (its speed: 1 = the whole timeline in `span_s`).
    pub play: Play,
    /// The end of the timeline.
    pub t_max: Signal<f64>,
    /// Seconds the whole timeline takes at speed 1 ([`Playback::span_s`]).
    pub span_s: f64,
    /// Prefix of the test ids: `{prefix}play`, `{prefix}step`, `{prefix}step-back`,
    /// `{prefix}restart`, `{prefix}scrub`, `{prefix}playhead`.
    pub prefix: &'static str,
    /// The toolbar's accessible name.
    pub label: &'static str,
    /// The time line's text from (playhead, end).
    pub format: fn(f64, f64) -> String,
    /// The step stops, sorted (the lab's event times); None hides the step buttons.
    pub events: Option<Callback<(), Vec<f64>>>,
    /// Called with the playhead when playback pauses or the user seeks (to persist it).
    pub on_settle: Option<Callback<f64>>,
    /// Called when the user picks a speed.
    pub on_speed: Option<Callback<f64>>,
}

impl Transport {
    /// A bar at speed 1 over `span_s` seconds, showing `t = playhead / end`, without step
    /// buttons and without callbacks; set the other fields as needed.
    pub fn new(
        play: Play,
        t_max: Signal<f64>,
        span_s: f64,
        prefix: &'static str,
        label: &'static str,
    ) -> Transport {
        Transport {
            play,
            t_max,
            span_s,
            prefix,
            label,
            format: |p, tm| format!("t = {} / {}", format_time(p), format_time(tm)),
            events: None,
            on_settle: None,
            on_speed: None,
        }
    }

    /// Runs `f` on the lab's playback with the run's end.
    fn update(self, f: &dyn Fn(&mut Playback, f64)) {
        let tm = self.t_max.get_untracked();
        self.play.update(self.span_s, &|p| f(p, tm));
    }

    fn settle(self) {
        if let Some(cb) = self.on_settle {
            cb.run(self.play.playhead.get_untracked());
        }
    }

    fn seek(self, t: f64) {
        self.update(&|p, tm| p.seek(t, tm));
        self.settle();
    }

    fn toggle(self) {
        self.update(&|p, tm| p.toggle(tm));
        if self.play.playing.get_untracked() {
            let now = browser::now_ms();
            request_animation_frame(move || self.tick(now));
        } else {
            self.settle();
        }
    }

    fn step(self, forward: bool) {
        let events = self.events.map(|e| e.run(())).unwrap_or_default();
        self.update(&|p, tm| p.step(&events, forward, tm));
    }

    /// Zooms the lab's Gantts by `factor` around the playhead (0: back to the whole run).
    fn zoom(self, factor: f64) {
        if factor == 0.0 {
            return self.play.set_window(None);
        }
        let tm = self.t_max.get_untracked();
        self.play
            .zoom(self.play.playhead.get_untracked(), factor, tm);
    }

    fn set_speed(self, v: f64) {
        self.update(&|p, _| p.set_speed(v));
        if let Some(cb) = self.on_speed {
            cb.run(self.play.speed.get_untracked());
        }
    }

    /// Advances the playhead every animation frame while playing.
    fn tick(self, last: f64) {
        if !self.play.playing.get_untracked() {
            return;
        }
        let now = browser::now_ms();
        self.update(&|p, tm| p.advance(now - last, tm));
        request_animation_frame(move || self.tick(now));
    }
}

#[component]
pub fn TransportBar(t: Transport) -> impl IntoView {
    let id = move |name: &str| format!("{}{name}", t.prefix);
    let has_steps = t.events.is_some();
    let on_key = move |ev: web_sys::KeyboardEvent| {
        // The slider handles its own keys.
        let on_slider = ev
            .target()
            .and_then(|x| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(x).ok())
            .is_some();
        // (Ctrl/⌘/Alt with + - 0 are the browser's own zoom.)
        if on_slider || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            "Home" => t.seek(0.0),
            "End" => t.seek(t.t_max.get_untracked()),
            "," => t.step(false),
            "." => t.step(true),
            "+" => t.zoom(0.5),
            "-" => t.zoom(2.0),
            "0" => t.zoom(0.0),
            _ => return,
        }
        ev.prevent_default();
    };
    view! {
        <div class="transport" role="toolbar" aria-label=t.label aria-keyshortcuts="Home End , . + - 0" on:keydown=on_key>
            <button data-testid=id("restart") aria-label="Restart" title="Back to the start (Home)" on:click=move |_| t.seek(0.0)>"⇤"</button>
            {has_steps.then(|| view! {
                <button data-testid=id("step-back") aria-label="Previous event" title="Previous event (,)" on:click=move |_| t.step(false)>"‹ Prev"</button>
            })}
            <button data-testid=id("play") class="primary" aria-label=move || if t.play.playing.get() { "Pause" } else { "Play" } on:click=move |_| t.toggle()>
                {move || if t.play.playing.get() { "Pause" } else { "▶ Play" }}
            </button>
            {has_steps.then(|| view! {
                <button data-testid=id("step") aria-label="Next event" title="Next event (.)" on:click=move |_| t.step(true)>"Next ›"</button>
            })}
            <label class="field"><span>"Speed"</span>
                <select data-testid=id("speed") aria-label="Playback speed" prop:value=move || t.play.speed.get().to_string() on:change=move |ev| {
                    if let Some(v) = schedlab_core::util::parse_f64(&event_target_value(&ev)) { t.set_speed(v); }
                }>
                    {SPEEDS.iter().map(|v| view! { <option value=v.to_string()>{format!("{v}×")}</option> }).collect_view()}
                </select>
            </label>
            // One delegated handler: `data-act` is the zoom factor (0: the whole run).
            <span class="zoom" role="group" aria-label="Zoom" on:click=move |ev| {
                if let Some(f) = crate::components::act_button(&ev).and_then(|b| b.get_attribute("data-act")) {
                    t.zoom(schedlab_core::util::parse_f64(&f).unwrap_or(0.0));
                }
            } inner_html=format!(
                "<button data-testid=\"{p}zoom-in\" data-act=\"0.5\" aria-label=\"Zoom in\" title=\"Zoom in around the playhead (+; Ctrl + wheel on a chart; drag to move)\">+</button>\
                 <button data-testid=\"{p}zoom-out\" data-act=\"2\" aria-label=\"Zoom out\" title=\"Zoom out (-)\">−</button>\
                 <button data-testid=\"{p}zoom-fit\" data-act=\"0\" aria-label=\"Whole run\" title=\"The whole run (0; double-click a chart)\">Fit</button>",
                p = t.prefix)></span>
            <input type="range" class="scrub" data-testid=id("scrub") aria-label="Timeline" min="0" step="any"
                prop:max=move || t.t_max.get().to_string()
                prop:value=move || t.play.playhead.get().min(t.t_max.get()).to_string()
                on:input=move |ev| { if let Some(v) = schedlab_core::util::parse_f64(&event_target_value(&ev)) { t.seek(v); } }/>
            // "Not placed yet" is the end: shown as the end, never "inf".
            <span class="time" data-testid=id("playhead")>{move || { let tm = t.t_max.get(); (t.format)(t.play.playhead.get().min(tm), tm) }}</span>
        </div>
    }
}
