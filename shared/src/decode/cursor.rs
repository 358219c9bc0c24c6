//! The JSON tokens the scanner (`scan`) reads: a cursor over a frame that
//! answers `None` for anything it does not read itself, and never an error
//! of its own. `None` means "let serde decide": the cursor is only ever
//! stricter than JSON, never more lenient, so what it accepts serde accepts
//! too and reads the same way.

use std::borrow::Cow;

use super::number::Number;
use super::repair::hex_escape;

/// Nesting the skipper follows before it leaves a frame to serde (whose
/// raw-value split has no limit). Messages nest three or four levels deep.
const MAX_SKIP_DEPTH: usize = 32;

pub(super) struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str) -> Cursor<'a> {
        Cursor { text, at: 0 }
    }

    /// The byte offset the cursor has reached.
    pub fn offset(&self) -> usize {
        self.at
    }

    /// Goes back to an offset read from `offset`.
    pub fn rewind(&mut self, offset: usize) {
        self.at = offset;
    }

    /// The frame's text between two offsets.
    pub fn slice(&self, start: usize, end: usize) -> Option<&'a str> {
        self.text.get(start..end)
    }

    /// Whether only whitespace is left.
    pub fn at_end(&mut self) -> bool {
        self.skip_whitespace();
        self.at == self.text.len()
    }

    /// The next byte that is not whitespace, not consumed.
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes().get(self.at).copied()
    }

    /// Consumes `byte` if it comes next (after whitespace).
    pub fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        self.at += usize::from(next);
        next
    }

    pub fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// The next key of an object whose `{` was read (its `:` read too), or
    /// `Some(None)` at the object's `}`. `first` says no member was read yet.
    /// A key with escapes is left to serde.
    pub fn next_key(&mut self, first: bool) -> Option<Option<&'a str>> {
        if !self.member_follows(first)? {
            return Some(None);
        }
        let key = self.plain_str()?;
        self.expect(b':')?;
        Some(Some(key))
    }

    /// A string without escapes, borrowed from the frame.
    pub fn plain_str(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let start = self.at;
        let end = find_special(self.bytes(), start);
        if self.bytes().get(end) != Some(&b'"') {
            return None;
        }
        self.at = end + 1;
        self.text.get(start..end)
    }

    /// A string, borrowed from the frame unless it holds escapes. A lone
    /// surrogate escape is left to serde (the decoder repairs and notes it).
    pub fn string(&mut self) -> Option<Cow<'a, str>> {
        self.expect(b'"')?;
        let bytes = self.bytes();
        let start = self.at;
        let mut at = find_special(bytes, start);
        match bytes.get(at)? {
            b'"' => {
                self.at = at + 1;
                return self.text.get(start..at).map(Cow::Borrowed);
            }
            b'\\' => {}
            _ => return None,
        }
        // Its length escaped bounds its length unescaped: one allocation.
        let mut probe = Cursor { text: self.text, at: start - 1 };
        probe.skip_string()?;
        let mut owned = String::with_capacity(probe.at - start);
        owned.push_str(self.text.get(start..at)?);
        loop {
            match bytes.get(at)? {
                b'"' => {
                    self.at = at + 1;
                    return Some(Cow::Owned(owned));
                }
                b'\\' => at = unescape(bytes, at + 1, &mut owned)?,
                _ => return None,
            }
            let next = find_special(bytes, at);
            owned.push_str(self.text.get(at..next)?);
            at = next;
        }
    }

    /// A finite number (an integer is read as the f64 nearest to it).
    pub fn number(&mut self) -> Option<f64> {
        self.skip_whitespace();
        let start = self.at;
        let number = self.read_number()?;
        let value = match number.short_decimal() {
            Some(value) => value,
            None => serde_json::from_str(self.text.get(start..self.at)?).ok()?,
        };
        value.is_finite().then_some(value)
    }

    /// An unsigned integer that fits u64, written without fraction or
    /// exponent.
    pub fn unsigned(&mut self) -> Option<u64> {
        self.skip_whitespace();
        self.read_number()?.unsigned()
    }

    /// Consumes `null` if it comes next.
    pub fn null(&mut self) -> bool {
        self.skip_whitespace();
        let next = self.bytes().get(self.at..self.at + 4) == Some(b"null");
        self.at += if next { 4 } else { 0 };
        next
    }

    /// Skips any JSON value, checking its syntax.
    pub fn skip_value(&mut self) -> Option<()> {
        self.skip_nested(0)
    }

    fn skip_nested(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_SKIP_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' => {
                self.at += 1;
                let mut first = true;
                while self.next_key_any(first)? {
                    self.skip_nested(depth + 1)?;
                    first = false;
                }
                Some(())
            }
            b'[' => {
                self.at += 1;
                if self.eat(b']') {
                    return Some(());
                }
                loop {
                    self.skip_nested(depth + 1)?;
                    if self.eat(b']') {
                        return Some(());
                    }
                    self.expect(b',')?;
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.skip_number(),
        }
    }

    /// Like `next_key`, for keys that may hold escapes: `true` when a key
    /// and its `:` were read, `false` at the `}`.
    fn next_key_any(&mut self, first: bool) -> Option<bool> {
        if !self.member_follows(first)? {
            return Some(false);
        }
        if self.peek()? != b'"' {
            return None;
        }
        self.skip_string()?;
        self.expect(b':')?;
        Some(true)
    }

    /// Reads the `,` before a member (none before the first) and answers
    /// whether one follows, or the object's `}` (read too).
    fn member_follows(&mut self, first: bool) -> Option<bool> {
        match self.peek()? {
            b'}' => {
                self.at += 1;
                Some(false)
            }
            b',' if !first => {
                self.at += 1;
                Some(true)
            }
            _ => first.then_some(true),
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        let bytes = self.bytes();
        let mut at = self.at;
        loop {
            at = find_special(bytes, at);
            match bytes.get(at)? {
                b'"' => {
                    self.at = at + 1;
                    return Some(());
                }
                b'\\' => at = skip_escape(bytes, at + 1)?,
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes().get(self.at..end)? == word).then(|| self.at = end)
    }

    fn skip_number(&mut self) -> Option<()> {
        self.read_number().map(drop)
    }

    /// Reads the number at the cursor and moves past it.
    fn read_number(&mut self) -> Option<Number> {
        let number = Number::read(self.bytes().get(self.at..)?)?;
        self.at += number.len;
        Some(number)
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.bytes().get(self.at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }
}

/// The offset of the first `"`, `\` or control byte at or after `from`
/// (`bytes.len()` if none): eight bytes at a time, as the bytes of text
/// between them are most of a frame.
fn find_special(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS != 0;
    let mut at = from;
    for chunk in bytes.get(from..).unwrap_or_default().chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS != 0;
        if control || has_zero_byte(word ^ (ONES * u64::from(b'"'))) || has_zero_byte(word ^ (ONES * u64::from(b'\\')))
        {
            break;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

/// Appends the character escaped at `at` (just after its `\`); returns the
/// offset after the escape.
fn unescape(bytes: &[u8], at: usize, out: &mut String) -> Option<usize> {
    let simple = match bytes.get(at)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let (ch, end) = unicode_escape(bytes, at.checked_sub(1)?)?;
            out.push(ch);
            return Some(end);
        }
        _ => return None,
    };
    out.push(simple);
    Some(at + 1)
}

/// The character of the `\uXXXX` escape whose backslash is at `at`,
/// joined with a following low surrogate escape when it is a high one, and
/// the offset after it; `None` for a lone surrogate.
fn unicode_escape(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let unit = hex_escape(bytes, at)?;
    match unit {
        0xD800..=0xDBFF => {
            let low = hex_escape(bytes, at + 6)?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return None;
            }
            let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            Some((char::from_u32(code)?, at + 12))
        }
        0xDC00..=0xDFFF => None,
        _ => Some((char::from_u32(unit)?, at + 6)),
    }
}

fn skip_escape(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(at + 1),
        b'u' => hex_escape(bytes, at.checked_sub(1)?).map(|_| at + 5),
        _ => None,
    }
}
