//! A stable topology layout: nodes sit in columns by kind (gateways on the
//! left, stores on the right), each in the first free slot of its column.
//! A new node takes a free slot and never moves the others; positions
//! survive updates; a deleted node's slot is reused. Pure and O(1) per
//! node added or removed.

use std::collections::{BTreeSet, HashMap};

/// Distance between slot rows and between sub-columns, in layout units.
pub const SLOT_SPACING: f64 = 36.0;
/// Gap between kind columns.
const COLUMN_GAP: f64 = 120.0;
/// Slots stacked in one sub-column before the next one starts, at least.
const MIN_ROWS_PER_SUBCOLUMN: usize = 16;
/// And at most (very large graphs).
const MAX_ROWS_PER_SUBCOLUMN: usize = 400;

/// Columns, left to right, for the kinds the dashboard knows; any other
/// kind goes in the last column.
const KIND_ORDER: [&str; 7] = ["gateway", "service", "worker", "crawler", "queue", "redis", "postgres"];

#[derive(Debug, Default, Clone)]
struct Column {
    /// Slot -> node id (None when freed).
    slots: Vec<Option<String>>,
    free: BTreeSet<usize>,
}

#[derive(Debug, Clone)]
pub struct Layout {
    columns: Vec<Column>,
    placed: HashMap<String, (usize, usize)>,
    /// Chosen when the layout is rebuilt (from a snapshot) so that big
    /// columns come out roughly as tall as wide; kept until the next rebuild
    /// so positions stay put.
    rows_per_subcolumn: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { columns: Vec::new(), placed: HashMap::new(), rows_per_subcolumn: MIN_ROWS_PER_SUBCOLUMN }
    }
}

impl Layout {
    /// Places a node (if new, or moved to another kind's column).
    pub fn place(&mut self, node_id: &str, kind: &str) {
        let column_index = column_of(kind);
        if let Some(&(column, _)) = self.placed.get(node_id) {
            if column == column_index {
                return;
            }
            self.remove(node_id);
        }
        if self.columns.len() <= column_index {
            self.columns.resize_with(column_index + 1, Column::default);
        }
        let Some(column) = self.columns.get_mut(column_index) else { return };
        let slot = match column.free.pop_first() {
            Some(slot) => slot,
            None => {
                column.slots.push(None);
                column.slots.len() - 1
            }
        };
        if let Some(entry) = column.slots.get_mut(slot) {
            *entry = Some(node_id.to_owned());
        }
        self.placed.insert(node_id.to_owned(), (column_index, slot));
    }

    pub fn remove(&mut self, node_id: &str) {
        let Some((column_index, slot)) = self.placed.remove(node_id) else { return };
        if let Some(column) = self.columns.get_mut(column_index) {
            if let Some(entry) = column.slots.get_mut(slot) {
                *entry = None;
            }
            column.free.insert(slot);
        }
    }

    /// Starts over with `nodes` (id, kind), sizing sub-columns so that the
    /// whole graph comes out about twice as wide as tall (the panel's shape):
    /// width ≈ n / rows sub-columns, height = rows, so rows ≈ √(n / 2).
    pub fn rebuild<'a>(&mut self, nodes: impl ExactSizeIterator<Item = (&'a str, &'a str)>) {
        let rows = (nodes.len() as f64 / 2.0).sqrt().ceil() as usize;
        *self = Layout {
            rows_per_subcolumn: rows.clamp(MIN_ROWS_PER_SUBCOLUMN, MAX_ROWS_PER_SUBCOLUMN),
            ..Layout::default()
        };
        for (node_id, kind) in nodes {
            self.place(node_id, kind);
        }
    }

    /// The position of a node in layout units.
    pub fn position(&self, node_id: &str) -> Option<(f64, f64)> {
        let &(column, slot) = self.placed.get(node_id)?;
        let rows = self.rows_per_subcolumn;
        Some((self.column_x(column) + (slot / rows) as f64 * SLOT_SPACING, (slot % rows) as f64 * SLOT_SPACING))
    }

    /// (min x, min y, max x, max y) of all placed nodes.
    pub fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let mut bounds: Option<(f64, f64, f64, f64)> = None;
        for node_id in self.placed.keys() {
            let Some((x, y)) = self.position(node_id) else { continue };
            bounds = Some(match bounds {
                None => (x, y, x, y),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
            });
        }
        bounds
    }

    pub fn len(&self) -> usize {
        self.placed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.placed.is_empty()
    }

    /// Where `column` starts: the widths of the columns before it. A
    /// column's width grows by doubling, so columns to its right shift only
    /// at each doubling, not with every sub-column.
    fn column_x(&self, column: usize) -> f64 {
        self.columns
            .iter()
            .take(column)
            .map(|c| {
                let sub_columns = c.slots.len().div_ceil(self.rows_per_subcolumn).max(1).next_power_of_two();
                sub_columns as f64 * SLOT_SPACING + COLUMN_GAP
            })
            .sum()
    }
}

