//! The search box: typing an id or a label lists the nodes that match
//! (exact first, then those that start with it, then the rest, each in
//! natural order); Enter, or a click, selects the node and asks the
//! topology to centre it. A combobox, so screen readers follow the active
//! option. It searches every node, even those the filter hides (they are
//! marked so).

use shared::View as MeshView;
use sycamore::prelude::*;

use crate::filter::contains;
use crate::format::status_class;
use crate::lens::Lens;
use crate::natural::natural_cmp;
use crate::state::AppState;

/// Matches listed at most.
pub const MAX_HITS: usize = 12;

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    pub label: String,
    pub status_class: &'static str,
    /// The filter and focus show it.
    pub shown: bool,
}

/// The first `MAX_HITS` nodes matching `text`, and how many match in all.
/// Costs one pass over the nodes (on typing, not per diff).
pub fn search_nodes(view: &MeshView, lens: &Lens, text: &str) -> (Vec<Hit>, usize) {
    let word = text.trim().to_lowercase();
    if word.is_empty() {
        return (Vec::new(), 0);
    }
    let rank = |field: &str| {
        if field.eq_ignore_ascii_case(&word) || field.to_lowercase() == word {
            Some(0)
        } else if field.get(..word.len()).is_some_and(|start| start.eq_ignore_ascii_case(&word)) {
            Some(1)
        } else {
            contains(field, &word).then_some(2)
        }
    };
    let mut found: Vec<(u8, &shared::MeshNode)> = view
        .nodes
        .values()
        .filter_map(|node| rank(&node.id).into_iter().chain(rank(&node.label)).min().map(|r| (r, node)))
        .collect();
    let total = found.len();
    crate::sort::sort_by(&mut found, |(ra, a), (rb, b)| {
        ra.cmp(rb).then_with(|| natural_cmp(&a.label, &b.label)).then_with(|| natural_cmp(&a.id, &b.id))
    });
    let hits = found
        .into_iter()
        .take(MAX_HITS)
        .map(|(_, node)| Hit {
            id: node.id.clone(),
            label: node.label.clone(),
            status_class: status_class(&node.status),
            shown: !lens.is_narrowed() || lens.shows_node(&node.id),
        })
        .collect();
    (hits, total)
}

/// What the arrow keys do to the active option (wrapping around).
pub fn step_active(active: Option<usize>, n_hits: usize, down: bool) -> Option<usize> {
    if n_hits == 0 {
        return None;
    }
    Some(match (active, down) {
        (None, true) => 0,
        (None, false) => n_hits - 1,
        (Some(at), true) => (at + 1) % n_hits,
        (Some(at), false) => (at + n_hits - 1) % n_hits,
    })
}

/// One option of the list.
fn hit_view(hit: Hit, index: usize, active: Signal<Option<usize>>, pick: impl Fn(String) + 'static) -> View {
    let Hit { id, label, status_class, shown } = hit;
    let dot = format!("dot {status_class}");
    let class = move || {
        let base = if shown { "search-hit" } else { "search-hit outside" };
        if active.get() == Some(index) {
            format!("{base} active")
        } else {
            base.to_owned()
        }
    };
    let selected = move || (active.get() == Some(index)).to_string();
    let (id_text, id_attr) = (id.clone(), id.clone());
    let note = if shown { "" } else { "outside the filter" };
    // mousedown, not click: it comes before the input's blur closes the list.
    let handle_pick = move |event: web_sys::MouseEvent| {
        event.prevent_default();
        pick(id.clone());
    };
    view! {
        li(id=format!("find-hit-{index}"), class=class, role="option", aria-selected=selected,
            on:mousedown=handle_pick, data-node-id=id_attr) {
            i(class=dot) span(class="label") { (label) } span(class="muted id") { (id_text) }
            span(class="muted note") { (note) }
        }
    }
}

