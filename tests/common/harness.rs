//! A test runner for the suites whose tests are made at run time (one per corpus program, per
//! case): named trials run on a pool of threads, with libtest's filter and flags and its report,
//! so `cargo test NAME` and the summary lines read the same as for ordinary tests.
//!
//! It is here rather than a crate because the crates for this need a proc-macro (clap's derive),
//! and solder is built with `+crt-static` (`.cargo/config.toml`), which a proc-macro built for the
//! same target cannot be.

use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Why a trial failed.
#[derive(Debug)]
pub struct Failed(String);

impl<M: std::fmt::Display> From<M> for Failed {
    fn from(m: M) -> Failed {
        Failed(m.to_string())
    }
}

type Run = Box<dyn FnOnce() -> Result<(), Failed> + Send>;

/// One named test.
pub struct Trial {
    name: String,
    run: Run,
}

impl Trial {
    pub fn test(
        name: impl Into<String>,
        run: impl FnOnce() -> Result<(), Failed> + Send + 'static,
    ) -> Trial {
        Trial {
            name: name.into(),
            run: Box::new(run),
        }
    }
}

/// What the command line asks of the run (libtest's flags; those about capture and format
/// change nothing here, as output is never captured).
#[derive(Default)]
pub struct Arguments {
    filters: Vec<String>,
    skip: Vec<String>,
    exact: bool,
    list: bool,
    ignored_only: bool,
    threads: Option<usize>,
}

impl Arguments {
    pub fn from_args() -> Arguments {
        Arguments::parse(std::env::args().skip(1))
    }

    /// Reads libtest's options and filters from `args` (the command line after the program).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Arguments {
        let mut a = Arguments::default();
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = |what: &str| {
                inline
                    .clone()
                    .or_else(|| it.next())
                    .unwrap_or_else(|| panic!("{what} needs a value"))
            };
            match flag.as_str() {
                "--exact" => a.exact = true,
                "--list" => a.list = true,
                "--ignored" => a.ignored_only = true,
                "--skip" => a.skip.push(value("--skip")),
                "--test-threads" => {
                    let n = value("--test-threads");
                    a.threads = Some(n.parse().unwrap_or_else(|_| panic!("--test-threads {n}")));
                }
                "--format" | "--color" | "-Z" | "--logfile" => drop(value(&flag)),
                "--include-ignored" | "--nocapture" | "--show-output" | "-q" | "--quiet"
                | "--test" | "--bench" => {}
                f if f.starts_with('-') => panic!("unknown option {f}"),
                _ => a.filters.push(arg),
            }
        }
        a
    }

    fn selects(&self, name: &str) -> bool {
        let hit = |f: &String| {
            if self.exact {
                name == f
            } else {
                name.contains(f.as_str())
            }
        };
        (self.filters.is_empty() || self.filters.iter().any(hit)) && !self.skip.iter().any(hit)
    }
}

/// How a run ended.
pub struct Conclusion {
    failed: usize,
}

impl Conclusion {
    pub fn has_failed(&self) -> bool {
        self.failed > 0
    }

    /// Ends the process: status 101 if a trial failed, as libtest does.
    pub fn exit(self) -> ! {
        std::process::exit(if self.has_failed() { 101 } else { 0 })
    }
}

/// Runs the selected trials, several at a time, and prints libtest's report.
pub fn run(args: &Arguments, trials: Vec<Trial>) -> Conclusion {
    let total = trials.len();
    // No trial here is ignored: `--ignored` selects none.
    let chosen: Vec<Trial> = trials
        .into_iter()
        .filter(|t| !args.ignored_only && args.selects(&t.name))
        .collect();
    if args.list {
        for t in &chosen {
            println!("{}: test", t.name);
        }
        return Conclusion { failed: 0 };
    }
    let filtered_out = total - chosen.len();
    let plural = if chosen.len() == 1 { "" } else { "s" };
    println!("\nrunning {} test{plural}", chosen.len());
    let start = Instant::now();
    let threads = args
        .threads
        .or_else(|| std::env::var("RUST_TEST_THREADS").ok()?.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let workers = threads.min(chosen.len());
    let queue = Mutex::new(chosen.into_iter());
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
    let failures: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    let passed = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(Trial { name, run }) = next() {
                    let outcome = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
                    {
                        Ok(Ok(())) => None,
                        Ok(Err(Failed(msg))) => Some(msg),
                        Err(p) => Some(format!(
                            "panicked: {}",
                            p.downcast_ref::<String>()
                                .cloned()
                                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default()
                        )),
                    };
                    let verdict = if outcome.is_some() { "FAILED" } else { "ok" };
                    println!("test {name} ... {verdict}");
                    let _ = std::io::stdout().flush();
                    match outcome {
                        None => drop(passed.fetch_add(1, Ordering::Relaxed)),
                        Some(msg) => failures.lock().unwrap().push((name, msg)),
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    if !failures.is_empty() {
        println!("\nfailures:\n");
        for (name, msg) in &failures {
            println!("---- {name} ----\n{msg}\n");
        }
        println!("failures:");
        for (name, _) in &failures {
            println!("    {name}");
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed; 0 ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s\n",
        if failures.is_empty() { "ok" } else { "FAILED" },
        passed.into_inner(),
        failures.len(),
        start.elapsed().as_secs_f64()
    );
    Conclusion {
        failed: failures.len(),
    }
}
