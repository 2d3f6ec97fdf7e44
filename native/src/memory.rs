//! The bounded memory of terminated session ids: the last `capacity` ids, oldest forgotten first.
//!
//! The session fold (Python, `vrp_contract.stream.fold`) asks it once per new session id whether
//! the id already terminated, and tells it each id that terminates. Both are O(1) and touch
//! little memory: the ids lie in a ring of slots (written in place, read in order when the
//! oldest is forgotten), and a hash table of slot numbers (4 bytes and a control byte each, room
//! for twice the ids: about 2.5 MiB for 200,000) finds them by the id's Python hash, which the
//! fold's own table lookup has already computed and cached in the string. Each slot also notes
//! where its number lies in the table, so that forgetting the oldest id needs no search, and that
//! place is fetched into the cache a few ids ahead. The same memory kept in Python sets and a
//! deque cost a cache miss per lookup and two per forgotten id, scattered over a heap of 200,000
//! string objects.

use std::borrow::Cow;

use hashbrown::HashTable;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

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
    /// Where its number lies in the index: a hint, checked before use (a resize moves it).
    bucket: usize,
}

/// How many ids ahead of the oldest the index entry to forget is fetched into the cache.
const AHEAD: usize = 2;

/// The last `capacity` terminated session ids and the terminal state each ended in.
///
/// `ended[n]` is what `recall` returns for an id that ended in terminal state number `n` (the
/// fold's shared `Session` of that state); `capacity` 0 remembers nothing.
#[pyclass(module = "vrp_contract_engine")]
pub struct Terminated {
    slots: Vec<Slot>,
    /// The slot the next id overwrites once the ring is full: the oldest.
    head: usize,
    capacity: usize,
    index: HashTable<u32>,
    ended: Vec<Py<PyAny>>,
}

/// The bytes an id is kept as, and its Python hash.
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

impl Terminated {
    /// The slot number of `bytes` (hashed `hash`), if remembered.
    fn find(&self, bytes: &[u8], hash: u64) -> Option<usize> {
        let slots = &self.slots;
        self.index
            .find(hash, |&n| {
                let slot = &slots[n as usize];
                slot.hash == hash && slot.id.bytes() == bytes
            })
            .map(|&n| n as usize)
    }
}

#[pymethods]
impl Terminated {
    #[new]
    fn new(capacity: usize, ended: Vec<Py<PyAny>>) -> PyResult<Self> {
        if u32::try_from(capacity).is_err() {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "cannot remember {capacity} ids: at most {} fit",
                u32::MAX
            )));
        }
        Ok(Terminated {
            slots: Vec::new(),
            head: 0,
            capacity,
            // room for twice the ids up front (up to 2^21, 10 MiB), so that the index is not
            // rebuilt while it fills: a rebuild reads the hash of every id, all over the ring
            index: HashTable::with_capacity(capacity.min(1 << 20) * 2),
            ended,
        })
    }

    /// The `ended` object of the state `sid` terminated in, or None if it is not remembered.
    fn recall(&self, py: Python<'_>, sid: &Bound<'_, PyString>) -> PyResult<Option<Py<PyAny>>> {
        let (bytes, hash) = key(sid)?;
        Ok(self
            .find(&bytes, hash)
            .map(|n| self.ended[self.slots[n].state].clone_ref(py)))
    }

    /// Remember that `sid` terminated in terminal state number `state`; forget the oldest id
    /// if the memory is full. An id remembered already keeps its place, in its new state (the
    /// fold never remembers an id twice: it recalls it first).
    fn remember(&mut self, sid: &Bound<'_, PyString>, state: usize) -> PyResult<()> {
        if state >= self.ended.len() {
            return Err(pyo3::exceptions::PyIndexError::new_err(format!(
                "terminal state number {state} of {}",
                self.ended.len()
            )));
        }
        if self.capacity == 0 {
            return Ok(());
        }
        let (bytes, hash) = key(sid)?;
        if let Some(n) = self.find(&bytes, hash) {
            self.slots[n].state = state;
            return Ok(());
        }
        let slot = Slot {
            hash,
            id: Id::new(&bytes),
            state,
            bucket: usize::MAX,
        };
        let n = if self.slots.len() < self.capacity {
            self.slots.push(slot);
            if self.slots.len() == self.capacity {
                // full from now on: at most half the index's buckets in use (reserved up front
                // up to 2^20 ids), so that forgetting an id mostly frees its bucket for good and
                // the index is rarely rebuilt in place, which would move every bucket
                self.index
                    .reserve(self.capacity, |&m| self.slots[m as usize].hash);
            }
            self.slots.len() - 1
        } else {
            let n = self.head;
            self.forget(n);
            self.slots[n] = slot;
            self.head = (n + 1) % self.capacity;
            self.prefetch((n + AHEAD) % self.capacity);
            n
        };
        let slots = &self.slots;
        // n < capacity <= u32::MAX (checked in `new`)
        let bucket = self
            .index
            .insert_unique(hash, n as u32, |&m| slots[m as usize].hash)
            .bucket_index();
        self.slots[n].bucket = bucket;
        Ok(())
    }

    fn __len__(&self) -> usize {
        self.index.len()
    }

    /// The remembered ids, oldest first, each with its `ended` object: a list of
    /// `(bytes, object)` (the bytes decode with "utf-8", "surrogatepass").
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        let len = self.slots.len();
        for n in (self.head..len).chain(0..self.head) {
            let slot = &self.slots[n];
            debug_assert_eq!(self.find(slot.id.bytes(), slot.hash), Some(n));
            let item = PyTuple::new(
                py,
                [
                    PyBytes::new(py, slot.id.bytes()).into_any(),
                    self.ended[slot.state].bind(py).clone(),
                ],
            )?;
            list.append(item)?;
        }
        Ok(list)
    }
}

impl Terminated {
    /// Drop slot `n` from the index (the slot is overwritten next).
    fn forget(&mut self, n: usize) {
        let Slot { hash, bucket, .. } = self.slots[n];
        if self
            .index
            .get_bucket(bucket)
            .is_some_and(|&m| m as usize == n)
        {
            if let Ok(entry) = self.index.get_bucket_entry(bucket) {
                entry.remove();
                return;
            }
        }
        if let Ok(entry) = self.index.find_entry(hash, |&m| m as usize == n) {
            entry.remove();
        }
    }

    /// Ask the CPU to fetch the index entry of slot `n` (forgotten soon) into its cache.
    fn prefetch(&self, n: usize) {
        #[cfg(target_arch = "x86_64")]
        if let Some(entry) = self.index.get_bucket(self.slots[n].bucket) {
            // SAFETY: a prefetch only hints the cache; it reads nothing and cannot fault
            unsafe {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(entry).cast::<i8>());
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = n;
    }
}
