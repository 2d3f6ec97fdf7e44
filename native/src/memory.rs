//! The bounded memory of terminated session ids: the last `capacity` ids, oldest forgotten first.
//!
//! The session fold (Python, `vrp_contract.stream.fold`) asks it once per new session id whether
//! the id already terminated, and tells it each id that terminates. Both are O(1) and touch
//! little memory: the ids lie in a ring of slots (written in place, read in order when the
//! oldest is forgotten), and an index of slot numbers (`buckets.rs`: one cache line per bucket,
//! about 2 MiB for 200,000 ids) finds them by the id's Python hash, which the fold's own table
//! lookup has already computed and cached in the string. Asking, adding and forgetting each read
//! one line of the index in the common case, and the line of the id forgotten next is fetched
//! into the cache a few ids ahead. The fold calls the two as plain C functions (`calls`). The
//! same memory kept in Python sets and a deque cost a cache miss per lookup and two per forgotten
//! id, scattered over a heap of 200,000 string objects.

use std::borrow::Cow;
use std::cell::UnsafeCell;

use pyo3::ffi;
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
///
/// The class is frozen (no borrow flag to count on each call) and keeps its data in a cell that
/// is only touched with the GIL held: see `GilCell`.
#[pyclass(frozen, module = "vrp_contract_engine")]
pub struct Terminated {
    memory: GilCell<Memory>,
}

/// A value only read or changed by a thread that holds the GIL, never across a call into Python.
///
/// The module is built for the limited API (`abi3`), which free-threaded Python does not load:
/// whoever calls into it holds the GIL, so no two threads are ever inside at once. Every access
/// is one `with` that does not call Python code (an id's hash and bytes are read before), so no
/// call re-enters while the value is borrowed.
struct GilCell<T>(UnsafeCell<T>);

// SAFETY: see the type's documentation: access is serialised by the GIL, one `with` at a time.
unsafe impl<T: Send> Sync for GilCell<T> {}

impl<T> GilCell<T> {
    fn with<R>(&self, _py: Python<'_>, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: the GIL is held (the `Python` token), and `f` calls no Python code
        f(unsafe { &mut *self.0.get() })
    }
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

impl Terminated {
    /// `recall` (see the Python method of that name).
    fn recall_id(&self, py: Python<'_>, sid: &Bound<'_, PyString>) -> PyResult<Option<Py<PyAny>>> {
        let (bytes, hash) = key(sid)?;
        Ok(self.memory.with(py, |m| {
            m.recall(&bytes, hash)
                .map(|state| m.ended[state].clone_ref(py))
        }))
    }

    /// `remember` (see the Python method of that name).
    fn remember_id(&self, py: Python<'_>, sid: &Bound<'_, PyString>, state: usize) -> PyResult<()> {
        let (bytes, hash) = key(sid)?;
        self.memory.with(py, |m| {
            m.check_state(state)?;
            m.remember(&bytes, hash, state);
            Ok(())
        })
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
        Ok(Terminated {
            memory: GilCell(UnsafeCell::new(memory)),
        })
    }

    /// The `ended` object of the state `sid` terminated in, or None if it is not remembered.
    fn recall(&self, py: Python<'_>, sid: &Bound<'_, PyString>) -> PyResult<Option<Py<PyAny>>> {
        self.recall_id(py, sid)
    }

    /// Remember that `sid` terminated in terminal state number `state`; forget the oldest id
    /// if the memory is full. An id remembered already keeps its place, in its new state (the
    /// fold never remembers an id twice: it recalls it first).
    fn remember(&self, py: Python<'_>, sid: &Bound<'_, PyString>, state: usize) -> PyResult<()> {
        self.remember_id(py, sid, state)
    }

    /// `(recall, remember)`: the two methods above as plain C functions bound to this memory,
    /// for the fold's hot loop. They take their arguments by position only and cost a third of
    /// a method call (no keyword parsing, no argument descriptions): a short session calls
    /// each once.
    fn calls(slf: &Bound<'_, Self>) -> PyResult<(Py<PyAny>, Py<PyAny>)> {
        let py = slf.py();
        let new = |def: &'static MethodDef| -> PyResult<Py<PyAny>> {
            // SAFETY: `def` is static and `slf` a live object; the new function holds a reference
            // to `slf` (its `__self__`) and returns a new reference, or null with an exception
            unsafe {
                let f = ffi::PyCFunction_New(def.0.get(), slf.as_ptr());
                Bound::from_owned_ptr_or_err(py, f).map(Bound::unbind)
            }
        };
        Ok((new(&RECALL)?, new(&REMEMBER)?))
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.memory.with(py, |m| m.index.len())
    }

