//! The reducer's hash maps use foldhash: several times faster than std's
//! SipHash on short string ids (measured in `cargo bench -p shared`), with a
//! per-map random seed. It is only minimally DoS-resistant; the stream comes
//! from the dashboard's own server, which could flood it far more cheaply.

pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
