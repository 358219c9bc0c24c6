//! The steps behind `dev`, `test` and `bench`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::run::{run, Failure};
use crate::tools::{self, tool_path, CHROMEDRIVER};

/// Builds the release dashboard into `dist/`.
pub fn build_dist(root: &Path) -> Result<(), Failure> {
    tools::ensure_build_tools(root)?;
    run(
        "trunk build --release",
        Command::new("trunk")
            .args(["build", "--release"])
            .current_dir(root)
            .env("PATH", tool_path(root))
            .env("TRUNK_SKIP_VERSION_CHECK", "true"),
    )
}

/// Builds, then serves the dashboard and a simulated feed on one port.
pub fn dev(root: &Path, port: u16) -> Result<(), Failure> {
    build_dist(root)?;
    run("build the feed", Command::new("cargo").args(["build", "--release", "-p", "feed"]).current_dir(root))?;
    println!("\nmeshview: open http://127.0.0.1:{port}/   (serverless demo: http://127.0.0.1:{port}/?demo)\n");
    run(
        "feed",
        Command::new(root.join("target/release/feed"))
            .args(["--addr", &format!("127.0.0.1:{port}"), "--serve"])
            .arg(root.join("dist"))
            .args(["--nodes", "80", "--rate", "300"]),
    )
}

/// Every check, in order of cost; stops at the first failure.
pub fn test(root: &Path) -> Result<(), Failure> {
    let start = Instant::now();
    tools::ensure_build_tools(root)?;
    tools::ensure_chromium()?;
    tools::ensure_redis()?;
    let cargo = |args: &[&str]| {
        let mut command = Command::new("cargo");
        command.args(args).current_dir(root).env("PATH", tool_path(root));
        command
    };
    run("rustfmt check", &mut cargo(&["fmt", "--all", "--", "--check"]))?;
    run("clippy (host)", &mut cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    let wasm = ["--target", "wasm32-unknown-unknown"];
    let deny = ["--", "-D", "warnings"];
    run(
        "clippy (wasm32)",
        &mut cargo(&[&["clippy", "-p", "shared", "-p", "worker", "-p", "app"][..], &wasm, &deny].concat()),
    )?;
    // shared's tests use proptest, which does not build for wasm32; the
    // browser tests of worker and app do.
    run(
        "clippy (wasm32 tests)",
        &mut cargo(&[&["clippy", "-p", "worker", "-p", "app", "--tests"][..], &wasm, &deny].concat()),
    )?;
    run("native tests", &mut cargo(&["test", "--workspace", "--exclude", "xtask"]))?;
    run("xtask unit tests", &mut cargo(&["test", "-p", "xtask", "--lib", "--bins"]))?;
    browser_unit_tests(root, &cargo)?;
    build_dist(root)?;
    // Every integration test of xtask: the end-to-end suites in headless
    // Chromium (one browser at a time), and the tidy checks.
    run(
        "end-to-end suites (headless Chromium) and tidy checks",
        cargo(&["test", "-p", "xtask", "--tests", "--", "--test-threads=1"])
            .env("MESHVIEW_DIST", root.join("dist"))
            .env("CHROMEDRIVER", CHROMEDRIVER),
    )?;
    println!("\nall checks passed in {:.0} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// wasm-bindgen tests in headless Chromium, with a local feed for the
/// worker's socket test.
fn browser_unit_tests(root: &Path, cargo: &dyn Fn(&[&str]) -> Command) -> Result<(), Failure> {
    run("build the feed", &mut cargo(&["build", "-p", "feed"]))?;
    let mut feed = Feed::start(root)?;
    let result = run(
        "browser unit tests (wasm-bindgen-test, headless Chromium)",
        cargo(&["test", "--target", "wasm32-unknown-unknown", "-p", "worker", "-p", "app"])
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env("MESHVIEW_TEST_WS_URL", format!("ws://{}/ws", feed.addr)),
    );
    feed.stop();
    result
}

/// A feed process on a free loopback port, stopped on drop.
struct Feed {
    child: Child,
    addr: String,
}

impl Feed {
    fn start(root: &Path) -> Result<Feed, Failure> {
        let mut child = Command::new(root.join("target/debug/feed"))
            .args(["--addr", "127.0.0.1:0", "--rate", "100"])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| Failure(format!("cannot start the feed: {e}")))?;
        let mut first_line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut first_line);
        }
        // "feed: stream on ws://127.0.0.1:PORT/ws?project=<id>"
        let addr =
            first_line.split("ws://").nth(1).and_then(|rest| rest.split('/').next()).unwrap_or_default().to_owned();
        if addr.is_empty() {
            let _ = child.kill();
            return Err(Failure(format!("the feed did not say where it listens: {first_line:?}")));
        }
        Ok(Feed { child, addr })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Benchmarks: the native reducer and its memory under maximum-size
/// messages, then the browser run (meshview against the reference store
/// and the browser's ceiling). Arguments go to both
/// (`--quick`, a stream name filter).
pub fn bench(root: &Path, args: &[String]) -> Result<(), Failure> {
    if args.iter().any(|a| a == "fanout") {
        return bench_fanout(root, args);
    }
    tools::ensure_chromium()?;
    build_dist(root)?;
    let mut native = Command::new("cargo");
    native.args(["bench", "-p", "shared", "--bench", "reduce", "--"]).args(args.iter().filter(|a| !a.starts_with('-')));
    run("native reducer benchmark", native.current_dir(root))?;
    run(
        "native memory benchmark (maximum-size messages)",
        Command::new("cargo").args(["bench", "-p", "shared", "--bench", "memory"]).current_dir(root),
    )?;
    let mut browser = Command::new("cargo");
    browser
        .args(["bench", "-p", "xtask", "--bench", "browser", "--"])
        .args(args)
        .current_dir(root)
        .env("MESHVIEW_DIST", root.join("dist"))
        .env("CHROMEDRIVER", CHROMEDRIVER);
    run("browser benchmark", &mut browser)
}

/// `bench -- fanout`: WebSocket fan-out, one process against two replicas
/// on Redis (Rust clients; see xtask/benches/fanout).
fn bench_fanout(root: &Path, args: &[String]) -> Result<(), Failure> {
    tools::ensure_redis()?;
    run("build the feed", Command::new("cargo").args(["build", "--release", "-p", "feed"]).current_dir(root))?;
    let mut fanout = Command::new("cargo");
    fanout
        .args(["bench", "-p", "xtask", "--bench", "fanout", "--"])
        .args(args.iter().filter(|a| *a != "fanout" && *a != "--"));
    run("fan-out benchmark", fanout.current_dir(root).env("MESHVIEW_FEED_BIN", root.join("target/release/feed")))
}
