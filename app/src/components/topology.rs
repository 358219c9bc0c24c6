//! The topology: nodes coloured by status, edges weighted by throughput and
//! coloured by error rate, on a canvas (fast at 10,000 nodes / 30,000
//! edges: one path per colour bucket). Stable layout, click to select, drag
//! to pan, wheel to zoom, fit to screen. Redraws at most once per animation
//! frame, and at most twice a second for large graphs.

use sycamore::prelude::*;

use crate::state::AppState;

/// Above this many nodes (×4 in edges), healthy edges are not drawn when
/// zoomed far out: they would only be grey noise.
pub const LARGE_GRAPH_NODES: usize = 2000;

#[component]
pub fn TopologyPanel() -> View {
    let state = use_context::<AppState>();
    let canvas_ref = create_node_ref();
    let fit_request = create_signal(0u64);
    let handle_fit = move |_| fit_request.update(|n| *n += 1);
    #[cfg(target_arch = "wasm32")]
    canvas::attach(state.clone(), canvas_ref, fit_request);
    let count = move || {
        state.nodes_version.track();
        state.edges_version.track();
        let view = state.view.borrow();
        format!("{} nodes · {} edges", view.nodes.len(), view.edges.len())
    };
    view! {
        section(class="panel panel-topology", aria-labelledby="topology-title") {
            header(class="panel-head") {
                h2(id="topology-title") { "Topology " span(class="count") { (count()) } }
                div(class="controls") {
                    button(class="btn btn-small", on:click=handle_fit, title="Fit the whole graph on screen") { "Fit" }
                }
            }
            div(class="topology-wrap") {
                canvas(r#ref=canvas_ref, data-testid="topology", role="img",
                    aria-label="Topology of the mesh; click a node to select it, drag to pan, scroll to zoom")
            }
            div(class="legend", aria-hidden="true") {
                span { i(class="dot st-ok") "ok" } span { i(class="dot st-running") "running" }
                span { i(class="dot st-degraded") "degraded" } span { i(class="dot st-error") "error" }
                span { i(class="dot st-starting") "starting" } span { i(class="dot st-idle") "idle" }
                span { i(class="dot st-stopped") "stopped" } span { i(class="dot st-unknown") "other" }
                span { "Edges: width = throughput, red = errors ≥ 5 %" }
            }
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod canvas {
    //! Canvas drawing and pointer handling (browser only).

    use std::cell::RefCell;
    use std::rc::Rc;

    use shared::{Status, View as MeshView};
    use sycamore::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, MouseEvent, WheelEvent};

    use super::LARGE_GRAPH_NODES;
    use crate::canvas::{fit_backing_store, is_dark};
    use crate::components::edges::BAD_ERROR_RATE;
    use crate::layout::{Layout, SLOT_SPACING};
    use crate::state::AppState;

    const NODE_RADIUS: f64 = 7.0;
    /// Data-driven redraws wait this many times the last draw's script
    /// cost (rasterizing the canvas costs about as much again, unmeasured).
    const DRAW_BUDGET_FACTOR: f64 = 80.0;

    #[derive(Default)]
    struct Scene {
        layout: Layout,
        /// Layout -> screen (CSS px): screen = layout * scale + offset.
        scale: f64,
        offset: (f64, f64),
        fitted: bool,
        drag: Option<(f64, f64, bool)>,
        frame_pending: bool,
        last_draw_millis: f64,
        last_draw_cost_millis: f64,
        /// A pointer moved the view: the next frame draws without waiting.
        interactive: bool,
        on_screen: bool,
        /// Something changed while the canvas was off screen.
        stale_off_screen: bool,
    }

    pub fn attach(state: AppState, canvas_ref: NodeRef, fit_request: Signal<u64>) {
        let scene = Rc::new(RefCell::new(Scene { scale: 1.0, on_screen: true, ..Scene::default() }));
        let redraw = {
            let (state, scene) = (state.clone(), scene.clone());
            Rc::new(move || schedule(&state, &scene, canvas_ref))
        };
        {
            let (state, scene, redraw) = (state.clone(), scene.clone(), redraw.clone());
            create_effect(move || {
                // Incremental: a diff costs the layout its own size.
                state.graph_change.with(|change| {
                    let mut scene = scene.borrow_mut();
                    if change.rebuilt {
                        let view = state.view.borrow();
                        scene.layout.rebuild(view.nodes.values().map(|n| (n.id.as_str(), n.kind.as_str())));
                        scene.fitted = false;
                    } else {
                        for (node_id, kind) in &change.upserted {
                            scene.layout.place(node_id, kind);
                        }
                        for node_id in &change.removed {
                            scene.layout.remove(node_id);
                        }
                    }
                });
                state.edges_version.track();
                redraw();
            });
        }
        {
            // What the user did shows at once (not subject to the data pace).
            let (state, scene, redraw) = (state.clone(), scene.clone(), redraw.clone());
            let mut fits_done = 0;
            create_effect(move || {
                state.selected_node.track();
                state.theme.track();
                let fits_asked = fit_request.get();
                let mut scene_ref = scene.borrow_mut();
                if fits_asked != fits_done {
                    fits_done = fits_asked;
                    scene_ref.fitted = false;
                }
                scene_ref.interactive = true;
                drop(scene_ref);
                redraw();
            });
        }
        on_mount(move || {
            let Some(canvas) = canvas_ref.try_get().and_then(|n| n.dyn_into::<HtmlCanvasElement>().ok()) else {
                return;
            };
            watch_visibility(&canvas, scene.clone(), redraw.clone());
            listen_pointer(&canvas, state, scene, redraw);
        });
    }

    /// Draws on the next animation frame, unless the canvas is off screen
    /// (then once it comes back). Data-driven redraws keep a gap of
    /// `DRAW_BUDGET_FACTOR` times the last draw's cost, so drawing takes at
    /// most ~1/factor of the main thread however large the graph; pointer
    /// interaction (pan, zoom, select) redraws at once.
    fn schedule(state: &AppState, scene: &Rc<RefCell<Scene>>, canvas_ref: NodeRef) {
        {
            let mut scene = scene.borrow_mut();
            if !scene.on_screen {
                scene.stale_off_screen = true;
                return;
            }
            if std::mem::replace(&mut scene.frame_pending, true) {
                return;
            }
        }
        let (state, scene) = (state.clone(), scene.clone());
        let callback = Closure::once_into_js(move |_frame_time: f64| {
            // The frame's timestamp can be long before this callback runs:
            // time the draw itself.
            let now = performance_now();
            let (since, gap, interactive) = {
                let scene = scene.borrow();
                (now - scene.last_draw_millis, scene.last_draw_cost_millis * DRAW_BUDGET_FACTOR, scene.interactive)
            };
            if !interactive && since < gap {
                scene.borrow_mut().frame_pending = false;
                let (retry_state, retry_scene) = (state.clone(), scene.clone());
                let callback = Closure::once_into_js(move || schedule(&retry_state, &retry_scene, canvas_ref));
                if let Some(window) = web_sys::window() {
                    let wait = (gap - since).max(16.0) as i32;
                    let _ =
                        window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), wait);
                }
                return;
            }
            let mut scene_ref = scene.borrow_mut();
            scene_ref.frame_pending = false;
            scene_ref.interactive = false;
            scene_ref.last_draw_millis = now;
            if let Some(canvas) = canvas_ref.try_get().and_then(|n| n.dyn_into::<HtmlCanvasElement>().ok()) {
                let selected = state.selected_node.get_clone_untracked();
                draw(&canvas, &state.view.borrow(), &mut scene_ref, selected.as_deref());
                scene_ref.last_draw_cost_millis = performance_now() - now;
                state.topology_draw_millis.set(scene_ref.last_draw_cost_millis);
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(callback.unchecked_ref());
        }
    }

    fn performance_now() -> f64 {
        web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
    }

    /// Tracks whether the canvas is on screen; redraws when it comes back
    /// after changes it missed.
    fn watch_visibility(canvas: &HtmlCanvasElement, scene: Rc<RefCell<Scene>>, redraw: Rc<dyn Fn()>) {
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let visible = entries
                .iter()
                .filter_map(|entry| entry.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                .any(|entry| entry.is_intersecting());
            let missed = {
                let mut scene = scene.borrow_mut();
                scene.on_screen = visible;
                visible && std::mem::take(&mut scene.stale_off_screen)
            };
            if missed {
                redraw();
            }
        });
        if let Ok(observer) = web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(canvas);
            std::mem::forget(observer);
        }
        callback.forget();
    }

    fn status_colour(status: &Status, dark: bool) -> &'static str {
        match (status, dark) {
            (Status::Ok, _) => "#1f9d61",
            (Status::Running, _) => "#2f7fd8",
            (Status::Degraded, _) => "#d98b06",
            (Status::Error, _) => "#d64545",
            (Status::Starting, _) => "#7a5af5",
            (Status::Stopped, _) => "#5c6370",
            (Status::Idle, _) => "#8a93a3",
            (Status::Other(_), _) => "#b05cc4",
        }
    }

    fn draw(canvas: &HtmlCanvasElement, view: &MeshView, scene: &mut Scene, selected: Option<&str>) {
        let ratio = fit_backing_store(canvas);
        let Some(ctx) =
            canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let (width, height) = (f64::from(canvas.width()) / ratio, f64::from(canvas.height()) / ratio);
        if !scene.fitted && !scene.layout.is_empty() {
            fit(scene, width, height);
        }
        let dark = is_dark();
        let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
        ctx.set_fill_style_str(if dark { "#171b23" } else { "#ffffff" });
        ctx.fill_rect(0.0, 0.0, width, height);
        let (scale, (ox, oy)) = (scene.scale, scene.offset);
        let to_screen = |(x, y): (f64, f64)| (x * scale + ox, y * scale + oy);
        let visible = |(x, y): (f64, f64)| x > -20.0 && y > -20.0 && x < width + 20.0 && y < height + 20.0;

        // Edges: 3 widths × 2 colours, one path each. Zoomed far out on a
        // big graph, healthy edges would only be grey noise: draw the bad ones.
        let buckets: [(f64, bool); 6] =
            [(0.6, false), (1.2, false), (2.2, false), (0.6, true), (1.2, true), (2.2, true)];
        let only_bad = view.edges.len() > 4 * LARGE_GRAPH_NODES && scale < 0.35;
        for (bucket_width, bad) in buckets {
            if only_bad && !bad {
                continue;
            }
            ctx.begin_path();
            let mut any = false;
            for edge in view.edges.values() {
                let stats = edge.stats.as_ref();
                let throughput = stats.and_then(|s| s.throughput).unwrap_or(0.0);
                let width_class = if throughput >= 1000.0 {
                    2.2
                } else if throughput >= 200.0 {
                    1.2
                } else {
                    0.6
                };
                let is_bad = stats.and_then(|s| s.error_rate).is_some_and(|r| r >= BAD_ERROR_RATE);
                if width_class != bucket_width || is_bad != bad {
                    continue;
                }
                let (Some(a), Some(b)) = (scene.layout.position(&edge.source), scene.layout.position(&edge.target))
                else {
                    continue;
                };
                let (a, b) = (to_screen(a), to_screen(b));
                if !visible(a) && !visible(b) {
                    continue;
                }
                ctx.move_to(a.0, a.1);
                ctx.line_to(b.0, b.1);
                any = true;
            }
            if any {
                let colour = match (bad, dark) {
                    (true, _) if only_bad => "rgba(214, 69, 69, 0.3)",
                    (true, _) => "rgba(214, 69, 69, 0.75)",
                    (false, true) => "rgba(142, 152, 168, 0.35)",
                    (false, false) => "rgba(107, 116, 131, 0.35)",
                };
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width((bucket_width * scale.sqrt()).clamp(0.4, 4.0));
                ctx.stroke();
            }
        }

        // Nodes: one path per status colour.
        let radius = (NODE_RADIUS * scale.sqrt()).clamp(1.5, 12.0);
        let mut by_colour: Vec<(&str, Vec<(f64, f64)>)> = Vec::new();
        for node in view.nodes.values() {
            let Some(position) = scene.layout.position(&node.id).map(to_screen) else { continue };
            if !visible(position) {
                continue;
            }
            let colour = status_colour(&node.status, dark);
            match by_colour.iter_mut().find(|(c, _)| *c == colour) {
                Some((_, points)) => points.push(position),
                None => by_colour.push((colour, vec![position])),
            }
        }
        for (colour, points) in &by_colour {
            ctx.begin_path();
            for (x, y) in points {
                if radius < 3.0 {
                    // At this size a square looks the same and is far cheaper.
                    ctx.rect(x - radius, y - radius, 2.0 * radius, 2.0 * radius);
                } else {
                    ctx.move_to(x + radius, *y);
                    let _ = ctx.arc(*x, *y, radius, 0.0, std::f64::consts::TAU);
                }
            }
            ctx.set_fill_style_str(colour);
            ctx.fill();
        }

        // Labels when they are legible and few.
        let shown: usize = by_colour.iter().map(|(_, p)| p.len()).sum();
        if scale >= 0.5 && shown <= 400 {
            ctx.set_font(&format!("{}px system-ui, sans-serif", (11.0 * scale.sqrt()).clamp(10.0, 14.0)));
            ctx.set_fill_style_str(if dark { "#c9d1dd" } else { "#374151" });
            for node in view.nodes.values() {
                let Some((x, y)) = scene.layout.position(&node.id).map(to_screen) else { continue };
                if visible((x, y)) {
                    let _ = ctx.fill_text(&node.label, x + radius + 4.0, y + 4.0);
                }
            }
        }

        if let Some((x, y)) = selected.and_then(|id| scene.layout.position(id)).map(to_screen) {
            ctx.begin_path();
            let _ = ctx.arc(x, y, radius + 4.0, 0.0, std::f64::consts::TAU);
            ctx.set_stroke_style_str(if dark { "#6d93ff" } else { "#3b6cf6" });
            ctx.set_line_width(2.5);
            ctx.stroke();
        }
    }

    fn fit(scene: &mut Scene, width: f64, height: f64) {
        let Some((x0, y0, x1, y1)) = scene.layout.bounds() else { return };
        let margin = 40.0;
        let (span_x, span_y) = ((x1 - x0).max(SLOT_SPACING), (y1 - y0).max(SLOT_SPACING));
        let scale = ((width - 2.0 * margin) / span_x).min((height - 2.0 * margin) / span_y).clamp(0.02, 2.0);
        scene.scale = scale;
        scene.offset =
            ((width - (x1 - x0) * scale) / 2.0 - x0 * scale, (height - (y1 - y0) * scale) / 2.0 - y0 * scale);
        scene.fitted = true;
    }

    fn listen_pointer(canvas: &HtmlCanvasElement, state: AppState, scene: Rc<RefCell<Scene>>, redraw: Rc<dyn Fn()>) {
        let on_wheel = {
            let (scene, redraw) = (scene.clone(), redraw.clone());
            Closure::<dyn FnMut(WheelEvent)>::new(move |event: WheelEvent| {
                event.prevent_default();
                let factor = (-event.delta_y() * 0.0015).exp();
                let mut scene = scene.borrow_mut();
                let (mx, my) = (f64::from(event.offset_x()), f64::from(event.offset_y()));
                let new_scale = (scene.scale * factor).clamp(0.02, 8.0);
                let applied = new_scale / scene.scale;
                scene.offset = (mx - (mx - scene.offset.0) * applied, my - (my - scene.offset.1) * applied);
                scene.scale = new_scale;
                scene.fitted = true;
                scene.interactive = true;
                drop(scene);
                redraw();
            })
        };
        let on_down = {
            let scene = scene.clone();
            Closure::<dyn FnMut(MouseEvent)>::new(move |event: MouseEvent| {
                scene.borrow_mut().drag = Some((f64::from(event.offset_x()), f64::from(event.offset_y()), false));
            })
        };
        let on_move = {
            let (scene, redraw) = (scene.clone(), redraw.clone());
            Closure::<dyn FnMut(MouseEvent)>::new(move |event: MouseEvent| {
                let mut scene = scene.borrow_mut();
                let Some((x, y, _)) = scene.drag else { return };
                let (nx, ny) = (f64::from(event.offset_x()), f64::from(event.offset_y()));
                if (nx - x).abs() + (ny - y).abs() < 3.0 {
                    return;
                }
                scene.offset = (scene.offset.0 + nx - x, scene.offset.1 + ny - y);
                scene.drag = Some((nx, ny, true));
                scene.fitted = true;
                scene.interactive = true;
                drop(scene);
                redraw();
            })
        };
        let on_up = {
            let scene = scene.clone();
            Closure::<dyn FnMut(MouseEvent)>::new(move |event: MouseEvent| {
                // A click is a press and release without a drag in between.
                let drag = scene.borrow_mut().drag.take();
                if !matches!(drag, Some((_, _, false))) {
                    return;
                }
                let picked = pick(&scene.borrow(), &state, f64::from(event.offset_x()), f64::from(event.offset_y()));
                if picked.is_some() {
                    state.select_node(picked);
                }
            })
        };
        let listen = |name: &str, callback: &wasm_bindgen::JsValue| {
            let _ = canvas.add_event_listener_with_callback(name, callback.unchecked_ref());
        };
        listen("wheel", on_wheel.as_ref());
        listen("mousedown", on_down.as_ref());
        listen("mousemove", on_move.as_ref());
        listen("mouseup", on_up.as_ref());
        listen("mouseleave", on_up.as_ref());
        on_wheel.forget();
        on_down.forget();
        on_move.forget();
        on_up.forget();
    }

    /// The node nearest to a click, within a few pixels of its dot.
    fn pick(scene: &Scene, state: &AppState, x: f64, y: f64) -> Option<String> {
        let view = state.view.borrow();
        let reach = (NODE_RADIUS * scene.scale.sqrt()).clamp(1.5, 12.0) + 6.0;
        view.nodes
            .keys()
            .filter_map(|id| {
                let (nx, ny) = scene.layout.position(id)?;
                let (sx, sy) = (nx * scene.scale + scene.offset.0, ny * scene.scale + scene.offset.1);
                let distance = ((sx - x).powi(2) + (sy - y).powi(2)).sqrt();
                (distance <= reach).then(|| (distance, id.clone()))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, id)| id)
    }
}
