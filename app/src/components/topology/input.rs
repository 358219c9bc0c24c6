//! Pointer and keys on the topology (browser only): wheel zooms, a drag
//! pans, a click selects a node or opens a group; arrows move to the
//! nearest node or group in their direction (`navigate`), Enter opens a
//! group or the selected node's details, `f` focuses, `+`/`-` zoom, Escape
//! steps back out of a group.

use std::rc::Rc;

use sycamore::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::convert::FromWasmAbi;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, KeyboardEvent, MouseEvent, WheelEvent};

use super::canvas::{fit, screen_centre, Shared, Topology};
use super::offscreen;
use crate::canvas::laid_out_box;
use crate::navigate::{nearest, Direction};
use crate::scene::boxes::thousands;
use crate::scene::{wheel_zoom_factor, Point, Reach};
use crate::state::AppState;

/// `+` and `-` zoom by this much.
const KEY_ZOOM_FACTOR: f64 = 1.4;

pub fn listen(
    canvas: &HtmlCanvasElement,
    state: AppState,
    topology: Shared,
    redraw: Rc<dyn Fn()>,
    says: Signal<String>,
) {
    // The pointer on the canvas's box, not the canvas: a stand-in picture
    // moves and scales the canvas, and the box stays where it is.
    let area = laid_out_box(canvas);
    let at = Pointer { canvas: canvas.clone(), area: area.clone() };
    let (wheel_topology, wheel_redraw, wheel_at) = (topology.clone(), redraw.clone(), at.clone());
    on(&area, "wheel", move |event: WheelEvent| {
        event.prevent_default();
        let mut topology = wheel_topology.borrow_mut();
        topology.camera.zoom_at(wheel_at.of(&event), wheel_zoom_factor(event.delta_y()));
        moved(&wheel_at.canvas, &mut topology);
        drop(topology);
        wheel_redraw();
    });
    let (down_topology, down_at) = (topology.clone(), at.clone());
    on(&area, "mousedown", move |event: MouseEvent| down_topology.borrow_mut().gesture.press(down_at.of(&event)));
    let (move_topology, move_redraw, move_at) = (topology.clone(), redraw.clone(), at.clone());
    on(&area, "mousemove", move |event: MouseEvent| {
        let mut topology = move_topology.borrow_mut();
        let Some((dx, dy)) = topology.gesture.move_to(move_at.of(&event)) else { return };
        topology.camera.pan_by(dx, dy);
        moved(&move_at.canvas, &mut topology);
        drop(topology);
        move_redraw();
    });
    let leave_topology = topology.clone();
    on(&area, "mouseleave", move |_: MouseEvent| leave_topology.borrow_mut().gesture.cancel());
    let (up_state, up_topology, up_redraw) = (state.clone(), topology.clone(), redraw.clone());
    on(&area, "mouseup", move |event: MouseEvent| {
        if !up_topology.borrow_mut().gesture.release() {
            return;
        }
        let hit = up_topology.borrow().reachable.hit(at.of(&event));
        match hit {
            Some(Reach::Node(node_id)) => up_state.select_node(Some(node_id)),
            Some(Reach::Group(group)) => open_group(&up_state, &up_topology, &group, says, &up_redraw),
            None => {}
        }
    });
    let scope = use_current_scope();
    let key_canvas = canvas.clone();
    on(canvas, "keydown", move |event: KeyboardEvent| {
        if event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        scope.run_in(|| {
            if handle_key(&event.key(), &state, &topology, says, &redraw) {
                event.prevent_default();
                offscreen::follow_camera(&key_canvas, &mut topology.borrow_mut());
            }
        });
    });
}

/// Opens a group: its nodes show as dots, and the view fits it.
fn open_group(state: &AppState, topology: &Shared, group: &str, says: Signal<String>, redraw: &Rc<dyn Fn()>) {
    let mut topology = topology.borrow_mut();
    topology.expanded.insert(group.to_owned());
    topology.cursor = None;
    if let Some(region) = topology.layout.region(group) {
        topology.camera.request_fit_to((region.x, region.y, region.x + region.width, region.y + region.height));
    }
    topology.pacer.interact();
    let n = state.lens.borrow().groups().group(group).map_or(0, |stats| stats.n_nodes);
    says.set(format!("Opened {group}: {} nodes.", thousands(n)));
    drop(topology);
    redraw();
}

