//! Differential tests: every C program in `tests/corpus/` is linked by solder and by GNU ld, in
//! each link mode, and the two executables must behave the same (stdout and exit status).
//!
//! One trial per (case, mode), named `<case>::<mode>`; filter as usual, e.g.
//! `cargo test --test differential -- tls_` or `-- ::static`.
//!
//! # Modes
//! | mode        | compile    | link          |
//! |-------------|------------|---------------|
//! | `pie`       | `-fPIE`    | `-pie`        |
//! | `nopie`     | `-fno-pie` | `-no-pie`     |
//! | `static`    | `-fno-pie` | `-static`     |
//! | `staticpie` | `-fPIE`    | `-static-pie` |
//!
//! Every compile is `gcc -c -O2 -g <mode flag> <spec cflags>` (`g++` for C++). Every case is also
//! compiled by clang (`clang-19`/`clang++-19`, same flags), trial `<case>::<mode>::clang`: LLVM
//! writes objects differently (section types, relocation choices, DWARF 5), and a linker must take
//! both. Linking always uses the gcc driver, so only the linker differs between the two builds.
//!
//! # Case layout: `tests/corpus/<case>/`
//! - `*.c`, `*.cpp` — the program; each file compiled separately (C++ by `g++`, and a case with any
//!   C++ is linked by `g++`, so libstdc++ comes in), all linked together in file-name order
//!   (cases about "first definition wins" or init order rely on it). `*.h` may sit beside them
//!   (the directory of the sources is on the include path).
//! - `lib/*.c` (optional) — compiled like the program and archived (`ar rcs`) into `libcase.a`,
//!   linked as `-L<trial dir> -lcase` after the program's objects. With `thin = true` the archive
//!   is thin (`ar rcsT`).
//! - `lib2/*.c` (optional) — a second archive, `libcase2.a`, linked after `libcase.a`. With
//!   `group = true` both archives are wrapped in `-Wl,--start-group ... -Wl,--end-group`.
//! - `so/*.c` (optional) — compiled `-fPIC` and linked by GNU ld (`gcc -shared -fuse-ld=bfd`) into
//!   `libcaseso.so`, linked as `-lcaseso -Wl,-rpath,<trial dir>`. The shared library is always
//!   built by GNU ld: only the executable link is under test. Cases with `so/` are skipped in the
//!   static modes.
//! - `spec` (optional) — `key = value` lines, `#` starts a comment line:
//!   - `sources` — the name of another case whose `*.c`/`*.cpp`, `lib/`, `lib2/` and `so/` this
//!     case compiles instead of files of its own (it must have none), with its own spec: a
//!     variant of a program linked differently (e.g. `lazy_plt_now` is `lazy_plt` with
//!     `-Wl,-z,now`). The other case's directory is then the one on the include path;
//!   - `cflags`  — extra compile flags (program, `lib/`, `lib2/` and `so/` sources);
//!   - `ldflags` — extra flags for both executable links (e.g. `-Wl,-z,now`);
//!   - `libs`    — libraries, placed last (e.g. `-lm -lpthread -ldl`);
//!   - `modes`   — comma list of modes to run (default: all four);
//!   - `thin`, `group` — see above (`true`/`false`);
//!   - `index`   — `false`: archives without a symbol index (`ar rcS`). GNU ld refuses those, so
//!     its reference link gets indexed copies of the same members (`-L<trial dir>/ref` first);
//!   - `copy`    — files of the case copied into the trial directory, with `$DIR` in them replaced
//!     by the trial directory (e.g. a linker script the link names); `$DIR` in `ldflags` is
//!     replaced too;
//!   - `compilers` — comma list of `gcc`, `clang` (default both);
//!   - `solink`  — `false`: build `libcaseso.so` but do not link it (the program `dlopen`s
//!     `./libcaseso.so`; runs happen in the trial dir);
//!   - `args`    — whitespace-separated arguments for the run;
//!   - `stdin`   — a file in the case directory fed to the program's stdin (default: empty);
//!   - `env`     — whitespace-separated `NAME=value` pairs for the run's environment;
//!   - `status`  — the exit code the program must return (default 0). Checked on the GNU ld build,
//!     so a case that misbehaves on this machine is reported as a broken case, not a linker bug.
//!
//! # A trial
//! In a fresh directory `<CARGO_TARGET_TMPDIR>/differential/<case>.<mode>/` the sources are compiled
//! once, then linked twice: `gcc -B <tool dir> ...` (the tool dir holds `ld` → solder, see
//! [`common::make_tool_dir`]) and `gcc -fuse-ld=bfd ...` (the reference). Each executable runs
//! with a 20 s timeout, `argv[0] = "prog"`, the trial directory as working directory and a fixed
//! environment (`PATH`, `LC_ALL=C` and the spec's `env`), so nothing but the link differs between
//! the two runs. A failed link, a timeout, or a difference in stdout or exit status fails the
//! trial; the message shows both outputs and the link commands. The directory is removed when the
//! trial passes and kept for inspection when it fails.
//!
//! `SOLDER_DIFF_LD=/path/to/ld` makes the tool dir's `ld` point there instead of at solder, e.g.
//! `SOLDER_DIFF_LD=/usr/bin/ld.bfd` checks that the corpus itself is deterministic.

