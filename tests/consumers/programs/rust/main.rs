// A consumer of the packaged crate: strict decode of every case, then encode.
use serde_json::json;
use @@LIB@@::{check, decode, encode, DecodeError, PathSelected, VrpEvent};

fn main() {
    let path = std::env::args().nth(1).expect("a cases file");
    let data = std::fs::read(path).expect("readable");
    for line in data.split(|b| *b == b'\n') {
        if line.is_empty() {
            continue;
        }
        // check() gives decode's verdict: the same problem, or none for an event decode returns
        assert_eq!(check(line), decode(line).err(), "check and decode disagree");
        match decode(line) {
            Ok(event) => {
                if let VrpEvent::PathSelected(p) = &event {
                    assert!(!p.details.path_id.is_empty());
                }
                // plain serde_json gives the same event
                let plain: VrpEvent = serde_json::from_slice(line).expect("plain serde_json agrees");
                assert_eq!(plain, event);
                // one event struct read alone: the same event, or refused when of another type
                match (serde_json::from_slice::<PathSelected>(line), &event) {
                    (Ok(p), VrpEvent::PathSelected(e)) => assert_eq!(&p, e),
                    (Err(e), VrpEvent::PathSelected(_)) => panic!("PathSelected refused a valid one: {e}"),
                    (Ok(_), _) => panic!("PathSelected accepted another event type"),
                    (Err(e), _) => assert!(e.to_string().starts_with("schema.const at /event_type"), "{e}"),
                }
                println!("{}", json!({"ok": true, "encoded": encode(&event).expect("encodes")}));
            }
            Err(e) => {
                assert!(serde_json::from_slice::<VrpEvent>(line).is_err(), "plain serde_json agrees");
                assert_eq!(PathSelected::decode(line).expect_err("PathSelected alone refuses it too"), e);
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
