//! The link core, natively: each case is a script of inputs and the actions
//! it must produce, written out as text (`connect <url>`, `send <frame>`,
//! `refused: <why>`, ...). The harness plays the glue: a fake socket that
//! accepts frames (or refuses some, when told), a clock and a fixed random.

use shared::bridge::{LinkConfig, LinkPhase, LinkStatus};
use shared::limits::{DEFAULT_FLUSH_INTERVAL_MILLIS, MAX_FRAME_BYTES};
use shared::DecodeErrorKind;

use super::{Action, LinkCore, Outgoing};
use crate::outbox::MAX_OUTBOX_FRAMES;

/// One input to the core, as the glue would feed it.
#[derive(Debug, Clone)]
enum In {
    Configure(LinkConfig),
    Token(Option<&'static str>),
    Opened,
    /// The socket opens, accepts this many frames, then refuses the rest.
    OpenedRefusingAfter(usize),
    Closed(u16, &'static str),
    Frame(&'static str),
    Send(&'static str),
    Tick,
    /// The clock moves on.
    Wait(f64),
    /// The next draws of randomness return this.
    Random(f64),
    Wake,
    Online(bool),
    Visible(bool),
    Pause,
    Resume,
    RetryNow,
}
use In::*;

const START_MILLIS: f64 = 1_000_000.0;

struct Harness {
    core: LinkCore,
    now_millis: f64,
    unit_random: f64,
    socket_open: bool,
    accepts: Option<usize>,
    log: Vec<String>,
}

fn clock_text(epoch_millis: f64) -> String {
    format!("t{}", epoch_millis / 1000.0)
}

impl Harness {
    fn new() -> Self {
        Harness {
            core: LinkCore::new(clock_text),
            now_millis: START_MILLIS,
            unit_random: 0.5,
            socket_open: false,
            accepts: None,
            log: Vec::new(),
        }
    }

    fn run(&mut self, inputs: &[In]) -> &mut Self {
        for input in inputs {
            self.input(input.clone());
        }
        self
    }

    fn input(&mut self, input: In) {
        let (now, random) = (self.now_millis, self.unit_random);
        let actions = match input {
            Configure(config) => self.core.configure(config, now),
            Token(token) => {
                self.core.set_token(token.map(str::to_owned));
                Vec::new()
            }
            Opened => self.open(None),
            OpenedRefusingAfter(n_accepted) => self.open(Some(n_accepted)),
            Closed(code, reason) => self.core.closed(code, reason, now, random),
            Frame(text) => {
                self.core.frame(text.to_owned(), now);
                Vec::new()
            }
            Send(frame) => self.core.send(frame.to_owned(), self.socket_open),
            Tick => self.core.tick(now, random),
            Wait(millis) => {
                self.now_millis += millis;
                Vec::new()
            }
            Random(unit_random) => {
                self.unit_random = unit_random;
                Vec::new()
            }
            Wake => self.core.wake(crate::policy::WakeReason::PageShown, now, random),
            Online(online) => self.core.set_online(online, now, random),
            Visible(visible) => self.core.set_visible(visible, now, random),
            Pause => self.core.set_paused(true),
            Resume => self.core.set_paused(false),
            RetryNow => self.core.retry_now(),
        };
        self.carry_out(actions);
    }

    fn open(&mut self, accepts: Option<usize>) -> Vec<Action> {
        self.socket_open = true;
        self.accepts = accepts;
        self.core.opened(self.now_millis)
    }

    fn carry_out(&mut self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Connect(url) => {
                    self.socket_open = false;
                    self.log.push(format!("connect {url}"));
                }
                Action::Disconnect => {
                    self.socket_open = false;
                    self.log.push("disconnect".into());
                }
                Action::Flush(outgoing) => {
                    let unsent = outgoing.deliver(|frame| self.fake_send(frame));
                    if !unsent.is_empty() {
                        self.core.requeue(unsent);
                    }
                }
                Action::Send(frame) => {
                    let _ = self.fake_send(&frame);
                }
                Action::PostDiff(_) => self.log.push("diff".into()),
                Action::PostStatus => self.log.push("status".into()),
                Action::Refused(why) => self.log.push(format!("refused: {why}")),
                Action::PostSessionFile { name, bytes } => {
                    self.log.push(format!("session {name} ({} bytes)", bytes.len()))
                }
                Action::SessionError(why) => self.log.push(format!("session error: {why}")),
            }
        }
    }

    fn fake_send(&mut self, frame: &str) -> Result<(), String> {
        match &mut self.accepts {
            Some(0) => {
                self.log.push(format!("socket refuses {frame}"));
                Err("refused".into())
            }
            accepts => {
                if let Some(n) = accepts {
                    *n -= 1;
                }
                self.log.push(format!("send {frame}"));
                Ok(())
            }
        }
    }

    /// What the socket and the UI saw, without the posts of diff and status.
    fn seen(&self) -> Vec<&str> {
        self.log.iter().map(String::as_str).filter(|line| !matches!(*line, "status" | "diff")).collect()
    }

    fn status(&self) -> LinkStatus {
        self.core.status(self.now_millis)
    }
}

/// Runs `inputs` on a fresh core; checks what the socket and UI saw.
fn check(inputs: &[In], expected: &[&str]) {
    let mut harness = Harness::new();
    harness.run(inputs);
    assert_eq!(harness.seen(), expected, "inputs: {inputs:?}");
}

/// Runs `inputs`; checks every action, posts of diff and status included.
fn check_posts(inputs: &[In], expected: &[&str]) {
    let mut harness = Harness::new();
    harness.run(inputs);
    assert_eq!(harness.log, expected, "inputs: {inputs:?}");
}

fn config(project: &str) -> LinkConfig {
    LinkConfig { ws_url: "ws://h/ws".into(), project: project.into(), ..LinkConfig::default() }
}

fn with_token(project: &str, token: &str) -> LinkConfig {
    LinkConfig { token: Some(token.into()), ..config(project) }
}

fn demo() -> LinkConfig {
    LinkConfig { demo: true, ..config("default") }
}

const CONNECT_A: &str = "connect ws://h/ws?project=a";
const CONNECT_B: &str = "connect ws://h/ws?project=b";

fn auth(token: &str) -> String {
    format!(r#"send {{"type":"auth","token":"{token}"}}"#)
}

mod pace;
mod posts;
mod resume;
mod rewind;
mod sends;
mod tokens;
