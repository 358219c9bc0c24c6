//! The reducer's hash maps use foldhash: several times faster than std's
//! SipHash on short string ids (measured in `cargo bench -p shared`), with a
//! per-map random seed. It is only minimally DoS-resistant; the stream comes
//! from the dashboard's own server, which could flood it far more cheaply.

pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// An id as a map key or queue entry: ids up to 24 bytes (every id the
/// simulator makes, and most real ones) live inside the table's own slot,
/// so a lookup compares bytes it has already loaded instead of following a
/// pointer to a heap string (`cargo bench -p shared --bench reduce`, 10k
/// nodes: 27 % of the reducer's time was `memcmp` on such pointers). It
/// hashes and compares as the `str` it holds: maps keyed by it are looked
/// up with a `&str`.
pub type IdKey = compact_str::CompactString;
