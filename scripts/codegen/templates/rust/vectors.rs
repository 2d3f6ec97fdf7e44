// @@HEADER@@
//! This crate's own test, runnable wherever it is vendored (`cargo test`): every vector in
//! vectors.json (the revision's examples) through the strict decoder and encoder.

use @@LIB@@::{decode, encode, exact_numbers, DecodeError, Timestamp, VrpEvent};
use serde_json::Value;

fn vectors() -> Value {
    // cargo sets CARGO_MANIFEST_DIR when it runs the test (the crate may have moved since the build)
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into());
    let path = std::path::Path::new(&dir).join("vectors.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("vectors.json")).expect("JSON")
}

fn list<'a>(all: &'a Value, kind: &str) -> &'a Vec<Value> {
    let items = all[kind].as_array().expect("a list of vectors");
    assert!(!items.is_empty(), "no {kind} vectors");
    items
}

#[test]
fn valid_vectors_round_trip_exactly() {
    let all = vectors();
    for v in list(&all, "valid") {
        let text = v["text"].as_str().unwrap();
        let event = decode(text.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", v["name"]));
        let out = encode(&event).unwrap_or_else(|e| panic!("{}: {e}", v["name"]));
        let (a, b): (Value, Value) = (serde_json::from_str(text).unwrap(), serde_json::from_str(&out).unwrap());
        assert_eq!(a, b, "{}", v["name"]);
        // plain serde_json gets the same verdict and the same value
        let plain: VrpEvent = serde_json::from_str(text).unwrap();
        assert_eq!(plain, event, "{}", v["name"]);
    }
}

#[test]
fn invalid_vectors_refused_with_rule_and_pointer() {
    let all = vectors();
    for v in list(&all, "invalid") {
        let err = decode(v["text"].as_str().unwrap().as_bytes()).expect_err(v["name"].as_str().unwrap());
        assert_eq!(err.rule(), v["rule"].as_str().unwrap(), "{}: {err}", v["name"]);
        assert_eq!(err.pointer(), v["pointer"].as_str().unwrap(), "{}: {err}", v["name"]);
        let unknown = matches!(err, DecodeError::UnknownEventType(_));
        assert_eq!(unknown, v["rule"] == "schema.unknown-event-type", "{}", v["name"]);
        let plain = serde_json::from_str::<VrpEvent>(v["text"].as_str().unwrap()).expect_err("plain serde refuses too");
        assert!(plain.to_string().starts_with(&err.to_string()), "{}: {plain}", v["name"]);
    }
}

/// Read `text` into the struct of event type `tag`, with plain serde_json and with `<Struct>::decode`.
fn concrete(tag: &str, text: &str) -> (Result<VrpEvent, String>, Result<VrpEvent, DecodeError>) {
    match tag {
@@CONCRETE@@
        _ => panic!("no struct for {tag}"),
    }
}

#[test]
fn event_structs_read_alone_are_strict() {
    let all = vectors();
    let tags = [@@TAGS@@];
    for v in list(&all, "valid") {
        let text = v["text"].as_str().unwrap();
        let event = decode(text.as_bytes()).unwrap();
        for tag in tags {
            let (plain, own) = concrete(tag, text);
            if tag == event.event_type() {
                assert_eq!(plain.as_ref(), Ok(&event), "{}", v["name"]);
                assert_eq!(own.as_ref(), Ok(&event), "{}", v["name"]);
            } else {
                let err = own.expect_err(v["name"].as_str().unwrap());
                assert_eq!((err.rule(), err.pointer()), ("schema.const", "/event_type"), "{}", v["name"]);
                let want = format!("The field /event_type must be '{tag}'; got a string \"{}\".", event.event_type());
                assert_eq!(err.message(), want);
                assert!(plain.expect_err("plain serde refuses too").starts_with(&err.to_string()));
            }
        }
    }
    for v in list(&all, "invalid") {
        let text = v["text"].as_str().unwrap();
        let err = decode(text.as_bytes()).unwrap_err();
        for tag in tags {
            let (plain, own) = concrete(tag, text);
            assert_eq!(own.as_ref().expect_err(v["name"].as_str().unwrap()), &err, "{}", v["name"]);
            assert!(plain.expect_err("plain serde refuses too").starts_with(&err.to_string()), "{}", v["name"]);
        }
    }
}

/// Numbers past 64 bits, with the `exact-numbers` feature (as the other languages) and without it.
#[test]
fn numbers_past_64_bits() {
    assert_eq!(exact_numbers(), cfg!(feature = "exact-numbers"), "another crate turned arbitrary_precision on");
    let all = vectors();
    let with_details = list(&all, "valid")
        .iter()
        .map(|v| v["text"].as_str().unwrap())
        .find(|t| serde_json::from_str::<Value>(t).unwrap()["details"].is_object())
        .expect("a valid vector with details");
    let big = "123456789012345678901234567890123456789012345";
    let text = with_details.replacen("\"details\":{", &format!("\"details\":{{\"big\":{big},\"huge\":1e400,"), 1);
    let overflow = with_details.replacen("\"ts_ms\":", "\"ts_ms\":1e400,\"was\":", 1);
    if exact_numbers() {
        // open details keep any number digit for digit; 1e400 is a number (infinity), not an integer
        let out = encode(&decode(text.as_bytes()).expect("valid")).expect("encodes");
        assert!(out.contains(&format!("\"big\":{big},")) && out.contains("\"huge\":1e+400"), "{out}");
        let err = decode(overflow.as_bytes()).expect_err("1e400 is no integer");
        assert_eq!((err.rule(), err.pointer()), ("schema.type", "/ts_ms"), "{err}");
        assert!(err.message().ends_with(", got a number Infinity."), "{err}");
        let err = decode(with_details.replacen("\"ts_ms\":", &format!("\"ts_ms\":{big},\"was\":"), 1).as_bytes()).expect_err("too big");
        assert_eq!((err.rule(), err.pointer()), ("schema.maximum", "/ts_ms"), "{err}");
        assert!(err.message().ends_with(&format!(", got an integer {big}.")), "{err}");
        let plain: VrpEvent = serde_json::from_str(&text).expect("plain serde agrees");
        assert_eq!(encode(&plain).unwrap(), out);
    } else {
        // serde_json reads an integer past 64 bits as an f64, and refuses 1e400 while parsing
        let short = text.replace(",\"huge\":1e400", "");
        let out = encode(&decode(short.as_bytes()).expect("valid")).expect("encodes");
        assert!(out.contains("\"big\":1.2345678901234567e+44,"), "{out}"); // the nearest f64, as in Python
        let err = decode(overflow.as_bytes()).expect_err("not JSON to serde_json");
        assert_eq!((err.rule(), err.pointer()), ("input.not-json", ""), "{err}");
        // the message shows the float as Python's repr does (Python's parser reads it as one too)
        let err = decode(with_details.replacen("\"ts_ms\":", "\"ts_ms\":18446744073709551616,\"was\":", 1).as_bytes()).expect_err("too big");
        assert_eq!((err.rule(), err.pointer()), ("schema.maximum", "/ts_ms"), "{err}");
        assert!(err.message().ends_with(", got a number 1.8446744073709552e+19."), "{err}");
    }
}

#[test]
fn encode_refuses_what_decode_refuses() {
    let mut event = decode(br#"{"ts_ms":1,"event_type":"PATH_SELECTED","session_id":"s","details":{"path_id":"p"}}"#).unwrap();
    if let VrpEvent::PathSelected(e) = &mut event {
        e.ts_ms = @@LIB@@::Timestamp(-1);
    }
    let err = encode(&event).expect_err("a negative ts_ms");
    assert_eq!((err.0.rule.as_str(), err.0.pointer.as_str()), ("schema.minimum", "/ts_ms"));
}

/// JSON Schema's `integer` is a value: `2000.0`, `2e3` and `-0` are integers (as in Python and
/// TypeScript), read into `Timestamp` by `decode`, by plain serde_json and by the newtype alone.
#[test]
fn whole_number_floats_are_integers() {
    let event = |ts: &str| format!(r#"{{"ts_ms":{ts},"event_type":"MUTATION_TICK","session_id":"s"}}"#);
    for (ts, want) in [("2000.0", 2000), ("2.0e3", 2000), ("1e7", 10_000_000), ("1.7e12", 1_700_000_000_000), ("0.0", 0), ("-0", 0), ("-0.0", 0), ("9.2233720368547748e18", 9_223_372_036_854_774_784)] {
        let text = event(ts);
        let decoded = decode(text.as_bytes()).unwrap_or_else(|e| panic!("{ts}: {e}"));
        let plain: VrpEvent = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{ts}: {e}"));
        assert_eq!(plain, decoded, "{ts}");
        assert_eq!(serde_json::from_str::<Timestamp>(ts).map(|t| t.0).ok(), Some(want), "{ts}");
        let out = encode(&decoded).unwrap();
        assert!(out.contains(&format!("\"ts_ms\":{want}")), "{ts}: {out}");
    }
    // 2^63 is above the maximum: compared exactly, as Python compares a float with an int
    let err = decode(event("9223372036854775807.0").as_bytes()).expect_err("2^63");
    assert_eq!((err.rule(), err.pointer()), ("schema.maximum", "/ts_ms"), "{err}");
    assert_eq!(err.message(), "The field /ts_ms must be at most 9223372036854775807, got a number 9.223372036854776e+18.");
    let err = decode(event("2000.5").as_bytes()).expect_err("a fraction");
    assert_eq!((err.rule(), err.pointer()), ("schema.type", "/ts_ms"), "{err}");
    // the newtype alone refuses what is no whole number inside the schema's bounds
    for bad in ["2000.5", "-1", "-1.0", "9223372036854775807.0", "\"2000\"", "1e300"] {
        assert!(serde_json::from_str::<Timestamp>(bad).is_err(), "{bad}");
    }
    assert_eq!(serde_json::from_str::<Timestamp>("9223372036854775807").unwrap().0, i64::MAX);
    let value: Value = serde_json::from_str("3e3").unwrap();
    assert_eq!(serde_json::from_value::<Timestamp>(value).unwrap().0, 3000);
}
