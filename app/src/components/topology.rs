//! The topology: nodes coloured by status, edges weighted by throughput and
//! coloured by error rate, on a canvas (fast at 10,000 nodes / 30,000
//! edges: one path per bucket). Stable layout, click to select, drag to
//! pan, wheel to zoom, fit to screen. What is drawn, where and when is
//! decided by the pure `scene`; the glue here paints its draw list and
//! forwards pointer events to it.

use sycamore::prelude::*;

use crate::components::scene::Tone;
use crate::state::AppState;

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
            Legend()
        }
    }
}

/// What the colours mean: the same classes (and so the same stylesheet
/// colours) as the tables' status dots, and the canvas reads them too.
#[component]
pub fn Legend() -> View {
    let tones = View::from(Vec::from(Tone::ALL.map(|tone| {
        let class = format!("dot {}", tone.class());
        view! { span { i(class=class) (tone.legend_label()) } }
    })));
    view! {
        div(class="legend", aria-hidden="true") {
            (tones)
            span { "Edges: width = throughput, red = errors ≥ 5 %" }
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod canvas {
    //! The canvas glue (browser only): keeps the layout in step with the
    //! diffs, asks the scene when and what to draw, paints it, and hands
    //! pointer events to the scene's gesture, camera and picking.

    use std::cell::RefCell;
    use std::rc::Rc;

    use sycamore::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::convert::FromWasmAbi;
    use wasm_bindgen::JsCast;
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, MouseEvent, WheelEvent};

    use crate::canvas::{fit_backing_store, ThemeColours};
    use crate::components::scene::detail::Shape;
    use crate::components::scene::{
        pick, placed, wheel_zoom_factor, Camera, DrawList, Gesture, Ink, OnFrame, Pacer, Point, Size,
    };
    use crate::layout::Layout;
    use crate::state::AppState;

    /// What the topology keeps between frames.
    #[derive(Default)]
    struct Topology {
        layout: Layout,
        camera: Camera,
        gesture: Gesture,
        pacer: Pacer,
    }

    type Shared = Rc<RefCell<Topology>>;

    pub fn attach(state: AppState, canvas_ref: NodeRef, fit_request: Signal<u64>) {
        let topology: Shared = Rc::default();
        let redraw: Rc<dyn Fn()> = {
            let (state, topology) = (state.clone(), topology.clone());
            Rc::new(move || schedule(&state, &topology, canvas_ref))
        };
        follow_the_graph(state.clone(), topology.clone(), redraw.clone());
        follow_the_user(state.clone(), topology.clone(), redraw.clone(), fit_request);
        on_mount(move || {
            let Some(canvas) = canvas_of(canvas_ref) else { return };
            watch_visibility(&canvas, topology.clone(), redraw.clone());
            listen_pointer(&canvas, state, topology, redraw);
        });
    }

    /// Keeps the layout in step with each diff (costing the diff's size),
    /// then redraws at the data's pace.
    fn follow_the_graph(state: AppState, topology: Shared, redraw: Rc<dyn Fn()>) {
        create_effect(move || {
            state.graph_change.with(|change| {
                let mut topology = topology.borrow_mut();
                if change.rebuilt {
                    let view = state.view.borrow();
                    topology.layout.rebuild(view.nodes.values().map(|n| (n.id.as_str(), n.kind.as_str())));
                    topology.camera.request_fit();
                } else {
                    for (node_id, kind) in &change.upserted {
                        topology.layout.place(node_id, kind);
                    }
                    for node_id in &change.removed {
                        topology.layout.remove(node_id);
                    }
                }
            });
            state.edges_version.track();
            redraw();
        });
    }

    /// What the user did (select, theme, Fit) shows at once.
    fn follow_the_user(state: AppState, topology: Shared, redraw: Rc<dyn Fn()>, fit_request: Signal<u64>) {
        let mut fits_done = 0;
        create_effect(move || {
            state.selected_node.track();
            state.theme.track();
            let fits_asked = fit_request.get();
            let mut topology = topology.borrow_mut();
            if fits_asked != fits_done {
                fits_done = fits_asked;
                topology.camera.request_fit();
            }
            topology.pacer.interact();
            drop(topology);
            redraw();
        });
    }

    /// Draws on an animation frame when the pacer allows, or retries later.
    fn schedule(state: &AppState, topology: &Shared, canvas_ref: NodeRef) {
        if !topology.borrow_mut().pacer.request() {
            return;
        }
        let (state, topology) = (state.clone(), topology.clone());
        let callback = Closure::once_into_js(move |_frame_time: f64| {
            // The frame's timestamp can be long before this callback runs:
            // time the draw itself.
            let now = performance_now();
            let on_frame = topology.borrow_mut().pacer.on_frame(now);
            match on_frame {
                OnFrame::RetryAfterMillis(wait) => {
                    let retry = Closure::once_into_js(move || schedule(&state, &topology, canvas_ref));
                    if let Some(window) = web_sys::window() {
                        let wait = wait as i32;
                        let _ =
                            window.set_timeout_with_callback_and_timeout_and_arguments_0(retry.unchecked_ref(), wait);
                    }
                }
                OnFrame::Draw => {
                    let Some(canvas) = canvas_of(canvas_ref) else { return };
                    let mut topology = topology.borrow_mut();
                    draw(&canvas, &state, &mut topology);
                    let cost = performance_now() - now;
                    topology.pacer.drawn(cost);
                    state.topology_draw_millis.set(cost);
                }
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(callback.unchecked_ref());
        }
    }

    fn draw(canvas: &HtmlCanvasElement, state: &AppState, topology: &mut Topology) {
        let ratio = fit_backing_store(canvas);
        let Some(ctx) =
            canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let size = Size { width: f64::from(canvas.width()) / ratio, height: f64::from(canvas.height()) / ratio };
        topology.camera.settle(&topology.layout, size);
        let view = state.view.borrow();
        let selected = state.selected_node.get_clone_untracked();
        let list = DrawList::build(&view, &topology.layout, topology.camera.viewport(), size, selected.as_deref());
        let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
        paint(&ctx, &list, size, &ThemeColours::of(canvas));
    }

    /// Paints the draw list: one path per bucket, in its order.
    fn paint(ctx: &CanvasRenderingContext2d, list: &DrawList, size: Size, colours: &ThemeColours) {
        let colour = |ink: Ink| colours.get(ink.css_property());
        ctx.set_global_alpha(1.0);
        ctx.set_fill_style_str(&colour(Ink::Background));
        ctx.fill_rect(0.0, 0.0, size.width, size.height);
        for bucket in &list.edges {
            ctx.begin_path();
            for (a, b) in &bucket.segments {
                ctx.move_to(a.x, a.y);
                ctx.line_to(b.x, b.y);
            }
            ctx.set_global_alpha(bucket.alpha);
            ctx.set_stroke_style_str(&colour(bucket.ink));
            ctx.set_line_width(bucket.width_px);
            ctx.stroke();
        }
        ctx.set_global_alpha(1.0);
        let radius = list.detail.node_radius_px;
        for bucket in &list.nodes {
            ctx.begin_path();
            for centre in &bucket.centres {
                if list.detail.shape == Shape::Square {
                    ctx.rect(centre.x - radius, centre.y - radius, 2.0 * radius, 2.0 * radius);
                } else {
                    ctx.move_to(centre.x + radius, centre.y);
                    let _ = ctx.arc(centre.x, centre.y, radius, 0.0, std::f64::consts::TAU);
                }
            }
            ctx.set_fill_style_str(&colour(Ink::Status(bucket.tone)));
            ctx.fill();
        }
        if !list.labels.is_empty() {
            ctx.set_font(&format!("{}px system-ui, sans-serif", list.label_font_px));
            ctx.set_fill_style_str(&colour(Ink::Label));
            for label in &list.labels {
                let _ = ctx.fill_text(label.text, label.at.x, label.at.y);
            }
        }
        if let Some(ring) = &list.selection {
            ctx.begin_path();
            let _ = ctx.arc(ring.centre.x, ring.centre.y, ring.radius_px, 0.0, std::f64::consts::TAU);
            ctx.set_stroke_style_str(&colour(Ink::Selection));
            ctx.set_line_width(ring.width_px);
            ctx.stroke();
        }
    }

    /// Tells the pacer whether the canvas is on screen; redraws when it
    /// comes back after changes it missed.
    fn watch_visibility(canvas: &HtmlCanvasElement, topology: Shared, redraw: Rc<dyn Fn()>) {
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let visible = entries
                .iter()
                .filter_map(|entry| entry.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
                .any(|entry| entry.is_intersecting());
            let missed = topology.borrow_mut().pacer.set_on_screen(visible);
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

    fn listen_pointer(canvas: &HtmlCanvasElement, state: AppState, topology: Shared, redraw: Rc<dyn Fn()>) {
        let (wheel_topology, wheel_redraw) = (topology.clone(), redraw.clone());
        listen(canvas, "wheel", move |event: WheelEvent| {
            event.prevent_default();
            let mut topology = wheel_topology.borrow_mut();
            topology.camera.zoom_at(offset_of(&event), wheel_zoom_factor(event.delta_y()));
            topology.pacer.interact();
            drop(topology);
            wheel_redraw();
        });
        let down_topology = topology.clone();
        listen(canvas, "mousedown", move |event: MouseEvent| {
            down_topology.borrow_mut().gesture.press(offset_of(&event));
        });
        let move_topology = topology.clone();
        listen(canvas, "mousemove", move |event: MouseEvent| {
            let mut topology = move_topology.borrow_mut();
            let Some((dx, dy)) = topology.gesture.move_to(offset_of(&event)) else { return };
            topology.camera.pan_by(dx, dy);
            topology.pacer.interact();
            drop(topology);
            redraw();
        });
        let leave_topology = topology.clone();
        listen(canvas, "mouseleave", move |_: MouseEvent| leave_topology.borrow_mut().gesture.cancel());
        listen(canvas, "mouseup", move |event: MouseEvent| {
            if !topology.borrow_mut().gesture.release() {
                return;
            }
            let picked = {
                let (view, topology) = (state.view.borrow(), topology.borrow());
                let nodes = placed(&view, &topology.layout).map(|(node, at)| (node.id.as_str(), at));
                pick(nodes, topology.camera.viewport(), offset_of(&event)).map(str::to_owned)
            };
            // Selecting redraws (through the effect), so no borrow is held here.
            if picked.is_some() {
                state.select_node(picked);
            }
        });
    }

    fn listen<E: FromWasmAbi + 'static>(canvas: &HtmlCanvasElement, name: &str, handler: impl FnMut(E) + 'static) {
        let closure = Closure::<dyn FnMut(E)>::new(handler);
        let _ = canvas.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        closure.forget();
    }

    fn offset_of(event: &MouseEvent) -> Point {
        Point::new(f64::from(event.offset_x()), f64::from(event.offset_y()))
    }

    fn canvas_of(canvas_ref: NodeRef) -> Option<HtmlCanvasElement> {
        canvas_ref.try_get().and_then(|node| node.dyn_into::<HtmlCanvasElement>().ok())
    }

    fn performance_now() -> f64 {
        web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_names_every_status_in_its_colour_and_the_edges() {
        let rendered = sycamore::web::render_to_string(|| view! { Legend() });
        // Without the hydration marks: the markup as a browser shows it.
        let html = rendered.split(" data-hk=\"").enumerate().fold(String::new(), |mut html, (index, part)| {
            html.push_str(if index == 0 { part } else { part.split_once('"').map_or(part, |(_, rest)| rest) });
            html
        });
        let html = html.replace("<!--/-->", "");
        let expected = [
            ("st-ok", "ok"),
            ("st-running", "running"),
            ("st-degraded", "degraded"),
            ("st-error", "error"),
            ("st-starting", "starting"),
            ("st-idle", "idle"),
            ("st-stopped", "stopped"),
            ("st-unknown", "other"),
        ];
        let mut rest = html.as_str();
        for (class, word) in expected {
            let item = format!("<span><i class=\"dot {class}\"></i>{word}</span>");
            let Some(at) = rest.find(&item) else { panic!("{item} not (in order) in {html}") };
            rest = rest.get(at + item.len()..).unwrap_or_default();
        }
        assert!(rest.contains("Edges: width = throughput, red = errors ≥ 5 %"), "{html}");
    }
}
