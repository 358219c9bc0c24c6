//! The release build's size, counted as the browser bench counts it (every
//! file of `dist/`, gzip at the best level): a ratchet, so that no change
//! grows the download unnoticed. The size target is 250 KB; where the
//! bytes are, and what was measured to cut them, is in BENCHMARKS.md.
// Native only: the shared support's waits use std::time::Instant, which is
// fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

#[allow(dead_code)] // each suite uses part of the shared support
mod support;

use std::io::Write;

/// The bound: the build after the last cut (515.1 KB on 2026-12-05, the
/// one-pass codec) and under 1 % of room for ordinary work, raised once by
/// 1 KB for the edges table's sorts and lists that fill their panels
/// (519.5 KB, 2026-12-05 afternoon), and by 1.5 KB for named boxes in
/// narrow panels, sorts kept in the URL and edge rows' whole names as
/// tooltips (521.0 KB, evening; the minified stylesheet paid 1.1 KB of
/// it), and by 1.3 KB for the topology's grouping kept in the URL (522.3
/// KB, 2026-12-05 night; session errors in the file's own words paid 0.3
/// KB of it), and by 0.8 KB for charts drawn at animation frames within a
/// budget (523.1 KB), and by 2.0 KB for a snapshot's fill applied in
/// bounded steps (525.1 KB, 2026-12-05 late), and by 0.4 KB for the
/// layout's sort by natural keys and a reset dropping waiting fill parts
/// (525.5 KB), and by 0.3 KB for a fill's parts leaving the tables'
/// wake-ups to the last (525.8 KB), and by 0.5 KB for the embed API's
/// sorts and grouping, the controls following them (526.3 KB), and by
/// 0.3 KB for a topology frame's edges placed from one map of the dot
/// regions' nodes (526.6 KB; a drag draws a frame per animation frame),
/// and by 1.0 KB for the last picture standing in for the next while the
/// view moves (527.7 KB), and by 1.2 KB for a frame that visits only the
/// nodes on screen, from their regions' grids (528.9 KB; the main thread
/// while dragging around a found node 58 -> 35 %), and by 1.9 KB for
/// links bowed around the boxes in their way and their labels kept off
/// the boxes (531.0 KB; a line across a third box read as that group's
/// trouble), and by 0.6 KB for rates of the connection only and a
/// narrow region's title shortened to fit instead of clipped ("gateway ·
/// 2 of"; 531.6 KB), and by 0.4 KB for a box's marks and selection ring
/// moved below its texts (532.0 KB; a ring on a box's first member sat on
/// the box's name), with 0.2 KB of room. Lower it with every cut.
const MAX_DIST_GZIP_BYTES: u64 = 532_200;

fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("gzip into memory").len() as u64
}

#[test]
fn the_release_build_stays_within_its_size_bound() {
    let dist = support::dist();
    let mut files: Vec<(String, u64)> = std::fs::read_dir(&dist)
        .expect("dist/ is readable")
        .map(|entry| {
            let entry = entry.expect("a dist/ entry");
            let bytes = std::fs::read(entry.path()).expect("a dist/ file is readable");
            (entry.file_name().to_string_lossy().into_owned(), gzip_len(&bytes))
        })
        .collect();
    files.sort_by_key(|(_, gzip)| std::cmp::Reverse(*gzip));
    assert!(
        files.iter().any(|(name, _)| name.ends_with(".wasm")),
        "no wasm module in {}: not a release build",
        dist.display()
    );
    let total: u64 = files.iter().map(|(_, gzip)| gzip).sum();
    let listing: Vec<String> = files.iter().map(|(name, gzip)| format!("{name}: {gzip} B")).collect();
    assert!(
        total <= MAX_DIST_GZIP_BYTES,
        "dist/ is {total} B gzip, over its bound of {MAX_DIST_GZIP_BYTES} B ({})",
        listing.join(", ")
    );
}
