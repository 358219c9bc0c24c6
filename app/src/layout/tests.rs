//! The layout's rules on hand-computed positions: slots fill a region row
//! by row and are reused; regions are sized for their nodes with spare
//! rows and packed for the panel's shape; nothing moves while a region has
//! room.

use super::*;

/// A layout after placing (group given) or removing (none) nodes in order.
fn after(steps: &[(&str, Option<&str>)]) -> Layout {
    let mut layout = Layout::default();
    for (node_id, group) in steps {
        match group {
            Some(group) => layout.place(node_id, group),
            None => layout.remove(node_id),
        }
    }
    layout
}

fn check(layout: &Layout, expected: &[(&str, Option<(f64, f64)>)]) {
    for (node_id, position) in expected {
        assert_eq!(layout.position(node_id), *position, "{node_id}");
    }
}

#[test]
fn slots_fill_a_region_row_by_row_and_are_reused() {
    // A new group's region has 2 columns and 2 rows kept (4 spare slots);
    // slots start 30 in from the left and 54 down (under the title).
    let steps = [("a", Some("api")), ("b", Some("api")), ("c", Some("api"))];
    let layout = after(&steps);
    check(&layout, &[("a", Some((30.0, 54.0))), ("b", Some((66.0, 54.0))), ("c", Some((30.0, 90.0)))]);
    assert_eq!(layout.region("api"), Some(Rect { x: 0.0, y: 0.0, width: 96.0, height: 120.0 }));
    // b leaves; d takes its slot; c stays.
    let layout = after(&[&steps[..], &[("b", None), ("d", Some("api"))]].concat());
    check(&layout, &[("b", None), ("d", Some((66.0, 54.0))), ("c", Some((30.0, 90.0))), ("never", None)]);
    // A node whose group changes moves to that group's region.
    let layout = after(&[&steps[..], &[("b", Some("db"))]].concat());
    assert_eq!((layout.group_of("b"), layout.group_of("a")), (Some("db"), Some("api")));
    // The fifth node needs a third row: the region grows.
    let five = [&steps[..], &[("d", Some("api")), ("e", Some("api"))]].concat();
    let layout = after(&five);
    check(&layout, &[("e", Some((30.0, 126.0)))]);
    assert_eq!(layout.region("api").map(|r| r.height), Some(156.0));
}

#[test]
fn regions_are_sized_for_their_nodes_and_packed_for_the_panel() {
    // 2 gateways: 2 + 4 spare = 6 slots, 3 columns × 2 rows: 132 × 120.
    // 10 services: 10 + 4 = 14 slots, 4 columns × 4 rows: 168 × 192.
    let mut nodes: Vec<(String, &str)> = (0..2).map(|i| (format!("g{i}"), "gateway")).collect();
    nodes.extend((0..10).map(|i| (format!("s{i}"), "service")));
    let mut layout = Layout::default();
    // A wide panel: side by side, 60 apart.
    layout.rebuild(nodes.iter().map(|(id, group)| (id.as_str(), *group)), 2.0);
    assert_eq!(layout.region("gateway"), Some(Rect { x: 0.0, y: 0.0, width: 132.0, height: 120.0 }));
    assert_eq!(layout.region("service"), Some(Rect { x: 192.0, y: 0.0, width: 168.0, height: 192.0 }));
    check(&layout, &[("g0", Some((30.0, 54.0))), ("s0", Some((222.0, 54.0))), ("s9", Some((258.0, 126.0)))]);
    assert_eq!(layout.bounds(), Some((0.0, 0.0, 360.0, 192.0)));
    // A tall panel: one above the other. Same slots, regions moved whole.
    layout.fit_aspect(0.5);
    assert_eq!(layout.region("service").map(|r| (r.x, r.y)), Some((0.0, 180.0)));
    check(&layout, &[("g0", Some((30.0, 54.0))), ("s0", Some((30.0, 234.0)))]);
    // A shape within 15 % of the last one changes nothing.
    layout.fit_aspect(0.56);
    assert_eq!(layout.region("service").map(|r| (r.x, r.y)), Some((0.0, 180.0)));
}

#[test]
fn known_kinds_come_first_in_their_order_then_the_rest_naturally() {
    let groups = ["zeta", "postgres", "(none)", "gateway", "g10", "g9"];
    let mut layout = Layout::default();
    layout.rebuild(groups.iter().map(|g| (*g, *g)), 8.0);
    let order: Vec<&str> = layout.regions().map(|(name, _)| name).collect();
    assert_eq!(order, ["gateway", "postgres", "g9", "g10", "zeta", "(none)"]);
    layout.rebuild(std::iter::empty(), 2.0);
    assert_eq!((layout.bounds(), layout.is_empty()), (None, true));
}

#[test]
fn a_big_mesh_fills_the_panels_shape() {
    // 10,000 nodes in 8 groups of uneven sizes, for wide, square and tall panels.
    let sizes = [40, 3000, 1500, 800, 600, 2500, 1460, 100];
    let nodes: Vec<(String, String)> = sizes
        .iter()
        .enumerate()
        .flat_map(|(g, n)| (0..*n).map(move |i| (format!("n{g}-{i}"), format!("group{g}"))))
        .collect();
    for aspect in [3.3, 1.0, 0.45] {
        let mut layout = Layout::default();
        layout.rebuild(nodes.iter().map(|(id, g)| (id.as_str(), g.as_str())), aspect);
        let Some((x0, y0, x1, y1)) = layout.bounds() else { panic!("no bounds") };
        let shape = (x1 - x0) / (y1 - y0);
        assert!((shape / aspect - 1.0).abs() < 0.3, "{aspect}: the layout is {shape}");
        assert_eq!(layout.len(), 10_000);
    }
}

