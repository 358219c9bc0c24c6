//! Lone surrogate escapes (`\ud83d` without its pair, as servers emit when
//! they cut text mid-emoji) are not valid in a Rust string: the protocol
//! keeps the text and puts U+FFFD in their place.

/// The text with every unpaired `\uD800`–`\uDFFF` escape replaced by
/// `\uFFFD`, or `None` when there is none. Escapes only occur inside JSON
/// strings, and an escaped backslash is stepped over whole, so no string
/// state needs tracking.
pub fn replace_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied_to = 0;
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = hex_escape(bytes, i) else {
            i += 2;
            continue;
        };
        let is_pair = (0xD800..0xDC00).contains(&unit)
            && hex_escape(bytes, i + 6).is_some_and(|low| (0xDC00..0xE000).contains(&low));
        if is_pair {
            i += 12;
        } else if (0xD800..0xE000).contains(&unit) {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(text.get(copied_to..i).unwrap_or_default());
            out.push_str("\\uFFFD");
            i += 6;
            copied_to = i;
        } else {
            i += 6;
        }
    }
    let mut out = out?;
    out.push_str(text.get(copied_to..).unwrap_or_default());
    Some(out)
}

/// The code unit of a `\uXXXX` escape whose backslash is at `at`, if
/// there is one: exactly four hex digits, as JSON has them (no sign).
pub(super) fn hex_escape(bytes: &[u8], at: usize) -> Option<u32> {
    if bytes.get(at..at + 2)? != b"\\u" {
        return None;
    }
    let hex = bytes.get(at + 2..at + 6)?;
    hex.iter().try_fold(0u32, |value, &byte| Some(value * 16 + char::from(byte).to_digit(16)?))
}

#[cfg(test)]
mod tests {
    use super::replace_lone_surrogates;

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(replace_lone_surrogates(input).as_deref(), expected, "input {input}");
    }

    #[test]
    fn lone_halves_are_replaced_and_pairs_kept() {
        check(r#""plain""#, None);
        check(r#""\ud83d\ude00""#, None);
        check(r#""cut \ud83d""#, Some(r#""cut \uFFFD""#));
        check(r#""\ude00 low first""#, Some(r#""\uFFFD low first""#));
        check(r#""\ud83d\ud83d\ude00""#, Some(r#""\uFFFD\ud83d\ude00""#));
        check(r#""a\ud800b\udfffc""#, Some(r#""a\uFFFDb\uFFFDc""#));
        check(r#""é\ud800""#, Some(r#""é\uFFFD""#));
    }

    #[test]
    fn escaped_backslashes_are_not_escapes() {
        check(r#""\\ud800""#, None);
        check(r#""\\\ud800""#, Some(r#""\\\uFFFD""#));
        check(r#""\u00e9\n""#, None);
    }

    #[test]
    fn short_or_odd_escapes_are_left_for_the_parser() {
        check(r#""\ud8""#, None);
        check(r#""\uzzzz""#, None);
        check("\\", None);
    }
}
