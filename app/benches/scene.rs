//! Native benchmark of one topology frame on the page's main thread: the
//! draw list built from the view, lens and layout (`DrawList::build`), and
//! its bytes for the paint worker (`paint_frame::encode`). A pan or zoom
//! draws one such frame per animation frame, so its cost is what dragging
//! the topology costs the main thread.
//! A 10k-node / 30k-edge mesh (the browser bench's) grouped by kind, on a
//! 920 × 430 canvas (the topology panel of a 1440 × 900 window): fitted
//! (every group a box), one group opened and fitted (its ~1,700 nodes as
//! dots), a node found (its group opened, the view around it at scale 1,
//! as the browser bench's drag row has it), and every group opened
//! (every node a dot); and the same mesh in 60 groups, fitted (boxes and
//! the ~1,700 links between them, routed around the boxes in their way).
//! Run with `cargo bench -p app --bench scene` (`-- one`: the cases whose
//! name has that word).
//! (A benchmark, not a test: figures vary with the machine's load. The page
//! runs the size-tuned wasm build, slower than this.)
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeSet;
use std::time::Instant;

use app::layout::Layout;
use app::lens::Lens;
use app::scene::draw_list::{DrawList, Frame};
use app::scene::ink::Palette;
use app::scene::paint_frame;
use app::scene::viewport::{Point, Size, Viewport};
use shared::diff_budget::DiffBudget;
use shared::sim::{Mix, SimConfig, Simulator};
use shared::{Reducer, View};

const START_MILLIS: i64 = 1_795_719_600_000;
/// The topology canvas of a 1440 × 900 window, in CSS pixels.
const SCREEN: Size = Size { width: 920.0, height: 430.0 };
/// The scale the find box shows a found node at (the topology's
/// `REVEAL_SCALE`, when the view was further out).
const FOUND_SCALE: f64 = 1.0;
/// Frames timed per case (after a tenth as many to warm up).
const FRAMES: usize = 200;

fn main() {
    let (view, lens, layout) = mesh();
    println!(
        "{:<40} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9}",
        "frame (10k nodes, 30k edges)", "p50 ms", "p99 ms", "enc ms", "dots", "segments", "bytes"
    );
    let everything: BTreeSet<String> = layout.regions().map(|(group, _)| group.to_owned()).collect();
    let busiest = layout
        .regions()
        .map(|(group, _)| group.to_owned())
        .max_by_key(|group| layout.n_members(group))
        .expect("the mesh has groups");
    let bounds = |groups: &BTreeSet<String>| {
        let rects = layout.regions().filter(|(group, _)| groups.contains(*group)).map(|(_, rect)| rect);
        rects.fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |(a, b, c, d), r| {
            (a.min(r.x), b.min(r.y), c.max(r.x + r.width), d.max(r.y + r.height))
        })
    };
    let one: BTreeSet<String> = [busiest.clone()].into();
    // A node found with the find box: its group opened, the view centred
    // on it at the find's scale (1), as the browser bench's drag row has it.
    let (_, found) = layout.members(&busiest).next().expect("the group has members");
    let around_found = Viewport {
        scale: FOUND_SCALE,
        offset: Point::new(SCREEN.width / 2.0 - found.0 * FOUND_SCALE, SCREEN.height / 2.0 - found.1 * FOUND_SCALE),
    };
    let many = regrouped(&view, MANY_GROUPS);
    let many_bounds = many.2.bounds().unwrap_or_default();
    let cases = [
        ("fitted, every group a box", BTreeSet::new(), Viewport::fit(bounds(&everything), SCREEN)),
        ("one group opened (fitted to it)", one.clone(), Viewport::fit(bounds(&one), SCREEN)),
        ("a found node's group open, around it", one.clone(), around_found),
        ("every group opened, fitted", everything.clone(), Viewport::fit(bounds(&everything), SCREEN)),
    ];
    // `-- <word>`: only the cases whose name has it.
    let only: Vec<String> = std::env::args().skip(1).filter(|arg| !arg.starts_with('-')).collect();
    for (name, expanded, viewport) in cases {
        if !only.is_empty() && !only.iter().any(|word| name.contains(word.as_str())) {
            continue;
        }
        run(
            name,
            &Frame {
                view: &view,
                layout: &layout,
                lens: &lens,
                viewport: &viewport,
                screen: SCREEN,
                selected: None,
                expanded: &expanded,
                cursor: None,
            },
        );
    }
    let name = "fitted, 60 groups as boxes";
    if only.is_empty() || only.iter().any(|word| name.contains(word.as_str())) {
        let (view, lens, layout) = &many;
        let viewport = Viewport::fit(many_bounds, SCREEN);
        let expanded = BTreeSet::new();
        let frame = Frame {
            view,
            layout,
            lens,
            viewport: &viewport,
            screen: SCREEN,
            selected: None,
            expanded: &expanded,
            cursor: None,
        };
        run(name, &frame);
    }
}

