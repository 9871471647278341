//! How the process ends. The build waits for this process to exit, and a process's exit frees its
//! memory synchronously: the kernel unmaps every input (hundreds of MB for a large link) and frees
//! the heap before the parent sees the exit, 35-45 ms after a large C++ link. So the last thing a
//! link does is start a child that shares this process's memory (`CLONE_VM`, so nothing is copied)
//! and waits for this process to exit: the memory is then the child's last reference, freed when
//! the child exits, after the build has moved on. The same child keeps files handed to
//! [`release_at_exit`] (a replaced output, whose pages take as long to free) open until then.
//!
//! mold and wild get the same effect by doing the whole link in a forked child; here nothing is
//! forked, so no page table is copied and no page is copied on write.

use std::os::fd::{IntoRawFd, RawFd};
use std::sync::Mutex;

/// Files to be closed only after this process has exited.
static KEPT: Mutex<Vec<RawFd>> = Mutex::new(Vec::new());

/// Keeps `file` open until after this process has exited, when its last reference goes.
pub fn release_at_exit(file: std::fs::File) {
    // A poisoned lock still holds a usable list: a panic elsewhere does not make it wrong.
    KEPT.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(file.into_raw_fd());
}

/// The child's stack: it makes a few system calls and nothing else.
const CHILD_STACK: usize = 64 << 10;

/// Exits with `code`, leaving the freeing of this process's memory and kept files to a child.
pub fn exit(code: i32) -> ! {
    #[cfg(target_os = "linux")]
    start_teardown_child();
    std::process::exit(code)
}

#[cfg(target_os = "linux")]
mod sys {
    use std::ffi::c_void;
    unsafe extern "C" {
        pub fn clone(
            f: extern "C" fn(*mut c_void) -> i32,
            stack: *mut c_void,
            flags: i32,
            arg: *mut c_void,
            ...
        ) -> i32;
        pub fn pipe2(fds: *mut i32, flags: i32) -> i32;
        pub fn read(fd: i32, buf: *mut c_void, n: usize) -> isize;
        pub fn close(fd: i32) -> i32;
        pub fn syscall(n: i64, ...) -> i64;
        pub fn mmap(
            addr: *mut c_void,
            len: usize,
            prot: i32,
            flags: i32,
            fd: i32,
            off: i64,
        ) -> *mut c_void;
    }
    pub const CLONE_VM: i32 = 0x100;
    pub const SIGCHLD: i32 = 17;
    pub const O_CLOEXEC: i32 = 0o2000000;
    pub const SYS_CLOSE_RANGE: i64 = 436;
    pub const PROT_READ_WRITE: i32 = 3;
    pub const MAP_PRIVATE_ANONYMOUS: i32 = 0x22;
}

/// What the child keeps open: the pipe's read end and the kept files, ascending. Set once, before
/// the child starts; a static because the child may still read it after this process's stack
/// has been reused on the way out.
#[cfg(target_os = "linux")]
static CHILD_KEEPS: std::sync::OnceLock<Vec<RawFd>> = std::sync::OnceLock::new();

/// Starts the child; if anything fails, this process simply frees its memory itself.
#[cfg(target_os = "linux")]
fn start_teardown_child() {
    use std::ffi::c_void;
    let mut fds = [0i32; 2];
    // SAFETY: plain system calls on memory owned here. The child runs `wait_then_exit` on its own
    // stack and touches nothing but `CHILD_KEEPS`: no allocation, no lock, no Rust runtime.
    unsafe {
        if sys::pipe2(fds.as_mut_ptr(), sys::O_CLOEXEC) != 0 {
            return;
        }
        let kept: Vec<RawFd> = KEPT.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut keeps = kept.clone();
        keeps.push(fds[0]);
        keeps.sort_unstable();
        let stack = sys::mmap(
            std::ptr::null_mut(),
            CHILD_STACK,
            sys::PROT_READ_WRITE,
            sys::MAP_PRIVATE_ANONYMOUS,
            -1,
            0,
        );
        if stack as isize == -1 || CHILD_KEEPS.set(keeps).is_err() {
            sys::close(fds[0]);
            sys::close(fds[1]);
            return;
        }
        let top = (stack as *mut u8).add(CHILD_STACK) as *mut c_void;
        let pid = sys::clone(
            wait_then_exit,
            top,
            sys::CLONE_VM | sys::SIGCHLD,
            fds[0] as isize as *mut c_void,
        );
        // Our read end is the child's; the write end closes when this process exits.
        sys::close(fds[0]);
        if pid > 0 {
            // The kept files are the child's now: its copy of the descriptor table holds them.
            for fd in kept {
                sys::close(fd);
            }
        }
    }
}

/// The child: holds nothing but the kept files (not the caller's pipes, which the caller's reads
/// would wait on, nor anything writable: executing the output would fail with ETXTBSY), waits
/// until the parent's end of the pipe closes at its exit, and returns, which ends the child and
/// with it the last use of the shared memory.
#[cfg(target_os = "linux")]
extern "C" fn wait_then_exit(arg: *mut std::ffi::c_void) -> i32 {
    let rfd = arg as isize as i32;
    let keeps: &[RawFd] = CHILD_KEEPS.get().map_or(&[], |k| k);
    // SAFETY: system calls only.
    unsafe {
        let close_from_to = |lo: i32, hi: u32| {
            if sys::syscall(sys::SYS_CLOSE_RANGE, lo as u32, hi, 0u32) != 0 {
                // Kernels before 5.9: one by one, as far as descriptors usually go.
                for f in lo..(hi.min(1023) as i32 + 1) {
                    sys::close(f);
                }
            }
        };
        let mut lo = 0;
        for &fd in keeps {
            if fd > lo {
                close_from_to(lo, (fd - 1) as u32);
            }
            lo = fd + 1;
        }
        close_from_to(lo, u32::MAX);
        let mut b = 0u8;
        while sys::read(rfd, &mut b as *mut u8 as *mut std::ffi::c_void, 1) > 0 {}
    }
    0
}
