//! Helpers shared by solder's integration tests: the link modes, where the solder binary is, a tool
//! directory that makes `gcc -B <dir>` link with it, running commands under a timeout, and showing
//! outputs.
#![allow(dead_code)] // each test binary uses a different subset

pub mod harness;

use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Compiles and links take well under a second (a few for big inputs); this only stops a hung
/// compiler or linker.
pub const BUILD_TIMEOUT: Duration = Duration::from_secs(120);

/// How an executable is built: the code model its objects are compiled for and the kind of
/// executable the link makes.
///
/// | mode        | compile    | link          |
/// |-------------|------------|---------------|
/// | `pie`       | `-fPIE`    | `-pie`        |
/// | `nopie`     | `-fno-pie` | `-no-pie`     |
/// | `static`    | `-fno-pie` | `-static`     |
/// | `staticpie` | `-fPIE`    | `-static-pie` |
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Pie,
    NoPie,
    Static,
    StaticPie,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Pie, Mode::NoPie, Mode::Static, Mode::StaticPie];

    /// `pie`, `nopie`, `static` or `staticpie`: test names, directory names and spec values.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Pie => "pie",
            Mode::NoPie => "nopie",
            Mode::Static => "static",
            Mode::StaticPie => "staticpie",
        }
    }

    /// The mode called [`Mode::name`] `s`.
    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == s)
    }

    /// Whether the objects are position-independent (`-fPIE`).
    pub fn pic(self) -> bool {
        matches!(self, Mode::Pie | Mode::StaticPie)
    }

    /// The gcc flag that compiles objects for this mode.
    pub fn compile_flag(self) -> &'static str {
        if self.pic() { "-fPIE" } else { "-fno-pie" }
    }

    /// The gcc flag that links an executable of this mode.
    pub fn link_flag(self) -> &'static str {
        match self {
            Mode::Pie => "-pie",
            Mode::NoPie => "-no-pie",
            Mode::Static => "-static",
            Mode::StaticPie => "-static-pie",
        }
    }

    /// No dynamic linking: no shared libraries, no `PT_INTERP`.
    pub fn is_static(self) -> bool {
        matches!(self, Mode::Static | Mode::StaticPie)
    }
}

/// One `#[test]` per mode, named as given, each calling `$check(Mode::...)`:
/// `common::mode_tests!(check_mode: mode_pie, mode_nopie, mode_static, mode_staticpie);`
#[allow(unused_macros)] // like the functions, not used by every test binary
macro_rules! mode_tests {
    ($check:path: $pie:ident, $nopie:ident, $static:ident, $staticpie:ident) => {
        #[test]
        fn $pie() {
            $check($crate::common::Mode::Pie);
        }

        #[test]
        fn $nopie() {
            $check($crate::common::Mode::NoPie);
        }

        #[test]
        fn $static() {
            $check($crate::common::Mode::Static);
        }

        #[test]
        fn $staticpie() {
            $check($crate::common::Mode::StaticPie);
        }
    };
}
#[allow(unused_imports)]
pub(crate) use mode_tests;

/// The solder binary Cargo built for this test run.
pub fn solder_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_solder"))
}

/// Scratch space Cargo gives integration tests (`target/tmp`).
pub fn scratch_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// The linker the tool directory should hand to gcc: `$SOLDER_DIFF_LD` when set (to validate tests
/// against another linker, e.g. `/usr/bin/ld.bfd`), otherwise solder itself.
pub fn linker_under_test() -> PathBuf {
    match std::env::var_os("SOLDER_DIFF_LD") {
        Some(ld) if !ld.is_empty() => {
            let ld = PathBuf::from(ld);
            std::path::absolute(&ld).unwrap_or(ld)
        }
        _ => solder_bin(),
    }
}

/// Makes `<scratch>/<name>-<pid>/ld`, a symlink to `linker`, and returns the directory.
///
/// `gcc -B <dir>` puts `<dir>/` first on collect2's COMPILER_PATH. Without `-fuse-ld=`, collect2
/// looks for `real-ld` and then `ld` on that path before trying PATH, so it runs `<dir>/ld`
/// (checked with `gcc -B <dir> -Wl,-v`, and at start-up by [`check_tool_dir`]). Passing
/// `-fuse-ld=...` as well would be wrong: collect2 would then look for `ld.<name>` instead.
/// The directory is per process so concurrent test runs with different linkers cannot collide.
pub fn make_tool_dir(name: &str, linker: &Path) -> PathBuf {
    let dir = scratch_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create tool dir");
    std::os::unix::fs::symlink(linker, dir.join("ld")).expect("symlink ld");
    dir
}

