//! The canvas glue (browser only): keeps the layout in step with the diffs
//! and the grouping, moves the camera for Fit, a focus and a search, asks
//! the pacer when to draw, builds the scene's draw list and has the paint
//! worker paint it (`offscreen`), or paints it on the page where the
//! browser has no `OffscreenCanvas`.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use sycamore::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::offscreen::{self, Answer, PaintWorker};
use super::render_timer::RenderTimer;
use super::{input, paint};
use crate::browser::now_millis;
use crate::canvas::{device_pixel_ratio, fit_backing_store_of, laid_out_box, ThemeColours};
use crate::layout::Layout;
use crate::lens::{GroupBy, Lens};
use crate::scene::ink::Palette;
use crate::scene::paint_frame;
use crate::scene::{Camera, DrawList, Frame, Gesture, OnFrame, Pacer, Point, Reachable, Size, StandIn, Viewport};
use crate::state::AppState;

/// A search result is shown at least this close.
const REVEAL_SCALE: f64 = 1.0;

/// What the topology keeps between frames.
pub struct Topology {
    pub layout: Layout,
    pub camera: Camera,
    pub gesture: Gesture,
    pub pacer: Pacer,
    /// Groups the user opened.
    pub expanded: BTreeSet<String>,
    /// The group the keyboard is on.
    pub cursor: Option<String>,
    /// What the last frame drew that can be clicked or reached by keys.
    pub reachable: Reachable,
    /// The canvas's last width ÷ height.
    pub aspect: f64,
    pub size: Size,
    /// Times the browser's rendering of each draw's frame (for the pacer),
    /// when the page paints.
    pub render_timer: Option<RenderTimer>,
    /// Paints the frames off the main thread, where the browser can.
    pub paint_worker: Option<PaintWorker>,
    /// The viewport of the frame the paint worker is painting, and of the
    /// picture on the canvas; how that picture is moved to stand in for
    /// the camera's view until the next comes (`scene::stand_in`).
    pub painting: Option<Viewport>,
    pub shown: Option<Viewport>,
    pub stand_in: StandIn,
}

impl Default for Topology {
    fn default() -> Self {
        Topology {
            layout: Layout::default(),
            camera: Camera::default(),
            gesture: Gesture::default(),
            pacer: Pacer::default(),
            expanded: BTreeSet::new(),
            cursor: None,
            reachable: Reachable::default(),
            aspect: 3.0,
            size: Size::default(),
            render_timer: None,
            paint_worker: None,
            painting: None,
            shown: None,
            stand_in: StandIn::STILL,
        }
    }
}

pub type Shared = Rc<RefCell<Topology>>;

pub fn attach(state: AppState, canvas_ref: NodeRef, fit_request: Signal<u64>, says: Signal<String>) {
    let topology: Shared = Rc::default();
    let worker = start_paint_worker(&state, &topology, canvas_ref);
    let timer = if worker.is_some() { None } else { RenderTimer::new(&topology, state.topology_render_millis.clone()) };
    (topology.borrow_mut().paint_worker, topology.borrow_mut().render_timer) = (worker, timer);
    let redraw: Rc<dyn Fn()> = {
        let (state, topology) = (state.clone(), topology.clone());
        Rc::new(move || schedule(&state, &topology, canvas_ref))
    };
    follow_the_graph(state.clone(), topology.clone(), redraw.clone());
    follow_the_user(state.clone(), topology.clone(), redraw.clone(), fit_request);
    follow_the_lens(state.clone(), topology.clone(), redraw.clone());
    on_mount(move || {
        let Some(canvas) = canvas_of(canvas_ref) else { return };
        watch_visibility(&canvas, topology.clone(), redraw.clone());
        input::listen(&canvas, state, topology, redraw, says);
    });
}

/// The paint worker, showing each picture it sends back; its painting
/// counts for the pacer as the page's rendering would.
fn start_paint_worker(state: &AppState, topology: &Shared, canvas_ref: NodeRef) -> Option<PaintWorker> {
    let (state, weak) = (state.clone(), Rc::downgrade(topology));
    PaintWorker::start(move |answer| {
        let Some(topology) = weak.upgrade() else { return };
        if let Answer::Failed = answer {
            // The page paints from now on, paced by its own rendering.
            let timer = RenderTimer::new(&topology, state.topology_render_millis.clone());
            let worker = std::mem::take(&mut topology.borrow_mut().paint_worker);
            topology.borrow_mut().render_timer = timer;
            // Not dropped inside its own error handler: after it returns.
            wasm_bindgen_futures::spawn_local(async move { drop(worker) });
            topology.borrow_mut().pacer.interact();
            return schedule(&state, &topology, canvas_ref);
        }
        if let Answer::Painted(picture, millis) = &answer {
            if let (Some(picture), Some(canvas)) = (picture.as_ref(), canvas_of(canvas_ref)) {
                offscreen::show(&canvas, picture);
                let mut topology = topology.borrow_mut();
                topology.shown = topology.painting.take();
                offscreen::follow_camera(&canvas, &mut topology);
            }
            state.topology_render_millis.set(*millis);
            topology.borrow_mut().pacer.rendered(*millis);
        }
        let again = topology.borrow_mut().paint_worker.as_mut().is_some_and(PaintWorker::answered);
        if again {
            topology.borrow_mut().pacer.interact();
            schedule(&state, &topology, canvas_ref);
        }
    })
}

