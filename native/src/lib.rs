//! The native line engine of vrp-contract.
//!
//! One call per chunk of JSON Lines does, for every line, what is costly in Python: parse it,
//! dispatch on its discriminator to the one variant it names, give the variant's verdict, and
//! cut out the fold record (session id, event type, clock, transition states) of a valid event.
//! The session fold itself stays in Python (`vrp_contract.stream.fold`), so the one-process
//! validator, its workers and the Flink job keep running the same fold.
//!
//! A line the engine cannot judge exactly goes back to Python with the violations it found (if
//! any): lines that are not JSON or not an object, invalid events, duplicate keys, integers
//! beyond 64 bits, a clock that is not an integer. Python then words the findings. The engine
//! knows nothing of the contract but what it is given: the schemas and the record's pointers.

mod buckets;
mod memory;
mod tape;

use std::collections::HashSet;

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;

use tape::{Doc, TNode, Tape};

type Validator = jsonschema::Validator<Tape>;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use serde_json::Value;

/// A segment of a path in an event or a schema: a key or an array index.
enum Segment {
    Key(String),
    Index(usize),
}

/// One violation as `vrp_contract.stream.explain.Violation` takes it.
struct Violation {
    keyword: String,
    instance_path: Vec<Segment>,
    schema_path: Vec<Segment>,
    names: Vec<String>,
}

/// What became of one line.
enum Outcome {
    /// A valid event of the fold: its record.
    Record {
        sid: Sid,
        variant: usize,
        ts: Option<i64>,
        moved: Option<(usize, usize)>,
    },
    /// A valid event the fold does not take (an audit event, or no usable session): Python
    /// builds its item, with no violations.
    Unfolded,
    /// Python explains the line; the violations are the engine's when it parsed the line.
    Explain(Option<Vec<Violation>>),
}

/// A session id: where it lies in the line, or its unescaped text.
enum Sid {
    Span(usize, usize),
    Text(String),
}

/// One event variant: its compiled schema and what the record needs of it.
struct Variant {
    name: Py<PyString>,
    validator: Validator,
    folded: bool,
    moves: bool,
}

#[pyclass(frozen, module = "vrp_contract_engine")]
struct Engine {
    variants: Vec<Variant>,
    /// Event type -> variant: a handful, so a scan beats hashing.
    by_type: Vec<(String, usize)>,
    envelope: Validator,
    states: Vec<Py<PyString>>,
    /// State name -> index into `states` (a scan too).
    state_index: Vec<(String, usize)>,
    session_key: Vec<String>,
    clock: Vec<String>,
    from_field: Vec<String>,
    to_field: Vec<String>,
}

fn parse_schema(text: &str, what: &str) -> PyResult<Value> {
    serde_json::from_str(text).map_err(|e| PyValueError::new_err(format!("{what}: {e}")))
}

fn find(table: &[(String, usize)], name: &str) -> Option<usize> {
    table.iter().find(|(n, _)| n == name).map(|&(_, i)| i)
}

fn segments(location: &jsonschema::paths::Location) -> Vec<Segment> {
    location
        .into_iter()
        .map(|s| match s {
            LocationSegment::Property(p) => Segment::Key(p.to_string()),
            LocationSegment::Index(i) => Segment::Index(i),
        })
        .collect()
}

fn violations(validator: &Validator, event: TNode<'_>) -> Vec<Violation> {
    validator
        .iter_errors(event)
        .map(|e| {
            let kind = e.kind();
            let names = match kind {
                ValidationErrorKind::Required { property } => match property {
                    Value::String(s) => vec![s.clone()],
                    other => vec![other.to_string()],
                },
                ValidationErrorKind::AdditionalProperties { unexpected }
                | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected.clone(),
                _ => Vec::new(),
            };
            Violation {
                keyword: kind.keyword().to_string(),
                instance_path: segments(e.instance_path()),
                schema_path: segments(e.schema_path()),
                names,
            }
        })
        .collect()
}

impl Engine {
    /// Judge one line, parsing it into `doc`'s memory; give the memory back for the next line.
    fn judge(&self, doc: Doc<'static>, line: &[u8]) -> (Outcome, Doc<'static>) {
        match doc.parse(line) {
            Ok(doc) => {
                let outcome = self.judge_doc(&doc);
                (outcome, doc.recycle())
            }
            Err((_, doc)) => (Outcome::Explain(None), doc.recycle()),
        }
    }