/// Fails unless gcc resolves `ld` to `<dir>/ld` under `-B <dir>`, so a broken lookup can never
/// silently compare GNU ld with itself.
pub fn check_tool_dir(dir: &Path) -> Result<(), String> {
    let out = Command::new("gcc")
        .arg("-B")
        .arg(dir)
        .arg("-print-prog-name=ld")
        .output()
        .map_err(|e| format!("cannot run gcc: {e}"))?;
    let got = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if Path::new(&got) == dir.join("ld") {
        Ok(())
    } else {
        Err(format!(
            "gcc -B {} resolves ld to {got:?}, not to the tool dir",
            dir.display()
        ))
    }
}

/// Like [`make_tool_dir`], but `<scratch>/<name>/<hash of the linker's path>`, reused by every
/// run with the same linker, so nothing needs removing at the end (the standard harness has no
/// hook for it). The symlink is made under a private name and renamed into place, so concurrent
/// runs never see a half-made one. The directory is checked with [`check_tool_dir`].
pub fn shared_tool_dir(name: &str, linker: &Path) -> Result<PathBuf, String> {
    let mut h = DefaultHasher::new();
    linker.hash(&mut h);
    let dir = scratch_dir()
        .join(name)
        .join(format!("{:016x}", h.finish()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let ld = dir.join("ld");
    if std::fs::read_link(&ld).ok().as_deref() != Some(linker) {
        // Private to this process and thread: two tests of one binary may get here together.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let k = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!("ld.tmp-{}-{k}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(linker, &tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &ld).map_err(|e| format!("{}: {e}", ld.display()))?;
    }
    check_tool_dir(&dir)?;
    Ok(dir)
}

/// Removes `<scratch>/<prefix><pid>` directories left by earlier runs whose process is gone
/// (plain `#[test]`s have no hook to clean up after the last test; a failed test keeps its files
/// until the next run).
pub fn remove_stale(prefix: &str) {
    let Ok(entries) = std::fs::read_dir(scratch_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(prefix) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Runs `trial` in `dir`, made fresh (emptied) first. The directory is removed when the trial
/// passes and kept for inspection when it fails; the error then says where it is.
pub fn in_fresh_dir(
    dir: &Path,
    trial: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    match trial(dir) {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(dir);
            Ok(())
        }
        Err(msg) => Err(format!("{msg}\n(trial files kept in {})", dir.display())),
    }
}

/// The start of an executable link through a compiler driver, `<driver> <linker> <mode's link
/// flag> -o <out>`; `linker` picks the linker (`-B<tool dir>` for the one under test,
/// `-fuse-ld=bfd` for GNU ld). The caller adds the inputs.
pub fn link_command(driver: &str, linker: &str, mode: Mode, out: &Path) -> Command {
    let mut cmd = Command::new(driver);
    cmd.arg(linker).arg(mode.link_flag()).arg("-o").arg(out);
    cmd
}

/// Runs a link under [`BUILD_TIMEOUT`] and returns its command line, for failure messages. A
/// failed link, or one that reports success but writes no `out`, is an error showing the status,
/// the command and what the link printed.
pub fn run_link(cmd: &mut Command, out: &Path) -> Result<String, String> {
    let shown = show_command(cmd);
    let o = run_with_timeout(cmd, BUILD_TIMEOUT)?;
    if o.success() && out.is_file() {
        return Ok(shown);
    }
    let mut msg = format!(
        "{} (output {}written)\n  command: {shown}",
        describe_status(o.status),
        if out.is_file() { "" } else { "not " },
    );
    if !o.stdout.is_empty() {
        let _ = write!(msg, "\n--- stdout ---\n{}", truncate(&o.stdout, 4000));
    }
    let _ = write!(msg, "\n--- stderr ---\n{}", truncate(&o.stderr, 4000));
    Err(msg)
}

/// Gives a test program `dir` as working directory and a fixed environment (`PATH`, `LC_ALL=C`;
/// the caller may add more), so that two runs differ only in what the caller chooses.
pub fn fixed_env<'a>(cmd: &'a mut Command, dir: &Path) -> &'a mut Command {
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C")
}

/// Splits one line of `gcc -###` output into arguments: words separated by blanks, double quotes
/// group, and inside quotes a backslash escapes the next character.
pub fn split_driver_line(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            '\\' if quoted => cur.extend(chars.next()),
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    args.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        args.push(cur);
    }
    args
}

