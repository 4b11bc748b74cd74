//! The Serving lab's controls: the workload (synthetic or a Mooncake trace), the cluster
//! (instances, SLO, cache, noise, scaling events at the playhead), the routers to compare
//! and the seed. Every change is one undoable edit of the lab's settings.

use leptos::prelude::*;
use schedlab_app::kit::color as palette;
use schedlab_app::kit::timeline::format_time;
use schedlab_app::labs::serving::{self, form, ServingSettings};
use schedlab_core::serve::sim::ScaleAction;

use crate::components::fields::{form_fields, series_rows};
use crate::components::FileUpload;
use crate::ctx::Ctx;

fn set_with(ctx: Ctx, f: impl FnOnce(&mut ServingSettings) + 'static) {
    let mut f = Some(f);
    ctx.edit_state(&mut |s| {
        if let Some(f) = f.take() {
            f(&mut s.serving)
        }
    });
}

/// The score editors of the routers that are custom rules, as HTML text
/// ([`router_rule_event`] is their one handler).
fn router_rule_editors(routers: &[String]) -> String {
    use crate::components::rule_editor as ed;
    use schedlab_app::labs::serving::rules::ROUTER_RULE_EXAMPLES;
    use schedlab_core::serve::router::ROUTE_VARS;
    let mut out = String::new();
    for (i, id) in routers.iter().enumerate() {
        let Some(rule) = id
            .strip_prefix("rule:")
            .or((id == "rule").then_some("outstanding"))
        else {
            // A router that takes options (least loaded on tokens, DualMap's ablations).
            let base = id.split(':').next().unwrap_or_default();
            if let Some(e) = serving::routers()
                .iter()
                .find(|e| e.id == base && !e.options.is_empty())
            {
                out += &ed::options(e, id, "serving-opts", i);
            }
            continue;
        };
        out += &format!(
            "<div class=\"rule-editor\" data-col=\"{i}\" data-testid=\"serving-rule-editor-{i}\"><span class=\"swatch\" style=\"background:{}\"></span>Custom rule {}{}{}{}</div>",
            palette::hex(palette::series_color(i)),
            i + 1,
            ed::field("rule", "Score", "serving-rule", i, rule, "Router score rule, lowest wins"),
            ed::examples("serving-rule", i, ROUTER_RULE_EXAMPLES.iter().map(|(l, r)| format!("{l}: {r}"))),
            ed::help("Each request goes to the alive instance with the lowest score (ties: the lowest number).", &[("Instance variables", ROUTE_VARS)])
        );
    }
    out
}

/// Typing in a router rule or a router's options checks them (the message, a caret);
/// Enter, leaving the field or an example runs them when good. A bad one keeps the last run.
fn router_rule_event(ctx: Ctx, ev: web_sys::Event, change: bool) {
    use crate::components::rule_editor as ed;
    use schedlab_app::labs::serving::rules::{
        check_router, check_router_rule, ROUTER_RULE_EXAMPLES,
    };
    let run = ctx.editor.with_untracked(|e| {
        let routers = &e.state.serving.routers;
        ed::settle(
            &ev,
            change,
            "serving",
            ROUTER_RULE_EXAMPLES,
            &|kind, i, text| match (kind, routers.get(i)) {
                ("opts", Some(r)) => check_router(&ed::respell(r, text)),
                _ => check_router_rule(text),
            },
        )
    });
    if let Some((i, id)) = run {
        set_with(ctx, move |s| {
            if let Some(r) = s.routers.get_mut(i) {
                *r = id;
            }
        });
    }
}

/// The workload's line as HTML text: the trace (its size, span and base rate) and "use
/// synthetic", or the synthetic generator.
fn trace_html(s: &ServingSettings) -> String {
    use schedlab_app::kit::html::escape;
    use schedlab_app::kit::table::short;
    match &s.trace {
        Some(w) => {
            let rate = w.base_rate();
            format!(
                "<span data-testid=\"serving-trace\"{}>{}: {} requests over {} s{}</span><button class=\"link\" data-act=\"synthetic\">use synthetic</button>",
                rate.map(|r| format!(" data-rate=\"{r}\"")).unwrap_or_default(),
                escape(&w.name),
                w.requests.len(),
                short(w.span_ms() / 1000.0),
                rate.map(|r| format!(", {} req/s at rate scale 1", short(r))).unwrap_or_default()
            )
        }
        None => "<span>synthetic: shared-prefix groups, Zipf popularity, multi-turn</span>".into(),
    }
}

