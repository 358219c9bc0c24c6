//! A reducer's whole state read out as a plain `View` (tests and checks).

use super::Reducer;
use crate::protocol::{MeshEdge, MeshNode};
use crate::view::View;

impl Reducer {
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