/// The arguments gcc's driver would give the linker, read from the `gcc -###` output `text` (its
/// stderr): the words after `collect2` on collect2's line. `None` when there is no such line.
pub fn collect2_args(text: &str) -> Option<Vec<String>> {
    text.lines()
        .map(split_driver_line)
        .find(|w| w.first().is_some_and(|p| p.ends_with("/collect2")))
        .map(|w| w[1..].to_vec())
}

/// The section rows of `readelf -SW` output (`  [ 1] .interp PROGBITS ...`, not the `[Nr]`
/// header): each line with the words after its `[N]`.
pub fn readelf_section_rows(text: &str) -> impl Iterator<Item = (&str, Vec<&str>)> {
    text.lines().filter_map(|line| {
        let rest = line.trim_start().strip_prefix('[')?;
        let (nr, rest) = rest.split_once(']')?;
        nr.trim().parse::<u32>().ok()?;
        Some((line, rest.split_whitespace().collect()))
    })
}

/// What a finished (or killed) command produced.
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    pub fn success(&self) -> bool {
        self.status.success()
    }
}

unsafe extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
}
const SIGKILL: i32 = 9;

/// Runs `cmd` with stdout and stderr captured, killing it (and every process it started) if it
/// runs longer than `timeout`. A timeout is an `Err` naming the command.
/// The command gets its own process group so that gcc's children (cc1, as, collect2, ld) die too.
pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Result<Output, String> {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", show_command(cmd)))?;
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out_pipe.read_to_end(&mut buf);
        buf
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err_pipe.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if Instant::now() >= deadline => {
                // SAFETY: kill(2) on the process group we created for this child.
                unsafe { kill(-(child.id() as i32), SIGKILL) };
                let _ = child.wait();
                break Err(format!(
                    "timed out after {} s: {}",
                    timeout.as_secs(),
                    show_command(cmd)
                ));
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => break Err(format!("wait failed for {}: {e}", show_command(cmd))),
        }
    };
    // Any process left in the group would hold the pipes open; the group is ours to end.
    // SAFETY: as above; ESRCH when the group is already gone is fine.
    unsafe { kill(-(child.id() as i32), SIGKILL) };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Output {
        status: status?,
        stdout,
        stderr,
    })
}

/// Runs `cmd` under `timeout` and requires exit status 0; the error shows the command and stderr.
pub fn run_ok(cmd: &mut Command, timeout: Duration) -> Result<Output, String> {
    let out = run_with_timeout(cmd, timeout)?;
    if out.success() {
        Ok(out)
    } else {
        Err(format!(
            "command failed ({}): {}\n--- stderr ---\n{}",
            describe_status(out.status),
            show_command(cmd),
            truncate(&out.stderr, 4000)
        ))
    }
}

/// A command line as a user could paste it (arguments quoted only when needed).
pub fn show_command(cmd: &Command) -> String {
    let mut s = quote(&cmd.get_program().to_string_lossy());
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&quote(&arg.to_string_lossy()));
    }
    s
}

fn quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `exit 3` or `signal 11`, so a crash never reads as an exit code.
pub fn describe_status(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(sig)) => format!("signal {sig}"),
        _ => format!("{status}"),
    }
}

/// Same exit code, or killed by the same signal.
pub fn same_status(a: ExitStatus, b: ExitStatus) -> bool {
    a.code() == b.code() && a.signal() == b.signal()
}

/// Text of `bytes` cut to about `max` bytes, saying how much was left out.
pub fn truncate(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.len() <= max {
        return text.into_owned();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}\n[... {} more bytes]", &text[..cut], text.len() - cut)
}

