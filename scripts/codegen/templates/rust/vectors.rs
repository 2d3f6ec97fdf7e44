// @@HEADER@@
//! The shared vectors (schema/v@@REV@@/examples) against this crate: each valid vector decodes and
//! re-encodes to the same JSON; each invalid one is rejected, except those in known-gaps.json.

use @@LIB@@::VrpEvent;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn vectors(kind: &str) -> BTreeMap<String, Value> {
    let dir = root().join("../../../schema/v@@REV@@/examples").join(kind);
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let vector: Value = serde_json::from_str(&text).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        out.insert(name, vector["event"].clone());
    }
    assert!(!out.is_empty(), "no {kind} vectors under {}", dir.display());
    out
}

fn gaps(section: &str) -> BTreeMap<String, Value> {
    let text = fs::read_to_string(root().join("known-gaps.json")).unwrap();
    let all: BTreeMap<String, Value> = serde_json::from_str(&text).unwrap();
    serde_json::from_value(all[section].clone()).unwrap()
}

#[test]
fn valid_vectors_round_trip() {
    let gaps = gaps("valid_not_round_tripped");
    let mut failures = Vec::new();
    for (name, event) in vectors("valid") {
        let text = serde_json::to_string(&event).unwrap();
        let decoded: VrpEvent = match serde_json::from_str(&text) {
            Ok(decoded) => decoded,
            Err(e) => {
                failures.push(format!("{name}: decode: {e}"));
                continue;
            }
        };
        let again = serde_json::to_value(&decoded).unwrap();
        if gaps.contains_key(&name) && again == event {
            failures.push(format!("{name} round-trips now: drop it from known-gaps.json"));
        } else if !gaps.contains_key(&name) && again != event {
            failures.push(format!("{name}: round trip changed the event: {again}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_vectors_rejected() {
    let gaps = gaps("invalid_accepted");
    let mut failures = Vec::new();
    for (name, event) in vectors("invalid") {
        let text = serde_json::to_string(&event).unwrap();
        let result = serde_json::from_str::<VrpEvent>(&text);
        if gaps.contains_key(&name) && result.is_err() {
            failures.push(format!("{name} is rejected now: drop it from known-gaps.json"));
        } else if !gaps.contains_key(&name) && result.is_ok() {
            failures.push(format!("{name} was accepted"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn known_gaps_name_real_vectors() {
    let valid = vectors("valid");
    let invalid = vectors("invalid");
    for name in gaps("valid_not_round_tripped").keys() {
        assert!(valid.contains_key(name), "known-gaps.json names {name}: not a valid vector");
    }
    for name in gaps("invalid_accepted").keys() {
        assert!(invalid.contains_key(name), "known-gaps.json names {name}: not an invalid vector");
    }
}
