// @@HEADER@@
//! The strict decoder and encoder: a small interpreter of the revision's check plan (`plan.json`,
//! generated from the schema by scripts/codegen/plan.py). The Python, TypeScript, Go and Java
//! bindings interpret the same plan in the same order, so all five report the same rule id, JSON
//! Pointer and message for the same input.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::sync::OnceLock;

const UNKNOWN_EVENT_TYPE: &str = "schema.unknown-event-type";
const DUPLICATE: &str = "input.duplicate-key";
/// The one key of the map by which serde_json hands over a number as text (arbitrary_precision).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Whether serde_json keeps numbers exactly (its `arbitrary_precision` feature, which this crate's
/// `exact-numbers` feature turns on, as may any other crate of the build): then an integer of any
/// size is exact and a number past the range of an `f64` (`1e400`) reads as infinity, as in the
/// Python reference; without it serde_json reads an integer past 64 bits as an `f64` and refuses
/// `1e400` while parsing (`input.not-json`).
pub fn exact_numbers() -> bool {
    static EXACT: OnceLock<bool> = OnceLock::new();
    *EXACT.get_or_init(|| serde_json::from_str::<serde_json::Value>("1e400").is_ok())
}

/// One problem: the rule id, the JSON Pointer of the offending value (`""` for the whole input)
/// and a sentence in JSON terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub rule: String,
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "{} at {}: {}", self.rule, pointer, self.message)
    }
}

/// The one error of `decode`: an event type this revision does not define (a tolerant reader
/// skips it), or any other problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    UnknownEventType(Problem),
    Invalid(Problem),
}

impl DecodeError {
    fn new(rule: &str, pointer: String, message: String) -> Self {
        let problem = Problem { rule: rule.to_string(), pointer, message };
        if rule == UNKNOWN_EVENT_TYPE {
            DecodeError::UnknownEventType(problem)
        } else {
            DecodeError::Invalid(problem)
        }
    }

    /// The problem, whatever the kind.
    pub fn problem(&self) -> &Problem {
        match self {
            DecodeError::UnknownEventType(p) | DecodeError::Invalid(p) => p,
        }
    }

    /// The rule id (`schema.required`, `schema.type`, `input.not-json`...).
    pub fn rule(&self) -> &str {
        &self.problem().rule
    }

    /// The JSON Pointer of the offending value.
    pub fn pointer(&self) -> &str {
        &self.problem().pointer
    }

    /// The sentence.
    pub fn message(&self) -> &str {
        &self.problem().message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem().fmt(f)
    }
}

impl std::error::Error for DecodeError {}

/// The error of `encode` for an event that `decode` would refuse (same rule, pointer, message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError(pub Problem);

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for EncodeError {}

// ---- JSON -> ordered values, duplicate keys refused -------------------------------------------

#[derive(Clone, Debug)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    /// A number serde_json handed over as text (exact numbers): an integer past `i128` or a
    /// number with a fraction or exponent; the text is kept, the `f64` is its value.
    Text(String, f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

fn escape_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

struct Seed(String);

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor(self.0))
    }
}

struct JsonVisitor(String);

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Int(v as i128))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Int(v as i128))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed(format!("{}/{}", self.0, out.len())))? {
            out.push(item);
        }
        Ok(Json::Arr(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out: Vec<(String, Json)> = Vec::new();
        let mut counts: Vec<usize> = Vec::new();
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            if std::mem::take(&mut first) && key == NUMBER_TOKEN && exact_numbers() {
                return Ok(number(map.next_value::<String>()?));
            }
            let value = map.next_value_seed(Seed(format!("{}/{}", self.0, escape_token(&key))))?;
            match out.iter().position(|(k, _)| *k == key) {
                Some(i) => {
                    counts[i] += 1;
                    out[i].1 = value;
                }
                None => {
                    out.push((key, value));
                    counts.push(1);
                }
            }
        }
        if let Some(i) = counts.iter().position(|&n| n > 1) {
            let key = &out[i].0;
            return Err(de::Error::custom(format!(
                "{DUPLICATE} at {}/{}: The key '{}' appears {} times in one object; JSON parsers disagree on which value wins, so the event is ambiguous.",
                self.0,
                escape_token(key),
                key,
                counts[i]
            )));
        }
        Ok(Json::Obj(out))
    }
}

