//! The bounded memory of terminated session ids: the last `capacity` ids, oldest forgotten first.
//!
//! The session fold (Python, `vrp_contract.stream.fold`) asks it once per new session id whether
//! the id already terminated, and tells it each id that terminates. Both are O(1) and touch
//! little memory: the ids lie in a ring of slots (written in place, read in order when the
//! oldest is forgotten), and an index of slot numbers (`buckets.rs`: one cache line per bucket,
//! about 2 MiB for 200,000 ids) finds them by the id's Python hash, which the fold's own table
//! lookup has already computed and cached in the string. Asking, adding and forgetting each read
//! one line of the index in the common case, and the line of the id forgotten next is fetched
//! into the cache a few ids ahead. The same memory kept in Python sets and a deque cost a cache
//! miss per lookup and two per forgotten id, scattered over a heap of 200,000 string objects.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use crate::buckets::Buckets;

/// Ids up to this many bytes are kept in the slot itself; longer ones on the heap.
const INLINE: usize = 22;

/// A remembered id: its bytes (UTF-8; lone surrogates as Python's "surrogatepass" writes them).
enum Id {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Id {
    fn new(key: &[u8]) -> Self {
        if key.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..key.len()].copy_from_slice(key);
            // the length fits: INLINE < 256
            Id::Inline {
                len: key.len() as u8,
                bytes,
            }
        } else {
            Id::Heap(key.into())
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Id::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Id::Heap(bytes) => bytes,
        }
    }
}

/// One remembered id, the hash it is found by, and the terminal state it ended in.
struct Slot {
    hash: u64,
    id: Id,
    state: usize,
}

/// How many ids ahead of the oldest the index entry to forget is fetched into the cache.
const AHEAD: usize = 2;

/// The last `capacity` terminated session ids and the terminal state each ended in.
///
/// `ended[n]` is what `recall` returns for an id that ended in terminal state number `n` (the
/// fold's shared `Session` of that state); `capacity` 0 remembers nothing.
#[pyclass(module = "vrp_contract_engine")]
pub struct Terminated {
    memory: Memory,
}

/// The memory itself (see `Terminated`).
struct Memory {
    slots: Vec<Slot>,
    /// The slot the next id overwrites once the ring is full: the oldest.
    head: usize,
    capacity: usize,
    index: Buckets,
    ended: Vec<Py<PyAny>>,
}

/// The bytes an id is kept as, and its Python hash. Runs before the memory is borrowed: hashing
/// a subclass of `str` may call Python code.
fn key<'a>(sid: &'a Bound<'_, PyString>) -> PyResult<(Cow<'a, [u8]>, u64)> {
    // a Python hash is an isize: its bits, as the table's u64
    let hash = sid.hash()? as u64;
    let bytes = match sid.to_str() {
        Ok(text) => Cow::Borrowed(text.as_bytes()),
        Err(_) => {
            // a lone surrogate (from a JSON escape): not UTF-8, but still one string of its own
            let raw = sid.call_method1("encode", ("utf-8", "surrogatepass"))?;
            Cow::Owned(raw.cast::<PyBytes>()?.as_bytes().to_vec())
        }
    };
    Ok((bytes, hash))
}

impl Memory {
    /// The slot number of `bytes` (hashed `hash`), if remembered.
    fn find(&self, bytes: &[u8], hash: u64) -> Option<usize> {
        let slots = &self.slots;
        self.index.find(hash, |n| {
            let slot = &slots[n];
            slot.hash == hash && slot.id.bytes() == bytes
        })
    }

    /// The number of the terminal state `bytes` ended in, if remembered.
    fn recall(&self, bytes: &[u8], hash: u64) -> Option<usize> {
        self.find(bytes, hash).map(|n| self.slots[n].state)
    }

