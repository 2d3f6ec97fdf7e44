//! A flat, borrowed JSON document ("tape") that the `jsonschema` crate validates in place.
//!
//! `serde_json` still does the parsing, so what is and is not JSON stays exactly its (RFC 8259)
//! judgement; it only writes into a vector of slots instead of building a `serde_json::Value`.
//! Strings without escapes stay in the line; objects keep their members in input order. The
//! vector is reused from line to line, so a line costs no allocation once the tape has grown.

use std::borrow::Cow;
use std::fmt;

use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use jsonschema::JsonType;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// One value of the tape. A container is followed by its contents: an array by its elements,
/// an object by key, value, key, value...; `end` is the index just past its last descendant.
#[derive(Clone, Copy, Debug)]
pub enum Slot {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// A string in the line (`aux` false) or in the document's unescaped text (`aux` true).
    Str { aux: bool, start: u32, len: u32 },
    Array { len: u32, end: u32 },
    Object { len: u32, end: u32 },
}

/// A parsed line: its slots, the line itself and the text of strings that held escapes.
#[derive(Default)]
pub struct Doc<'a> {
    pub slots: Vec<Slot>,
    line: &'a [u8],
    aux: String,
    /// An object repeats a key (the tape keeps both members; Python reports the duplicate).
    pub repeated: bool,
    /// An integral number of 2^63 or more in magnitude: an integer literal may have been read
    /// as a float (serde_json reads integers past 64 bits so); Python judges such lines.
    pub wide: bool,
}

impl<'a> Doc<'a> {
    /// Parse `line` into this document (its previous contents are dropped, its memory kept).
    pub fn parse<'b>(mut self, line: &'b [u8]) -> Result<Doc<'b>, (serde_json::Error, Doc<'b>)> {
        self.slots.clear();
        self.aux.clear();
        self.repeated = false;
        self.wide = false;
        let mut doc = Doc {
            slots: self.slots,
            line,
            aux: self.aux,
            repeated: false,
            wide: false,
        };
        // the whole line is checked as UTF-8 once (SIMD); serde_json then reads it as text and
        // skips the check string by string. Not UTF-8: serde_json's own error, for Python to word.
        let result = match simdutf8::basic::from_utf8(line) {
            Ok(text) => {
                let mut de = serde_json::Deserializer::from_str(text);
                Seed(&mut doc).deserialize(&mut de).and_then(|()| de.end())
            }
            Err(_) => {
                let mut de = serde_json::Deserializer::from_slice(line);
                Seed(&mut doc).deserialize(&mut de).and_then(|()| de.end())
            }
        };
        match result {
            Ok(()) => Ok(doc),
            Err(e) => Err((e, doc)),
        }
    }

    /// Give back the memory of a document, for the next line.
    pub fn recycle(self) -> Doc<'static> {
        Doc {
            slots: self.slots,
            line: &[],
            aux: self.aux,
            repeated: false,
            wide: false,
        }
    }

    pub fn root(&self) -> TNode<'_> {
        TNode { doc: self, i: 0 }
    }

    fn text(&self, aux: bool, start: u32, len: u32) -> &str {
        let (start, end) = (start as usize, start as usize + len as usize);
        if aux {
            &self.aux[start..end]
        } else {
            // SAFETY: serde_json handed this range out as a `&str` of the line
            unsafe { std::str::from_utf8_unchecked(&self.line[start..end]) }
        }
    }

    /// Whether the object at `i` holds a key twice.
    fn repeats_a_key(&self, i: u32) -> bool {
        let members = TObject { doc: self, i };
        if Object::len(&members) <= 16 {
            let mut rest = members.members();
            while let Some((key, _)) = rest.next() {
                let later = rest;
                if later.map(|(k, _)| k).any(|k| k == key) {
                    return true;
                }
            }
            false
        } else {
            let mut seen = std::collections::HashSet::new();
            !members.members().all(|(k, _)| seen.insert(k))
        }
    }

    fn end(&self, i: u32) -> u32 {
        match self.slots[i as usize] {
            Slot::Array { end, .. } | Slot::Object { end, .. } => end,
            _ => i + 1,
        }
    }
}

struct Seed<'d, 'a>(&'d mut Doc<'a>);

