//! Installs what the build needs, idempotently and at pinned versions:
//! the wasm target, trunk 0.21, wasm-bindgen-cli at the version Cargo.lock
//! locks, binaryen 132's wasm-opt from npm, Debian's Chromium with its
//! driver for browser tests, and Debian's redis-server for the Redis-mode
//! tests. Nothing downloads a browser or a prebuilt tool.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::{output, run, Failure};

/// trunk 0.22 needs a newer rustc than ours.
const TRUNK_VERSION_REQ: &str = "^0.21";
const TRUNK_VERSION_PREFIX: &str = "trunk 0.21.";
/// npm's binaryen; Debian's 108 silently breaks wasm-bindgen output.
const BINARYEN_NPM: &str = "binaryen@132";
const WASM_OPT_VERSION: &str = "version 132";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Where npm-installed tools live (inside target/, rebuilt when missing).
pub fn tools_dir(root: &Path) -> PathBuf {
    root.join("target").join("tools")
}

/// PATH with the pinned tools first.
pub fn tool_path(root: &Path) -> String {
    let mut parts = vec![tools_dir(root).join("node_modules").join(".bin")];
    if let Some(home) =
        std::env::var_os("CARGO_HOME").map(PathBuf::from).or_else(|| home_dir().map(|h| h.join(".cargo")))
    {
        parts.push(home.join("bin"));
    }
    let current = std::env::var_os("PATH").unwrap_or_default();
    parts.extend(std::env::split_paths(&current));
    std::env::join_paths(parts).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

/// Everything needed to build the dashboard.
pub fn ensure_build_tools(root: &Path) -> Result<(), Failure> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen(root)?;
    ensure_trunk(root)?;
    ensure_wasm_opt(root)
}

fn ensure_wasm_target() -> Result<(), Failure> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    run("add the wasm target", Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_trunk(root: &Path) -> Result<(), Failure> {
    let version = output(Command::new("trunk").arg("--version").env("PATH", tool_path(root))).unwrap_or_default();
    if version.trim().starts_with(TRUNK_VERSION_PREFIX) {
        return Ok(());
    }
    println!("installing trunk {TRUNK_VERSION_REQ} (several minutes, once)");
    run("install trunk", Command::new("cargo").args(["install", "trunk", "--version", TRUNK_VERSION_REQ, "--locked"]))
}

/// The wasm-bindgen version Cargo.lock locks; the CLI must match exactly.
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String, Failure> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| Failure(format!("cannot read Cargo.lock: {e}")))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err(Failure("Cargo.lock has no wasm-bindgen".into()))
}

fn ensure_wasm_bindgen(root: &Path) -> Result<(), Failure> {
    let wanted = locked_wasm_bindgen_version(root)?;
    let version =
        output(Command::new("wasm-bindgen").arg("--version").env("PATH", tool_path(root))).unwrap_or_default();
    let runner = output(Command::new("wasm-bindgen-test-runner").arg("--version").env("PATH", tool_path(root)));
    if version.split_whitespace().nth(1) == Some(wanted.as_str()) && runner.is_ok() {
        return Ok(());
    }
    println!("installing wasm-bindgen-cli {wanted} (a few minutes, once)");
    // Not --locked: its lockfile wants a crate version the registry here lacks.
    run(
        "install wasm-bindgen-cli",
        Command::new("cargo").args(["install", "wasm-bindgen-cli", "--force", "--version", &format!("={wanted}")]),
    )
}

fn ensure_wasm_opt(root: &Path) -> Result<(), Failure> {
    let dir = tools_dir(root);
    let wasm_opt = dir.join("node_modules").join(".bin").join("wasm-opt");
    let version = output(Command::new(&wasm_opt).arg("--version")).unwrap_or_default();
    if version.contains(WASM_OPT_VERSION) {
        return Ok(());
    }
    std::fs::create_dir_all(&dir).map_err(|e| Failure(format!("cannot create {}: {e}", dir.display())))?;
    run(
        "install wasm-opt (npm binaryen 132)",
        Command::new("npm").args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(&dir).arg(BINARYEN_NPM),
    )
}

/// Debian's Chromium and ChromeDriver, installed when missing and root.
pub fn ensure_chromium() -> Result<(), Failure> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install("browser tests need Debian's Chromium", &["chromium", "chromium-driver"])
}

/// Debian's redis-server (7.x) for the Redis-mode tests, installed when
/// missing and root. The tests start and stop their own servers
/// (`xtask::redis`); nothing is left running.
pub fn ensure_redis() -> Result<(), Failure> {
    if output(Command::new(xtask::redis::REDIS_SERVER).arg("--version")).is_ok() {
        return Ok(());
    }
    apt_install("the Redis-mode tests need Debian's redis-server", &["redis-server"])
}

fn apt_install(why: &str, packages: &[&str]) -> Result<(), Failure> {
    let uid = output(Command::new("id").arg("-u")).unwrap_or_default();
    let install = format!("apt-get update && apt-get install -y {}", packages.join(" "));
    if uid.trim() != "0" {
        return Err(Failure(format!("{why}; as root run: {install}")));
    }
    run("apt-get update", Command::new("apt-get").arg("update").arg("-qq"))?;
    run(
        &format!("install {}", packages.join(" ")),
        Command::new("apt-get").args(["install", "-y", "-qq"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive"),
    )
}
