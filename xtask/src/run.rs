//! Running commands with a readable failure.

use std::process::Command;
use std::time::Instant;

/// A step that failed, with what to tell the user.
#[derive(Debug)]
pub struct Failure(pub String);

/// Runs a command to completion, inheriting output; fails on non-zero exit.
pub fn run(what: &str, command: &mut Command) -> Result<(), Failure> {
    let start = Instant::now();
    let status =
        command.status().map_err(|e| Failure(format!("{what}: cannot start {:?}: {e}", command.get_program())))?;
    if status.success() {
        println!("  ({what}: {:.1} s)", start.elapsed().as_secs_f64());
        Ok(())
    } else {
        Err(Failure(format!("{what} failed ({status})")))
    }
}

/// Runs a command and returns its stdout (errors if it cannot start or fails).
pub fn output(command: &mut Command) -> Result<String, Failure> {
    let out = command.output().map_err(|e| Failure(format!("cannot start {:?}: {e}", command.get_program())))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(Failure(format!("{:?} exited with {}", command.get_program(), out.status)))
    }
}
