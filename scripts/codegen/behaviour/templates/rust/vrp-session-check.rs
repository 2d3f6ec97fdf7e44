// @@HEADER@@
//! Session-checks a JSON Lines stream (a file, or stdin) with `SessionChecker` and prints each
//! finding as one JSON line (the keys of `vrp-contract validate --format jsonl`). A line that is
//! no usable event (not UTF-8, not JSON, not an object, blank) gets the `input.*` finding
//! `vrp-contract validate` reports at its line, and the check goes on with the next line. A
//! repeated key is reported as validate reports it, and the event is still folded as validate
//! folds it (the last value wins; a repeated `ts_ms` leaves the event without a clock).
//!
//!     cargo run --release --bin vrp-session-check -- [--assume-open-sessions]
//!         [--policy FILE] [--remember-terminated N] [STREAM.jsonl]
//!
//! Exit status: 0 no error finding, 1 at least one, 2 usage or I/O error (one line on stderr
//! naming the file, and the line for a read error).

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::ExitCode;
use @@LIB@@::behaviour::{self, input_severity, Severity};
use @@LIB@@::check;
use @@LIB@@::session::{Options, Record, SessionChecker};

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

/// The JSON value of a line (a repeated key: the last value wins, as in `vrp-contract
/// validate`) with its repeated keys (pointer of the key, key, occurrences, inner objects
/// first), or None when it is not JSON.
fn event_value(text: &str) -> Option<(Value, Vec<(String, String, usize)>)> {
    let scan = RefCell::new(Scan::default());
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Reader(&scan).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some((value, scan.into_inner().repeated))
}

/// The one key of the map by which serde_json hands over a number as text (arbitrary_precision).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Where the reader is (the keys and indexes down to the value it reads) and what repeated.
#[derive(Default)]
struct Scan {
    path: Vec<String>,
    repeated: Vec<(String, String, usize)>,
}

fn escape_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

impl Scan {
    fn pointer(&self, key: &str) -> String {
        let mut out = String::new();
        for token in self.path.iter().map(String::as_str).chain([key]) {
            out.push('/');
            out.push_str(&escape_token(token));
        }
        out
    }
}

/// Reads a `Value` as serde_json does, and notes every key an object repeats.
struct Reader<'a>(&'a RefCell<Scan>);

impl<'de> DeserializeSeed<'de> for Reader<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Reader<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.0.borrow_mut().path.push(items.len().to_string());
            let item = seq.next_element_seed(Reader(self.0))?;
            self.0.borrow_mut().path.pop();
            match item {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        let mut repeated: Vec<(String, usize)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.is_empty() && repeated.is_empty() && key == NUMBER_TOKEN {
                let text: String = map.next_value()?;
                return text.parse().map(Value::Number).map_err(de::Error::custom);
            }
            self.0.borrow_mut().path.push(key);
            let value = map.next_value_seed(Reader(self.0))?;
            let key = self.0.borrow_mut().path.pop().unwrap_or_default();
            if members.contains_key(&key) {
                match repeated.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, n)) => *n += 1,
                    None => repeated.push((key.clone(), 2)),
                }
            }
            members.insert(key, value);
        }
        let mut scan = self.0.borrow_mut();
        for (key, n) in repeated {
            let pointer = scan.pointer(&key);
            scan.repeated.push((pointer, key, n));
        }
        Ok(Value::Object(members))
    }
}

/// The finding `vrp-contract validate` reports on a line that holds no usable event (its
/// `input.*` rule, with the strict decoder's message), or None if the line is a JSON object.
fn input_finding(at: u64, line: &[u8]) -> Option<(Value, Severity)> {
    let problem = check(line)?;
    let severity = input_severity(problem.rule())?;
    // the decoder speaks of its input; validate of the line (same sentences otherwise)
    let message = problem.message();
    let message = match (message.strip_prefix("The input "), message.strip_prefix("The value is ")) {
        (Some(rest), _) => format!("The line {rest}"),
        (_, Some(rest)) => format!("The line holds {rest}"),
        _ => message.to_owned(),
    };
    let finding = json!({
        "rule": problem.rule(),
        "severity": severity.name(),
        "message": message,
        "pointer": problem.pointer(),
        "line": at,
    });
    Some((finding, severity))
}

/// The `input.duplicate-key` finding of one repeated key (the event is still folded).
fn repeated_key(at: u64, event: &Value, (pointer, key, n): &(String, String, usize)) -> Option<(Value, Severity)> {
    let rule = "input.duplicate-key";
    let severity = input_severity(rule)?;
    let mut finding = json!({
        "rule": rule,
        "severity": severity.name(),
        "message": format!(
            "The key '{key}' appears {n} times in one object; JSON parsers disagree on which value wins, so the event is ambiguous."
        ),
        "pointer": pointer,
        "line": at,
    });
    if let Some(id) = event.pointer(behaviour::SESSION_KEY).and_then(Value::as_str) {
        finding["session_id"] = json!(id);
    }
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
                if n < 1 {
                    // as `vrp-contract validate`: a memory of no id would forget each at once
                    return usage("--remember-terminated: expected at least 1, got 0");
                }
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
            .and_then(event_value)
            .filter(|(event, _)| event.is_object());
        let findings: Vec<(Value, Severity)> = match event {
            Some((event, repeated)) => {
                let at = checker.events() + 1;
                let mut findings: Vec<(Value, Severity)> =
                    repeated.iter().filter_map(|r| repeated_key(at, &event, r)).collect();
                // folded as validate folds it: the last value wins, and a repeated clock is none
                let record = Record::from_json(&event).map(|mut record| {
                    if repeated.iter().any(|(pointer, _, _)| pointer == behaviour::CLOCK) {
                        record.ts_ms = None;
                    }
                    record
                });
                let folded = match record {
                    Some(record) => checker.check(&record),
                    None => checker.skip(),
                };
                findings.extend(folded.iter().map(|f| (f.to_json(), f.severity())));
                findings
            }
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