/// Describes how two program outputs differ: the first differing line, then both outputs
/// (each truncated to `max` bytes). `None` when they are equal.
pub fn diff_outputs(name_a: &str, a: &[u8], name_b: &str, b: &[u8], max: usize) -> Option<String> {
    if a == b {
        return None;
    }
    let (ta, tb) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let mut msg = String::new();
    let mut la = ta.lines();
    let mut lb = tb.lines();
    for n in 1.. {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (None, None) => {
                msg.push_str("outputs differ only in line endings\n");
                break;
            }
            (x, y) => {
                let _ = writeln!(
                    msg,
                    "first difference at line {n}:\n  {name_a}: {}\n  {name_b}: {}",
                    x.map_or("<end of output>".to_string(), |s| format!("{s:?}")),
                    y.map_or("<end of output>".to_string(), |s| format!("{s:?}")),
                );
                break;
            }
        }
    }
    let _ = write!(
        msg,
        "--- {name_a} stdout ---\n{}\n--- {name_b} stdout ---\n{}",
        truncate(a, max),
        truncate(b, max)
    );
    Some(msg)
}

/// Compares a run of the solder build with a run of the GNU ld build of the same program: `None`
/// when stdout and the exit status are the same, otherwise what differs, the stdouts (each cut to
/// `max` bytes) and whatever either build wrote to stderr.
pub fn compare_runs(tested: &Output, reference: &Output, max: usize) -> Option<String> {
    let stdout_diff = diff_outputs("solder", &tested.stdout, "GNU ld", &reference.stdout, max);
    let status_same = same_status(tested.status, reference.status);
    if stdout_diff.is_none() && status_same {
        return None;
    }
    let mut msg = format!(
        "{}: solder build {}, GNU ld build {}\n",
        if status_same {
            "stdout differs"
        } else {
            "status differs"
        },
        describe_status(tested.status),
        describe_status(reference.status)
    );
    match stdout_diff {
        Some(diff) => msg.push_str(&diff),
        None => {
            let _ = write!(
                msg,
                "--- stdout (same for both) ---\n{}",
                truncate(&tested.stdout, max)
            );
        }
    }
    for (who, out) in [("solder", tested), ("GNU ld", reference)] {
        if !out.stderr.is_empty() {
            let _ = write!(
                msg,
                "\n--- {who} build stderr ---\n{}",
                truncate(&out.stderr, max)
            );
        }
    }
    Some(msg)
}

/// `cargo fetch` may download.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(300);

/// The cargo running this test (or the one that built it).
pub fn cargo() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO")))
}

/// Downloads the packages of a fetch-only manifest (a tiny Cargo package of the tests' own, with a
/// committed `Cargo.lock`, whose dependencies ship C sources) with `cargo fetch`, and returns the
/// directory of its dependency `krate`, found through `cargo metadata`. Neither command builds
/// anything, so a test never touches solder's target directory or its build lock.
pub fn fetch_crate(manifest: &Path, krate: &str) -> Result<PathBuf, String> {
    let mut fetch = Command::new(cargo());
    fetch
        .args(["fetch", "--locked", "--manifest-path"])
        .arg(manifest);
    run_ok(&mut fetch, FETCH_TIMEOUT)?;
    let mut metadata = Command::new(cargo());
    metadata
        .args([
            "metadata",
            "--locked",
            "--offline",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(manifest);
    let out = run_ok(&mut metadata, FETCH_TIMEOUT)?;
    let json =
        String::from_utf8(out.stdout).map_err(|_| "cargo metadata: not UTF-8".to_string())?;
    // The JSON has one "manifest_path" per package (and none elsewhere); no JSON parser needed.
    let prefix = format!("{krate}-");
    let dirs: Vec<PathBuf> = json
        .split("\"manifest_path\":\"")
        .skip(1)
        .filter_map(json_string_prefix)
        .filter_map(|m| Some(Path::new(&m).parent()?.to_path_buf()))
        .filter(|d| {
            d.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .collect();
    match dirs.as_slice() {
        [dir] => Ok(dir.clone()),
        _ => Err(format!(
            "expected one {krate} package in `{}`, found {dirs:?}",
            show_command(&metadata)
        )),
    }
}

/// The JSON string that `s` starts with (its opening quote already consumed), unescaped.
fn json_string_prefix(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = s.chars();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                c @ ('"' | '\\' | '/') => out.push(c),
                _ => return None, // not in any path cargo writes here
            },
            c => out.push(c),
        }
    }
}

/// Whether `file` was linked by solder (its `.comment` names it).
pub fn linked_by_solder(file: &Path) -> bool {
    Command::new("readelf")
        .args(["-p", ".comment"])
        .arg(file)
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("solder"))
}
