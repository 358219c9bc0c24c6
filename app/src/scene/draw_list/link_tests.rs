//! Links between boxes: routed around the boxes in their way, or across
//! them (drawn under the boxes) when no bow fits on screen.

use std::collections::BTreeSet;

use shared::Status;

use super::tests::{build, lens_and_layout, mesh};
use super::*;

#[test]
fn a_link_past_a_box_between_its_ends_bows_around_it() {
    // Three groups of 200 nodes in one shelf for a 4:1 panel (queue, api,
    // db, by the known kinds' order): a troubled link queue → db runs past
    // api; api → db, neighbours, stays straight.
    let mut nodes: Vec<(String, &str, Status)> = Vec::new();
    for kind in ["api", "db", "queue"] {
        nodes.extend((0..200).map(|i| (format!("{kind}{i}"), kind, Status::Ok)));
    }
    let borrowed: Vec<_> = nodes.iter().map(|(id, kind, status)| (id.as_str(), *kind, status.clone())).collect();
    let edges = [("queue1", "db1", 100.0, Some(0.3)), ("api2", "db2", 100.0, Some(0.0))];
    let view = mesh(&borrowed, &edges);
    let scene = lens_and_layout(&view, "", 4.0);
    // Fitted with room above and below the row (the boxes are 265 px
    // tall): a bow fits on screen.
    let screen = Size { width: 1200.0, height: 600.0 };
    let viewport = Viewport::fit(scene.1.bounds().unwrap_or_default(), screen);
    let none = BTreeSet::new();
    let list = build(&view, &scene, &viewport, screen, None, &none);
    // Fitted to the row's height, no bow fits on screen: the link runs
    // across api (and is drawn under the boxes).
    let tight = Size { width: 1200.0, height: 300.0 };
    let tight_viewport = Viewport::fit(scene.1.bounds().unwrap_or_default(), tight);
    let tight_list = build(&view, &scene, &tight_viewport, tight, None, &none);
    let across: Vec<_> =
        tight_list.links.iter().map(|link| (link.bad, link.across, link.bend.is_some(), link.over_boxes())).collect();
    assert_eq!(across.len(), 2);
    let expected = [(true, true, false, false), (false, false, false, false)];
    assert!(expected.iter().all(|link| across.contains(link)), "{across:?}");
    let rect_of = |group: &str| list.boxes.iter().find(|b| b.group == group).map(|b| b.rect);
    let (Some(api), Some(db), Some(queue)) = (rect_of("api"), rect_of("db"), rect_of("queue")) else {
        panic!("three boxes: {:?}", list.boxes.iter().map(|b| (b.group, b.rect)).collect::<Vec<_>>());
    };
    assert!(queue.x < api.x && api.x < db.x && (db.y - queue.y).abs() < 1.0, "{queue:?} {api:?} {db:?}");
    assert_eq!(list.links.len(), 2, "{:?}", list.links);
    let (bad, good): (Vec<_>, Vec<_>) = list.links.iter().partition(|link| link.bad);
    let (Some(bad), Some(good)) = (bad.first(), good.first()) else { panic!("{:?}", list.links) };
    assert!(good.bend.is_none() && !good.across && !good.over_boxes(), "{good:?}");
    // Bowed clear of api, the troubled link is painted over the boxes.
    assert!(bad.bend.is_some() && !bad.across && bad.over_boxes(), "{bad:?} {queue:?} {api:?} {db:?}");
    // Over 200 points of its curve, none is inside api, and its ends are
    // on queue's and db's outlines.
    for step in 1..200 {
        let at = bad.along(f64::from(step) / 200.0);
        let inside = at.x > api.x && at.x < api.x + api.width && at.y > api.y && at.y < api.y + api.height;
        assert!(!inside, "{at:?} inside api {api:?}");
    }
    let on_outline = |at: Point, r: Rect| {
        let near = |a: f64, b: f64| (a - b).abs() < 0.5;
        (near(at.x, r.x) || near(at.x, r.x + r.width) || near(at.y, r.y) || near(at.y, r.y + r.height))
            && at.x > r.x - 0.5
            && at.x < r.x + r.width + 0.5
            && at.y > r.y - 0.5
            && at.y < r.y + r.height + 0.5
    };
    let ends = [(bad.from, bad.to), (bad.to, bad.from)];
    let joins = ends.iter().any(|(a, b)| on_outline(*a, queue) && on_outline(*b, db));
    assert!(joins, "{bad:?} {queue:?} {db:?}");
}
