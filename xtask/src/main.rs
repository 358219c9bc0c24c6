//! `cargo xtask <command>`: the project's developer commands.
//!   dev    build the dashboard and run it against a live simulated feed
//!   test   every check: fmt, clippy (host + wasm), native tests, browser
//!          tests, release build, end-to-end suite
//!   bench  benchmarks (native reducer; see BENCHMARKS.md)
//!   setup  install the pinned toolchain pieces only
//!   csp    print the strict Content-Security-Policy for the built dist/
// Native only: std::time::Instant is fine here (it is banned for wasm code).
#![allow(clippy::disallowed_methods)]

mod run;
mod steps;
mod tools;

use std::path::PathBuf;

use run::Failure;

const USAGE: &str = "usage: cargo xtask <dev [--port N] | test | bench | setup | csp [--connect ORIGIN]... [--frame-ancestor ORIGIN]...>";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("dev") => steps::dev(&root, port_arg(&args)),
        Some("test") => steps::test(&root),
        Some("bench") => steps::bench(&root, args.get(1..).unwrap_or_default()),
        Some("csp") => print_csp(&root, args.get(1..).unwrap_or_default()),
        Some("setup") => tools::ensure_build_tools(&root)
            .and_then(|()| tools::ensure_chromium())
            .and_then(|()| tools::ensure_redis()),
        _ => Err(Failure(USAGE.into())),
    };
    if let Err(Failure(why)) = result {
        eprintln!("xtask: {why}");
        std::process::exit(1);
    }
}

/// Prints the strict CSP for the built dist/ (build it first).
fn print_csp(root: &std::path::Path, args: &[String]) -> Result<(), Failure> {
    let index = std::fs::read_to_string(root.join("dist/index.html")).map_err(|e| {
        Failure(format!("no dist/index.html ({e}): run `cargo xtask dev` or `trunk build --release` first"))
    })?;
    let values = |flag: &str| -> Vec<&str> {
        args.windows(2)
            .filter(|pair| pair.first().is_some_and(|f| f == flag))
            .filter_map(|pair| pair.get(1))
            .map(String::as_str)
            .collect()
    };
    let policy = xtask::csp::try_policy(&index, &values("--connect"), &values("--frame-ancestor")).map_err(Failure)?;
    println!("{policy}");
    Ok(())
}

fn port_arg(args: &[String]) -> u16 {
    args.iter().position(|a| a == "--port").and_then(|i| args.get(i + 1)).and_then(|p| p.parse().ok()).unwrap_or(8080)
}

fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}
