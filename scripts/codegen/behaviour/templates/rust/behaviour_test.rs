// @@HEADER@@
//! The behaviour suite shipped in this crate (`tests/behaviour-suite.json`, the revision's
//! language-neutral session cases) through `SessionChecker`, and the checker's memory bounds and typed entry points.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;
use @@LIB@@::behaviour::{self, EventType, Policy, Rule, State};
use @@LIB@@::session::{Finding, Options, SessionChecker};
use @@LIB@@::VrpEvent;

/// One case of the behaviour suite (`behaviour-suite.json`).
struct Case {
    name: String,
    options: Options,
    pass: Vec<Value>,
    fail: Vec<Value>,
    expected: Vec<Value>,
}

fn jsonl(case: &str, stream: &str, text: &str) -> Vec<Value> {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{case} {stream} line {}: {e}", i + 1))
        })
        .collect()
}

/// The cases of the shipped `behaviour-suite.json`, or, with `VRP_BEHAVIOUR_SUITE=<folder>`, of a
/// suite folder in the repository format (`<case>/case.json`, `pass.jsonl`, `fail.jsonl`,
/// `fail.expected.jsonl`).
fn suite() -> Vec<Case> {
    let folder = std::env::var("VRP_BEHAVIOUR_SUITE").unwrap_or_default();
    let cases = if folder.is_empty() {
        shipped_suite()
    } else {
        folder_suite(&PathBuf::from(folder))
    };
    assert!(!cases.is_empty(), "no behaviour cases");
    cases
}

fn read(path: &PathBuf) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn case_of(name: String, spec: &Value, pass: &str, fail: &str, expected: Vec<Value>) -> Case {
    let mut options = Options {
        assume_open_sessions: spec["assume_open_sessions"].as_bool().unwrap_or(false),
        ..Options::default()
    };
    if let Some(policy) = spec["policy"].as_object() {
        for (key, value) in policy {
            let value = value.as_i64().unwrap();
            assert!(
                options.policy.set(key, value),
                "{name}: unknown policy key {key}"
            );
        }
    }
    if let Some(n) = spec["remember_terminated"].as_u64() {
        options.remember_terminated = usize::try_from(n).unwrap();
    }
    Case {
        pass: jsonl(&name, "pass", pass),
        fail: jsonl(&name, "fail", fail),
        expected,
        name,
        options,
    }
}

fn shipped_suite() -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/behaviour-suite.json");
    let doc: Value = serde_json::from_str(&read(&path)).unwrap();
    assert_eq!(doc["revision"], behaviour::REVISION);
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let name = case["name"].as_str().unwrap().to_owned();
            let pass = case["pass"].as_str().unwrap();
            let fail = case["fail"].as_str().unwrap();
            case_of(
                name,
                case,
                pass,
                fail,
                case["expected"].as_array().unwrap().clone(),
            )
        })
        .collect()
}

fn folder_suite(folder: &PathBuf) -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("case.json").is_file())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|dir| {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let spec: Value = serde_json::from_str(&read(&dir.join("case.json"))).unwrap();
            let expected = jsonl(&name, "expected", &read(&dir.join("fail.expected.jsonl")));
            let (pass, fail) = (read(&dir.join("pass.jsonl")), read(&dir.join("fail.jsonl")));
            case_of(name, &spec, &pass, &fail, expected)
        })
        .collect()
}

fn run(case: &Case, events: &[Value]) -> Vec<Finding> {
    let mut checker = SessionChecker::new(case.options);
    events
        .iter()
        .flat_map(|event| checker.check_json(event))
        .collect()
}

fn as_expected(findings: &[Finding]) -> Vec<Value> {
    findings
        .iter()
        .map(|f| {
            json!({"line": f.line, "rule": f.rule.id(), "pointer": f.pointer, "session_id": f.session_id})
        })
        .collect()
}

