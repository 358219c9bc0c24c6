//! A threshold's number (`200`, `0.5`, `.5`, `1e3`, `-2`): decimal digits
//! with an optional fraction and exponent. Read without `str::parse`,
//! whose correctly rounded parser (its tables of powers of five) was
//! ~10 KB gzip of the wasm for a filter's thresholds, which need no last
//! bit. Exact whenever the digits fit 19 and the exponent ±22 (the digits'
//! integer times or over an exact power of ten, one rounding); beyond
//! that, within a few units in the last place.

use shared::decode::EXACT_POWERS_OF_TEN;

/// Significant digits kept (u64 holds any 19); later ones only scale.
const MAX_SIGNIFICANT_DIGITS: u32 = 19;
/// An exponent this large is infinite or zero whatever the digits; the
/// cap keeps the sum from overflowing.
const MAX_EXPONENT_MAGNITUDE: i32 = 1_000;

/// The number `text` spells, or `None` when it is not one (or not finite).
pub fn decimal(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (mantissa, exponent_text) = match rest.find(['e', 'E']) {
        Some(at) => (rest.get(..at)?, Some(rest.get(at + 1..)?)),
        None => (rest, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let mut exponent = match exponent_text {
        None => 0,
        Some(digits) => {
            let (sign, digits) = match digits.as_bytes().first() {
                Some(b'-') => (-1, digits.get(1..)?),
                Some(b'+') => (1, digits.get(1..)?),
                _ => (1, digits),
            };
            if digits.is_empty() || !all_digits(digits) {
                return None;
            }
            let magnitude = digits
                .bytes()
                .try_fold(0i32, |n, b| Some((n * 10 + i32::from(b - b'0')).min(MAX_EXPONENT_MAGNITUDE)))?;
            sign * magnitude
        }
    };
    let mut significand = 0u64;
    let mut kept = 0;
    for (index, byte) in whole.bytes().chain(fraction.bytes()).enumerate() {
        let in_fraction = index >= whole.len();
        if significand == 0 && byte == b'0' {
            exponent -= i32::from(in_fraction);
            continue;
        }
        if kept < MAX_SIGNIFICANT_DIGITS {
            significand = significand * 10 + u64::from(byte - b'0');
            kept += 1;
            exponent -= i32::from(in_fraction);
        } else {
            exponent += i32::from(!in_fraction);
        }
    }
    let magnitude = scaled(significand as f64, exponent);
    let value = if negative { -magnitude } else { magnitude };
    value.is_finite().then_some(value)
}

/// `value` × 10^`exponent`, by exact powers of ten (one rounding within
/// ±22).
fn scaled(mut value: f64, mut exponent: i32) -> f64 {
    let largest = EXACT_POWERS_OF_TEN.len() as i32 - 1;
    while exponent > largest {
        value *= 1e22;
        exponent -= largest;
    }
    while exponent < -largest {
        value /= 1e22;
        exponent += largest;
    }
    let power = EXACT_POWERS_OF_TEN.get(exponent.unsigned_abs() as usize).copied().unwrap_or(1.0);
    if exponent >= 0 {
        value * power
    } else {
        value / power
    }
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn numbers_read_as_the_standard_parser_reads_them() {
        // (text, how close to the correctly rounded value: 0 = to the bit)
        let cases = [
            ("0", 0),
            ("200", 0),
            ("0.5", 0),
            (".5", 0),
            ("5.", 0),
            ("-2", 0),
            ("+2.25", 0),
            ("0.05", 0),
            ("1e3", 0),
            ("1E-3", 0),
            ("2.5e+2", 0),
            ("000123.4500", 0),
            ("0.000001", 0),
            ("12345678901234567890", 0),
            ("9007199254740993", 0),
            ("0.1", 0),
            ("123456.789e-3", 0),
            ("1.7976931348623157e308", 4),
            ("4.9e-320", 4),
            ("1e-400", 0),
            ("3.14159265358979323846264338327950288", 1),
        ];
        for (text, ulps) in cases {
            let expected: f64 = text.parse().expect("a number");
            let got = decimal(text).unwrap_or_else(|| panic!("{text}: not read"));
            let apart = (got.to_bits() as i64 - expected.to_bits() as i64).unsigned_abs();
            assert!(apart <= ulps, "{text}: {got:e} is {apart} units from {expected:e}");
        }
    }

    #[test]
    fn what_is_not_a_finite_number_is_refused() {
        for text in [
            "", "-", "+", ".", "-.", "1.2.3", "1e", "1e+", "e5", ".e1", "abc", "1 000", "1,5", "0x10", "inf", "NaN",
            "--1", "1e999", "5%", "200ms",
        ] {
            assert_eq!(decimal(text), None, "{text:?}");
        }
    }
}
