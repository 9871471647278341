//! Debugging a solder-linked program with gdb: breakpoints by file:line, locals, a backtrace
//! through both source files, `finish`, types, source listing and thread-local variables.
//!
//! `tests/gdb/main.c` and `tests/gdb/shapes.c` are compiled `-g -O0` and linked with solder
//! (`gcc -B <tool dir>`, see [`common::linker_under_test`]) and with GNU ld (`-fuse-ld=bfd`) in
//! each mode (`pie`, `nopie`, `static`, `staticpie`, compiled `-fPIE`/`-fno-pie` as in
//! `tests/differential.rs`). gdb runs each executable in batch mode with one fixed list of
//! commands; every command is preceded by `echo @@ <command>` so its output can be told apart.
//!
//! Checked, for both links, line by line within each command's output:
//! - each conditional breakpoint is hit in the right function at the right `file:line`, and gdb
//!   shows the right source line (found in the sources by `BREAK:`/`CALL:`/`FUNC:` markers);
//! - `print` of locals, arguments, a struct through a pointer, globals and (in the dynamic modes)
//!   a global and a `static __thread` variable gives the values the program computed;
//! - `bt` names `measure_side` (main.c), `walk_shape` (shapes.c) and `main` (main.c) with their
//!   arguments and call-site lines; `finish` returns through the unwinder with the return value;
//! - `info line`, `ptype struct shape`, `list` and `print &global` agree with the sources;
//! - the program then runs to a normal exit.
//!
//! The GNU ld transcript is checked first: if it fails, the test (or gdb on this machine) is
//! what is wrong, and the message says so. Then the solder transcript must pass the same checks
//! and, after addresses and process ids are masked, equal the GNU ld transcript line for line.
//!
//! Thread-local variables are printed only in the dynamic modes: gdb 13 on this machine cannot
//! read TLS in a static executable even when GNU ld links it ("Cannot find thread-local variables
//! on this target": there is no libthread_db for a static program).
//!
//! `SOLDER_DIFF_LD=/usr/bin/ld.bfd` runs the test with GNU ld in solder's place.

mod common;

use common::{
    BUILD_TIMEOUT, Mode, describe_status, fixed_env, in_fresh_dir, link_command, linker_under_test,
    run_link, run_ok, run_with_timeout, scratch_dir, shared_tool_dir, show_command, truncate,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// gdb needs about a second; this only stops a hung debugger or program.
const GDB_TIMEOUT: Duration = Duration::from_secs(120);
const SHOW_BYTES: usize = 8000;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gdb")
}

/// The tool dir, made once per test process (see [`common::shared_tool_dir`]).
fn tool_dir() -> &'static Path {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match DIR.get_or_init(|| shared_tool_dir("gdb-tools", &linker_under_test())) {
        Ok(dir) => dir,
        Err(e) => panic!("tool dir: {e}"),
    }
}

/// A source line found by its marker comment (`/* BREAK:measure */`): its number and its text.
struct Marked {
    file: &'static str,
    line: usize,
    text: String,
}

fn marked(file: &'static str, marker: &str) -> Marked {
    let path = src_dir().join(file);
    let source =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let needle = format!("/* {marker} */");
    let found: Vec<(usize, &str)> = source
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(&needle))
        .collect();
    match found.as_slice() {
        [(n, text)] => Marked {
            file,
            line: n + 1,
            text: text.to_string(),
        },
        _ => panic!("{}: want exactly one line with {needle}", path.display()),
    }
}

impl Marked {
    /// `main.c:14`, as a breakpoint location.
    fn loc(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// `/abs/tests/gdb/main.c:14`, as gdb prints frames.
    fn at(&self) -> String {
        format!("{}/{}:{}", src_dir().display(), self.file, self.line)
    }

    /// The line as gdb shows it when it stops there: `14\t<text>`.
    fn shown(&self) -> String {
        format!("{}\t{}", self.line, self.text)
    }
}

/// gdb commands, each with the lines its output must contain.
struct Session {
    commands: Vec<(String, Vec<String>)>,
    /// gdb's value history number of the next `print`.
    history: usize,
}

impl Session {
    fn cmd(&mut self, command: impl Into<String>, expect: &[String]) {
        self.commands.push((command.into(), expect.to_vec()));
    }

