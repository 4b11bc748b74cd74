//! The Train panel of the Streams lab (DAG mixes): fine-tunes the learned policy on the
//! current scenario in the background worker's training lane ([`worker::Lane::Training`]),
//! so the page keeps drawing and a lab's run does not stop it. After each iteration the
//! worker sends the trainer's state: the live learning curve (against HEFT-RT's line), and
//! what Pause keeps (Pause stops the worker; Resume continues from that state in a fresh
//! one, exactly as if never paused). "Use this policy" puts the weights into the settings
//! (hence the link and autosave); download and upload of the weights file, and back to the
//! shipped weights.

use leptos::prelude::*;
use schedlab_app::jobs::{Job, Outcome, TrainJob};
use schedlab_app::labs::streams::{self, train};
use schedlab_app::wire;
use schedlab_core::stream::learned::{CurvePoint, Model, TrainerState};

use crate::browser;
use crate::components::{area, FileUpload, GanttCanvas};
use crate::ctx::Ctx;
use crate::worker::{self, Failure, Lane};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Idle,
    Running,
    Paused,
    Done,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Done => "done",
        }
    }
}

/// The panel's live state.
#[derive(Clone, Copy)]
struct Panel {
    ctx: Ctx,
    /// The training under way (or paused, or done).
    job: StoredValue<Option<TrainJob>>,
    /// Its state after the last iteration reported.
    latest: StoredValue<Option<TrainerState>>,
    /// Its state at the best point of the curve on validation: what Use takes.
    best: StoredValue<Option<TrainerState>>,
    curve: RwSignal<Vec<CurvePoint>>,
    status: RwSignal<Status>,
    /// Fraction of the training done.
    done: RwSignal<f64>,
    /// Bumped by every start, resume and pause: answers of an older run are stale.
    generation: StoredValue<u64>,
}

impl Panel {
    fn show(self, state: TrainerState) {
        self.curve.set(state.curve.clone());
        if train::best_point(&state.curve) + 1 == state.curve.len() {
            self.best.set_value(Some(state.clone()));
        }
        self.latest.set_value(Some(state));
    }

    /// Sends the job (from its latest state, if any) to the training lane.
    fn send(self) {
        let Some(job) = self.job.get_value() else {
            return;
        };
        let job = self.latest.with_value(|s| job.resuming(s.as_ref()));
        let g = self.generation.get_value() + 1;
        self.generation.set_value(g);
        let live = move || self.generation.get_value() == g;
        self.status.set(Status::Running);
        worker::run(
            Job::Train(job),
            move |p, part| {
                if !live() {
                    return;
                }
                self.done.set(p);
                if let Some(state) = wire::from_bytes::<TrainerState>(part) {
                    self.show(state);
                }
            },
            move |r| {
                if !live() {
                    return;
                }
                match r {
                    Ok(Outcome::Train(state)) => {
                        self.show(state);
                        self.status.set(Status::Done);
                    }
                    Ok(_) => {}
                    Err(Failure::Run(e)) => {
                        self.ctx.banner.set(Some(e));
                        self.status.set(Status::Idle);
                    }
                    // The worker's panel says why; what was trained stays, to resume.
                    Err(Failure::Died(_)) => self.status.set(Status::Paused),
                }
            },
        );
    }

    fn start(self, iterations: usize) {
        let settings = self.ctx.editor.with_untracked(|e| e.state.streams.clone());
        self.job.set_value(Some(TrainJob {
            settings,
            iterations,
            resume: None,
        }));
        self.latest.set_value(None);
        self.best.set_value(None);
        self.curve.set(Vec::new());
        self.done.set(0.0);
        self.send();
    }

    fn pause(self) {
        self.generation.set_value(self.generation.get_value() + 1);
        worker::stop(Lane::Training);
        self.status.set(Status::Paused);
    }

    /// The weights of the best state on validation, with their provenance.
    fn model(self) -> Option<Model> {
        let job = self.job.get_value()?;
        self.best.with_value(|s| s.as_ref().map(|s| job.model(s)))
    }

    /// Puts weights into the settings (one undoable edit) and makes sure `learned` runs.
    fn adopt(self, m: Model, what: &str) {
        self.ctx.apply(|e| {
            e.edit(|st| {
                streams::use_learned(&mut st.streams, m);
                Ok(())
            })
        });
        self.ctx.notice.set(Some(what.to_string()));
    }
}

