//! The task-graph editor (SVG): add (double-click or button), connect (drag from a task's
//! handle onto another), select and delete (click, Delete), move (drag), zoom (wheel), pan
//! (drag the background), tidy (layered layout) and fit. Nodes light up as waiting,
//! running or finished in step with the Gantt playhead.

use leptos::prelude::*;
use schedlab_app::kit::color as palette;
use schedlab_app::labs::dag::eval::{phase_at, TaskPhase};

use crate::ctx::{Ctx, Selection};

const R: f64 = 17.0;
const HANDLE_DY: f64 = R + 7.0;
const VIEW_H: f64 = 430.0;
/// Graphs with more tasks than this throttle their playback highlighting.
const BIG_GRAPH: usize = 300;
/// How far out the view zooms (wheel or Fit): far enough that a graph of a few hundred
/// tasks is seen whole; the wheel zooms in to read it.
const MIN_ZOOM: f64 = 0.03;

#[derive(Debug, Clone, PartialEq)]
struct EdgeItem {
    i: usize,
    from: String,
    to: String,
    data: f64,
    line: [f64; 4],
}

#[derive(Debug, Clone, PartialEq)]
struct NodeItem {
    i: usize,
    name: String,
    x: f64,
    y: f64,
}

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
        // The whole graph, centred (a big one small: the wheel zooms in to read it).
        let kk = ((w - 2.0 * margin) / (x1 - x0).max(1.0))
            .min((VIEW_H - 2.0 * margin) / (y1 - y0).max(1.0))
            .clamp(MIN_ZOOM, 1.6);
        k.set(kk);
        let left = if (x1 - x0) * kk > w - 2.0 * margin {
            margin - x0 * kk
        } else {
            (w - (x1 - x0) * kk) / 2.0 - x0 * kk
        };
        let top = if (y1 - y0) * kk > VIEW_H - 2.0 * margin {
            margin - y0 * kk
        } else {
            (VIEW_H - (y1 - y0) * kk) / 2.0 - y0 * kk
        };
        tx.set(left);
        ty.set(top);
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

    // One signal per task, set only when its phase changes: a playing animation touches a
    // handful of nodes per frame, not all of them.
    let phases = StoredValue::new(Vec::<ArcRwSignal<TaskPhase>>::new());
    let last_phase_update = StoredValue::new(0.0f64);
    Effect::new(move |_| {
        let t = ctx.dag_play.playhead.get();
        let playing = ctx.dag_play.playing.get();
        let n = ctx.editor.with(|e| e.state.scenario.tasks.len());
        // A big SVG costs a full repaint per change: while playing, big graphs update their
        // colors at most ~8 times a second (the Gantt keeps the full frame rate).
        let now = crate::browser::now_ms();
        if playing && n > BIG_GRAPH && now - last_phase_update.get_value() < 120.0 {
            return;
        }
        last_phase_update.set_value(now);
        phases.update_value(|ph| {
            while ph.len() < n {
                ph.push(ArcRwSignal::new(TaskPhase::Waiting));
            }
        });
        ctx.eval.with(|e| {
            let Some(Ok(ev)) = e else { return };
            let run = &ev.columns[0].run;
            phases.with_value(|ph| {
                for (task, sig) in ph.iter().enumerate().take(ev.problem.n_tasks().min(n)) {
                    let p = phase_at(run, task, t);
                    if sig.get_untracked() != p {
                        sig.set(p);
                    }
                }
            });
        });
    });
    let phase_signal = move |task: usize| -> ArcRwSignal<TaskPhase> {
        phases
            .with_value(|ph| ph.get(task).cloned())
            .unwrap_or_else(|| ArcRwSignal::new(TaskPhase::Waiting))
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
        let new = (old * if ev.delta_y() < 0.0 { 1.12 } else { 1.0 / 1.12 }).clamp(MIN_ZOOM, 4.0);
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

    // Keyed lists: an edit re-creates only the nodes and edges it changed.
    let edge_items = move || {
        ctx.editor.with(|e| {
            let s = &e.state;
            let idx: schedlab_core::util::FastMap<&str, usize> = s
                .scenario
                .tasks
                .iter()
                .enumerate()
                .map(|(i, t)| (t.name.as_str(), i))
                .collect();
            s.scenario
                .edges
                .iter()
                .enumerate()
                .filter_map(|(i, e)| {
                    let (a, b) = (*idx.get(e.from.as_str())?, *idx.get(e.to.as_str())?);
                    let (p, q) = (s.positions[a], s.positions[b]);
                    let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
                    let len = (dx * dx + dy * dy).sqrt().max(1e-6);
                    let (ux, uy) = (dx / len, dy / len);
                    Some(EdgeItem {
                        i,
                        from: e.from.clone(),
                        to: e.to.clone(),
                        data: e.data,
                        line: [
                            p[0] + ux * R,
                            p[1] + uy * R,
                            q[0] - ux * (R + 3.0),
                            q[1] - uy * (R + 3.0),
                        ],
                    })
                })
                .collect::<Vec<_>>()
        })
    };
    let edge_view = move |it: EdgeItem| {
        let i = it.i;
        let [x1, y1, x2, y2] = it.line;
        let selected = move || ctx.selected.get() == Selection::Edge(i);
        let label = if it.data > 0.0 {
            format!("{}", (it.data * 100.0).round() / 100.0)
        } else {
            String::new()
        };
        view! {
            <g class="edge" class:selected=selected data-testid="dag-edge" data-from=it.from.clone() data-to=it.to.clone()
                tabindex="0" role="button" aria-label=format!("dependency {} to {}", it.from, it.to)
                on:focus=move |_| ctx.selected.set(Selection::Edge(i))
                on:mousedown=move |ev: web_sys::MouseEvent| { ev.stop_propagation(); ctx.selected.set(Selection::Edge(i)); }>
                <line class="hit" x1=x1 y1=y1 x2=x2 y2=y2/>
                <line class="shaft" x1=x1 y1=y1 x2=x2 y2=y2 marker-end="url(#arrow)"/>
                <text class="edge-label" x=(x1 + x2) / 2.0 + 4.0 y=(y1 + y2) / 2.0>{label}</text>
            </g>
        }
    };

    let node_items = move || {
        ctx.editor.with(|e| {
            e.state
                .scenario
                .tasks
                .iter()
                .enumerate()
                .map(|(i, t)| NodeItem {
                    i,
                    name: t.name.clone(),
                    x: e.state.positions[i][0],
                    y: e.state.positions[i][1],
                })
                .collect::<Vec<_>>()
        })
    };
    let node_view = move |it: NodeItem| {
        let NodeItem { i, name, x, y } = it;
        phases.update_value(|ph| {
            while ph.len() <= i {
                ph.push(ArcRwSignal::new(TaskPhase::Waiting));
            }
        });
        let color = palette::hex(palette::task_color(i));
        let c2 = color.clone();
        let ph = phase_signal(i);
        let ph2 = ph.clone();
        let fill = move || match ph.get() {
            TaskPhase::Waiting => "var(--node-idle)".to_string(),
            _ => c2.clone(),
        };
        let phase_class = move || match ph2.get() {
            TaskPhase::Waiting => "node waiting",
            TaskPhase::Running => "node running",
            TaskPhase::Finished => "node finished",
        };
        let short: String = if name.chars().count() > 8 {
            name.chars().take(7).chain(std::iter::once('…')).collect()
        } else {
            name.clone()
        };
        let selected = move || ctx.selected.get() == Selection::Task(i);
        let title = name.clone();
        view! {
            <g class=phase_class class:selected=selected data-testid="dag-node" data-name=name.clone()
                tabindex="0" role="button" aria-label=format!("task {name}")
                on:focus=move |_| ctx.selected.set(Selection::Task(i))
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
    };

    view! {
        <div class="dag">
            <div class="toolbar">
                <button data-testid="add-task" on:click=add_center>"Add task"</button>
                <button data-testid="tidy" on:click=move |_| { ctx.apply(|e| e.tidy()); fit(); }>"Tidy"</button>
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
                    <g class="edges"><For each=edge_items key=|e| (e.i, e.from.clone(), e.to.clone(), e.data.to_bits(), e.line.map(f64::to_bits)) children=edge_view/></g>
                    {move || rubber.get().map(|(a, b, c, d)| view! { <line class="rubber" x1=a y1=b x2=c y2=d/> })}
                    <g class="nodes"><For each=node_items key=|n| (n.i, n.name.clone(), n.x.to_bits(), n.y.to_bits()) children=node_view/></g>
                </g>
            </svg>
        </div>
    }
}
