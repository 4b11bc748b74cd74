//! The Streams lab's controls: the job mix and arrivals (generated or a trace), machines or
//! processors, information model, policies to compare and the seed. Every change is one
//! undoable edit of the lab's settings in the editor's state.

use leptos::prelude::*;
use schedlab_app::kit::color as palette;
use schedlab_app::labs::streams::{self, form, JobMix, StreamsSettings};
use schedlab_core::stream::trace;

use crate::components::fields::{form_fields, series_rows};
use crate::components::{ExplainBox, FileUpload};
use crate::ctx::Ctx;

/// Applies a settings change as one undoable edit; a refusal shows in the banner.
fn set(f: impl FnOnce(&mut StreamsSettings) + 'static) {
    set_with(expect_context::<Ctx>(), f)
}

/// [`set`] outside a reactive owner (in an async task).
fn set_with(ctx: Ctx, f: impl FnOnce(&mut StreamsSettings) + 'static) {
    let mut f = Some(f);
    ctx.edit_state(&mut |s| {
        if let Some(f) = f.take() {
            f(&mut s.streams)
        }
    });
}

/// The "Type jobs" box: a text area and its button (HTML text in an [`ExplainBox`]).
const TYPED_JOBS: &str = "<textarea data-testid=\"streams-jobs-text\" aria-label=\"Jobs, one per line: name, arrival, burst\" rows=\"5\" placeholder=\"P1,0,8&#10;P2,1,4&#10;P3,2,9\"></textarea><button data-testid=\"streams-jobs-use\" data-use=\"0\">Use these jobs</button>";

/// Takes a typed job table (`name,arrival,burst` per line, or `arrival,burst`): single
/// tasks with those arrivals and bursts, carried in the link.
fn load_typed(ctx: Ctx, text: &str) {
    match trace::parse("typed jobs", text) {
        Ok(t) if t.sizes.is_none() => ctx.banner.set(Some(
            "typed jobs: give each job a burst (name,arrival,burst)".into(),
        )),
        Ok(t) => {
            let n = t.arrivals.len();
            set_with(ctx, move |s| {
                s.mix = JobMix::Single;
                streams::use_trace(s, t);
            });
            ctx.notice.set(Some(format!("{n} typed jobs")));
        }
        Err(e) => ctx
            .banner
            .set(Some(format!("Could not read the jobs: {e}"))),
    }
}

/// Takes the arrivals of an uploaded trace (CSV or JSON lines).
fn load_trace(ctx: Ctx, files: Vec<(String, String)>) {
    let (name, text) = &files[0];
    match trace::parse(name, text) {
        Ok(t) => {
            let n = t.arrivals.len();
            set_with(ctx, move |s| streams::use_trace(s, t));
            ctx.notice
                .set(Some(format!("Arrivals from {name} ({n} in the trace)")));
        }
        Err(e) => ctx
            .banner
            .set(Some(format!("Could not read the trace: {e}"))),
    }
}

/// The editors of the compared policies, as HTML text ([`job_rule_event`] is their one
/// handler): a custom rule's, or the options of a policy that takes some (RR's quantum,
/// MLFQ's levels and quanta, the look-ahead depths), so one policy can be compared with
/// itself under two settings.
fn job_rule_editors(s: &StreamsSettings) -> String {
    use crate::components::rule_editor as ed;
    use schedlab_app::labs::streams::rules::rule_examples;
    use schedlab_core::stream::{dag::policy::FEATURE_VARS, policy::JOB_VARS};
    let dag = s.mix.is_dag();
    let default = if dag { "wait_to_start" } else { "remaining" };
    let mut out = String::new();
    for (i, id) in s.policies.iter().enumerate() {
        let Some(rule) = id
            .strip_prefix("rule:")
            .or((id == "rule").then_some(default))
        else {
            let base = id.split(':').next().unwrap_or_default();
            if let Some(e) = streams::policy_entries(s.mix)
                .iter()
                .find(|e| e.id == base && !e.options.is_empty())
            {
                out += &ed::options(e, id, "streams-opts", i);
            }
            continue;
        };
        out += &format!(
            "<div class=\"rule-editor\" data-col=\"{i}\" data-testid=\"streams-rule-editor-{i}\"><span class=\"swatch\" style=\"background:{}\"></span>Custom rule {}{}{}{}</div>",
            palette::hex(palette::series_color(i)),
            i + 1,
            ed::field("rule", if dag { "Score" } else { "Priority" }, "streams-rule", i, rule, "Rule, lowest first"),
            ed::examples("streams-rule", i, rule_examples(s).iter().map(|(l, r)| format!("{l}: {r}"))),
            if dag {
                ed::help("Each ready task is scored on its earliest-finish processor; the lowest is dispatched first.", &[("Candidate features", FEATURE_VARS)])
            } else {
                ed::help("Lowest value runs first, re-evaluated at every event; what a rule reads must be given by the information model.", &[("Job variables", JOB_VARS)])
            }
        );
    }
    out
}

