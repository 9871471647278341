//! Fuzzing: mutants of real objects, archives, a shared library and a linker script are linked by
//! solder, which must never panic, crash, hang, fail without naming the file at fault, or leave an
//! output behind after failing.
//!
//! Trials:
//! - `regression::<name>`: every reproducer in `tests/fuzz/regressions/<name>/` (its `args`, run in
//!   a copy of the directory) must now link or fail cleanly.
//! - `seeded`: a fixed number of mutants from a fixed seed (`SOLDER_FUZZ_ITERS`, default 3000;
//!   `SOLDER_FUZZ_SEED`), the CI budget.
//!
//! `scripts/fuzz.sh SECONDS` runs the same loop for as long as asked, from a random seed, saving
//! each new finding, minimised, under `target/fuzz-findings/` (`SOLDER_FUZZ_FINDINGS`); copy a
//! finding's directory into `tests/fuzz/regressions/` once it is fixed.
//!
//! The solder under test is the one Cargo built for the tests: a dev build, so arithmetic overflow
//! panics instead of wrapping silently, and such bugs are found too.

#[path = "common/mod.rs"]
mod common;
#[path = "fuzz/corpus.rs"]
mod corpus;
#[path = "fuzz/mutate.rs"]
mod mutate;

use common::harness::{Arguments, Failed, Trial};
use common::{Output, describe_status, run_with_timeout, scratch_dir, solder_bin};
use corpus::{Kind, Scenario};
use mutate::{Mutation, Rng};
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A link that takes longer than this on these small inputs is a hang.
const HANG: Duration = Duration::from_secs(10);

fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/regressions")
}

/// Words of GNU ld's script language, for script mutants.
const SCRIPT_WORDS: &[&str] = &[
    "GROUP",
    "INPUT",
    "AS_NEEDED",
    "OUTPUT_FORMAT",
    "OUTPUT_ARCH",
    "SEARCH_DIR",
    "ENTRY",
    "SECTIONS",
    "(",
    ")",
    "{",
    "}",
    ";",
    ",",
    "=",
    "-lc",
    "-l",
    "libf.a",
    "/",
    "\"",
    "libs.so",
    "=/x",
    "/*",
    "*/",
    "extern",
    "\"C++\"",
    "global:",
    "local:",
    "*",
    "[",
    "]",
    "?",
    "#",
    "V1",
    "fuzz_main",
];

/// What went wrong, as a stable signature (to count each bug once) and the details.
struct Finding {
    signature: String,
    detail: String,
}

/// Judges one link of a mutant of `target`.
fn judge(o: &Result<Output, String>, dir: &Path, target: &str) -> Option<Finding> {
    let finding = |signature: String, detail: String| Some(Finding { signature, detail });
    let o = match o {
        Ok(o) => o,
        Err(e) if e.contains("timed out") => return finding("hang".into(), e.clone()),
        Err(e) => return finding("cannot run".into(), e.clone()),
    };
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let leftovers: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".solder-") || (n == "out" && !o.status.success()))
                .collect()
        })
        .unwrap_or_default();
    if let Some(sig) = o.status.signal() {
        return finding(format!("signal {sig}"), stderr);
    }
    if let Some(p) = stderr.find("panicked at ") {
        let at: String = stderr[p + 12..].chars().take_while(|&c| c != ':').collect();
        let line: String = stderr[p + 12 + at.len()..]
            .chars()
            .skip(1)
            .take_while(|c| c.is_ascii_digit())
            .collect();
        return finding(format!("panic at {at}:{line}"), stderr);
    }
    if !leftovers.is_empty() {
        return finding(
            "output left behind".into(),
            format!("{leftovers:?}\n{stderr}"),
        );
    }
    match o.status.code() {
        Some(0) => None,
        Some(1) => {
            let named = stderr.contains(target);
            // Reports about symbols name the files involved on their own lines; a mutant can
            // legitimately break another file's references.
            let about_symbols = [
                "undefined symbol",
                "undefined reference to",
                "duplicate symbol",
                "cannot find entry symbol",
                "out of range: ",
            ]
            .iter()
            .any(|m| stderr.contains(m));
            if named || about_symbols {
                None
            } else {
                let first = stderr
                    .lines()
                    .find(|l| l.contains("error:"))
                    .unwrap_or("")
                    .to_string();
                // Names, numbers and quoted words vary between mutants of one bug: the signature
                // keeps only the plain words of the message.
                let sig: Vec<&str> = first
                    .split_whitespace()
                    .filter(|w| w.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
                    .collect();
                let sig = sig.join(" ");
                finding(format!("error not naming the file: {sig}"), stderr)
            }
        }
        _ => finding(format!("exit {}", describe_status(o.status)), stderr),
    }
}

