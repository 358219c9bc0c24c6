//! The focus breadcrumb: everything › the focused node, how many hops
//! around it show (1 to 3), and the way back (the button, or Esc anywhere).
//! Shown only while there is a focus.

use sycamore::prelude::*;

use crate::lens::{Focus, MAX_HOPS};
use crate::state::AppState;

/// The crumb's words for a focus: the node's name and how much shows.
/// `label` is None when no node has the focused id (a label typed into
/// `?focus=`, or a node deleted since): the crumb says so, instead of a
/// bare "0 nodes".
pub fn focus_summary(focus: &Focus, label: Option<&str>, n_shown: usize) -> (String, String) {
    let name = match label {
        Some(label) if label != focus.node_id => format!("{label} ({})", focus.node_id),
        Some(_) => focus.node_id.clone(),
        None => return (focus.node_id.clone(), "no node has this id now (focus takes a node id)".to_owned()),
    };
    let hops = if focus.hops == 1 { "1 hop" } else { "hops" };
    let reach = if focus.hops == 1 { hops.to_owned() } else { format!("{} {hops}", focus.hops) };
    let nodes = if n_shown == 1 { "node" } else { "nodes" };
    (name, format!("{n_shown} {nodes} within {reach}"))
}

fn hops_button(state: AppState, focus: ReadSignal<Option<Focus>>, hops: u8) -> View {
    let pressed = move || focus.with(|f| f.as_ref().is_some_and(|f| f.hops == hops)).to_string();
    let handle = move |_| state.set_focus_hops(hops);
    let title = format!("Show {hops} hop{} around the focused node", if hops == 1 { "" } else { "s" });
    view! { button(class="btn btn-small btn-toggle hops", aria-pressed=pressed, on:click=handle, title=title) { (hops) } }
}

#[component]
pub fn FocusBar() -> View {
    let state = use_context::<AppState>();
    let focus = state.focus;
    let (view_cell, lens, lens_version) = (state.view.clone(), state.lens.clone(), state.lens_version);
    let words = create_memo(move || {
        lens_version.track();
        focus.with(|focus| {
            focus.as_ref().map(|focus| {
                let view = view_cell.borrow();
                let label = view.nodes.get(&focus.node_id).map(|node| node.label.as_str());
                focus_summary(focus, label, lens.borrow().nodes().len())
            })
        })
    });
    view! {
        (if let Some((name, reach)) = words.get_clone() {
            let (leave_state, all_state) = (state.clone(), state.clone());
            let hops = (1..=MAX_HOPS).map(|hops| hops_button(state.clone(), *focus, hops));
            let buttons = View::from(hops.collect::<Vec<_>>());
            view! {
                nav(class="focus-bar", aria-label="Focus", data-testid="focus-bar") {
                    ol(class="crumbs") {
                        li { button(class="link", on:click=move |_| all_state.leave_focus()) { "All nodes" } }
                        li(aria-current="location") { span(class="focus-name") { (name) } }
                    }
                    span(class="find-label") { "Hops" }
                    span(class="hops-group", role="group", aria-label="Hops around the focus") { (buttons) }
                    span(class="muted", data-testid="focus-reach") { (reach) }
                    button(class="btn btn-small", on:click=move |_| leave_state.leave_focus(), title="Show all nodes again (Esc)") {
                        "Leave focus (Esc)"
                    }
                }
            }
        } else {
            view! {}
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crumb_names_the_node_and_its_reach() {
        let check = |focus: Focus, label, n_shown, expected: (&str, &str)| {
            let (name, reach) = focus_summary(&focus, label, n_shown);
            assert_eq!((name.as_str(), reach.as_str()), expected);
        };
        check(Focus::new("n7", 1), Some("pg-7"), 4, ("pg-7 (n7)", "4 nodes within 1 hop"));
        check(Focus::new("n7", 3), Some("n7"), 1, ("n7", "1 node within 3 hops"));
        check(Focus::new("n7", 2), Some("pg-7"), 0, ("pg-7 (n7)", "0 nodes within 2 hops"));
        check(Focus::new("pg-7", 2), None, 0, ("pg-7", "no node has this id now (focus takes a node id)"));
    }
}
