//! The link's threads: one rayon pool, started once the inputs' size is known, whose workers are
//! kept awake between phases.
//!
//! A link is a string of parallel phases separated by short serial stretches on the main thread
//! (a tenth of a millisecond to a millisecond on ripgrep). A rayon worker that finds no work
//! sleeps after a few dozen rounds, and waking it again for the next phase took longer on this
//! VM than many phases last: in 9 of 12 of ripgrep's symbol-ranking passes (two per link, 0.4 ms
//! of work each, spread by `resolve` over both threads) the second thread did none, not awake
//! before the main thread had done it all. So at each phase boundary every other worker is given a
//! job that looks for work ([`rayon::yield_now`]) and otherwise spins, yielding the CPU to
//! anything else runnable, until no work has come for [`SPIN_FOR`] or the link is written.

use crate::args::Config;
use crate::error::Result;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Inputs below this size link faster on one thread: waking workers for a dozen short phases costs
/// more than the phases themselves.
const SMALL_LINK_BYTES: usize = 8 << 20;

/// How long a worker stays awake without work. The serial stretches between phases are shorter;
/// limits of 0.3, 2 and 10 ms gave the same times on ripgrep and the proc-macro (measured with a
/// loop that spun without yielding, which otherwise behaves alike).
const SPIN_FOR: Duration = Duration::from_millis(1);

/// The pool exists (asking rayon about it earlier would start a default one).
static STARTED: AtomicBool = AtomicBool::new(false);
/// The link is done with the pool: spinning would only burn CPU until exit.
static DONE: AtomicBool = AtomicBool::new(false);
/// Workers currently spinning.
static SPINNING: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static IN_SPIN: Cell<bool> = const { Cell::new(false) };
}

/// The threads the link may use: `--threads`, or one per CPU.
fn max_threads(cfg: &Config) -> usize {
    cfg.threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Builds the thread pool: `--threads N`, or one worker per CPU for all but small links. The main
/// thread is one of the workers, so a pool of one starts no threads at all.
pub fn start(cfg: &Config, size: usize) -> Result<()> {
    let threads = if cfg.threads.is_none() && size < SMALL_LINK_BYTES {
        1
    } else {
        max_threads(cfg)
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .use_current_thread()
        .build_global()
        .map_err(|e| crate::err!("cannot start threads: {e}"))?;
    STARTED.store(true, Ordering::Relaxed);
    Ok(())
}

/// Keeps the workers other than the main thread awake until the next phase gives them work.
pub fn keep_warm() {
    if !STARTED.load(Ordering::Relaxed) || DONE.load(Ordering::Relaxed) {
        return;
    }
    let others = rayon::current_num_threads() - 1;
    while SPINNING.load(Ordering::Relaxed) < others {
        SPINNING.fetch_add(1, Ordering::Relaxed);
        rayon::spawn(spin);
    }
}

/// Lets the workers sleep for good.
pub fn done() {
    DONE.store(true, Ordering::Relaxed);
}

fn spin() {
    // The main thread takes jobs while it waits inside a phase; it must not stay here. Nor must a
    // worker that picked this job up while already spinning.
    if rayon::current_thread_index() == Some(0) || IN_SPIN.get() {
        SPINNING.fetch_sub(1, Ordering::Relaxed);
        return;
    }
    IN_SPIN.set(true);
    let mut last_work = Instant::now();
    while !DONE.load(Ordering::Relaxed) {
        match rayon::yield_now() {
            Some(rayon::Yield::Executed) => last_work = Instant::now(),
            _ if last_work.elapsed() > SPIN_FOR => break,
            _ => std::thread::yield_now(),
        }
    }
    IN_SPIN.set(false);
    SPINNING.fetch_sub(1, Ordering::Relaxed);
}
