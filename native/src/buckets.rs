//! The index of the memory of terminated ids (`memory.rs`): from an id's hash to its slot number.
//!
//! Buckets of one cache line each: 15 entries and an overflow count. An id lives in the bucket
//! its hash picks (its home), or, when that one was full, in one of the next ones; the overflow
//! count of a bucket says how many ids whose home is at or before it lie beyond it. So finding,
//! adding and removing an id reads one cache line in the common case, where an open-addressing
//! table of slot numbers with separate control bytes reads two or three, and removing needs no
//! tombstones: an entry is simply cleared.
//!
//! An entry is 32 bits: the slot number plus one in the low `slot_bits` bits (0 is an empty
//! entry), and the rest of the bits from the hash (its tag), so that an id that is not there
//! is told apart without reading its slot, except about once in `2^(32 - slot_bits)` entries.

/// Entries per bucket: 15 and the overflow count fill one 64-byte cache line.
const WAYS: usize = 15;

/// Ids per bucket on average before the index doubles.
const LOAD: usize = 10;

/// One cache line of the index.
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct Bucket {
    entries: [u32; WAYS],
    overflow: u32,
}

impl Bucket {
    /// A bit for each entry `e` for which `f(e)` holds (a loop the compiler makes one vector
    /// comparison).
    fn matching(&self, f: impl Fn(u32) -> bool) -> u32 {
        let mut bits = 0;
        for (w, &e) in self.entries.iter().enumerate() {
            bits |= u32::from(f(e)) << w;
        }
        bits
    }
}

/// The index: slot numbers by hash (the caller keeps the hashes, and compares the ids).
pub struct Buckets {
    buckets: Vec<Bucket>,
    /// Buckets minus one (their number is a power of two).
    mask: usize,
    /// The bits of an entry that hold the slot number plus one.
    slot_bits: u32,
    len: usize,
}

impl Buckets {
    /// An index for slot numbers below `slots`, with room for `expected` ids before it grows.
    pub fn new(slots: usize, expected: usize) -> Self {
        // slot numbers plus one up to `slots` fit (`slots` < 2^32, checked by the caller)
        let slot_bits = usize::BITS - slots.leading_zeros();
        let count = expected.div_ceil(LOAD).next_power_of_two();
        Buckets {
            buckets: vec![Bucket::default(); count],
            mask: count - 1,
            slot_bits: slot_bits.min(32),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    fn slot_mask(&self) -> u32 {
        if self.slot_bits >= 32 {
            u32::MAX
        } else {
            (1 << self.slot_bits) - 1
        }
    }

    /// The tag bits of `hash`, where an entry keeps them.
    fn tag(&self, hash: u64) -> u32 {
        // the high half of the hash: the low bits pick the bucket
        ((hash >> 32) as u32) & !self.slot_mask()
    }

    fn home(&self, hash: u64) -> usize {
        // the bucket number is the hash's low bits (truncation intended)
        (hash as usize) & self.mask
    }

    /// The slot number of the id hashed `hash` for which `is(slot)` holds, if any.
    pub fn find(&self, hash: u64, is: impl Fn(usize) -> bool) -> Option<usize> {
        let (tag, slots) = (self.tag(hash), self.slot_mask());
        let mut b = self.home(hash);
        loop {
            let bucket = &self.buckets[b];
            let mut hits = bucket.matching(|e| e != 0 && e & !slots == tag);
            while hits != 0 {
                let n = (bucket.entries[hits.trailing_zeros() as usize] & slots) as usize - 1;
                if is(n) {
                    return Some(n);
                }
                hits &= hits - 1;
            }
            if bucket.overflow == 0 {
                return None;
            }
            b = (b + 1) & self.mask;
        }
    }

    /// Add slot `n` for the id hashed `hash` (not in the index: the caller looked).
    /// `hash_of(m)` is the hash of the id in slot `m`, for when the index grows.
    pub fn insert(&mut self, hash: u64, n: usize, hash_of: impl Fn(usize) -> u64) {
        if self.len >= self.buckets.len() * LOAD {
            self.grow(hash_of);
        }
        self.place(hash, n);
        self.len += 1;
    }

    fn place(&mut self, hash: u64, n: usize) {
        // n + 1 fits in `slot_bits` bits (see `new`)
        let entry = self.tag(hash) | (n + 1) as u32;
        let mut b = self.home(hash);
        loop {
            let bucket = &mut self.buckets[b];
            let free = bucket.matching(|e| e == 0);
            if free != 0 {
                bucket.entries[free.trailing_zeros() as usize] = entry;
                return;
            }
            bucket.overflow += 1;
            b = (b + 1) & self.mask;
        }
    }

    /// Remove slot `n`, which the id hashed `hash` lies in.
    pub fn remove(&mut self, hash: u64, n: usize) {
        let want = (n + 1) as u32;
        let slots = self.slot_mask();
        let home = self.home(hash);
        let mut b = home;
        loop {
            let bucket = &mut self.buckets[b];
            let found = bucket.matching(|e| e & slots == want);
            if found != 0 {
                bucket.entries[found.trailing_zeros() as usize] = 0;
                break;
            }
            if bucket.overflow == 0 {
                debug_assert!(false, "slot {n} is not in the index");
                return;
            }
            b = (b + 1) & self.mask;
        }
        // the buckets it overflowed past count it no more
        while home != b {
            b = (b + self.mask) & self.mask;
            self.buckets[b].overflow -= 1;
        }
        self.len -= 1;
    }

    /// Ask the CPU to fetch the bucket of `hash` into its cache (a removal comes soon).
    pub fn prefetch(&self, hash: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            let bucket = &self.buckets[self.home(hash)];
            // SAFETY: a prefetch only hints the cache; it reads nothing and cannot fault
            unsafe {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(bucket).cast::<i8>());
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = hash;
    }

    /// Twice the buckets, every entry placed again (`hash_of(m)`: the hash of slot `m`'s id).
    fn grow(&mut self, hash_of: impl Fn(usize) -> u64) {
        let slots = self.slot_mask();
        let old = std::mem::take(&mut self.buckets);
        self.buckets = vec![Bucket::default(); old.len() * 2];
        self.mask = self.buckets.len() - 1;
        for bucket in &old {
            for &e in &bucket.entries {
                if e != 0 {
                    let n = (e & slots) as usize - 1;
                    self.place(hash_of(n), n);
                }
            }
        }
    }
}
