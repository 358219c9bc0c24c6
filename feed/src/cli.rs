//! The `feed` command line: flags to a [`FeedConfig`] and [`Guards`]; every
//! value is checked here, so a bad one stops the server before it listens.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};
use shared::sim::Mix;

use crate::{
    check_csp, AllowedOrigins, FeedConfig, Frame, Guards, SimSettings, Source, StreamOptions, CHECKPOINT_INTERVAL_SECS,
    HISTORY_MAX_BYTES, HISTORY_MAX_MESSAGES, MAX_CLIENT_FRAME_BYTES, MAX_INGEST_BODY_BYTES, MAX_LIVE_PROJECTS,
    MAX_PROJECT_ID_BYTES, PROJECT_IDLE_GRACE_SECS, SEND_TIMEOUT_SECS,
};

/// The most messages `--history` accepts per project.
const MAX_HISTORY_MESSAGES_ARG: u64 = 10_000_000;

/// feed: a reference server for the meshview stream protocol.
#[derive(Debug, Parser)]
#[command(name = "feed")]
pub struct Cli {
    /// Listen address (port 0 = any free port).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:9001")]
    addr: SocketAddr,
    /// Run the simulator as each project's producer. The default without
    /// --ingest-token; with it, projects are fed by producers only unless
    /// this is given too.
    #[arg(long)]
    simulate: bool,
    /// Turn on `POST /ingest` for producers that send
    /// `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "TOKEN", env = "MESHVIEW_INGEST_TOKEN", hide_env_values = true, value_parser = token)]
    ingest_token: Option<String>,
    /// Keep the projects' streams in Redis (`redis://HOST:PORT`), shared
    /// by every replica started with the same URL.
    #[arg(long, value_name = "URL", value_parser = redis_url)]
    redis: Option<String>,
    /// Redis mode: seconds between a replica's checkpoints of a project.
    #[arg(long, value_name = "SECS", default_value_t = CHECKPOINT_INTERVAL_SECS,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    checkpoint_secs: u64,
    /// Messages each project keeps for resuming clients (the streams'
    /// MAXLEN in Redis mode).
    #[arg(long, value_name = "N", default_value_t = HISTORY_MAX_MESSAGES as u64,
          value_parser = clap::value_parser!(u64).range(1..=MAX_HISTORY_MESSAGES_ARG))]
    history: u64,
    /// Nodes in each project's simulated mesh.
    #[arg(long, value_name = "N", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    nodes: u32,
    /// Messages per second per project.
    #[arg(long, value_name = "N", default_value_t = 200.0, value_parser = non_negative)]
    rate: f64,
    /// Messages per frame; more than 1 sends JSON-array frames.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    batch: u32,
    /// Simulator seed.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// What the simulator sends.
    #[arg(long, value_enum, default_value_t = MixArg::Mixed)]
    mix: MixArg,
    /// Send FILE's lines as frames (one frame per line) instead.
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,
    /// Replay pace in frames per second (0 = unpaced).
    #[arg(long, value_name = "N", default_value_t = 1000.0, value_parser = non_negative)]
    frame_rate: f64,
    /// Also serve the built dashboard from DIR.
    #[arg(long, value_name = "DIR")]
    serve: Option<PathBuf>,
    /// Serve DIR under this sub-path.
    #[arg(long, value_name = "PATH", default_value = "/")]
    base: String,
    /// Send this Content-Security-Policy with served files (one line of
    /// printable ASCII; anything else is an error at start).
    #[arg(long, value_name = "POLICY", value_parser = csp)]
    csp: Option<String>,
    /// Allow WebSocket upgrades from this origin (http(s)://host[:port]);
    /// repeatable; `*` allows any. Given, the list replaces the default:
    /// the server's own origin and loopback origins.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MixArg {
    /// Every message type.
    Mixed,
    /// Mostly events and logs.
    Events,
}

impl Cli {
    /// The command with its help (limits and close codes named from the
    /// constants, so the help cannot drift from the code).
    pub fn command() -> clap::Command {
        <Cli as CommandFactory>::command().after_help(after_help())
    }

    /// Parses `args` (the first is the program name); an error carries
    /// clap's message (and `--help` is an "error" that prints the help).
    pub fn try_parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Cli, clap::Error> {
        let matches = Cli::command().try_get_matches_from(args)?;
        Cli::from_arg_matches(&matches)
    }

