//! The DAG lab's side panels: the controls (schedulers, noise), the inspector of the
//! selected task or dependency, and the platform editor.

use leptos::prelude::*;
use schedlab_app::labs::dag::form;
use schedlab_app::state::MAX_COMPARE;
use schedlab_core::registry::Entry;
use schedlab_core::scenario::ProcKind;
use schedlab_core::sched::REGISTRY;
use wasm_bindgen::JsCast;

use crate::components::fields::{form_fields, series_rows};
use crate::ctx::{Ctx, Selection};

fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

#[component]
pub fn Controls() -> impl IntoView {
    let ctx = ctx();
    // A memo: a DAG edit does not change it, so the controls do not re-render on one.
    // (Kept as one string, U+001F between ids: a `Memo<String>` like the form fields', not
    // a memo type of its own in the bundle.)
    let schedulers_memo =
        Memo::new(move |_| ctx.editor.with(|e| e.state.schedulers.join("\u{1f}")));
    let schedulers = move || -> Vec<String> {
        schedulers_memo.with(|s| s.split('\u{1f}').map(String::from).collect())
    };
    let comm_saga = move || {
        ctx.editor.with(|e| {
            e.state
                .options
                .get("comm_average")
                .is_some_and(|v| v == "saga")
        })
    };
    view! {
        <div class="controls">
            <fieldset>
                <legend>"Schedulers"</legend>
                {move || series_rows(schedulers(), REGISTRY.iter().map(Entry::about).collect(), true, "scheduler-select", "Scheduler",
                    Callback::new(move |(i, v): (usize, String)| { ctx.apply(|e| e.set_scheduler(i, &v)); }),
                    Callback::new(move |i| { ctx.apply(|e| e.remove_compare(i)); }))}
                <div class="rule-editors" inner_html=move || rule_editors(&schedulers())
                    on:input=move |ev| rule_event(ctx, ev, false) on:change=move |ev| rule_event(ctx, ev, true)></div>
                <button data-testid="compare-add" disabled=move || { schedulers().len() >= MAX_COMPARE } on:click=move |_| { ctx.apply(|e| e.add_compare()); }>"+ Compare another"</button>
                <label class="check" title="Average communication over all processor pairs including each with itself (saga 2.x), instead of pairs p≠q (the paper)">
                    <input type="checkbox" prop:checked=comm_saga on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ctx.apply(|e| e.set_option("comm_average", on.then_some("saga")));
                    }/>
                    " saga's communication averaging"
                </label>
            </fieldset>
            <fieldset>
                <legend>"Noise"</legend>
                {form_fields(&form::NOISE)}
                {form_fields(&form::SAMPLES)}
            </fieldset>
        </div>
    }
}

/// The rule editors of the columns running a custom rule, as HTML text ([`rule_event`] is
/// their one handler): the priority and placement, examples, and what a rule may read.
fn rule_editors(ids: &[String]) -> String {
    use crate::components::rule_editor as ed;
    use schedlab_app::kit::color::{hex, series_color};
    use schedlab_app::labs::dag::rules::{variables, Draft, EXAMPLES, PLACEMENTS};
    let mut out = String::new();
    for (i, id) in ids.iter().enumerate() {
        if id.split(':').next() != Some("rule") {
            continue;
        }
        let d = Draft::of(id);
        out += &format!(
            "<div class=\"rule-editor\" data-col=\"{i}\" data-testid=\"rule-editor-{i}\"><span class=\"swatch\" style=\"background:{}\"></span>Custom rule {}{}{}<datalist id=\"rule-placements-{i}\">{}</datalist>{}{}</div>",
            hex(series_color(i)),
            i + 1,
            ed::field("priority", "Priority", "rule-priority", i, &d.priority, "Priority rule, highest first"),
            ed::field("placement", "Placement", "rule-placement", i, &d.placement, "Placement: eft, est, min_exec or a score, lowest wins"),
            PLACEMENTS.map(|p| format!("<option value=\"{p}\">")).concat(),
            ed::examples("rule", i, EXAMPLES.iter().map(|(l, p, q)| format!("{l}: {p} · {q}"))),
            ed::help(
                "Priority: highest first among the ready tasks. Placement: eft (earliest finish, HEFT's), est, min_exec, or a score per processor, lowest wins.",
                &[("Task variables", variables("priority")), ("Processor variables", variables("placement"))]
            )
        );
    }
    out
}

/// Typing in a rule editor checks the rule (the message, and a caret under the character
/// it names); Enter, leaving the field or picking an example runs it when good, after a
/// trial run on the graph shown. A bad rule keeps the last good run.
fn rule_event(ctx: Ctx, ev: web_sys::Event, change: bool) {
    use crate::components::rule_editor as ed;
    use schedlab_app::labs::dag::rules::{Draft, EXAMPLES};
    let Some((name, i)) = ed::target(&ev) else {
        return;
    };
    let (Some(priority), Some(placement)) = (
        ed::input(&format!("rule-priority-{i}")),
        ed::input(&format!("rule-placement-{i}")),
    ) else {
        return;
    };
    if name == "example" {
        let Some((_, p, q)) = EXAMPLES.get(
            event_target_value(&ev)
                .parse::<usize>()
                .unwrap_or(usize::MAX),
        ) else {
            return;
        };
        priority.set_value(p);
        placement.set_value(q);
    }
    let draft = Draft {
        priority: priority.value(),
        placement: placement.value(),
    };
    let checked = match (change, ctx.eval.get_untracked()) {
        (true, Some(Ok(ev))) => draft.check_on(
            &ev.problem,
            &ctx.editor.with_untracked(|e| e.state.options.clone()),
        ),
        _ => draft.check(),
    };
    let problem = checked.as_ref().err();
    let text = if problem.is_some_and(|p| p.field == "placement") {
        &draft.placement
    } else {
        &draft.priority
    };
    ed::show(&format!("rule-error-{i}"), text, problem);
    if let (true, Ok(id)) = (change, checked) {
        ctx.apply(|e| e.set_scheduler(i, &id));
        ed::refocus(format!("rule-{name}-{i}"));
    }
}

