//! The DAG lab's side panels: the controls (schedulers, noise), the inspector of the
//! selected task or dependency, and the platform editor.

use leptos::prelude::*;
use schedlab_app::labs::dag::form;
use schedlab_app::state::MAX_COMPARE;
use schedlab_core::registry::Entry;
use schedlab_core::scenario::{LinkBandwidth, ProcKind};
use schedlab_core::sched::REGISTRY;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::components::fields::{form_fields, num, series_rows};
use crate::ctx::{Ctx, Selection};
use schedlab_app::kit::table::short as fmt;

/// The per-pair bandwidth matrix is shown up to this many processors.
const MAX_LINK_MATRIX: usize = 16;

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

#[component]
pub fn PlatformEditor() -> impl IntoView {
    let ctx = ctx();
    move || {
        let s = ctx.editor.with(|e| e.state.scenario.clone());
        view! {
            <div class="platform" data-testid="platform-editor">
                <table>
                    <thead><tr><th>"name"</th><th>"kind"</th><th>"speed"</th><th></th></tr></thead>
                    <tbody>
                    {s.processors.iter().enumerate().map(|(p, proc)| {
                        let (name, kind, speed) = (proc.name.clone(), proc.kind, proc.speed);
                        let (n2, n3) = (name.clone(), name.clone());
                        view! { <tr>
                            <td><input aria-label="processor name" prop:value=name.clone() on:change=move |ev| { ctx.apply(|e| e.set_processor(p, &event_target_value(&ev), kind, speed)); }/></td>
                            <td><select aria-label="processor kind" prop:value=kind.as_str() on:change=move |ev| {
                                let k = ProcKind::parse(&event_target_value(&ev)).unwrap_or_default();
                                ctx.apply(|e| e.set_processor(p, &n2, k, speed));
                            }>
                                {ProcKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> }).collect_view()}
                            </select></td>
                            <td><input type="number" min="0" step="any" aria-label="processor speed" prop:value=fmt(speed) on:change=move |ev| { match num(&event_target_value(&ev)) {
                                Some(v) => { ctx.apply(|e| e.set_processor(p, &n3, kind, v)); }
                                None => ctx.banner.set(Some("a speed must be a number".into())),
                            } }/></td>
                            <td><button class="link" aria-label="Remove processor" on:click=move |_| { ctx.apply(|e| e.remove_processor(p)); }>"remove"</button></td>
                        </tr> }
                    }).collect_view()}
                    </tbody>
                </table>
                <div class="row">
                    <select aria-label="kind of the new processor" id="new-proc-kind">
                        {ProcKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> }).collect_view()}
                    </select>
                    <button data-testid="add-processor" on:click=move |_| {
                        let kind = browser::window().document().and_then(|d| d.get_element_by_id("new-proc-kind"))
                            .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
                            .and_then(|s| ProcKind::parse(&s.value())).unwrap_or_default();
                        ctx.apply(|e| e.add_processor(kind));
                    }>"Add processor"</button>
                </div>
                <h3>"Network"</h3>
                {form_fields(&form::NETWORK)}
                {(s.processors.len() <= MAX_LINK_MATRIX).then(|| {
                    let names: Vec<String> = s.processors.iter().map(|p| p.name.clone()).collect();
                    let link_of = |a: usize, b: usize| s.network.links.iter().find(|l| (l.a == names[a] && l.b == names[b]) || (l.a == names[b] && l.b == names[a])).map(|l| l.bandwidth);
                    view! {
                        <h3>"Bandwidth per pair"</h3>
                        <p class="hint">"Empty = the default above; inf = infinite (free transfers)."</p>
                        <table class="links" data-testid="link-matrix">
                            <thead><tr><th></th>{names.iter().map(|n| view! { <th>{n.clone()}</th> }).collect_view()}</tr></thead>
                            <tbody>
                            {(0..names.len()).map(|a| view! {
                                <tr><th>{names[a].clone()}</th>
                                {(0..names.len()).map(|b| {
                                    if b <= a {
                                        view! { <td class="diag">{if a == b { "—" } else { "" }}</td> }.into_any()
                                    } else {
                                        let shown = match link_of(a, b) {
                                            Some(LinkBandwidth::Value(v)) => fmt(v),
                                            Some(LinkBandwidth::Infinite) => "inf".into(),
                                            _ => String::new(),
                                        };
                                        view! { <td><input class="link-bw" aria-label=format!("bandwidth {} to {}", names[a], names[b]) prop:value=shown
                                            on:change=move |ev| {
                                                let t = event_target_value(&ev);
                                                let bw = match t.trim() {
                                                    "" => Some(LinkBandwidth::Inherit),
                                                    "inf" | "∞" => Some(LinkBandwidth::Infinite),
                                                    v => num(v).map(LinkBandwidth::Value),
                                                };
                                                match bw {
                                                    Some(bw) => { ctx.apply(|e| e.set_link(a, b, bw)); }
                                                    None => ctx.banner.set(Some("a bandwidth must be a number, inf or empty".into())),
                                                }
                                            }/></td> }.into_any()
                                    }
                                }).collect_view()}
                                </tr>
                            }).collect_view()}
                            </tbody>
                        </table>
                    }
                })}
                {(s.processors.len() > MAX_LINK_MATRIX && !s.network.links.is_empty()).then(|| view! { <p class="hint">{format!("{} per-pair link overrides from the file are kept.", s.network.links.len())}</p> })}
            </div>
        }
    }
}