#[test]
fn nothing_moves_while_regions_have_room() {
    let mut layout = Layout::default();
    let nodes: Vec<String> = (0..300).map(|i| format!("n{i}")).collect();
    let group = |i: usize| ["api", "db", "cache"][i % 3];
    layout.rebuild(nodes.iter().enumerate().map(|(i, id)| (id.as_str(), group(i))), 2.0);
    let before: Vec<_> = nodes.iter().map(|id| layout.position(id)).collect();
    // Churn within the spare room: 20 leave, 40 come (each group had 20 spare).
    for i in (0..60).step_by(3) {
        layout.remove(&format!("n{i}"));
    }
    for i in 0..40 {
        layout.place(&format!("new{i}"), group(i));
    }
    for (i, (id, position)) in nodes.iter().zip(&before).enumerate() {
        if i >= 60 || i % 3 != 0 {
            assert_eq!(layout.position(id), *position, "{id} moved");
        }
    }
}

#[test]
fn growing_by_half_since_the_rebuild_is_outgrowing_it() {
    let mut layout = Layout::default();
    let ids: Vec<String> = (0..200).map(|i| format!("n{i}")).collect();
    layout.rebuild(ids.iter().take(100).map(|id| (id.as_str(), "api")), 2.0);
    // 100 at the rebuild: up to 166 is not outgrown, 167 is.
    for id in ids.iter().take(166).skip(100) {
        layout.place(id, "api");
    }
    assert!(!layout.outgrown());
    layout.place("n166", "api");
    assert!(layout.outgrown());
    // Shrinking: below 100 / 2 - 16 = 34 nodes.
    layout.rebuild(ids.iter().take(100).map(|id| (id.as_str(), "api")), 2.0);
    for id in ids.iter().take(66) {
        layout.remove(id);
    }
    assert!(!layout.outgrown(), "34 left");
    layout.remove("n66");
    assert!(layout.outgrown(), "33 left");
}

#[test]
fn a_rebuild_places_nodes_in_natural_id_order_ascii_or_not() {
    // (ids in arrival order, the order their slots should follow)
    let cases: [(&[&str], &[&str]); 2] = [
        (&["n10", "n9", "N2", "n1", "n02"], &["n1", "N2", "n02", "n9", "n10"]),
        (&["n10", "é1", "n9", "N2", "n1"], &["n1", "N2", "n9", "n10", "é1"]),
    ];
    for (arrival, expected) in cases {
        let mut layout = Layout::default();
        layout.rebuild(arrival.iter().map(|id| (*id, "svc")), 1.0);
        let mut slots: Vec<(f64, f64, &str)> =
            arrival.iter().filter_map(|id| layout.position(id).map(|(x, y)| (y, x, *id))).collect();
        slots.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let order: Vec<&str> = slots.iter().map(|slot| slot.2).collect();
        assert_eq!(order, expected, "{arrival:?}");
    }
}

#[test]
fn the_members_within_an_area_are_those_a_scan_finds_there() {
    // 2 groups; one of 1,000 nodes (32 columns), with a few freed slots.
    let mut nodes: Vec<(String, &str)> = (0..1_000).map(|i| (format!("n{i}"), "big")).collect();
    nodes.extend((0..7).map(|i| (format!("s{i}"), "small")));
    let mut layout = Layout::default();
    layout.rebuild(nodes.iter().map(|(id, group)| (id.as_str(), *group)), 2.0);
    for gone in ["n3", "n500", "n999"] {
        layout.remove(gone);
    }
    let within = |area: Rect, (x, y): (f64, f64)| {
        x >= area.x && x <= area.x + area.width && y >= area.y && y <= area.y + area.height
    };
    let areas = [
        // (x, y, width, height): inside the big region, over its corner,
        // a line of slots, wider than everything, off it, empty.
        (200.0, 300.0, 150.0, 90.0),
        (-50.0, -50.0, 120.0, 130.0),
        (0.0, 90.0, 2_000.0, 0.0),
        (-1e6, -1e6, 2e6, 2e6),
        (5e4, 5e4, 100.0, 100.0),
        (400.0, 400.0, 0.0, 0.0),
    ];
    for (x, y, width, height) in areas {
        let area = Rect { x, y, width, height };
        for group in ["big", "small"] {
            let scanned: Vec<(&str, (f64, f64))> = layout.members(group).filter(|(_, at)| within(area, *at)).collect();
            let found = layout.members_within(group, area);
            // Everything a scan finds there, in the scan's order...
            let kept: Vec<(&str, (f64, f64))> = found.iter().copied().filter(|(_, at)| within(area, *at)).collect();
            assert_eq!(kept, scanned, "{group} in {area:?}");
            // ...and nothing more than a slot's spacing (twice) away.
            let near = Rect {
                x: x - 2.0 * SLOT_SPACING,
                y: y - 2.0 * SLOT_SPACING,
                width: width + 4.0 * SLOT_SPACING,
                height: height + 4.0 * SLOT_SPACING,
            };
            for (id, at) in &found {
                assert!(within(near, *at), "{id} at {at:?} is far from {area:?}");
                assert_eq!(layout.position(id), Some(*at), "{id}");
                assert_eq!(layout.group_of(id), Some(group));
            }
        }
    }
    // Every node of a group, wherever the area: the whole region.
    let all = Rect { x: -1e6, y: -1e6, width: 2e6, height: 2e6 };
    assert_eq!(layout.members_within("big", all).len(), 997);
    assert_eq!(layout.members_within("absent", all).len(), 0);
    let (group, slot) = layout.slot_of("n10").expect("placed");
    assert_eq!(layout.grid(group).map(|grid| grid.position(slot)), layout.position("n10"));
}