/// Applies `f` once the browser has moved the focus (a change fires before a Tab lands on
/// the next field, and the panel redraws under it), then puts the focus back where it went;
/// a refused value shows the value kept again (the field's HTML default).
fn commit_later(
    ctx: Ctx,
    el: web_sys::Element,
    f: impl FnOnce(&mut schedlab_app::editor::Editor) -> Result<(), String> + 'static,
) {
    set_timeout(
        move || {
            let focus = document()
                .active_element()
                .and_then(|a| a.get_attribute("data-testid"));
            if ctx.apply(f).is_none() {
                if let Ok(d) = js_sys::Reflect::get(&el, &"defaultValue".into()) {
                    if d.is_string() {
                        let _ = js_sys::Reflect::set(&el, &"value".into(), &d);
                    }
                }
            }
            if let Some(id) = focus {
                crate::components::rule_editor::refocus(id);
            }
        },
        std::time::Duration::ZERO,
    );
}

/// The selection as the inspector's model names it.
fn pick(sel: Selection) -> Option<schedlab_app::labs::dag::inspector::Pick> {
    use schedlab_app::labs::dag::inspector::Pick;
    match sel {
        Selection::Task(i) => Some(Pick::Task(i)),
        Selection::Edge(i) => Some(Pick::Edge(i)),
        Selection::None => None,
    }
}

/// One change or click in the inspector: `inspector::edit` or `inspector::delete` on the
/// selection (a refusal goes to the banner); the field keeps the focus after the redraw.
fn inspector_event(ctx: Ctx, ev: web_sys::Event, click: bool) {
    use schedlab_app::labs::dag::inspector;
    let (Some(el), Some(pk)) = (
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
        pick(ctx.selected.get_untracked()),
    ) else {
        return;
    };
    if click {
        if el.has_attribute("data-delete") && ctx.apply(|e| inspector::delete(e, pk)).is_some() {
            ctx.selected.set(Selection::None);
        }
        return;
    }
    let Some(field) = el.get_attribute("data-f") else {
        return;
    };
    let p = el
        .get_attribute("data-p")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let value = event_target_value(&ev);
    commit_later(ctx, el, move |e| inspector::edit(e, pk, &field, p, &value));
}

#[component]
pub fn Inspector() -> impl IntoView {
    let ctx = ctx();
    let html = move || {
        let sel = pick(ctx.selected.get());
        ctx.dag_inputs
            .with(|d| schedlab_app::labs::dag::inspector::inspector_html(&d.0, sel))
    };
    view! {
        <div inner_html=html on:change=move |ev| inspector_event(ctx, ev, false)
            on:click=move |ev: web_sys::MouseEvent| inspector_event(ctx, ev.into(), true)></div>
    }
}

/// One change or click in the Platform tab's processors or bandwidth matrix: what its
/// `data-` attributes ask, through `platform::edit` (a refusal goes to the banner); the
/// field keeps the keyboard focus after the tab redraws.
fn platform_event(ctx: Ctx, ev: web_sys::Event, click: bool) {
    use schedlab_app::labs::dag::platform;
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let attr = |k: &str| el.get_attribute(k).and_then(|v| v.parse::<usize>().ok());
    if click {
        if let Some(p) = attr("data-remove") {
            ctx.apply(|e| e.remove_processor(p));
        } else if attr("data-add").is_some() {
            let kind = document()
                .get_element_by_id("new-proc-kind")
                .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .and_then(|s| ProcKind::parse(&s.value()))
                .unwrap_or_default();
            ctx.apply(|e| e.add_processor(kind));
        }
        return;
    }
    let (Some(field), Some(p)) = (el.get_attribute("data-f"), attr("data-p")) else {
        return;
    };
    let value = event_target_value(&ev);
    let q = attr("data-q").unwrap_or(0);
    commit_later(ctx, el, move |e| platform::edit(e, &field, p, q, &value));
}

#[component]
pub fn PlatformEditor() -> impl IntoView {
    use schedlab_app::labs::dag::platform;
    let ctx = ctx();
    let on_change = move |ev: web_sys::Event| platform_event(ctx, ev, false);
    let on_click = move |ev: web_sys::MouseEvent| platform_event(ctx, ev.into(), true);
    view! {
        <div class="platform" data-testid="platform-editor" on:change=on_change on:click=on_click>
            <div inner_html=move || ctx.dag_inputs.with(|d| platform::processors_html(&d.0))></div>
            <h3>"Network"</h3>
            {form_fields(&form::NETWORK)}
            <div inner_html=move || ctx.dag_inputs.with(|d| platform::links_html(&d.0))></div>
        </div>
    }
}