    /// The server's configuration; reads the replay file.
    pub fn into_config(self) -> Result<(FeedConfig, Guards, StreamOptions), String> {
        let guards = Guards { allowed_origins: AllowedOrigins::from_values(&self.allow_origins)?, ..Guards::default() };
        let settings = SimSettings {
            n_nodes: self.nodes as usize,
            messages_per_sec: self.rate,
            batch: self.batch as usize,
            seed: self.seed,
            mix: match self.mix {
                MixArg::Mixed => Mix::Mixed,
                MixArg::Events => Mix::EventsAndLogs,
            },
        };
        let source = match self.replay {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|e| format!("--replay {}: {e}", path.display()))?;
                let frames =
                    text.lines().filter(|line| !line.is_empty()).map(|line| Frame::Text(line.to_owned())).collect();
                Source::Replay { frames: Arc::new(frames), frames_per_sec: self.frame_rate }
            }
            None if self.simulate || (self.ingest_token.is_none() && self.redis.is_none()) => {
                Source::Simulated(settings)
            }
            None => Source::Ingested,
        };
        let history_max_messages = usize::try_from(self.history).unwrap_or(HISTORY_MAX_MESSAGES);
        let options = StreamOptions {
            ingest_token: self.ingest_token,
            history_max_messages,
            redis_url: self.redis,
            checkpoint_interval: std::time::Duration::from_secs(self.checkpoint_secs),
        };
        let base_path = if self.base.starts_with('/') { self.base } else { format!("/{}", self.base) };
        let config = FeedConfig { addr: self.addr, source, serve_dir: self.serve, base_path, csp: self.csp };
        Ok((config, guards, options))
    }
}

fn after_help() -> String {
    format!(
        "WebSocket: GET /ws?project=<id> (no or an empty id: `default`).
  An upgrade whose Origin is not allowed gets HTTP 403 (no Origin: allowed).
  A project id is 1 to {MAX_PROJECT_ID_BYTES} bytes of A-Z a-z 0-9 . _ -; any other is closed
  with 4002 and a reason right after the upgrade (a browser page sees a close
  code and reason, never the status of a refused upgrade).
  At most {MAX_LIVE_PROJECTS} projects run at once; one more is closed with 1013 (try again
  later). A project stops {PROJECT_IDLE_GRACE_SECS} s after its last client left.
  A client that does not take a frame within {SEND_TIMEOUT_SECS} s, or falls behind the
  stream's backlog, is closed with 4001. A client frame over {} KiB is
  closed with 1009.
  Every message gets `pos` (<epoch>:<offset>) and `seq`; a client that comes
  back with `&since=<pos>` gets `resumed` and what it missed, if the project
  still holds it (the newest --history messages, at most {} MiB), else a
  snapshot.

Ingest: POST /ingest?project=<id> with `Authorization: Bearer <token>`, a body
  of NDJSON or one JSON array of at most {} MiB. Off (404) without
  --ingest-token; 401 without the right token, 413 over the size, 200 with
  {{\"accepted\":N,\"rejected\":[{{\"index\":I,\"error\":\"...\"}}]}}.

Redis (--redis): every replica on the same Redis serves the same projects;
  positions are assigned in Redis, so a client resumes on any replica. While
  Redis is away, replicas keep their clients and last state and /healthz
  says degraded. GET /healthz (JSON) and GET /metrics (Prometheus text).",
        MAX_CLIENT_FRAME_BYTES / 1024,
        HISTORY_MAX_BYTES >> 20,
        MAX_INGEST_BODY_BYTES >> 20,
    )
}

fn redis_url(text: &str) -> Result<String, String> {
    match text.strip_prefix("redis://") {
        Some(rest) if !rest.is_empty() => Ok(text.to_owned()),
        _ => Err("a Redis URL is redis://HOST:PORT".into()),
    }
}

fn token(text: &str) -> Result<String, String> {
    match text.trim() {
        "" => Err("an empty token".into()),
        token if token.bytes().all(|b| b.is_ascii_graphic()) => Ok(token.to_owned()),
        _ => Err("a token is printable ASCII without spaces".into()),
    }
}

fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(value),
        _ => Err(format!("{text:?} is not a number >= 0")),
    }
}

