//! The lens's choices (filter, focus, sort, grouping), each costing one
//! pass when it changes, and what the views read from it.

use shared::View as MeshView;

use super::{EdgeSort, Focus, GraphIndex, GroupBy, Groups, Lens, NodeSort, Order};
use crate::filter::Query;

impl Lens {
    /// A new filter: every node and edge is tested again.
    pub fn set_query(&mut self, query: Query, view: &MeshView) {
        if self.query != query {
            self.query = query;
            self.refresh(view);
        }
    }

    /// Focuses on a node (or leaves the focus).
    pub fn set_focus(&mut self, focus: Option<Focus>, view: &MeshView) {
        if self.focus != focus {
            self.focus = focus;
            self.refresh(view);
        }
    }

    /// A new order for the nodes table: only that table is sorted again
    /// (what shows is as it was).
    pub fn set_sort(&mut self, sort: NodeSort, view: &MeshView) {
        if self.sort != sort {
            self.sort = sort;
            self.sort_nodes(view);
        }
    }

    /// A new order for the edges table: only that table is sorted again.
    pub fn set_edge_sort(&mut self, sort: EdgeSort, view: &MeshView) {
        if self.edge_sort != sort {
            self.edge_sort = sort;
            self.sort_edges(view);
        }
    }

    pub fn set_group_by(&mut self, by: GroupBy, view: &MeshView) {
        if *self.groups.by() != by {
            self.groups = Groups::new(by);
            self.refresh(view);
        }
    }

    pub fn query(&self) -> &Query {
        &self.query
    }

    pub fn focus(&self) -> Option<&Focus> {
        self.focus.as_ref()
    }

    pub fn sort(&self) -> NodeSort {
        self.sort
    }

    pub fn edge_sort(&self) -> EdgeSort {
        self.edge_sort
    }

    /// Whether the filter or a focus hides anything.
    pub fn is_narrowed(&self) -> bool {
        !self.query.is_empty() || self.focus.is_some()
    }

    /// A node's distance from the focus (`None`: outside it, or no focus).
    pub fn distance(&self, node_id: &str) -> Option<u8> {
        self.around.as_ref()?.get(node_id).copied()
    }

    /// The nodes shown (filter and focus), in the table's order.
    pub fn nodes(&self) -> &Order {
        &self.nodes
    }

    /// The edges shown, in the table's order.
    pub fn edges(&self) -> &Order {
        &self.edges
    }

    pub fn shows_node(&self, node_id: &str) -> bool {
        self.nodes.contains(node_id)
    }

    pub fn shows_edge(&self, edge_id: &str) -> bool {
        self.edges.contains(edge_id)
    }

    pub fn graph(&self) -> &GraphIndex {
        &self.graph
    }

    pub fn groups(&self) -> &Groups {
        &self.groups
    }
}

/// The choice of a table of named choices (a sort's) called `text`.
pub fn by_name<C: Copy>(named: &[(C, &'static str)], text: &str) -> Option<C> {
    named.iter().find(|(_, name)| *name == text).map(|(choice, _)| *choice)
}

/// The name of `choice` in a table of named choices (empty if missing).
pub fn name_of<C: Copy + PartialEq>(named: &[(C, &'static str)], choice: C) -> &'static str {
    named.iter().find(|(listed, _)| *listed == choice).map_or("", |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::super::{EdgeSort, GroupBy, NodeSort};

    /// Each name parses to its choice and back; anything else is none.
    fn check<C: PartialEq + std::fmt::Debug>(
        parse: impl Fn(&str) -> Option<C>,
        name: impl Fn(&C) -> String,
        cases: &[(&str, Option<C>)],
    ) {
        for (text, choice) in cases {
            assert_eq!(parse(text).as_ref(), choice.as_ref(), "{text:?}");
            if let Some(choice) = choice {
                assert_eq!(name(choice), *text);
            }
        }
    }

    #[test]
    fn each_choice_has_one_name() {
        check(
            NodeSort::parse,
            |sort: &NodeSort| sort.name().to_owned(),
            &[
                ("id", Some(NodeSort::Id)),
                ("label", Some(NodeSort::Label)),
                ("kind", Some(NodeSort::Kind)),
                ("status", Some(NodeSort::Status)),
                ("Status", None),
                ("", None),
                ("worst", None),
            ],
        );
        check(
            EdgeSort::parse,
            |sort: &EdgeSort| sort.name().to_owned(),
            &[
                ("route", Some(EdgeSort::Route)),
                ("errors", Some(EdgeSort::Errors)),
                ("latency", Some(EdgeSort::Latency)),
                ("throughput", Some(EdgeSort::Throughput)),
                ("Errors", None),
                ("", None),
                ("worst", None),
            ],
        );
        check(
            GroupBy::parse,
            GroupBy::name,
            &[
                ("kind", Some(GroupBy::Kind)),
                ("meta:region", Some(GroupBy::Meta("region".into()))),
                ("meta:a:b c", Some(GroupBy::Meta("a:b c".into()))),
                ("meta:", Some(GroupBy::Meta(String::new()))),
                ("Kind", None),
                ("region", None),
                ("", None),
            ],
        );
    }
}