    fn judge_doc(&self, doc: &Doc<'_>) -> Outcome {
        let event = doc.root();
        if !event.is_object() || doc.wide || doc.repeated {
            return Outcome::Explain(None);
        }
        let variant = event
            .member("event_type")
            .and_then(|t| t.str())
            .and_then(|t| find(&self.by_type, t));
        let Some(index) = variant else {
            return Outcome::Explain(Some(violations(&self.envelope, event)));
        };
        let v = &self.variants[index];
        if !v.validator.is_valid(event) {
            return Outcome::Explain(Some(violations(&v.validator, event)));
        }
        if !v.folded {
            return Outcome::Unfolded;
        }
        let ts = match event.lookup(&self.clock) {
            Some(n) if n.is_float() => return Outcome::Explain(None), // Python decides
            Some(n) => n.int(),
            None => None,
        };
        let moved = if v.moves {
            let state = |tokens: &[String]| {
                event
                    .lookup(tokens)
                    .and_then(|n| n.str())
                    .and_then(|s| find(&self.state_index, s))
            };
            state(&self.from_field).zip(state(&self.to_field))
        } else {
            None
        };
        let Some(node) = event.lookup(&self.session_key) else {
            return Outcome::Unfolded;
        };
        let sid = match (node.span(), node.str()) {
            (_, None) => return Outcome::Unfolded,
            (_, Some("")) => return Outcome::Unfolded,
            (Some((start, len)), _) => Sid::Span(start, len),
            (None, Some(text)) => Sid::Text(text.to_owned()),
        };
        Outcome::Record {
            sid,
            variant: index,
            ts,
            moved,
        }
    }

    fn judge_part(&self, lines: &[&[u8]]) -> Vec<Outcome> {
        let mut doc = Doc::default();
        let mut out = Vec::with_capacity(lines.len());
        for line in lines {
            let (outcome, back) = self.judge(doc, line);
            doc = back;
            out.push(outcome);
        }
        out
    }

    fn judge_all(&self, lines: &[&[u8]], threads: usize) -> Vec<Outcome> {
        if threads <= 1 || lines.len() < 2 * 1024 {
            return self.judge_part(lines);
        }
        let size = lines.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = lines
                .chunks(size)
                .map(|part| scope.spawn(move || self.judge_part(part)))
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect::<Vec<Outcome>>()
        })
    }
}

fn path_tuple<'py>(py: Python<'py>, path: &[Segment]) -> PyResult<Bound<'py, PyTuple>> {
    let items: Vec<Bound<'py, PyAny>> = path
        .iter()
        .map(|s| match s {
            Segment::Key(k) => Ok(PyString::new(py, k).into_any()),
            Segment::Index(i) => Ok(i.into_pyobject(py)?.into_any()),
        })
        .collect::<PyResult<_>>()?;
    PyTuple::new(py, items)
}

fn violation_list<'py>(py: Python<'py>, found: &[Violation]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for v in found {
        let names = PyTuple::new(py, v.names.iter().map(|n| PyString::new(py, n)))?;
        let item = PyTuple::new(
            py,
            [
                PyString::new(py, &v.keyword).into_any(),
                path_tuple(py, &v.instance_path)?.into_any(),
                path_tuple(py, &v.schema_path)?.into_any(),
                names.into_any(),
            ],
        )?;
        out.append(item)?;
    }
    Ok(out)
}

fn tokens(value: Vec<String>) -> Vec<String> {
    value
}