impl<'de, 'd, 'a> DeserializeSeed<'de> for Seed<'d, 'a>
where
    'de: 'a,
{
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'd, 'a> Visitor<'de> for Seed<'d, 'a>
where
    'de: 'a,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.0.slots.push(Slot::Bool(v));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.0.slots.push(Slot::Int(v));
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.0.slots.push(if let Ok(i) = i64::try_from(v) {
            Slot::Int(i)
        } else {
            Slot::UInt(v)
        });
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        if v.fract() == 0.0 && v.abs() >= 9.223_372_036_854_775_808e18 {
            self.0.wide = true;
        }
        self.0.slots.push(Slot::Float(v));
        Ok(())
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        let start = v.as_ptr() as usize - self.0.line.as_ptr() as usize;
        self.0.slots.push(Slot::Str {
            aux: false,
            start: start as u32,
            len: v.len() as u32,
        });
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let start = self.0.aux.len();
        self.0.aux.push_str(v);
        self.0.slots.push(Slot::Str {
            aux: true,
            start: start as u32,
            len: v.len() as u32,
        });
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.slots.push(Slot::Null);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let at = self.0.slots.len();
        self.0.slots.push(Slot::Array { len: 0, end: 0 });
        let mut len = 0;
        while seq.next_element_seed(Seed(&mut *self.0))?.is_some() {
            len += 1;
        }
        let end = self.0.slots.len() as u32;
        self.0.slots[at] = Slot::Array { len, end };
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let at = self.0.slots.len();
        self.0.slots.push(Slot::Object { len: 0, end: 0 });
        let mut len = 0;
        while map.next_key_seed(Seed(&mut *self.0))?.is_some() {
            map.next_value_seed(Seed(&mut *self.0))?;
            len += 1;
        }
        let end = self.0.slots.len() as u32;
        self.0.slots[at] = Slot::Object { len, end };
        if len > 1 && !self.0.repeated {
            self.0.repeated = self.0.repeats_a_key(at as u32);
        }
        Ok(())
    }
}

/// The representation, for `jsonschema::options_for::<Tape>()`.
pub struct Tape;

/// One node of a document.
#[derive(Clone, Copy)]
pub struct TNode<'a> {
    doc: &'a Doc<'a>,
    i: u32,
}

impl<'a> TNode<'a> {
    fn slot(&self) -> Slot {
        self.doc.slots[self.i as usize]
    }

    /// Where the string this node holds lies in the line (None: not a string, or unescaped
    /// into the document's own text).
    pub fn span(&self) -> Option<(usize, usize)> {
        match self.slot() {
            Slot::Str { aux: false, start, len } => Some((start as usize, len as usize)),
            _ => None,
        }
    }

