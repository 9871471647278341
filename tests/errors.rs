//! Bad input and failure safety.
//!
//! Every malformed input, missing file or unresolvable link must end with exit status 1 (never 2,
//! solder's internal-error/panic status, never a signal, never a hang), with a first stderr line
//! `solder: error: ...` that names the offending file (and symbol, where there is one). A failed link
//! must not create the output when none existed, must leave an existing output byte for byte as it
//! was, and must not leave its temporary file (`.<name>.solder-<random>`) in the output directory.
//! [`expect_failure`] checks all of that for one case, in both situations (no output before, an
//! output before).
//!
//! Also here: relinking over a running program, and a fixed-seed sweep that corrupts a few bytes of
//! a real object and requires every link to end cleanly ([`corrupted_bytes_never_crash_the_linker`]).
//!
//! Inputs are generated at test time with gcc/g++/ar in `<CARGO_TARGET_TMPDIR>/errors/<test>-<pid>/`
//! (removed when the test passes, kept for inspection when it fails). The linker is run directly,
//! with the argument list gcc's driver would give it (see [`link_template`]), so that its own exit
//! status is seen: collect2 turns every linker failure, panics and signals included, into exit 1.
//!
//! `SOLDER_DIFF_LD=/path/to/ld` runs these tests against another linker instead of solder (used to
//! check that the assertions can fail).

mod common;
mod support;

use common::{
    BUILD_TIMEOUT, describe_status, linker_under_test, run_ok, run_with_timeout, show_command,
    truncate,
};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

/// The contents of an output that existed before a failing link; it must survive unchanged.
const PREVIOUS_OUTPUT: &[u8] =
    b"\x7fELF previous output: a failed link must not touch these bytes\n";

fn gcc_c(dir: &Path, file: &str, src: &str) -> PathBuf {
    compile_with("gcc", dir, file, src, &["-O1"])
}

// ---------------------------------------------------------------------------------------------
// The failure contract

/// What a failing link must say, beyond `solder: error:` at the start of stderr.
#[derive(Default, Clone, Copy)]
struct Says<'a> {
    /// Each must occur in stderr's first line.
    first_line: &'a [&'a str],
    /// For each group, some line of stderr must contain all of its strings.
    lines: &'a [&'a [&'a str]],
    /// stderr must be exactly one line.
    one_line: bool,
}

/// Runs the link `inputs` + `extra` twice, into `<dir>/out-<case>/prog`: once with no output there
/// and once over an existing output. Each run must end with exit 1 and the diagnostics in `says`,
/// leave no output (first run) or the old bytes (second run), and leave nothing else behind.
fn expect_failure(
    dir: &Path,
    case: &str,
    inputs: &[PathBuf],
    extra: &[&str],
    says: Says,
) -> Result<(), String> {
    let out_dir = dir.join(format!("out-{case}"));
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let output = out_dir.join("prog");
    let mut problems = Vec::new();

    for existing in [false, true] {
        if existing {
            std::fs::write(&output, PREVIOUS_OUTPUT).map_err(|e| e.to_string())?;
        }
        let situation = if existing {
            "with an existing output"
        } else {
            "with no output before"
        };
        let mut cmd = link_cmd(&output, inputs, extra);
        let mut bad = |what: String| problems.push(format!("{situation}: {what}"));
        let out = match run_with_timeout(&mut cmd, LINK_TIMEOUT) {
            Ok(out) => out,
            Err(e) => {
                // A hang: the error names the command; the second run would hang too.
                bad(e);
                break;
            }
        };
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let first = stderr.lines().next().unwrap_or("");
        if out.status.code() != Some(1) {
            // A crash's message says nothing useful; only what it left behind is checked below.
            bad(format!(
                "expected exit 1, got {}{}",
                describe_status(out.status),
                if out.status.code() == Some(2) {
                    " (solder's internal error / panic status)"
                } else {
                    ""
                }
            ));
        } else {
            if !first.starts_with("solder: error:") {
                bad(format!(
                    "stderr's first line does not start with `solder: error:`: {first:?}"
                ));
            }
            for s in says.first_line {
                if !first.contains(s) {
                    bad(format!(
                        "stderr's first line does not mention {s:?}: {first:?}"
                    ));
                }
            }
            for group in says.lines {
                if !stderr.lines().any(|l| group.iter().all(|s| l.contains(s))) {
                    bad(format!("no line of stderr mentions all of {group:?}"));
                }
            }
            if says.one_line && stderr.trim_end().lines().count() != 1 {
                bad("stderr is not a single line".to_string());
            }
        }
        if existing {
            match std::fs::read(&output) {
                Ok(bytes) if bytes == PREVIOUS_OUTPUT => {}
                Ok(bytes) => bad(format!(
                    "the existing output was changed ({} bytes now, {} before)",
                    bytes.len(),
                    PREVIOUS_OUTPUT.len()
                )),
                Err(e) => bad(format!("the existing output is gone: {e}")),
            }
            if let Err(e) = check_listing(&out_dir, &["prog"]) {
                bad(e);
            }
        } else if let Err(e) = check_listing(&out_dir, &[]) {
            bad(e);
        }
        if !problems.is_empty() {
            problems.push(format!(
                "  command: {}\n  stderr:\n{}",
                show_command(&cmd),
                truncate(&out.stderr, 1200)
            ));
            break;
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("case {case}:\n{}", problems.join("\n")))
    }
}

