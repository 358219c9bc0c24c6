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

    #[test]
    fn new_nodes_do_not_move_others_and_slots_are_reused() {
        let mut layout = Layout::default();
        layout.rebuild([("g", "gateway"), ("a", "service"), ("b", "service")].into_iter());
        let before: Vec<_> = ["g", "a", "b"].iter().map(|id| layout.position(id)).collect();
        layout.place("c", "service");
        layout.place("a", "service"); // an update of a placed node changes nothing
        let after: Vec<_> = ["g", "a", "b"].iter().map(|id| layout.position(id)).collect();
        assert_eq!(before, after);
        assert_eq!(layout.position("c").map(|p| p.1), Some(2.0 * SLOT_SPACING));
        // Gateways are left of services.
        assert!(layout.position("g").map(|p| p.0) < layout.position("a").map(|p| p.0));
        // Remove b; a newcomer takes b's slot.
        layout.remove("b");
        let c = layout.position("c");
        layout.place("d", "service");
        assert_eq!(layout.position("d"), before.get(2).copied().flatten());
        assert_eq!(layout.position("c"), c);
        assert_eq!(layout.len(), 4);
    }

    #[test]
    fn big_columns_wrap_into_sub_columns() {
        let mut layout = Layout::default();
        for i in 0..(MIN_ROWS_PER_SUBCOLUMN + 1) {
            layout.place(&format!("n{i}"), "queue");
        }
        let last = layout.position(&format!("n{MIN_ROWS_PER_SUBCOLUMN}"));
        assert_eq!(last, Some((SLOT_SPACING + layout.position("n0").map_or(0.0, |p| p.0), 0.0)));
        assert!(layout.bounds().is_some());
    }

    #[test]
    fn a_big_rebuild_comes_out_about_twice_as_wide_as_tall() {
        let ids: Vec<String> = (0..7000).map(|i| format!("n{i}")).collect();
        let mut layout = Layout::default();
        layout.rebuild(ids.iter().map(|id| (id.as_str(), "queue")));
        let (x0, y0, x1, y1) = layout.bounds().unwrap_or_default();
        let (width, height) = (x1 - x0, y1 - y0);
        assert!(width > height * 1.5 && width < height * 3.0, "{width} x {height}");
    }
}
