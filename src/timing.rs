//! Per-phase wall-clock timing: `--print-timing` prints a table, `--time-trace=FILE` writes a Chrome
//! trace (open it in Perfetto or chrome://tracing). Phases are recorded by the main thread only, so the
//! cost is one `Instant::now()` per phase, and with `--print-timing` a read of the process's CPU
//! time: CPU over wall time says how well a phase uses the threads it has.

use std::io::Write;
use std::time::Instant;

pub struct Timer {
    start: Instant,
    /// (name, begin, wall seconds, CPU seconds, anonymous and file-backed KiB resident at the end)
    phases: Vec<(&'static str, f64, f64, f64, u64, u64)>,
    current: Option<(&'static str, Instant, f64)>,
    /// Reads the process's CPU time and anonymous memory at each phase's end (only when they will
    /// be printed: fresh anonymous pages are the costliest thing a link touches on a VM).
    pub track_memory: bool,
    /// Facts about the link's size, printed after the phases.
    pub stats: Vec<(&'static str, u64)>,
}

impl Timer {
    pub fn new() -> Self {
        Timer {
            start: Instant::now(),
            phases: Vec::new(),
            current: None,
            track_memory: false,
            stats: Vec::new(),
        }
    }

    /// Ends the running phase (if any) and starts `name`.
    pub fn phase(&mut self, name: &'static str) {
        self.finish();
        let cpu = if self.track_memory {
            cpu_seconds()
        } else {
            0.0
        };
        self.current = Some((name, Instant::now(), cpu));
    }

    pub fn finish(&mut self) {
        if let Some((name, t, cpu0)) = self.current.take() {
            let begin = t.duration_since(self.start).as_secs_f64();
            let len = t.elapsed().as_secs_f64();
            let (cpu, anon, file) = if self.track_memory {
                let status = read_status();
                (
                    cpu_seconds() - cpu0,
                    status_kib(&status, "RssAnon"),
                    status_kib(&status, "RssFile"),
                )
            } else {
                (0.0, 0, 0)
            };
            self.phases.push((name, begin, len, cpu, anon, file));
        }
    }

    pub fn print(&mut self) {
        self.finish();
        let total = self.start.elapsed().as_secs_f64();
        let mut out = std::io::stderr().lock();
        let _ = writeln!(
            out,
            "{:>10}  {:>8}  {:>9}  {:>9}  phase",
            "ms", "cpu ms", "anon MiB", "file MiB"
        );
        for (name, _, len, cpu, anon, file) in &self.phases {
            let _ = writeln!(
                out,
                "{:>10.3}  {:>8.1}  {:>9.1}  {:>9.1}  {}",
                len * 1e3,
                cpu * 1e3,
                *anon as f64 / 1024.0,
                *file as f64 / 1024.0,
                name
            );
        }
        let _ = writeln!(out, "{:>10.3}  total", total * 1e3);
        for (name, v) in &self.stats {
            let _ = writeln!(out, "{v:>10}  {name}");
        }
        // What the process touched: fresh anonymous memory costs page clearing, and on a VM whose
        // host reclaims free memory, faults on the host as well.
        let status = read_status();
        for field in ["RssAnon", "RssFile", "VmHWM"] {
            let _ = writeln!(out, "{:>10}  {field} (KiB)", status_kib(&status, field));
        }
    }

    pub fn write_trace(&mut self, path: &str) -> std::io::Result<()> {
        self.finish();
        let mut s = String::from("{\"traceEvents\":[");
        for (i, (name, begin, len, ..)) in self.phases.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                "{{\"name\":\"{}\",\"ph\":\"X\",\"ts\":{:.1},\"dur\":{:.1},\"pid\":1,\"tid\":1}}",
                name,
                begin * 1e6,
                len * 1e6
            ));
        }
        s.push_str("]}\n");
        std::fs::write(path, s)
    }
}

/// `/proc/self/status`, read once for all the figures taken at one moment.
fn read_status() -> String {
    std::fs::read_to_string("/proc/self/status").unwrap_or_default()
}

/// A memory figure (`RssAnon`, `VmHWM`, ...) from `status`, in KiB.
fn status_kib(status: &str, field: &str) -> u64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU time of all the process's threads so far.
fn cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to fill.
    if unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut t) } != 0 {
        return 0.0;
    }
    t.sec as f64 + t.nsec as f64 * 1e-9
}