#[pymethods]
impl Engine {
    /// Compile the engine of one revision.
    ///
    /// `variants`: (event type, schema JSON text, folded, carries a transition) in any order;
    /// `envelope`: the schema JSON text that explains events of unknown type; `resources`:
    /// (URI, JSON text) of every schema a `$ref` may reach (nothing is fetched); `states`: the
    /// state names; the four token lists: where the session id, clock and transition states are.
    #[new]
    #[pyo3(signature = (variants, envelope, resources, states, session_key, clock, from_field, to_field))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        variants: Vec<(String, String, bool, bool)>,
        envelope: String,
        resources: Vec<(String, String)>,
        states: Vec<String>,
        session_key: Vec<String>,
        clock: Vec<String>,
        from_field: Vec<String>,
        to_field: Vec<String>,
    ) -> PyResult<Self> {
        let mut docs = Vec::with_capacity(resources.len());
        for (uri, text) in &resources {
            docs.push((uri.clone(), parse_schema(text, uri)?));
        }
        let registry = jsonschema::Registry::new()
            .extend(docs)
            .and_then(|b| b.prepare())
            .map_err(|e| PyValueError::new_err(format!("schema resources: {e}")))?;
        let compile = |text: &str, what: &str| -> PyResult<Validator> {
            let schema = parse_schema(text, what)?;
            jsonschema::options_for::<Tape>()
                .with_draft(jsonschema::Draft::Draft202012)
                .offline()
                .with_registry(&registry)
                .build(&schema)
                .map_err(|e| PyValueError::new_err(format!("{what}: {e}")))
        };
        let mut compiled = Vec::with_capacity(variants.len());
        let mut by_type = Vec::new();
        for (name, text, folded, moves) in &variants {
            by_type.push((name.clone(), compiled.len()));
            compiled.push(Variant {
                name: PyString::intern(py, name).unbind(),
                validator: compile(text, name)?,
                folded: *folded,
                moves: *moves,
            });
        }
        let unique: HashSet<&String> = states.iter().collect();
        if unique.len() != states.len() {
            return Err(PyValueError::new_err("states: a state name is repeated"));
        }
        Ok(Engine {
            variants: compiled,
            by_type,
            envelope: compile(&envelope, "envelope")?,
            state_index: states
                .iter()
                .enumerate()
                .map(|(i, s)| (s.clone(), i))
                .collect(),
            states: states
                .iter()
                .map(|s| PyString::intern(py, s).unbind())
                .collect(),
            session_key: tokens(session_key),
            clock: tokens(clock),
            from_field: tokens(from_field),
            to_field: tokens(to_field),
        })
    }

    /// Decode a chunk of raw lines into what the fold loop takes, one item per line.
    ///
    /// A valid folded event becomes its record `(session_id, event_type, ts_ms, from, to)`; a
    /// valid event the fold does not take becomes `explain(line, [])`; any other line becomes
    /// `explain(line, violations)`, `violations` a list of `(keyword, instance path, schema
    /// path, names)` or None when the engine did not parse the line. `threads` > 1 judges
    /// parts of the chunk side by side, without the GIL.
    #[pyo3(signature = (lines, explain, threads = 1))]
    fn decode<'py>(
        &self,
        py: Python<'py>,
        lines: &Bound<'py, PyList>,
        explain: &Bound<'py, PyAny>,
        threads: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        let raw: Vec<Bound<'py, PyBytes>> = lines
            .iter()
            .map(|item| item.cast_into::<PyBytes>().map_err(PyErr::from))
            .collect::<PyResult<_>>()?;
        // the bytes objects are immutable and `raw` holds them for the whole call
        let slices: Vec<&[u8]> = raw.iter().map(|b| b.as_bytes()).collect();
        let outcomes = self.judge_released(py, &slices, threads);
        self.items(py, outcomes, &slices, |i| Ok(raw[i].clone()), explain)
    }

    /// `decode` of a block of whole lines (a chunk of a file): the lines are cut at each newline
    /// (a final newline ends the last line, it starts no new one), and a bytes object is made
    /// only for a line that goes to `explain`.
    #[pyo3(signature = (block, explain, threads = 1))]
    fn decode_block<'py>(
        &self,
        py: Python<'py>,
        block: &Bound<'py, PyBytes>,
        explain: &Bound<'py, PyAny>,
        threads: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        let data = block.as_bytes();
        let mut slices: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
        if slices.last().is_some_and(|l| l.is_empty()) {
            slices.pop();
        }
        // `block` is an immutable bytes object the caller holds for the whole call
        let outcomes = self.judge_released(py, &slices, threads);
        self.items(
            py,
            outcomes,
            &slices,
            |i| Ok(PyBytes::new(py, slices[i])),
            explain,
        )
    }

    /// The violations of one event given as JSON text, against the variant its `event_type`
    /// names (the envelope for an unknown type); None when the text is not a JSON object.
    fn violations<'py>(
        &self,
        py: Python<'py>,
        text: &[u8],
    ) -> PyResult<Option<Bound<'py, PyList>>> {
        let Ok(doc) = Doc::default().parse(text) else {
            return Ok(None);
        };
        let event = doc.root();
        if !event.is_object() {
            return Ok(None);
        }
        let validator = match event
            .member("event_type")
            .and_then(|t| t.str())
            .and_then(|t| find(&self.by_type, t))
        {
            Some(i) => &self.variants[i].validator,
            None => &self.envelope,
        };
        Ok(Some(violation_list(py, &violations(validator, event))?))
    }
}

