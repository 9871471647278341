//! The command line as build systems and compiler drivers use it: version and help output, unknown
//! options, the names solder is installed under (`ld` for `gcc -B`, `ld.solder` for
//! `clang -fuse-ld=solder`, `--ld-path`), response files, gcc's LTO plugin options and LTO objects,
//! timing reports, and thread counts.
//!
//! Programs are compiled at test time in `<CARGO_TARGET_TMPDIR>/cli/<test>-<pid>/` (kept when a test
//! fails). Where a test checks that solder (and not another linker a driver fell back to) produced
//! an executable, it looks for solder's line in the output's `.comment` section.
//!
//! `SOLDER_DIFF_LD=/path/to/ld` runs these tests against another linker instead of solder (used to
//! check that the assertions can fail).
//!
//! clang-19 is installed by `scripts/test.sh`; the clang tests fail with a message saying so when it
//! is missing.

mod common;
mod support;

use common::{
    describe_status, linker_under_test, run_ok, run_with_timeout, show_command, truncate,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::*;

const RUN_TIMEOUT: Duration = Duration::from_secs(20);

const HELLO_C: &str = r#"#include <stdio.h>
int main(void) { puts("hello from a solder test"); return 0; }
"#;
const HELLO_OUT: &str = "hello from a solder test\n";

fn tdir(name: &str) -> TestDir {
    TestDir::new("cli", name)
}

/// Runs the linker under test (solder, unless `SOLDER_DIFF_LD` says otherwise) with `args`.
fn solder(args: &[&str]) -> common::Output {
    let mut cmd = Command::new(linker_under_test());
    cmd.args(args);
    run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs `exe` and requires it to print the hello-world line and exit 0.
fn check_hello(exe: &Path) {
    let out = run_ok(&mut Command::new(exe), RUN_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        text(&out.stdout),
        HELLO_OUT,
        "{} printed the wrong thing",
        exe.display()
    );
}

/// Requires `exe`'s `.comment` section to carry solder's line, so that a driver that silently
/// used another linker is caught.
fn check_linked_by_solder(exe: &Path) {
    let data = std::fs::read(exe).unwrap_or_else(|e| panic!("cannot read {}: {e}", exe.display()));
    let comment = section_data(&data, ".comment")
        .unwrap_or_else(|| panic!("{} has no .comment section", exe.display()));
    assert!(
        comment.split(|&b| b == 0).any(|s| s.starts_with(b"solder")),
        "{} was not linked by solder: its .comment holds {:?}",
        exe.display(),
        text(comment)
    );
}

/// `gcc -B <dir> <flags> <input> -o <exe>`, where `<dir>/ld` links to solder.
fn gcc_b(flags: &[&str], input: &Path, exe: &Path) -> Command {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| {
        common::shared_tool_dir("cli-tools", &linker_under_test()).unwrap_or_else(|e| panic!("{e}"))
    });
    let mut cmd = Command::new("gcc");
    cmd.arg("-B")
        .arg(dir)
        .args(flags)
        .arg(input)
        .arg("-o")
        .arg(exe);
    cmd
}

/// Writes the hello-world program to `<dir>/hello.c`.
fn hello_c(dir: &TestDir) -> PathBuf {
    let src = dir.join("hello.c");
    std::fs::write(&src, HELLO_C).unwrap();
    src
}

/// Runs `cmd` (a link that must succeed) and checks that solder linked a working `exe`.
fn link_hello(cmd: &mut Command, exe: &Path) {
    run_ok(cmd, LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    check_hello(exe);
    check_linked_by_solder(exe);
}

fn clang19() -> &'static str {
    let clang = "/usr/bin/clang-19";
    assert!(
        Path::new(clang).exists(),
        "{clang} is not installed; run scripts/test.sh, which installs the packages the tests need (clang-19 among them)"
    );
    clang
}

// ---------------------------------------------------------------------------------------------
// Version, help, unknown options

/// libtool builds shared libraries only if `$LD --help` has a line matching
/// `: supported targets:.* elf` (its `_LT_PATH_LD_GNU`/`ld_shlibs` probe on Linux).
#[test]
fn help_names_supported_targets_as_libtool_expects() {
    let out = solder(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.lines().any(|l| l
            .split_once(": supported targets:")
            .is_some_and(|(_, rest)| rest.contains(" elf"))),
        "no libtool-style 'supported targets' line in --help: {stdout}"
    );
}

/// configure scripts and libtool run `$LD -v` / `$LD --version` and grep for "GNU" to decide that
/// the linker takes GNU ld's options.
#[test]
fn version_is_one_line_naming_gnu_and_solder() {
    for flag in ["--version", "-v"] {
        let out = solder(&[flag]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "solder {flag}: {}",
            describe_status(out.status)
        );
        let stdout = text(&out.stdout);
        assert_eq!(
            stdout.lines().count(),
            1,
            "solder {flag} must print one line, printed {stdout:?}"
        );
        assert!(
            stdout.contains("GNU") && stdout.contains("solder"),
            "solder {flag} must mention GNU and solder: {stdout:?}"
        );
        assert!(
            out.stderr.is_empty(),
            "solder {flag} wrote to stderr: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn help_mentions_usage() {
    let out = solder(&["--help"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        describe_status(out.status)
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.to_lowercase().contains("usage"),
        "--help does not mention usage:\n{stdout}"
    );
}

#[test]
fn unknown_option_is_a_one_line_error() {
    let t = tdir("unknown_option");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    let out_path = t.join("prog");
    let link_args = link_cmd(&out_path, std::slice::from_ref(&obj), &["--frobnicate"]);
    let link_args: Vec<String> = link_args
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let link_args: Vec<&str> = link_args.iter().map(String::as_str).collect();
    // Alone, and at the end of a complete link command (which must then write nothing).
    for args in [&["--frobnicate"][..], &link_args[..]] {
        let out = solder(args);
        let stderr = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "unknown option: {}\n{stderr}",
            describe_status(out.status)
        );
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "the error must be one line: {stderr:?}"
        );
        assert!(
            stderr.starts_with("solder: error:") && stderr.contains("--frobnicate"),
            "the error must name the option: {stderr:?}"
        );
    }
    assert!(
        !out_path.exists(),
        "a link with an unknown option wrote its output"
    );
}

// ---------------------------------------------------------------------------------------------
// Installed names

#[test]
fn gcc_b_runs_solder_as_ld() {
    let t = tdir("gcc_b");
    let exe = t.join("hello");
    link_hello(&mut gcc_b(&[], &hello_c(&t), &exe), &exe);
}

#[test]
fn clang_fuse_ld_solder_finds_ld_solder_on_path() {
    let clang = clang19();
    let t = tdir("clang_fuse_ld");
    let bin = t.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(linker_under_test(), bin.join("ld.solder")).unwrap();
    let src = hello_c(&t);
    let exe = t.join("hello");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new(clang);
    cmd.env("PATH", path)
        .arg("-fuse-ld=solder")
        .arg(&src)
        .arg("-o")
        .arg(&exe);
    link_hello(&mut cmd, &exe);
}

#[test]
fn clang_ld_path_runs_ld_solder() {
    let clang = clang19();
    let t = tdir("clang_ld_path");
    let ld = t.join("ld.solder");
    std::os::unix::fs::symlink(linker_under_test(), &ld).unwrap();
    let src = hello_c(&t);
    let exe = t.join("hello");
    let mut cmd = Command::new(clang);
    cmd.arg(format!("--ld-path={}", ld.display()))
        .arg(&src)
        .arg("-o")
        .arg(&exe);
    link_hello(&mut cmd, &exe);
}

/// The same link through symlinks named `ld`, `ld.solder` and `solder`, with gcc's arguments.
#[test]
fn any_installed_name_links() {
    let t = tdir("installed_names");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    for name in ["ld", "ld.solder", "solder"] {
        let dir = t.join(&format!("as-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let link = dir.join(name);
        std::os::unix::fs::symlink(linker_under_test(), &link).unwrap();
        let exe = dir.join("hello");
        let mut cmd = Command::new(&link);
        cmd.args(link_cmd(&exe, std::slice::from_ref(&obj), &[]).get_args());
        link_hello(&mut cmd, &exe);
    }
}

// ---------------------------------------------------------------------------------------------
// Response files

/// `@file` holds the whole link command; paths with spaces are quoted (double and single quotes,
/// and a backslash-escaped space), one `@file` names another, and the options spread over lines.
#[test]
fn response_file_with_quoted_paths() {
    let t = tdir("response_file");
    let spaced = t.join("dir with space");
    std::fs::create_dir_all(&spaced).unwrap();
    let obj = compile_with("gcc", &spaced, "hello.c", HELLO_C, &[]);
    let extra = compile_with(
        "gcc",
        &spaced,
        "extra file.c",
        "int extra_fn(void) { return 0; }\n",
        &[],
    );
    let exe = spaced.join("hello out");
    let quote_dq = |p: &Path| format!("\"{}\"", p.display());
    let quote_sq = |p: &Path| format!("'{}'", p.display());
    let escape = |p: &Path| p.display().to_string().replace(' ', "\\ ");

    // The nested file carries the libraries and trailing crt files (everything after the input).
    let template = link_template();
    let at = template.iter().position(|w| w == IN_MARK).unwrap();
    let (before, after) = (&template[..at], &template[at + 1..]);
    let nested = spaced.join("tail args.rsp");
    std::fs::write(&nested, after.join("\n") + "\n").unwrap();

    let mut rsp = String::new();
    for w in before {
        if w == OUT_MARK {
            rsp.push_str(&quote_sq(&exe));
        } else {
            rsp.push_str(w);
        }
        rsp.push(' ');
    }
    rsp.push('\n');
    rsp.push_str(&quote_dq(&obj));
    rsp.push('\n');
    rsp.push_str(&escape(&extra));
    rsp.push('\n');
    rsp.push_str(&format!("\"@{}\"\n", nested.display()));
    let rsp_path = t.join("link.rsp");
    std::fs::write(&rsp_path, &rsp).unwrap();

    let mut cmd = Command::new(linker_under_test());
    cmd.arg(format!("@{}", rsp_path.display()));
    let out = run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap();
    assert!(
        out.success(),
        "solder @file failed ({}):\n{}\n--- {} ---\n{rsp}",
        describe_status(out.status),
        truncate(&out.stderr, 3000),
        rsp_path.display()
    );
    check_hello(&exe);
}

// ---------------------------------------------------------------------------------------------
// gcc's LTO plugin and LTO objects

/// gcc passes `-plugin <liblto_plugin.so> -plugin-opt=...` on every link; solder accepts them.
#[test]
fn gcc_lto_plugin_options_are_accepted() {
    let t = tdir("plugin_options");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    let gcc_print = |query: &str| {
        text(&Command::new("gcc").arg(query).output().unwrap().stdout)
            .trim()
            .to_string()
    };
    let plugin = gcc_print("-print-file-name=liblto_plugin.so");
    let wrapper = gcc_print("-print-prog-name=lto-wrapper");
    // gcc's own link line has them (so every gcc -B link exercises them) ...
    assert!(
        link_template().iter().any(|w| w == "-plugin"),
        "gcc -### shows no -plugin option: {:?}",
        link_template()
    );
    // ... and spelled out here, in both forms GNU ld takes.
    let exe = t.join("hello");
    let res = t.join("hello.res");
    let res_opt = format!("-plugin-opt=-fresolution={}", res.display());
    let wrapper_opt = format!("-plugin-opt={wrapper}");
    let extra = [
        "-plugin",
        &plugin,
        &wrapper_opt,
        &res_opt,
        "-plugin-opt=-pass-through=-lc",
        "--plugin-opt=-pass-through=-lgcc",
        "-plugin-opt",
        "-fno-lto-debug",
    ];
    let mut cmd = Command::new(linker_under_test());
    cmd.args(extra);
    cmd.args(link_cmd(&exe, std::slice::from_ref(&obj), &[]).get_args());
    run_ok(&mut cmd, LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    check_hello(&exe);
}

/// A slim LTO object (`gcc -flto -c`) holds only GIMPLE bytecode: without running gcc's plugin no
/// linker can use it. gcc passes it straight to the linker (solder ignores `-plugin`), directly or
/// through `gcc -B`; the error must say so in one line naming the file.
#[test]
fn slim_lto_object_is_a_clear_error() {
    let t = tdir("slim_lto");
    let obj = compile_with("gcc", t.path(), "slim.c", HELLO_C, &["-flto"]);
    let name = path_str(&obj);
    let check = |how: &str, out: &common::Output, stderr_lines: Option<usize>| {
        let stderr = text(&out.stderr);
        let line = stderr
            .lines()
            .find(|l| l.starts_with("solder:"))
            .unwrap_or_else(|| panic!("{how}: no solder message in stderr:\n{stderr}"));
        assert!(
            line.starts_with("solder: error:") && line.contains(&name),
            "{how}: the error must name {name}: {line:?}"
        );
        let lower = line.to_lowercase();
        assert!(
            (lower.contains("lto") || lower.contains("gimple")) && lower.contains("plugin"),
            "{how}: the error must say that LTO (GIMPLE) objects need the plugin: {line:?}"
        );
        if let Some(n) = stderr_lines {
            assert_eq!(
                stderr.trim_end().lines().count(),
                n,
                "{how}: the error must be one line: {stderr:?}"
            );
        }
    };

    // solder itself, with gcc's arguments.
    let exe = t.join("direct");
    let mut cmd = link_cmd(&exe, std::slice::from_ref(&obj), &[]);
    let out = run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}: {}",
        show_command(&cmd),
        describe_status(out.status)
    );
    check("solder", &out, Some(1));
    assert!(!exe.exists(), "a failed link left {}", exe.display());

    // Through gcc, with and without -flto at link time (the object reaches solder either way);
    // collect2 adds its own line.
    for flags in [
        &[][..],
        &["-flto"][..],
        &["-flto", "-fno-use-linker-plugin"][..],
    ] {
        let exe = t.join("via-gcc");
        let mut cmd = gcc_b(flags, &obj, &exe);
        let out = run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap();
        assert!(!out.success(), "{} succeeded", show_command(&cmd));
        check(&show_command(&cmd), &out, None);
        assert!(!exe.exists(), "a failed link left {}", exe.display());
    }
}

/// A fat LTO object (`-flto -ffat-lto-objects`) also holds machine code, which solder links.
#[test]
fn fat_lto_object_links() {
    let t = tdir("fat_lto");
    let obj = compile_with(
        "gcc",
        t.path(),
        "fat.c",
        HELLO_C,
        &["-flto", "-ffat-lto-objects"],
    );
    for (i, flags) in [&[][..], &["-flto", "-fno-use-linker-plugin"][..]]
        .into_iter()
        .enumerate()
    {
        let exe = t.join(&format!("fat{i}"));
        link_hello(&mut gcc_b(flags, &obj, &exe), &exe);
    }
}

// ---------------------------------------------------------------------------------------------
// Timing reports

#[test]
fn print_timing_shows_phases_and_total() {
    let t = tdir("print_timing");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    let exe = t.join("hello");
    let out = run_ok(
        &mut link_cmd(&exe, &[obj], &["--print-timing"]),
        LINK_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    check_hello(&exe);
    let stderr = text(&out.stderr);
    let rows: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|n| n.parse::<f64>().is_ok())
        })
        .collect();
    assert!(
        rows.iter().any(|l| l.contains("total")),
        "--print-timing shows no total:\n{stderr}"
    );
    assert!(
        rows.len() >= 3,
        "--print-timing should show a row per phase and a total:\n{stderr}"
    );
    // Then each phase's CPU time (all threads), and the resident anonymous and file-backed memory
    // at its end: none is zero over a whole link, the memory never once the inputs are read.
    let header = stderr.lines().next().unwrap_or("");
    assert!(
        header.contains("cpu ms") && header.contains("anon MiB") && header.contains("file MiB"),
        "--print-timing lacks its CPU or memory column:
{stderr}"
    );
    let column = |k: usize| -> Vec<f64> {
        rows.iter()
            .filter(|l| !l.contains("total"))
            .filter_map(|l| l.split_whitespace().nth(k)?.parse::<f64>().ok())
            .collect()
    };
    assert!(
        column(1).iter().sum::<f64>() > 0.0,
        "--print-timing shows no CPU time:\n{stderr}"
    );
    assert!(
        column(2).iter().any(|&mib| mib > 0.0),
        "--print-timing shows no phase's anonymous memory:\n{stderr}"
    );
    assert!(
        column(3).iter().any(|&mib| mib > 0.0),
        "--print-timing shows no phase's file-backed memory:\n{stderr}"
    );
}

/// `.symtab`'s globals are written in parallel runs of 4096 rows, each with its own run of
/// names: with more globals than that, every name must still sit at its own row and value.
#[test]
fn symtab_with_many_globals_names_every_symbol_once() {
    const N: usize = 10_000;
    let t = tdir("many_globals");
    let mut src = String::new();
    for i in 0..N {
        src.push_str(&format!("int f{i}(int x) {{ return x + {i}; }}\n"));
    }
    src.push_str("int main(void) { return f0(0); }\n");
    let obj = compile_with("gcc", t.path(), "many.c", &src, &["-O0"]);
    let exe = t.join("many");
    run_ok(&mut link_cmd(&exe, &[obj], &[]), LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    let nm = Command::new("nm")
        .args(["-P", "--defined-only"])
        .arg(&exe)
        .output()
        .expect("nm runs");
    assert!(nm.status.success(), "nm failed on {}", exe.display());
    let mut addr = vec![None; N];
    for line in text(&nm.stdout).lines() {
        let mut w = line.split_whitespace();
        let (Some(name), Some(_), Some(value)) = (w.next(), w.next(), w.next()) else {
            continue;
        };
        if let Some(i) = name.strip_prefix('f').and_then(|i| i.parse::<usize>().ok())
            && i < N
        {
            assert!(addr[i].is_none(), "f{i} is in .symtab twice");
            addr[i] = Some(u64::from_str_radix(value, 16).expect("hex value"));
        }
    }
    // gcc places the functions in source order, so their addresses rise with their numbers.
    for i in 0..N {
        let a = addr[i].unwrap_or_else(|| panic!("f{i} is missing from .symtab"));
        if i > 0 {
            assert!(a > addr[i - 1].unwrap(), "f{i} is not after f{}", i - 1);
        }
    }
}

#[test]
fn time_trace_writes_chrome_trace_json() {
    let t = tdir("time_trace");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    let exe = t.join("hello");
    let trace = t.join("trace.json");
    let opt = format!("--time-trace={}", trace.display());
    run_ok(&mut link_cmd(&exe, &[obj], &[&opt]), LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    check_hello(&exe);
    let json = std::fs::read_to_string(&trace)
        .unwrap_or_else(|e| panic!("--time-trace wrote no {}: {e}", trace.display()));
    assert!(
        json.starts_with("{\"traceEvents\":["),
        "not a Chrome trace: {}",
        truncate(json.as_bytes(), 300)
    );
    if let Err(e) = check_json(&json) {
        panic!(
            "--time-trace wrote invalid JSON ({e}):\n{}",
            truncate(json.as_bytes(), 2000)
        );
    }
    let events = json.matches("\"name\":").count();
    assert!(events >= 2, "the trace names {events} phase(s):\n{json}");
    for key in ["\"ph\":", "\"ts\":", "\"dur\":"] {
        assert!(json.contains(key), "the trace has no {key} field:\n{json}");
    }
}

/// A small JSON syntax check (RFC 8259 grammar; no semantic checks).
fn check_json(s: &str) -> Result<(), String> {
    struct P<'a> {
        b: &'a [u8],
        i: usize,
    }
    impl P<'_> {
        fn ws(&mut self) {
            while self.i < self.b.len() && b" \t\r\n".contains(&self.b[self.i]) {
                self.i += 1;
            }
        }
        fn err<T>(&self, what: &str) -> Result<T, String> {
            Err(format!("{what} at byte {}", self.i))
        }
        fn eat(&mut self, c: u8) -> Result<(), String> {
            self.ws();
            if self.b.get(self.i) == Some(&c) {
                self.i += 1;
                Ok(())
            } else {
                self.err(&format!("expected '{}'", c as char))
            }
        }
        fn lit(&mut self, w: &str) -> Result<(), String> {
            if self.b[self.i..].starts_with(w.as_bytes()) {
                self.i += w.len();
                Ok(())
            } else {
                self.err("bad literal")
            }
        }
        fn string(&mut self) -> Result<(), String> {
            self.eat(b'"')?;
            loop {
                match self.b.get(self.i) {
                    None => return self.err("unterminated string"),
                    Some(b'"') => {
                        self.i += 1;
                        return Ok(());
                    }
                    Some(b'\\') => match self.b.get(self.i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 2,
                        Some(b'u')
                            if self
                                .b
                                .get(self.i + 2..self.i + 6)
                                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) =>
                        {
                            self.i += 6
                        }
                        _ => return self.err("bad escape"),
                    },
                    Some(&c) if c < 0x20 => return self.err("control character in string"),
                    Some(_) => self.i += 1,
                }
            }
        }
        fn number(&mut self) -> Result<(), String> {
            let start = self.i;
            if self.b.get(self.i) == Some(&b'-') {
                self.i += 1;
            }
            let digits = |p: &mut Self| {
                let s = p.i;
                while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                    p.i += 1;
                }
                p.i - s
            };
            match self.b.get(self.i) {
                Some(b'0') => self.i += 1,
                Some(b'1'..=b'9') => {
                    digits(self);
                }
                _ => return self.err("bad number"),
            }
            if self.b.get(self.i) == Some(&b'.') {
                self.i += 1;
                if digits(self) == 0 {
                    return self.err("bad fraction");
                }
            }
            if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
                self.i += 1;
                if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                    self.i += 1;
                }
                if digits(self) == 0 {
                    return self.err("bad exponent");
                }
            }
            debug_assert!(self.i > start);
            Ok(())
        }
        fn value(&mut self, depth: usize) -> Result<(), String> {
            if depth > 64 {
                return self.err("nesting too deep");
            }
            self.ws();
            match self.b.get(self.i) {
                Some(b'{') => {
                    self.i += 1;
                    self.ws();
                    if self.b.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        return Ok(());
                    }
                    loop {
                        self.ws();
                        self.string()?;
                        self.eat(b':')?;
                        self.value(depth + 1)?;
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                return Ok(());
                            }
                            _ => return self.err("expected ',' or '}'"),
                        }
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.ws();
                    if self.b.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Ok(());
                    }
                    loop {
                        self.value(depth + 1)?;
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                return Ok(());
                            }
                            _ => return self.err("expected ',' or ']'"),
                        }
                    }
                }
                Some(b'"') => self.string(),
                Some(b't') => self.lit("true"),
                Some(b'f') => self.lit("false"),
                Some(b'n') => self.lit("null"),
                Some(_) => self.number(),
                None => self.err("unexpected end"),
            }
        }
    }
    let mut p = P {
        b: s.as_bytes(),
        i: 0,
    };
    p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return p.err("trailing data");
    }
    Ok(())
}

