//! `feed`: the reference stream server. Run `feed --help` for options.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use feed::{Feed, FeedConfig, Frame, SimSettings, Source};
use shared::sim::Mix;

const HELP: &str = "feed: a reference server for the meshview stream protocol

USAGE: feed [OPTIONS]
  --addr HOST:PORT   listen address (default 127.0.0.1:9001; port 0 = any free port)
  --nodes N          nodes in each project's simulated mesh (default 60)
  --rate N           messages per second per project (default 200)
  --batch N          messages per frame; >1 sends JSON-array frames (default 1)
  --seed N           simulator seed (default 1)
  --mix KIND         mixed | events (default mixed)
  --replay FILE      send FILE's lines as frames (one frame per line) instead
  --frame-rate N     replay pace in frames per second (default 1000; 0 = unpaced)
  --serve DIR        also serve the built dashboard from DIR
  --base PATH        serve DIR under this sub-path (default /)
  --csp POLICY       send this Content-Security-Policy with served files";

fn main() {
    let config = match parse(std::env::args().skip(1).collect()) {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!("{HELP}");
            return;
        }
        Err(why) => {
            eprintln!("feed: {why}\n\n{HELP}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("feed: cannot start the runtime: {error}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async move {
        let serving = config.serve_dir.clone();
        let base = config.base_path.clone();
        let feed = match Feed::start(config).await {
            Ok(feed) => feed,
            Err(error) => {
                eprintln!("feed: cannot listen: {error}");
                std::process::exit(1);
            }
        };
        println!("feed: stream on ws://{}/ws?project=<id>", feed.addr);
        if serving.is_some() {
            println!("feed: dashboard on http://{}{base}", feed.addr);
        }
        let _ = tokio::signal::ctrl_c().await;
        feed.stop().await;
    });
}

fn parse(args: Vec<String>) -> Result<Option<FeedConfig>, String> {
    let mut settings = SimSettings::default();
    let mut addr: SocketAddr = ([127, 0, 0, 1], 9001).into();
    let mut replay: Option<PathBuf> = None;
    let mut frames_per_sec = 1000.0;
    let mut serve_dir = None;
    let mut base_path = "/".to_owned();
    let mut csp = None;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<f64>().map_err(|_| format!("{flag} {v}: not a number"));
        match flag.as_str() {
            "--addr" => addr = value.parse().map_err(|_| format!("--addr {value}: not HOST:PORT"))?,
            "--nodes" => settings.n_nodes = number(&value)?.max(1.0) as usize,
            "--rate" => settings.messages_per_sec = number(&value)?.max(0.0),
            "--batch" => settings.batch = number(&value)?.max(1.0) as usize,
            "--seed" => settings.seed = number(&value)? as u64,
            "--mix" => {
                settings.mix = match value.as_str() {
                    "mixed" => Mix::Mixed,
                    "events" => Mix::EventsAndLogs,
                    other => return Err(format!("--mix {other}: expected mixed or events")),
                }
            }
            "--replay" => replay = Some(PathBuf::from(value)),
            "--frame-rate" => frames_per_sec = number(&value)?.max(0.0),
            "--serve" => serve_dir = Some(PathBuf::from(value)),
            "--csp" => csp = Some(value),
            "--base" => base_path = if value.starts_with('/') { value } else { format!("/{value}") },
            other => return Err(format!("unknown option {other}")),
        }
    }
    let source = match replay {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("--replay {}: {e}", path.display()))?;
            let frames =
                text.lines().filter(|line| !line.is_empty()).map(|line| Frame::Text(line.to_owned())).collect();
            Source::Replay { frames: Arc::new(frames), frames_per_sec }
        }
        None => Source::Simulated(settings),
    };
    Ok(Some(FeedConfig { addr, source, serve_dir, base_path, csp }))
}
