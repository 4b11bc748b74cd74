//! The app's shared signals ([`Ctx`]), below every component: components take it from
//! Leptos's context; only `app.rs` creates it.

use std::sync::Arc;

use leptos::prelude::*;
use schedlab_app::editor::Editor;
use schedlab_app::kit::playback::{self, Playback};
use schedlab_app::kit::timeline::{self, Geometry};
use schedlab_app::labs::dag::eval::{Curve, Evaluation};
use schedlab_app::labs::dag::presets;
use schedlab_app::labs::serving::ServingResult;
use schedlab_app::labs::streams::StreamsResult;
use schedlab_app::state::AppState;
use schedlab_app::state::{Lab, NoiseSettings};
use schedlab_core::Scenario;

/// The scenario, schedulers, options, noise and lab shown: what a DAG run depends on.
pub type DagInputs = (
    Scenario,
    Vec<String>,
    schedlab_core::sched::Options,
    NoiseSettings,
    Lab,
);

/// The Streams lab's last good result.
pub type StreamsShared = Option<Arc<StreamsResult>>;
/// The Serving lab's last good result.
pub type ServingShared = Option<Arc<ServingResult>>;

/// The longest makespan, planned or run, of an evaluation's columns.
pub fn t_max_of(ev: &Evaluation) -> f64 {
    ev.columns
        .iter()
        .map(|c| c.run.metrics.makespan.max(c.run.metrics.planned_makespan))
        .fold(0.0, f64::max)
}

/// The DAG lab's evaluation counter (a newer evaluation or Stop makes an older one stale),
/// in context for the lab's Stop button.
#[derive(Clone, Copy)]
pub struct DagGeneration(pub StoredValue<u64>);

/// One lab's playback: the signals behind [`Playback`]'s playhead, playing and speed. The
/// transport bar moves it through `Playback`'s arithmetic only ([`Play::update`]).
#[derive(Clone, Copy)]
pub struct Play {
    pub playhead: RwSignal<f64>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<f64>,
    /// The end of the last good run (None before the first).
    pub end: StoredValue<Option<f64>>,
    /// The time window the lab's Gantts show, shared by all of them: [start, end], or the
    /// whole run when end ≤ start. Two `f64` signals, the playhead's type: a signal of a
    /// new type costs the bundle its own copy of the reactive code (about 3 KB).
    zoom_start: RwSignal<f64>,
    zoom_end: RwSignal<f64>,
    /// Which lab's (its slot in [`AXES`]).
    lab: usize,
    /// Playhead units per unit of the Gantt's time axis (the Serving lab's playhead is in
    /// ms, its axis in s: 1000). The window is kept in playhead units.
    unit: f64,
}

thread_local! {
    /// Per lab, the last Gantt layout drawn, of the whole run: where the pointer's zoom and
    /// pan read times from pixels.
    static AXES: std::cell::Cell<[Option<Geometry>; 3]> = const { std::cell::Cell::new([None; 3]) };
}

impl Play {
    /// The playback of lab number `lab` (0, 1 or 2: one per lab), its Gantts' time axis in
    /// playhead units ÷ `unit`.
    pub fn new(lab: usize, unit: f64, playhead: f64, speed: f64) -> Play {
        Play {
            playhead: RwSignal::new(playhead),
            playing: RwSignal::new(false),
            speed: RwSignal::new(playback::clamp_speed(speed)),
            end: StoredValue::new(None),
            zoom_start: RwSignal::new(0.0),
            zoom_end: RwSignal::new(0.0),
            lab,
            unit,
        }
    }

    /// The window shown (None: the whole run); tracked.
    pub fn window(self) -> Option<(f64, f64)> {
        let (a, b) = (self.zoom_start.get(), self.zoom_end.get());
        (b > a).then_some((a, b))
    }

    pub fn window_untracked(self) -> Option<(f64, f64)> {
        untrack(|| self.window())
    }

    pub fn set_window(self, w: Option<(f64, f64)>) {
        let (a, b) = w.unwrap_or((0.0, 0.0));
        self.zoom_start.set(a);
        self.zoom_end.set(b);
    }

    /// The layout to draw: `full` (the whole run) in the window, remembered for the
    /// pointer. Tracks the window: a Gantt drawn through it redraws on zoom and pan.
    pub fn view(self, full: Geometry) -> Geometry {
        AXES.with(|a| {
            let mut all = a.get();
            all[self.lab] = Some(full);
            a.set(all)
        });
        self.on_axis(full, self.window())
    }

    /// [`Play::view`] for hit testing (untracked).
    pub fn view_untracked(self, full: Geometry) -> Geometry {
        self.on_axis(full, self.window_untracked())
    }

