//! Named bounds on everything the client keeps. Each is part of the contract
//! in PROTOCOL.md or protects memory against an endless or hostile stream.

/// Events kept per project view (newest first when shown).
pub const MAX_EVENTS: usize = 2000;
/// Points kept per chart series (oldest to newest).
pub const MAX_POINTS_PER_SERIES: usize = 600;
/// Complete log lines kept per node (oldest to newest).
pub const MAX_LOG_LINES_PER_NODE: usize = 1000;
/// Log lines kept across all nodes; past it the oldest lines overall go
/// first (so thousands of chatty nodes cannot take 1000 lines each).
pub const MAX_LOG_LINES_TOTAL: usize = 100_000;
/// A single log line is cut to at most this many bytes (at a char boundary).
pub const MAX_LOG_LINE_BYTES: usize = 16 * 1024;
/// A text frame larger than this is dropped and counted, never parsed.
pub const MAX_FRAME_BYTES: usize = 4 * 1024 * 1024;
/// Distinct chart series kept; points for further series are dropped and counted.
pub const MAX_CHART_SERIES: usize = 1024;
/// Distinct per-node logs kept; chunks for further nodes are dropped and counted.
pub const MAX_LOG_STREAMS: usize = 100_000;
/// Bytes of the node ids that own a log, together (ids may be 1 KiB each);
/// chunks that would start a log past it are dropped and counted.
pub const MAX_LOG_OWNER_ID_BYTES_TOTAL: usize = 16 * 1024 * 1024;
/// Graph changes (node/edge upserts and removals) one diff carries at most;
/// the rest follow in the next diffs, oldest first. Bounds the UI's work per
/// diff whatever the rate or graph size (a 10,000-node snapshot takes a few
/// ticks to arrive in full, nodes first).
pub const MAX_GRAPH_CHANGES_PER_DIFF: usize = 4000;

/// The diff interval the worker uses unless told otherwise.
pub const DEFAULT_FLUSH_INTERVAL_MILLIS: u32 = 250;
/// The shortest and longest diff intervals a setting may ask for.
pub const FLUSH_INTERVAL_MILLIS_RANGE: std::ops::RangeInclusive<u32> = 16..=10_000;
/// An open link silent this long is shown as quiet, unless told otherwise.
pub const DEFAULT_IDLE_LIMIT_MILLIS: u32 = 15_000;
/// The idle limits a setting may ask for: from one second to one hour.
pub const IDLE_LIMIT_MILLIS_RANGE: std::ops::RangeInclusive<u32> = 1_000..=3_600_000;

/// An event message is cut to at most this many bytes (at a char boundary).
pub const MAX_EVENT_MESSAGE_BYTES: usize = 16 * 1024;
/// Ids (nodes, edges, edge endpoints, log owners) and chart series names
/// longer than this make their message a bad-fields error.
pub const MAX_ID_BYTES: usize = 1024;
/// Bytes of log text kept across all nodes, complete lines and unfinished
/// tails together; past it the oldest lines overall go first.
pub const MAX_LOG_BYTES_TOTAL: usize = 32 * 1024 * 1024;
/// Of those, the bytes unfinished lines may hold together; past it the
/// node whose tail grew drops that tail (and the rest of that line), so
/// stale tails can never crowd out complete lines.
pub const MAX_LOG_PARTIAL_BYTES_TOTAL: usize = MAX_LOG_BYTES_TOTAL / 4;
/// Numeric edge stats beyond the four named ones kept per edge (by name
/// order); further ones are dropped and counted.
pub const MAX_EXTRA_EDGE_STATS: usize = 32;

/// How far back the time-travel history reaches by default (15 minutes),
/// and its bounds in `config.json` and the URL.
pub const DEFAULT_HISTORY_MAX_AGE_MILLIS: u64 = 15 * 60 * 1000;
/// `historyMinutes` in `config.json` and the URL.
pub const HISTORY_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=360;
/// Bytes the history may hold by default (checkpoints and inputs), and the
/// most a deployment may allow.
pub const DEFAULT_HISTORY_MAX_BYTES: u64 = 64 * 1024 * 1024;
/// `historyMiB` in `config.json` and the URL (0 turns time travel off).
pub const HISTORY_MIB_RANGE: std::ops::RangeInclusive<u32> = 0..=1024;
/// Marks on the timeline (disconnections, gaps, error bursts).
pub const MAX_HISTORY_MARKS: usize = 512;

/// A session file (compressed) may be at most this large, its body at most
/// this large once decompressed, and its metadata this large.
pub const MAX_SESSION_FILE_BYTES: usize = 256 * 1024 * 1024;
pub const MAX_SESSION_BODY_BYTES: usize = 1024 * 1024 * 1024;
pub const MAX_SESSION_META_BYTES: usize = 64 * 1024;