/// The Train panel.
#[component]
pub fn TrainPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let panel = Panel {
        ctx,
        job: StoredValue::new(None),
        latest: StoredValue::new(None),
        best: StoredValue::new(None),
        curve: RwSignal::new(Vec::new()),
        status: RwSignal::new(Status::Idle),
        done: RwSignal::new(0.0),
        generation: StoredValue::new(0),
    };
    on_cleanup(move || {
        panel.generation.set_value(panel.generation.get_value() + 1);
        worker::stop(Lane::Training);
    });
    let iterations = RwSignal::new(20usize);
    let draw = Callback::new(move |(c, dark): (web_sys::HtmlCanvasElement, bool)| {
        let curve = panel.curve.get();
        if let Some((root, _, _)) = area(&c, 220) {
            let _ = streams::draw_learning_curve(&root, &curve, dark);
            let _ = root.present();
        }
    });
    let custom = Memo::new(move |_| ctx.editor.with(|e| e.state.streams.learned.is_some()));
    let on_upload =
        Callback::new(
            move |f: Vec<(String, String)>| match Model::from_json(&f[0].1) {
                Ok(m) => panel.adopt(m, &format!("Learned policy from {}", f[0].0)),
                Err(e) => ctx
                    .banner
                    .set(Some(format!("Could not read the policy {}: {e}", f[0].0))),
            },
        );
    let status_text = move || {
        let state = match panel.status.get() {
            Status::Running => format!(" Training… {:.0} %", 100.0 * panel.done.get()),
            Status::Paused => " Paused.".into(),
            Status::Done => " Done.".into(),
            Status::Idle => String::new(),
        };
        let asked = panel
            .job
            .with_value(|j| j.as_ref().map_or(0, |j| j.iterations));
        let line = panel.curve.with(|c| train::train_status(c, asked));
        if line.is_empty() {
            return match panel.status.get() {
                Status::Running => "training… (validating the starting weights)".to_string(),
                _ => "Fine-tunes the learned policy on this scenario (its DAGs, load and noise), starting from the weights in use; it runs in the background. Use this policy takes the best weights on validation.".to_string(),
            };
        }
        line + &state
    };
    // Checked when committed; a refusal goes to the banner and the field shows the count kept.
    let on_iterations = move |ev: web_sys::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        match input.value().trim().parse::<usize>() {
            Ok(n) if (1..=500).contains(&n) => iterations.set(n),
            _ => {
                input.set_value(&iterations.get_untracked().to_string());
                ctx.banner.set(Some(
                    "Training: iterations must be a whole number from 1 to 500".into(),
                ));
            }
        }
    };
    let on_pause = move |_| match panel.status.get_untracked() {
        Status::Running => panel.pause(),
        Status::Paused => panel.send(),
        _ => {}
    };
    view! {
        <details class="train-panel" data-testid="train-panel" open>
            <summary>"Train the learned policy"</summary>
            <div class="row">
                <label class="field"><span>"Iterations"</span>
                    <input type="number" min="1" max="500" step="1" value="20" data-testid="train-iterations"
                        aria-label="Training iterations" on:change=on_iterations/>
                </label>
                <button data-testid="train-start" on:click=move |_| panel.start(iterations.get_untracked())
                    disabled=move || panel.status.get() == Status::Running>"Train"</button>
                <button data-testid="train-pause"
                    disabled=move || matches!(panel.status.get(), Status::Idle | Status::Done)
                    on:click=on_pause>
                    {move || if panel.status.get() == Status::Paused { "Resume" } else { "Pause" }}
                </button>
                <button data-testid="train-use" disabled=move || panel.curve.with(|c| train::best_point(c) == 0)
                    on:click=move |_| {
                        if let Some(m) = panel.model() {
                            panel.adopt(m, "Using the policy trained here (it travels in the link)");
                        }
                    }>"Use this policy"</button>
            </div>
            <p class="hint" data-testid="train-status" data-points=move || panel.curve.with(|c| c.len()).to_string()
                data-status=move || panel.status.get().name()>{status_text}</p>
            <GanttCanvas testid="train-curve" chart=true
                aria="Learning curve: mean job latency per training iteration, against HEFT-RT" draw=draw/>
            <div class="row">
                <span class="hint" data-testid="train-weights">{move || if custom.get() { "learned runs with weights trained or loaded here" } else { "learned runs with the shipped weights" }}</span>
                <button data-testid="train-download" on:click=move |_| {
                    let m = ctx.editor.with_untracked(|e| e.state.streams.learned_model());
                    browser::download("learned-policy.json", "application/json", &m.to_json());
                }>"Download weights"</button>
                <FileUpload label="Load weights…" title="a learned policy file written by schedlab train or Download weights"
                    accept=".json,application/json" testid="train-upload" aria="Load a learned policy file" on_files=on_upload/>
                <button data-testid="train-reset" disabled=move || !custom.get() on:click=move |_| {
                    ctx.apply(|e| e.edit(|st| { st.streams.learned = None; Ok(()) }));
                }>"Shipped weights"</button>
            </div>
        </details>
    }
}
