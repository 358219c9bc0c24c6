//! A member of a box: marked, and ringed when selected, below the box's
//! texts, never under them.

use std::collections::BTreeSet;

use shared::Status;

use super::tests::{build, lens_and_layout, mesh};
use super::*;
use crate::scene::plate::text_plate;

#[test]
fn a_member_of_a_box_is_marked_and_ringed_below_its_texts() {
    // api: 300 nodes, every tenth in error from api0, whose place is the
    // region's first (top left, under the box's texts). Fitted on
    // 1200 × 400: a box.
    let nodes: Vec<(String, Status)> =
        (0..300).map(|i| (format!("api{i}"), if i % 10 == 0 { Status::Error } else { Status::Ok })).collect();
    let borrowed: Vec<_> = nodes.iter().map(|(id, status)| (id.as_str(), "api", status.clone())).collect();
    let view = mesh(&borrowed, &[]);
    let scene = lens_and_layout(&view, "", 3.0);
    let screen = Size { width: 1200.0, height: 400.0 };
    let viewport = Viewport::fit(scene.1.bounds().unwrap_or_default(), screen);
    let none = BTreeSet::new();
    let list = build(&view, &scene, &viewport, screen, Some("api0"), &none);
    let Some(api) = list.boxes.first() else { panic!("api is a box: {:?}", list.nodes.len()) };
    let Some(plate) = text_plate(api.rect, true) else { panic!("room for texts: {:?}", api.rect) };
    let (below, bottom) = (plate.y + plate.height, api.rect.y + api.rect.height);
    let Some(place) = scene.1.position("api0") else { panic!("api0 has a place") };
    let place = viewport.to_screen(place.into());
    assert!(place.y < below, "api0's place is under the texts: {place:?}, plate {plate:?}");
    // Every one of the 30 marks in the box, below its texts.
    assert_eq!(api.marks.len(), 30);
    for mark in &api.marks {
        assert!(mark.at.y > below && mark.at.y <= bottom, "{mark:?}, plate {plate:?}, box {:?}", api.rect);
        assert!(mark.at.x >= api.rect.x && mark.at.x <= api.rect.x + api.rect.width, "{mark:?}");
    }
    // api0 selected: ringed at its mark, straight below its place.
    let Some(ring) = list.selection else { panic!("a ring") };
    assert!(ring.centre.y > below && ring.centre.x == place.x, "{ring:?} {place:?}");
    assert!(api.marks.iter().any(|mark| mark.at == ring.centre), "{ring:?}");
}