/// A number serde_json kept as text: an exact `Int` when it is an integer that fits `i128`.
fn number(text: String) -> Json {
    if integer_text(&text) {
        if let Ok(i) = text.parse::<i128>() {
            return Json::Int(i);
        }
    }
    let value = text.parse::<f64>().unwrap_or(f64::NAN);
    Json::Text(text, value)
}

fn integer_text(text: &str) -> bool {
    !text.contains(['.', 'e', 'E'])
}

fn problem_from_serde(err: serde_json::Error) -> DecodeError {
    let text = err.to_string();
    if let Some(rest) = text.strip_prefix(DUPLICATE).and_then(|r| r.strip_prefix(" at ")) {
        if let Some((pointer, message)) = rest.split_once(": The key '") {
            let message = message.rsplit_once(" at line ").map_or(message, |(m, _)| m);
            return DecodeError::new(DUPLICATE, pointer.to_string(), format!("The key '{message}"));
        }
    }
    DecodeError::new("input.not-json", String::new(), format!("The input is not valid JSON: {text}."))
}

/// The first `\\uD800`-`\\uDFFF` escape inside a JSON string that is not half of a high-low pair.
fn lone_surrogate(data: &[u8]) -> Option<u32> {
    let hex4 = |at: usize| -> Option<u32> {
        let digits = data.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let (mut i, mut in_string) = (0, false);
    while i < data.len() {
        let c = data[i];
        if !in_string {
            in_string = c == b'"';
        } else if c == b'"' {
            in_string = false;
        } else if c == b'\\' && i + 1 < data.len() {
            i += 1;
            if data[i] == b'u' {
                if let Some(v) = hex4(i + 1) {
                    i += 4;
                    if (0xDC00..=0xDFFF).contains(&v) {
                        return Some(v);
                    }
                    if (0xD800..=0xDBFF).contains(&v) {
                        let paired = data.get(i + 1) == Some(&b'\\')
                            && data.get(i + 2) == Some(&b'u')
                            && hex4(i + 3).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low));
                        if !paired {
                            return Some(v);
                        }
                        i += 6;
                    }
                }
            }
        }
        i += 1;
    }
    None
}

pub(crate) fn parse(input: &[u8]) -> Result<Json, DecodeError> {
    if let Err(e) = std::str::from_utf8(input) {
        let at = e.valid_up_to();
        return Err(DecodeError::new(
            "input.not-utf8",
            String::new(),
            format!("The input is not valid UTF-8: byte 0x{:02x} at byte offset {at} cannot be decoded.", input[at]),
        ));
    }
    let mut end = input.len();
    while end > 0 && (input[end - 1] == b'\n' || input[end - 1] == b'\r') {
        end -= 1;
    }
    let input = &input[..end];
    if let Some(v) = lone_surrogate(input) {
        return Err(DecodeError::new(
            "input.not-utf8",
            String::new(),
            format!("The input is not valid Unicode: the escape \\u{v:04x} is a lone surrogate, which no UTF-8 text can hold."),
        ));
    }
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::new(
            "input.blank-line",
            String::new(),
            "The input is blank; JSON Lines holds one event per line.".to_string(),
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(input);
    let value = Seed(String::new()).deserialize(&mut de).map_err(problem_from_serde)?;
    de.end().map_err(problem_from_serde)?;
    Ok(value)
}

pub(crate) fn parse_from<'de, D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
    Seed(String::new()).deserialize(d)
}