mod common;

use common::harness::{Arguments, Failed, Trial};
use common::{
    BUILD_TIMEOUT, Mode, check_tool_dir, compare_runs, describe_status, fixed_env, in_fresh_dir,
    link_command, linker_under_test, make_tool_dir, run_link, run_ok, run_with_timeout,
    scratch_dir, truncate,
};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const RUN_TIMEOUT: Duration = Duration::from_secs(20);
/// How much of each stdout/stderr a failure message shows.
const SHOW_BYTES: usize = 3000;

/// One directory of the corpus with its parsed `spec`.
#[derive(Debug)]
struct Case {
    name: String,
    dir: PathBuf,
    /// Where the sources are: `dir`, or the directory of the case named by `sources` in the spec.
    src_dir: PathBuf,
    sources: Vec<PathBuf>,
    lib: Vec<PathBuf>,
    lib2: Vec<PathBuf>,
    so: Vec<PathBuf>,
    cflags: Vec<String>,
    ldflags: Vec<String>,
    libs: Vec<String>,
    modes: Vec<Mode>,
    thin: bool,
    group: bool,
    index: bool,
    copy: Vec<String>,
    compilers: Vec<Cc>,
    solink: bool,
    args: Vec<String>,
    stdin: Option<PathBuf>,
    env: Vec<(String, String)>,
    status: i32,
}