    /// The remembered ids, oldest first, each with its `ended` object: a list of
    /// `(bytes, object)` (the bytes decode with "utf-8", "surrogatepass").
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let pairs: Vec<(Vec<u8>, Py<PyAny>)> = self.memory.with(py, |m| {
            let len = m.slots.len();
            (m.head..len)
                .chain(0..m.head)
                .map(|n| {
                    let slot = &m.slots[n];
                    debug_assert_eq!(m.find(slot.id.bytes(), slot.hash), Some(n));
                    (slot.id.bytes().to_vec(), m.ended[slot.state].clone_ref(py))
                })
                .collect()
        });
        let list = PyList::empty(py);
        for (bytes, ended) in pairs {
            let item = PyTuple::new(
                py,
                [PyBytes::new(py, &bytes).into_any(), ended.into_bound(py)],
            )?;
            list.append(item)?;
        }
        Ok(list)
    }
}

/// A method definition the C functions of `Terminated::calls` point to for good.
struct MethodDef(UnsafeCell<ffi::PyMethodDef>);

// SAFETY: Python only reads a method definition, and this one is never changed
unsafe impl Sync for MethodDef {}

static RECALL: MethodDef = MethodDef(UnsafeCell::new(ffi::PyMethodDef {
    ml_name: c"recall".as_ptr(),
    ml_meth: ffi::PyMethodDefPointer {
        PyCFunction: recall_c,
    },
    ml_flags: ffi::METH_O,
    ml_doc: c"recall(sid, /): Terminated.recall as a plain function.".as_ptr(),
}));

static REMEMBER: MethodDef = MethodDef(UnsafeCell::new(ffi::PyMethodDef {
    ml_name: c"remember".as_ptr(),
    ml_meth: ffi::PyMethodDefPointer {
        PyCFunctionFast: remember_c,
    },
    ml_flags: ffi::METH_FASTCALL,
    ml_doc: c"remember(sid, state, /): Terminated.remember as a plain function.".as_ptr(),
}));

/// Run `f` on the `Terminated` object `slf` (a function's `__self__`) for a C function: its
/// result as a new reference, or null with the Python exception set; a panic is one too.
///
/// # Safety
/// The GIL is held, and `slf` is a live `Terminated` (`calls` binds nothing else).
unsafe fn entry(
    slf: *mut ffi::PyObject,
    f: impl FnOnce(Python<'_>, &Terminated) -> PyResult<Py<PyAny>>,
) -> *mut ffi::PyObject {
    // SAFETY: the caller holds the GIL
    let py = unsafe { Python::assume_attached() };
    // SAFETY: `slf` is a live `Terminated` (the caller's promise), borrowed for this call
    let memory = unsafe { Bound::from_borrowed_ptr(py, slf).cast_into_unchecked::<Terminated>() };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(py, memory.get())))
        .unwrap_or_else(|_| {
            Err(pyo3::exceptions::PySystemError::new_err(
                "vrp_contract_engine.Terminated panicked",
            ))
        });
    match result {
        Ok(value) => value.into_ptr(),
        Err(err) => {
            err.restore(py);
            std::ptr::null_mut()
        }
    }
}

/// The argument `arg` as a `str`, or a TypeError naming `what`.
fn as_str<'a, 'py>(arg: &'a Bound<'py, PyAny>, what: &str) -> PyResult<&'a Bound<'py, PyString>> {
    arg.cast::<PyString>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "{what}() argument 'sid' must be str, not {}",
            arg.get_type()
                .name()
                .map_or_else(|_| "?".to_owned(), |n| n.to_string())
        ))
    })
}

unsafe extern "C" fn recall_c(
    slf: *mut ffi::PyObject,
    arg: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: Python calls a METH_O function with the GIL held, its `__self__` and one argument
    unsafe {
        entry(slf, |py, memory| {
            let arg = Bound::from_borrowed_ptr(py, arg);
            let found = memory.recall_id(py, as_str(&arg, "recall")?)?;
            Ok(found.unwrap_or_else(|| py.None()))
        })
    }
}

unsafe extern "C" fn remember_c(
    slf: *mut ffi::PyObject,
    args: *mut *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    // SAFETY: Python calls a METH_FASTCALL function with the GIL held, its `__self__` and
    // `nargs` arguments at `args`
    unsafe {
        entry(slf, |py, memory| {
            if nargs != 2 {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "remember() takes 2 positional arguments ({nargs} given)"
                )));
            }
            let sid = Bound::from_borrowed_ptr(py, *args);
            let state: usize = Bound::from_borrowed_ptr(py, *args.add(1)).extract()?;
            memory.remember_id(py, as_str(&sid, "remember")?, state)?;
            Ok(py.None())
        })
    }
}
