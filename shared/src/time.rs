//! RFC 3339 timestamps <-> epoch milliseconds, without a date crate.
//!
//! The stream stamps every message with `ts`; the client only needs it as a
//! number (ordering, display, chart axes), so a small exact converter keeps
//! the wasm small and the parser total: any input yields `Some` or `None`.

/// Parses an RFC 3339 date-time (`2026-11-26T19:00:00.125Z`, `...+02:00`,
/// lowercase `t`/`z` or a space separator accepted) into epoch milliseconds.
/// Fractions beyond milliseconds are truncated. Returns `None` for anything
/// that is not a valid date-time.
pub fn parse_rfc3339_millis(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let year = digits(b, 0, 4)?;
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    let hour = digits(b, 11, 2)?;
    let minute = digits(b, 14, 2)?;
    let second = digits(b, 17, 2)?;
    let separators_ok = b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && b.get(13) == Some(&b':')
        && b.get(16) == Some(&b':');
    if !separators_ok
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut pos = 19;
    let mut millis = 0i64;
    if b.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while b.get(pos).is_some_and(u8::is_ascii_digit) {
            if pos - start < 3 {
                millis = millis * 10 + i64::from(b.get(pos).copied()? - b'0');
            }
            pos += 1;
        }
        if pos == start {
            return None;
        }
        for _ in (pos - start)..3 {
            millis *= 10;
        }
    }
    let offset_minutes = match b.get(pos..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2], 0, 2)?;
            let minutes = digits(&[*m1, *m2], 0, 2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    // A leap second (:60) is folded into the next second, as most clocks do.
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC).
pub fn format_rfc3339_millis(epoch_millis: i64) -> String {
    let (days, millis_of_day) = (epoch_millis.div_euclid(86_400_000), epoch_millis.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days);
    let seconds_of_day = millis_of_day / 1000;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60,
        millis_of_day % 1000
    )
}

/// `HH:MM:SS` of epoch milliseconds in UTC, for compact labels.
pub fn format_clock_utc(epoch_millis: i64) -> String {
    let seconds_of_day = epoch_millis.rem_euclid(86_400_000) / 1000;
    format!("{:02}:{:02}:{:02}", seconds_of_day / 3600, seconds_of_day / 60 % 60, seconds_of_day % 60)
}

fn digits(b: &[u8], start: usize, len: usize) -> Option<i64> {
    let mut value = 0i64;
    for byte in b.get(start..start + len)? {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(byte - b'0');
    }
    Some(value)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil` algorithm, public domain).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<i64>) {
        assert_eq!(parse_rfc3339_millis(text), expected, "{text}");
    }

    #[test]
    fn parses_valid_and_rejects_invalid() {
        check("1970-01-01T00:00:00Z", Some(0));
        check("1970-01-01T00:00:00.001Z", Some(1));
        check("1970-01-01T00:00:00.5Z", Some(500));
        check("1970-01-01T00:00:00.123456789Z", Some(123));
        check("2026-11-26T19:00:00.125Z", Some(1_795_719_600_125));
        check("2026-11-26T21:00:00.125+02:00", Some(1_795_719_600_125));
        check("2026-11-26t19:00:00.125z", Some(1_795_719_600_125));
        check("2024-02-29T00:00:00Z", Some(1_709_164_800_000));
        check("2023-02-29T00:00:00Z", None);
        check("2026-13-01T00:00:00Z", None);
        check("2026-11-26T24:00:00Z", None);
        check("2026-11-26T19:00:00", None);
        check("2026-11-26T19:00:00.Z", None);
        check("2026-11-26T19:00:00+0200", None);
        check("not a time at all....", None);
        check("", None);
        check("२०२६-11-26T19:00:00Z", None);
    }

    #[test]
    fn format_round_trips_through_parse() {
        for millis in [0, 1, 999, 1_795_719_600_125, -86_400_001, 253_402_300_799_999] {
            let text = format_rfc3339_millis(millis);
            assert_eq!(parse_rfc3339_millis(&text), Some(millis), "{text}");
        }
        assert_eq!(format_rfc3339_millis(1_795_719_600_125), "2026-11-26T19:00:00.125Z");
        assert_eq!(format_clock_utc(1_795_719_600_125), "19:00:00");
    }
}