    /// `print expr`, which must show `$<n> = value`.
    fn print(&mut self, expr: &str, value: &str) {
        self.history += 1;
        let line = format!("${} = {value}", self.history);
        self.cmd(format!("print {expr}"), &[line]);
    }

    /// A command whose output includes `$<n> = value` in some line (`finish`).
    fn with_value(&mut self, command: &str, mut expect: Vec<String>, value: &str) {
        self.history += 1;
        expect.push(format!("Value returned is ${} = {value}", self.history));
        self.cmd(command, &expect);
    }

    fn gdb_args(&self) -> Vec<String> {
        let mut args: Vec<String> = ["-batch", "-nx", "-iex", "set debuginfod enabled off"]
            .map(String::from)
            .to_vec();
        for (command, _) in &self.commands {
            args.push("-ex".into());
            args.push(format!("echo {MARK}{command}\\n"));
            args.push("-ex".into());
            args.push(command.clone());
        }
        args
    }
}

/// Starts each command's part of the transcript.
const MARK: &str = "@@ ";

/// The session every mode runs; `tls` adds the thread-local prints.
fn session(tls: bool) -> Session {
    let measure = marked("main.c", "BREAK:measure");
    let end = marked("main.c", "BREAK:end");
    let call_walk = marked("main.c", "CALL:walk");
    let func_measure = marked("main.c", "FUNC:measure_side");
    let walk = marked("shapes.c", "BREAK:walk");
    let call_visit = marked("shapes.c", "CALL:visit");
    let dir = src_dir().display().to_string();

    let measure_frame = "measure_side (s=0x?, side=1)";
    let walk_frame = "walk_shape (s=0x?, visit=0x? <measure_side>)";
    let main_frame = "main (argc=1, argv=0x?)";

    let mut s = Session {
        commands: Vec::new(),
        history: 0,
    };
    s.cmd(
        format!("break {} if side == 1", measure.loc()),
        &[format!(
            "Breakpoint 1 at 0x?: file {dir}/main.c, line {}.",
            measure.line
        )],
    );
    s.cmd(
        format!("break {} if side == 2", walk.loc()),
        &[format!(
            "Breakpoint 2 at 0x?: file {dir}/shapes.c, line {}.",
            walk.line
        )],
    );
    s.cmd(
        format!("break {}", end.loc()),
        &[format!(
            "Breakpoint 3 at 0x?: file {dir}/main.c, line {}.",
            end.line
        )],
    );

    // Stop 1: in main.c's callback, called from shapes.c, called from main.c.
    s.cmd(
        "run",
        &[
            format!("Breakpoint 1, {measure_frame} at {}", measure.at()),
            measure.shown(),
        ],
    );
    s.print("length", "20");
    s.print("side", "1");
    s.print(
        "*s",
        "{name = 0x? \"triangle\", corner = {x = 5, y = 10}, sides = 3, scale = 1.5}",
    );
    s.print("s->corner.x * 100 + s->sides", "503");
    s.print("global_counter", "9");
    if tls {
        s.print("tls_counter", "1035");
        s.print("tls_local", "78");
    }
    s.cmd(
        "bt",
        &[
            format!("#0  {measure_frame} at {}", measure.at()),
            format!("#1  0x? in {walk_frame} at {}", call_visit.at()),
            format!("#2  0x? in {main_frame} at {}", call_walk.at()),
        ],
    );
    // (In batch mode gdb does not print "Run till exit from ...".)
    s.with_value(
        "finish",
        vec![
            format!("0x? in {walk_frame} at {}", call_visit.at()),
            call_visit.shown(),
        ],
        "20",
    );
    s.print("total", "15");

    // Stop 2: in shapes.c.
    s.cmd(
        "continue",
        &[
            format!("Breakpoint 2, {walk_frame} at {}", walk.at()),
            walk.shown(),
        ],
    );
    s.print("got", "25");
    s.print("total", "35");
    s.print("side", "2");
    s.cmd(
        "bt",
        &[
            format!("#0  {walk_frame} at {}", walk.at()),
            format!("#1  0x? in {main_frame} at {}", call_walk.at()),
        ],
    );
    s.cmd(
        "up",
        &[
            format!("#1  0x? in {main_frame} at {}", call_walk.at()),
            call_walk.shown(),
        ],
    );
    s.print("tri.sides", "3");

    // Stop 3: back in main.c, after the walk.
    s.cmd(
        "continue",
        &[
            format!("Breakpoint 3, {main_frame} at {}", end.at()),
            end.shown(),
        ],
    );
    s.print("perimeter", "60");
    s.print("tri.name", "0x? \"triangle\"");
    s.print("global_counter", "10");
    s.print("&global_counter", "(int *) 0x? <global_counter>");
    s.print(
        "measure_side",
        "{int (const struct shape *, int)} 0x? <measure_side>",
    );
    if tls {
        s.print("tls_counter", "1060");
        s.print("tls_local", "80");
    }

    // Static information: line table, types, source lookup.
    s.cmd(
        format!("info line {}", walk.loc()),
        &[format!(
            "Line {} of \"{dir}/shapes.c\" starts at address 0x? <walk_shape+?> and ends at 0x? <walk_shape+?>.",
            walk.line
        )],
    );
    s.cmd(
        "info line measure_side",
        &[format!(
            "Line {} of \"{dir}/main.c\" starts at address 0x? <measure_side> and ends at 0x? <measure_side+?>.",
            func_measure.line
        )],
    );
    s.cmd(
        "ptype struct shape",
        &[
            "type = struct shape {",
            "    const char *name;",
            "    struct point corner;",
            "    int sides;",
            "    double scale;",
            "}",
        ]
        .map(String::from),
    );
    s.cmd(
        format!("list {},{}", walk.loc(), walk.line),
        &[walk.shown()],
    );

    s.cmd(
        "continue",
        &[
            "triangle perimeter 60 tls 1060 80 global 10".to_string(),
            "[Inferior 1 (process ?) exited normally]".to_string(),
        ],
    );
    s
}

/// Masks what legitimately differs between two links and two runs: addresses (`0x55...` →
/// `0x?`), offsets into functions (`<f+12>` → `<f+?>`) and process ids (`process ?`).
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("0x") && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit) {
            out.push_str("0x?");
            i += 2;
            while b.get(i).is_some_and(u8::is_ascii_hexdigit) {
                i += 1;
            }
        } else if rest.starts_with("process ") && b.get(i + 8).is_some_and(u8::is_ascii_digit) {
            out.push_str("process ?");
            i += 8;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        } else if b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let mut j = i + 1;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            if b.get(j) == Some(&b'>') {
                out.push_str("+?");
                i = j;
            } else {
                out.push('+');
                i += 1;
            }
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Splits a normalised transcript into each command's output, in order.
fn split(transcript: &str) -> Vec<(String, Vec<String>)> {
    let mut parts: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
    for line in transcript.lines() {
        match line.strip_prefix(MARK) {
            Some(command) => parts.push((command.to_string(), Vec::new())),
            None => parts.last_mut().unwrap().1.push(line.to_string()),
        }
    }
    parts
}