impl Engine {
    /// `judge_all` without the GIL, so that other Python threads run meanwhile (the fold of
    /// the previous chunk, when a thread decodes ahead). The slices must point into immutable
    /// bytes objects that stay alive for the whole call.
    fn judge_released(&self, py: Python<'_>, slices: &[&[u8]], threads: usize) -> Vec<Outcome> {
        if slices.len() < 64 {
            return self.judge_all(slices, 1); // a pipe's line: not worth releasing the GIL
        }
        let shared = SendSlices(slices);
        py.detach(move || self.judge_all(shared.get(), threads))
    }

    /// The Python items of a chunk's outcomes; `line(i)` makes the bytes object of line `i`
    /// (for `explain`), `slices[i]` is its content.
    fn items<'py>(
        &self,
        py: Python<'py>,
        outcomes: Vec<Outcome>,
        slices: &[&[u8]],
        line: impl Fn(usize) -> PyResult<Bound<'py, PyBytes>>,
        explain: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        let none = py.None();
        for (i, outcome) in outcomes.into_iter().enumerate() {
            match outcome {
                Outcome::Record {
                    sid,
                    variant,
                    ts,
                    moved,
                } => {
                    let (src, dst) = match moved {
                        Some((a, b)) => (
                            self.states[a].bind(py).clone().into_any(),
                            self.states[b].bind(py).clone().into_any(),
                        ),
                        None => (none.bind(py).clone(), none.bind(py).clone()),
                    };
                    let ts = match ts {
                        Some(t) => t.into_pyobject(py)?.into_any(),
                        None => none.bind(py).clone(),
                    };
                    let item = PyTuple::new(
                        py,
                        [
                            match &sid {
                                Sid::Span(start, len) => {
                                    let text = &slices[i][*start..*start + *len];
                                    // SAFETY: serde_json read this range of the line as a `&str`
                                    let text = unsafe { std::str::from_utf8_unchecked(text) };
                                    PyString::new(py, text).into_any()
                                }
                                Sid::Text(text) => PyString::new(py, text).into_any(),
                            },
                            self.variants[variant].name.bind(py).clone().into_any(),
                            ts,
                            src,
                            dst,
                        ],
                    )?;
                    // SAFETY: a tuple of strings, integers and None can take part in no cycle:
                    // untracked, the cycle collector never scans the millions of them (CPython
                    // untracks such tuples itself, but only once a collection has visited them)
                    unsafe { pyo3::ffi::PyObject_GC_UnTrack(item.as_ptr().cast()) };
                    out.append(item)?;
                }
                Outcome::Unfolded => {
                    // rare (audit events): Python builds the same tuple as for any valid line
                    out.append(explain.call1((line(i)?, PyList::empty(py)))?)?;
                }
                Outcome::Explain(found) => {
                    let found = match found {
                        Some(v) => violation_list(py, &v)?.into_any(),
                        None => none.bind(py).clone(),
                    };
                    out.append(explain.call1((line(i)?, found))?)?;
                }
            }
        }
        Ok(out)
    }
}

/// Borrowed line slices handed to threads while the GIL is released.
struct SendSlices<'a>(&'a [&'a [u8]]);

// SAFETY: the slices point into bytes objects, which are immutable and kept alive by the caller
// for the whole call; no Python API is used on them while they are shared.
unsafe impl Send for SendSlices<'_> {}
unsafe impl Sync for SendSlices<'_> {}

impl<'a> SendSlices<'a> {
    fn get(self) -> &'a [&'a [u8]] {
        self.0
    }
}

#[pymodule]
fn vrp_contract_engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Engine>()?;
    m.add_class::<memory::Terminated>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
