// @@HEADER@@
//! Session-checks a JSON Lines stream (a file, or stdin) with `SessionChecker` and prints each
//! finding as one JSON line (the keys of `vrp-contract validate --format jsonl`). A line that is
//! no usable event (not UTF-8, not JSON, not an object, blank) gets the `input.*` finding
//! `vrp-contract validate` reports at its line, and the check goes on with the next line.
//!
//!     cargo run --release --bin vrp-session-check -- [--assume-open-sessions]
//!         [--policy FILE] [--remember-terminated N] [STREAM.jsonl]
//!
//! Exit status: 0 no error finding, 1 at least one, 2 usage or I/O error (one line on stderr
//! naming the file, and the line for a read error).

use serde_json::{json, Value};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::ExitCode;
use @@LIB@@::behaviour::{input_severity, Severity};
use @@LIB@@::check;
use @@LIB@@::session::{Options, SessionChecker};

const USAGE: &str =
    "usage: vrp-session-check [--assume-open-sessions] [--policy FILE] [--remember-terminated N] [STREAM.jsonl]";

/// One line on stderr, exit status 2.
fn fail(message: &str) -> ExitCode {
    eprintln!("vrp-session-check: {message}");
    ExitCode::from(2)
}

fn usage(message: &str) -> ExitCode {
    fail(&format!("{message} ({USAGE})"))
}

fn load_policy(options: &mut Options, path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{path}: cannot read the policy file: {e}"))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{path}: the policy file is not valid JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err(format!("{path}: the policy must be a JSON object"));
    };
    for (key, value) in map {
        if key == "$schema" {
            continue;
        }
        // an integer is a value, as in JSON Schema: `3.0` is 3 (`vrp-contract validate --policy`)
        let whole = value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 2f64.powi(63));
        let Some(n) = value.as_i64().or(whole.map(|f| f as i64)).filter(|n| *n >= 1) else {
            return Err(format!(
                "{path}: field {key}: must be an integer of at least 1, not {value}"
            ));
        };
        if !options.policy.set(&key, n) {
            return Err(format!("{path}: field {key}: not a policy key"));
        }
    }
    Ok(())
}

/// The finding `vrp-contract validate` reports on a line that holds no usable event (its
/// `input.*` rule, with the strict decoder's message), or None if the line is a JSON object.
fn input_finding(at: u64, line: &[u8]) -> Option<(Value, Severity)> {
    let problem = check(line)?;
    let severity = input_severity(problem.rule())?;
    let finding = json!({
        "rule": problem.rule(),
        "severity": severity.name(),
        "message": problem.message(),
        "pointer": problem.pointer(),
        "line": at,
    });
    Some((finding, severity))
}

fn main() -> ExitCode {
    let mut options = Options::default();
    let mut path = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--assume-open-sessions" => options.assume_open_sessions = true,
            "--policy" => {
                let Some(file) = args.next() else {
                    return usage("--policy needs a FILE");
                };
                if let Err(message) = load_policy(&mut options, &file) {
                    return fail(&message);
                }
            }
            "--remember-terminated" => {
                let Some(n) = args.next().and_then(|n| n.parse().ok()) else {
                    return usage("--remember-terminated needs a whole number");
                };
                options.remember_terminated = n;
            }
            _ if path.is_none() && (arg == "-" || !arg.starts_with('-')) => path = Some(arg),
            _ => return usage(&format!("unexpected argument {arg}")),
        }
    }
    let (name, input): (String, Box<dyn Read>) = match path.as_deref() {
        None | Some("-") => ("<stdin>".to_owned(), Box::new(io::stdin())),
        Some(path) => match File::open(path) {
            Ok(file) => (path.to_owned(), Box::new(file)),
            Err(e) => return fail(&format!("{path}: cannot read: {e}")),
        },
    };
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut checker = SessionChecker::new(options);
    let mut line = Vec::new();
    let mut found = false;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = out.flush();
                return fail(&format!(
                    "{name}:{}: cannot read: {e}",
                    checker.events() + 1
                ));
            }
        }
        let event = std::str::from_utf8(&line)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
            .filter(Value::is_object);
        let findings: Vec<(Value, Severity)> = match event {
            Some(event) => checker
                .check_json(&event)
                .into_iter()
                .map(|finding| (finding.to_json(), finding.severity()))
                .collect(),
            None => {
                // no usable event: the strict decoder's `input.*` problem, the line keeps its number
                let at = checker.events() + 1;
                checker.skip();
                input_finding(at, &line).into_iter().collect()
            }
        };
        for (finding, severity) in findings {
            found |= severity == Severity::Error;
            if let Err(e) = writeln!(out, "{finding}") {
                return fail(&format!("cannot write the findings: {e}"));
            }
        }
    }
    if let Err(e) = out.flush() {
        return fail(&format!("cannot write the findings: {e}"));
    }
    ExitCode::from(u8::from(found))
}
