//! Query text -> `Query`, or an error that names the term and what would be
//! right. Values may be quoted (`label~"crawl job"`).

use super::{Comparison, Field, Metric, ParseError, Query, Term, Test, MAX_QUERY_CHARS, MAX_TERMS};

/// Reads a query. Empty text is the empty query (everything matches).
pub fn parse(text: &str) -> Result<Query, ParseError> {
    let n_chars = text.chars().count();
    if n_chars > MAX_QUERY_CHARS {
        return Err(error(format!("a query is at most {MAX_QUERY_CHARS} characters"), 0, n_chars));
    }
    let mut terms = Vec::new();
    for (word, start, end) in words(text)? {
        if terms.len() == MAX_TERMS {
            return Err(error(format!("a query has at most {MAX_TERMS} terms"), start, end));
        }
        terms.push(term(&word, start, end)?);
    }
    Ok(Query { terms })
}

fn error(message: String, start: usize, end: usize) -> ParseError {
    ParseError { message, start, end }
}

/// Splits on whitespace outside quotes; quotes are removed. Each word comes
/// with its char range.
fn words(text: &str) -> Result<Vec<(String, usize, usize)>, ParseError> {
    let mut words = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut quote_start: Option<usize> = None;
    let mut end = 0;
    for (at, c) in text.chars().enumerate() {
        end = at + 1;
        if c == '"' {
            quote_start = if quote_start.is_some() { None } else { Some(at) };
            current.get_or_insert_with(|| (String::new(), at));
        } else if c.is_whitespace() && quote_start.is_none() {
            if let Some((word, start)) = current.take() {
                words.push((word, start, at));
            }
        } else {
            current.get_or_insert_with(|| (String::new(), at)).0.push(c);
        }
    }
    if let Some(start) = quote_start {
        return Err(error("this quote is not closed".into(), start, end));
    }
    words.extend(current.map(|(word, start)| (word, start, end)));
    Ok(words)
}

fn term(word: &str, start: usize, end: usize) -> Result<Term, ParseError> {
    let (negated, body) = match word.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    if body.is_empty() {
        let message =
            if negated { "`-` needs a term after it, as in -status:ok" } else { "nothing between the quotes" };
        return Err(error(message.into(), start, end));
    }
    let fail = |message: String| error(message, start, end);
    let name_len = body.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))).unwrap_or(body.len());
    let (name, rest) = body.split_at(name_len);
    let test = match operator(rest) {
        None => Test::Text(body.to_lowercase()),
        Some((_, _)) if name.is_empty() => return Err(fail(format!("`{rest}` needs a field name before it"))),
        Some((Operator::Is, value)) => one_of(name, value).map_err(fail)?,
        Some((Operator::Has, value)) => contains(name, value).map_err(fail)?,
        Some((Operator::Compare(comparison), value)) => compare(name, comparison, value).map_err(fail)?,
    };
    Ok(Term { negated, test })
}

enum Operator {
    Is,
    Has,
    Compare(Comparison),
}

/// The operator at the start of `rest`, and the value after it.
fn operator(rest: &str) -> Option<(Operator, &str)> {
    let table = [
        (">=", Operator::Compare(Comparison::GreaterOrEqual)),
        ("<=", Operator::Compare(Comparison::LessOrEqual)),
        (">", Operator::Compare(Comparison::Greater)),
        ("<", Operator::Compare(Comparison::Less)),
        (":", Operator::Is),
        ("~", Operator::Has),
    ];
    table.into_iter().find_map(|(symbol, op)| rest.strip_prefix(symbol).map(|value| (op, value)))
}

fn field(name: &str) -> Result<Field, String> {
    if metric(name).is_some() {
        return Err(format!("{name} is a number: compare it, as in {name}>{}", example_value(name)));
    }
    Ok(match name.to_lowercase().as_str() {
        "id" => Field::Id,
        "label" => Field::Label,
        "kind" => Field::Kind,
        "status" => Field::Status,
        _ => Field::Meta(name.to_owned()),
    })
}

fn one_of(name: &str, value: &str) -> Result<Test, String> {
    let field = field(name)?;
    let values: Vec<String> = value.split(',').filter(|v| !v.is_empty()).map(str::to_lowercase).collect();
    if values.is_empty() {
        return Err(format!("{name}: needs a value, as in {name}:value (several: {name}:a,b)"));
    }
    Ok(Test::OneOf(field, values))
}

fn contains(name: &str, value: &str) -> Result<Test, String> {
    let field = field(name)?;
    if value.is_empty() {
        return Err(format!("{name}~ needs some text, as in {name}~text"));
    }
    Ok(Test::Contains(field, value.to_lowercase()))
}

fn metric(name: &str) -> Option<Metric> {
    match name.to_lowercase().as_str() {
        "errors" | "error" | "err" => Some(Metric::Errors),
        "latency" | "lat" => Some(Metric::Latency),
        "throughput" | "rps" => Some(Metric::Throughput),
        _ => None,
    }
}

fn example_value(name: &str) -> &'static str {
    match metric(name) {
        Some(Metric::Errors) => "5%",
        Some(Metric::Latency) => "200ms",
        _ => "100",
    }
}

fn compare(name: &str, comparison: Comparison, value: &str) -> Result<Test, String> {
    let Some(metric) = metric(name) else {
        return Err(format!("`{name}` is not a number to compare: use errors, latency or throughput"));
    };
    let number = super::number::decimal;
    let amount = match metric {
        Metric::Errors => match value.strip_suffix('%') {
            Some(percent) => number(percent).map(|n| n / 100.0),
            None => number(value),
        },
        Metric::Latency => match (value.strip_suffix("ms"), value.strip_suffix('s')) {
            (Some(millis), _) => number(millis),
            (None, Some(seconds)) => number(seconds).map(|n| n * 1000.0),
            (None, None) => number(value),
        },
        Metric::Throughput => number(value.strip_suffix("/s").unwrap_or(value)),
    };
    match amount {
        Some(amount) => Ok(Test::Compare(metric, comparison, amount)),
        None => Err(format!("{name}: `{value}` is not a number, as in {name}>{}", example_value(name))),
    }
}
