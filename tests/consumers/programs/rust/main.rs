// A consumer of the packaged crate: strict decode of every case, then encode.
use serde_json::json;
use @@LIB@@::{decode, encode, DecodeError, VrpEvent};

fn main() {
    let path = std::env::args().nth(1).expect("a cases file");
    let data = std::fs::read(path).expect("readable");
    for line in data.split(|b| *b == b'\n') {
        if line.is_empty() {
            continue;
        }
        match decode(line) {
            Ok(event) => {
                if let VrpEvent::PathSelected(p) = &event {
                    assert!(!p.details.path_id.is_empty());
                }
                // plain serde_json gives the same event
                let plain: VrpEvent = serde_json::from_slice(line).expect("plain serde_json agrees");
                assert_eq!(plain, event);
                println!("{}", json!({"ok": true, "encoded": encode(&event).expect("encodes")}));
            }
            Err(e) => {
                assert!(serde_json::from_slice::<VrpEvent>(line).is_err(), "plain serde_json agrees");
                let unknown = matches!(e, DecodeError::UnknownEventType(_));
                println!("{}", json!({"ok": false, "rule": e.rule(), "pointer": e.pointer(), "message": e.message(), "unknown": unknown}));
            }
        }
    }
    let valid = |text: &str| decode(text.as_bytes()).expect("a valid event");
    let mut ts_ms_negative = valid(r#"{"ts_ms":1,"event_type":"MUTATION_TICK","session_id":"s"}"#);
    if let VrpEvent::MutationTick(m) = &mut ts_ms_negative {
        m.ts_ms = @@LIB@@::Timestamp(-1);
    }
    for (name, event) in [("ts_ms-negative", &ts_ms_negative)] {
        match encode(event) {
            Ok(_) => println!("{}", json!({"encode": name, "ok": true})),
            Err(e) => println!("{}", json!({"encode": name, "ok": false, "rule": e.0.rule, "pointer": e.0.pointer})),
        }
    }
    // Empty strings cannot even be built: the newtypes check minLength on construction.
    let unbuildable = [
        ("session_id-empty", "".parse::<@@LIB@@::SessionId>().is_err()),
        ("path_id-empty", "".parse::<@@LIB@@::PathSelectedDetailsPathId>().is_err()),
    ];
    for (name, refused) in unbuildable {
        println!("{}", json!({"encode": name, "unrepresentable": refused}));
    }
}
