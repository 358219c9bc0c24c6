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

/// A number whose digits fit u64 and whose decimal exponent is within ±22,
/// read as serde_json reads it (its digits as an integer, then one
/// multiplication or division by an exact power of ten), so both paths
/// yield the same bits. Anything else (`None`) is left to serde_json; the
/// text is a JSON number already. Going through serde_json's deserializer
/// for each number was ~10 % of the scanned ingest in wasm; a correctly
/// rounded parser (`str::parse`) cost 13 KB gzip and could differ from the
/// serde path in the last bit.
pub(super) fn short_decimal(text: &str) -> Option<f64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    let mut significand = 0u64;
    let mut exponent = 0i32;
    let mut in_fraction = false;
    for (index, byte) in digits.bytes().enumerate() {
        match byte {
            b'0'..=b'9' => {
                significand = significand.checked_mul(10)?.checked_add(u64::from(byte - b'0'))?;
                exponent -= i32::from(in_fraction);
            }
            b'.' => in_fraction = true,
            _ => {
                let explicit: i32 = digits.get(index + 1..)?.parse().ok()?;
                exponent = exponent.checked_add(explicit)?;
                break;
            }
        }
    }
    let power = EXACT_POWERS_OF_TEN.get(usize::try_from(exponent.unsigned_abs()).ok()?)?;
    let magnitude = if exponent >= 0 { significand as f64 * power } else { significand as f64 / power };
    Some(if negative { -magnitude } else { magnitude })
}