#[test]
fn suite_pass_streams_have_no_findings() {
    let mut failures = Vec::new();
    for case in suite() {
        let findings = run(&case, &case.pass);
        if !findings.is_empty() {
            failures.push(format!("{}: {:?}", case.name, findings));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn suite_fail_streams_have_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    for case in suite() {
        let got = as_expected(&run(&case, &case.fail));
        if got != case.expected {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                case.name,
                Value::from(case.expected),
                Value::from(got)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_stream_rule_has_a_suite_case() {
    let cases: BTreeSet<String> = shipped_suite().into_iter().map(|c| c.name).collect();
    for rule in Rule::ALL {
        assert!(cases.contains(rule.id()), "no behaviour case for {rule}");
        assert_eq!(
            behaviour::invariant(rule.id()).map(|i| i.severity),
            Some(rule.severity())
        );
    }
}

#[test]
fn typed_events_get_the_same_findings_as_json() {
    for case in suite() {
        let mut by_json = SessionChecker::new(case.options);
        let mut typed = SessionChecker::new(case.options);
        for event in case.pass.iter().chain(&case.fail) {
            let decoded: VrpEvent = serde_json::from_value(event.clone())
                .unwrap_or_else(|e| panic!("{}: {event}: {e}", case.name));
            assert_eq!(
                typed.check_event(&decoded),
                by_json.check_json(event),
                "{event}"
            );
        }
    }
}

#[test]
fn preview_reports_without_changing_anything() {
    for case in suite() {
        let mut checker = SessionChecker::new(case.options);
        for event in &case.fail {
            let before = (
                checker.events(),
                checker.open_sessions(),
                checker.remembered_terminated(),
            );
            let previewed = checker.preview_json(event);
            let after = (
                checker.events(),
                checker.open_sessions(),
                checker.remembered_terminated(),
            );
            assert_eq!(before, after);
            assert_eq!(previewed, checker.check_json(event), "{event}");
        }
    }
}

fn create(sid: &str) -> Value {
    let kind = EventType::ALL.into_iter().find(|e| e.creates()).unwrap();
    let mut event = json!({});
    set(&mut event, behaviour::SESSION_KEY, json!(sid));
    set(&mut event, behaviour::EVENT_TYPE, json!(kind.name()));
    event
}

/// A transition event of `sid` from the initial state straight into a terminal one, if the
/// table has such a transition; else None.
fn terminate(sid: &str) -> Option<Value> {
    let to = State::INITIAL.allowed_targets().find(|s| s.is_terminal())?;
    let kind = EventType::ALL.into_iter().find(|e| e.transitions())?;
    let mut event = json!({});
    set(&mut event, behaviour::SESSION_KEY, json!(sid));
    set(&mut event, behaviour::EVENT_TYPE, json!(kind.name()));
    set(
        &mut event,
        behaviour::TRANSITION_FROM,
        json!(State::INITIAL.name()),
    );
    set(&mut event, behaviour::TRANSITION_TO, json!(to.name()));
    Some(event)
}

fn set(event: &mut Value, pointer: &str, value: Value) {
    let mut node = event;
    let tokens: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for token in &tokens[..tokens.len() - 1] {
        node = node
            .as_object_mut()
            .unwrap()
            .entry(*token)
            .or_insert_with(|| json!({}));
    }
    node.as_object_mut()
        .unwrap()
        .insert(tokens[tokens.len() - 1].to_owned(), value);
}

#[test]
fn memory_holds_open_sessions_and_a_bounded_number_of_terminated_ids() {
    let Some(_) = terminate("probe") else { return };
    let options = Options {
        remember_terminated: 3,
        ..Options::default()
    };
    let mut checker = SessionChecker::new(options);
    for i in 0..10 {
        let sid = format!("s{i}");
        assert!(checker.check_json(&create(&sid)).is_empty());
        assert!(checker.check_json(&terminate(&sid).unwrap()).is_empty());
    }
    assert_eq!(checker.open_sessions(), 0);
    assert_eq!(checker.remembered_terminated(), 3);
    // Remembered: an event after termination is reported as such.
    let late = checker.check_json(&create("s9"));
    assert_eq!(
        late.iter().map(|f| f.rule).collect::<Vec<_>>(),
        vec![Rule::SessionTerminatedFinal]
    );
    assert_eq!(late[0].line, 21);
    // Forgotten: the oldest id opens a new session again.
    assert!(checker.check_json(&create("s0")).is_empty());
    assert_eq!(checker.open_sessions(), 1);
}

#[test]
fn transition_table_and_roles_agree() {
    for from in State::ALL {
        for to in State::ALL {
            let listed = behaviour::TRANSITIONS.contains(&(from, to));
            assert_eq!(behaviour::is_allowed(from, to), listed, "{from} -> {to}");
        }
        assert_eq!(State::from_name(from.name()), Some(from));
        if from.is_terminal() {
            assert_eq!(from.allowed_targets().count(), 0, "{from} is terminal");
        }
    }
    assert!(State::INITIAL.is_initial());
    assert_eq!(State::ALL.iter().filter(|s| s.is_initial()).count(), 1);
    assert_eq!(Policy::default(), Policy::DEFAULT);
    for key in behaviour::POLICY_KEYS {
        assert!(Policy::DEFAULT.get(key).is_some(), "{key}");
    }
}

#[test]
fn events_the_fold_does_not_see_still_take_a_line() {
    let mut checker = SessionChecker::default();
    assert!(checker.check_json(&json!({"session_id": ""})).is_empty());
    assert!(checker.check_json(&json!([1, 2])).is_empty());
    let mut event = create("x");
    set(
        &mut event,
        behaviour::EVENT_TYPE,
        json!("NOT_AN_EVENT_TYPE"),
    );
    assert!(checker.check_json(&event).is_empty());
    assert_eq!(checker.events(), 3);
    assert_eq!(checker.open_sessions(), 0);
}
