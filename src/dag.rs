//! The task-graph editor (SVG): add (double-click or button), connect (drag from a task's
//! handle onto another), select and delete (click, Delete), move (drag), zoom (wheel), pan
//! (drag the background), tidy (layered layout) and fit. Nodes light up as waiting,
//! running or finished in step with the Gantt playhead.

use leptos::prelude::*;
use schedlab_app::eval::{phase_at, TaskPhase};
use schedlab_app::palette;

use crate::app::{Ctx, Selection};

const R: f64 = 17.0;
const HANDLE_DY: f64 = R + 7.0;
const VIEW_H: f64 = 430.0;

#[derive(Debug, Clone, Copy)]
enum Drag {
    Node {
        task: usize,
        dx: f64,
        dy: f64,
        moved: bool,
    },
    Pan {
        sx: f64,
        sy: f64,
        tx0: f64,
        ty0: f64,
    },
    Connect {
        from: usize,
    },
}

#[component]
pub fn DagEditor() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let svg_ref: NodeRef<leptos::svg::Svg> = NodeRef::new();
    // View transform: model = (screen - t) / k.
    let tx = RwSignal::new(0.0f64);
    let ty = RwSignal::new(0.0f64);
    let k = RwSignal::new(1.0f64);
    let drag = StoredValue::new(None::<Drag>);
    let rubber = RwSignal::new(None::<(f64, f64, f64, f64)>);
    let hovered = RwSignal::new(None::<usize>);

    let to_model = move |cx: f64, cy: f64| -> (f64, f64) {
        let rect = svg_ref
            .get_untracked()
            .map(|s| s.get_bounding_client_rect());
        let (l, t) = rect.map_or((0.0, 0.0), |r| (r.left(), r.top()));
        (
            (cx - l - tx.get_untracked()) / k.get_untracked(),
            (cy - t - ty.get_untracked()) / k.get_untracked(),
        )
    };

    let fit = move || {
        let pos = ctx.editor.with_untracked(|e| e.state.positions.clone());
        let Some(svg) = svg_ref.get_untracked() else {
            return;
        };
        let w = svg.get_bounding_client_rect().width().max(200.0);
        if pos.is_empty() {
            return;
        }
        let (x0, x1, y0, y1) = pos.iter().fold(
            (
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ),
            |a, p| (a.0.min(p[0]), a.1.max(p[0]), a.2.min(p[1]), a.3.max(p[1])),
        );
        let margin = 40.0;
        let kk = ((w - 2.0 * margin) / (x1 - x0).max(1.0))
            .min((VIEW_H - 2.0 * margin) / (y1 - y0).max(1.0))
            .clamp(0.15, 1.6);
        k.set(kk);
        tx.set((w - (x1 - x0) * kk) / 2.0 - x0 * kk);
        ty.set((VIEW_H - (y1 - y0) * kk) / 2.0 - y0 * kk);
    };
    // Fit when the graph is replaced (a preset, an import, a link).
    let last_names = StoredValue::new(Vec::<String>::new());
    Effect::new(move |_| {
        let names: Vec<String> = ctx.editor.with(|e| {
            e.state
                .scenario
                .tasks
                .iter()
                .map(|t| t.name.clone())
                .collect()
        });
        let changed = last_names.with_value(|old| {
            old.is_empty()
                || (old.len() != names.len() && (names.len() as i64 - old.len() as i64).abs() > 1)
                || (!old.is_empty() && !names.iter().any(|n| old.contains(n)))
        });
        last_names.set_value(names);
        if changed {
            request_animation_frame(fit);
        }
    });

    let phase = move |task: usize| -> TaskPhase {
        let t = ctx.playhead.get();
        ctx.eval.with(|e| match e {
            Some(Ok(ev)) if task < ev.problem.n_tasks() => phase_at(&ev.columns[0].run, task, t),
            _ => TaskPhase::Waiting,
        })
    };

    let on_mousedown_bg = move |ev: web_sys::MouseEvent| {
        if ev.button() != 0 {
            return;
        }
        drag.set_value(Some(Drag::Pan {
            sx: ev.client_x() as f64,
            sy: ev.client_y() as f64,
            tx0: tx.get_untracked(),
            ty0: ty.get_untracked(),
        }));
    };
    let on_mousemove = move |ev: web_sys::MouseEvent| {
        let (cx, cy) = (ev.client_x() as f64, ev.client_y() as f64);
        match drag.get_value() {
            Some(Drag::Pan { sx, sy, tx0, ty0 }) => {
                tx.set(tx0 + cx - sx);
                ty.set(ty0 + cy - sy);
            }
            Some(Drag::Node {
                task,
                dx,
                dy,
                moved,
            }) => {
                let (mx, my) = to_model(cx, cy);
                let first = !moved;
                ctx.editor.update(|e| {
                    let _ = e.move_task(task, [mx - dx, my - dy], first);
                });
                drag.set_value(Some(Drag::Node {
                    task,
                    dx,
                    dy,
                    moved: true,
                }));
            }
            Some(Drag::Connect { from }) => {
                let (mx, my) = to_model(cx, cy);
                let p = ctx
                    .editor
                    .with_untracked(|e| e.state.positions.get(from).copied());
                if let Some(p) = p {
                    rubber.set(Some((p[0], p[1] + HANDLE_DY, mx, my)));
                }
            }
            None => {}
        }
    };
    let end_drag = move |_ev: web_sys::MouseEvent| {
        if let Some(Drag::Connect { .. }) = drag.get_value() {
            rubber.set(None);
        }
        drag.set_value(None);
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let rect = svg_ref
            .get_untracked()
            .map(|s| s.get_bounding_client_rect());
        let (l, t) = rect.map_or((0.0, 0.0), |r| (r.left(), r.top()));
        let (sx, sy) = (ev.client_x() as f64 - l, ev.client_y() as f64 - t);
        let old = k.get_untracked();
        let new = (old * if ev.delta_y() < 0.0 { 1.12 } else { 1.0 / 1.12 }).clamp(0.1, 4.0);
        // Zoom around the cursor.
        tx.set(sx - (sx - tx.get_untracked()) * new / old);
        ty.set(sy - (sy - ty.get_untracked()) * new / old);
        k.set(new);
    };
    let on_dblclick = move |ev: web_sys::MouseEvent| {
        // Only on empty space: a double-click on a task is two selections.
        let on_node = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| {
                el.closest("[data-testid=dag-node]")
                    .ok()
                    .flatten()
                    .is_some()
            });
        if on_node {
            return;
        }
        let (mx, my) = to_model(ev.client_x() as f64, ev.client_y() as f64);
        if let Some(i) = ctx.apply(|e| e.add_task([mx, my])) {
            ctx.selected.set(Selection::Task(i));
        }
    };
    let add_center = move |_| {
        let w = svg_ref
            .get_untracked()
            .map_or(600.0, |s| s.get_bounding_client_rect().width());
        let n = ctx.editor.with_untracked(|e| e.state.positions.len()) as f64;
        let (mx, my) = (
            (w / 2.0 - tx.get_untracked()) / k.get_untracked() + (n % 5.0) * 12.0,
            (VIEW_H / 2.0 - ty.get_untracked()) / k.get_untracked() + (n % 3.0) * 12.0,
        );
        if let Some(i) = ctx.apply(|e| e.add_task([mx, my])) {
            ctx.selected.set(Selection::Task(i));
        }
    };

    let edges_view = move || {
        let (positions, edges, names) = ctx.editor.with(|e| {
            let s = &e.state;
            (
                s.positions.clone(),
                s.scenario.edges.clone(),
                s.scenario
                    .tasks
                    .iter()
                    .map(|t| t.name.clone())
                    .collect::<Vec<_>>(),
            )
        });
        let idx = |n: &str| names.iter().position(|x| x == n);
        edges
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let (a, b) = (idx(&e.from)?, idx(&e.to)?);
                let (p, q) = (positions[a], positions[b]);
                let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
                let len = (dx * dx + dy * dy).sqrt().max(1e-6);
                let (ux, uy) = (dx / len, dy / len);
                let (x1, y1, x2, y2) = (p[0] + ux * R, p[1] + uy * R, q[0] - ux * (R + 3.0), q[1] - uy * (R + 3.0));
                let selected = move || ctx.selected.get() == Selection::Edge(i);
                let label = if e.data > 0.0 { format!("{}", (e.data * 100.0).round() / 100.0) } else { String::new() };
                Some(view! {
                    <g class="edge" class:selected=selected data-testid="dag-edge" data-from=e.from.clone() data-to=e.to.clone()
                        on:mousedown=move |ev: web_sys::MouseEvent| { ev.stop_propagation(); ctx.selected.set(Selection::Edge(i)); }>
                        <line class="hit" x1=x1 y1=y1 x2=x2 y2=y2/>
                        <line class="shaft" x1=x1 y1=y1 x2=x2 y2=y2 marker-end="url(#arrow)"/>
                        <text class="edge-label" x=(x1 + x2) / 2.0 + 4.0 y=(y1 + y2) / 2.0>{label}</text>
                    </g>
                })
            })
            .collect_view()
    };

    let nodes_view = move || {
        let (positions, names) = ctx.editor.with(|e| {
            (
                e.state.positions.clone(),
                e.state
                    .scenario
                    .tasks
                    .iter()
                    .map(|t| t.name.clone())
                    .collect::<Vec<_>>(),
            )
        });
        names
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let [x, y] = positions[i];
                let color = palette::hex(palette::task_color(i));
                let c2 = color.clone();
                let fill = move || match phase(i) {
                    TaskPhase::Waiting => "var(--node-idle)".to_string(),
                    _ => c2.clone(),
                };
                let phase_class = move || match phase(i) {
                    TaskPhase::Waiting => "node waiting",
                    TaskPhase::Running => "node running",
                    TaskPhase::Finished => "node finished",
                };
                let short: String = if name.chars().count() > 8 { name.chars().take(7).chain(std::iter::once('…')).collect() } else { name.clone() };
                let selected = move || ctx.selected.get() == Selection::Task(i);
                let title = name.clone();
                view! {
                    <g class=phase_class class:selected=selected data-testid="dag-node" data-name=name.clone()
                        on:mousedown=move |ev: web_sys::MouseEvent| {
                            ev.stop_propagation();
                            if ev.button() != 0 { return; }
                            ctx.selected.set(Selection::Task(i));
                            if ev.shift_key() {
                                drag.set_value(Some(Drag::Connect { from: i }));
                                return;
                            }
                            let (mx, my) = to_model(ev.client_x() as f64, ev.client_y() as f64);
                            drag.set_value(Some(Drag::Node { task: i, dx: mx - x, dy: my - y, moved: false }));
                        }
                        on:mouseup=move |ev: web_sys::MouseEvent| {
                            if let Some(Drag::Connect { from }) = drag.get_value() {
                                ev.stop_propagation();
                                drag.set_value(None);
                                rubber.set(None);
                                if from != i {
                                    if let Some(e) = ctx.apply(|ed| ed.add_edge(from, i)) {
                                        ctx.selected.set(Selection::Edge(e));
                                    }
                                }
                            }
                        }
                        on:mouseenter=move |_| hovered.set(Some(i))
                        on:mouseleave=move |_| hovered.set(None)>
                        <title>{title}</title>
                        <circle class="body" cx=x cy=y r=R fill=fill stroke=color.clone()/>
                        <text class="label" x=x y=y>{short}</text>
                        <circle class="handle" data-testid="dag-handle" cx=x cy=y + HANDLE_DY r=5.0
                            on:mousedown=move |ev: web_sys::MouseEvent| {
                                ev.stop_propagation();
                                if ev.button() != 0 { return; }
                                drag.set_value(Some(Drag::Connect { from: i }));
                                rubber.set(Some((x, y + HANDLE_DY, x, y + HANDLE_DY)));
                            }/>
                    </g>
                }
            })
            .collect_view()
    };

    view! {
        <div class="dag">
            <div class="toolbar">
                <button data-testid="add-task" on:click=add_center>"Add task"</button>
                <button data-testid="tidy" on:click=move |_| { ctx.apply(|e| e.tidy()); request_animation_frame(fit); }>"Tidy"</button>
                <button on:click=move |_| fit()>"Fit"</button>
                <span class="hint">{move || ctx.editor.with(|e| format!("{} tasks · {} dependencies", e.state.scenario.tasks.len(), e.state.scenario.edges.len()))}</span>
            </div>
            <svg node_ref=svg_ref data-testid="dag-editor" class="dag-svg" role="img" aria-label="Task graph editor" height=VIEW_H
                on:mousedown=on_mousedown_bg on:mousemove=on_mousemove on:mouseup=end_drag on:mouseleave=end_drag
                on:wheel=on_wheel on:dblclick=on_dblclick
                on:click=move |ev: web_sys::MouseEvent| { if ev.target() == ev.current_target() { ctx.selected.set(Selection::None); } }>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"/>
                    </marker>
                </defs>
                <g transform=move || format!("translate({} {}) scale({})", tx.get(), ty.get(), k.get())>
                    <g class="edges">{edges_view}</g>
                    {move || rubber.get().map(|(a, b, c, d)| view! { <line class="rubber" x1=a y1=b x2=c y2=d/> })}
                    <g class="nodes">{nodes_view}</g>
                </g>
            </svg>
        </div>
    }
}
