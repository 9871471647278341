//! Memory advice, the one Linux system call more than one module makes directly (solder has no
//! `libc` dependency; modules that need a call of their own declare it where it is used).

use std::ffi::c_void;

/// The pages may be dropped: a private anonymous page reads as zero afterwards, a file page as
/// the file.
pub const MADV_DONTNEED: i32 = 4;
/// No transparent huge pages for the range.
pub const MADV_NOHUGEPAGE: i32 = 15;

unsafe extern "C" {
    fn madvise(addr: *mut c_void, len: usize, advice: i32) -> i32;
}

/// `madvise(2)`; returns whether the kernel took the advice.
///
/// # Safety
/// `[addr, addr + len)` must be mapped, and the advice must not drop contents anything still
/// needs (`MADV_DONTNEED` on a private anonymous mapping zeroes it).
pub unsafe fn advise(addr: *mut c_void, len: usize, advice: i32) -> bool {
    // SAFETY: as the caller guarantees.
    unsafe { madvise(addr, len, advice) == 0 }
}

/// The value of `field` (`Rss`, `VmFlags`, ...) in /proc/self/smaps for the mapping that holds
/// `addr`: what tests of memory advice look at.
#[cfg(test)]
pub fn smaps_field(addr: usize, field: &str) -> String {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let mut inside = false;
    for line in smaps.lines() {
        if let Some((range, _)) = line.split_once(' ')
            && let Some((lo, hi)) = range.split_once('-')
            && let (Ok(lo), Ok(hi)) = (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
        {
            inside = (lo..hi).contains(&addr);
        } else if inside && let Some(v) = line.strip_prefix(field).and_then(|l| l.strip_prefix(':'))
        {
            return v.trim().to_string();
        }
    }
    panic!("no mapping holds {addr:#x}");
}