#[test]
fn json_checker_rejects_broken_json() {
    assert!(check_json(r#"{"traceEvents":[{"name":"parse","ts":1.5,"dur":2e3}]}"#).is_ok());
    for bad in [
        r#"{"traceEvents":[{"name":"parse",}]}"#,
        r#"{"traceEvents":[{"name":"pa"rse"}]}"#,
        r#"{"traceEvents":[{"name":"parse","ts":1.}]}"#,
        r#"{"traceEvents":[{"name":"parse"}]"#,
        r#"{"traceEvents":[]}]"#,
    ] {
        assert!(check_json(bad).is_err(), "accepted {bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// Threads

/// `--threads 1`, `--threads=2`, `-j 1` and `-j2` all link a working program, and the output does
/// not depend on the thread count (solder's output is deterministic).
#[test]
fn thread_options_link_the_same_program() {
    let t = tdir("threads");
    let objs = vec![
        compile_with(
            "gcc",
            t.path(),
            "main.c",
            "#include <stdio.h>\nint add(int, int);\nextern const char *word;\n\
             int main(void) { printf(\"%s %d\\n\", word, add(40, 2)); return 0; }\n",
            &["-O1", "-g"],
        ),
        compile_with(
            "gcc",
            t.path(),
            "add.c",
            "int add(int a, int b) { return a + b; }\n",
            &["-O1", "-g"],
        ),
        compile_with(
            "gcc",
            t.path(),
            "word.c",
            "const char *word = \"answer\";\n",
            &["-O1", "-g"],
        ),
    ];
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    for opts in [
        &["--threads", "1"][..],
        &["--threads=2"][..],
        &["-j", "1"][..],
        &["-j2"][..],
    ] {
        let label = opts.join(" ");
        let exe = t.join(&format!("prog{}", outputs.len()));
        run_ok(&mut link_cmd(&exe, &objs, opts), LINK_TIMEOUT)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let out =
            run_ok(&mut Command::new(&exe), RUN_TIMEOUT).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(text(&out.stdout), "answer 42\n", "linked with {label}");
        outputs.push((label, std::fs::read(&exe).unwrap()));
    }
    for (label, bytes) in &outputs[1..] {
        assert!(
            *bytes == outputs[0].1,
            "the output linked with {label} differs from the one linked with {}",
            outputs[0].0
        );
    }
}

/// Archives of more than 8 MiB together are walked in parallel; what is linked must not depend on
/// that. Two indexed archives define `pick`, and the first on the command line wins, as in GNU
/// ld; a thin archive and a `--whole-archive` one come after them. Every thread count links the
/// same bytes and lists the same files with `-t`.
#[test]
fn archives_walked_in_parallel_link_in_command_line_order() {
    let t = tdir("parallel-archives");
    let cc = |file: &str, src: &str| compile_with("gcc", t.path(), file, src, &["-O1"]);
    let ar = |lib: &str, flags: &str, obj: &Path| archive_with(flags, t.path(), lib, &[obj]);
    let main = cc(
        "main.c",
        "#include <stdio.h>\nint pick(void); int thin(void); int whole(void);\n\
         int main(void) { printf(\"%d %d %d\\n\", pick(), thin(), whole()); return 0; }\n",
    );
    // Initialised padding makes each member megabytes long.
    let first = cc(
        "first.c",
        "char first_pad[5 << 20] = {1};\nint pick(void) { return 1 + first_pad[1]; }\n",
    );
    let second = cc(
        "second.c",
        "char second_pad[4 << 20] = {1};\nint pick(void) { return 2 + second_pad[1]; }\n",
    );
    let thin = cc("thin.c", "int thin(void) { return 3; }\n");
    let whole = cc("whole.c", "int whole(void) { return 4; }\n");
    let inputs = vec![
        main,
        ar("libfirst.a", "rcs", &first),
        ar("libsecond.a", "rcs", &second),
        ar("libthin.a", "rcsT", &thin),
        PathBuf::from("--whole-archive"),
        ar("libwhole.a", "rcs", &whole),
        PathBuf::from("--no-whole-archive"),
    ];
    let mut outputs: Vec<(String, Vec<u8>, String)> = Vec::new();
    for opts in [
        &["--threads=1"][..],
        &["--threads=2"][..],
        &["--threads=4"][..],
    ] {
        let label = opts.join(" ");
        let exe = t.join(&format!("prog{}", outputs.len()));
        let mut args = opts.to_vec();
        args.push("-t");
        let linked = run_ok(&mut link_cmd(&exe, &inputs, &args), LINK_TIMEOUT)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let out =
            run_ok(&mut Command::new(&exe), RUN_TIMEOUT).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(text(&out.stdout), "1 3 4\n", "linked with {label}");
        let trace = text(&linked.stdout);
        assert!(
            trace.contains("libfirst.a")
                && trace.contains("thin.o")
                && trace.contains("libwhole.a"),
            "-t with {label} does not list the archives' members:\n{trace}"
        );
        outputs.push((label, std::fs::read(&exe).unwrap(), trace));
    }
    for (label, bytes, trace) in &outputs[1..] {
        assert!(
            *bytes == outputs[0].1,
            "the output linked with {label} differs from the one linked with {}",
            outputs[0].0
        );
        assert_eq!(
            *trace, outputs[0].2,
            "-t with {label} and with {}",
            outputs[0].0
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reports: -Map, --dependency-file, -t

/// `nm`'s address of each defined text symbol in `exe`.
fn nm_text_symbols(exe: &Path) -> Vec<(String, u64)> {
    let out = run_ok(Command::new("nm").arg(exe), RUN_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    text(&out.stdout)
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.len() == 3 && (w[1] == "T" || w[1] == "t"))
                .then(|| (w[2].to_string(), u64::from_str_radix(w[0], 16).unwrap()))
        })
        .collect()
}

/// The map lists every output section and, under the input section that defines it, each global
/// function at the address `nm` reports for the finished executable.
#[test]
fn map_file_places_sections_and_symbols() {
    let t = tdir("map_file");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    let exe = t.join("hello");
    let map = t.join("hello.map");
    let map_arg = format!("-Map={}", map.display());
    run_ok(
        &mut link_cmd(&exe, std::slice::from_ref(&obj), &[&map_arg]),
        LINK_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    check_hello(&exe);
    let text = std::fs::read_to_string(&map).unwrap_or_else(|e| panic!("{}: {e}", map.display()));
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    for sec in [".text", ".data", ".dynsym", ".rela.dyn", ".symtab"] {
        assert!(
            rows.iter().any(|r| r.len() == 5 && r[4] == sec),
            "{}: no row for output section {sec}:\n{text}",
            map.display()
        );
    }
    let in_obj = format!("{}:(.text.startup)", obj.display());
    let in_obj_text = format!("{}:(.text)", obj.display());
    assert!(
        rows.iter()
            .any(|r| r.len() == 5 && (r[4] == in_obj || r[4] == in_obj_text)),
        "{}: no row for hello.o's code:\n{text}",
        map.display()
    );
    let syms = nm_text_symbols(&exe);
    for name in ["main", "_start"] {
        let want = syms
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("nm shows no {name} in {}", exe.display()))
            .1;
        let row = rows
            .iter()
            .find(|r| r.len() == 5 && r[4] == name)
            .unwrap_or_else(|| panic!("{}: no row for symbol {name}:\n{text}", map.display()));
        assert_eq!(
            u64::from_str_radix(row[0], 16).unwrap(),
            want,
            "{}: {name}'s address differs from nm's",
            map.display()
        );
    }
}

/// The dependency file is a make rule: the output depends on every input file the link read,
/// including the libraries that `-l` and linker scripts pulled in, each also given an empty rule.
#[test]
fn dependency_file_names_every_input() {
    let t = tdir("dependency_file");
    let obj = compile_with("gcc", t.path(), "my hello.c", HELLO_C, &[]);
    let exe = t.join("hello");
    let deps = t.join("hello.d");
    let deps_arg = format!("--dependency-file={}", deps.display());
    run_ok(
        &mut link_cmd(&exe, std::slice::from_ref(&obj), &[&deps_arg]),
        LINK_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    check_hello(&exe);
    let text = std::fs::read_to_string(&deps).unwrap_or_else(|e| panic!("{}: {e}", deps.display()));
    let escaped = |p: &Path| p.display().to_string().replace(' ', "\\ ");
    let (rule, rest) = text
        .split_once("\n\n")
        .expect("a rule, a blank line, then empty rules");
    let mut lines = rule.lines();
    assert_eq!(
        lines.next(),
        Some(format!("{}: \\", escaped(&exe)).as_str()),
        "{}: the first line names the output",
        deps.display()
    );
    let inputs: Vec<String> = lines
        .map(|l| l.trim().trim_end_matches(" \\").to_string())
        .collect();
    assert!(
        inputs.contains(&escaped(&obj)),
        "{}: hello.o (with its space escaped) is not listed:\n{text}",
        deps.display()
    );
    for lib in ["libc.so.6", "libc.so", "crt1.o", "crti.o"] {
        assert!(
            inputs
                .iter()
                .any(|i| i.ends_with(&format!("/{lib}")) || i.ends_with(&format!("/S{lib}"))),
            "{}: no {lib} among the inputs:\n{text}",
            deps.display()
        );
    }
    for i in &inputs {
        assert!(
            Path::new(&i.replace("\\ ", " ")).is_file(),
            "{}: {i} is not a file",
            deps.display()
        );
        assert!(
            rest.contains(&format!("\n{i}:\n")) || rest.starts_with(&format!("{i}:\n")),
            "{}: {i} has no empty rule:\n{text}",
            deps.display()
        );
    }
}

/// `-t` prints the files that make up the link, archive members included, and nothing from an
/// archive that was not needed.
#[test]
fn trace_lists_linked_inputs() {
    let t = tdir("trace");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    let exe = t.join("hello");
    let out = run_ok(
        &mut link_cmd(&exe, std::slice::from_ref(&obj), &["-t"]),
        LINK_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    check_hello(&exe);
    let listed = text(&out.stdout);
    let lines: Vec<&str> = listed.lines().collect();
    assert!(
        lines.contains(&obj.display().to_string().as_str()),
        "-t does not list hello.o:\n{listed}"
    );
    assert!(
        lines.iter().any(|l| l.ends_with("/libc.so.6")),
        "-t does not list libc.so.6:\n{listed}"
    );
}

/// `-y SYMBOL` reports (on standard error) the files that define and reference it, the same ones
/// GNU ld reports (it prefixes its own name to each line).
#[test]
fn trace_symbol_matches_gnu_ld() {
    let t = tdir("trace_symbol");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    let args = ["-y", "puts", "--trace-symbol=main"];
    let lines = |linker: &Path, exe: &Path| -> Vec<String> {
        let mut cmd = link_cmd_with(linker, exe, std::slice::from_ref(&obj), &args);
        let out = run_ok(&mut cmd, LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
        let mut v: Vec<String> = text(&out.stderr)
            .lines()
            .map(|l| l.strip_prefix("/usr/bin/ld.bfd: ").unwrap_or(l).to_string())
            .collect();
        v.sort();
        v
    };
    let ours = lines(&linker_under_test(), &t.join("hello"));
    let gnu = lines(Path::new("/usr/bin/ld.bfd"), &t.join("hello.gnu"));
    check_hello(&t.join("hello"));
    let obj_name = obj.display().to_string();
    assert!(
        gnu.contains(&format!("{obj_name}: reference to puts"))
            && gnu.contains(&format!("{obj_name}: definition of main")),
        "GNU ld's -y output is not what this test expects: {gnu:#?}"
    );
    assert_eq!(ours, gnu, "-y output differs from GNU ld's");
}

/// `-M` prints the map to standard output.
#[test]
fn print_map_to_stdout() {
    let t = tdir("print_map");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    let exe = t.join("hello");
    let out = run_ok(
        &mut link_cmd(&exe, std::slice::from_ref(&obj), &["-M"]),
        LINK_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    check_hello(&exe);
    let map = text(&out.stdout);
    let main = nm_text_symbols(&exe)
        .into_iter()
        .find(|(n, _)| n == "main")
        .expect("nm shows main")
        .1;
    assert!(
        map.lines().any(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            w.len() == 5 && w[4] == "main" && u64::from_str_radix(w[0], 16) == Ok(main)
        }),
        "-M printed no row for main at {main:#x}:\n{map}"
    );
}

/// Command lines other tools write: lld's `--reproduce` response files write `-O 1` as two words.
#[test]
fn optimisation_level_in_two_words() {
    let t = tdir("optimisation_level");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    for extra in [&["-O", "1"][..], &["-O1"], &["--O", "2"]] {
        let exe = t.join("hello");
        let out = run_with_timeout(
            &mut link_cmd(&exe, std::slice::from_ref(&obj), extra),
            LINK_TIMEOUT,
        )
        .unwrap();
        assert!(out.success(), "{extra:?}: {}", text(&out.stderr));
        check_hello(&exe);
    }
}

/// An option solder accepts but does not implement says so, once, naming it; its no-op spelling
/// does not.
#[test]
fn unimplemented_options_warn() {
    let t = tdir("unimplemented_options");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &[]);
    let list = t.join("v.map");
    std::fs::write(&list, "{ global: main; local: *; };\n").unwrap();
    let vs = format!("--version-script={}", list.display());
    let named = t.join("named.map");
    std::fs::write(&named, "V1 { global: main; local: *; };\n").unwrap();
    let named_vs = format!("--version-script={}", named.display());
    for (extra, warning) in [
        (vec!["--icf=all"], Some("--icf=all is not implemented")),
        (vec!["--icf", "safe"], Some("--icf safe is not implemented")),
        (vec!["--icf=none"], None),
        (vec!["--gdb-index"], Some("--gdb-index is not implemented")),
        (vec!["-z", "pack-relative-relocs"], None),
        (vec![vs.as_str()], None),
        (vec![named_vs.as_str()], None),
    ] {
        let exe = t.join("hello");
        let out = run_with_timeout(
            &mut link_cmd(&exe, std::slice::from_ref(&obj), &extra),
            LINK_TIMEOUT,
        )
        .unwrap();
        let stderr = text(&out.stderr);
        assert!(out.success(), "{extra:?}: {stderr}");
        match warning {
            Some(w) => {
                assert_eq!(
                    stderr.matches(w).count(),
                    1,
                    "{extra:?} should warn once with {w:?}: {stderr:?}"
                );
                assert!(stderr.starts_with("solder: warning: "), "{stderr:?}");
            }
            None => assert!(stderr.is_empty(), "{extra:?} should be silent: {stderr:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The test runner of the suites made at run time

/// The differential, shared-library and fuzzing suites make their tests at run time and run them
/// with `common::harness`: a trial that fails or panics must fail the run (else those suites
/// could not fail), and libtest's filters must choose the trials.
#[test]
fn trial_runner_fails_the_run_and_filters() {
    use common::harness::{Arguments, Failed, Trial, run};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let trials = |ran: &Arc<AtomicUsize>| -> Vec<Trial> {
        let (a, b, c) = (Arc::clone(ran), Arc::clone(ran), Arc::clone(ran));
        vec![
            Trial::test("passes", move || {
                a.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }),
            Trial::test("fails", move || {
                b.fetch_add(1, Ordering::Relaxed);
                Err(Failed::from("wrong"))
            }),
            Trial::test("panics", move || {
                c.fetch_add(1, Ordering::Relaxed);
                panic!("boom")
            }),
        ]
    };
    let args = |a: &[&str]| Arguments::parse(a.iter().map(|s| s.to_string()));
    for (cmdline, want_ran, want_failed) in [
        (&[][..], 3, true),
        (&["pass"][..], 1, false),
        (&["pass", "--exact"][..], 0, false),
        (&["passes", "--exact"][..], 1, false),
        (&["fails"][..], 1, true),
        (&["panics", "--test-threads=1"][..], 1, true),
        (&["--skip", "fails", "--skip", "panics"][..], 1, false),
        (&["--ignored"][..], 0, false),
    ] {
        let ran = Arc::new(AtomicUsize::new(0));
        let conclusion = run(&args(cmdline), trials(&ran));
        assert_eq!(
            ran.load(Ordering::Relaxed),
            want_ran,
            "trials run with {cmdline:?}"
        );
        assert_eq!(
            conclusion.has_failed(),
            want_failed,
            "failed with {cmdline:?}"
        );
    }
}