/// One worker's copy of the corpus, where mutants replace one file at a time.
struct Workdir {
    dir: PathBuf,
    corpus: PathBuf,
}

impl Workdir {
    fn new(corpus: &Path, dir: PathBuf) -> Result<Workdir, String> {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        for e in std::fs::read_dir(corpus)
            .map_err(|e| e.to_string())?
            .flatten()
        {
            std::fs::copy(e.path(), dir.join(e.file_name())).map_err(|e| e.to_string())?;
        }
        Ok(Workdir {
            dir,
            corpus: corpus.to_path_buf(),
        })
    }

    /// Links with `target` replaced by `data`; restores it afterwards.
    fn link(&self, args: &[String], target: &str, data: &[u8]) -> Result<Output, String> {
        let path = self.dir.join(target);
        std::fs::write(&path, data).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_file(self.dir.join("out"));
        // A link killed for hanging cannot clean up after itself; what it left is not this one's.
        if let Ok(rd) = std::fs::read_dir(&self.dir) {
            for e in rd.flatten() {
                if e.file_name().to_string_lossy().contains(".solder-") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        // Through `env --chdir`: a test binary linked statically (as `.cargo/config.toml` links
        // everything here) cannot `posix_spawn` into another directory, and a `fork` of this
        // process for every mutant made fuzzing 28% slower.
        let mut cmd = Command::new("env");
        cmd.arg("--chdir")
            .arg(&self.dir)
            .arg(solder_bin())
            .args(args)
            .args(["-o", "out"]);
        let r = run_with_timeout(&mut cmd, HANG);
        std::fs::copy(self.corpus.join(target), &path).map_err(|e| e.to_string())?;
        r
    }
}

/// A mutant: a scenario, the file mutated, the mutations in order, extra options.
#[derive(Clone)]
struct Mutant {
    scenario: usize,
    target: usize,
    mutations: Vec<Mutation>,
    extra: Vec<String>,
}

fn make_mutant(rng: &mut Rng, scenarios: &[Scenario], corpus: &Path) -> Mutant {
    let scenario = rng.below(scenarios.len());
    let sc = &scenarios[scenario];
    let target = rng.below(sc.targets.len());
    let seed = &sc.targets[target];
    let mut data = std::fs::read(corpus.join(&seed.name)).unwrap_or_default();
    let count = *rng.pick(&[1, 1, 1, 2, 2, 3, 4, 6]);
    let mut mutations = Vec::new();
    for _ in 0..count {
        let m = match seed.kind {
            Kind::Elf => {
                let mut fields = Vec::new();
                mutate::elf_fields(&data, 0, &mut fields);
                mutate::mutate_fields(rng, &data, &fields)
            }
            Kind::Archive => mutate::mutate_archive(rng, &data),
            Kind::Script => mutate::mutate_text(rng, &data, SCRIPT_WORDS),
        };
        mutate::apply(&mut data, &m);
        mutations.push(m);
    }
    let mut extra = Vec::new();
    if rng.chance(3) {
        for _ in 0..1 + rng.below(2) {
            extra.push(rng.pick(corpus::EXTRA_FLAGS).to_string());
        }
    }
    Mutant {
        scenario,
        target,
        mutations,
        extra,
    }
}

fn mutant_bytes(corpus: &Path, name: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut data = std::fs::read(corpus.join(name)).unwrap_or_default();
    for m in mutations {
        mutate::apply(&mut data, m);
    }
    data
}

fn run_mutant(w: &Workdir, scenarios: &[Scenario], m: &Mutant) -> (Result<Output, String>, String) {
    let sc = &scenarios[m.scenario];
    let name = sc.targets[m.target].name.clone();
    let data = mutant_bytes(&w.corpus, &name, &m.mutations);
    let mut args = sc.args.clone();
    args.extend(m.extra.iter().cloned());
    (w.link(&args, &name, &data), name)
}

/// Drops mutations and options while the same finding remains.
fn minimise(w: &Workdir, scenarios: &[Scenario], m: &Mutant, signature: &str) -> Mutant {
    let mut best = m.clone();
    let still = |cand: &Mutant| {
        let (o, name) = run_mutant(w, scenarios, cand);
        judge(&o, &w.dir, &name).is_some_and(|f| f.signature == signature)
    };
    loop {
        let mut changed = false;
        for i in (0..best.mutations.len()).rev() {
            if best.mutations.len() == 1 {
                break;
            }
            let mut c = best.clone();
            c.mutations.remove(i);
            if still(&c) {
                best = c;
                changed = true;
            }
        }
        for i in (0..best.extra.len()).rev() {
            let mut c = best.clone();
            c.extra.remove(i);
            if still(&c) {
                best = c;
                changed = true;
            }
        }
        if !changed {
            return best;
        }
    }
}

/// Saves a minimised finding as a directory: the mutated file, `args` (the link's arguments; the
/// other inputs come from the corpus), `target` (the mutated file's name) and a description.
fn save(
    dest: &Path,
    w: &Workdir,
    scenarios: &[Scenario],
    m: &Mutant,
    f: &Finding,
) -> Result<PathBuf, String> {
    let slug: String = f
        .signature
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .take(10)
        .collect::<Vec<_>>()
        .join("_");
    let sc = &scenarios[m.scenario];
    let dir = dest.join(format!("{}-{}", sc.name, slug));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let name = &sc.targets[m.target].name;
    std::fs::write(dir.join(name), mutant_bytes(&w.corpus, name, &m.mutations))
        .map_err(|e| e.to_string())?;
    let mut args = sc.args.clone();
    args.extend(m.extra.iter().cloned());
    std::fs::write(dir.join("args"), args.join("\n") + "\n").map_err(|e| e.to_string())?;
    std::fs::write(dir.join("target"), format!("{name}\n")).map_err(|e| e.to_string())?;
    let muts: Vec<String> = m
        .mutations
        .iter()
        .map(|x| format!("  {name}: {x}"))
        .collect();
    std::fs::write(
        dir.join("finding.txt"),
        format!(
            "{}\nscenario {}\nmutations:\n{}\n--- stderr ---\n{}",
            f.signature,
            sc.name,
            muts.join("\n"),
            f.detail
        ),
    )
    .map_err(|e| e.to_string())?;
    Ok(dir)
}

struct Stats {
    execs: AtomicU64,
    findings: Mutex<BTreeMap<String, (u64, Option<PathBuf>)>>,
}

/// Runs mutants `0..iters` (or until `deadline`) from `seed` on every CPU; returns the statistics.
fn fuzz(
    corpus: &Path,
    seed: u64,
    iters: Option<u64>,
    deadline: Option<Instant>,
    save_to: Option<&Path>,
) -> Result<Stats, String> {
    let scenarios = corpus::scenarios()?;
    let stats = Stats {
        execs: AtomicU64::new(0),
        findings: Mutex::new(BTreeMap::new()),
    };
    let next = AtomicU64::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let errors = Mutex::new(Vec::new());
    let done = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for wi in 0..workers {
            let (stats, next, scenarios, errors, done) =
                (&stats, &next, &scenarios, &errors, &done);
            s.spawn(move || {
                let w = match Workdir::new(
                    corpus,
                    scratch_dir().join(format!("fuzz-work-{}-{wi}", std::process::id())),
                ) {
                    Ok(w) => w,
                    Err(e) => return errors.lock().unwrap().push(e),
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if iters.is_some_and(|n| i >= n)
                        || deadline.is_some_and(|d| Instant::now() >= d)
                    {
                        break;
                    }
                    // Each mutant depends only on the seed and its number, not on the worker.
                    let mut rng = Rng::new(seed ^ i.wrapping_mul(0x2545_f491_4f6c_dd1d));
                    let m = make_mutant(&mut rng, scenarios, corpus);
                    let (o, name) = run_mutant(&w, scenarios, &m);
                    stats.execs.fetch_add(1, Ordering::Relaxed);
                    let Some(f) = judge(&o, &w.dir, &name) else {
                        continue;
                    };
                    let sig = f.signature.clone();
                    let new = {
                        let mut map = stats.findings.lock().unwrap();
                        let e = map.entry(f.signature.clone()).or_insert((0, None));
                        e.0 += 1;
                        e.0 == 1
                    };
                    if new {
                        let small = minimise(&w, scenarios, &m, &f.signature);
                        let (o2, n2) = run_mutant(&w, scenarios, &small);
                        let f2 = judge(&o2, &w.dir, &n2).unwrap_or(f);
                        let saved = match save_to {
                            Some(dest) => save(dest, &w, scenarios, &small, &f2).ok(),
                            None => None,
                        };
                        let shown = saved
                            .as_ref()
                            .map_or(String::new(), |p| format!(" (saved in {})", p.display()));
                        eprintln!(
                            "fuzz: finding #{} after {} mutants: {}{shown}",
                            stats.findings.lock().unwrap().len(),
                            i,
                            f2.signature
                        );
                        if save_to.is_none() {
                            let sc = &scenarios[small.scenario];
                            let muts: Vec<String> =
                                small.mutations.iter().map(|x| x.to_string()).collect();
                            eprintln!(
                                "  scenario {} target {} mutations {muts:?} extra {:?}\n{}",
                                sc.name,
                                n2,
                                small.extra,
                                common::truncate(f2.detail.as_bytes(), 1500)
                            );
                        }
                        stats.findings.lock().unwrap().get_mut(&sig).unwrap().1 = saved;
                    }
                }
                let _ = std::fs::remove_dir_all(&w.dir);
                done.fetch_add(1, Ordering::Relaxed);
            });
        }
    });
    let errors = errors.into_inner().unwrap();
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    Ok(stats)
}