/// The `*.c` and `*.cpp` files directly in `dir`, sorted (empty if `dir` does not exist).
fn c_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.expect("read corpus dir").path())
            .filter(|p| p.extension().is_some_and(|e| e == "c" || e == "cpp"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn parse_bool(case: &str, key: &str, v: &str) -> Result<bool, String> {
    match v {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(format!(
            "{case}: spec `{key}` must be true or false, not {v:?}"
        )),
    }
}

impl Case {
    fn load(dir: PathBuf) -> Result<Case, String> {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let words = |v: &str| v.split_whitespace().map(String::from).collect::<Vec<_>>();
        let mut case = Case {
            sources: c_files(&dir),
            lib: c_files(&dir.join("lib")),
            lib2: c_files(&dir.join("lib2")),
            so: c_files(&dir.join("so")),
            name,
            src_dir: dir.clone(),
            dir,
            cflags: Vec::new(),
            ldflags: Vec::new(),
            libs: Vec::new(),
            modes: Mode::ALL.to_vec(),
            thin: false,
            group: false,
            index: true,
            copy: Vec::new(),
            compilers: vec![Cc::Gcc, Cc::Clang],
            solink: true,
            args: Vec::new(),
            stdin: None,
            env: Vec::new(),
            status: 0,
        };
        let spec = case.dir.join("spec");
        let text = match std::fs::read_to_string(&spec) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("{}: {e}", spec.display())),
        };
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!("{}: bad spec line {line:?}", case.name));
            };
            let (key, value) = (key.trim(), value.trim());
            match key {
                "sources" => case.use_sources_of(value)?,
                "cflags" => case.cflags = words(value),
                "ldflags" => case.ldflags = words(value),
                "libs" => case.libs = words(value),
                "args" => case.args = words(value),
                "thin" => case.thin = parse_bool(&case.name, key, value)?,
                "group" => case.group = parse_bool(&case.name, key, value)?,
                "index" => case.index = parse_bool(&case.name, key, value)?,
                "copy" => case.copy = words(value),
                "compilers" => {
                    case.compilers = value
                        .split(',')
                        .map(|c| match c.trim() {
                            "gcc" => Ok(Cc::Gcc),
                            "clang" => Ok(Cc::Clang),
                            other => Err(format!("{}: unknown compiler {other:?}", case.name)),
                        })
                        .collect::<Result<_, _>>()?
                }
                "solink" => case.solink = parse_bool(&case.name, key, value)?,
                "stdin" => case.stdin = Some(case.dir.join(value)),
                "status" => {
                    case.status = value
                        .parse()
                        .map_err(|_| format!("{}: bad status {value:?}", case.name))?
                }
                "modes" => {
                    case.modes = value
                        .split(',')
                        .map(|m| {
                            Mode::parse(m.trim())
                                .ok_or_else(|| format!("{}: unknown mode {m:?}", case.name))
                        })
                        .collect::<Result<_, _>>()?
                }
                "env" => {
                    for pair in value.split_whitespace() {
                        let (k, v) = pair
                            .split_once('=')
                            .ok_or_else(|| format!("{}: bad env {pair:?}", case.name))?;
                        case.env.push((k.to_string(), v.to_string()));
                    }
                }
                _ => return Err(format!("{}: unknown spec key {key:?}", case.name)),
            }
        }
        if case.sources.is_empty() {
            return Err(format!("{}: no .c files", case.name));
        }
        Ok(case)
    }

    /// Takes the sources of the case called `other` (spec `sources = other`).
    fn use_sources_of(&mut self, other: &str) -> Result<(), String> {
        let src_dir = self.dir.with_file_name(other);
        if other.is_empty() || other.contains('/') || other == self.name || !src_dir.is_dir() {
            return Err(format!(
                "{}: spec `sources` must name another case of the corpus, not {other:?}",
                self.name
            ));
        }
        let own = [&self.sources, &self.lib, &self.lib2, &self.so];
        if own.iter().any(|files| !files.is_empty()) {
            return Err(format!(
                "{}: has sources of its own as well as `sources = {other}`",
                self.name
            ));
        }
        self.sources = c_files(&src_dir);
        self.lib = c_files(&src_dir.join("lib"));
        self.lib2 = c_files(&src_dir.join("lib2"));
        self.so = c_files(&src_dir.join("so"));
        self.src_dir = src_dir;
        Ok(())
    }

    /// The modes this case runs in: its `modes`, minus the static ones if it needs a shared library.
    fn active_modes(&self) -> Vec<Mode> {
        let needs_so = !self.so.is_empty();
        self.modes
            .iter()
            .copied()
            .filter(|m| !(needs_so && m.is_static()))
            .collect()
    }
}

fn load_corpus() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|d| Case::load(d).unwrap_or_else(|e| panic!("corpus: {e}")))
        .collect()
}

/// Which compiler writes the objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cc {
    Gcc,
    Clang,
}

/// `gcc -c` (or clang) of `srcs` into `out_dir`, object names prefixed so that `lib/a.c` and
/// `a.c` differ.
fn compile(
    case: &Case,
    cc: Cc,
    srcs: &[PathBuf],
    flags: &[&str],
    out_dir: &Path,
    prefix: &str,
) -> Result<Vec<PathBuf>, String> {
    let mut objs = Vec::new();
    for src in srcs {
        let stem = src.file_stem().unwrap().to_string_lossy();
        let obj = out_dir.join(format!("{prefix}{stem}.o"));
        let mut cmd = Command::new(compiler_for(src, cc));
        cmd.args(["-c", "-O2", "-g"])
            .args(flags)
            .arg("-I")
            .arg(&case.src_dir)
            .arg(src)
            .arg("-o")
            .arg(&obj);
        run_ok(&mut cmd, BUILD_TIMEOUT)?;
        objs.push(obj);
    }
    Ok(objs)
}

