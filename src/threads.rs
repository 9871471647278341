//! Where the link's threads run.
//!
//! On the 2-core VM, in a quarter of ripgrep links the worker thread did none of the parse phase's
//! 28 jobs: the main thread did them all, and the phase took its one-thread time. The worker had
//! gone to sleep between phases, and Linux woke it onto the CPU where the main thread was running
//! (an idle virtual CPU whose host thread is descheduled looks busy to the guest, so the wakeup
//! went to the waker's CPU), where it waited for the main thread's time slice. A C program shows
//! the same: 1.5-3% of wakeups from a busy thread land on its CPU and start 0.5-3.9 ms late. With
//! the main thread held on the CPU it started on and the workers on the others, ripgrep's parse
//! phase took 1.83-2.51 ms over 30 links where it had taken 1.85-3.79 (11 of them at one-thread
//! time, 2.8 ms or more), and the link 18.8 ms instead of 21.1 (medians of 20 ABBA pairs).
//!
//! Holding threads to CPUs is only right when they have the CPUs to themselves: it is done when
//! there are no more threads, and no more runnable tasks, than CPUs the process may use (so a link
//! started in a busy parallel build leaves placement to the kernel), and undone for the main
//! thread before the process exits.

use std::ffi::c_void;
use std::io;
use std::sync::OnceLock;

/// glibc's `cpu_set_t`: 1024 CPUs.
#[derive(Clone, Copy)]
#[repr(C)]
pub struct CpuSet([u64; 16]);

impl CpuSet {
    fn count(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    fn has(&self, cpu: usize) -> bool {
        self.0
            .get(cpu / 64)
            .is_some_and(|w| w & (1 << (cpu % 64)) != 0)
    }

    fn only(cpu: usize) -> CpuSet {
        let mut s = CpuSet([0; 16]);
        s.0[cpu / 64] = 1 << (cpu % 64);
        s
    }

    fn without(mut self, cpu: usize) -> CpuSet {
        self.0[cpu / 64] &= !(1 << (cpu % 64));
        self
    }
}

/// `pthread_attr_t`: 56 bytes on x86-64, 64 on aarch64.
#[repr(C, align(8))]
struct PthreadAttr([u8; 64]);

unsafe extern "C" {
    fn pthread_attr_init(attr: *mut PthreadAttr) -> i32;
    fn pthread_attr_destroy(attr: *mut PthreadAttr) -> i32;
    fn pthread_attr_setstacksize(attr: *mut PthreadAttr, size: usize) -> i32;
    fn pthread_attr_setaffinity_np(attr: *mut PthreadAttr, size: usize, set: *const CpuSet) -> i32;
    fn pthread_create(
        thread: *mut std::ffi::c_ulong,
        attr: *const PthreadAttr,
        f: extern "C" fn(*mut c_void) -> *mut c_void,
        arg: *mut c_void,
    ) -> i32;
    fn pthread_detach(thread: std::ffi::c_ulong) -> i32;
    fn sched_getaffinity(pid: i32, size: usize, set: *mut CpuSet) -> i32;
    fn sched_setaffinity(pid: i32, size: usize, set: *const CpuSet) -> i32;
    fn sched_getcpu() -> i32;
}

/// The CPUs the process was allowed before the main thread was held to one.
static ALLOWED: OnceLock<CpuSet> = OnceLock::new();

/// Holds the main thread to its CPU if `threads` threads have the machine to themselves; returns
/// the CPUs its workers are to run on.
pub fn place_main(threads: usize) -> Option<CpuSet> {
    if threads < 2 {
        return None;
    }
    let mut allowed = CpuSet([0; 16]);
    // SAFETY: `allowed` is a cpu_set_t-sized buffer for the kernel to fill.
    if unsafe { sched_getaffinity(0, size_of::<CpuSet>(), &mut allowed) } != 0 {
        return None;
    }
    // SAFETY: no arguments; -1 on failure.
    let cpu = usize::try_from(unsafe { sched_getcpu() }).ok()?;
    // More threads than CPUs share them anyway: the kernel places them better than a split.
    let cpus = allowed.count();
    if !allowed.has(cpu) || cpus < 2 || threads > cpus as usize || runnable_tasks()? > cpus {
        return None;
    }
    ALLOWED.set(allowed).ok()?;
    // SAFETY: a set holding one CPU the process may use.
    if unsafe { sched_setaffinity(0, size_of::<CpuSet>(), &CpuSet::only(cpu)) } != 0 {
        return None;
    }
    Some(allowed.without(cpu))
}

/// Lets the main thread run anywhere it could before [`place_main`].
pub fn release_main() {
    if let Some(allowed) = ALLOWED.get() {
        // SAFETY: the set the process had; failing leaves the thread where it is.
        unsafe { sched_setaffinity(0, size_of::<CpuSet>(), allowed) };
    }
}

/// Tasks runnable on the machine now, this thread included (the fourth field of
/// `/proc/loadavg`, "running/total").
fn runnable_tasks() -> Option<u32> {
    let s = std::fs::read_to_string("/proc/loadavg").ok()?;
    s.split_whitespace().nth(3)?.split('/').next()?.parse().ok()
}

/// As much stack as the main thread has by default.
const STACK: usize = 8 << 20;

/// Runs `run` on a new detached thread, on the CPUs `on` if given.
pub fn spawn(on: Option<CpuSet>, run: impl FnOnce() + Send + 'static) -> io::Result<()> {
    let Some(on) = on else {
        return std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(run)
            .map(drop);
    };
    let run: *mut Box<dyn FnOnce() + Send> = Box::into_raw(Box::new(Box::new(run)));
    let mut attr = PthreadAttr([0; 64]);
    let mut thread: std::ffi::c_ulong = 0;
    // SAFETY: `attr` is initialised before use and destroyed after; `run` is handed to the new
    // thread, which owns it from then on, or taken back here if no thread was created. The CPUs
    // are given at creation so that the thread never starts on the main thread's.
    unsafe {
        if pthread_attr_init(&mut attr) != 0 {
            drop(Box::from_raw(run));
            return Err(io::Error::other("cannot start a thread"));
        }
        pthread_attr_setstacksize(&mut attr, STACK);
        pthread_attr_setaffinity_np(&mut attr, size_of::<CpuSet>(), &on);
        let rc = pthread_create(&mut thread, &attr, begin, run.cast());
        pthread_attr_destroy(&mut attr);
        if rc != 0 {
            drop(Box::from_raw(run));
            return Err(io::Error::from_raw_os_error(rc));
        }
        pthread_detach(thread);
    }
    Ok(())
}

extern "C" fn begin(arg: *mut c_void) -> *mut c_void {
    // SAFETY: `arg` is the closure that `spawn` boxed for this thread alone.
    let run = *unsafe { Box::from_raw(arg.cast::<Box<dyn FnOnce() + Send>>()) };
    // A panic must not unwind into the C caller; rayon reports its workers' panics itself.
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).is_err() {
        std::process::abort();
    }
    std::ptr::null_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_sets() {
        let s = CpuSet::only(70);
        assert!(s.has(70) && !s.has(6) && s.count() == 1);
        let mut all = CpuSet([0; 16]);
        all.0[0] = 0b1011;
        let rest = all.without(1);
        assert!(rest.has(0) && !rest.has(1) && rest.has(3) && rest.count() == 2);
    }

    #[test]
    fn the_load_is_read() {
        assert!(runnable_tasks().is_some_and(|n| n >= 1));
    }
}