/// Groups in the many-groups case.
const MANY_GROUPS: usize = 60;

/// `view` with its nodes in `n_groups` kinds (by their number), and its
/// lens and layout.
fn regrouped(view: &View, n_groups: usize) -> (View, Lens, Layout) {
    let mut view = view.clone();
    for (index, node) in view.nodes.values_mut().enumerate() {
        node.kind = format!("zone-{}", index % n_groups);
    }
    let mut lens = Lens::default();
    lens.rebuild(&view);
    let mut layout = Layout::default();
    layout
        .rebuild(view.nodes.values().map(|node| (node.id.as_str(), node.kind.as_str())), SCREEN.width / SCREEN.height);
    (view, lens, layout)
}

/// The browser bench's 10k mesh as the page holds it after a snapshot.
fn mesh() -> (View, Lens, Layout) {
    let sim = Simulator::new(SimConfig { n_nodes: 10_000, seed: 7, mix: Mix::Mixed });
    let mut reducer = Reducer::new();
    reducer.apply(sim.snapshot(START_MILLIS), START_MILLIS);
    let (mut budget, mut view) = (DiffBudget::default(), View::default());
    loop {
        let diff = budget.take_diff(&mut reducer);
        if !diff.snapshot_fill {
            break;
        }
        view.apply_diff(diff);
    }
    let mut lens = Lens::default();
    lens.rebuild(&view);
    let mut layout = Layout::default();
    layout
        .rebuild(view.nodes.values().map(|node| (node.id.as_str(), node.kind.as_str())), SCREEN.width / SCREEN.height);
    assert!(view.nodes.len() == 10_000 && view.edges.len() > 29_000, "the bench's mesh");
    (view, lens, layout)
}

fn run(name: &str, frame: &Frame) {
    let palette = Palette::read(|_| "#123456".to_owned());
    let (mut builds, mut encodes) = (Vec::with_capacity(FRAMES), Vec::with_capacity(FRAMES));
    let (mut n_dots, mut n_segments, mut n_bytes) = (0, 0, 0);
    for round in 0..FRAMES + FRAMES / 10 {
        let start = Instant::now();
        let list = DrawList::build(frame);
        let built = start.elapsed().as_secs_f64() * 1e3;
        let bytes = paint_frame::encode(920, 430, 1.0, &palette, &list);
        let encoded = start.elapsed().as_secs_f64() * 1e3 - built;
        if round >= FRAMES / 10 {
            builds.push(built);
            encodes.push(encoded);
        }
        n_dots = list.nodes.iter().chain(&list.faded_nodes).map(|bucket| bucket.centres.len()).sum();
        n_segments = list.edges.iter().map(|bucket| bucket.segments.len()).sum::<usize>() + list.faded_edges.len();
        n_bytes = bytes.len();
    }
    let (p50, p99, encode) = (percentile(&mut builds, 50), percentile(&mut builds, 99), percentile(&mut encodes, 50));
    println!("{name:<40} {p50:>8.2} {p99:>8.2} {encode:>8.2} {n_dots:>8} {n_segments:>9} {n_bytes:>9}");
}

/// The nearest-rank percentile of `samples`.
fn percentile(samples: &mut [f64], p: usize) -> f64 {
    samples.sort_by(f64::total_cmp);
    let rank = (samples.len() * p).div_ceil(100).saturating_sub(1);
    samples.get(rank).copied().unwrap_or(f64::NAN)
}
