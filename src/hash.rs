//! One fixed-seed hash for every table keyed by bytes (symbol names, comdat signatures, merged
//! strings). A fixed seed keeps ids and shard assignment identical across runs, so they can never
//! leak run-to-run variation into the output.

use std::hash::{BuildHasher, Hasher};

#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x5014_dea1_1ed5_eed5).build_hasher();
    h.write(b);
    h.finish()
}