/// Typing in a job rule or a policy's options checks them (parse and information model:
/// the message, a caret); Enter, leaving the field or an example runs them when good. A bad
/// one keeps the last run.
fn job_rule_event(ctx: Ctx, ev: web_sys::Event, change: bool) {
    use crate::components::rule_editor as ed;
    use schedlab_app::labs::streams::rules::{check_job_rule, check_policy, rule_examples};
    // Read in place (a trace can be large): the edit applies after the read ends.
    let run = ctx.editor.with_untracked(|e| {
        let s = &e.state.streams;
        ed::settle(
            &ev,
            change,
            "streams",
            rule_examples(s),
            &|kind, i, text| match (kind, s.policies.get(i)) {
                ("opts", Some(p)) => check_policy(s, &ed::respell(p, text)),
                _ => check_job_rule(s, text),
            },
        )
    });
    if let Some((i, id)) = run {
        set_with(ctx, move |s| {
            if let Some(p) = s.policies.get_mut(i) {
                *p = id;
            }
        });
    }
}

/// What a button of the HTML-text controls does (`data-act`): back to generated arrivals,
/// or one more compared policy; the keyboard goes back to the same button.
fn act(ctx: Ctx, ev: web_sys::MouseEvent) {
    let Some(b) = crate::components::act_button(&ev) else {
        return;
    };
    let generated = b.get_attribute("data-act").as_deref() == Some("generated");
    set_with(ctx, move |s| {
        if generated {
            s.trace = None
        } else {
            streams::add_policy(s)
        }
    });
    crate::components::refocus_act(&b);
}

/// The arrivals' line as HTML text.
fn arrivals_html(s: &StreamsSettings) -> String {
    match &s.trace {
        Some(t) => format!(
            "<span data-testid=\"streams-trace\">trace, {} arrivals</span><button class=\"link\" data-act=\"generated\">use generated</button>",
            t.arrivals.len()
        ),
        None => "<span>generated</span>".into(),
    }
}

#[component]
pub fn StreamsControls() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let typed_open = RwSignal::new(false);
    let settings = Memo::new(move |_| ctx.editor.with(|e| e.state.streams.clone()));
    let s = move || settings.get();
    let is_dag = move || s().mix.is_dag();
    view! {
        <div class="controls streams-controls">
            <fieldset>
                <legend>"Jobs"</legend>
                {form_fields(&form::JOBS)}
                <div class="field">
                    <span>"Arrivals"</span>
                    <span inner_html=move || arrivals_html(&s()) on:click=move |ev| act(ctx, ev)></span>
                    <FileUpload label="Trace…" title="CSV arrival[,size] or JSON lines with timestamp (a Mooncake trace works)"
                        aria="Upload an arrival trace" testid="streams-trace-input" on_files=Callback::new(move |f| load_trace(ctx, f))/>
                </div>
                <ExplainBox testid="streams-typed" title="Type jobs" open=typed_open body=Signal::stored(TYPED_JOBS.to_string())
                    on_action=Callback::new(move |(a, _): (&'static str, usize)| if a == "use" {
                        let text = document().query_selector("[data-testid=streams-jobs-text]").ok().flatten()
                            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(e).ok())
                            .map(|t| t.value()).unwrap_or_default();
                        load_typed(ctx, &text);
                    })/>
                {form_fields(&form::SHAPE[..2])}
                {form_fields(&form::OPS_MODEL)}
                {form_fields(&form::SHAPE[2..])}
            </fieldset>
            <fieldset>
                <legend>{move || if is_dag() { "Processors" } else { "Machines" }}</legend>
                {form_fields(&form::MACHINES)}
                <p class="hint" inner_html=move || if s().mix == JobMix::Ds3 { "DASH SoC: 4 A7, 4 A15, 2 MM, 4 FFT, 2 Viterbi" } else { "" }></p>
                {form_fields(&form::DETAILS[..2])}
                {form_fields(&form::DETAILS[2..])}
            </fieldset>
            <fieldset>
                <legend>"Policies"</legend>
                {move || { let st = s(); series_rows(st.policies, streams::policy_entries(st.mix), false, "streams-policy", "Policy",
                    Callback::new(move |(i, v): (usize, String)| set(move |s| s.policies[i] = v)),
                    Callback::new(move |i: usize| set(move |s| { s.policies.remove(i); }))) }}
                <div class="rule-editors" inner_html=move || job_rule_editors(&s())
                    on:input=move |ev| job_rule_event(ctx, ev, false) on:change=move |ev| job_rule_event(ctx, ev, true)></div>
                <span inner_html=move || crate::components::compare_button("streams-compare-add", s().policies.len()) on:click=move |ev| act(ctx, ev)></span>
                {form_fields(&form::SEED)}
            </fieldset>
        </div>
    }
}
