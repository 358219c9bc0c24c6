//! The files the browser benchmark serves: its pages, the original
//! design's store when there is one, and the sizes of the built dist/.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::support;

/// The reference store's name in the bench site.
pub const REFERENCE_STORE_FILE: &str = "store.mjs";
/// Where the original design's store is, when not at its default place.
const REFERENCE_STORE_ENV: &str = "MESHVIEW_REFERENCE_STORE";

/// The original design's store: `$MESHVIEW_REFERENCE_STORE`, else the
/// shared reference next to the workspace, if either exists.
fn reference_store(root: &Path) -> Option<PathBuf> {
    let path = match std::env::var_os(REFERENCE_STORE_ENV) {
        Some(path) => PathBuf::from(path),
        None => root.join("../shared/reference/store.mjs"),
    };
    path.is_file().then_some(path)
}

/// target/bench/site: the bench pages, the reference store (when there is
/// one) and zustand from the npm registry.
pub fn prepare_site() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let site = root.join("target/bench/site");
    std::fs::create_dir_all(&site).expect("target/bench/site");
    for page in ["reference.html", "ceiling.html", "ceiling-worker.js"] {
        std::fs::copy(root.join("xtask/benches/pages").join(page), site.join(page)).expect("bench page");
    }
    let _ = std::fs::remove_file(site.join(REFERENCE_STORE_FILE));
    let Some(store) = reference_store(&root) else {
        println!("note: no reference store (set {REFERENCE_STORE_ENV} to its store.mjs): the ref/s and ×ref columns are skipped");
        return site;
    };
    std::fs::copy(&store, site.join(REFERENCE_STORE_FILE)).unwrap_or_else(|e| panic!("{}: {e}", store.display()));
    if !site.join("node_modules/zustand/esm/vanilla.mjs").exists() {
        let status = std::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&site)
            .arg("zustand@5.1.0")
            .status()
            .expect("npm");
        assert!(status.success(), "npm install zustand@5.1.0 failed");
    }
    site
}

/// (file, bytes, gzip bytes) of every file in dist/.
pub fn dist_sizes() -> Vec<(String, u64, u64)> {
    let mut sizes = Vec::new();
    let Ok(entries) = std::fs::read_dir(support::dist()) else { return sizes };
    for entry in entries.flatten() {
        let Ok(bytes) = std::fs::read(entry.path()) else { continue };
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = encoder.write_all(&bytes);
        let gzip = encoder.finish().map(|v| v.len() as u64).unwrap_or(0);
        sizes.push((entry.file_name().to_string_lossy().into_owned(), bytes.len() as u64, gzip));
    }
    sizes.sort();
    sizes
}