    /// The string this node holds, if it is one.
    pub fn str(&self) -> Option<&'a str> {
        match self.slot() {
            Slot::Str { aux, start, len } => Some(self.doc.text(aux, start, len)),
            _ => None,
        }
    }

    /// The member `key` of this object node.
    pub fn member(&self, key: &str) -> Option<TNode<'a>> {
        TObject { doc: self.doc, i: self.i }.find(key)
    }

    /// The node at the end of `tokens` (object keys), if every step exists.
    pub fn lookup(&self, tokens: &[String]) -> Option<TNode<'a>> {
        let mut node = *self;
        for token in tokens {
            node = node.member(token)?;
        }
        Some(node)
    }

    /// The integer this node holds, if it is one within i64.
    pub fn int(&self) -> Option<i64> {
        match self.slot() {
            Slot::Int(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_float(&self) -> bool {
        matches!(self.slot(), Slot::Float(_) | Slot::UInt(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self.slot(), Slot::Object { .. })
    }

    /// The node as a `serde_json::Value` (for error reports: a cold path).
    pub fn value(&self) -> Value {
        match self.slot() {
            Slot::Null => Value::Null,
            Slot::Bool(b) => Value::Bool(b),
            Slot::Int(v) => Value::from(v),
            Slot::UInt(v) => Value::from(v),
            Slot::Float(v) => Number::from_f64(v).map_or(Value::Null, Value::Number),
            Slot::Str { aux, start, len } => Value::String(self.doc.text(aux, start, len).into()),
            Slot::Array { .. } => Value::Array(
                TArray { doc: self.doc, i: self.i }
                    .elements()
                    .map(|n| n.value())
                    .collect(),
            ),
            Slot::Object { .. } => {
                let mut map = Map::new();
                for (k, v) in (TObject { doc: self.doc, i: self.i }).members() {
                    map.insert(k.to_owned(), v.value());
                }
                Value::Object(map)
            }
        }
    }
}

#[derive(Clone, Copy)]
pub struct TNumber(Slot);

impl JsonNumber for TNumber {
    fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Slot::Int(v) => u64::try_from(v).ok(),
            Slot::UInt(v) => Some(v),
            _ => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self.0 {
            Slot::Int(v) => Some(v),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self.0 {
            Slot::Int(v) => Some(v as f64),
            Slot::UInt(v) => Some(v as f64),
            Slot::Float(v) => Some(v),
            _ => None,
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, Number> {
        Cow::Owned(match self.0 {
            Slot::Int(v) => Number::from(v),
            Slot::UInt(v) => Number::from(v),
            Slot::Float(v) => Number::from_f64(v).unwrap_or_else(|| Number::from(0)),
            _ => Number::from(0),
        })
    }

    fn is_integer(&self) -> bool {
        match self.0 {
            Slot::Int(_) | Slot::UInt(_) => true,
            Slot::Float(v) => v.fract() == 0.0,
            _ => false,
        }
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self.0, Slot::Int(_) | Slot::UInt(_))
    }
}

impl Json for Tape {
    type Node<'a> = TNode<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = ();

    const KEYS_PER_LOOKUP: usize = 4;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(TNode<'_>) -> T) -> T {
        let doc = Doc {
            slots: vec![Slot::Str {
                aux: true,
                start: 0,
                len: string.len() as u32,
            }],
            line: &[],
            aux: string.to_owned(),
            repeated: false,
            wide: false,
        };
        f(doc.root())
    }
}

impl<'a> Node<'a, Tape> for TNode<'a> {
    type Object = TObject<'a>;
    type Array = TArray<'a>;
    type Number = TNumber;

    fn as_object(&self) -> Option<TObject<'a>> {
        match self.slot() {
            Slot::Object { .. } => Some(TObject { doc: self.doc, i: self.i }),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<TArray<'a>> {
        match self.slot() {
            Slot::Array { .. } => Some(TArray { doc: self.doc, i: self.i }),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        self.str().map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<TNumber> {
        match self.slot() {
            s @ (Slot::Int(_) | Slot::UInt(_) | Slot::Float(_)) => Some(TNumber(s)),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.slot() {
            Slot::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.slot(), Slot::Null)
    }

    fn json_type(&self) -> JsonType {
        match self.slot() {
            Slot::Null => JsonType::Null,
            Slot::Bool(_) => JsonType::Boolean,
            Slot::Int(_) | Slot::UInt(_) | Slot::Float(_) => JsonType::Number,
            Slot::Str { .. } => JsonType::String,
            Slot::Array { .. } => JsonType::Array,
            Slot::Object { .. } => JsonType::Object,
        }
    }

    fn equals_value(&self, expected: &Value) -> bool {
        match (self.slot(), expected) {
            (Slot::Str { aux, start, len }, Value::String(s)) => self.doc.text(aux, start, len) == s,
            (Slot::Str { .. }, _) => false,
            (Slot::Null, e) => e.is_null(),
            (Slot::Bool(b), e) => e.as_bool() == Some(b),
            _ => jsonschema::json::cmp::equal(&self.value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(self.value())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::tagged(std::ptr::from_ref(self.doc) as usize, self.i))
    }
}

#[derive(Clone, Copy)]
pub struct TObject<'a> {
    doc: &'a Doc<'a>,
    i: u32,
}

impl<'a> TObject<'a> {
    fn find(&self, key: &str) -> Option<TNode<'a>> {
        self.members().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

#[derive(Clone, Copy)]
pub struct Members<'a> {
    doc: &'a Doc<'a>,
    at: u32,
    left: u32,
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, TNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let key = TNode { doc: self.doc, i: self.at }.str().unwrap_or_default();
        let value = self.at + 1;
        self.at = self.doc.end(value);
        Some((key, TNode { doc: self.doc, i: value }))
    }
}

impl<'a> Object<'a, Tape> for TObject<'a> {
    type Node = TNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        match self.doc.slots[self.i as usize] {
            Slot::Object { len, .. } => len as usize,
            _ => 0,
        }
    }

    fn get(&self, key: &Box<str>) -> Option<TNode<'a>> {
        self.find(key)
    }

    fn members(&self) -> Members<'a> {
        Members {
            doc: self.doc,
            at: self.i + 1,
            left: Object::len(self) as u32,
        }
    }
}

#[derive(Clone, Copy)]
pub struct TArray<'a> {
    doc: &'a Doc<'a>,
    i: u32,
}

pub struct Elements<'a> {
    doc: &'a Doc<'a>,
    at: u32,
    left: u32,
}

impl<'a> Iterator for Elements<'a> {
    type Item = TNode<'a>;

    fn next(&mut self) -> Option<TNode<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let node = TNode { doc: self.doc, i: self.at };
        self.at = self.doc.end(self.at);
        Some(node)
    }
}

impl<'a> Array<'a, Tape> for TArray<'a> {
    type Node = TNode<'a>;
    type ElementsIter = Elements<'a>;

    fn len(&self) -> usize {
        match self.doc.slots[self.i as usize] {
            Slot::Array { len, .. } => len as usize,
            _ => 0,
        }
    }

    fn elements(&self) -> Elements<'a> {
        Elements {
            doc: self.doc,
            at: self.i + 1,
            left: Array::len(self) as u32,
        }
    }
}
