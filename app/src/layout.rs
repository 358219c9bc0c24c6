//! A stable topology layout in group regions. Each group (a kind, or the
//! value of the `meta` key the topology groups by) gets a squarish region;
//! its nodes fill the region's slots row by row, each in the first free
//! slot. Regions are packed in shelves so that the whole comes out in the
//! panel's aspect ratio (no thin band). A new node takes a free slot and
//! never moves the others; a region keeps spare rows from its last rebuild,
//! and only when it outgrows them do the regions after it move (by whole
//! regions: every node keeps its slot). Pure; O(1) per node added or
//! removed, O(groups) when a region is added or grows.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::lens::FastMap;

use crate::natural::natural_cmp;

/// Distance between slots, in layout units.
pub const SLOT_SPACING: f64 = 36.0;
/// Room between a region's edge and its slots, and above them for its title.
pub const REGION_PADDING: f64 = 30.0;
pub const REGION_HEADER: f64 = 54.0;
/// Room between regions.
const REGION_GAP: f64 = 60.0;
/// Spare slots a region keeps at a rebuild, as a share of its nodes (plus a few).
const SPARE_SHARE: f64 = 0.2;
const SPARE_MIN: usize = 4;

/// Kinds the dashboard knows come first, in this order (callers first,
/// stores last); other groups follow in natural order, "(none)" last.
const KIND_ORDER: [&str; 7] = ["gateway", "service", "worker", "crawler", "queue", "redis", "postgres"];

/// A rectangle in layout units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    /// Whether the two share any area (touching edges do not).
    pub fn overlaps(&self, o: &Rect) -> bool {
        (self.x < o.x + o.width && o.x < self.x + self.width) && (self.y < o.y + o.height && o.y < self.y + self.height)
    }
}

/// Orders groups: known kinds first, then natural order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct GroupKey(String);

impl Ord for GroupKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        group_order(&self.0, &other.0)
    }
}

/// The order of the groups' regions (`Layout::regions`).
pub fn group_order(one: &str, other: &str) -> std::cmp::Ordering {
    let rank = |name: &str| match KIND_ORDER.iter().position(|kind| *kind == name) {
        Some(at) => at,
        None if name == crate::lens::NO_VALUE => KIND_ORDER.len() + 1,
        None => KIND_ORDER.len(),
    };
    rank(one).cmp(&rank(other)).then_with(|| natural_cmp(one, other))
}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Clone, Default)]
struct Region {
    columns: usize,
    /// Rows kept at the last rebuild (the region is at least this tall).
    reserved_rows: usize,
    /// Slot → node id (None when freed).
    slots: Vec<Option<String>>,
    free: BTreeSet<usize>,
    origin: (f64, f64),
}

#[derive(Debug, Clone)]
pub struct Layout {
    regions: BTreeMap<GroupKey, Region>,
    placed: FastMap<String, (String, usize)>,
    /// The width × height ratio the regions are packed for.
    aspect: f64,
    /// Nodes at the last rebuild (see `outgrown`).
    rebuilt_len: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { regions: BTreeMap::new(), placed: FastMap::default(), aspect: 2.0, rebuilt_len: 0 }
    }
}

impl Region {
    /// A region sized for `n_nodes` and some to spare, about square.
    fn sized_for(n_nodes: usize) -> Region {
        let capacity = n_nodes + ((n_nodes as f64 * SPARE_SHARE).ceil() as usize).max(SPARE_MIN);
        let columns = (capacity as f64).sqrt().ceil().max(1.0) as usize;
        Region { columns, reserved_rows: capacity.div_ceil(columns), ..Region::default() }
    }

    fn rows(&self) -> usize {
        self.slots.len().div_ceil(self.columns.max(1)).max(self.reserved_rows).max(1)
    }

    fn size(&self) -> (f64, f64) {
        let span = |n: usize| n.saturating_sub(1) as f64 * SLOT_SPACING;
        (2.0 * REGION_PADDING + span(self.columns), REGION_HEADER + REGION_PADDING + span(self.rows()))
    }

    fn slot_position(&self, slot: usize) -> (f64, f64) {
        self.grid().position(slot)
    }

    fn grid(&self) -> Grid {
        Grid { origin: self.origin, columns: self.columns.max(1) }
    }
}

/// Where a region's slots are: row by row from its first, `columns` to a
/// row. Copied out of the layout, it places a slot without a look-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    origin: (f64, f64),
    columns: usize,
}

impl Grid {
    /// The position of a slot in layout units.
    pub fn position(self, slot: usize) -> (f64, f64) {
        let (column, row) = (slot % self.columns, slot / self.columns);
        (
            self.origin.0 + REGION_PADDING + column as f64 * SLOT_SPACING,
            self.origin.1 + REGION_HEADER + row as f64 * SLOT_SPACING,
        )
    }