    /// Remember `bytes` (hashed `hash`) in terminal state number `state` (checked by the caller).
    fn remember(&mut self, bytes: &[u8], hash: u64, state: usize) {
        if self.capacity == 0 {
            return;
        }
        if let Some(n) = self.find(bytes, hash) {
            self.slots[n].state = state;
            return;
        }
        let slot = Slot {
            hash,
            id: Id::new(bytes),
            state,
        };
        let n = if self.slots.len() < self.capacity {
            self.slots.push(slot);
            self.slots.len() - 1
        } else {
            let n = self.head;
            self.forget(n);
            self.slots[n] = slot;
            self.head = self.wrap(n + 1);
            if self.capacity > AHEAD {
                self.prefetch(self.wrap(n + AHEAD));
            }
            n
        };
        let slots = &self.slots;
        self.index.insert(hash, n, |m| slots[m].hash);
    }

    /// `n` (less than twice the capacity) as a slot number: a comparison, not a division.
    fn wrap(&self, n: usize) -> usize {
        if n >= self.capacity {
            n - self.capacity
        } else {
            n
        }
    }

    /// Drop slot `n` from the index (the slot is overwritten next).
    fn forget(&mut self, n: usize) {
        self.index.remove(self.slots[n].hash, n);
    }

    /// Ask the CPU to fetch the index bucket of slot `n` (forgotten soon) into its cache.
    fn prefetch(&self, n: usize) {
        self.index.prefetch(self.slots[n].hash);
    }

    /// The error for a terminal state number out of range, if `state` is.
    fn check_state(&self, state: usize) -> PyResult<()> {
        if state < self.ended.len() {
            return Ok(());
        }
        Err(pyo3::exceptions::PyIndexError::new_err(format!(
            "terminal state number {state} of {}",
            self.ended.len()
        )))
    }
}

#[pymethods]
impl Terminated {
    /// `reserve`: how many ids the index makes room for up front (default: `capacity`, up to
    /// 2^20, 8 MiB of index); past it, the index doubles as it fills.
    #[new]
    #[pyo3(signature = (capacity, ended, *, reserve = None))]
    fn new(capacity: usize, ended: Vec<Py<PyAny>>, reserve: Option<usize>) -> PyResult<Self> {
        if u32::try_from(capacity).is_err() {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "cannot remember {capacity} ids: at most {} fit",
                u32::MAX
            )));
        }
        let memory = Memory {
            slots: Vec::new(),
            head: 0,
            capacity,
            // room for the ids up front, so that the index does not grow while it fills:
            // growing reads the hash of every id, all over the ring
            index: Buckets::new(capacity, reserve.unwrap_or(capacity.min(1 << 20))),
            ended,
        };
        Ok(Terminated { memory })
    }

    /// The `ended` object of the state `sid` terminated in, or None if it is not remembered.
    fn recall(&self, py: Python<'_>, sid: &Bound<'_, PyString>) -> PyResult<Option<Py<PyAny>>> {
        let (bytes, hash) = key(sid)?;
        let m = &self.memory;
        Ok(m.recall(&bytes, hash)
            .map(|state| m.ended[state].clone_ref(py)))
    }

    /// Remember that `sid` terminated in terminal state number `state`; forget the oldest id
    /// if the memory is full. An id remembered already keeps its place, in its new state (the
    /// fold never remembers an id twice: it recalls it first).
    fn remember(&mut self, sid: &Bound<'_, PyString>, state: usize) -> PyResult<()> {
        self.memory.check_state(state)?;
        let (bytes, hash) = key(sid)?;
        self.memory.remember(&bytes, hash, state);
        Ok(())
    }

    fn __len__(&self) -> usize {
        self.memory.index.len()
    }

    /// The remembered ids, oldest first, each with its `ended` object: a list of
    /// `(bytes, object)` (the bytes decode with "utf-8", "surrogatepass").
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let m = &self.memory;
        let list = PyList::empty(py);
        for n in (m.head..m.slots.len()).chain(0..m.head) {
            let slot = &m.slots[n];
            debug_assert_eq!(m.find(slot.id.bytes(), slot.hash), Some(n));
            let item = PyTuple::new(
                py,
                [
                    PyBytes::new(py, slot.id.bytes()).into_any(),
                    m.ended[slot.state].bind(py).clone(),
                ],
            )?;
            list.append(item)?;
        }
        Ok(list)
    }
}