fn csp(text: &str) -> Result<String, String> {
    check_csp(text).map(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Origin;

    fn parse(args: &[&str]) -> Result<(FeedConfig, Guards, StreamOptions), String> {
        let args = std::iter::once("feed").chain(args.iter().copied()).map(str::to_owned);
        Cli::try_parse_args(args).map_err(|e| e.to_string())?.into_config()
    }

    #[test]
    fn defaults_match_the_old_command_line() {
        let (config, guards, options) = parse(&[]).unwrap();
        assert_eq!((options.ingest_token, options.history_max_messages), (None, HISTORY_MAX_MESSAGES));
        assert_eq!(config.addr, "127.0.0.1:9001".parse().unwrap());
        assert_eq!(config.base_path, "/");
        assert_eq!(config.csp, None);
        assert_eq!(guards.allowed_origins, AllowedOrigins::SameHostOrLoopback);
        let Source::Simulated(settings) = config.source else { panic!("not simulated") };
        assert_eq!((settings.n_nodes, settings.messages_per_sec, settings.batch), (60, 200.0, 1));
        let (config, _, _) = parse(&["--nodes", "80", "--rate", "300", "--base", "dash/", "--mix", "events"]).unwrap();
        assert_eq!(config.base_path, "/dash/");
        let Source::Simulated(settings) = config.source else { panic!("not simulated") };
        assert_eq!((settings.n_nodes, settings.messages_per_sec), (80, 300.0));
        assert!(matches!(settings.mix, Mix::EventsAndLogs));
    }

    #[test]
    fn allow_origin_is_repeatable_and_checked() {
        let (_, guards, _) =
            parse(&["--allow-origin", "https://a.example", "--allow-origin", "http://b:8080"]).unwrap();
        let expected = ["https://a.example", "http://b:8080"].map(|o| Origin::parse(o).unwrap()).to_vec();
        assert_eq!(guards.allowed_origins, AllowedOrigins::List(expected));
        let (_, guards, _) = parse(&["--allow-origin", "*"]).unwrap();
        assert_eq!(guards.allowed_origins, AllowedOrigins::Any);
        assert!(parse(&["--allow-origin", "a.example"]).is_err());
        assert!(parse(&["--allow-origin", "https://a.example/path"]).is_err());
    }

    #[test]
    fn a_bad_value_is_an_error() {
        for args in [
            &["--csp", ""][..],
            &["--csp", "default-src 'self'\nX-Evil: 1"],
            &["--csp", "default-src 'self'\r"],
            &["--nodes", "0"],
            &["--rate", "-1"],
            &["--rate", "NaN"],
            &["--mix", "other"],
            &["--addr", "localhost"],
            &["--unknown", "1"],
            &["--replay", "/nonexistent/meshview-feed-replay"],
            &["--ingest-token", ""],
            &["--ingest-token", "two words"],
            &["--history", "0"],
            &["--redis", "localhost:6379"],
            &["--checkpoint-secs", "0"],
        ] {
            assert!(parse(args).is_err(), "{args:?} accepted");
        }
        let (config, _, _) = parse(&["--csp", "default-src 'self'"]).unwrap();
        assert_eq!(config.csp.as_deref(), Some("default-src 'self'"));
    }

    #[test]
    fn a_token_turns_ingest_on_and_the_simulator_off_unless_asked() {
        let (config, _, options) = parse(&["--ingest-token", "t0k", "--history", "500"]).unwrap();
        assert!(matches!(config.source, Source::Ingested));
        assert_eq!((options.ingest_token.as_deref(), options.history_max_messages), (Some("t0k"), 500));
        assert!(!format!("{options:?}").contains("t0k"), "the token shows in Debug");
        let (config, _, _) = parse(&["--ingest-token", "t0k", "--simulate"]).unwrap();
        assert!(matches!(config.source, Source::Simulated(_)));
        let (config, _, options) = parse(&["--redis", "redis://127.0.0.1:6380", "--checkpoint-secs", "2"]).unwrap();
        assert!(matches!(config.source, Source::Ingested), "a Redis replica simulates only when asked");
        assert_eq!(options.redis_url.as_deref(), Some("redis://127.0.0.1:6380"));
        assert_eq!(options.checkpoint_interval, std::time::Duration::from_secs(2));
    }

    #[test]
    fn help_names_the_limits() {
        let help = Cli::command().render_long_help().to_string();
        for text in [
            "--allow-origin",
            "403",
            "4002",
            "1013",
            "4001",
            "1009",
            "64 KiB",
            "30 s",
            "1 to 64 bytes",
            "since",
            "401",
            "413",
            "4 MiB",
        ] {
            assert!(help.contains(text), "help lacks {text:?}:\n{help}");
        }
    }
}