/// Every problem with one transcript: a command whose output is missing, an expected line
/// missing from its command's output. Empty when the transcript is right.
fn check_transcript(session: &Session, transcript: &str) -> Vec<String> {
    let parts = split(transcript);
    let mut problems = Vec::new();
    // parts[0] is what gdb printed before the first command (nothing, normally).
    let mut outputs = parts.iter().skip(1);
    for (command, expect) in &session.commands {
        let Some((got_command, lines)) = outputs.next() else {
            problems.push(format!(
                "no output at all for `{command}` (gdb stopped early?)"
            ));
            break;
        };
        // The marker echoes the command with `\n` turned into a newline; compare normalised.
        if *got_command != normalize(command) {
            problems.push(format!(
                "expected the output of `{command}`, found that of `{got_command}`"
            ));
            break;
        }
        for want in expect {
            if !lines.iter().any(|l| l == want) {
                problems.push(format!(
                    "`{command}` should print the line\n      {want}\n    but printed:\n{}",
                    if lines.is_empty() {
                        "      (nothing)".to_string()
                    } else {
                        lines
                            .iter()
                            .map(|l| format!("      {l}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    }
                ));
            }
        }
    }
    problems
}

/// Compiles both sources for `mode` into `dir`; returns the objects.
fn compile(mode: Mode, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut objs = Vec::new();
    for file in ["main.c", "shapes.c"] {
        let obj = dir.join(file.replace(".c", ".o"));
        let mut cmd = Command::new("gcc");
        cmd.args(["-c", "-g", "-O0", "-Wall", "-Werror"])
            .arg(mode.compile_flag())
            .arg(src_dir().join(file))
            .arg("-o")
            .arg(&obj);
        run_ok(&mut cmd, BUILD_TIMEOUT)?;
        objs.push(obj);
    }
    Ok(objs)
}

/// Runs gdb on `exe` with the session's commands and checks its transcript (stdout and stderr
/// interleaved as gdb wrote them, through `sh -c 'exec gdb ... 2>&1'`). Returns the normalised
/// transcript, or every problem found with it. The raw transcript is kept as `<exe>.gdb.txt`.
fn examine(session: &Session, exe: &Path, dir: &Path) -> Result<String, String> {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg("exec \"$0\" \"$@\" 2>&1")
        .arg("gdb")
        .args(session.gdb_args())
        .arg(exe);
    fixed_env(&mut cmd, dir)
        .env("HOME", dir)
        .env("TERM", "dumb");
    let out = run_with_timeout(&mut cmd, GDB_TIMEOUT)?;
    let raw = String::from_utf8_lossy(&out.stdout).into_owned();
    let saved = dir.join(format!(
        "{}.gdb.txt",
        exe.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&saved, &raw).map_err(|e| format!("{}: {e}", saved.display()))?;
    let transcript = normalize(&raw);
    let mut problems = check_transcript(session, &transcript);
    if !out.success() {
        // In batch mode gdb's status is that of its last command, the final `continue`.
        problems.push(format!("gdb ended with {}", describe_status(out.status)));
    }
    if problems.is_empty() {
        return Ok(transcript);
    }
    const SHOWN: usize = 6;
    let mut msg = String::new();
    for p in problems.iter().take(SHOWN) {
        let _ = writeln!(msg, "  - {p}");
    }
    if problems.len() > SHOWN {
        let _ = writeln!(msg, "  ... and {} more problems", problems.len() - SHOWN);
    }
    let _ = write!(
        msg,
        "--- transcript (normalised; raw in {}) ---\n{}\n  gdb command: {}",
        saved.display(),
        truncate(transcript.as_bytes(), SHOW_BYTES),
        show_command(&cmd)
    );
    Err(msg)
}

fn check_mode(mode: Mode) {
    let dir = scratch_dir().join("gdb").join(mode.name());
    if let Err(msg) = in_fresh_dir(&dir, |dir| trial(mode, dir)) {
        panic!("gdb::{}: {msg}", mode.name());
    }
}

fn trial(mode: Mode, dir: &Path) -> Result<(), String> {
    let session = session(!mode.is_static());
    let objs = compile(mode, dir)?;
    let test_exe = dir.join("prog.solder");
    let ref_exe = dir.join("prog.ref");
    let tool_flag = format!("-B{}", tool_dir().display());
    let link = |linker: &str, out: &Path| {
        run_link(link_command("gcc", linker, mode, out).args(&objs), out)
    };
    let test_cmd = link(&tool_flag, &test_exe).map_err(|e| format!("solder link: {e}"))?;
    let ref_cmd = link("-fuse-ld=bfd", &ref_exe).map_err(|e| format!("GNU ld link: {e}"))?;
    let commands = format!("solder link: {test_cmd}\nGNU ld link: {ref_cmd}");

    let reference = examine(&session, &ref_exe, dir).map_err(|e| {
        format!(
            "broken test: gdb on the GNU ld build does not show what the test expects:\n{e}\n\
             {commands}"
        )
    })?;
    let tested = examine(&session, &test_exe, dir)
        .map_err(|e| format!("gdb on the solder build:\n{e}\n{commands}"))?;
    if let Some(diff) = common::diff_outputs(
        "solder",
        tested.as_bytes(),
        "GNU ld",
        reference.as_bytes(),
        SHOW_BYTES,
    ) {
        let mut msg = String::from(
            "the gdb transcripts differ (after masking addresses and pids) although both pass the checks\n",
        );
        let _ = write!(msg, "{diff}\n{commands}");
        return Err(msg);
    }
    Ok(())
}

common::mode_tests!(check_mode: mode_pie, mode_nopie, mode_static, mode_staticpie);
