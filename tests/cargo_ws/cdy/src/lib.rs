use std::sync::atomic::{AtomicU64, Ordering};
static CALLS: AtomicU64 = AtomicU64::new(0);
thread_local! { static LOCAL: std::cell::Cell<u64> = const { std::cell::Cell::new(10) }; }
#[unsafe(no_mangle)]
pub extern "C" fn cdy_add(a: u64, b: u64) -> u64 {
    CALLS.fetch_add(1, Ordering::Relaxed);
    LOCAL.with(|l| l.set(l.get() + 1));
    let v: Vec<u64> = (0..b).collect();
    a + v.iter().sum::<u64>() + LOCAL.with(|l| l.get())
}
#[unsafe(no_mangle)]
pub extern "C" fn cdy_calls() -> u64 { CALLS.load(Ordering::Relaxed) }