    /// `full` showing window `w` (in playhead units).
    fn on_axis(self, full: Geometry, w: Option<(f64, f64)>) -> Geometry {
        full.zoomed(w.map(|(a, b)| (a / self.unit, b / self.unit)))
    }

    /// Zooms by `factor` (below 1: in) around time `at` of a run ending at `t_max`.
    pub fn zoom(self, at: f64, factor: f64, t_max: f64) {
        self.set_window(timeline::zoom(self.window_untracked(), t_max, at, factor));
    }

    /// The last Gantt layout drawn in this lab, of the whole run.
    fn axis(self) -> Option<Geometry> {
        AXES.with(|a| a.get()[self.lab])
    }

    /// Zooms by `factor` around the time under canvas pixel `x` of the last Gantt drawn.
    pub fn zoom_px(self, x: f64, factor: f64) {
        if let Some(full) = self.axis() {
            let at = self.view_untracked(full).t(x) * self.unit;
            self.zoom(at, factor, full.t_max * self.unit);
        }
    }

    /// The window `from` moved by `dx` canvas pixels of the last Gantt drawn.
    pub fn pan_px(self, from: Option<(f64, f64)>, dx: f64) {
        if let Some(full) = self.axis() {
            let g = self.on_axis(full, from);
            let dt = dx / (g.width as f64 - g.left - g.right).max(1.0) * g.span() * self.unit;
            self.set_window(timeline::pan(from, full.t_max * self.unit, dt));
        }
    }

    /// Runs `f` on the playback (over `span_s` seconds) and writes back what changed
    /// (`dyn`: one copy in the bundle, not one per caller).
    pub fn update(self, span_s: f64, f: &dyn Fn(&mut Playback)) {
        let mut p = Playback::new(span_s);
        p.playhead = self.playhead.get_untracked();
        p.playing = self.playing.get_untracked();
        p.speed = self.speed.get_untracked();
        f(&mut p);
        if p.playhead != self.playhead.get_untracked() {
            self.playhead.set(p.playhead);
        }
        if p.playing != self.playing.get_untracked() {
            self.playing.set(p.playing);
        }
        if p.speed != self.speed.get_untracked() {
            self.speed.set(p.speed);
        }
    }

    /// A new good run ends at `end`: a playhead at the end of the last good one follows to
    /// the new end ([`Playback::follow_end`]); before the first, the playhead (a link's) is
    /// kept, within the run.
    pub fn new_run(self, end: f64) {
        match self.end.get_value() {
            Some(old) => self.update(1.0, &|p| p.follow_end(old, end)),
            None => self.update(1.0, &|p| p.playhead = playback::clamp(p.playhead, end)),
        }
        self.end.set_value(Some(end));
    }
}

/// What is selected in the DAG editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    None,
    Task(usize),
    Edge(usize),
}

thread_local! {
    /// The number of the latest preset choice ([`Ctx::load_preset`]).
    static PRESET_TICKET: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The app's signals, shared through context. All are `Copy`.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub editor: RwSignal<Editor>,
    /// What the DAG lab's evaluation depends on ([`DagInputs`]): it reruns, and what draws
    /// from the scenario (the inspector, the Platform tab, the cost matrix) redraws, when
    /// these change, not on every move of a dragged task or the playhead (which change the
    /// editor's state but none of these).
    pub dag_inputs: Memo<DagInputs>,
    /// The engine's answer for the current state (None until the first evaluation).
    pub eval: RwSignal<Option<Result<Arc<Evaluation>, String>>>,
    /// Makespan against σ in compare mode (computed after the main evaluation).
    pub robustness: RwSignal<Option<Vec<Curve>>>,
    /// An error the user must see (bad link, refused edit, bad file); None = no banner.
    pub banner: RwSignal<Option<String>>,
    /// A transient notice ("link copied").
    pub notice: RwSignal<Option<String>>,
    /// The DAG lab's playback (the playhead at infinity: not placed yet, the end).
    pub dag_play: Play,
    pub selected: RwSignal<Selection>,
    /// The page's colour scheme (follows the system's).
    pub dark: RwSignal<bool>,
    /// Presentation mode (for projectors): larger text and controls, Gantts and charts
    /// drawn at 1.5× (`components::canvas`). A view preference, not in the link.
    pub present: RwSignal<bool>,
    /// The Streams lab's last good result.
    pub streams: RwSignal<StreamsShared>,
    pub streams_play: Play,
    /// The policy "Why this choice" shows: the transport steps through its events.
    pub streams_step: RwSignal<usize>,
    /// Some(fraction) while a stream is being simulated.
    pub streams_progress: RwSignal<Option<f64>>,
    /// The Serving lab's last good result and its playback (ms).
    pub serving: RwSignal<ServingShared>,
    pub serving_play: Play,
    /// Some(fraction) while the Serving lab's requests are being routed.
    pub serving_progress: RwSignal<Option<f64>>,
    /// Some while the DAG lab's noise samples are computed in the background (below 0: no
    /// estimate of how far).
    pub dag_progress: RwSignal<Option<f64>>,
    /// Why the background worker died, while its error panel shows.
    pub worker_died: RwSignal<Option<String>>,
    /// Bumped by "Run again": every lab's run reads it, so a bump runs it again.
    pub rerun: RwSignal<u64>,
    /// The shown lab's guided-tour step (`usize::MAX`: no tour on screen).
    pub tour: RwSignal<usize>,
}

