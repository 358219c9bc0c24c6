//! The topology: nodes coloured by status, edges weighted by throughput and
//! coloured by error rate, on a canvas; above a few hundred nodes on
//! screen, groups (by kind or a `meta` key) as boxes with their counts,
//! status histograms and unhealthy members, joined by one line per pair.
//! The filter dims or hides, a focus fades the rest; Fit, search and the
//! keyboard move the view. What is drawn, where and when is decided by the
//! pure `scene` and `layout`; the glue (`topology/`) paints the draw list
//! and forwards pointer and key events.

#[cfg(target_arch = "wasm32")]
mod canvas;
#[cfg(target_arch = "wasm32")]
mod input;
#[cfg(target_arch = "wasm32")]
mod offscreen;
#[cfg(target_arch = "wasm32")]
pub mod paint;
#[cfg(target_arch = "wasm32")]
mod render_timer;

use shared::View as MeshView;
use sycamore::prelude::*;

use crate::lens::GroupBy;
use crate::natural::natural_cmp;
use crate::scene::Tone;
use crate::state::AppState;

/// Nodes sampled for the `meta` keys offered to group by.
const META_KEY_SAMPLE: usize = 500;

/// The `meta` keys of the first nodes, with the one grouped by (a link
/// may name a key the first nodes lack), naturally sorted: what the
/// topology can group by besides kind.
pub fn meta_keys(view: &MeshView, grouped_by: &GroupBy) -> Vec<String> {
    let mut keys: Vec<String> = match grouped_by {
        GroupBy::Meta(key) => vec![key.clone()],
        GroupBy::Kind => Vec::new(),
    };
    for node in view.nodes.values().take(META_KEY_SAMPLE) {
        for entry in &node.meta {
            if !keys.contains(&entry.key) {
                keys.push(entry.key.clone());
            }
        }
    }
    crate::sort::sort_by(&mut keys, |a, b| natural_cmp(a, b));
    keys
}

/// The group-by control: kind, or a `meta` key of the mesh.
fn group_by_select(state: &AppState) -> View {
    let group_by = state.group_by;
    let opened = group_by.get_clone_untracked().name();
    let choice = create_signal(opened.clone());
    let select_state = state.clone();
    create_effect(move || select_state.set_group_by(GroupBy::parse(&choice.get_clone()).unwrap_or_default()));
    super::follow_state(choice, Box::new(move || group_by.with(GroupBy::name)));
    // Read again only when a new graph came (not on every diff). The key
    // a link opened with is offered from the start: the control shows it
    // before the first nodes come.
    let (view_cell, graph_change) = (state.view.clone(), state.graph_change);
    let keys = create_signal(meta_keys(&MeshView::default(), &group_by.get_clone_untracked()));
    create_effect(move || {
        if graph_change.with(|change| change.rebuilt) {
            let found = meta_keys(&view_cell.borrow(), &group_by.get_clone_untracked());
            if keys.with_untracked(|held| *held != found) {
                keys.set(found);
            }
        }
    });
    // The option the page opened with is marked: the control's value is
    // set before its options exist.
    view! {
        select(aria-label="Group the topology by", bind:value=choice, data-testid="group-by") {
            option(value="kind") { "Group: kind" }
            Keyed(
                list=keys,
                view=move |key| {
                    let value = GroupBy::Meta(key.clone()).name();
                    let selected = value == opened;
                    view! { option(value=value, selected=selected) { "Group: " (key) } }
                },
                key=|key| key.clone(),
            )
        }
    }
}

#[component]
pub fn TopologyPanel() -> View {
    let state = use_context::<AppState>();
    let canvas_ref = create_node_ref();
    let fit_request = create_signal(0u64);
    let says = create_signal(String::new());
    let handle_fit = move |_| fit_request.update(|n| *n += 1);
    #[cfg(target_arch = "wasm32")]
    canvas::attach(state.clone(), canvas_ref, fit_request, says);
    let (nodes_version, edges_version, view_cell) = (state.nodes_version, state.edges_version, state.view.clone());
    let count = move || {
        nodes_version.track();
        edges_version.track();
        let view = view_cell.borrow();
        format!("{} nodes · {} edges", view.nodes.len(), view.edges.len())
    };
    let focus = state.focus;
    let fit_title = move || {
        if focus.with(Option::is_some) {
            "Fit the focus on screen"
        } else {
            "Fit the whole graph on screen"
        }
    };
    let group_by = group_by_select(&state);
    let picture_state = state.clone();
    let handle_picture = move |_| crate::components::save_picture(&picture_state, canvas_ref, "topology");
    view! {
        section(class="panel panel-topology", aria-labelledby="topology-title") {
            header(class="panel-head") {
                h2(id="topology-title") { "Topology " span(class="count") { (count) } }
                div(class="controls") {
                    (group_by)
                    button(class="btn btn-small", on:click=handle_fit, title=fit_title, data-testid="fit") { "Fit" }
                    button(class="btn btn-small", on:click=handle_picture, data-testid="topology-png",
                        title="Save the topology as shown as a PNG, with project, time and filter") { "PNG" }
                }
            }
            div(class="topology-wrap") {
                canvas(r#ref=canvas_ref, data-testid="topology", tabindex="0", role="application",
                    aria-roledescription="topology", aria-describedby="topology-keys",
                    aria-label="Topology of the mesh")
                p(id="topology-keys", class="sr-only") {
                    "Arrow keys move between nodes and groups, Enter opens a group or the node's details, "
                    "f focuses on the selected node, Escape leaves the focus, slash searches, plus and minus zoom. "
                    "Click a node to select it or a group to open it; drag to pan, scroll to zoom."
                }
                div(class="sr-only", role="status", aria-live="polite", data-testid="topology-says") { (move || says.get_clone()) }
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
            span { "Edges: width = throughput, red = errors ≥ 5 %; the selected node's in blue" }
            span { "Boxes: groups (count, status bar, a mark per unhealthy node); a line = all edges between two groups" }
        }
    }
}

#[cfg(test)]
mod tests {
    use shared::protocol::{MeshNode, MetaEntry, Status};

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
        assert!(rest.contains("Boxes: groups (count, status bar, a mark per unhealthy node)"), "{html}");
    }

    fn node(id: &str, keys: &[&str]) -> MeshNode {
        let meta = keys.iter().map(|key| MetaEntry { key: (*key).into(), json: "1".into() }).collect();
        MeshNode { id: id.into(), kind: "api".into(), label: id.into(), status: Status::Ok, meta }
    }

    #[test]
    fn the_keys_offered_hold_the_one_grouped_by() {
        let mut view = MeshView::default();
        for (id, keys) in [("a", &["zone", "rack10"][..]), ("b", &["rack9", "zone"][..]), ("c", &[][..])] {
            view.nodes.insert(id.into(), node(id, keys));
        }
        let meta = |key: &str| GroupBy::Meta(key.into());
        // (grouped by, keys offered)
        let cases = [
            (GroupBy::Kind, vec!["rack9", "rack10", "zone"]),
            (meta("zone"), vec!["rack9", "rack10", "zone"]),
            (meta("owner"), vec!["owner", "rack9", "rack10", "zone"]),
        ];
        for (by, expected) in cases {
            assert_eq!(meta_keys(&view, &by), expected, "{by:?}");
        }
        assert_eq!(meta_keys(&MeshView::default(), &meta("region")), vec!["region"]);
        assert!(meta_keys(&MeshView::default(), &GroupBy::Kind).is_empty());
    }
}