/// Lays the nodes out afresh in their groups, as the lens has them.
fn reform_layout(topology: &mut Topology, state: &AppState) {
    let (view, lens) = (state.view.borrow(), state.lens.borrow());
    let groups = lens.groups();
    let nodes = view.nodes.keys().filter_map(|id| Some((id.as_str(), groups.group_of(id)?)));
    topology.layout.rebuild(nodes, topology.aspect);
}

/// A new graph or grouping: a fresh layout, seen whole (or the focus).
fn rebuild_layout(topology: &mut Topology, state: &AppState) {
    reform_layout(topology, state);
    topology.expanded.clear();
    topology.cursor = None;
    fit(topology, state);
}

/// Keeps the layout in step with each diff (costing the diff's size) and
/// with the grouping, then redraws at the data's pace.
fn follow_the_graph(state: AppState, topology: Shared, redraw: Rc<dyn Fn()>) {
    let mut grouped_by: Option<GroupBy> = None;
    create_effect(move || {
        let by = state.group_by.get_clone();
        state.graph_change.with(|change| {
            let mut topology = topology.borrow_mut();
            if change.moved {
                // The user moved in time: show that moment without waiting.
                topology.pacer.interact();
            }
            if change.rebuilt || grouped_by.as_ref() != Some(&by) {
                rebuild_layout(&mut topology, &state);
                return;
            }
            let lens = state.lens.borrow();
            for (node_id, _) in &change.upserted {
                if let Some(group) = lens.groups().group_of(node_id) {
                    topology.layout.place(node_id, group);
                }
            }
            for node_id in &change.removed {
                topology.layout.remove(node_id);
            }
            // A large snapshot arrives over several diffs: regions sized
            // for its first part are formed again (the view follows).
            if topology.layout.outgrown() {
                drop(lens);
                reform_layout(&mut topology, &state);
            }
        });
        grouped_by = Some(by);
        state.edges_version.track();
        redraw();
    });
}

/// The bounds of what the lens shows (the focus), in layout units.
fn shown_bounds(lens: &Lens, layout: &Layout) -> Option<(f64, f64, f64, f64)> {
    lens.nodes().ids().filter_map(|id| layout.position(id)).fold(None, |bounds, (x, y)| {
        Some(match bounds {
            None => (x, y, x, y),
            Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
        })
    })
}

/// Fits what the Fit button means now: the focus, or everything.
pub fn fit(topology: &mut Topology, state: &AppState) {
    let focused = state.focus.with_untracked(Option::is_some);
    match shown_bounds(&state.lens.borrow(), &topology.layout).filter(|_| focused) {
        Some(bounds) => topology.camera.request_fit_to(bounds),
        None => {
            topology.expanded.clear();
            topology.camera.request_fit();
        }
    }
}

/// What the user did (select, theme, Fit, focus, search) shows at once.
fn follow_the_user(state: AppState, topology: Shared, redraw: Rc<dyn Fn()>, fit_request: Signal<u64>) {
    let (mut fits_done, mut reveals_done) = (fit_request.get_untracked(), state.reveal_request.get_untracked());
    let mut focused = state.focus.get_clone_untracked();
    create_effect(move || {
        state.selected_node.track();
        state.theme.track();
        let (fits_asked, reveals_asked, focus) =
            (fit_request.get(), state.reveal_request.get(), state.focus.get_clone());
        let mut topology = topology.borrow_mut();
        if fits_asked != fits_done || focus != focused {
            (fits_done, focused) = (fits_asked, focus);
            fit(&mut topology, &state);
        }
        if reveals_asked != reveals_done {
            reveals_done = reveals_asked;
            reveal(&mut topology, &state);
        }
        topology.pacer.interact();
        drop(topology);
        redraw();
    });
}

/// Opens the selected node's group and centres the node (search's Enter).
fn reveal(topology: &mut Topology, state: &AppState) {
    let Some(node_id) = state.selected_node.get_clone_untracked() else { return };
    if let Some(group) = topology.layout.group_of(&node_id).map(str::to_owned) {
        topology.expanded.insert(group);
    }
    if let Some(world) = topology.layout.position(&node_id) {
        topology.camera.request_centre(world.into(), REVEAL_SCALE);
    }
}