impl Ctx {
    /// Runs an edit; a refusal shows its message in the banner, a success clears it.
    pub fn apply<T>(&self, f: impl FnOnce(&mut Editor) -> Result<T, String>) -> Option<T> {
        let mut out = None;
        let mut f = Some(f);
        self.apply_dyn(&mut |e| match f.take().map(|f| f(e)) {
            Some(Ok(v)) => {
                out = Some(v);
                None
            }
            Some(Err(msg)) => Some(msg),
            None => None,
        });
        out
    }

    /// [`Ctx::apply`]'s body, once for every kind of edit (`f` gives the refusal, if any):
    /// one instantiation of the editor signal's update instead of one per edit site.
    #[inline(never)]
    fn apply_dyn(&self, f: &mut dyn FnMut(&mut Editor) -> Option<String>) {
        let mut refused = None;
        self.editor.update(|e| refused = f(e));
        self.banner.set(refused);
    }

    /// One undoable change of the state that cannot fail by itself (the edit's own checks
    /// still refuse an invalid result, with the banner): every lab's settings controls go
    /// through it, one non-generic body for all of them.
    #[inline(never)]
    pub fn edit_state(&self, f: &mut dyn FnMut(&mut AppState)) {
        self.apply(|e| {
            e.edit(|s| {
                f(s);
                Ok(())
            })
        });
    }

    /// The current state (a clone).
    pub fn state(&self) -> AppState {
        self.editor.with(|e| e.state.clone())
    }

    /// The longest makespan shown (the time axis of every Gantt and the playhead range).
    pub fn t_max(&self) -> f64 {
        self.eval.with(|e| match e {
            Some(Ok(ev)) => t_max_of(ev),
            _ => 0.0,
        })
    }

    /// Loads a preset: at once if it is embedded, else after fetching it beside the page
    /// (a failed fetch or a bad file shows the banner and keeps the current work). A state
    /// preset is read as a link's state and opened whole.
    pub fn load_preset(&self, id: &str) {
        let ctx = *self;
        // Only the latest choice lands: a slow fetch answered after a newer choice is dropped.
        let ticket = PRESET_TICKET.with(|t| {
            t.set(t.get() + 1);
            t.get()
        });
        let latest = move || PRESET_TICKET.with(|t| t.get() == ticket);
        let whole = presets::STATES.iter().find(|p| p.id == id);
        let (id, url) = match (whole, presets::find(id)) {
            (Some(p), _) => (p.id, p.url()),
            (None, Some(p)) => match p.embedded() {
                Some(_) => return ctx.open_preset(ctx.preset_state(p.id, p.scenario())),
                None => (p.id, p.url()),
            },
            _ => return,
        };
        leptos::task::spawn_local(async move {
            let loaded = crate::browser::fetch_text(&url)
                .await
                .and_then(|t| match whole {
                    Some(_) => schedlab_app::link::read(t.as_bytes()),
                    None => Scenario::from_json(&t)
                        .map(|sc| ctx.preset_state(id, sc))
                        .map_err(|e| e.to_string()),
                });
            match loaded {
                Ok(s) if latest() => ctx.open_preset(s),
                Err(e) if latest() => ctx.banner.set(Some(format!("preset {id}: {e}"))),
                _ => {}
            }
        });
    }

    /// `scenario` as preset `id`, with the schedulers, noise and options on screen.
    fn preset_state(&self, id: &str, scenario: Scenario) -> AppState {
        let mut s = AppState::new(scenario);
        let old = self.state();
        s.schedulers = old.schedulers;
        s.noise = old.noise;
        s.options = old.options;
        s.view.preset = Some(id.to_string());
        s
    }

    /// Opens a preset's state (one undoable edit), the DAG playhead at its end.
    fn open_preset(&self, s: AppState) {
        if self.apply(|e| e.load(s)).is_some() {
            self.dag_play.set_window(None);
            self.selected.set(Selection::None);
            self.dag_play.playing.set(false);
            self.dag_play.playhead.set(f64::INFINITY);
        }
    }
}
