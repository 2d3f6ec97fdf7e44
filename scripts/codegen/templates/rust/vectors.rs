// @@HEADER@@
//! This crate's own test, runnable wherever it is vendored (`cargo test`): every vector in
//! vectors.json (the revision's examples) through the strict decoder and encoder.

use @@LIB@@::{decode, encode, DecodeError, VrpEvent};
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

#[test]
fn encode_refuses_what_decode_refuses() {
    let mut event = decode(br#"{"ts_ms":1,"event_type":"PATH_SELECTED","session_id":"s","details":{"path_id":"p"}}"#).unwrap();
    if let VrpEvent::PathSelected(e) = &mut event {
        e.ts_ms = @@LIB@@::Timestamp(-1);
    }
    let err = encode(&event).expect_err("a negative ts_ms");
    assert_eq!((err.0.rule.as_str(), err.0.pointer.as_str()), ("schema.minimum", "/ts_ms"));
}
