//! The one filter language of every view (README, "Filtering"): terms
//! separated by spaces, all of which must hold; `-` before a term negates
//! it. A parse is total: text in, a `Query` or an error that points at the
//! offending term.
//!
//! ```text
//! kind:api status:error,degraded label~crawl region:us-east-1 errors>5% latency>200ms -id~canary
//! ```

mod eval;
mod number;
mod parse;

pub use eval::{contains, EdgeSubject, NodeMetrics, Subject};
pub use parse::parse;

/// Longest query text accepted (a URL parameter or a typed box).
pub const MAX_QUERY_CHARS: usize = 1024;
/// Most terms in one query.
pub const MAX_TERMS: usize = 32;

/// A parsed query: every term must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// One condition, possibly negated.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub negated: bool,
    pub test: Test,
}

/// What a term tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// A bare word: the id or the label contains it (any case).
    Text(String),
    /// `field:a,b`: the field equals one of the values (any case).
    OneOf(Field, Vec<String>),
    /// `field~text`: the field contains the text (any case).
    Contains(Field, String),
    /// `metric>n` and friends.
    Compare(Metric, Comparison, f64),
}

/// A text field of a node (or of an edge and its endpoints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Id,
    Label,
    Kind,
    Status,
    /// Any other name is a `meta` key, such as `region`.
    Meta(String),
}

/// A number: an edge's own stats, or for a node the worst (highest) value
/// among the edges that touch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Error rate, 0..1 (`errors>5%` or `errors>0.05`).
    Errors,
    /// Latency in milliseconds (`latency>200ms`, `latency>0.2s`).
    Latency,
    /// Throughput, requests per second.
    Throughput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

/// A query that could not be read: what is wrong, and where (a char range
/// of the text, for underlining).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether the query tests anything but a node's own fields (so a view
    /// must know the edges around each node).
    pub fn needs_metrics(&self) -> bool {
        self.terms.iter().any(|term| matches!(term.test, Test::Compare(..)))
    }
}
