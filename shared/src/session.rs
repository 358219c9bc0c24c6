//! Session files: the history window saved to a file and read back, so a
//! moment can be handed to someone else and replayed with no server.
//!
//! Layout: the 16-byte magic `MESHVIEW-SESSION`, the format version (u32,
//! little-endian), the metadata's length (u32 LE) and the metadata as JSON
//! (project, time range, app and format version: readable without
//! decompressing), then the body: its length, an LZ4 block of a bincode
//! record of the oldest checkpoint, every input after it and the
//! timeline's marks, and the block's CRC-32 (it catches corruption; the
//! lengths catch truncation). LZ4 rather than gzip: the worker already
//! packs its history with it, and a second compressor cost the worker's
//! wasm ~45 KB gzip; files are ~2× larger than gzip's. Reading checks every layer and
//! bounds every size before it allocates; the state read is validated
//! (`Reducer::validated`) before anything uses it.

use bincode::Options;
use serde::{Deserialize, Serialize};

use crate::history::{History, Input, Mark};
use crate::limits::{MAX_SESSION_BODY_BYTES, MAX_SESSION_FILE_BYTES, MAX_SESSION_META_BYTES};
use crate::reducer::Reducer;

pub const SESSION_MAGIC: &[u8; 16] = b"MESHVIEW-SESSION";
/// The format this build writes and the newest it reads.
pub const SESSION_FORMAT_VERSION: u32 = 1;
/// The file name's extension.
pub const SESSION_EXTENSION: &str = "meshview";

/// The body's checksum: CRC-32 (ISO-HDLC, as zlib and PNG), one table of
/// 256 entries, a byte at a time: a few hundred MB/s, for a file saved or
/// read once.
const BODY_CRC: crc::Crc<u32, crc::Table<1>> = crc::Crc::<u32, crc::Table<1>>::new(&crc::CRC_32_ISO_HDLC);

/// The CRC-32 of a session file's body.
pub fn body_crc(body: &[u8]) -> u32 {
    BODY_CRC.checksum(body)
}

/// What a session file says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionMeta {
    pub format: u32,
    pub project: String,
    pub start_millis: i64,
    pub end_millis: i64,
    pub app_version: String,
    pub inputs: u64,
}

/// A session read back.
#[derive(Debug)]
pub struct Session {
    pub meta: SessionMeta,
    /// The state at `meta.start_millis`, validated.
    pub base: Reducer,
    pub inputs: Vec<(i64, Input)>,
    pub marks: Vec<Mark>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    TooLarge {
        bytes: u64,
    },
    NotASession,
    NewerFormat {
        format: u32,
    },
    BadMetadata(String),
    Truncated,
    Corrupt(String),
    /// Nothing to save: the history is empty.
    Empty,
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::TooLarge { bytes } => {
                write!(f, "the session is too large ({bytes} bytes; at most {MAX_SESSION_FILE_BYTES} in a file)")
            }
            SessionError::NotASession => f.write_str("not a meshview session file"),
            SessionError::NewerFormat { format } => write!(
                f,
                "the session file has format {format}, newer than this dashboard reads ({SESSION_FORMAT_VERSION}): open it with a newer meshview"
            ),
            SessionError::BadMetadata(why) => write!(f, "the session file's header is damaged: {why}"),
            SessionError::Truncated => f.write_str("the session file is cut short (an incomplete download?)"),
            SessionError::Corrupt(why) => write!(f, "the session file is damaged: {why}"),
            SessionError::Empty => f.write_str("nothing to save yet: the history is empty"),
        }
    }
}

/// The body as written (borrowed) and read (owned): one shape, one encoding.
#[derive(Serialize)]
struct BodyOut<'a> {
    start_millis: i64,
    base: &'a Reducer,
    inputs: Vec<(i64, &'a Input)>,
    marks: Vec<Mark>,
}

#[derive(Deserialize)]
struct BodyIn {
    start_millis: i64,
    base: Reducer,
    inputs: Vec<(i64, Input)>,
    marks: Vec<Mark>,
}

fn body_options() -> impl Options {
    bincode::DefaultOptions::new().with_limit(MAX_SESSION_BODY_BYTES as u64)
}

/// The history's window as a session file of `project`.
pub fn write_session(history: &History, project: &str) -> Result<Vec<u8>, SessionError> {
    let recording = history.recording().ok_or(SessionError::Empty)?;
    let inputs = recording.inputs.iter().map(|(at, input)| (*at, input)).collect();
    encode_session(project, recording.start_millis, &recording.base, inputs, history.status().marks)
}

/// A session file of these parts (`write_session` takes them from a history).
pub fn encode_session(
    project: &str,
    start_millis: i64,
    base: &Reducer,
    inputs: Vec<(i64, &Input)>,
    marks: Vec<Mark>,
) -> Result<Vec<u8>, SessionError> {
    let end_millis = inputs.last().map_or(start_millis, |(at, _)| *at);
    let meta = SessionMeta {
        format: SESSION_FORMAT_VERSION,
        project: project.to_owned(),
        start_millis,
        end_millis,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        inputs: inputs.len() as u64,
    };
    let body = BodyOut { start_millis, base, inputs, marks };
    let encoded = body_options().serialize(&body).map_err(|error| SessionError::Corrupt(body_error(&error)))?;
    let meta_json = serde_json::to_vec(&meta).map_err(|error| SessionError::BadMetadata(error.to_string()))?;
    let mut file = Vec::with_capacity(encoded.len() / 4 + meta_json.len() + 24);
    file.extend_from_slice(SESSION_MAGIC);
    file.extend_from_slice(&SESSION_FORMAT_VERSION.to_le_bytes());
    file.extend_from_slice(&(meta_json.len() as u32).to_le_bytes());
    file.extend_from_slice(&meta_json);
    // The body: its packed length, the LZ4 block (the unpacked length
    // first), and the CRC-32 of the block.
    let packed = lz4_flex::compress_prepend_size(&encoded);
    file.extend_from_slice(&(packed.len() as u32).to_le_bytes());
    file.extend_from_slice(&packed);
    file.extend_from_slice(&body_crc(&packed).to_le_bytes());
    if file.len() > MAX_SESSION_FILE_BYTES {
        return Err(SessionError::TooLarge { bytes: file.len() as u64 });
    }
    Ok(file)
}

