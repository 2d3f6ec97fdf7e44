// ---- from scripts/codegen/templates/rust/union.rs: the closed event enum, strict serde ----------

mod strict;
pub use strict::{check, exact_numbers, DecodeError, EncodeError, Problem};

impl VrpEvent {
    /// The `event_type` of the event (fixed by its variant).
    pub fn event_type(&self) -> &'static str {
        match self {
@@NAMES@@
        }
    }
}

/// The event struct of a value the plan accepted.
fn typed(json: &strict::Json) -> Result<VrpEvent, DecodeError> {
    let value = strict::to_value(json);
    let tag = value.get("event_type").and_then(|t| t.as_str()).unwrap_or_default().to_string();
    let result = match tag.as_str() {
@@TYPED@@
        _ => return Err(DecodeError::Invalid(Problem {
            rule: "schema.unknown-event-type".into(),
            pointer: "/event_type".into(),
            message: format!("Event type {tag:?} passed the plan but has no struct."),
        })),
    };
    result.map_err(strict::struct_refused)
}

/// Decode one event from JSON text (UTF-8 bytes): the strict entry point. Returns the event, or
/// one `DecodeError` (`DecodeError::UnknownEventType` for an event type this revision lacks).
pub fn decode(input: &[u8]) -> Result<VrpEvent, DecodeError> {
    let value = strict::parse(input)?;
    if let Some(problem) = strict::first_problem(&value) {
        return Err(problem);
    }
    typed(&value)
}

/// `decode` for a `&str`.
pub fn decode_str(input: &str) -> Result<VrpEvent, DecodeError> {
    decode(input.as_bytes())
}

/// Encode an event as compact JSON text; an event `decode` would refuse (an empty session id, a
/// negative `ts_ms`...) gives an `EncodeError` with the same rule, pointer and message.
pub fn encode(event: &VrpEvent) -> Result<String, EncodeError> {
    let text = serde_json::to_string(event).map_err(|e| {
        EncodeError(Problem {
            rule: "input.not-json".into(),
            pointer: String::new(),
            message: format!("The event cannot be written as JSON: {e}."),
        })
    })?;
    match check(text.as_bytes()) {
        Some(problem) => Err(EncodeError(problem.problem().clone())),
        None => Ok(text),
    }
}

/// Strict: `serde_json::from_str::<VrpEvent>` gives the same verdicts as `decode` (the error text
/// is `"<rule> at <pointer>: <message>"`, followed by serde_json's position).
impl<'de> ::serde::Deserialize<'de> for VrpEvent {
    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = strict::parse_from(d)?;
        if let Some(problem) = strict::first_problem(&value) {
            return Err(strict::serde_error(problem));
        }
        typed(&value).map_err(strict::serde_error)
    }
}

/// Writes the event's own struct (its `event_type` is fixed by the variant). Use `encode` to
/// refuse an event that `decode` would refuse.
impl ::serde::Serialize for VrpEvent {
    fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
@@SERIALIZE@@
        }
    }
}

// Each event struct read alone is as strict as the enum.
@@VARIANTS@@