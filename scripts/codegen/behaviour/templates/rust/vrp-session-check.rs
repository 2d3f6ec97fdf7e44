// @@HEADER@@
//! Session-checks a JSON Lines stream (a file, or stdin) with `SessionChecker` and prints each
//! finding as one JSON line (the keys of `vrp-contract validate --format jsonl`). A blank line
//! keeps its number and holds no event; a line that is not JSON is an input error.
//!
//!     cargo run --release --bin vrp-session-check -- [--assume-open-sessions]
//!         [--policy FILE] [--remember-terminated N] [STREAM.jsonl]
//!
//! Exit status: 0 no finding, 1 findings, 2 usage or input error (one line on stderr naming the
//! file and line).

use serde_json::Value;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::ExitCode;
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
        let Some(n) = value.as_i64().filter(|n| *n >= 1) else {
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
        let at = checker.events() + 1;
        let Ok(text) = std::str::from_utf8(&line) else {
            let _ = out.flush();
            return fail(&format!("{name}:{at}: not UTF-8 text"));
        };
        let findings = if text.trim().is_empty() {
            checker.skip() // a blank line keeps its number and holds no event
        } else {
            match serde_json::from_str::<Value>(text) {
                Ok(event) => checker.check_json(&event),
                Err(e) => {
                    let _ = out.flush();
                    return fail(&format!("{name}:{at}: not a JSON value: {e}"));
                }
            }
        };
        for finding in findings {
            found = true;
            if let Err(e) = writeln!(out, "{}", finding.to_json()) {
                return fail(&format!("cannot write the findings: {e}"));
            }
        }
    }
    if let Err(e) = out.flush() {
        return fail(&format!("cannot write the findings: {e}"));
    }
    ExitCode::from(u8::from(found))
}