/// Only the header: what the file says about itself (cheap; no body).
pub fn read_session_meta(file: &[u8]) -> Result<SessionMeta, SessionError> {
    read_header(file).map(|(meta, _)| meta)
}

fn read_header(file: &[u8]) -> Result<(SessionMeta, &[u8]), SessionError> {
    if file.len() > MAX_SESSION_FILE_BYTES {
        return Err(SessionError::TooLarge { bytes: file.len() as u64 });
    }
    let rest = file.strip_prefix(SESSION_MAGIC.as_slice()).ok_or(SessionError::NotASession)?;
    let (format, rest) = take_u32(rest).ok_or(SessionError::Truncated)?;
    if format > SESSION_FORMAT_VERSION {
        return Err(SessionError::NewerFormat { format });
    }
    if format == 0 {
        return Err(SessionError::BadMetadata("format 0".to_owned()));
    }
    let (meta_len, rest) = take_u32(rest).ok_or(SessionError::Truncated)?;
    if meta_len as usize > MAX_SESSION_META_BYTES {
        return Err(SessionError::BadMetadata(format!("{meta_len} bytes of metadata")));
    }
    let meta_bytes = rest.get(..meta_len as usize).ok_or(SessionError::Truncated)?;
    let meta: SessionMeta =
        serde_json::from_slice(meta_bytes).map_err(|error| SessionError::BadMetadata(error.to_string()))?;
    if meta.format != format {
        return Err(SessionError::BadMetadata(format!("format {} in a format {format} file", meta.format)));
    }
    Ok((meta, rest.get(meta_len as usize..).unwrap_or_default()))
}

/// Reads a session file; every failure is a `SessionError`, never a panic.
pub fn read_session(file: &[u8]) -> Result<Session, SessionError> {
    let (meta, rest) = read_header(file)?;
    let (packed_len, rest) = take_u32(rest).ok_or(SessionError::Truncated)?;
    let packed = rest.get(..packed_len as usize).ok_or(SessionError::Truncated)?;
    let (crc, trailing) = rest.get(packed_len as usize..).and_then(take_u32).ok_or(SessionError::Truncated)?;
    if !trailing.is_empty() {
        return Err(SessionError::Corrupt(format!("{} bytes after the body", trailing.len())));
    }
    if body_crc(packed) != crc {
        return Err(SessionError::Corrupt("the body's checksum does not match".to_owned()));
    }
    // The unpacked length is checked before anything is allocated for it.
    let (unpacked_len, _) = take_u32(packed).ok_or(SessionError::Truncated)?;
    if unpacked_len as usize > MAX_SESSION_BODY_BYTES {
        return Err(SessionError::TooLarge { bytes: u64::from(unpacked_len) });
    }
    let encoded =
        lz4_flex::decompress_size_prepended(packed).map_err(|error| SessionError::Corrupt(error.to_string()))?;
    let body: BodyIn = body_options()
        .allow_trailing_bytes()
        .deserialize(&encoded)
        .map_err(|error| SessionError::Corrupt(body_error(&error)))?;
    if body.start_millis != meta.start_millis || body.inputs.len() as u64 != meta.inputs {
        return Err(SessionError::Corrupt("the header and the body disagree".to_owned()));
    }
    if body.inputs.windows(2).any(|pair| matches!(pair, [(a, _), (b, _)] if b < a)) {
        return Err(SessionError::Corrupt("inputs out of time order".to_owned()));
    }
    let base = body.base.validated().map_err(SessionError::Corrupt)?;
    Ok(Session { meta, base, inputs: body.inputs, marks: body.marks })
}

/// Why a body does not encode or decode, in the file's terms. bincode's
/// own words for its errors are not used: they bring every I/O error's
/// text into the module (for the one a slice can give: it ends early).
fn body_error(error: &bincode::ErrorKind) -> String {
    use bincode::ErrorKind;
    match error {
        ErrorKind::Custom(why) => why.clone(),
        ErrorKind::Io(_) => "the body ends early".to_owned(),
        ErrorKind::SizeLimit => format!("the body is over {MAX_SESSION_BODY_BYTES} bytes"),
        ErrorKind::InvalidUtf8Encoding(_) => "a text in the body is not UTF-8".to_owned(),
        _ => "the body holds a value of the wrong kind".to_owned(),
    }
}

fn take_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let (head, rest) = bytes.split_first_chunk::<4>()?;
    Some((u32::from_le_bytes(*head), rest))
}

/// `<prefix>-<project>-<UTC time>.<extension>` with only characters every
/// file system takes (`meshview-payments-2026-12-03T12-20-05Z.meshview`).
pub fn file_name(prefix: &str, project: &str, epoch_millis: i64, extension: &str) -> String {
    let safe: String = project
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    let time: String = crate::time::format_rfc3339_millis(epoch_millis)
        .chars()
        .take(19)
        .map(|c| if c == ':' { '-' } else { c })
        .collect();
    format!("{prefix}-{safe}-{time}Z.{extension}")
}
