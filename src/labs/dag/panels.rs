//! The DAG lab's side panels: the controls (schedulers, noise), the inspector of the
//! selected task or dependency, and the platform editor.

use leptos::prelude::*;
use schedlab_app::labs::dag::form;
use schedlab_app::state::MAX_COMPARE;
use schedlab_core::registry::Entry;
use schedlab_core::scenario::ProcKind;
use schedlab_core::sched::REGISTRY;
use wasm_bindgen::JsCast;

use crate::components::fields::{form_fields, num, series_rows};
use crate::ctx::{Ctx, Selection};
use schedlab_app::kit::table::short as fmt;

fn ctx() -> Ctx {
    expect_context::<Ctx>()
}

#[component]
pub fn Controls() -> impl IntoView {
    let ctx = ctx();
    // A memo: a DAG edit does not change it, so the controls do not re-render on one.
    let schedulers_memo = Memo::new(move |_| ctx.editor.with(|e| e.state.schedulers.clone()));
    let schedulers = move || schedulers_memo.get();
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

#[component]
pub fn Inspector() -> impl IntoView {
    let ctx = ctx();
    move || {
        let state = ctx.editor.with(|e| e.state.clone());
        match ctx.selected.get() {
            Selection::Task(i) if i < state.scenario.tasks.len() => {
                let t = state.scenario.tasks[i].clone();
                let speeds: Vec<f64> = state.scenario.processors.iter().map(|p| p.speed).collect();
                let row: Vec<Option<f64>> = match (&t.cost, &t.costs) {
                    (_, Some(r)) => r.clone(),
                    (Some(c), None) => speeds.iter().map(|s| Some(c / s)).collect(),
                    _ => vec![None; speeds.len()],
                };
                let speed_model = t.cost.is_some();
                view! {
                    <div class="inspector" data-testid="inspector">
                        <h3>"Task"</h3>
                        <label class="field"><span>"Name"</span>
                            <input data-testid="task-name" prop:value=t.name.clone() on:change=move |ev| { ctx.apply(|e| e.rename_task(i, &event_target_value(&ev))); }/>
                        </label>
                        {speed_model.then(|| view! {
                            <label class="field"><span>"Cost (÷ speed)"</span>
                                <input type="number" min="0" step="any" prop:value=fmt(t.cost.unwrap_or(0.0))
                                    on:change=move |ev| { match num(&event_target_value(&ev)) {
                                        Some(v) => { ctx.apply(|e| e.set_task_speed_cost(i, v)); }
                                        None => ctx.banner.set(Some("a cost must be a number".into())),
                                    } }/>
                            </label>
                        })}
                        <table class="costs">
                            <thead><tr><th>"processor"</th><th>"time (empty = cannot run)"</th></tr></thead>
                            <tbody>
                            {state.scenario.processors.iter().enumerate().map(|(p, proc)| {
                                let v = row.get(p).copied().flatten();
                                view! { <tr><td>{proc.name.clone()}</td><td>
                                    <input type="number" min="0" step="any" data-testid=format!("cost-{p}") aria-label=format!("time on {}", proc.name)
                                        prop:value=v.map(fmt).unwrap_or_default()
                                        on:change=move |ev| {
                                            let text = event_target_value(&ev);
                                            if text.trim().is_empty() { ctx.apply(|e| e.set_task_cost(i, p, None)); }
                                            else if let Some(c) = num(&text) { ctx.apply(|e| e.set_task_cost(i, p, Some(c))); }
                                            else { ctx.banner.set(Some("a cost must be a number".into())); }
                                        }/>
                                </td></tr> }
                            }).collect_view()}
                            </tbody>
                        </table>
                        <button class="danger" on:click=move |_| { if ctx.apply(|e| e.remove_task(i)).is_some() { ctx.selected.set(Selection::None); } }>"Delete task"</button>
                    </div>
                }
                .into_any()
            }
            Selection::Edge(i) if i < state.scenario.edges.len() => {
                let e = state.scenario.edges[i].clone();
                view! {
                    <div class="inspector" data-testid="inspector">
                        <h3>"Dependency " {e.from.clone()} " → " {e.to.clone()}</h3>
                        <label class="field"><span>"Data volume"</span>
                            <input type="number" min="0" step="any" data-testid="edge-data" prop:value=fmt(e.data)
                                on:change=move |ev| { match num(&event_target_value(&ev)) {
                                    Some(v) => { ctx.apply(|ed| ed.set_edge_data(i, v)); }
                                    None => ctx.banner.set(Some("a data volume must be a number".into())),
                                } }/>
                        </label>
                        <button class="danger" on:click=move |_| { if ctx.apply(|ed| ed.remove_edge(i)).is_some() { ctx.selected.set(Selection::None); } }>"Delete dependency"</button>
                    </div>
                }
                .into_any()
            }
            _ => view! {
                <div class="inspector hint">
                    "Double-click empty space to add a task · drag from a task's ● handle to another task to connect (keyboard: C on one task, then C on the next) · click to select, Delete to remove · drag to move · wheel to zoom, drag the background to pan · Ctrl+Z / Ctrl+Shift+Z"
                </div>
            }
            .into_any(),
        }
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
    ctx.apply(|e| platform::edit(e, &field, p, q, &value));
    if let Some(id) = el.get_attribute("data-testid") {
        crate::components::rule_editor::refocus(id);
    }
}

#[component]
pub fn PlatformEditor() -> impl IntoView {
    use schedlab_app::labs::dag::platform;
    let ctx = ctx();
    let on_change = move |ev: web_sys::Event| platform_event(ctx, ev, false);
    let on_click = move |ev: web_sys::MouseEvent| platform_event(ctx, ev.into(), true);
    view! {
        <div class="platform" data-testid="platform-editor" on:change=on_change on:click=on_click>
            <div inner_html=move || ctx.editor.with(|e| platform::processors_html(&e.state.scenario))></div>
            <h3>"Network"</h3>
            {form_fields(&form::NETWORK)}
            <div inner_html=move || ctx.editor.with(|e| platform::links_html(&e.state.scenario))></div>
        </div>
    }
}
