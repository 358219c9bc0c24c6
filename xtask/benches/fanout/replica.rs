//! A `feed` replica as its own process (so its CPU can be read from
//! /proc), and the producer's HTTP posts to it.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A running `feed` process; killed on drop.
pub struct Replica {
    child: Child,
    pub addr: SocketAddr,
}

impl Replica {
    /// Starts `feed` with ingest on (and Redis, if given) on a free port.
    pub fn start(feed_bin: &Path, token: &str, redis_url: Option<&str>) -> Replica {
        let mut command = Command::new(feed_bin);
        command.args(["--addr", "127.0.0.1:0", "--ingest-token", token, "--allow-origin", "*"]);
        if let Some(url) = redis_url {
            command.args(["--redis", url]);
        }
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap_or_else(|e| {
            panic!("cannot run {} ({e}); build it: cargo build --release -p feed", feed_bin.display())
        });
        let mut first_line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut first_line);
        }
        // "feed: stream on ws://127.0.0.1:PORT/ws?project=<id>"
        let addr =
            first_line.split("ws://").nth(1).and_then(|rest| rest.split('/').next()).and_then(|a| a.parse().ok());
        let Some(addr) = addr else {
            let _ = child.kill();
            panic!("the feed did not say where it listens: {first_line:?}");
        };
        Replica { child, addr }
    }

    /// CPU seconds (user + system) the process used so far.
    pub fn cpu_secs(&self) -> f64 {
        cpu_secs_of(&self.child.id().to_string())
    }
}

/// CPU seconds (user + system) process `pid` (or `self`) used so far.
pub fn cpu_secs_of(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised name: utime is the 14th, stime the 15th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / CLOCK_TICKS_PER_SEC
}

/// The kernel's USER_HZ, 100 on Linux.
const CLOCK_TICKS_PER_SEC: f64 = 100.0;

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `POST /ingest?project=<project>` with an NDJSON body; the status.
pub async fn post(addr: SocketAddr, project: &str, token: &str, body: &str) -> u16 {
    let Ok(mut stream) = TcpStream::connect(addr).await else { return 0 };
    let head = format!(
        "POST /ingest?project={project} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Connection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(body.as_bytes()).await.is_err() {
        return 0;
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response);
    text.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0)
}

/// The machine's busy and total CPU ticks so far (all cores, /proc/stat),
/// to tell how loaded it was during a run (other work skews the figures).
pub fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let first = stat.lines().next().unwrap_or_default();
    let ticks: Vec<u64> = first.split_whitespace().skip(1).filter_map(|t| t.parse().ok()).collect();
    let total: u64 = ticks.iter().sum();
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    (total - idle, total)
}