/// Panics with every failed case, so one run shows them all.
fn report(results: Vec<Result<(), String>>) {
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    if !failures.is_empty() {
        panic!(
            "{} case(s) failed:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }
}

/// [`expect_failure`] for a link of `inputs` alone whose error's first line must name `culprit`
/// (a file, or `archive(member)`).
fn expect_failure_naming(
    dir: &Path,
    case: &str,
    inputs: &[PathBuf],
    culprit: &str,
) -> Result<(), String> {
    let says = Says {
        first_line: &[culprit],
        ..Says::default()
    };
    expect_failure(dir, case, inputs, &[], says)
}

/// Writes `bytes` to `<dir>/<case>.o` and requires a link of that object to fail, naming it.
fn expect_bad_object(dir: &Path, case: &str, bytes: &[u8]) -> Result<(), String> {
    let path = dir.join(format!("{case}.o"));
    std::fs::write(&path, bytes).unwrap();
    let name = path_str(&path);
    expect_failure_naming(dir, case, &[path], &name)
}

/// The first line of a command's stderr (empty when it wrote nothing).
fn first_stderr_line(out: &common::Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Test programs

const HELLO_C: &str = r#"#include <stdio.h>
const char *greeting = "hello";
int main(void) { printf("%s\n", greeting); return 0; }
"#;

/// A small program with what a linker must read: relocations of several kinds, global and local
/// symbols, TLS, string constants, `.eh_frame` and (with `-g`) debug information.
const FUZZ_C: &str = r#"#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static const char *names[] = { "alpha", "beta", "gamma", "delta" };
int counter = 3;
static int table[16];
__thread int tls_counter = 7;
extern int optind;
int helper(int x) { table[x & 15] += x; return x * 3 + counter + tls_counter++; }
static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }
int (*hook)(int) = helper;
int main(int argc, char **argv) {
    qsort(names, 4, sizeof names[0], cmp);
    for (int i = 0; i < 4; i++) printf("%s %d\n", names[i], hook(i + argc));
    return (table[1] != 1) + (optind != 1) + (argv[0] == NULL);
}
"#;

// ---------------------------------------------------------------------------------------------
// Cases

#[test]
fn truncated_object() {
    let t = TestDir::new("errors", "truncated_object");
    let obj = gcc_c(t.path(), "hello.c", HELLO_C);
    let full = std::fs::read(&obj).unwrap();
    let mut results = Vec::new();
    for len in [10, 63, full.len() / 2, full.len() - 1] {
        results.push(expect_bad_object(
            t.path(),
            &format!("cut{len}"),
            &full[..len],
        ));
    }
    report(results);
}

#[test]
fn corrupted_object() {
    let t = TestDir::new("errors", "corrupted_object");
    let obj = gcc_c(t.path(), "hello.c", HELLO_C);
    let good = std::fs::read(&obj).unwrap();
    let secs = sections(&good);
    let text = section(&secs, ".text").clone();
    let rela = section(&secs, ".rela.text").clone();
    let symtab = secs.iter().find(|s| s.kind == SHT_SYMTAB).unwrap().clone();
    let shnum = rd16(&good, 0x3c);
    let main_sym = symbol_entry(&good, "main");

    type Patch = Box<dyn Fn(&mut Vec<u8>)>;
    let len = good.len() as u64;
    let cases: Vec<(&str, Patch)> = vec![
        // e_shoff points past the end of the file.
        (
            "shoff_past_eof",
            Box::new(move |d| wr64(d, 0x28, len + 0x1000)),
        ),
        // e_shoff so large that shoff + shnum * shentsize overflows.
        ("shoff_overflows", Box::new(|d| wr64(d, 0x28, u64::MAX - 8))),
        // e_shstrndx names a section that does not exist.
        (
            "shstrndx_out_of_range",
            Box::new(move |d| wr16(d, 0x3e, shnum + 5)),
        ),
        // .text's contents start past the end of the file.
        (
            "section_offset_past_eof",
            Box::new(move |d| wr64(d, text.at + 0x18, len + 16)),
        ),
        // .text's contents run past the end of the file.
        (
            "section_size_past_eof",
            Box::new(move |d| wr64(d, text.at + 0x20, len * 4)),
        ),
        // offset + size overflows u64.
        (
            "section_size_overflows",
            Box::new(move |d| wr64(d, text.at + 0x20, u64::MAX - 4)),
        ),
        // The symbol table's contents run past the end of the file.
        (
            "symtab_size_past_eof",
            Box::new(move |d| wr64(d, symtab.at + 0x20, len * 24)),
        ),
        // The symbol table's string table link names no section.
        (
            "symtab_link_out_of_range",
            Box::new(move |d| wr32(d, symtab.at + 0x28, shnum as u32 + 9)),
        ),
        // A relocation's symbol index is far beyond the symbol table.
        (
            "reloc_symbol_out_of_range",
            Box::new(move |d| {
                let at = rela.offset as usize + 8;
                let r_type = rd64(d, at) & 0xffff_ffff;
                wr64(d, at, (0x00ff_fff0 << 32) | r_type);
            }),
        ),
        // A relocation patches bytes far outside its section.
        (
            "reloc_offset_out_of_range",
            Box::new(move |d| wr64(d, rela.offset as usize, 0x7fff_fff0)),
        ),
        // A relocation type x86-64 does not define.
        (
            "reloc_type_unknown",
            Box::new(move |d| {
                let at = rela.offset as usize + 8;
                let sym = rd64(d, at) >> 32;
                wr64(d, at, (sym << 32) | 0xfa);
            }),
        ),
        // `main` is defined in a section that does not exist.
        (
            "symbol_section_out_of_range",
            Box::new(move |d| wr16(d, main_sym + 6, shnum + 0x100)),
        ),
        // `main`'s name starts past the end of the string table.
        (
            "symbol_name_out_of_range",
            Box::new(move |d| wr32(d, main_sym, 0x7fff_0000)),
        ),
        // A 32-bit ELF class in an otherwise 64-bit object.
        ("elfclass32", Box::new(|d| d[4] = 1)),
        // Big-endian data encoding.
        ("big_endian", Box::new(|d| d[5] = 2)),
        // Section headers of an impossible size.
        ("shentsize_wrong", Box::new(|d| wr16(d, 0x3a, 12))),
    ];

    let mut results = Vec::new();
    for (case, patch) in &cases {
        let mut d = good.clone();
        patch(&mut d);
        results.push(expect_bad_object(t.path(), case, &d));
    }

    // Random bytes after an ELF magic, and random bytes after a valid x86-64 ELF identification
    // and type, so that the parser (not just the identification) sees garbage.
    let mut rng = Rng(0x0bad_e1f0_0000_0001);
    for (case, header) in [
        ("random_after_magic", &b"\x7fELF"[..]),
        (
            "random_after_header",
            &b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x01\0\x3e\0\x01\0\0\0"[..],
        ),
    ] {
        let mut d = header.to_vec();
        d.extend((0..4096).map(|_| rng.next() as u8));
        results.push(expect_bad_object(t.path(), case, &d));
    }
    report(results);
}

/// Relocations of a debug section are first read when the output is already being written, so a
/// corrupt one cannot fail the link: it is left out with a warning naming the file and section,
/// and the program works. (In an allocated section the same corruption fails the link:
/// `corrupted_object`.)
#[test]
fn corrupt_debug_relocation_is_left_out() {
    let t = TestDir::new("errors", "corrupt_debug_reloc");
    let obj = compile_with("gcc", t.path(), "hello.c", HELLO_C, &["-O1", "-g"]);
    let good = std::fs::read(&obj).unwrap();
    let rela = section(&sections(&good), ".rela.debug_info").clone();
    let mut results = Vec::new();
    // (case, field of the first relocation: r_offset at 0, r_info at 8, its new value)
    type Patch = fn(u64) -> u64;
    let cases: [(&str, usize, Patch); 2] = [
        ("symbol", 8, |info| {
            (0x00ff_fff0 << 32) | (info & 0xffff_ffff)
        }),
        ("offset", 0, |_| 0x7fff_fff0),
    ];
    for (case, field, patch) in cases {
        let mut d = good.clone();
        let at = rela.offset as usize + field;
        let v = patch(rd64(&d, at));
        wr64(&mut d, at, v);
        let path = t.join(&format!("{case}.o"));
        std::fs::write(&path, &d).unwrap();
        let prog = t.join(&format!("prog-{case}"));
        let out = run_with_timeout(
            &mut link_cmd(&prog, std::slice::from_ref(&path), &[]),
            LINK_TIMEOUT,
        )
        .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let want = format!(
            "solder: warning: {}: 1 relocations in section .debug_info",
            path_str(&path)
        );
        results.push(if !out.status.success() {
            Err(format!(
                "{case}: exit {}: {stderr}",
                describe_status(out.status)
            ))
        } else if !stderr.contains(&want) {
            Err(format!(
                "{case}: no warning naming the file and section: {stderr}"
            ))
        } else {
            match run_with_timeout(&mut Command::new(&prog), LINK_TIMEOUT) {
                Ok(r) if r.status.success() && r.stdout == b"hello\n" => Ok(()),
                Ok(r) => Err(format!("{case}: the program printed {:?}", r.stdout)),
                Err(e) => Err(format!("{case}: {e}")),
            }
        });
    }
    report(results);
}

/// Compressed debug sections (`SHF_COMPRESSED`, as `gcc -gz` makes them): the compression header
/// is input like any other and must not be trusted (its size is not an allocation request).
#[test]
fn corrupted_compressed_section() {
    let t = TestDir::new("errors", "corrupted_compressed_section");
    let plain = std::fs::read(compile_with(
        "gcc",
        t.path(),
        "plain.c",
        HELLO_C,
        &["-O1", "-g"],
    ))
    .unwrap();
    let gz_obj = compile_with("gcc", t.path(), "gz.c", HELLO_C, &["-O1", "-g", "-gz=zlib"]);
    let gz = std::fs::read(&gz_obj).unwrap();
    // The compressed object as made by gcc links.
    if let Err(e) = run_ok(&mut link_cmd(&t.join("ok"), &[gz_obj], &[]), LINK_TIMEOUT) {
        panic!("an object with zlib-compressed debug sections does not link: {e}");
    }
    const SHF_COMPRESSED: u64 = 0x800;
    let plain_abbrev = section(&sections(&plain), ".debug_abbrev").clone();
    let gz_info = section(&sections(&gz), ".debug_info").clone();
    assert!(
        rd64(&gz, gz_info.at + 8) & SHF_COMPRESSED != 0,
        "gcc -gz=zlib did not compress .debug_info"
    );
    // Elf64_Chdr: ch_type (4), ch_reserved (4), ch_size (8), ch_addralign (8); then the stream.
    let chdr = gz_info.offset as usize;
    let garbage = {
        let mut d = gz.clone();
        let end = (gz_info.offset + gz_info.size) as usize;
        for (i, b) in d[chdr + 24..end].iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(151).wrapping_add(7);
        }
        d
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        // SHF_COMPRESSED on a section that is not compressed: its first bytes read as a header.
        ("compressed_flag_on_plain_section", {
            let mut d = plain.clone();
            let at = plain_abbrev.at + 8;
            let flags = rd64(&d, at);
            wr64(&mut d, at, flags | SHF_COMPRESSED);
            d
        }),
        // A header claiming an absurd uncompressed size.
        ("compressed_size_huge", {
            let mut d = gz.clone();
            wr64(&mut d, chdr + 8, 1 << 50);
            d
        }),
        // A header claiming the largest possible size.
        ("compressed_size_max", {
            let mut d = gz.clone();
            wr64(&mut d, chdr + 8, u64::MAX);
            d
        }),
        // A compression type that does not exist.
        ("compression_type_unknown", {
            let mut d = gz.clone();
            wr32(&mut d, chdr, 99);
            d
        }),
        // A zlib stream that is garbage.
        ("compressed_stream_garbage", garbage.clone()),
    ];
    report(
        cases
            .into_iter()
            .map(|(case, d)| expect_bad_object(t.path(), case, &d))
            .collect(),
    );

    // What `--strip-debug` drops is not read: GNU ld links the object with the garbage stream
    // under it, and so must solder, leaving no debug section in a program that runs.
    let obj = t.join("garbage.o");
    std::fs::write(&obj, &garbage).unwrap();
    for linker in [PathBuf::from("/usr/bin/ld.bfd"), linker_under_test()] {
        let who = linker.display();
        let out = t.join(&format!(
            "stripped-{}",
            linker.file_name().unwrap().display()
        ));
        let link = &mut link_cmd_with(&linker, &out, std::slice::from_ref(&obj), &["-S"]);
        if let Err(e) = run_ok(link, LINK_TIMEOUT) {
            panic!("{who} -S does not link an object whose stripped debug section is corrupt: {e}");
        }
        let debug: Vec<String> = sections(&std::fs::read(&out).unwrap())
            .into_iter()
            .map(|s| s.name)
            .filter(|n| n.starts_with(".debug"))
            .collect();
        assert!(debug.is_empty(), "{who} -S left {debug:?}");
        if let Err(e) = run_ok(&mut Command::new(&out), LINK_TIMEOUT) {
            panic!("{who} -S: the program does not run: {e}");
        }
    }
}

#[test]
fn wrong_architecture() {
    let t = TestDir::new("errors", "wrong_architecture");
    let cc = "aarch64-linux-gnu-gcc";
    if Command::new(cc).arg("--version").output().is_err() {
        panic!(
            "{cc} is not installed; run scripts/test.sh, which installs the packages the tests need (gcc-aarch64-linux-gnu among them)"
        );
    }
    let obj = compile_with(cc, t.path(), "hello.c", HELLO_C, &["-O1"]);
    let mut results = vec![expect_failure_naming(
        t.path(),
        "aarch64",
        std::slice::from_ref(&obj),
        &path_str(&obj),
    )];
    // The message must say what is wrong, not only which file.
    let out = run_with_timeout(&mut link_cmd(&t.join("prog"), &[obj], &[]), LINK_TIMEOUT).unwrap();
    let first = first_stderr_line(&out).to_lowercase();
    if !(first.contains("aarch64") || first.contains("arm64")) {
        results.push(Err(format!(
            "the error for an AArch64 object does not name the architecture: {first:?}"
        )));
    }
    let mut d = std::fs::read(gcc_c(t.path(), "hello32.c", HELLO_C)).unwrap();
    d[4] = 1; // ELFCLASS32
    let obj32 = t.join("class32.o");
    std::fs::write(&obj32, &d).unwrap();
    let out =
        run_with_timeout(&mut link_cmd(&t.join("prog"), &[obj32], &[]), LINK_TIMEOUT).unwrap();
    let first = first_stderr_line(&out);
    if !first.contains("32") {
        results.push(Err(format!(
            "the error for a 32-bit object does not say it is 32-bit: {first:?}"
        )));
    }
    report(results);
}

/// Archive members: `needed.o` defines what the program calls, `unneeded.o` defines nothing it uses.
/// Corruptions are made in place, so the archive's symbol index still points at the members.
///
/// GNU ld 2.40, for comparison: a corrupt needed member fails ("file too short"); a corrupt member
/// that is not needed, a truncated trailing header and an oversized member size all link, because
/// ld reads only the members its symbol index selects.
#[test]
fn bad_archive_member() {
    let t = TestDir::new("errors", "bad_archive_member");
    let needed = gcc_c(
        t.path(),
        "needed.c",
        "int needed_fn(int x) { return x + 1; }\n",
    );
    let unneeded = gcc_c(
        t.path(),
        "unneeded.c",
        "int unneeded_fn(int x) { return x + 2; }\n",
    );
    let main = gcc_c(
        t.path(),
        "main.c",
        "int needed_fn(int);\nint main(void) { return needed_fn(-1); }\n",
    );
    // Member order: needed.o first, unneeded.o last.
    let lib = make_archive(t.path(), "libgood.a", &[&needed, &unneeded]);
    let good = std::fs::read(&lib).unwrap();
    let needed_at = member_at(&good, "needed.o/");
    let unneeded_at = member_at(&good, "unneeded.o/");

    // The archive as given links.
    let ok_out = t.join("ok");
    if let Err(e) = run_ok(
        &mut link_cmd(&ok_out, &[main.clone(), lib.clone()], &[]),
        LINK_TIMEOUT,
    ) {
        panic!("the uncorrupted archive does not link: {e}");
    }

    let write = |name: &str, d: &[u8]| {
        let p = t.join(name);
        std::fs::write(&p, d).unwrap();
        p
    };
    let reordered = make_archive(t.path(), "libreordered.a", &[&unneeded, &needed]);
    let r = std::fs::read(&reordered).unwrap();
    let last_at = member_at(&r, "needed.o/");
    let patched = |d: &[u8], at: usize, bytes: &[u8]| {
        let mut d = d.to_vec();
        d[at..at + bytes.len()].copy_from_slice(bytes);
        d
    };
    // (case, archive file, its contents, the member the error must name; `None`: the archive)
    let cases: [(&str, &str, Vec<u8>, Option<&str>); 5] = [
        // A needed member whose ELF section header table lies outside it.
        (
            "corrupt_needed_member",
            "libcorrupt.a",
            patched(&good, needed_at + 60 + 0x28, &0x7fff_ffff_u64.to_le_bytes()),
            Some("needed.o"),
        ),
        // A needed member whose contents are cut short (the member is last, the file ends early).
        (
            "truncated_needed_member",
            "libtruncmember.a",
            r[..last_at + 60 + 100].to_vec(),
            None,
        ),
        // The file ends in the middle of the needed member's header.
        (
            "truncated_member_header",
            "libtrunchdr.a",
            r[..last_at + 30].to_vec(),
            None,
        ),
        // The needed member's header claims more bytes than the file has.
        (
            "member_size_past_eof",
            "libbigsize.a",
            patched(&r, last_at + 48, b"9999999999"),
            None,
        ),
        // A member header whose size field is not a number.
        (
            "member_size_not_a_number",
            "libbadsize.a",
            patched(&good, needed_at + 48, b"12x4      "),
            None,
        ),
    ];
    let mut results = Vec::new();
    for (case, file, d, member) in cases {
        let a = write(file, &d);
        let culprit = match member {
            Some(m) => format!("{}({m})", path_str(&a)),
            None => path_str(&a),
        };
        results.push(expect_failure_naming(
            t.path(),
            case,
            &[main.clone(), a],
            &culprit,
        ));
    }

    // A corrupt member nothing needs: GNU ld links (it never reads it). solder may skip it or
    // refuse the archive, but must not crash, and an error must name the member.
    let d = patched(
        &good,
        unneeded_at + 60 + 0x28,
        &0x7fff_ffff_u64.to_le_bytes(),
    );
    let a = write("libcorruptunneeded.a", &d);
    let out_dir = t.join("out-corrupt_unneeded");
    std::fs::create_dir_all(&out_dir).unwrap();
    let prog = out_dir.join("prog");
    let mut cmd = link_cmd(&prog, &[main.clone(), a.clone()], &[]);
    let out = run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap();
    let member = format!("{}(unneeded.o)", path_str(&a));
    match out.status.code() {
        Some(0) => {
            let run = run_with_timeout(&mut Command::new(&prog), LINK_TIMEOUT).unwrap();
            if run.status.code() != Some(0) {
                results.push(Err(format!(
                    "corrupt_unneeded_member: linked, but the program exits with {}",
                    describe_status(run.status)
                )));
            }
        }
        Some(1) => {
            let first = first_stderr_line(&out);
            if !(first.starts_with("solder: error:") && first.contains(&member)) {
                results.push(Err(format!(
                    "corrupt_unneeded_member: the error does not name {member}: {first:?}"
                )));
            }
            results.push(check_listing(&out_dir, &[]));
        }
        _ => results.push(Err(format!(
            "corrupt_unneeded_member: {}: {}\n{}",
            describe_status(out.status),
            show_command(&cmd),
            truncate(&out.stderr, 2000)
        ))),
    }
    report(results);
}

/// `(offset of header, raw 16-byte name trimmed)` for each member of a GNU archive.
fn archive_members(d: &[u8]) -> Vec<(usize, String)> {
    let mut pos = 8;
    let mut out = Vec::new();
    while pos + 60 <= d.len() {
        let name = String::from_utf8_lossy(&d[pos..pos + 16])
            .trim_end()
            .to_string();
        let size: usize = String::from_utf8_lossy(&d[pos + 48..pos + 58])
            .trim()
            .parse()
            .unwrap();
        out.push((pos, name));
        pos += 60 + size;
        pos += pos % 2;
    }
    out
}

/// Header offset of the member named `name` (as stored, e.g. `needed.o/`).
fn member_at(d: &[u8], name: &str) -> usize {
    archive_members(d)
        .into_iter()
        .find(|(_, n)| n == name)
        .unwrap_or_else(|| panic!("archive member {name} not found"))
        .0
}

#[test]
fn missing_inputs() {
    let t = TestDir::new("errors", "missing_inputs");
    let obj = gcc_c(t.path(), "hello.c", HELLO_C);
    let missing = t.join("does_not_exist.o");
    let missing_name = path_str(&missing);
    let broken = t.join("libbroken.a");
    std::fs::write(&broken, b"!<arch>\nhalf_a_header/   0      ").unwrap();
    let broken_name = path_str(&broken);
    report(vec![
        expect_failure(
            t.path(),
            "missing_library",
            std::slice::from_ref(&obj),
            &["-lnonexistent_xyz"],
            Says {
                first_line: &["nonexistent_xyz"],
                one_line: true,
                ..Says::default()
            },
        ),
        expect_failure(
            t.path(),
            "missing_file",
            &[obj.clone(), missing.clone()],
            &[],
            Says {
                first_line: &[&missing_name],
                one_line: true,
                ..Says::default()
            },
        ),
        // Archives are walked after the rest of the command line is opened: a broken archive
        // before a missing file is still the error reported, as in command-line order.
        expect_failure(
            t.path(),
            "broken_archive_then_missing_file",
            &[obj.clone(), broken.clone(), missing],
            &[],
            Says {
                first_line: &[&broken_name, "truncated archive member header"],
                one_line: true,
                ..Says::default()
            },
        ),
    ]);
}

#[test]
fn undefined_symbol() {
    let t = TestDir::new("errors", "undefined_symbol");
    let c = gcc_c(
        t.path(),
        "calls_missing.c",
        "extern int missing_fn(int);\nint main(void) { return missing_fn(1); }\n",
    );
    let cpp = compile_with(
        "g++",
        t.path(),
        "calls_ns.cpp",
        "namespace ns { int func(int); }\nint main() { return ns::func(3); }\n",
        &["-O1"],
    );
    let (c_name, cpp_name) = (path_str(&c), path_str(&cpp));
    report(vec![
        expect_failure(
            t.path(),
            "c",
            std::slice::from_ref(&c),
            &[],
            Says {
                first_line: &["undefined symbol: missing_fn"],
                lines: &[&["referenced by", &c_name]],
                ..Says::default()
            },
        ),
        // The C++ symbol is shown as users wrote it (`-lstdc++` is not needed for this program).
        expect_failure(
            t.path(),
            "cpp",
            std::slice::from_ref(&cpp),
            &[],
            Says {
                first_line: &["undefined symbol: ns::func(int)"],
                lines: &[&["referenced by", &cpp_name]],
                ..Says::default()
            },
        ),
    ]);
}

#[test]
fn duplicate_symbol() {
    let t = TestDir::new("errors", "duplicate_symbol");
    let a = gcc_c(
        t.path(),
        "first.c",
        "int dup_sym = 1;\nint main(void) { return dup_sym; }\n",
    );
    let b = gcc_c(t.path(), "second.c", "int dup_sym = 2;\n");
    let (a_name, b_name) = (path_str(&a), path_str(&b));
    report(vec![expect_failure(
        t.path(),
        "duplicate",
        &[a, b],
        &[],
        Says {
            first_line: &["dup_sym"],
            lines: &[&[&a_name], &[&b_name]],
            ..Says::default()
        },
    )]);
}

/// GNU ld refuses `-o x.o x.o` ("input file 'x.o' is the same as output file"); overwriting an
/// input with the output destroys the user's file.
#[test]
fn output_is_an_input() {
    let t = TestDir::new("errors", "output_is_an_input");
    let obj = gcc_c(t.path(), "hello.c", HELLO_C);
    let before = std::fs::read(&obj).unwrap();
    let mut cmd = link_cmd(&obj, std::slice::from_ref(&obj), &[]);
    let out = run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap();
    let after = std::fs::read(&obj).unwrap();
    let first = first_stderr_line(&out);
    let name = path_str(&obj);
    let mut problems = Vec::new();
    if out.status.code() != Some(1) {
        problems.push(format!(
            "expected exit 1, got {}",
            describe_status(out.status)
        ));
    }
    if !(first.starts_with("solder: error:") && first.contains(&name)) {
        problems.push(format!("the error does not name {name}: {first:?}"));
    }
    if after != before {
        problems.push("the input object was overwritten by the output".to_string());
    }
    if let Err(e) = check_listing(t.path(), &["hello.c", "hello.o"]) {
        problems.push(e);
    }
    assert!(
        problems.is_empty(),
        "{}\ncommand: {}",
        problems.join("\n"),
        show_command(&cmd)
    );
}

/// The output cannot be created: its directory does not exist, or it is a directory.
#[test]
fn output_cannot_be_written() {
    let t = TestDir::new("errors", "output_cannot_be_written");
    let obj = gcc_c(t.path(), "hello.c", HELLO_C);
    let mut problems = Vec::new();

    let nowhere = t.join("no_such_dir").join("prog");
    let out = run_with_timeout(
        &mut link_cmd(&nowhere, std::slice::from_ref(&obj), &[]),
        LINK_TIMEOUT,
    )
    .unwrap();
    let first = first_stderr_line(&out);
    if out.status.code() != Some(1) || !first.starts_with("solder: error:") {
        problems.push(format!(
            "missing output directory: {}: {first:?}",
            describe_status(out.status)
        ));
    } else if !first.contains(&path_str(&nowhere)) {
        problems.push(format!(
            "missing output directory: the error does not name the output: {first:?}"
        ));
    }

    let dir_out = t.join("is_a_dir");
    std::fs::create_dir_all(dir_out.join("inside")).unwrap();
    let out = run_with_timeout(
        &mut link_cmd(&dir_out, std::slice::from_ref(&obj), &[]),
        LINK_TIMEOUT,
    )
    .unwrap();
    let first = first_stderr_line(&out);
    if out.status.code() != Some(1) || !first.starts_with("solder: error:") {
        problems.push(format!(
            "output is a directory: {}: {first:?}",
            describe_status(out.status)
        ));
    }
    if listing(&dir_out) != ["inside"] {
        problems.push(format!(
            "output is a directory: it now holds {:?}",
            listing(&dir_out)
        ));
    }
    if let Err(e) = check_listing(t.path(), &["hello.c", "hello.o", "is_a_dir"]) {
        problems.push(e);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Overwriting a running program

/// Kills and reaps a child when dropped, so a failing test leaves no process behind.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn relink_over_running_program() {
    let t = TestDir::new("errors", "relink_over_running_program");
    let src = |msg: &str| {
        format!(
            "#include <stdio.h>\n\
             int main(void) {{\n\
                 char line[64];\n\
                 puts(\"{msg} started\"); fflush(stdout);\n\
                 if (fgets(line, sizeof line, stdin)) printf(\"{msg} read %s\", line);\n\
                 return 0;\n\
             }}\n"
        )
    };
    let old_obj = gcc_c(t.path(), "old.c", &src("old"));
    let new_obj = gcc_c(t.path(), "new.c", &src("new"));
    let prog = t.join("prog");
    run_ok(&mut link_cmd(&prog, &[old_obj], &[]), LINK_TIMEOUT)
        .unwrap_or_else(|e| panic!("first link: {e}"));

    // Start the old program and wait until it is running (it has printed its first line).
    let child = Command::new(&prog)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the old program");
    let mut child = KillOnDrop(child);
    let mut old_out = BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    old_out.read_line(&mut line).unwrap();
    assert_eq!(line, "old started\n");

    // Relink to the same path while it runs: no ETXTBSY, and the new program is there.
    let started = Instant::now();
    run_ok(&mut link_cmd(&prog, &[new_obj], &[]), LINK_TIMEOUT)
        .unwrap_or_else(|e| panic!("relinking over a running program failed: {e}"));
    let new_run = run_ok(Command::new(&prog).stdin(Stdio::null()), LINK_TIMEOUT)
        .unwrap_or_else(|e| panic!("the relinked program does not run: {e}"));
    assert_eq!(String::from_utf8_lossy(&new_run.stdout), "new started\n");
    assert!(started.elapsed() < LINK_TIMEOUT);

    // The old process still runs its own code.
    let mut stdin = child.0.stdin.take().unwrap();
    stdin.write_all(b"ping\n").unwrap();
    drop(stdin);
    line.clear();
    old_out.read_line(&mut line).unwrap();
    assert_eq!(line, "old read ping\n", "the running program was disturbed");
    let status = child.0.wait().unwrap();
    assert!(
        status.success(),
        "the old program exited with {}",
        describe_status(status)
    );
    check_listing(t.path(), &["new.c", "new.o", "old.c", "old.o", "prog"])
        .unwrap_or_else(|e| panic!("{e}"));
}

// ---------------------------------------------------------------------------------------------
// Robustness sweep

/// splitmix64: a fixed-seed generator, so every run corrupts the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The sweep's fixed seed and size; `SOLDER_SWEEP_SEED` (hex or decimal) and
/// `SOLDER_SWEEP_VARIANTS` override them to explore further without changing the test.
const SWEEP_SEED: u64 = 0x5eed_0f50_1de2_2001;
const SWEEP_VARIANTS: usize = 400;

fn sweep_seed() -> u64 {
    match std::env::var("SOLDER_SWEEP_SEED") {
        Ok(v) => match v.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16),
            None => v.parse(),
        }
        .unwrap_or_else(|_| panic!("bad SOLDER_SWEEP_SEED {v:?}")),
        Err(_) => SWEEP_SEED,
    }
}

