//! [`GanttCanvas`]: a `<canvas>` that redraws from a closure whenever what the closure reads
//! changes, the window is resized or the colour scheme switches, and shows a tooltip for
//! what lies under the pointer (the hit test is the caller's). Every Gantt and chart of the
//! labs is one.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea};
use plotters_canvas::CanvasBackend;
use schedlab_app::kit::color as palette;

use crate::ctx::{Ctx, Play};

thread_local! {
    /// How much larger than its pixels a canvas is shown: 1, or 1.5 in presentation mode
    /// (the canvas is drawn at its CSS width ÷ 1.5 and stretched: labels and bars 1.5×).
    pub static SCALE: std::cell::Cell<f64> = const { std::cell::Cell::new(1.0) };
}

/// Sizes a canvas to its CSS width (÷ the presentation scale) and the given height; returns
/// (width, height).
pub fn fit_canvas(c: &web_sys::HtmlCanvasElement, height: u32) -> (u32, u32) {
    let w = (f64::from(c.client_width().max(300)) / SCALE.get()) as u32;
    if c.width() != w {
        c.set_width(w);
    }
    if c.height() != height {
        c.set_height(height);
    }
    (w, height)
}

/// The canvas sized to `height` as a plotters drawing area, with its (width, height).
/// Call `present()` on the area when done.
pub fn area(
    c: &web_sys::HtmlCanvasElement,
    height: u32,
) -> Option<(DrawingArea<CanvasBackend, Shift>, u32, u32)> {
    let (w, h) = fit_canvas(c, height);
    let backend = CanvasBackend::with_canvas_object(c.clone())?;
    Some((backend.into_drawing_area(), w, h))
}

/// Draws on the canvas: receives the element and whether the page is dark. Signals it reads
/// are tracked: the canvas redraws when they change.
pub type Draw = Callback<(web_sys::HtmlCanvasElement, bool)>;
/// The tooltip text for the point (x, y) in canvas pixels, if something is there.
pub type Hit = Callback<(web_sys::HtmlCanvasElement, f64, f64), Option<String>>;