pub(crate) fn to_value(json: &Json) -> serde_json::Value {
    match json {
        Json::Null => serde_json::Value::Null,
        Json::Bool(b) => serde_json::Value::Bool(*b),
        Json::Int(i) => {
            if let Ok(v) = i64::try_from(*i) {
                serde_json::Value::from(v)
            } else if let Ok(v) = u64::try_from(*i) {
                serde_json::Value::from(v)
            } else {
                exact(&i.to_string(), *i as f64)
            }
        }
        Json::Float(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        Json::Text(text, f) => exact(text, *f),
        Json::Str(s) => serde_json::Value::String(s.clone()),
        Json::Arr(items) => serde_json::Value::Array(items.iter().map(to_value).collect()),
        Json::Obj(pairs) => serde_json::Value::Object(pairs.iter().map(|(k, v)| (k.clone(), to_value(v))).collect()),
    }
}

/// A number from its text: digit for digit with exact numbers (only then does it arise past 64
/// bits), else the nearest `f64`.
fn exact(text: &str, value: f64) -> serde_json::Value {
    match text.parse::<serde_json::Number>() {
        Ok(n) => serde_json::Value::Number(n),
        Err(_) => serde_json::Number::from_f64(value).map_or(serde_json::Value::Null, serde_json::Value::Number),
    }
}

// ---- the plan ------------------------------------------------------------------------------

enum Arg {
    Raw(Json),
    Props(Vec<(String, Node)>),
    Sub(Node),
}

struct Pair {
    kw: String,
    arg: Arg,
}

type Node = Vec<Pair>;

struct Plan {
    revision: String,
    event_types: Vec<String>,
    envelope: Node,
    variants: Vec<(String, Node)>,
}

fn get<'a>(pairs: &'a [(String, Json)], key: &str) -> &'a Json {
    &pairs.iter().find(|(k, _)| k == key).expect("plan.json key").1
}

fn to_node(json: &Json) -> Node {
    let Json::Arr(items) = json else { panic!("plan.json: a node is an array") };
    items
        .iter()
        .map(|item| {
            let Json::Arr(kv) = item else { panic!("plan.json: a pair is an array") };
            let Json::Str(kw) = &kv[0] else { panic!("plan.json: a keyword is a string") };
            let arg = match (kw.as_str(), &kv[1]) {
                ("properties", Json::Arr(props)) => Arg::Props(
                    props
                        .iter()
                        .map(|p| match p {
                            Json::Arr(nv) => match &nv[0] {
                                Json::Str(name) => (name.clone(), to_node(&nv[1])),
                                _ => panic!("plan.json: a property name is a string"),
                            },
                            _ => panic!("plan.json: a property is an array"),
                        })
                        .collect(),
                ),
                ("items", sub) => Arg::Sub(to_node(sub)),
                ("additionalProperties", Json::Arr(_)) => Arg::Sub(to_node(&kv[1])),
                (_, raw) => Arg::Raw(raw.clone()),
            };
            Pair { kw: kw.clone(), arg }
        })
        .collect()
}

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let root = parse(include_str!("../plan.json").as_bytes()).expect("the embedded plan.json parses");
        let Json::Obj(root) = root else { panic!("plan.json is an object") };
        let Json::Str(revision) = get(&root, "revision") else { panic!("plan.json: revision") };
        let Json::Arr(names) = get(&root, "event_types") else { panic!("plan.json: event_types") };
        let Json::Obj(variants) = get(&root, "variants") else { panic!("plan.json: variants") };
        Plan {
            revision: revision.clone(),
            event_types: names.iter().map(|n| match n { Json::Str(s) => s.clone(), _ => panic!("plan.json: a name") }).collect(),
            envelope: to_node(get(&root, "envelope")),
            variants: variants.iter().map(|(k, v)| (k.clone(), to_node(v))).collect(),
        }
    })
}