fn column_of(kind: &str) -> usize {
    KIND_ORDER.iter().position(|k| *k == kind).unwrap_or(KIND_ORDER.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Places (kind given) or removes (no kind) nodes in order, then checks
    /// where the listed nodes are. Columns: an empty or one-sub-column kind
    /// column is 36 + 120 = 156 wide (gateway at 0, service at 156, worker
    /// 312, crawler 468, queue 624, redis 780, postgres 936, others 1092).
    fn check(steps: &[(&str, Option<&str>)], expected: &[(&str, Option<(f64, f64)>)]) {
        let mut layout = Layout::default();
        for (node_id, kind) in steps {
            match kind {
                Some(kind) => layout.place(node_id, kind),
                None => layout.remove(node_id),
            }
        }
        for (node_id, position) in expected {
            assert_eq!(layout.position(node_id), *position, "{node_id} after {steps:?}");
        }
    }

    #[test]
    fn nodes_sit_in_columns_by_kind_in_the_first_free_slot() {
        let steps = [("g", Some("gateway")), ("a", Some("service")), ("b", Some("service")), ("q", Some("queue"))];
        check(&steps, &[("g", Some((0.0, 0.0))), ("a", Some((156.0, 0.0))), ("b", Some((156.0, 36.0)))]);
        check(&steps, &[("q", Some((624.0, 0.0))), ("never placed", None)]);
        // A kind the dashboard does not know goes in the last column.
        check(
            &[("m", Some("mystery")), ("x", Some("x-ray"))],
            &[("m", Some((1092.0, 0.0))), ("x", Some((1092.0, 36.0)))],
        );
    }

    #[test]
    fn new_nodes_do_not_move_others_and_slots_are_reused() {
        let placed = [("a", Some("service")), ("b", Some("service")), ("c", Some("service"))];
        // An update of a placed node changes nothing.
        let updated = [placed.as_slice(), &[("a", Some("service"))]].concat();
        check(&updated, &[("a", Some((156.0, 0.0))), ("b", Some((156.0, 36.0))), ("c", Some((156.0, 72.0)))]);
        // Remove b: a newcomer takes its slot; c stays.
        let reused = [placed.as_slice(), &[("b", None), ("d", Some("service"))]].concat();
        check(&reused, &[("b", None), ("d", Some((156.0, 36.0))), ("c", Some((156.0, 72.0)))]);
        // A node whose kind changes moves to that kind's column.
        let moved = [placed.as_slice(), &[("b", Some("worker"))]].concat();
        check(&moved, &[("b", Some((312.0, 0.0))), ("c", Some((156.0, 72.0)))]);
    }

    #[test]
    fn big_columns_wrap_into_sub_columns_and_widen_by_doubling() {
        // (gateways, where the first service sits): 1 to 16 gateways are one
        // sub-column, 17 to 32 two (36 × 2 + 120), 33 to 64 four, 65 eight.
        let cases = [(16, 156.0), (17, 192.0), (33, 264.0), (64, 264.0), (65, 408.0)];
        for (n_gateways, service_x) in cases {
            let ids: Vec<String> = (0..n_gateways).map(|i| format!("g{i}")).collect();
            let mut steps: Vec<_> = ids.iter().map(|id| (id.as_str(), Some("gateway"))).collect();
            steps.push(("s", Some("service")));
            check(&steps, &[("s", Some((service_x, 0.0)))]);
        }
        let ids: Vec<String> = (0..17).map(|i| format!("g{i}")).collect();
        let steps: Vec<_> = ids.iter().map(|id| (id.as_str(), Some("gateway"))).collect();
        check(&steps, &[("g15", Some((0.0, 540.0))), ("g16", Some((36.0, 0.0)))]);
    }

    #[test]
    fn a_big_rebuild_comes_out_about_twice_as_wide_as_tall() {
        // 7,000 nodes: √3,500 ≈ 59.2, so 60 rows and 117 sub-columns; the
        // last sub-column starts 116 × 36 = 4,176 right of the queue column.
        let ids: Vec<String> = (0..7000).map(|i| format!("n{i}")).collect();
        let mut layout = Layout::default();
        layout.rebuild(ids.iter().map(|id| (id.as_str(), "queue")));
        assert_eq!(layout.len(), 7000);
        assert_eq!(layout.bounds(), Some((624.0, 0.0, 4800.0, 2124.0)));
        // Small graphs keep at least 16 rows.
        layout.rebuild(ids.iter().take(100).map(|id| (id.as_str(), "gateway")));
        assert_eq!(layout.bounds(), Some((0.0, 0.0, 216.0, 540.0)));
        layout.rebuild(std::iter::empty::<(&str, &str)>());
        assert_eq!((layout.bounds(), layout.is_empty()), (None, true));
    }
}