/// The scaling buttons and events as HTML text.
fn scaling_html(s: &ServingSettings) -> String {
    let mut out = String::from("<div class=\"field\"><button data-testid=\"serving-add-instance\" data-act=\"add\" title=\"Add an instance at the playhead\">+ instance at playhead</button><button data-testid=\"serving-remove-instance\" data-act=\"remove\" title=\"Remove an instance at the playhead\">− instance</button></div><ul class=\"events\">");
    for (k, e) in s.scaling.iter().enumerate() {
        out += &format!(
            "<li data-testid=\"serving-scale-event\">{} an instance at {} s<button class=\"link\" data-act=\"del\" data-k=\"{k}\" aria-label=\"Delete this scaling event\">×</button></li>",
            if e.action == ScaleAction::Add { "add" } else { "remove" },
            format_time(e.time_ms / 1000.0)
        );
    }
    out + "</ul>"
}

/// What a button of the HTML-text controls does (`data-act`, `data-k`); the keyboard goes
/// back to the same button once the controls redraw.
fn act(ctx: Ctx, ev: web_sys::MouseEvent) {
    let Some(b) = crate::components::act_button(&ev) else {
        return;
    };
    let k: usize = b
        .get_attribute("data-k")
        .and_then(|k| k.parse().ok())
        .unwrap_or(0);
    let t = ctx.serving_play.playhead.get_untracked();
    let a = b.get_attribute("data-act").unwrap_or_default();
    // One edit closure for every action (one instantiation of the edit path).
    set_with(ctx, move |s| match a.as_str() {
        "synthetic" => serving::use_synthetic(s),
        "add" | "remove" => serving::scale_at(s, t, a == "add"),
        "del" if k < s.scaling.len() => {
            s.scaling.remove(k);
        }
        "compare" => {
            let all = serving::routers();
            let next = all
                .iter()
                .map(|p| p.id)
                .find(|p| !s.routers.iter().any(|x| x == p))
                .unwrap_or(all[0].id);
            s.routers.push(next.to_string());
        }
        _ => {}
    });
    crate::components::refocus_act(&b);
}

fn set(f: impl FnOnce(&mut ServingSettings) + 'static) {
    set_with(expect_context::<Ctx>(), f)
}

/// Takes an uploaded Mooncake trace (its first requests, as many as a tab keeps).
fn load_trace(ctx: Ctx, files: Vec<(String, String)>) {
    let (name, text) = &files[0];
    match schedlab_core::serve::parse_trace(name, text) {
        Ok(w) => {
            let total = w.requests.len();
            let kept = total.min(serving::MAX_UI_REQUESTS);
            let cache = serving::trace_cache_floor();
            set_with(ctx, move |s| serving::use_trace(s, w));
            ctx.notice.set(Some(format!(
                "{name}: {kept} of {total} requests; cache at least {cache} blocks per instance"
            )));
        }
        Err(e) => ctx
            .banner
            .set(Some(format!("Could not read the trace: {e}"))),
    }
}

#[component]
pub fn ServingControls() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let settings = Memo::new(move |_| ctx.editor.with(|e| e.state.serving.clone()));
    let s = move || settings.get();
    view! {
        <div class="controls streams-controls">
            <fieldset>
                <legend>"Workload"</legend>
                <div class="field">
                    <span inner_html=move || ctx.editor.with(|e| trace_html(&e.state.serving)) on:click=move |ev| act(ctx, ev)></span>
                    <FileUpload label="Trace…" title="A Mooncake trace: JSON lines with timestamp (ms), input_length, output_length, hash_ids"
                        aria="Upload a Mooncake trace" testid="serving-trace-input" on_files=Callback::new(move |f| load_trace(ctx, f))/>
                </div>
                {form_fields(&form::WORKLOAD)}
            </fieldset>
            <fieldset>
                <legend>"Cluster"</legend>
                {form_fields(&form::CLUSTER)}
                <div inner_html=move || scaling_html(&s()) on:click=move |ev| act(ctx, ev)></div>
            </fieldset>
            <fieldset>
                <legend>"Routers"</legend>
                {move || series_rows(s().routers, serving::routers(), false, "serving-router", "Router",
                    Callback::new(move |(i, v): (usize, String)| set(move |s| s.routers[i] = v)),
                    Callback::new(move |i: usize| set(move |s| { s.routers.remove(i); })))}
                <div class="rule-editors" inner_html=move || router_rule_editors(&s().routers)
                    on:input=move |ev| router_rule_event(ctx, ev, false) on:change=move |ev| router_rule_event(ctx, ev, true)></div>
                <span inner_html=move || crate::components::compare_button("serving-compare-add", s().routers.len()) on:click=move |ev| act(ctx, ev)></span>
                {form_fields(&form::SEED)}
            </fieldset>
        </div>
    }
}
