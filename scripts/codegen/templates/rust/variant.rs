
impl @@TYPE@@ {
    /// Decode one `@@TAG@@` event from JSON text: `decode`'s verdict, and an event of another
    /// type is refused as `schema.const` at `/event_type`.
    pub fn decode(input: &[u8]) -> Result<Self, DecodeError> {
        let value = strict::parse(input)?;
        if let Some(problem) = strict::first_problem_as(&value, "@@TAG@@") {
            return Err(problem);
        }
        unchecked::@@TYPE@@::deserialize(strict::to_value(&value)).map_err(strict::struct_refused)
    }
}

/// Strict: `serde_json::from_str::<@@TYPE@@>` gives the verdicts of `@@TYPE@@::decode` (the
/// error text is `"<rule> at <pointer>: <message>"`, followed by serde_json's position).
impl<'de> ::serde::Deserialize<'de> for @@TYPE@@ {
    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = strict::parse_from(d)?;
        if let Some(problem) = strict::first_problem_as(&value, "@@TAG@@") {
            return Err(strict::serde_error(problem));
        }
        unchecked::@@TYPE@@::deserialize(strict::to_value(&value))
            .map_err(|e| strict::serde_error(strict::struct_refused(e)))
    }
}
