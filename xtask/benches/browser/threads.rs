//! Where the machine's cores go during a row, from Linux's own accounting
//! per thread (`/proc/<pid>/task/<tid>/schedstat`: nanoseconds on a core,
//! then nanoseconds runnable but waiting for one).
//!
//! Chromium's task durations (`split.rs`) are wall time: a main-thread task
//! that the scheduler sets aside for the worker or the feed counts its wait.
//! On a machine with two cores, both busy at full speed, that wait can be a
//! large part of "main thread busy"; these figures tell the two apart.

use std::collections::HashMap;
use std::fs;
use std::time::Instant;

/// Whose thread it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The page's main thread (the renderer process running our worker).
    PageMain,
    /// The page's stream worker (ingest, reducer, diffs).
    PageWorker,
    /// The page's paint worker (the topology's canvas).
    PaintWorker,
    /// The page's renderer, other threads (compositor, IO, pools).
    PageOther,
    /// Every other Chromium process (browser, GPU/viz, network, driver).
    Chromium,
    /// This process: the feed serving the stream, and the bench itself.
    Feed,
}

const ROLES: [Role; 6] =
    [Role::PageMain, Role::PageWorker, Role::PaintWorker, Role::PageOther, Role::Chromium, Role::Feed];

/// Nanoseconds (on a core, waiting for one) per role at one moment.
pub struct Sample {
    at: Instant,
    threads: HashMap<(u32, u32), (Role, u64, u64)>,
    /// The whole machine's (busy, all) time in clock ticks (`/proc/stat`).
    machine: (u64, u64),
}

/// Shares of one core over an interval, per role: (running, waiting).
pub struct Cores {
    pub shares: Vec<(Role, f64, f64)>,
    /// The machine's busy time, in cores (of `cores`), anyone's.
    pub machine_busy: f64,
    pub cores: usize,
}

impl Cores {
    pub fn of(&self, role: Role) -> (f64, f64) {
        self.shares.iter().find(|(r, ..)| *r == role).map_or((0.0, 0.0), |(_, run, wait)| (*run, *wait))
    }

    /// One line for the printout (percent of one core).
    pub fn line(&self) -> String {
        let part = |label: &str, role: Role| {
            let (run, wait) = self.of(role);
            format!("{label} {:.1} % (+{:.1} % waiting)", run * 100.0, wait * 100.0)
        };
        let total: f64 = self.shares.iter().map(|(_, run, _)| run).sum();
        format!(
            "cores: {}, {}, {}, {}, {}, {}; {:.0} % of one core in all; the machine {:.0} % busy of {} %",
            part("page main thread", Role::PageMain),
            part("its stream worker", Role::PageWorker),
            part("paint worker", Role::PaintWorker),
            part("renderer's others", Role::PageOther),
            part("rest of Chromium", Role::Chromium),
            part("feed", Role::Feed),
            total * 100.0,
            self.machine_busy * 100.0,
            self.cores * 100,
        )
    }
}

fn read(path: &str) -> Option<String> {
    fs::read_to_string(path).ok()
}

/// (on-core ns, waiting ns) of one thread.
fn schedstat(pid: u32, tid: u32) -> Option<(u64, u64)> {
    let text = read(&format!("/proc/{pid}/task/{tid}/schedstat"))?;
    let mut fields = text.split_whitespace().map(str::parse::<u64>);
    Some((fields.next()?.ok()?, fields.next()?.ok()?))
}

fn numbers_in(dir: &str) -> Vec<u32> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect()
}

fn comm(pid: u32, tid: u32) -> String {
    read(&format!("/proc/{pid}/task/{tid}/comm")).unwrap_or_default().trim().to_owned()
}

/// (busy, all) clock ticks of every core so far: user, nice, system,
/// irq, softirq and steal are busy; idle and iowait are not.
fn machine_ticks() -> (u64, u64) {
    let stat = read("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> =
        stat.lines().next().unwrap_or_default().split_whitespace().skip(1).filter_map(|t| t.parse().ok()).collect();
    let all: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    (all - idle, all)
}

/// Every thread of Chromium, its driver and this process, by role, now.
pub fn sample() -> Sample {
    let own = std::process::id();
    let mut threads = HashMap::new();
    for pid in numbers_in("/proc") {
        let cmdline = read(&format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let chromium = cmdline.contains("chromium") || cmdline.contains("chromedriver");
        if pid != own && !chromium {
            continue;
        }
        let tids = numbers_in(&format!("/proc/{pid}/task"));
        // Both workers' threads have the same name: the stream worker is
        // started first (before the topology mounts), so its thread is the
        // older one, with the lower id.
        let workers: Vec<u32> = tids.iter().copied().filter(|&t| comm(pid, t).starts_with("DedicatedWorker")).collect();
        let stream_worker = workers.iter().min().copied();
        let page = cmdline.contains("--type=renderer") && stream_worker.is_some();
        for tid in tids {
            let role = match (pid == own, page) {
                (true, _) => Role::Feed,
                (false, false) => Role::Chromium,
                (false, true) if tid == pid => Role::PageMain,
                (false, true) if Some(tid) == stream_worker => Role::PageWorker,
                (false, true) if workers.contains(&tid) => Role::PaintWorker,
                (false, true) => Role::PageOther,
            };
            if let Some((run, wait)) = schedstat(pid, tid) {
                threads.insert((pid, tid), (role, run, wait));
            }
        }
    }
    Sample { at: Instant::now(), threads, machine: machine_ticks() }
}

/// What each role used between two samples (a thread born in between
/// counts from zero; one that ended is not counted).
pub fn between(before: &Sample, after: &Sample) -> Cores {
    let wall_ns = after.at.duration_since(before.at).as_nanos().max(1) as f64;
    let mut sums: HashMap<Role, (u64, u64)> = HashMap::new();
    for (key, (role, run, wait)) in &after.threads {
        let (run0, wait0) = before.threads.get(key).map_or((0, 0), |(_, r, w)| (*r, *w));
        let sum = sums.entry(*role).or_default();
        sum.0 += run.saturating_sub(run0);
        sum.1 += wait.saturating_sub(wait0);
    }
    let shares = ROLES
        .iter()
        .map(|role| {
            let (run, wait) = sums.get(role).copied().unwrap_or_default();
            (*role, run as f64 / wall_ns, wait as f64 / wall_ns)
        })
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let (busy, all) = (after.machine.0 - before.machine.0, after.machine.1 - before.machine.1);
    let machine_busy = busy as f64 / all.max(1) as f64 * cores as f64;
    Cores { shares, machine_busy, cores }
}