// ---- the interpreter -------------------------------------------------------------------------

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Int(_) => "integer",
        Json::Text(text, _) if integer_text(text) => "integer",
        Json::Float(_) | Json::Text(..) => "number",
        Json::Str(_) => "string",
        Json::Arr(_) => "array",
        Json::Obj(_) => "object",
    }
}

fn is_type(v: &Json, name: &str) -> bool {
    match (name, v) {
        ("number", Json::Int(_) | Json::Float(_) | Json::Text(..)) => true,
        ("integer", Json::Float(f) | Json::Text(_, f)) if kind(v) == "number" => f.is_finite() && f.fract() == 0.0,
        _ => kind(v) == name,
    }
}

fn dump_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float as Python's `repr` writes it: the shortest digits that read back, in exponent form
/// below 1e-4 and from 1e16 up (`1.8446744073709552e+19`, `1e-05`), else with a point (`1.0`).
fn dump_float(f: f64) -> String {
    if !f.is_finite() {
        return if f.is_nan() { "NaN" } else if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let shortest = format!("{f:e}");
    let (digits, exp) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..16).contains(&exp) {
        format!("{digits}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else if f.fract() == 0.0 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn floats_read_as_python_writes_them() {
        let cases = [
            (1.8446744073709552e19, "1.8446744073709552e+19"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (1.25e-7, "1.25e-07"),
            (0.0001, "0.0001"),
            (18.25, "18.25"),
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (-2.5e300, "-2.5e+300"),
            (f64::INFINITY, "Infinity"),
        ];
        for (f, python) in cases {
            assert_eq!(super::dump_float(f), python, "{f:e}");
        }
    }
}

/// The value as Python's json.dumps writes it (the reference messages).
fn dumps(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Int(i) => i.to_string(),
        Json::Float(f) => dump_float(*f),
        Json::Text(text, _) if integer_text(text) => text.clone(),
        Json::Text(_, f) => dump_float(*f),
        Json::Str(s) => dump_str(s),
        Json::Arr(items) => format!("[{}]", items.iter().map(dumps).collect::<Vec<_>>().join(", ")),
        Json::Obj(pairs) => format!(
            "{{{}}}",
            pairs.iter().map(|(k, v)| format!("{}: {}", dump_str(k), dumps(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn show(v: &Json) -> String {
    let text = dumps(v);
    if text.chars().count() <= 60 {
        text
    } else {
        format!("{}...", text.chars().take(57).collect::<String>())
    }
}

fn got(v: &Json) -> String {
    let article = match kind(v) {
        "null" => return "got null".into(),
        "object" => "an object",
        "array" => "an array",
        "string" => "a string",
        "boolean" => "a boolean",
        "integer" => "an integer",
        _ => "a number",
    };
    format!("got {article} {}", show(v))
}

fn field(ptr: &str) -> String {
    if ptr.is_empty() {
        "the event".into()
    } else {
        format!("field {ptr}")
    }
}

fn as_f64(v: &Json) -> Option<f64> {
    match v {
        Json::Int(i) => Some(*i as f64),
        Json::Float(f) | Json::Text(_, f) => Some(*f),
        _ => None,
    }
}

/// Compare a number with a decimal bound: exactly when the bound is an integer (as Python
/// compares a float with an int: `9223372036854775807.0` is 2^63, above `9223372036854775807`).
fn compare(v: &Json, bound: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Equal, Greater, Less};
    if let (Json::Int(i), Ok(b)) = (v, bound.parse::<i128>()) {
        return i.cmp(&b);
    }
    if let (Json::Text(text, _), Ok(_)) = (v, bound.parse::<i128>()) {
        if integer_text(text) {
            // an integer past i128: beyond every integer bound, on the side of its sign
            return if text.starts_with('-') { Less } else { Greater };
        }
    }
    if let (Json::Float(f) | Json::Text(_, f), Ok(b)) = (v, bound.parse::<i128>()) {
        if f.is_nan() {
            return Equal;
        }
        let floor = f.floor();
        if floor < -(2f64.powi(127)) {
            return Less;
        }
        if floor >= 2f64.powi(127) {
            return Greater; // also +infinity
        }
        return match (floor as i128).cmp(&b) {
            Equal if *f > floor => Greater,
            order => order,
        };
    }
    let a = as_f64(v).unwrap_or(f64::NAN);
    let b = bound.parse::<f64>().unwrap_or(f64::NAN);
    a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal)
}

fn json_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Int(x), Json::Int(y)) => x == y,
        (Json::Text(x, _), Json::Text(y, _)) if integer_text(x) && integer_text(y) => x == y,
        (Json::Int(_), Json::Text(t, _)) | (Json::Text(t, _), Json::Int(_)) if integer_text(t) => false,
        (Json::Int(_) | Json::Float(_) | Json::Text(..), Json::Int(_) | Json::Float(_) | Json::Text(..)) => {
            as_f64(a) == as_f64(b)
        }
        (Json::Null, Json::Null) => true,
        (Json::Bool(x), Json::Bool(y)) => x == y,
        (Json::Str(x), Json::Str(y)) => x == y,
        (Json::Arr(x), Json::Arr(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q)),
        (Json::Obj(x), Json::Obj(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && json_equal(v, v2)))
        }
        _ => false,
    }
}

fn usize_arg(arg: &Arg) -> usize {
    match arg {
        Arg::Raw(Json::Int(i)) => *i as usize,
        _ => 0,
    }
}

struct Checker<'a> {
    plan: &'a Plan,
    subject: String,
}