    /// The slots below `n_slots` whose positions may fall within `area`
    /// (a slot's spacing to spare on each side), row by row, as ranges of
    /// slots: O(rows in the area), however many the region holds.
    fn rows_within(self, area: Rect, n_slots: usize) -> Vec<std::ops::Range<usize>> {
        let first = self.position(0);
        // Index range of the slots along one axis within [low, high].
        let span = |low: f64, high: f64, start: f64, count: usize| {
            let clamp = |at: f64| at.clamp(0.0, count as f64) as usize;
            let from = ((low - start) / SLOT_SPACING).floor() - 1.0;
            let to = ((high - start) / SLOT_SPACING).ceil() + 1.0;
            clamp(from)..clamp(to + 1.0)
        };
        let columns = span(area.x, area.x + area.width, first.0, self.columns);
        let rows = span(area.y, area.y + area.height, first.1, n_slots.div_ceil(self.columns));
        let slots = |row: usize| (row * self.columns + columns.start)..(row * self.columns + columns.end).min(n_slots);
        rows.map(slots).collect()
    }
}

impl Layout {
    /// Places a node in its group's region (if new, or its group changed).
    pub fn place(&mut self, node_id: &str, group: &str) {
        if let Some((held, _)) = self.placed.get(node_id) {
            if held == group {
                return;
            }
            self.remove(node_id);
        }
        let key = GroupKey(group.to_owned());
        let new_region = !self.regions.contains_key(&key);
        let region = self.regions.entry(key).or_insert_with(|| Region::sized_for(0));
        let rows_before = region.rows();
        let slot = region.free.pop_first().unwrap_or_else(|| {
            region.slots.push(None);
            region.slots.len() - 1
        });
        if let Some(entry) = region.slots.get_mut(slot) {
            *entry = Some(node_id.to_owned());
        }
        let grew = region.rows() != rows_before;
        self.placed.insert(node_id.to_owned(), (group.to_owned(), slot));
        if new_region || grew {
            self.pack();
        }
    }

    pub fn remove(&mut self, node_id: &str) {
        let Some((group, slot)) = self.placed.remove(node_id) else { return };
        if let Some(region) = self.regions.get_mut(&GroupKey(group)) {
            if let Some(entry) = region.slots.get_mut(slot) {
                *entry = None;
            }
            region.free.insert(slot);
        }
    }

