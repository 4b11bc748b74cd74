//! The Train panel of the Streams lab (DAG mixes): fine-tunes the learned policy on the
//! current scenario in the page, a part of an iteration per timer tick (about 12 ms of
//! work, then the page breathes), with a live learning curve against HEFT-RT's line;
//! pause/resume, "use this policy" (the weights go into the settings, hence the link and
//! autosave), download and upload of the weights file, and back to the shipped weights.

use std::time::Duration;

use leptos::prelude::*;
use schedlab_app::labs::streams;
use schedlab_core::stream::learned::{CurvePoint, Model, Trainer};

use crate::browser;
use crate::components::fields::{num_field, NumField};
use crate::components::{area, FileUpload, GanttCanvas};
use crate::ctx::Ctx;

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
    trainer: StoredValue<Option<Trainer>>,
    curve: RwSignal<Vec<CurvePoint>>,
    status: RwSignal<Status>,
    /// Parts of the current iteration done, for the progress text.
    part: RwSignal<usize>,
    generation: StoredValue<u64>,
}

impl Panel {
    /// Works in ~12 ms slices until the trainer is done or paused; a newer start cancels.
    fn pump(self, g: u64) {
        set_timeout(
            move || {
                if self.generation.get_value() != g
                    || self.status.get_untracked() != Status::Running
                {
                    return;
                }
                let t0 = browser::now_ms();
                let mut finished = false;
                let mut error = None;
                self.trainer.update_value(|t| {
                    let Some(t) = t.as_mut() else { return };
                    while browser::now_ms() - t0 < 12.0 {
                        match t.step_part() {
                            Ok(Some(p)) => {
                                self.curve.update(|c| c.push(p));
                                self.part.set(0);
                                if t.done() {
                                    finished = true;
                                    break;
                                }
                            }
                            Ok(None) => self.part.update(|k| *k += 1),
                            Err(e) => {
                                error = Some(e.to_string());
                                break;
                            }
                        }
                    }
                });
                if let Some(e) = error {
                    self.ctx.banner.set(Some(format!("Training: {e}")));
                    self.status.set(Status::Idle);
                } else if finished {
                    self.status.set(Status::Done);
                } else {
                    self.pump(g);
                }
            },
            Duration::from_millis(0),
        );
    }

    fn start(self, iterations: usize) {
        let s = self.ctx.editor.with_untracked(|e| e.state.streams.clone());
        let init = s.learned_model();
        match Trainer::new(
            s.train_config(iterations),
            Some(init),
            "schedlab web: Train panel",
        ) {
            Ok(t) => {
                self.curve.set(t.curve().to_vec());
                self.trainer.set_value(Some(t));
                self.part.set(0);
                self.status.set(Status::Running);
                let g = self.generation.get_value() + 1;
                self.generation.set_value(g);
                self.pump(g);
            }
            Err(e) => self.ctx.banner.set(Some(format!("Training: {e}"))),
        }
    }

    fn resume(self) {
        self.status.set(Status::Running);
        let g = self.generation.get_value() + 1;
        self.generation.set_value(g);
        self.pump(g);
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
        trainer: StoredValue::new(None),
        curve: RwSignal::new(Vec::new()),
        status: RwSignal::new(Status::Idle),
        part: RwSignal::new(0),
        generation: StoredValue::new(0),
    };
    on_cleanup(move || panel.generation.set_value(panel.generation.get_value() + 1));
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
        let c = panel.curve.get();
        let (Some(first), Some(last)) = (c.first(), c.last()) else {
            return "Fine-tunes the learned policy on this scenario (its DAGs, load and noise), starting from the weights in use.".to_string();
        };
        let state = match panel.status.get() {
            Status::Running => {
                format!("training… (part {} of the iteration)", panel.part.get() + 1)
            }
            Status::Paused => "paused".into(),
            Status::Done => "done".into(),
            Status::Idle => String::new(),
        };
        format!(
            "iteration {}: validation mean latency {:.1} (start {:.1}, heft_rt {:.1}, dls_srpt {:.1}) {state}",
            last.iteration, last.learned, first.learned, last.heft, last.dls
        )
    };
    let on_iterations = Callback::new(move |text: String| match text.trim().parse::<usize>() {
        Ok(n) if (1..=500).contains(&n) => iterations.set(n),
        _ => ctx.banner.set(Some(
            "Training: iterations must be a whole number from 1 to 500".into(),
        )),
    });
    let on_pause = move |_| match panel.status.get_untracked() {
        Status::Running => panel.status.set(Status::Paused),
        Status::Paused => panel.resume(),
        _ => {}
    };
    view! {
        <details class="train-panel" data-testid="train-panel" open>
            <summary>"Train the learned policy"</summary>
            <div class="row">
                {num_field(NumField::new("Iterations", "Training iterations", "1", "1").id("train-iterations").max("500"),
                    Signal::derive(move || iterations.get().to_string()), on_iterations)}
                <button data-testid="train-start" on:click=move |_| panel.start(iterations.get_untracked())
                    disabled=move || panel.status.get() == Status::Running>"Train"</button>
                <button data-testid="train-pause"
                    disabled=move || matches!(panel.status.get(), Status::Idle | Status::Done)
                    on:click=on_pause>
                    {move || if panel.status.get() == Status::Paused { "Resume" } else { "Pause" }}
                </button>
                <button data-testid="train-use" disabled=move || panel.curve.with(|c| c.len() < 2)
                    on:click=move |_| {
                        if let Some(m) = panel.trainer.with_value(|t| t.as_ref().map(|t| t.model())) {
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