fn err(rule: &str, ptr: &str, message: String) -> Option<DecodeError> {
    Some(DecodeError::new(rule, ptr.to_string(), message))
}

impl Checker<'_> {
    fn check(&mut self, value: &Json) -> Option<DecodeError> {
        let Json::Obj(pairs) = value else {
            let k = if kind(value) == "integer" { "number" } else { kind(value) };
            return err("input.not-object", "", format!("The value is a JSON {k}, not an event object."));
        };
        let mut node = &self.plan.envelope;
        self.subject = "the event".into();
        if let Some((_, Json::Str(et))) = pairs.iter().find(|(k, _)| k == "event_type") {
            if let Some((_, variant)) = self.plan.variants.iter().find(|(name, _)| name == et) {
                node = variant;
                self.subject = format!("the {et} event");
            }
        }
        self.walk(node, value, "")
    }

    fn walk(&self, node: &Node, inst: &Json, ptr: &str) -> Option<DecodeError> {
        for pair in node.iter().filter(|p| p.kw == "type") {
            let names: Vec<String> = match &pair.arg {
                Arg::Raw(Json::Str(s)) => vec![s.clone()],
                Arg::Raw(Json::Arr(items)) => items.iter().map(dumps).map(|s| s.trim_matches('"').to_string()).collect(),
                _ => vec![],
            };
            if !names.iter().any(|n| is_type(inst, n)) {
                let expected = names.join(" or ");
                let article = if expected.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                return err("schema.type", ptr, format!("The {} must be {article} {expected}, {}.", field(ptr), got(inst)));
            }
        }
        for pair in node {
            let found = match (pair.kw.as_str(), &pair.arg, inst) {
                ("properties", Arg::Props(props), Json::Obj(members)) => props.iter().find_map(|(name, sub)| {
                    members
                        .iter()
                        .find(|(k, _)| k == name)
                        .and_then(|(_, item)| self.walk(sub, item, &format!("{ptr}/{}", escape_token(name))))
                }),
                ("required", Arg::Raw(Json::Arr(names)), Json::Obj(members)) => names.iter().find_map(|n| {
                    let Json::Str(name) = n else { return None };
                    if members.iter().any(|(k, _)| k == name) {
                        return None;
                    }
                    let scope = if ptr.is_empty() { self.subject.clone() } else { format!("{ptr} of {}", self.subject) };
                    err(
                        "schema.required",
                        &format!("{ptr}/{}", escape_token(name)),
                        format!("Required property '{name}' is missing from {scope}."),
                    )
                }),
                ("additionalProperties", arg, Json::Obj(members)) => {
                    let allowed: Vec<&str> = node
                        .iter()
                        .filter_map(|p| match &p.arg {
                            Arg::Props(props) if p.kw == "properties" => Some(props.iter().map(|(n, _)| n.as_str())),
                            _ => None,
                        })
                        .flatten()
                        .collect();
                    members.iter().filter(|(k, _)| !allowed.contains(&k.as_str())).find_map(|(key, item)| {
                        let at = format!("{ptr}/{}", escape_token(key));
                        match arg {
                            Arg::Sub(sub) => self.walk(sub, item, &at),
                            _ => {
                                let (place, hint) = if ptr.is_empty() {
                                    ("at the top level of the event".to_string(), "; extensions belong in details")
                                } else {
                                    (format!("in {ptr}"), "")
                                };
                                err(
                                    "schema.additionalProperties",
                                    &at,
                                    format!("Property '{key}' is not allowed {place} (allowed: {}){hint}.", allowed.join(", ")),
                                )
                            }
                        }
                    })
                }
                ("enum", Arg::Raw(Json::Arr(options)), _) => {
                    if options.iter().any(|o| json_equal(inst, o)) {
                        None
                    } else if ptr == "/event_type" {
                        err(
                            UNKNOWN_EVENT_TYPE,
                            ptr,
                            format!(
                                "Unknown event_type {}: revision {} defines {}.",
                                show(inst),
                                self.plan.revision,
                                self.plan.event_types.join(", ")
                            ),
                        )
                    } else {
                        let words: Vec<String> = options
                            .iter()
                            .map(|o| match o {
                                Json::Str(s) => s.clone(),
                                other => dumps(other),
                            })
                            .collect();
                        err("schema.enum", ptr, format!("The {} must be one of {}; {}.", field(ptr), words.join(", "), got(inst)))
                    }
                }
                ("const", Arg::Raw(want), _) if !json_equal(inst, want) => {
                    let shown = match want {
                        Json::Str(s) => format!("'{s}'"),
                        other => dumps(other),
                    };
                    err("schema.const", ptr, format!("The {} must be {shown}; {}.", field(ptr), got(inst)))
                }
                ("minLength" | "maxLength", arg, Json::Str(s)) => {
                    let (n, limit) = (s.chars().count(), usize_arg(arg));
                    let min = pair.kw == "minLength";
                    if (min && n < limit) || (!min && n > limit) {
                        if min && limit == 1 {
                            err("schema.minLength", ptr, format!("The {} must be a non-empty string.", field(ptr)))
                        } else {
                            let words = if min { "at least" } else { "at most" };
                            err(
                                &format!("schema.{}", pair.kw),
                                ptr,
                                format!("The {} must be {words} {limit} characters long, {}.", field(ptr), got(inst)),
                            )
                        }
                    } else {
                        None
                    }
                }
                ("minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum", Arg::Raw(Json::Str(bound)), Json::Int(_) | Json::Float(_) | Json::Text(..)) => {
                    use std::cmp::Ordering::{Greater, Less};
                    let c = compare(inst, bound);
                    let (words, ok) = match pair.kw.as_str() {
                        "minimum" => ("at least", c != Less),
                        "maximum" => ("at most", c != Greater),
                        "exclusiveMinimum" => ("greater than", c == Greater),
                        _ => ("less than", c == Less),
                    };
                    if ok {
                        None
                    } else {
                        err(&format!("schema.{}", pair.kw), ptr, format!("The {} must be {words} {bound}, {}.", field(ptr), got(inst)))
                    }
                }
                ("items", Arg::Sub(sub), Json::Arr(items)) => {
                    items.iter().enumerate().find_map(|(i, item)| self.walk(sub, item, &format!("{ptr}/{i}")))
                }
                ("minItems" | "maxItems", arg, Json::Arr(items)) => {
                    let limit = usize_arg(arg);
                    let bad = if pair.kw == "minItems" { items.len() < limit } else { items.len() > limit };
                    if bad {
                        err(
                            &format!("schema.{}", pair.kw),
                            ptr,
                            format!("The {} is invalid ({}): {} {limit}; {}.", field(ptr), pair.kw, pair.kw, got(inst)),
                        )
                    } else {
                        None
                    }
                }
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

pub(crate) fn first_problem(value: &Json) -> Option<DecodeError> {
    Checker { plan: plan(), subject: String::new() }.check(value)
}

/// `first_problem`, then, for a read into one event struct: an event of another type is
/// `schema.const` at `/event_type`.
pub(crate) fn first_problem_as(value: &Json, tag: &str) -> Option<DecodeError> {
    first_problem(value).or_else(|| {
        let Json::Obj(pairs) = value else { return None };
        match pairs.iter().find(|(k, _)| k == "event_type") {
            Some((_, Json::Str(name))) if name == tag => None,
            Some((_, other)) => {
                err("schema.const", "/event_type", format!("The {} must be '{tag}'; {}.", field("/event_type"), got(other)))
            }
            None => None,
        }
    })
}

/// Reads a JSON integer into an integer field the way JSON Schema's `integer` reads it: any
/// number whose value is a whole number (`2000`, `2000.0`, `2e3`, `-0`) from `min` to `max` (the
/// schema's bounds); a fraction, a string or a number out of bounds is refused.
pub(crate) fn whole_number<'de, D, T>(d: D, min: i128, max: i128) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i128>,
{
    // a self-describing format (JSON) says what the number is; serde_json's `Value` with
    // `arbitrary_precision` reads `2000.0` only this way. A binary format is asked for an i64.
    let value = if d.is_human_readable() { d.deserialize_any(WholeVisitor)? } else { d.deserialize_i64(WholeVisitor)? };
    if value < min || value > max {
        return Err(de::Error::custom(format!("the integer {value} is not from {min} to {max}")));
    }
    T::try_from(value).map_err(|_| de::Error::custom(format!("the integer {value} does not fit the field")))
}

struct WholeVisitor;

impl<'de> Visitor<'de> for WholeVisitor {
    type Value = i128;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON number whose value is a whole number")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i128, E> {
        Ok(i128::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i128, E> {
        Ok(i128::from(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<i128, E> {
        Ok(v)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<i128, E> {
        i128::try_from(v).map_err(|_| E::custom(format!("the integer {v} is too large")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i128, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 2f64.powi(127) {
            Ok(v as i128)
        } else {
            Err(de::Error::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
    /// A number serde_json hands over as text (its `arbitrary_precision`).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<i128, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == NUMBER_TOKEN => {
                let text = map.next_value::<String>()?;
                if integer_text(&text) {
                    text.parse::<i128>().map_err(|_| de::Error::custom(format!("the integer {text} is too large")))
                } else {
                    self.visit_f64(text.parse::<f64>().unwrap_or(f64::NAN))
                }
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// The struct refused a value the plan accepted (a plan/struct mismatch: never for a valid event).
pub(crate) fn struct_refused(e: serde_json::Error) -> DecodeError {
    DecodeError::new("input.not-json", String::new(), format!("The event passed the plan but its struct refused it: {e}."))
}

/// Check one JSON input: `None` when it is a valid event of this revision, else its first problem.
pub fn check(input: &[u8]) -> Option<DecodeError> {
    match parse(input) {
        Ok(value) => first_problem(&value),
        Err(e) => Some(e),
    }
}

/// A decode problem as a serde error (the `Deserialize` impl of the event enum): its text is
/// `"<rule> at <pointer>: <message>"`.
pub(crate) fn serde_error<E: de::Error>(e: DecodeError) -> E {
    E::custom(e.to_string())
}
