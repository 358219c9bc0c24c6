//! A JSON number read as serde_json reads it, without its deserializer.
//! The scanner's numbers must be the serde path's to the bit; serde_json
//! (without its `float_roundtrip` feature, which this workspace does not
//! enable; a test pins a number where the two differ) multiplies or divides
//! the integer of the digits by a power of ten once, which is not always
//! the correctly rounded result.

/// Powers of ten that are f64s exactly (5^22 < 2^53).
pub const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Any 19 decimal digits fit u64 (10^19 - 1 < 2^64 - 1).
const UNCHECKED_DIGITS: usize = 19;

/// A JSON number read in one pass over its bytes: its length, and what
/// its digits say, so a caller needs no second pass to find its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Number {
    /// Bytes the number takes.
    pub len: usize,
    negative: bool,
    /// All its digits (integer and fraction) as one integer, unless they
    /// overflow u64.
    significand: Option<u64>,
    /// Fraction digits, then the explicit exponent unless it overflows i32.
    fraction_digits: i32,
    explicit_exponent: Option<i32>,
    /// Written as `-?[0-9]+`: no fraction, no exponent.
    integer: bool,
}

impl Number {
    /// The number at the start of `bytes`, if one is there by JSON's
    /// grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    pub fn read(bytes: &[u8]) -> Option<Number> {
        let negative = bytes.first() == Some(&b'-');
        let mut at = usize::from(negative);
        let mut significand = Some(0u64);
        // Digits read into the significand so far: with fewer than
        // `UNCHECKED_DIGITS` it cannot overflow (a checked multiplication
        // of u64s is a call in wasm32).
        let mut read = 0usize;
        let mut digits = |at: &mut usize, significand: &mut Option<u64>| -> i32 {
            let mut count = 0;
            while let Some(&byte @ b'0'..=b'9') = bytes.get(*at) {
                let digit = u64::from(byte - b'0');
                *significand = match *significand {
                    Some(value) if read < UNCHECKED_DIGITS => Some(value * 10 + digit),
                    value => value.and_then(|value| value.checked_mul(10)?.checked_add(digit)),
                };
                read += 1;
                *at += 1;
                count += 1;
            }
            count
        };
        match bytes.get(at)? {
            b'0' => at += 1,
            b'1'..=b'9' => {
                digits(&mut at, &mut significand);
            }
            _ => return None,
        }
        let mut fraction_digits = 0;
        let fraction = bytes.get(at) == Some(&b'.');
        if fraction {
            at += 1;
            fraction_digits = digits(&mut at, &mut significand);
            if fraction_digits == 0 {
                return None;
            }
        }
        let mut explicit_exponent = Some(0i32);
        let exponent = matches!(bytes.get(at), Some(b'e' | b'E'));
        if exponent {
            at += 1;
            let sign: i32 = if bytes.get(at) == Some(&b'-') { -1 } else { 1 };
            at += usize::from(matches!(bytes.get(at), Some(b'+' | b'-')));
            let start = at;
            while let Some(&byte @ b'0'..=b'9') = bytes.get(at) {
                explicit_exponent = explicit_exponent
                    .and_then(|value| value.checked_mul(10)?.checked_add(sign * i32::from(byte - b'0')));
                at += 1;
            }
            if at == start {
                return None;
            }
        }
        Some(Number {
            len: at,
            negative,
            significand,
            fraction_digits,
            explicit_exponent,
            integer: !fraction && !exponent,
        })
    }

    /// Its value where its digits fit u64 and its decimal exponent is
    /// within ±22, read as serde_json reads it (the digits as an integer,
    /// then one multiplication or division by an exact power of ten), so
    /// both paths yield the same bits. Anything else (`None`) is left to
    /// serde_json. Going through serde_json's deserializer for each number
    /// was ~10 % of the scanned ingest in wasm; a correctly rounded parser
    /// (`str::parse`) cost 13 KB gzip and could differ from the serde path
    /// in the last bit.
    pub fn short_decimal(self) -> Option<f64> {
        let significand = self.significand?;
        let exponent = self.explicit_exponent?.checked_sub(self.fraction_digits)?;
        let power = EXACT_POWERS_OF_TEN.get(usize::try_from(exponent.unsigned_abs()).ok()?)?;
        let magnitude = if exponent >= 0 { significand as f64 * power } else { significand as f64 / power };
        Some(if self.negative { -magnitude } else { magnitude })
    }

    /// Its value if it is a non-negative integer written without fraction
    /// or exponent that fits u64.
    pub fn unsigned(self) -> Option<u64> {
        (self.integer && !self.negative).then_some(self.significand)?
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    /// Where a number ends by JSON's grammar, or that none starts here
    /// (what follows a number is the caller's to judge: "01" is a "0").
    #[test]
    fn a_number_ends_where_json_says() {
        let cases: [(&str, Option<usize>); 22] = [
            ("0", Some(1)),
            ("-0", Some(2)),
            ("01", Some(1)),
            ("12,", Some(2)),
            ("1.5}", Some(3)),
            ("-12.250e+10]", Some(11)),
            ("1E-07]", Some(5)),
            ("2.5e-3", Some(6)),
            ("0e0", Some(3)),
            ("18446744073709551616999", Some(23)),
            ("1e99999999999", Some(13)),
            ("", None),
            ("-", None),
            ("-a", None),
            ("+1", None),
            (".5", None),
            ("1.", None),
            ("1.e5", None),
            ("1e", None),
            ("1e+", None),
            ("1.0e-", None),
            ("- 1", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Number::read(text.as_bytes()).map(|number| number.len), expected, "{text:?}");
        }
    }

    /// Values by hand; past the short path's reach, `None` (serde reads it).
    #[test]
    fn short_decimals_and_unsigned_integers() {
        let cases: [(&str, Option<f64>, Option<u64>); 14] = [
            ("0", Some(0.0), Some(0)),
            ("42", Some(42.0), Some(42)),
            ("-7", Some(-7.0), None),
            ("-0", Some(-0.0), None),
            ("1.5", Some(1.5), None),
            ("25e-1", Some(2.5), None),
            ("5E+2", Some(500.0), None),
            ("0.000123", Some(0.000_123), None),
            ("9999999999999999999", Some(9_999_999_999_999_999_999.0), Some(9_999_999_999_999_999_999)),
            ("0.0000000000000000000001", Some(1e-22), None),
            ("18446744073709551615", Some(18_446_744_073_709_551_615.0), Some(u64::MAX)),
            ("18446744073709551616", None, None),
            ("1e23", None, None),
            ("1e-2147483649", None, None),
        ];
        for (text, value, unsigned) in cases {
            let number = Number::read(text.as_bytes()).expect(text);
            assert_eq!(number.short_decimal().map(f64::to_bits), value.map(f64::to_bits), "{text}");
            assert_eq!(number.unsigned(), unsigned, "{text}");
        }
    }
}