/// A canvas redrawn by `draw` (on data, size or theme change), with an optional title line
/// (a series swatch and a name) and an optional hover tooltip from `hit`.
#[component]
pub fn GanttCanvas(
    #[prop(into)] testid: String,
    /// What a screen reader says.
    aria: &'static str,
    draw: Draw,
    #[prop(optional)] hit: Option<Hit>,
    /// A title above the canvas (None hides it).
    #[prop(optional, into)]
    title: Option<Signal<Option<String>>>,
    /// The series colour of the title's swatch.
    #[prop(optional)]
    swatch: Option<usize>,
    /// `chart` (a chart's size and style) instead of `gantt`.
    #[prop(optional)]
    chart: bool,
    /// The lab's playback, for a Gantt drawn through [`Play::view`]: Ctrl (⌘) + wheel
    /// zooms around the pointer, dragging or Shift + wheel pans, a double click shows
    /// the whole run.
    #[prop(optional)]
    zoom: Option<Play>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let canvas: NodeRef<leptos::html::Canvas> = NodeRef::new();
    let tooltip = RwSignal::new(None::<(f64, f64, String)>);
    // Window resizes change the canvas's CSS width: redraw at the new size.
    let resized = RwSignal::new(0u32);
    let listener = window_event_listener(leptos::ev::resize, move |_| {
        resized.update(|n| *n = n.wrapping_add(1))
    });
    on_cleanup(move || listener.remove());
    Effect::new(move |_| {
        resized.track();
        ctx.present.track();
        let dark = ctx.dark.get();
        let Some(c) = canvas.get() else { return };
        if let Some(p) = zoom {
            // (The draw reads the window through `Play::view`: this runs on zoom and pan.)
            let zoomed = p.window_untracked().is_some();
            let _ = c.set_attribute("data-zoomed", if zoomed { "1" } else { "0" });
        }
        draw.run((c, dark));
    });
    // The pointer: one listener for every mouse event, added by hand (one non-generic
    // handler in the bundle instead of a Leptos attribute per event; the wheel's on the
    // canvas itself, so it may cancel the page's scroll).
    // A drag that pans: where it started (canvas pixels) and the window then.
    let drag = std::cell::Cell::new(None::<(f64, Option<(f64, f64)>)>);
    let on_event = move |ev: web_sys::Event| {
        use wasm_bindgen::JsCast;
        // (An event after the lab left, on a canvas going away, finds the node disposed.)
        let (Some(Some(c)), Some(m)) = (
            canvas.try_get_untracked(),
            ev.dyn_ref::<web_sys::MouseEvent>(),
        ) else {
            return;
        };
        // CSS pixels to canvas pixels (they differ in presentation mode).
        let k = f64::from(c.width()) / f64::from(c.client_width().max(1));
        let (x, y) = (m.offset_x() as f64, m.offset_y() as f64);
        let kind = ev.type_();
        match (kind.as_str(), zoom) {
            ("mousemove", _) => {
                if let (Some(p), Some((x0, from))) = (zoom, drag.get()) {
                    if m.buttons() & 1 == 1 {
                        tooltip.set(None);
                        return p.pan_px(from, x0 - x * k);
                    }
                    drag.set(None);
                }
                if let Some(hit) = hit {
                    tooltip.set(hit.run((c, x * k, y * k)).map(|t| (x, y, t)));
                }
            }
            ("mouseleave", _) => {
                drag.set(None);
                tooltip.set(None);
            }
            ("mousedown", Some(p)) => {
                let w = p.window_untracked();
                drag.set(w.map(|_| (x * k, w)));
            }
            ("dblclick", Some(p)) => p.set_window(None),
            ("wheel", Some(p)) => {
                let Some(wheel) = ev.dyn_ref::<web_sys::WheelEvent>() else {
                    return;
                };
                // Deltas in pixels (a line, Firefox's unit, about 16): a mouse notch
                // zooms about 1.2×, a trackpad pinch's small steps smoothly.
                let unit = if wheel.delta_mode() == 0 { 1.0 } else { 16.0 };
                let (dx, dy) = (wheel.delta_x() * unit, wheel.delta_y() * unit);
                let w = p.window_untracked();
                if m.ctrl_key() || m.meta_key() {
                    let z = 1.0 + (dy.abs() * 0.002).min(1.0);
                    p.zoom_px(x * k, if dy < 0.0 { 1.0 / z } else { z });
                } else if w.is_some() && (m.shift_key() || dx.abs() > dy.abs()) {
                    p.pan_px(w, if dx != 0.0 { dx } else { dy } * k);
                } else {
                    return; // the page scrolls
                }
                ev.prevent_default();
            }
            _ => {}
        }
    };
    let mut on_event = Some(on_event);
    Effect::new(move |_| {
        let Some(c) = canvas.get() else { return };
        let Some(on_event) = on_event.take() else {
            return;
        };
        let f = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(on_event);
        let events: &[&str] = if zoom.is_some() {
            &["mousemove", "mouseleave", "mousedown", "dblclick", "wheel"]
        } else {
            &["mousemove", "mouseleave"]
        };
        for e in events {
            let _ = c.add_event_listener_with_callback(
                e,
                wasm_bindgen::JsCast::unchecked_ref(f.as_ref()),
            );
        }
        // The canvas owns it from now on (gone with the canvas's listeners).
        f.forget();
    });
    let title = move || {
        title.and_then(|t| t.get()).map(|name| {
            view! {
                <div class="gantt-title">
                    {swatch.map(|i| view! { <span class="swatch" style=format!("background:{}", palette::hex(palette::series_color(i)))></span> })}
                    {name}
                </div>
            }
        })
    };
    view! {
        <div class="gantt-wrap">
            {title}
            <canvas node_ref=canvas data-testid=testid class=if chart { "chart" } else { "gantt" } role="img" aria-label=aria></canvas>
            {move || tooltip.get().map(|(x, y, t)| view! {
                <div class="tooltip" style=format!("left:{}px;top:{}px", x + 14.0, y + 10.0)>{t}</div>
            })}
        </div>
    }
}