fn sweep_variants() -> usize {
    match std::env::var("SOLDER_SWEEP_VARIANTS") {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("bad SOLDER_SWEEP_VARIANTS {v:?}")),
        Err(_) => SWEEP_VARIANTS,
    }
}
const SWEEP_TIMEOUT: Duration = Duration::from_secs(20);

/// One corrupted variant: `(offset, old byte, new byte)` for each changed byte.
struct Variant {
    index: usize,
    patches: Vec<(usize, u8, u8)>,
}

impl Variant {
    fn describe(&self) -> String {
        let p: Vec<String> = self
            .patches
            .iter()
            .map(|(at, old, new)| format!("0x{at:x}: 0x{old:02x} -> 0x{new:02x}"))
            .collect();
        format!("variant {} [{}]", self.index, p.join(", "))
    }
}

/// Byte ranges of the object where a corruption is most likely to reach the linker's parsing: the
/// ELF header, the section header table, and the contents of every section that is not debug info.
fn structural_ranges(d: &[u8]) -> Vec<(usize, usize)> {
    let shoff = rd64(d, 0x28) as usize;
    let shnum = rd16(d, 0x3c) as usize;
    let mut ranges = vec![(0, 64), (shoff, shoff + shnum * 64)];
    for s in sections(d) {
        let interesting = matches!(
            s.kind,
            SHT_SYMTAB | SHT_RELA | SHT_STRTAB | 17 /* GROUP */
        ) || !s.name.starts_with(".debug");
        if interesting && s.kind != 8 /* NOBITS */ && s.size > 0 && s.entsize < 4096 {
            ranges.push((s.offset as usize, (s.offset + s.size) as usize));
        }
    }
    ranges
}