#[component]
pub fn SearchBox() -> View {
    let state = use_context::<AppState>();
    let text = create_signal(String::new());
    let open = create_signal(false);
    let active = create_signal(None::<usize>);
    let (view_cell, lens) = (state.view.clone(), state.lens.clone());
    let found = create_memo(move || search_nodes(&view_cell.borrow(), &lens.borrow(), &text.get_clone()));
    create_effect(move || {
        text.track();
        active.set(None);
        open.set(!text.with_untracked(|t| t.trim().is_empty()));
    });
    let pick_state = state.clone();
    let pick = move |node_id: String| {
        open.set(false);
        pick_state.reveal_node(node_id);
    };
    let handle_key = search_keys(found, open, active, pick.clone());
    let listed = move || open.get() && found.with(|(hits, _)| !hits.is_empty());
    let active_id = move || active.get().map(|at| format!("find-hit-{at}")).unwrap_or_default();
    view! {
        div(class="search", role="search") {
            label(r#for="find-search", class="find-label") { "Find" }
            input(id="find-search", class="search-input", r#type="search", placeholder="node id or label  ( / )",
                role="combobox", aria-autocomplete="list", aria-controls="find-search-list",
                aria-expanded=move || listed().to_string(), aria-activedescendant=active_id,
                autocomplete="off", bind:value=text, on:keydown=handle_key,
                on:blur=move |_| open.set(false), on:focus=move |_| open.set(!text.with(|t| t.trim().is_empty())),
                data-testid="search")
            (if listed() {
                let pick = pick.clone();
                let (hits, total) = found.get_clone();
                let more = if total > hits.len() { format!("{} more: type more to narrow", total - hits.len()) } else { String::new() };
                let items = View::from(hits.into_iter().enumerate().map(|(index, hit)| hit_view(hit, index, active, pick.clone())).collect::<Vec<_>>());
                view! {
                    ul(id="find-search-list", class="search-list", role="listbox", aria-label="Matching nodes") {
                        (items)
                        (if more.is_empty() { view! {} } else { let more = more.clone(); view! { li(class="search-more", role="presentation") { (more) } } })
                    }
                }
            } else if open.get() {
                view! { p(class="search-none", role="status") { "No node matches." } }
            } else { view! {} })
        }
    }
}

/// Arrows move through the options, Enter picks (the first when none is
/// active), Escape closes the list.
fn search_keys(
    found: ReadSignal<(Vec<Hit>, usize)>,
    open: Signal<bool>,
    active: Signal<Option<usize>>,
    pick: impl Fn(String) + 'static,
) -> impl Fn(web_sys::KeyboardEvent) + 'static {
    move |event: web_sys::KeyboardEvent| {
        let n_hits = found.with(|(hits, _)| hits.len());
        match event.key().as_str() {
            "ArrowDown" | "ArrowUp" => {
                event.prevent_default();
                open.set(true);
                active.set(step_active(active.get(), n_hits, event.key() == "ArrowDown"));
            }
            "Enter" => {
                let at = active.get().unwrap_or(0);
                if let Some(hit) = found.with(|(hits, _)| hits.get(at).cloned()) {
                    event.prevent_default();
                    pick(hit.id);
                }
            }
            "Escape" if open.get() => {
                // The list closes; Esc does not also leave the focus.
                event.stop_propagation();
                open.set(false);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use shared::{MeshNode, Status};

    use super::*;

    #[test]
    fn exact_then_prefix_then_contained_each_in_natural_order() {
        let mut view = MeshView::default();
        for (id, label) in [("n1", "api 10"), ("n2", "api 9"), ("n3", "my-api"), ("api", "gateway"), ("n4", "pg")] {
            let node =
                MeshNode { id: id.into(), kind: "svc".into(), label: label.into(), status: Status::Ok, meta: vec![] };
            view.nodes.insert(id.into(), node);
        }
        let mut lens = Lens::default();
        lens.set_query(crate::filter::parse("-label~9").expect("a query"), &view);
        lens.rebuild(&view);
        let (hits, total) = search_nodes(&view, &lens, " API ");
        let listed: Vec<(&str, bool)> = hits.iter().map(|hit| (hit.id.as_str(), hit.shown)).collect();
        assert_eq!(listed, [("api", true), ("n2", false), ("n1", true), ("n3", true)]);
        assert_eq!(total, 4);
        assert_eq!(search_nodes(&view, &lens, "  ").1, 0);
        assert_eq!(search_nodes(&view, &lens, "zzz").1, 0);
    }

    #[test]
    fn arrows_wrap_around_the_options() {
        assert_eq!(step_active(None, 3, true), Some(0));
        assert_eq!(step_active(None, 3, false), Some(2));
        assert_eq!(step_active(Some(2), 3, true), Some(0));
        assert_eq!(step_active(Some(0), 3, false), Some(2));
        assert_eq!(step_active(Some(1), 0, true), None);
    }
}
