//! Tidy checks over the project's own sources, as rust-analyzer keeps: each
//! file says what it is for in a leading `//!` line and stays small, and
//! the functions of the shipped crates stay short.

use std::path::{Path, PathBuf};

/// Lines a source file may have.
const MAX_FILE_LINES: usize = 400;
/// Lines a function of `app`, `worker` or `shared` may have (tests aside).
const MAX_FUNCTION_LINES: usize = 70;
const CRATES: [&str; 5] = ["app", "worker", "shared", "feed", "xtask"];
const SHIPPED_CRATES: [&str; 3] = ["app", "worker", "shared"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn sources(crates: &[&str]) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for name in crates {
        rust_files(&root().join(name), &mut files);
    }
    files.sort();
    assert!(files.len() > 50, "only {} source files found under {crates:?}", files.len());
    files.into_iter().map(|path| (path.clone(), std::fs::read_to_string(&path).unwrap_or_default())).collect()
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

#[test]
fn every_source_file_says_what_it_is_for_and_stays_small() {
    let mut problems = Vec::new();
    for (path, text) in sources(&CRATES) {
        if !text.trim_start().starts_with("//!") {
            problems.push(format!("{}: does not start with a `//!` line", shown(&path)));
        }
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            problems.push(format!("{}: {lines} lines (at most {MAX_FILE_LINES})", shown(&path)));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// Functions longer than the bound: (name, first line, lines). A function
/// ends at the first line that closes it at its own indentation (rustfmt's
/// layout); `mod tests` blocks are skipped.
fn long_functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    let mut skip_until: Option<String> = None;
    for (index, line) in lines.iter().enumerate() {
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        if let Some(end) = &skip_until {
            if line.trim_end() == end {
                skip_until = None;
            }
            continue;
        }
        let code = line.trim_start();
        if code.starts_with("mod tests") && code.ends_with('{') {
            skip_until = Some(format!("{indent}}}"));
            continue;
        }
        let signature = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn ", "async fn ", "pub async fn "]
            .iter()
            .find_map(|prefix| code.strip_prefix(prefix));
        let Some(rest) = signature else { continue };
        if code.ends_with(';') {
            continue;
        }
        let close = format!("{indent}}}");
        let Some(length) = lines.iter().skip(index + 1).position(|l| l.trim_end() == close) else { continue };
        if length + 2 > MAX_FUNCTION_LINES {
            let name = rest.split(['(', '<']).next().unwrap_or(rest).to_owned();
            long.push((name, index + 1, length + 2));
        }
    }
    long
}

#[test]
fn functions_of_the_shipped_crates_stay_short() {
    let mut problems = Vec::new();
    for (path, text) in sources(&SHIPPED_CRATES) {
        if path.components().any(|part| part.as_os_str() == "tests" || part.as_os_str() == "benches") {
            continue;
        }
        for (name, line, length) in long_functions(&text) {
            problems
                .push(format!("{}:{line}: fn {name} is {length} lines (at most {MAX_FUNCTION_LINES})", shown(&path)));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_function_check_measures_what_it_says() {
    let body = |n: usize| "        let _ = 1;\n".repeat(n);
    let text = format!(
        "//! x\n    fn short() {{\n{}    }}\n    fn long() {{\n{}    }}\nmod tests {{\n    fn in_tests() {{\n{}    }}\n}}\n",
        body(3),
        body(MAX_FUNCTION_LINES),
        body(MAX_FUNCTION_LINES)
    );
    assert_eq!(long_functions(&text), vec![("long".to_owned(), 7, MAX_FUNCTION_LINES + 2)]);
}