/// The corpus, built once per test run and shared by every trial.
fn corpus_dir() -> Result<PathBuf, String> {
    static CORPUS: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    CORPUS
        .get_or_init(|| {
            let dir = keep_corpus().unwrap_or_else(|| {
                scratch_dir().join(format!("fuzz-corpus-{}", std::process::id()))
            });
            corpus::build(&dir)?;
            Ok(dir)
        })
        .clone()
}

/// `SOLDER_FUZZ_CORPUS=DIR` builds the corpus there and keeps it, to replay a finding by hand:
/// copy the corpus, put the finding's file over its original, and run solder with its `args`.
fn keep_corpus() -> Option<PathBuf> {
    std::env::var_os("SOLDER_FUZZ_CORPUS").map(PathBuf::from)
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn seeded(corpus: &Path) -> Result<(), Failed> {
    let seed = env_u64("SOLDER_FUZZ_SEED").unwrap_or(0x5eed_501d);
    let secs = env_u64("SOLDER_FUZZ_SECONDS");
    let iters = if secs.is_some() {
        env_u64("SOLDER_FUZZ_ITERS")
    } else {
        Some(env_u64("SOLDER_FUZZ_ITERS").unwrap_or(3000))
    };
    let deadline = secs.map(|s| Instant::now() + Duration::from_secs(s));
    let save_to = std::env::var_os("SOLDER_FUZZ_FINDINGS").map(PathBuf::from);
    let start = Instant::now();
    let stats = fuzz(corpus, seed, iters, deadline, save_to.as_deref())?;
    let execs = stats.execs.load(Ordering::Relaxed);
    let findings = stats.findings.into_inner().unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    eprintln!(
        "fuzz: seed {seed:#x}: {execs} mutants in {elapsed:.0} s ({:.0}/s), {} distinct findings",
        execs as f64 / elapsed,
        findings.len()
    );
    for (sig, (n, saved)) in &findings {
        eprintln!(
            "  {n:>6} x {sig}{}",
            saved
                .as_ref()
                .map_or(String::new(), |p| format!(" -> {}", p.display()))
        );
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(format!("{} distinct findings (see above)", findings.len()).into())
    }
}

/// Replays one saved reproducer: the corpus, with its mutated file in place of the original.
fn regression(corpus: &Path, dir: &Path) -> Result<(), Failed> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let w = Workdir::new(
        corpus,
        scratch_dir().join(format!("fuzz-regression-{}-{name}", std::process::id())),
    )?;
    let args: Vec<String> = std::fs::read_to_string(dir.join("args"))?
        .lines()
        .map(String::from)
        .collect();
    let target = std::fs::read_to_string(dir.join("target"))?
        .trim()
        .to_string();
    let data = std::fs::read(dir.join(&target))?;
    let o = w.link(&args, &target, &data);
    let verdict = judge(&o, &w.dir, &target);
    let _ = std::fs::remove_dir_all(&w.dir);
    match verdict {
        None => Ok(()),
        Some(f) => Err(format!("{}\n{}", f.signature, f.detail).into()),
    }
}

fn main() {
    let args = Arguments::from_args();
    common::remove_stale("fuzz-corpus-");
    let mut trials = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(regressions_dir())
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    for d in dirs {
        let name = d.file_name().unwrap().to_string_lossy().into_owned();
        trials.push(Trial::test(format!("regression::{name}"), move || {
            regression(&corpus_dir()?, &d)
        }));
    }
    trials.push(Trial::test("seeded", || seeded(&corpus_dir()?)));
    let conclusion = common::harness::run(&args, trials);
    if let (Ok(dir), None) = (corpus_dir(), keep_corpus()) {
        let _ = std::fs::remove_dir_all(dir);
    }
    conclusion.exit();
}