fn make_variants(good: &[u8]) -> Vec<Variant> {
    let ranges = structural_ranges(good);
    let mut rng = Rng(sweep_seed());
    (0..sweep_variants())
        .map(|index| {
            let count = 1 + rng.below(4);
            let patches = (0..count)
                .map(|_| {
                    // One third anywhere in the file, two thirds in a structural range (each range
                    // equally likely, so the small ELF header is hit as often as the big tables).
                    let at = if rng.below(3) == 0 {
                        rng.below(good.len())
                    } else {
                        let (lo, hi) = ranges[rng.below(ranges.len())];
                        lo + rng.below(hi - lo)
                    };
                    let old = good[at];
                    let new = match rng.below(4) {
                        0 => [0x00, 0xff, 0x7f, 0x80][rng.below(4)],
                        _ => rng.next() as u8,
                    };
                    let new = if new == old { old ^ 0x80 } else { new };
                    (at, old, new)
                })
                .collect();
            Variant { index, patches }
        })
        .collect()
}

/// Corrupts 1–4 bytes of a real object (relocations, symbols, TLS, `.eh_frame`, debug info) in a
/// few hundred fixed-seed variants and links each. Every link must end with exit 0 or 1 — never 2
/// (panic / internal error), a signal or a timeout — and a failed link must leave no output and
/// start with `solder: error:`. Failures list the corrupted offsets and values; the variants that
/// fail are kept as `<test dir>/failing/variant-<n>.o` to reproduce with.
#[test]
fn corrupted_bytes_never_crash_the_linker() {
    let t = TestDir::new("errors", "corrupted_bytes");
    let obj = compile_with("gcc", t.path(), "fuzz.c", FUZZ_C, &["-O1", "-g"]);
    let good = std::fs::read(&obj).unwrap();
    // The uncorrupted object links and runs.
    let prog = t.join("prog");
    run_ok(
        &mut link_cmd(&prog, std::slice::from_ref(&obj), &[]),
        LINK_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("the uncorrupted object does not link: {e}"));
    run_ok(&mut Command::new(&prog), LINK_TIMEOUT)
        .unwrap_or_else(|e| panic!("the uncorrupted program does not run: {e}"));

    let variants = make_variants(&good);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    let started = Instant::now();
    let outcomes: Vec<(usize, Result<i32, String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (variants, good, dir) = (&variants, &good, t.path());
                s.spawn(move || {
                    let wdir = dir.join(format!("worker{w}"));
                    let out_dir = wdir.join("out");
                    std::fs::create_dir_all(&out_dir).unwrap();
                    variants
                        .iter()
                        .skip(w)
                        .step_by(workers)
                        .map(|v| (v.index, sweep_one(v, good, &wdir, &out_dir)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let elapsed = started.elapsed();

    let (mut linked, mut refused) = (0, 0);
    let mut failures = Vec::new();
    for (index, outcome) in outcomes {
        match outcome {
            Ok(0) => linked += 1,
            Ok(_) => refused += 1,
            Err(e) => {
                let v = &variants[index];
                let keep = t.join("failing");
                std::fs::create_dir_all(&keep).unwrap();
                let mut d = good.clone();
                for &(at, _, new) in &v.patches {
                    d[at] = new;
                }
                let kept = keep.join(format!("variant-{index}.o"));
                std::fs::write(&kept, &d).unwrap();
                failures.push(format!(
                    "{}: {e}\n  kept as {}",
                    v.describe(),
                    kept.display()
                ));
            }
        }
    }
    eprintln!(
        "corruption sweep: {} variants in {:.1} s with {workers} workers: {linked} linked, \
         {refused} refused cleanly, {} failed",
        variants.len(),
        elapsed.as_secs_f64(),
        failures.len()
    );
    if !failures.is_empty() {
        panic!(
            "{} of {} corrupted variants of {} broke the failure contract (seed 0x{:x}):\n{}",
            failures.len(),
            variants.len(),
            obj.display(),
            sweep_seed(),
            failures.join("\n")
        );
    }
}

/// Links one corrupted variant; `Ok(exit code)` when it ended cleanly.
fn sweep_one(v: &Variant, good: &[u8], wdir: &Path, out_dir: &Path) -> Result<i32, String> {
    let mut d = good.to_vec();
    for &(at, _, new) in &v.patches {
        d[at] = new;
    }
    let input = wdir.join("corrupt.o");
    std::fs::write(&input, &d).unwrap();
    let output = out_dir.join("prog");
    let _ = std::fs::remove_file(&output);
    let mut cmd = link_cmd(&output, &[input], &[]);
    let out = run_with_timeout(&mut cmd, SWEEP_TIMEOUT)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {
            check_listing(out_dir, &["prog"])?;
            Ok(0)
        }
        Some(1) => {
            // Warnings may come first (a corrupted relocation can look like a text relocation).
            if !stderr.lines().any(|l| l.starts_with("solder: error:")) {
                return Err(format!(
                    "exit 1 without a `solder: error:` line: {}",
                    truncate(&out.stderr, 500)
                ));
            }
            check_listing(out_dir, &[])?;
            Ok(1)
        }
        _ => Err(format!(
            "{}: {}",
            describe_status(out.status),
            truncate(&out.stderr, 800).trim_end()
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics GNU ld and lld give

/// A PC-relative reference that cannot reach its target: lld's wording, naming the file, the
/// section and offset, the value, the range and the symbol.
#[test]
fn relocation_overflow_names_everything() {
    let t = TestDir::new("errors", "relocation_overflow");
    let obj = gcc_c(
        t.path(),
        "far.c",
        "extern char far[];\nint main(void) { return far[0]; }\n",
    );
    let mut cmd = link_cmd(&t.join("prog"), &[obj], &["--defsym=far=0x100000000"]);
    let out = run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap();
    let first = first_stderr_line(&out);
    assert_eq!(out.status.code(), Some(1), "{first}");
    for want in [
        "far.o:(.text",
        "relocation R_X86_64_PC32 out of range: ",
        " is not in [-2147483648, 2147483647]; references 'far'",
    ] {
        assert!(
            first.contains(want),
            "the error does not say {want:?}: {first:?}"
        );
    }
    check_listing(t.path(), &["far.c", "far.o"]).unwrap_or_else(|e| panic!("{e}"));
}

const TEXTREL_S: &str = "\t.text\n\t.globl main\nmain:\n\tmovabs $var, %rax\n\tmovl (%rax), %eax\n\tret\n\t.data\n\t.globl var\nvar:\t.long 3\n\t.section .note.GNU-stack,\"\",@progbits\n";

/// A dynamic relocation in `.text` of a PIE: as GNU ld, a warning naming the file, symbol and
/// section by default, an error with `-z text`, nothing with `-z notext`; the exit statuses are
/// GNU ld's.
#[test]
fn text_relocations_follow_gnu_ld() {
    let t = TestDir::new("errors", "textrel");
    let obj = compile_with("gcc", t.path(), "tr.s", TEXTREL_S, &[]);
    for (flag, warns, fails) in [
        (None, true, false),
        (Some("-ztext"), true, true),
        (Some("-znotext"), false, false),
    ] {
        let extra: Vec<&str> = flag.into_iter().collect();
        let gnu = run_with_timeout(
            &mut link_cmd_with(
                Path::new("/usr/bin/ld.bfd"),
                &t.join("gnu"),
                std::slice::from_ref(&obj),
                &extra,
            ),
            LINK_TIMEOUT,
        )
        .unwrap();
        assert_eq!(
            gnu.status.success(),
            !fails,
            "GNU ld's behaviour changed for {flag:?}"
        );
        let out = run_with_timeout(
            &mut link_cmd(&t.join("prog"), std::slice::from_ref(&obj), &extra),
            LINK_TIMEOUT,
        )
        .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.success(),
            !fails,
            "{flag:?}: exit {}: {stderr}",
            describe_status(out.status)
        );
        let named = stderr.contains("tr.o: relocation against `var' in read-only section `.text'");
        assert_eq!(named, warns, "{flag:?}: {stderr}");
        if fails {
            assert!(
                stderr.contains("read-only segment has dynamic relocations"),
                "{stderr}"
            );
        } else if warns {
            assert!(
                stderr.contains("warning: creating DT_TEXTREL in a PIE"),
                "{stderr}"
            );
        }
    }
}

/// A CIE whose personality routine is an absolute pointer (`DW_EH_PE_absptr`, an `R_X86_64_64`
/// in `.eh_frame`), with an FDE for `main` that keeps it live.
const ABS_PERSONALITY_S: &str = "        .text
        .globl main
        .type main, @function
main:
        xorl %eax, %eax
        ret
.Lmain_end:
        .globl personality
        .type personality, @function
personality:
        ret

        .section .eh_frame,\"a\",@progbits
.Lcie:
        .long .Lcie_end - .Lcie_start
.Lcie_start:
        .long 0
        .byte 1
        .string \"zPR\"
        .uleb128 1
        .sleb128 -8
        .uleb128 16
        .uleb128 10
        .byte 0x00
        .quad personality
        .byte 0x1b
        .balign 8
.Lcie_end:
        .long .Lfde_end - .Lfde_start
.Lfde_start:
        .long .Lfde_start - .Lcie
        .long main - .
        .long .Lmain_end - main
        .uleb128 0
        .balign 8
.Lfde_end:
        .section .note.GNU-stack,\"\",@progbits
";

/// An `.eh_frame` record that would need a dynamic relocation in a PIE is refused, naming the
/// file, whether the records are scanned file by file or after marking (`--gc-sections`). GNU ld
/// links it with a text relocation and a warning instead.
#[test]
fn eh_frame_needing_dynamic_relocations_is_refused() {
    let t = TestDir::new("errors", "eh_frame_abs");
    let obj = compile_with("gcc", t.path(), "eh.s", ABS_PERSONALITY_S, &[]);
    let name = path_str(&obj);
    let first_line = [name.as_str(), ".eh_frame needs dynamic relocations"];
    let says = || Says {
        first_line: &first_line,
        ..Says::default()
    };
    report(vec![
        expect_failure(t.path(), "plain", std::slice::from_ref(&obj), &[], says()),
        expect_failure(
            t.path(),
            "gc",
            std::slice::from_ref(&obj),
            &["--gc-sections"],
            says(),
        ),
    ]);
}

/// A panic that still happens is one line naming solder's version and asking for a reproducer,
/// even when several threads panic at once, and exits with status 2.
#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the hook that makes solder panic exists only in debug builds"
)]
fn panic_report_is_one_line() {
    let out = run_with_timeout(
        Command::new(common::solder_bin())
            .arg("--version")
            .env("SOLDER_TEST_PANIC", "1"),
        LINK_TIMEOUT,
    )
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "not one line: {stderr}"
    );
    for want in [
        "solder: internal error: solder 0.1.0",
        "requested by SOLDER_TEST_PANIC",
        "--reproduce=",
    ] {
        assert!(
            stderr.contains(want),
            "the report does not say {want:?}: {stderr}"
        );
    }
}

/// Version scripts: a symbol named as global but not defined is GNU ld's error under
/// `--no-undefined-version`; a script that does not parse names the script; neither leaves an
/// output. A strong undefined symbol in a shared object is allowed, except with `-z defs`.
#[test]
fn shared_library_errors() {
    let t = TestDir::new("errors", "shared_library");
    let obj = compile_with(
        "gcc",
        t.path(),
        "lib.c",
        "extern int elsewhere(void);\nint api(void) { return elsewhere(); }\n",
        &["-O1", "-fPIC"],
    );
    let out = t.join("lib.so");
    let map = t.join("lib.map");
    let link = |extra: &[&str]| {
        let mut cmd = Command::new(common::solder_bin());
        cmd.arg("-shared").arg(&obj).arg("-o").arg(&out).args(extra);
        run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap()
    };
    let map_arg = format!("--version-script={}", map.display());
    for (script, extra, want) in [
        (
            "{ global: api; missing_fn; local: *; };",
            vec!["--no-undefined-version"],
            "version script assignment of 'global' to symbol 'missing_fn' failed: symbol not defined",
        ),
        (
            "{ global: api; local: *;",
            vec![],
            "lib.map:1: missing '}' in version script",
        ),
        (
            "V1 {\n  global: api;\n};\n\nV2 {\n  wrong: api;\n} V1;\n",
            vec![],
            "lib.map:6: unknown scope 'wrong:' in version script",
        ),
        (
            "{ global: api; };",
            vec!["-z", "defs"],
            "undefined symbol: elsewhere",
        ),
        (
            "V1 { global: api; }; V2 { global: api; } V9;",
            vec![],
            "lib.map:1: version node `V2' depends on unknown version `V9'",
        ),
        (
            "V1 { api; }; V1 { other; };",
            vec![],
            "lib.map:1: duplicate version tag `V1' in version script",
        ),
    ] {
        std::fs::write(&map, script).unwrap();
        let _ = std::fs::remove_file(&out);
        let mut args = vec![map_arg.as_str()];
        args.extend(extra);
        let o = link(&args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{script}: {stderr}");
        assert!(
            stderr.contains(want),
            "{script}: expected {want:?}, got {stderr}"
        );
        assert!(!out.exists(), "{script}: a failed link left an output");
    }
    std::fs::write(&map, "{ global: api; };").unwrap();
    let o = link(&[map_arg.as_str()]);
    assert!(o.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // An object's `.symver` naming a version no script defines: GNU ld's error, no output.
    let versioned = compile_with(
        "gcc",
        t.path(),
        "versioned.c",
        "int f_old(void) { return 1; }\n__asm__(\".symver f_old, f@V1\");\n",
        &["-O1", "-fPIC"],
    );
    let _ = std::fs::remove_file(&out);
    let mut cmd = Command::new(common::solder_bin());
    cmd.arg("-shared").arg(&versioned).arg("-o").arg(&out);
    let o = run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("lib.so: version node not found for symbol f@V1, versioned in ")
            && stderr.contains("versioned.o"),
        "{stderr}"
    );
    assert!(!out.exists(), "a failed link left an output");
}

/// `--unresolved-symbols=ignore-all` is silent, as GNU ld is; `--warn-unresolved-symbols` warns;
/// by default an undefined symbol is an error.
#[test]
fn unresolved_symbols_methods() {
    let t = TestDir::new("errors", "unresolved_methods");
    let obj = gcc_c(
        t.path(),
        "u.c",
        "extern int missing(void);\nint main(void) { return 0; }\nint f(void) { return missing(); }\n",
    );
    for (extra, ok, stderr_has) in [
        (vec![], false, Some("undefined symbol: missing")),
        (vec!["--unresolved-symbols=ignore-all"], true, None),
        (
            vec!["--warn-unresolved-symbols"],
            true,
            Some("warning: undefined symbol: missing"),
        ),
    ] {
        let exe = t.join("prog");
        let out = run_with_timeout(
            &mut link_cmd(&exe, std::slice::from_ref(&obj), &extra),
            LINK_TIMEOUT,
        )
        .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.success(), ok, "{extra:?}: {stderr}");
        match stderr_has {
            Some(w) => assert!(stderr.contains(w), "{extra:?}: {stderr}"),
            None => assert!(stderr.is_empty(), "{extra:?} should be silent: {stderr}"),
        }
    }
}

/// A non-PIC program that would copy a library's protected variable into itself: the library
/// would keep using its own copy, so GNU ld refuses, naming the object, the symbol and the
/// library; solder too, and leaves no output.
#[test]
fn copy_relocation_against_protected_data() {
    let t = TestDir::new("errors", "protected_copy");
    let lib_obj = compile_with(
        "gcc",
        t.path(),
        "lib.c",
        "__attribute__((visibility(\"protected\"))) int pdata = 5;\nint get(void) { return pdata; }\n",
        &["-O1", "-fPIC"],
    );
    let main_obj = compile_with(
        "gcc",
        t.path(),
        "main.c",
        "extern int pdata;\nint main(void) { return pdata; }\n",
        &["-O1", "-fno-pic"],
    );
    let lib = t.join("libp.so");
    let mut c = Command::new(common::solder_bin());
    c.arg("-shared").arg(&lib_obj).arg("-o").arg(&lib);
    let o = run_with_timeout(&mut c, LINK_TIMEOUT).unwrap();
    assert!(o.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let exe = t.join("prog");
    let mut c = Command::new(common::solder_bin());
    c.arg(&main_obj).arg(&lib).arg("-o").arg(&exe);
    c.args(["--no-dynamic-linker", "-e", "main"]);
    let o = run_with_timeout(&mut c, LINK_TIMEOUT).unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let want = format!(
        "main.o: copy relocation against non-copyable protected symbol `pdata' in {}",
        lib.display()
    );
    assert!(stderr.contains(&want), "expected {want:?}, got {stderr}");
    assert!(!exe.exists(), "a failed link left an output");
}

/// A library's undefined symbol that nothing defines: GNU ld's error when linking a program (its
/// default `--no-allow-shlib-undefined`), not when linking a library, and never with
/// `--allow-shlib-undefined`. The program would otherwise fail only when run.
#[test]
fn undefined_symbol_in_shared_library() {
    let t = TestDir::new("errors", "shlib_undefined");
    let lib_obj = compile_with(
        "gcc",
        t.path(),
        "u.c",
        "int missing_fn(void);\nint api(void) { return missing_fn(); }\n",
        &["-O1", "-fPIC"],
    );
    let lib = t.join("libu.so");
    let mut c = Command::new("gcc");
    c.args(["-fuse-ld=bfd", "-shared"])
        .arg(&lib_obj)
        .arg("-o")
        .arg(&lib);
    run_ok(&mut c, BUILD_TIMEOUT).unwrap();
    let main_obj = compile_with(
        "gcc",
        t.path(),
        "m.c",
        "int api(void);\nint main(void) { return api(); }\n",
        &["-O1", "-fPIC"],
    );
    let tools = t.join("tools");
    std::fs::create_dir_all(&tools).unwrap();
    std::os::unix::fs::symlink(common::solder_bin(), tools.join("ld")).unwrap();
    let want = format!("{}: undefined reference to `missing_fn'", lib.display());
    for (shared, flag, fails) in [
        (false, None, true),
        (false, Some("-Wl,--no-allow-shlib-undefined"), true),
        (false, Some("-Wl,--allow-shlib-undefined"), false),
        (true, None, false),
        (true, Some("-Wl,--no-allow-shlib-undefined"), true),
    ] {
        let out = t.join("out");
        let _ = std::fs::remove_file(&out);
        let mut c = Command::new("gcc");
        c.arg(format!("-B{}", tools.display()));
        if shared {
            c.arg("-shared");
        }
        c.arg(&main_obj).arg(&lib).args(flag).arg("-o").arg(&out);
        let o = run_with_timeout(&mut c, LINK_TIMEOUT).unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        let case = format!("shared={shared} {flag:?}");
        if fails {
            assert!(!o.success(), "{case}: linked");
            assert!(
                stderr.contains(&want),
                "{case}: expected {want:?}, got {stderr}"
            );
            assert!(!out.exists(), "{case}: a failed link left an output");
        } else {
            assert!(o.success(), "{case}: {stderr}");
        }
    }
}

/// With `--gc-sections`, relocations are scanned as marking reaches their sections, in whatever
/// order the threads get there. What scanning reports must not show that: the same message on
/// any thread count, undefined symbols in first-reference order with their files in command-line
/// order, errors in file order, and nothing from sections marking dropped (GNU ld reports
/// neither `only_dead_N` symbol either).
#[test]
fn gc_scan_reports_do_not_depend_on_threads() {
    let t = TestDir::new("errors", "gc_scan_order");
    const FILES: usize = 24;
    let mut pic = Vec::new();
    let mut non_pic = Vec::new();
    for i in 0..FILES {
        let src = format!(
            "extern int missing_{m}(void);\nextern int only_dead_{i}(void);\nint var_{i};\n\
             int live_{i}(void) {{ return missing_{m}() + 1; }}\n\
             int dead_{i}(void) {{ return only_dead_{i}(); }}\n\
             long addr_{i}(void) {{ return (long)&var_{i}; }}\n",
            m = (FILES - 1 - i) % 3
        );
        let flags = ["-O1", "-ffunction-sections", "-fdata-sections"];
        pic.push(compile_with(
            "gcc",
            t.path(),
            &format!("p{i}.c"),
            &src,
            &flags,
        ));
        let mut np = flags.to_vec();
        np.push("-fno-pic");
        non_pic.push(compile_with("gcc", t.path(), &format!("n{i}.c"), &src, &np));
    }
    let calls: String = (0..FILES)
        .map(|i| format!("extern int live_{i}(void); extern long addr_{i}(void);\n"))
        .collect();
    let body: String = (0..FILES)
        .map(|i| format!("s += live_{i}() + (int)addr_{i}();\n"))
        .collect();
    let main = compile_with(
        "gcc",
        t.path(),
        "main.c",
        &format!("{calls}int main(void) {{ int s = 0;\n{body}return s; }}\n"),
        &["-O1"],
    );
    for (what, objs) in [("pic", &pic), ("non-pic", &non_pic)] {
        let mut inputs = vec![main.clone()];
        inputs.extend(objs.iter().cloned());
        let mut seen: Option<String> = None;
        for threads in ["--threads=1", "--threads=2", "--threads=4"] {
            let out = run_with_timeout(
                &mut link_cmd(
                    &t.join(&format!("{what}.out")),
                    &inputs,
                    &["--gc-sections", threads],
                ),
                LINK_TIMEOUT,
            )
            .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            assert!(!out.status.success(), "{what} {threads}: linked: {stderr}");
            assert!(!stderr.contains("only_dead"), "{what} {threads}: {stderr}");
            match &seen {
                Some(first) => assert_eq!(&stderr, first, "{what}: {threads} against --threads=1"),
                None => seen = Some(stderr),
            }
        }
        let stderr = seen.unwrap();
        let name = |i: usize| path_str(&objs[i]);
        // Each of `needles` is in the message, in this order.
        let in_order = |needles: Vec<String>| {
            let at: Vec<usize> = needles
                .iter()
                .map(|n| stderr.find(n.as_str()).expect(&stderr))
                .collect();
            assert!(at.is_sorted(), "{stderr}");
        };
        if what == "pic" {
            // `main` calls live_0 first, whose file refers to the last of the three.
            in_order(
                ["missing_2", "missing_1", "missing_0"]
                    .iter()
                    .map(|m| format!("undefined symbol: {m}"))
                    .collect(),
            );
            in_order(
                (0..FILES)
                    .filter(|i| (FILES - 1 - i).is_multiple_of(3))
                    .map(|i| format!("referenced by {}\n", name(i)))
                    .collect(),
            );
        } else {
            in_order(
                (0..FILES)
                    .map(|i| format!("{}: relocation", name(i)))
                    .collect(),
            );
        }
    }
}