/// One key on the canvas; true when it was the topology's.
fn handle_key(key: &str, state: &AppState, topology: &Shared, says: Signal<String>, redraw: &Rc<dyn Fn()>) -> bool {
    if let Some(direction) = Direction::of_key(key) {
        step(direction, state, topology, says);
    } else {
        match key {
            "Enter" | " " => enter(state, topology, says, redraw),
            "f" | "F" => {
                if let Some(node_id) = state.selected_node.get_clone_untracked() {
                    state.focus_on(node_id);
                }
            }
            "+" | "=" | "-" | "_" => {
                let factor = if matches!(key, "+" | "=") { KEY_ZOOM_FACTOR } else { 1.0 / KEY_ZOOM_FACTOR };
                let mut topology = topology.borrow_mut();
                let centre = screen_centre(&topology);
                topology.camera.zoom_at(centre, factor);
            }
            "0" => fit(&mut topology.borrow_mut(), state),
            "Escape" => {
                let mut topology = topology.borrow_mut();
                if topology.cursor.take().is_none() && !topology.expanded.is_empty() {
                    topology.expanded.clear();
                    fit(&mut topology, state);
                }
                // Not the topology's alone: the page's Esc leaves the focus too.
                topology.pacer.interact();
                drop(topology);
                redraw();
                return false;
            }
            _ => return false,
        }
    }
    topology.borrow_mut().pacer.interact();
    redraw();
    true
}

/// Where the keyboard is: its group, the selected node, or the middle.
fn here(topology: &Topology, state: &AppState) -> (Point, Option<Reach>) {
    let at = |target: Reach| topology.reachable.position(&target).map(|point| (point, Some(target)));
    let cursor = topology.cursor.clone().map(Reach::Group).and_then(at);
    let selected = || state.selected_node.get_clone_untracked().map(Reach::Node).and_then(at);
    cursor.or_else(selected).unwrap_or((screen_centre(topology), None))
}

/// An arrow: to the nearest node or group in that direction.
fn step(direction: Direction, state: &AppState, topology: &Shared, says: Signal<String>) {
    let next = {
        let topology = topology.borrow();
        let (from, current) = here(&topology, state);
        let others = topology.reachable.targets.iter().filter(|(target, _)| Some(target) != current.as_ref());
        nearest((from.x, from.y), direction, others.map(|(target, at)| (target.clone(), (at.x, at.y))))
    };
    match next {
        Some(Reach::Node(node_id)) => {
            topology.borrow_mut().cursor = None;
            state.select_node(Some(node_id));
        }
        Some(Reach::Group(group)) => {
            says.set(describe_group(state, &group));
            topology.borrow_mut().cursor = Some(group);
        }
        None => {}
    }
}

/// Enter: opens the group under the cursor, else shows the selected
/// node's details.
fn enter(state: &AppState, topology: &Shared, says: Signal<String>, redraw: &Rc<dyn Fn()>) {
    let cursor = topology.borrow().cursor.clone();
    if let Some(group) = cursor {
        open_group(state, topology, &group, says, redraw);
        return;
    }
    let details = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("node-details"));
    if let Some(details) = details.and_then(|d| d.dyn_into::<web_sys::HtmlElement>().ok()) {
        details.scroll_into_view();
        let _ = details.focus();
    }
}

/// What the live region says about a group under the cursor.
pub fn describe_group(state: &AppState, group: &str) -> String {
    let lens = state.lens.borrow();
    let Some(stats) = lens.groups().group(group) else { return format!("Group {group}.") };
    let narrowed = lens.is_narrowed();
    let (n_counted, by_status) = stats.counted(narrowed);
    let count = |slot: usize| by_status.get(slot).copied().unwrap_or(0);
    let members = if narrowed {
        format!("{} of {} nodes shown", thousands(n_counted), thousands(stats.n_nodes))
    } else {
        format!("{} nodes", thousands(n_counted))
    };
    format!(
        "Group {group}: {members}, {} in error, {} degraded. Enter opens it.",
        thousands(count(3)),
        thousands(count(2))
    )
}

fn on<E: FromWasmAbi + 'static>(target: &web_sys::EventTarget, name: &str, handler: impl FnMut(E) + 'static) {
    let closure = Closure::<dyn FnMut(E)>::new(handler);
    let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
    closure.forget();
}

/// The user moved the view: the picture follows at once (a stand-in until
/// the next is painted), and the next frame draws without waiting.
fn moved(canvas: &HtmlCanvasElement, topology: &mut Topology) {
    offscreen::follow_camera(canvas, topology);
    topology.pacer.interact();
}

/// Where the pointer is on the topology's screen: from the canvas's box as
/// laid out (`area`, `laid_out_box`), not from the canvas, which a stand-in
/// picture may have moved (its own offsets would move with it).
#[derive(Clone)]
struct Pointer {
    canvas: HtmlCanvasElement,
    area: web_sys::Element,
}

impl Pointer {
    fn of(&self, event: &MouseEvent) -> Point {
        let rect = self.area.get_bounding_client_rect();
        Point::new(f64::from(event.client_x()) - rect.left(), f64::from(event.client_y()) - rect.top())
    }
}
