//! Reading a reducer's state: what the worker asks of it, and the whole
//! state as a plain `View` (tests and checks).

use super::Reducer;
use crate::diff::{Counters, Event};
use crate::protocol::{MeshEdge, MeshNode, Pos};
use crate::view::View;

impl Reducer {
    /// Events pushed since the list was created or last cleared.
    pub fn events_pushed(&self) -> u64 {
        self.events.pushed_total()
    }

    /// The newest `count` events kept, oldest of them first.
    pub fn newest_events(&self, count: usize) -> impl Iterator<Item = &Event> {
        self.events.iter().skip(self.events.len().saturating_sub(count))
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    pub fn graph_stale(&self) -> bool {
        self.graph_stale
    }

    /// A snapshot in several frames has begun and its end not come yet.
    pub fn snapshot_arriving(&self) -> bool {
        self.snapshot_open
    }

    /// The position of the last applied message that carried one: where a
    /// reconnect asks the server to resume from.
    pub fn last_pos(&self) -> Option<&Pos> {
        self.last_pos.as_ref()
    }

    pub fn nodes(&self) -> impl ExactSizeIterator<Item = &MeshNode> {
        self.graph.nodes().values().map(|node| &**node)
    }

    pub fn edges(&self) -> impl ExactSizeIterator<Item = &MeshEdge> {
        self.graph.edges().values().map(|edge| &**edge)
    }

    /// The whole state as a plain `View` (for tests and checks; O(state)),
    /// with the logs the receiver watches.
    pub fn to_view(&self) -> View {
        let mut view = View::default();
        view.nodes
            .extend(self.graph.nodes().iter().map(|(id, node)| (String::from(id.as_str()), MeshNode::clone(node))));
        view.edges
            .extend(self.graph.edges().iter().map(|(id, edge)| (String::from(id.as_str()), MeshEdge::clone(edge))));
        view.events.extend(self.events.iter().cloned());
        view.logs.extend(self.logs.watched_views().map(|(node_id, log)| (String::from(node_id.as_str()), log)));
        for (name, ring) in &self.series {
            view.series.entry(name.clone()).or_default().extend(ring.iter().copied());
        }
        view.counters = self.counters.clone();
        view
    }
}