fn is_cpp(src: &Path) -> bool {
    src.extension().is_some_and(|e| e == "cpp")
}

fn compiler_for(src: &Path, cc: Cc) -> &'static str {
    match (cc, is_cpp(src)) {
        (Cc::Gcc, false) => "gcc",
        (Cc::Gcc, true) => "g++",
        (Cc::Clang, false) => "clang-19",
        (Cc::Clang, true) => "clang++-19",
    }
}

/// The driver that links a case: `g++` when any of its sources is C++.
fn driver_for(case: &Case) -> &'static str {
    let all = case
        .sources
        .iter()
        .chain(&case.lib)
        .chain(&case.lib2)
        .chain(&case.so);
    if all.into_iter().any(|s| is_cpp(s)) {
        "g++"
    } else {
        "gcc"
    }
}

fn archive(objs: &[PathBuf], thin: bool, index: bool, out: &Path) -> Result<(), String> {
    let mut cmd = Command::new("ar");
    let flags = match (thin, index) {
        (false, true) => "rcs",
        (false, false) => "rcS",
        (true, true) => "rcsT",
        (true, false) => "rcST",
    };
    cmd.arg(flags).arg(out).args(objs);
    run_ok(&mut cmd, BUILD_TIMEOUT).map(drop)
}

/// Compiles and archives the case in `dir`; returns what both executable links share: the
/// objects, libraries and flags, in link order.
fn build_inputs(case: &Case, mode: Mode, cc: Cc, dir: &Path) -> Result<Vec<String>, String> {
    let mut flags = vec![mode.compile_flag()];
    flags.extend(case.cflags.iter().map(String::as_str));
    let subst = |s: &str| s.replace("$DIR", &dir.to_string_lossy());
    for name in &case.copy {
        let from = case.dir.join(name);
        let text =
            std::fs::read_to_string(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        std::fs::write(dir.join(name), subst(&text)).map_err(|e| format!("{name}: {e}"))?;
    }
    let mut args: Vec<String> = Vec::new();
    for obj in compile(case, cc, &case.sources, &flags, dir, "")? {
        args.push(obj.to_string_lossy().into_owned());
    }
    let mut archives = Vec::new();
    for (srcs, prefix, lib) in [(&case.lib, "lib_", "case"), (&case.lib2, "lib2_", "case2")] {
        if srcs.is_empty() {
            continue;
        }
        let objs = compile(case, cc, srcs, &flags, dir, prefix)?;
        archive(
            &objs,
            case.thin,
            case.index,
            &dir.join(format!("lib{lib}.a")),
        )?;
        if !case.index {
            let ref_dir = dir.join("ref");
            std::fs::create_dir_all(&ref_dir).map_err(|e| e.to_string())?;
            archive(&objs, case.thin, true, &ref_dir.join(format!("lib{lib}.a")))?;
        }
        archives.push(format!("-l{lib}"));
    }
    if !archives.is_empty() || !case.so.is_empty() {
        args.push(format!("-L{}", dir.display()));
    }
    if case.group {
        args.push("-Wl,--start-group".into());
        args.extend(archives);
        args.push("-Wl,--end-group".into());
    } else {
        args.extend(archives);
    }
    if !case.so.is_empty() {
        let mut so_flags: Vec<&str> = case.cflags.iter().map(String::as_str).collect();
        so_flags.push("-fPIC");
        let objs = compile(case, cc, &case.so, &so_flags, dir, "so_")?;
        let mut cmd = Command::new(driver_for(case));
        cmd.args(["-shared", "-fuse-ld=bfd", "-o"])
            .arg(dir.join("libcaseso.so"))
            .args(&objs);
        run_ok(&mut cmd, BUILD_TIMEOUT)?;
        if case.solink {
            args.push("-lcaseso".into());
        }
        args.push(format!("-Wl,-rpath,{}", dir.display()));
    }
    args.extend(case.ldflags.iter().map(|f| subst(f)));
    args.extend(case.libs.iter().cloned());
    Ok(args)
}

fn run_program(case: &Case, exe: &Path, dir: &Path) -> Result<common::Output, String> {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(exe);
    fixed_env(&mut cmd, dir)
        .arg0("prog")
        .args(&case.args)
        .envs(case.env.iter().map(|(k, v)| (k, v)));
    match &case.stdin {
        Some(path) => {
            let f = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
            cmd.stdin(Stdio::from(f));
        }
        None => {
            cmd.stdin(Stdio::null());
        }
    }
    run_with_timeout(&mut cmd, RUN_TIMEOUT)
}

fn run_trial(case: &Case, mode: Mode, cc: Cc, tool_dir: &Path) -> Result<(), Failed> {
    let suffix = if cc == Cc::Clang { ".clang" } else { "" };
    let dir =
        scratch_dir()
            .join("differential")
            .join(format!("{}.{}{suffix}", case.name, mode.name()));
    in_fresh_dir(&dir, |dir| trial_in(case, mode, cc, tool_dir, dir)).map_err(Failed::from)
}

fn trial_in(case: &Case, mode: Mode, cc: Cc, tool_dir: &Path, dir: &Path) -> Result<(), String> {
    let inputs = build_inputs(case, mode, cc, dir).map_err(|e| format!("building inputs: {e}"))?;

    let tool_flag = format!("-B{}", tool_dir.display());
    let test_exe = dir.join("prog.solder");
    let ref_exe = dir.join("prog.ref");
    let link = |linker: &str, out: &Path| {
        run_link(
            link_command(driver_for(case), linker, mode, out).args(&inputs),
            out,
        )
    };
    let test_cmd = link(&tool_flag, &test_exe).map_err(|e| format!("solder link failed: {e}"))?;
    let ref_cmd = if case.index {
        link("-fuse-ld=bfd", &ref_exe)
    } else {
        let ref_dir = format!("-L{}", dir.join("ref").display());
        run_link(
            link_command(driver_for(case), "-fuse-ld=bfd", mode, &ref_exe)
                .arg(ref_dir)
                .args(&inputs),
            &ref_exe,
        )
    }
    .map_err(|e| format!("GNU ld link failed: {e}"))?;
    let commands = format!("solder link: {test_cmd}\nGNU ld link: {ref_cmd}");

    let reference = run_program(case, &ref_exe, dir).map_err(|e| format!("GNU ld build: {e}"))?;
    if reference.status.code() != Some(case.status) {
        return Err(format!(
            "broken case: the GNU ld build ended with {}, the spec expects exit {}\n\
             --- stdout ---\n{}\n--- stderr ---\n{}\n{commands}",
            describe_status(reference.status),
            case.status,
            truncate(&reference.stdout, SHOW_BYTES),
            truncate(&reference.stderr, SHOW_BYTES),
        ));
    }
    let tested =
        run_program(case, &test_exe, dir).map_err(|e| format!("solder build: {e}\n{commands}"))?;

    match compare_runs(&tested, &reference, SHOW_BYTES) {
        None => Ok(()),
        Some(msg) => Err(format!("{msg}\n{commands}")),
    }
}

fn main() {
    let args = Arguments::from_args();
    let corpus = load_corpus();
    let tool_dir = Arc::new(make_tool_dir("differential-tools", &linker_under_test()));
    if let Err(e) = check_tool_dir(&tool_dir) {
        panic!("{e}");
    }

    let mut trials = Vec::new();
    for case in corpus.into_iter().map(Arc::new) {
        for mode in case.active_modes() {
            for &cc in &case.compilers {
                let (case, tool_dir) = (Arc::clone(&case), Arc::clone(&tool_dir));
                let name = match cc {
                    Cc::Gcc => format!("{}::{}", case.name, mode.name()),
                    Cc::Clang => format!("{}::{}::clang", case.name, mode.name()),
                };
                trials.push(Trial::test(name, move || {
                    run_trial(&case, mode, cc, &tool_dir)
                }));
            }
        }
    }
    let conclusion = common::harness::run(&args, trials);
    let _ = std::fs::remove_dir_all(&*tool_dir);
    conclusion.exit();
}