/// A new filter redraws at once (what the diffs change is redrawn at the
/// data's pace, through the graph's effect).
fn follow_the_lens(state: AppState, topology: Shared, redraw: Rc<dyn Fn()>) {
    create_effect(move || {
        state.filter.track();
        state.filter_error.track();
        topology.borrow_mut().pacer.interact();
        redraw();
    });
}

/// Draws on an animation frame when the pacer allows, or retries later.
pub fn schedule(state: &AppState, topology: &Shared, canvas_ref: NodeRef) {
    if topology.borrow_mut().pacer.request() {
        ask_for_frame(state.clone(), topology.clone(), canvas_ref);
    }
}

/// The animation frame that draws, or postpones the draw on a timer.
fn ask_for_frame(state: AppState, topology: Shared, canvas_ref: NodeRef) {
    let callback = Closure::once_into_js(move |_frame_time: f64| {
        // The frame's timestamp can be long before this callback runs:
        // time the draw itself.
        let now = now_millis();
        let on_frame = topology.borrow_mut().pacer.on_frame(now);
        match on_frame {
            OnFrame::RetryAfterMillis(wait) => {
                let retry = Closure::once_into_js(move || {
                    if topology.borrow_mut().pacer.retry_due() {
                        ask_for_frame(state, topology, canvas_ref);
                    }
                });
                if let Some(window) = web_sys::window() {
                    let wait = wait as i32;
                    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(retry.unchecked_ref(), wait);
                }
            }
            OnFrame::Draw => {
                let Some(canvas) = canvas_of(canvas_ref) else { return };
                let mut topology = topology.borrow_mut();
                let drawn = draw(&canvas, &state, &mut topology);
                if drawn == Drawn::Waiting {
                    return;
                }
                let drawn_at = now_millis();
                let cost = drawn_at - now;
                topology.pacer.drawn(cost);
                state.topology_draw_millis.set(cost);
                if let (Drawn::OnPage, Some(timer)) = (drawn, &topology.render_timer) {
                    timer.start(drawn_at);
                }
            }
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(callback.unchecked_ref());
    }
}

/// What a draw did.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Drawn {
    OnPage,
    SentToWorker,
    /// The worker is still painting the last frame: this one is drawn
    /// when that is back.
    Waiting,
}

fn draw(canvas: &HtmlCanvasElement, state: &AppState, topology: &mut Topology) -> Drawn {
    if topology.paint_worker.as_mut().is_some_and(PaintWorker::is_busy) {
        return Drawn::Waiting;
    }
    // Measured by its box: the canvas itself may be moved by a stand-in.
    let ratio = fit_backing_store_of(canvas, &laid_out_box(canvas), device_pixel_ratio());
    let size = Size { width: f64::from(canvas.width()) / ratio, height: f64::from(canvas.height()) / ratio };
    if size.width > 0.0 && size.height > 0.0 {
        topology.aspect = size.width / size.height;
        if topology.layout.fit_aspect(topology.aspect) {
            fit(topology, state);
        }
    }
    topology.size = size;
    topology.camera.settle(&topology.layout, size);
    let (view, lens) = (state.view.borrow(), state.lens.borrow());
    let selected = state.selected_node.get_clone_untracked();
    let viewport = *topology.camera.viewport();
    let frame = Frame {
        view: &view,
        layout: &topology.layout,
        lens: &lens,
        viewport: &viewport,
        screen: size,
        selected: selected.as_deref(),
        expanded: &topology.expanded,
        cursor: topology.cursor.as_deref(),
    };
    let list = DrawList::build(&frame);
    let colours = ThemeColours::of(canvas);
    let palette = Palette::read(|property| colours.get(property));
    let drawn = match topology.paint_worker.as_mut() {
        Some(worker) => {
            worker.send(&paint_frame::encode(canvas.width(), canvas.height(), ratio, &palette, &list));
            topology.painting = Some(viewport);
            Drawn::SentToWorker
        }
        None => {
            let context = canvas.get_context("2d").ok().flatten();
            if let Some(ctx) = context.and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok()) {
                let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
                paint::paint(&ctx, &list, size, &palette);
                offscreen::say_painted_by(canvas, "page");
            }
            Drawn::OnPage
        }
    };
    topology.reachable = Reachable::of(&list, viewport.scale);
    if drawn == Drawn::OnPage {
        topology.shown = Some(viewport);
        offscreen::follow_camera(canvas, topology);
    }
    drawn
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

pub fn canvas_of(canvas_ref: NodeRef) -> Option<HtmlCanvasElement> {
    canvas_ref.try_get().and_then(|node| node.dyn_into::<HtmlCanvasElement>().ok())
}

/// The screen centre of the canvas (for keys that act there).
pub fn screen_centre(topology: &Topology) -> Point {
    Point::new(topology.size.width / 2.0, topology.size.height / 2.0)
}