    /// Starts over with `nodes` (id, group), each region sized for its
    /// nodes, packed for a panel of `aspect` (width ÷ height).
    pub fn rebuild<'a>(&mut self, nodes: impl Iterator<Item = (&'a str, &'a str)>, aspect: f64) {
        // Placed in natural id order, so neighbours in name are neighbours
        // on screen, whatever order the nodes come in.
        let mut nodes: Vec<(&str, &str)> = nodes.collect();
        sort_naturally(&mut nodes);
        let mut counts: BTreeMap<GroupKey, usize> = BTreeMap::new();
        for (_, group) in &nodes {
            *counts.entry(GroupKey((*group).to_owned())).or_default() += 1;
        }
        let regions = counts.into_iter().map(|(key, n)| (key, Region::sized_for(n))).collect();
        let rebuilt_len = nodes.len();
        *self = Layout { regions, placed: FastMap::default(), aspect: sane_aspect(aspect), rebuilt_len };
        self.pack();
        for (node_id, group) in nodes {
            self.place(node_id, group);
        }
    }

    /// Packs the regions again for another panel shape, when it differs
    /// enough to matter; nodes keep their slots.
    /// True when the regions moved.
    pub fn fit_aspect(&mut self, aspect: f64) -> bool {
        let aspect = sane_aspect(aspect);
        let differs = (aspect / self.aspect - 1.0).abs() > 0.15;
        if differs {
            self.aspect = aspect;
            self.pack();
        }
        differs
    }

    /// The position of a node in layout units.
    pub fn position(&self, node_id: &str) -> Option<(f64, f64)> {
        let (group, slot) = self.placed.get(node_id)?;
        Some(self.regions.get(&GroupKey(group.clone()))?.slot_position(*slot))
    }

    pub fn group_of(&self, node_id: &str) -> Option<&str> {
        self.placed.get(node_id).map(|(group, _)| group.as_str())
    }

    /// Each group's region, in group order.
    pub fn regions(&self) -> impl Iterator<Item = (&str, Rect)> {
        self.regions.iter().map(|(key, region)| (key.0.as_str(), rect_of(region)))
    }

    /// The nodes of a group's region, with their positions.
    pub fn members<'a>(&'a self, group: &str) -> impl Iterator<Item = (&'a str, (f64, f64))> + 'a {
        let region = self.regions.get(&GroupKey(group.to_owned()));
        region.into_iter().flat_map(|region| {
            region.slots.iter().enumerate().filter_map(|(slot, id)| Some((id.as_deref()?, region.slot_position(slot))))
        })
    }

    /// The nodes of a group's region that may be within `area` (layout
    /// units; a slot to spare around it), with their positions, row by
    /// row. Costs what is in the area, not the region.
    pub fn members_within(&self, group: &str, area: Rect) -> Vec<(&str, (f64, f64))> {
        let mut members = Vec::new();
        let Some(region) = self.regions.get(&GroupKey(group.to_owned())) else { return members };
        let grid = region.grid();
        for row in grid.rows_within(area, region.slots.len()) {
            for slot in row {
                if let Some(Some(id)) = region.slots.get(slot) {
                    members.push((id.as_str(), grid.position(slot)));
                }
            }
        }
        members
    }

    /// A group's grid of slots.
    pub fn grid(&self, group: &str) -> Option<Grid> {
        self.regions.get(&GroupKey(group.to_owned())).map(Region::grid)
    }

    /// A node's group and slot (place it with the group's `grid`).
    pub fn slot_of(&self, node_id: &str) -> Option<(&str, usize)> {
        self.placed.get(node_id).map(|(group, slot)| (group.as_str(), *slot))
    }

    /// How many nodes a group's region holds.
    pub fn n_members(&self, group: &str) -> usize {
        self.regions.get(&GroupKey(group.to_owned())).map_or(0, |region| region.slots.len() - region.free.len())
    }

    pub fn region(&self, group: &str) -> Option<Rect> {
        self.regions.get(&GroupKey(group.to_owned())).map(rect_of)
    }

    /// (min x, min y, max x, max y) of every region that holds a node.
    pub fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let used = self.regions.values().filter(|region| region.free.len() < region.slots.len());
        used.map(rect_of).fold(None, |bounds, r| {
            let (x1, y1) = (r.x + r.width, r.y + r.height);
            Some(match bounds {
                None => (r.x, r.y, x1, y1),
                Some((a, b, c, d)) => (r.x.min(a), r.y.min(b), x1.max(c), y1.max(d)),
            })
        })
    }

    pub fn len(&self) -> usize {
        self.placed.len()
    }

    /// The mesh grew (or shrank) by half since the last rebuild, as while
    /// a large snapshot arrives over several diffs: regions sized for the
    /// first part would come out as thin columns. Time to rebuild; churn
    /// never gets here.
    pub fn outgrown(&self) -> bool {
        let (now, then) = (self.len(), self.rebuilt_len);
        now > then + then / 2 + 16 || now + 16 < then / 2
    }

    pub fn is_empty(&self) -> bool {
        self.placed.is_empty()
    }

    /// Shelves of regions, left to right, as wide as makes the whole about
    /// `aspect` times as wide as tall.
    fn pack(&mut self) {
        let sizes: Vec<(f64, f64)> = self.regions.values().map(Region::size).collect();
        let widest = sizes.iter().map(|s| s.0).fold(0.0, f64::max);
        let total: f64 = sizes.iter().map(|s| s.0 + REGION_GAP).sum();
        // Wider shelves make a wider whole: search the shelf width.
        let (mut low, mut high) = (widest, total.max(widest));
        for _ in 0..40 {
            let middle = (low + high) / 2.0;
            let (width, height) = shelve(&sizes, middle).1;
            if width < self.aspect * height {
                low = middle;
            } else {
                high = middle;
            }
        }
        // The width found may overshoot: take whichever side comes closer.
        let off = |shelf_width: f64| {
            let (width, height) = shelve(&sizes, shelf_width).1;
            (width / height.max(1.0) / self.aspect).ln().abs()
        };
        let best = if off(low) < off(high) { low } else { high };
        let (origins, _) = shelve(&sizes, best);
        for (region, origin) in self.regions.values_mut().zip(origins) {
            region.origin = origin;
        }
    }
}

fn rect_of(region: &Region) -> Rect {
    let (width, height) = region.size();
    Rect { x: region.origin.0, y: region.origin.1, width, height }
}

fn sane_aspect(aspect: f64) -> f64 {
    if aspect.is_finite() {
        aspect.clamp(0.25, 8.0)
    } else {
        2.0
    }
}

/// Origins of regions of `sizes` in shelves at most `shelf_width` wide
/// (a region wider than that gets a shelf of its own), and the whole's size.
fn shelve(sizes: &[(f64, f64)], shelf_width: f64) -> (Vec<(f64, f64)>, (f64, f64)) {
    let mut origins = Vec::with_capacity(sizes.len());
    let (mut x, mut y, mut shelf_height, mut width) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for &(w, h) in sizes {
        if x > 0.0 && x + w > shelf_width {
            (x, y, shelf_height) = (0.0, y + shelf_height + REGION_GAP, 0.0);
        }
        origins.push((x, y));
        width = width.max(x + w);
        shelf_height = shelf_height.max(h);
        x += w + REGION_GAP;
    }
    (origins, (width, y + shelf_height))
}

/// Sorts (node id, group) pairs by id in natural order: by each id's key
/// (`natural::ascii_key`, compared as bytes) when all ids are ASCII, as
/// ids nearly always are (8,000 ids of the simulator's kind sorted in 1.7
/// ms natively against 4.4 by comparisons). Otherwise by `natural_cmp`,
/// the same order.
fn sort_naturally(nodes: &mut Vec<(&str, &str)>) {
    let keys: Option<Vec<Vec<u8>>> = nodes.iter().map(|(id, _)| crate::natural::ascii_key(id)).collect();
    match keys {
        Some(keys) => crate::sort::sort_by_keys(nodes, &keys),
        None => crate::sort::sort_by(nodes, |a, b| natural_cmp(a.0, b.0)),
    }
}

#[cfg(test)]
mod tests;
