//! Facts about the linked file that running the program does not show: program headers, ELF type
//! and entry point, `.dynamic`, symbol versions, relocations of static executables,
//! `.eh_frame_hdr`, the build-id note, `.comment`, copy relocations and canonical PLT entries, and
//! what `-s` / `-S` strip.
//!
//! Each test compiles small C programs (written below), links them with solder (`gcc -B <tool
//! dir>`, the tool dir's `ld` being solder or `$SOLDER_DIFF_LD`, as in the differential tests) and
//! with GNU ld (`gcc -fuse-ld=bfd`) with the same arguments, extracts facts from both files with
//! `readelf`/`objdump` (parsed by the small parsers at the end of this file) and compares them.
//! Where a fact is a rule rather than a comparison (no segment is both writable and executable,
//! the `.eh_frame_hdr` table is sorted), the rule is checked on both files, so a rule GNU ld
//! breaks shows up as a broken test rather than a solder bug. A test reports every failed fact
//! with both linkers' values and the two link commands. Work files live in
//! `<CARGO_TARGET_TMPDIR>/readelf_facts-<pid>/<test>/` and are kept when the test fails.
//!
//! Modes are those of the differential tests: `pie` (`-fPIE -pie`), `nopie` (`-fno-pie
//! -no-pie`), `static` (`-fno-pie -static`), `staticpie` (`-fPIE -static-pie`).

mod common;

use common::{
    Mode, check_tool_dir, link_command, linker_under_test, make_tool_dir, readelf_section_rows,
    remove_stale, run_link, run_ok, run_with_timeout, scratch_dir, show_command,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------------------------

/// Ordinary program: TLS (`.tdata` and an aligned `.tbss`), libc calls, several functions.
const BASIC: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
__thread int tls_init = 5;
__thread long tls_more[3] = { 1, 2, 3 };
__thread char tls_zero[100] __attribute__((aligned(64)));
static const char *const words[] = { "alpha", "beta", "gamma" };
__attribute__((noinline)) static int mix(int a, int b) { return a * 31 + b; }
__attribute__((noinline)) int helper(const char *s) { return (int)strlen(s) + tls_init; }
int main(int argc, char **argv) {
    char buf[64];
    size_t n = strlen(argv[0]) % 32;
    memcpy(buf, argv[0], n);
    buf[n] = 0;
    tls_zero[argc] = (char)argc;
    printf("%s %d %d %ld\n", words[argc % 3], helper(buf), mix(argc, tls_zero[argc]), tls_more[argc % 3]);
    return 0;
}
"#;

/// A second, different program (for build ids).
const OTHER: &str = r#"
#include <stdio.h>
int main(void) { puts("another program"); return 0; }
"#;

/// Uses libm.
const MATH: &str = r#"
#include <math.h>
#include <stdio.h>
int main(int argc, char **argv) { volatile double x = argc + 0.5; printf("%f\n", sin(x) + cbrt(x)); return 0; }
"#;

/// Symbol versions: `memcpy` has a newer default version (GLIBC_2.14), `__libc_start_main`
/// (GLIBC_2.34) comes from the start files, and `realpath` is bound to its old version with
/// `.symver` (the default is GLIBC_2.3).
const VERSIONS: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
__asm__(".symver realpath,realpath@GLIBC_2.2.5");
int main(int argc, char **argv) {
    char dst[256];
    volatile size_t n = strlen(argv[0]) + 1;
    memcpy(dst, argv[0], n > sizeof dst ? sizeof dst : n);
    char *r = realpath(".", NULL);
    printf("%s %d\n", dst, r != NULL);
    free(r);
    return 0;
}
"#;

/// An IFUNC called directly and through function pointers in data, plus ordinary function
/// pointers in data: a static-pie needs both R_X86_64_RELATIVE and R_X86_64_IRELATIVE.
const IFUNC: &str = r#"
#include <stdio.h>
static int impl_a(int x) { return x + 1; }
static int impl_b(int x) { return x + 2; }
static int (*resolve_twice(void))(int) { return impl_b; }
int twice(int) __attribute__((ifunc("resolve_twice")));
static int (*const table[])(int) = { impl_a, impl_b, twice };
int (*volatile fp)(int) = twice;
int main(void) {
    int s = 0;
    for (int i = 0; i < 3; i++) s += table[i](i);
    printf("%d %d\n", s, fp(5) + twice(1));
    return 0;
}
"#;

/// Non-PIC code using libc data (`stdout`, `environ`: copy relocations) and taking the address
/// of libc functions in code (`strlen`, canonical PLT entry) and in data (`puts`).
const COPYREL: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern char **environ;
int (*volatile fptr)(const char *) = puts;
__attribute__((noinline)) size_t (*get_strlen(void))(const char *) { return strlen; }
int main(void) {
    fprintf(stdout, "%d\n", environ != 0);
    fptr("hi");
    printf("%d %d\n", (int)get_strlen()("abc"), (void *)get_strlen() == (void *)strlen);
    return 0;
}
"#;

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

fn tool_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        remove_stale("readelf-facts-tools-");
        remove_stale("readelf_facts-");
        let dir = make_tool_dir("readelf-facts-tools", &linker_under_test());
        check_tool_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    })
}

/// A test's work directory, removed when the test passes.
struct Work {
    dir: PathBuf,
}

impl Work {
    fn new(test: &str) -> Work {
        let dir = scratch_dir()
            .join(format!("readelf_facts-{}", std::process::id()))
            .join(test);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Work { dir }
    }

    /// Compiles `text` (saved as `<name>.c`) for `mode` with `-O2 -g`; returns the object.
    fn compile(&self, name: &str, text: &str, mode: Mode) -> PathBuf {
        let src = self.dir.join(format!("{name}.c"));
        if !src.exists() {
            std::fs::write(&src, text).unwrap();
        }
        let obj = self.dir.join(format!("{name}.{}.o", mode.name()));
        let mut cmd = Command::new("gcc");
        cmd.args(["-c", "-O2", "-g", mode.compile_flag()])
            .arg(&src)
            .arg("-o")
            .arg(&obj);
        run_ok(&mut cmd, TIMEOUT).unwrap_or_else(|e| panic!("compile: {e}"));
        obj
    }

    /// Links `objs` and `extra` (flags and libraries, after the objects) with both linkers.
    fn link_both(&self, label: &str, mode: Mode, objs: &[PathBuf], extra: &[&str]) -> Pair {
        let mut cmds = Vec::new();
        let mut outs = Vec::new();
        for (tag, driver) in [
            ("solder", format!("-B{}", tool_dir().display())),
            ("gnu", "-fuse-ld=bfd".to_string()),
        ] {
            let out = self
                .dir
                .join(format!("{label}.{}.{tag}", mode.name()).replace([' ', '/'], "_"));
            let mut cmd = link_command("gcc", &driver, mode, &out);
            cmd.args(objs).args(extra);
            let shown = run_link(&mut cmd, &out)
                .unwrap_or_else(|e| panic!("[{} {label}] {tag} link failed: {e}", mode.name()));
            cmds.push(shown);
            outs.push(out);
        }
        Pair {
            label: format!("{} {label}", mode.name()),
            solder: outs[0].clone(),
            gnu: outs[1].clone(),
            commands: format!("  solder link: {}\n  GNU ld link: {}", cmds[0], cmds[1]),
        }
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
            if let Some(parent) = self.dir.parent() {
                let _ = std::fs::remove_dir(parent); // only once empty
            }
        }
    }
}

/// The same link done by both linkers.
struct Pair {
    label: String,
    solder: PathBuf,
    gnu: PathBuf,
    commands: String,
}

impl Pair {
    fn both(&self) -> [(&'static str, &Path); 2] {
        [("solder", &self.solder), ("GNU ld", &self.gnu)]
    }
}

/// Collects failed facts; panics with all of them at the end.
#[derive(Default)]
struct Facts {
    failures: Vec<String>,
}

impl Facts {
    /// A fact both linkers must agree on.
    fn same<T: Debug + PartialEq>(&mut self, pair: &Pair, what: &str, solder: T, gnu: T) {
        if solder != gnu {
            self.failures.push(format!(
                "[{}] {what} differs\n  solder: {solder:?}\n  GNU ld: {gnu:?}\n{}",
                pair.label, pair.commands
            ));
        }
    }

    /// Like [`Facts::same`] for sets, naming what only one side has.
    fn same_set<T: Debug + Ord>(
        &mut self,
        pair: &Pair,
        what: &str,
        solder: &BTreeSet<T>,
        gnu: &BTreeSet<T>,
    ) {
        if solder != gnu {
            self.failures.push(format!(
                "[{}] {what} differs\n  only solder: {:?}\n  only GNU ld: {:?}\n  both: {:?}\n{}",
                pair.label,
                solder.difference(gnu).collect::<Vec<_>>(),
                gnu.difference(solder).collect::<Vec<_>>(),
                solder.intersection(gnu).collect::<Vec<_>>(),
                pair.commands
            ));
        }
    }

    /// A rule one linker's output must satisfy; `who` is "solder" or "GNU ld".
    fn rule(&mut self, pair: &Pair, who: &str, ok: bool, msg: impl FnOnce() -> String) {
        if !ok {
            let broken = if who == "GNU ld" {
                " (GNU ld breaks it too: the test itself is wrong)"
            } else {
                ""
            };
            self.failures.push(format!(
                "[{}] {who}: {}{broken}\n{}",
                pair.label,
                msg(),
                pair.commands
            ));
        }
    }

    fn finish(self) {
        if !self.failures.is_empty() {
            panic!(
                "{} fact(s) wrong (linker under test: {}):\n\n{}",
                self.failures.len(),
                linker_under_test().display(),
                self.failures.join("\n\n")
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests: program headers
// ---------------------------------------------------------------------------------------------

/// Segment types whose flags are compared (every segment of the type).
const FLAGGED_TYPES: &[&str] = &[
    "PHDR",
    "INTERP",
    "DYNAMIC",
    "NOTE",
    "TLS",
    "GNU_EH_FRAME",
    "GNU_STACK",
    "GNU_RELRO",
];

/// Checks the segment rules on one file; returns (flags of loads carrying code, sorted; flags of
/// loads carrying only data, as a set).
fn load_rules(
    facts: &mut Facts,
    pair: &Pair,
    who: &str,
    path: &Path,
) -> (Vec<String>, BTreeSet<String>) {
    let segs = program_headers(path);
    let secs = sections(path);
    let by_name: BTreeMap<&str, &Section> = secs.iter().map(|s| (s.name.as_str(), s)).collect();
    for p in &segs.phdrs {
        facts.rule(pair, who, !(p.writable() && p.exec()), || {
            format!("segment {} is writable and executable ({})", p.ty, p.flags)
        });
    }
    let mut code = Vec::new();
    let mut data = BTreeSet::new();
    for (i, p) in segs.phdrs.iter().enumerate() {
        if p.ty != "LOAD" {
            continue;
        }
        let names = segs.mapping.get(i).cloned().unwrap_or_default();
        let mut has_code = false;
        for name in &names {
            let Some(s) = by_name.get(name.as_str()) else {
                continue;
            };
            if s.flags.contains('X') {
                has_code = true;
                facts.rule(pair, who, p.exec() && !p.writable(), || {
                    format!(
                        "code section {name} is in a LOAD with flags {} (want R+X, not W)",
                        p.flags
                    )
                });
            } else if s.flags.contains('W') {
                facts.rule(pair, who, p.writable() && !p.exec(), || {
                    format!(
                        "writable section {name} is in a LOAD with flags {} (want RW)",
                        p.flags
                    )
                });
            } else if s.flags.contains('A') {
                facts.rule(pair, who, !p.writable() && !p.exec(), || {
                    format!(
                        "read-only data section {name} is in a LOAD with flags {} (want R)",
                        p.flags
                    )
                });
            }
        }
        if has_code {
            code.push(p.flags.clone());
        } else {
            data.insert(p.flags.clone());
        }
    }
    code.sort();
    (code, data)
}

#[test]
fn segments() {
    let work = Work::new("segments");
    let mut facts = Facts::default();
    for mode in Mode::ALL {
        let obj = work.compile("basic", BASIC, mode);
        let pair = work.link_both("basic", mode, &[obj], &[]);
        let (s, g) = (program_headers(&pair.solder), program_headers(&pair.gnu));
        facts.same_set(&pair, "program header types", &s.types(), &g.types());
        for ty in FLAGGED_TYPES {
            facts.same(
                &pair,
                &format!("flags of PT_{ty}"),
                s.flags_of(ty),
                g.flags_of(ty),
            );
        }
        facts.same(&pair, "PT_INTERP contents", &s.interp, &g.interp);
        let tls = |p: &Segments| {
            p.phdrs
                .iter()
                .filter(|h| h.ty == "TLS")
                .map(|h| (h.filesz, h.memsz, h.align))
                .collect::<Vec<_>>()
        };
        facts.same(&pair, "PT_TLS (filesz, memsz, align)", tls(&s), tls(&g));

        // Rules every file must follow, whoever linked it.
        let dynamic = !mode.is_static();
        let eh_hdr = mode != Mode::Static; // gcc passes --eh-frame-hdr except for -static
        for (who, p) in [("solder", &s), ("GNU ld", &g)] {
            let has = |t: &str| p.phdrs.iter().any(|h| h.ty == t);
            facts.rule(&pair, who, has("INTERP") == dynamic, || {
                format!("PT_INTERP present: {} (want {dynamic})", has("INTERP"))
            });
            let want_dynamic = mode != Mode::Static;
            facts.rule(&pair, who, has("DYNAMIC") == want_dynamic, || {
                format!(
                    "PT_DYNAMIC present: {} (want {want_dynamic})",
                    has("DYNAMIC")
                )
            });
            facts.rule(&pair, who, has("GNU_EH_FRAME") == eh_hdr, || {
                format!(
                    "PT_GNU_EH_FRAME present: {} (want {eh_hdr})",
                    has("GNU_EH_FRAME")
                )
            });
            facts.rule(&pair, who, has("NOTE"), || "no PT_NOTE".into());
            facts.rule(&pair, who, has("TLS"), || "no PT_TLS".into());
            facts.rule(
                &pair,
                who,
                p.flags_of("GNU_STACK") == ["RW"].map(String::from).into(),
                || format!("PT_GNU_STACK flags {:?}, want RW", p.flags_of("GNU_STACK")),
            );
            facts.rule(
                &pair,
                who,
                p.flags_of("GNU_RELRO") == ["R"].map(String::from).into(),
                || format!("PT_GNU_RELRO flags {:?}, want R", p.flags_of("GNU_RELRO")),
            );
        }

        // Loads: code only in R+X loads, nothing W+X; the permissions used by code loads (as a
        // multiset) and by data loads (as a set: splitting RW data into a RELRO load and another
        // load, as lld does, is a layout choice) are GNU ld's.
        let (s_code, s_data) = load_rules(&mut facts, &pair, "solder", &pair.solder);
        let (g_code, g_data) = load_rules(&mut facts, &pair, "GNU ld", &pair.gnu);
        facts.same(&pair, "flags of LOADs carrying code", s_code, g_code);
        facts.same(&pair, "flags of LOADs carrying only data", s_data, g_data);
    }
    facts.finish();
}

#[test]
fn segments_z_options() {
    let work = Work::new("segments_z_options");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::Static] {
        let obj = work.compile("basic", BASIC, mode);
        let objs = [obj];
        let pair = work.link_both("execstack", mode, &objs, &["-Wl,-z,execstack"]);
        let (s, g) = (program_headers(&pair.solder), program_headers(&pair.gnu));
        facts.same(
            &pair,
            "PT_GNU_STACK flags with -z execstack",
            s.flags_of("GNU_STACK"),
            g.flags_of("GNU_STACK"),
        );
        for (who, p) in [("solder", &s), ("GNU ld", &g)] {
            facts.rule(
                &pair,
                who,
                p.flags_of("GNU_STACK") == ["RWE"].map(String::from).into(),
                || {
                    format!(
                        "-z execstack: PT_GNU_STACK flags {:?}, want RWE",
                        p.flags_of("GNU_STACK")
                    )
                },
            );
        }

        let pair = work.link_both("norelro", mode, &objs, &["-Wl,-z,norelro"]);
        let (s, g) = (program_headers(&pair.solder), program_headers(&pair.gnu));
        facts.same(
            &pair,
            "PT_GNU_RELRO present with -z norelro",
            s.types().contains("GNU_RELRO"),
            g.types().contains("GNU_RELRO"),
        );
        for (who, p) in [("solder", &s), ("GNU ld", &g)] {
            facts.rule(&pair, who, !p.types().contains("GNU_RELRO"), || {
                "-z norelro: PT_GNU_RELRO present".into()
            });
        }
    }
    facts.finish();
}

// ---------------------------------------------------------------------------------------------
// Tests: ELF header
// ---------------------------------------------------------------------------------------------

#[test]
fn elf_type_and_entry() {
    let work = Work::new("elf_type_and_entry");
    let mut facts = Facts::default();
    for mode in Mode::ALL {
        let obj = work.compile("basic", BASIC, mode);
        let pair = work.link_both("basic", mode, &[obj], &[]);
        let (s, g) = (elf_header(&pair.solder), elf_header(&pair.gnu));
        facts.same(&pair, "ELF type", &s.ty, &g.ty);
        let want = match mode {
            Mode::Pie | Mode::StaticPie => "DYN",
            Mode::NoPie | Mode::Static => "EXEC",
        };
        for (who, path) in pair.both() {
            let h = elf_header(path);
            facts.rule(&pair, who, h.ty == want, || {
                format!("ELF type {}, want {want}", h.ty)
            });
            let start: Vec<u64> = symbols(path, ".symtab")
                .iter()
                .filter(|s| s.name == "_start" && s.ndx != "UND")
                .map(|s| s.value)
                .collect();
            facts.rule(&pair, who, start == [h.entry], || {
                format!(
                    "entry point {:#x}, but _start in its .symtab is at {:x?}",
                    h.entry, start
                )
            });
        }
    }
    facts.finish();
}

// ---------------------------------------------------------------------------------------------
// Tests: .dynamic
// ---------------------------------------------------------------------------------------------

fn needed(path: &Path) -> Vec<String> {
    dynamic(path)
        .unwrap_or_default()
        .into_iter()
        .filter(|(t, _)| t == "NEEDED")
        .map(|(_, v)| v)
        .collect()
}

/// (case name, objects, extra link flags, whether libm must be in DT_NEEDED if that is checked)
type DynamicCase<'a> = (&'a str, &'a [PathBuf], &'a [&'a str], Option<bool>);

#[test]
fn dynamic_needed() {
    let work = Work::new("dynamic_needed");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::NoPie] {
        let basic = [work.compile("basic", BASIC, mode)];
        let math = [work.compile("math", MATH, mode)];
        let cases: [DynamicCase; 5] = [
            ("default", &basic, &[], None),
            (
                "unused libm, --as-needed",
                &basic,
                &["-Wl,--as-needed", "-lm"],
                Some(false),
            ),
            (
                "unused libm, --no-as-needed",
                &basic,
                &["-Wl,--no-as-needed", "-lm"],
                Some(true),
            ),
            (
                "used libm, --as-needed",
                &math,
                &["-Wl,--as-needed", "-lm"],
                Some(true),
            ),
            (
                "order: --no-as-needed -ldl -lm -lutil",
                &basic,
                &["-Wl,--no-as-needed", "-ldl", "-lm", "-lutil"],
                Some(true),
            ),
        ];
        for (label, objs, extra, want_libm) in cases {
            let pair = work.link_both(label, mode, objs, extra);
            let (s, g) = (needed(&pair.solder), needed(&pair.gnu));
            facts.same(&pair, "DT_NEEDED list", &s, &g);
            if let Some(want) = want_libm {
                for (who, list) in [("solder", &s), ("GNU ld", &g)] {
                    let has = list.iter().any(|n| n == "libm.so.6");
                    facts.rule(&pair, who, has == want, || {
                        format!("DT_NEEDED {list:?}: libm.so.6 present is {has}, want {want}")
                    });
                }
            }
        }
    }
    facts.finish();
}

#[test]
fn dynamic_rpath() {
    let work = Work::new("dynamic_rpath");
    let mut facts = Facts::default();
    let mode = Mode::Pie;
    let objs = [work.compile("basic", BASIC, mode)];
    let cases: [(&str, &[&str], &str, &str); 3] = [
        ("rpath", &["-Wl,-rpath,/x"], "RUNPATH", "RPATH"),
        (
            "two rpaths",
            &["-Wl,-rpath,/x", "-Wl,-rpath,/y/z:/w"],
            "RUNPATH",
            "RPATH",
        ),
        (
            "rpath, --disable-new-dtags",
            &["-Wl,-rpath,/x", "-Wl,--disable-new-dtags"],
            "RPATH",
            "RUNPATH",
        ),
    ];
    for (label, extra, want, absent) in cases {
        let pair = work.link_both(label, mode, &objs, extra);
        let paths = |p: &Path| {
            dynamic(p)
                .unwrap_or_default()
                .into_iter()
                .filter(|(t, _)| t == "RPATH" || t == "RUNPATH")
                .collect::<Vec<_>>()
        };
        facts.same(
            &pair,
            "DT_RPATH/DT_RUNPATH entries",
            paths(&pair.solder),
            paths(&pair.gnu),
        );
        for (who, path) in pair.both() {
            let p = paths(path);
            facts.rule(
                &pair,
                who,
                p.iter().any(|(t, _)| t == want) && !p.iter().any(|(t, _)| t == absent),
                || format!("want DT_{want} and no DT_{absent}, got {p:?}"),
            );
        }
    }
    facts.finish();
}

/// `.dynamic` tags whose presence is compared.
const COMPARED_TAGS: &[&str] = &[
    "NEEDED",
    "SONAME",
    "RPATH",
    "RUNPATH",
    "TEXTREL",
    "HASH",
    "GNU_HASH",
    "SYMTAB",
    "STRTAB",
    "DEBUG",
    "FLAGS",
    "FLAGS_1",
    "BIND_NOW",
    "SYMBOLIC",
    "INIT_ARRAY",
    "FINI_ARRAY",
    "VERSYM",
    "VERNEED",
    "RELA",
];

fn flag_words(dynamic: &[(String, String)], tag: &str) -> BTreeSet<String> {
    dynamic
        .iter()
        .filter(|(t, _)| t == tag)
        .flat_map(|(_, v)| {
            v.trim_start_matches("Flags:")
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn dynamic_flags_and_tags() {
    let work = Work::new("dynamic_flags_and_tags");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::NoPie, Mode::StaticPie] {
        let objs = [work.compile("basic", BASIC, mode)];
        for (label, extra) in [("default", &[][..]), ("-z now", &["-Wl,-z,now"][..])] {
            let pair = work.link_both(label, mode, &objs, extra);
            let (s, g) = (
                dynamic(&pair.solder).unwrap_or_default(),
                dynamic(&pair.gnu).unwrap_or_default(),
            );
            for tag in ["FLAGS", "FLAGS_1"] {
                facts.same(
                    &pair,
                    &format!("DT_{tag} flags"),
                    flag_words(&s, tag),
                    flag_words(&g, tag),
                );
            }
            let present = |d: &[(String, String)]| {
                COMPARED_TAGS
                    .iter()
                    .filter(|t| d.iter().any(|(x, _)| x == *t))
                    .copied()
                    .collect::<Vec<_>>()
            };
            facts.same(
                &pair,
                "which of these tags are present",
                present(&s),
                present(&g),
            );
            let now = !extra.is_empty();
            let pie = mode != Mode::NoPie;
            for (who, d) in [("solder", &s), ("GNU ld", &g)] {
                let (f, f1) = (flag_words(d, "FLAGS"), flag_words(d, "FLAGS_1"));
                facts.rule(&pair, who, f.contains("BIND_NOW") == now, || {
                    format!("DT_FLAGS {f:?}: BIND_NOW wanted: {now}")
                });
                facts.rule(&pair, who, f1.contains("NOW") == now, || {
                    format!("DT_FLAGS_1 {f1:?}: NOW wanted: {now}")
                });
                facts.rule(&pair, who, f1.contains("PIE") == pie, || {
                    format!("DT_FLAGS_1 {f1:?}: PIE wanted: {pie}")
                });
                for absent in ["SONAME", "TEXTREL"] {
                    facts.rule(&pair, who, !d.iter().any(|(t, _)| t == absent), || {
                        format!("an executable has DT_{absent}")
                    });
                }
                facts.rule(&pair, who, !f.contains("TEXTREL"), || {
                    format!("DT_FLAGS {f:?} has TEXTREL")
                });
            }
        }
    }
    facts.finish();
}

// ---------------------------------------------------------------------------------------------
// Tests: symbol versions
// ---------------------------------------------------------------------------------------------

#[test]
fn symbol_versions() {
    let work = Work::new("symbol_versions");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::NoPie] {
        let objs = [work.compile("versions", VERSIONS, mode)];
        let pair = work.link_both("versions", mode, &objs, &[]);
        let und = |p: &Path| -> BTreeMap<String, String> {
            objdump_dynamic(p)
                .into_iter()
                .filter(|s| s.section == "*UND*")
                .map(|s| (s.name, s.version))
                .collect()
        };
        let (s, g) = (und(&pair.solder), und(&pair.gnu));
        facts.same(
            &pair,
            "versions of undefined dynamic symbols (objdump -T)",
            &s,
            &g,
        );
        for (who, map) in [("solder", &s), ("GNU ld", &g)] {
            for (name, want) in [
                ("memcpy", "GLIBC_2.14"),
                ("__libc_start_main", "GLIBC_2.34"),
                ("realpath", "GLIBC_2.2.5"),
            ] {
                let got = map.get(name).map(String::as_str);
                facts.rule(&pair, who, got == Some(want), || {
                    format!("{name} binds to version {got:?}, want {want}")
                });
            }
        }
        facts.same_set(
            &pair,
            ".gnu.version_r (file, version) pairs",
            &version_needs(&pair.solder),
            &version_needs(&pair.gnu),
        );
    }
    facts.finish();
}

// ---------------------------------------------------------------------------------------------
// Tests: static executables
// ---------------------------------------------------------------------------------------------

#[test]
fn static_has_no_dynamic_linking() {
    let work = Work::new("static_has_no_dynamic_linking");
    let mut facts = Facts::default();
    let objs = [work.compile("basic", BASIC, Mode::Static)];
    let pair = work.link_both("basic", Mode::Static, &objs, &[]);
    for (who, path) in pair.both() {
        let types = program_headers(path).types();
        for t in ["INTERP", "DYNAMIC"] {
            facts.rule(&pair, who, !types.contains(t), || {
                format!("static executable has PT_{t}")
            });
        }
        let d = dynamic(path);
        facts.rule(&pair, who, d.is_none(), || {
            format!("static executable has a dynamic section: {d:?}")
        });
        let secs: Vec<String> = sections(path)
            .into_iter()
            .map(|s| s.name)
            .filter(|n| matches!(n.as_str(), ".interp" | ".dynamic" | ".dynsym" | ".dynstr"))
            .collect();
        facts.rule(&pair, who, secs.is_empty(), || {
            format!("static executable has sections {secs:?}")
        });
    }
    facts.finish();
}

#[test]
fn static_pie_relocations() {
    let work = Work::new("static_pie_relocations");
    let mut facts = Facts::default();
    let objs = [work.compile("ifunc", IFUNC, Mode::StaticPie)];
    let pair = work.link_both("ifunc", Mode::StaticPie, &objs, &[]);
    for (who, path) in pair.both() {
        let h = elf_header(path);
        facts.rule(&pair, who, h.ty == "DYN", || {
            format!("static-pie has ELF type {}, want DYN", h.ty)
        });
        let d = dynamic(path).unwrap_or_default();
        let f1 = flag_words(&d, "FLAGS_1");
        facts.rule(&pair, who, f1.contains("PIE"), || {
            format!("DT_FLAGS_1 {f1:?} lacks PIE")
        });
        let n = needed(path);
        facts.rule(&pair, who, n.is_empty(), || format!("DT_NEEDED {n:?}"));
        let types = program_headers(path).types();
        facts.rule(&pair, who, !types.contains("INTERP"), || {
            "static-pie has PT_INTERP".into()
        });
        let relocs = relocations(path);
        let kinds: BTreeSet<&str> = relocs.iter().map(|r| r.ty.as_str()).collect();
        let other: Vec<String> = relocs
            .iter()
            .filter(|r| r.ty != "R_X86_64_RELATIVE" && r.ty != "R_X86_64_IRELATIVE")
            .map(|r| format!("{} {} {:?} in {}", r.ty, r.offset_hex, r.sym, r.section))
            .collect();
        facts.rule(&pair, who, other.is_empty(), || {
            format!("dynamic relocations other than RELATIVE/IRELATIVE: {other:?}")
        });
        for k in ["R_X86_64_RELATIVE", "R_X86_64_IRELATIVE"] {
            facts.rule(&pair, who, kinds.contains(k), || {
                format!("no {k} relocation (relocation types: {kinds:?})")
            });
        }
    }
    facts.finish();
}

/// `DT_RELACOUNT` counts the relative relocations at the start of `.rela.dyn` (ld.so applies them
/// in a fast loop); every relative relocation is among them. Programs with relative, symbolic,
/// GLOB_DAT, COPY and IRELATIVE relocations.
#[test]
fn relative_relocations_first() {
    let work = Work::new("relative_relocations_first");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::NoPie, Mode::StaticPie] {
        for (name, src) in [("ifunc", IFUNC), ("copyrel", COPYREL)] {
            let objs = [work.compile(name, src, mode)];
            let pair = work.link_both(name, mode, &objs, &[]);
            let mut counts = Vec::new();
            for (who, path) in pair.both() {
                let d = dynamic(path).unwrap_or_default();
                let relacount: Option<usize> = d
                    .iter()
                    .find(|(t, _)| t == "RELACOUNT")
                    .map(|(_, v)| v.trim().parse().expect("RELACOUNT is a number"));
                let kinds: Vec<String> = relocations(path)
                    .into_iter()
                    .filter(|r| r.section == ".rela.dyn")
                    .map(|r| r.ty)
                    .collect();
                let relative = kinds.iter().filter(|t| *t == "R_X86_64_RELATIVE").count();
                let leading = kinds
                    .iter()
                    .take_while(|t| *t == "R_X86_64_RELATIVE")
                    .count();
                facts.rule(&pair, who, leading == relative, || {
                    format!("relative relocations are not all first in .rela.dyn: {kinds:?}")
                });
                let want = (relative > 0).then_some(relative);
                facts.rule(&pair, who, relacount == want, || {
                    format!("DT_RELACOUNT {relacount:?}, {relative} relative relocations")
                });
                counts.push(relacount.is_some());
            }
            // The counts themselves may differ: GNU ld sometimes picks another relocation for
            // the same pointer (IRELATIVE for an IFUNC's address in data, say).
            facts.same(&pair, "DT_RELACOUNT present", counts[0], counts[1]);
        }
    }
    facts.finish();
}

/// `-z pack-relative-relocs`: relative relocations go to `.relr.dyn` (`DT_RELR`, `DT_RELRSZ`,
/// `DT_RELRENT`), none stays in `.rela.dyn`, the loader's support is a version need on
/// `GLIBC_ABI_DT_RELR` (dynamic programs; a static-pie relocates itself), and both linkers pack as
/// many places.
#[test]
fn packed_relative_relocations() {
    let work = Work::new("packed_relative_relocations");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::StaticPie] {
        for (name, src) in [("ifunc", IFUNC), ("basic", BASIC)] {
            let objs = [work.compile(name, src, mode)];
            let pair = work.link_both(name, mode, &objs, &["-Wl,-z,pack-relative-relocs"]);
            let mut packed = Vec::new();
            for (who, path) in pair.both() {
                let d = dynamic(path).unwrap_or_default();
                let tags: BTreeSet<&str> = d.iter().map(|(t, _)| t.as_str()).collect();
                for t in ["RELR", "RELRSZ", "RELRENT"] {
                    facts.rule(&pair, who, tags.contains(t), || format!("no DT_{t}"));
                }
                let relative = relocations(path)
                    .into_iter()
                    .filter(|r| r.ty == "R_X86_64_RELATIVE")
                    .count();
                facts.rule(&pair, who, relative == 0, || {
                    format!("{relative} R_X86_64_RELATIVE left in .rela.dyn")
                });
                let needs = version_needs(path);
                let want = mode == Mode::Pie;
                let has = needs.contains(&("libc.so.6".into(), "GLIBC_ABI_DT_RELR".into()));
                facts.rule(&pair, who, has == want, || {
                    format!("GLIBC_ABI_DT_RELR needed: {has}, want {want} ({needs:?})")
                });
                // readelf -r: "Relocation section '.relr.dyn' ... contains N entries:" then
                // "  K offsets".
                let text = tool_output("readelf", &["-rW"], path);
                let offsets = text
                    .lines()
                    .skip_while(|l| !l.contains("'.relr.dyn'"))
                    .find_map(|l| l.trim().strip_suffix(" offsets")?.parse::<usize>().ok());
                packed.push(offsets);
            }
            // GNU ld relocates an IFUNC's address in data with IRELATIVE, solder with the
            // canonical PLT entry's address (a relative relocation): one place more.
            if name != "ifunc" {
                facts.same(&pair, "places packed into .relr.dyn", packed[0], packed[1]);
            }
        }
    }
    facts.finish();
}

const WEAK_UNDEF: &str = r#"
#include <stdio.h>
extern int maybe __attribute__((weak));
int main(void) { printf("%s\n", &maybe ? "defined" : "null"); return 0; }
"#;

/// `-z [no]dynamic-undefined-weak`: whether an undefined weak symbol is left in `.dynsym` for the
/// loader, and so whether a library loaded first (`LD_PRELOAD`) can define it. A PIE leaves it by
/// default and resolves it to zero with `nodynamic-undefined-weak`; a non-PIE program lists it
/// with `dynamic-undefined-weak` but its direct references cannot be rebound. Both linkers alike.
#[test]
fn dynamic_undefined_weak() {
    let work = Work::new("dynamic_undefined_weak");
    let mut facts = Facts::default();
    let lib = work.dir.join("libmaybe.so");
    let src = work.dir.join("maybe.c");
    std::fs::write(&src, "int maybe = 7;\n").unwrap();
    run_ok(
        Command::new("gcc")
            .args(["-shared", "-fPIC"])
            .arg(&src)
            .arg("-o")
            .arg(&lib),
        TIMEOUT,
    )
    .unwrap();
    for mode in [Mode::Pie, Mode::NoPie] {
        let objs = [work.compile("weak_undef", WEAK_UNDEF, mode)];
        for (label, extra) in [
            ("default", None),
            ("dynamic", Some("-Wl,-z,dynamic-undefined-weak")),
            ("nodynamic", Some("-Wl,-z,nodynamic-undefined-weak")),
        ] {
            let pair = work.link_both(
                &format!("weak_undef_{label}"),
                mode,
                &objs,
                extra.as_slice(),
            );
            let mut seen = Vec::new();
            for (_, path) in pair.both() {
                let listed = symbols(path, ".dynsym")
                    .iter()
                    .any(|s| s.base_name() == "maybe");
                let preloaded = run_ok(Command::new(path).env("LD_PRELOAD", &lib), TIMEOUT)
                    .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                    .unwrap_or_else(|e| e);
                seen.push((listed, preloaded));
            }
            facts.same(
                &pair,
                "(maybe in .dynsym, what the program says with a definition preloaded)",
                &seen[0],
                &seen[1],
            );
        }
    }
    facts.finish();
}

/// `--compress-debug-sections=zlib|zstd`: the debug sections carry `SHF_COMPRESSED` (as GNU ld's
/// do for the same option), readelf decodes exactly the DWARF of the uncompressed link, and the
/// program still runs the same.
#[test]
fn compressed_debug_sections() {
    let work = Work::new("compressed_debug_sections");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::Static] {
        let objs = [work.compile("basic", BASIC, mode)];
        let plain = work.link_both("plain", mode, &objs, &[]);
        for how in ["zlib", "zstd"] {
            let flag = format!("-Wl,--compress-debug-sections={how}");
            let pair = work.link_both(how, mode, &objs, &[&flag]);
            let flagged = |path: &Path| -> BTreeSet<String> {
                sections(path)
                    .into_iter()
                    .filter(|s| s.name.starts_with(".debug") && s.flags.contains('C'))
                    .map(|s| s.name)
                    .collect()
            };
            for (who, path) in pair.both() {
                let c = flagged(path);
                facts.rule(&pair, who, c.contains(".debug_info"), || {
                    format!("compressed debug sections: {c:?}; .debug_info is not among them")
                });
            }
            for dump in [
                "--debug-dump=info",
                "--debug-dump=decodedline",
                "--debug-dump=abbrev",
            ] {
                let want = tool_output("readelf", &[dump], &plain.solder);
                let got = tool_output("readelf", &[dump], &pair.solder);
                // The dump names the file it reads; nothing else may differ.
                let got = got.replace(
                    &pair.solder.display().to_string(),
                    &plain.solder.display().to_string(),
                );
                facts.rule(&pair, "solder", got == want, || {
                    format!("readelf {dump} differs from the uncompressed link's")
                });
            }
            let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            facts.rule(
                &pair,
                "solder",
                size(&pair.solder) < size(&plain.solder),
                || {
                    format!(
                        "compressed output is {} bytes, uncompressed {}",
                        size(&pair.solder),
                        size(&plain.solder)
                    )
                },
            );
            // (The program prints the length of its argv[0]; give both the same.)
            let run = |p: &Path| {
                use std::os::unix::process::CommandExt;
                run_ok(Command::new(p).arg0("basic"), TIMEOUT)
                    .map(|o| o.stdout)
                    .unwrap_or_else(|e| e.into_bytes())
            };
            facts.same(&pair, "program output", run(&pair.solder), run(&pair.gnu));
        }
    }
    facts.finish();
}

#[test]
fn static_irelative_bracketed() {
    let work = Work::new("static_irelative_bracketed");
    let mut facts = Facts::default();
    let objs = [work.compile("ifunc", IFUNC, Mode::Static)];
    let pair = work.link_both("ifunc", Mode::Static, &objs, &[]);
    for (who, path) in pair.both() {
        let syms = symbols(path, ".symtab");
        let value = |n: &str| {
            syms.iter()
                .filter(|s| s.name == n && s.ndx != "UND")
                .map(|s| s.value)
                .collect::<Vec<_>>()
        };
        let (start, end) = (value("__rela_iplt_start"), value("__rela_iplt_end"));
        let relocs = relocations(path);
        let irel_secs: BTreeSet<&str> = relocs
            .iter()
            .filter(|r| r.ty == "R_X86_64_IRELATIVE")
            .map(|r| r.section.as_str())
            .collect();
        facts.rule(&pair, who, irel_secs.len() == 1, || {
            format!("IRELATIVE relocations should sit in one section, found in {irel_secs:?}")
        });
        let Some(&sec_name) = irel_secs.iter().next() else {
            continue;
        };
        let secs = sections(path);
        let Some(sec) = secs.iter().find(|s| s.name == sec_name) else {
            facts.rule(&pair, who, false, || format!("no section {sec_name}"));
            continue;
        };
        facts.rule(
            &pair,
            who,
            start == [sec.addr] && end == [sec.addr + sec.size],
            || {
                format!(
                    "__rela_iplt_start {start:x?} / __rela_iplt_end {end:x?} do not bracket \
                     {sec_name} [{:#x}, {:#x})",
                    sec.addr,
                    sec.addr + sec.size
                )
            },
        );
        let in_sec: Vec<&Reloc> = relocs.iter().filter(|r| r.section == sec_name).collect();
        let irel = in_sec
            .iter()
            .filter(|r| r.ty == "R_X86_64_IRELATIVE")
            .count();
        facts.rule(&pair, who, irel > 0 && irel == in_sec.len(), || {
            format!(
                "{sec_name} has {} relocations, {irel} of them IRELATIVE (want all, at least one)",
                in_sec.len()
            )
        });
        facts.rule(&pair, who, sec.size == 24 * in_sec.len() as u64, || {
            format!(
                "{sec_name} is {:#x} bytes but holds {} relocations",
                sec.size,
                in_sec.len()
            )
        });
    }
    facts.finish();
}

// ---------------------------------------------------------------------------------------------
// Tests: .eh_frame_hdr
// ---------------------------------------------------------------------------------------------

/// Checks `.eh_frame_hdr` of one file against `readelf --debug-dump=frames`; returns whether the
/// file has one.
fn check_eh_frame_hdr(facts: &mut Facts, pair: &Pair, who: &str, path: &Path) -> bool {
    let secs = sections(path);
    let Some(hdr) = secs.iter().find(|s| s.name == ".eh_frame_hdr") else {
        return false;
    };
    let Some(eh) = secs.iter().find(|s| s.name == ".eh_frame") else {
        facts.rule(pair, who, false, || {
            ".eh_frame_hdr without .eh_frame".into()
        });
        return true;
    };
    let bytes = std::fs::read(path).unwrap();
    let data = &bytes[hdr.offset as usize..(hdr.offset + hdr.size) as usize];
    let table = match parse_eh_frame_hdr(data, hdr.addr) {
        Ok(t) => t,
        Err(e) => {
            facts.rule(pair, who, false, || format!(".eh_frame_hdr: {e}"));
            return true;
        }
    };
    facts.rule(pair, who, table.eh_frame_ptr == eh.addr, || {
        format!(
            ".eh_frame_hdr eh_frame_ptr {:#x}, but .eh_frame is at {:#x}",
            table.eh_frame_ptr, eh.addr
        )
    });
    let fdes = eh_frame_fdes(path);
    facts.rule(pair, who, table.entries.len() == fdes.len(), || {
        format!(
            ".eh_frame_hdr has {} entries (fde_count {}), readelf --debug-dump=frames lists {} FDEs",
            table.entries.len(),
            table.fde_count,
            fdes.len()
        )
    });
    let unsorted: Vec<_> = table
        .entries
        .windows(2)
        .filter(|w| w[0].0 >= w[1].0)
        .map(|w| (w[0].0, w[1].0))
        .take(5)
        .collect();
    facts.rule(pair, who, unsorted.is_empty(), || {
        format!(
            ".eh_frame_hdr table not sorted by initial location: pairs out of order {unsorted:x?}"
        )
    });
    // Each entry names a real FDE (by address) with the same initial location.
    let by_addr: BTreeMap<u64, u64> = fdes
        .iter()
        .map(|f| (eh.addr + f.offset, f.pc_begin))
        .collect();
    let wrong: Vec<String> = table
        .entries
        .iter()
        .filter(|(loc, fde)| by_addr.get(fde) != Some(loc))
        .take(5)
        .map(|(loc, fde)| {
            format!(
                "(pc {loc:#x}, fde {fde:#x}: readelf has {:x?} there)",
                by_addr.get(fde)
            )
        })
        .collect();
    facts.rule(pair, who, wrong.is_empty(), || {
        format!(
            ".eh_frame_hdr entries that match no FDE: {}",
            wrong.join(" ")
        )
    });
    true
}

#[test]
fn eh_frame_hdr() {
    let work = Work::new("eh_frame_hdr");
    let mut facts = Facts::default();
    for mode in Mode::ALL {
        let objs = [work.compile("basic", BASIC, mode)];
        let pair = work.link_both("basic", mode, &objs, &[]);
        let s = check_eh_frame_hdr(&mut facts, &pair, "solder", &pair.solder);
        let g = check_eh_frame_hdr(&mut facts, &pair, "GNU ld", &pair.gnu);
        facts.same(&pair, ".eh_frame_hdr present", s, g);
        facts.same(
            &pair,
            "PT_GNU_EH_FRAME present",
            program_headers(&pair.solder)
                .types()
                .contains("GNU_EH_FRAME"),
            program_headers(&pair.gnu).types().contains("GNU_EH_FRAME"),
        );
    }
    facts.finish();
}

// ---------------------------------------------------------------------------------------------
// Tests: build id, .comment
// ---------------------------------------------------------------------------------------------

#[test]
fn build_id() {
    let work = Work::new("build_id");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::Static] {
        let basic = [work.compile("basic", BASIC, mode)];
        let other = [work.compile("other", OTHER, mode)];
        // gcc passes --build-id (sha1 style: 20 bytes).
        let a = work.link_both("basic", mode, &basic, &[]);
        let b = work.link_both("other", mode, &other, &[]);
        for (who, pa, pb) in [("solder", &a.solder, &b.solder), ("GNU ld", &a.gnu, &b.gnu)] {
            let (ia, ib) = (build_ids(pa), build_ids(pb));
            facts.rule(&a, who, ia.len() == 1 && ia[0].len() == 40, || {
                format!("want one 20-byte build id (--build-id), readelf -n shows {ia:?}")
            });
            facts.rule(&a, who, ia != ib, || {
                format!(
                    "two different programs have the same build id {ia:?} ({} and {})",
                    pa.display(),
                    pb.display()
                )
            });
        }
        let cases: [(&str, &str, Option<usize>); 3] = [
            ("md5", "-Wl,--build-id=md5", Some(32)),
            (
                "hex",
                "-Wl,--build-id=0x0123456789abcdeffedcba9876543210",
                Some(32),
            ),
            ("none", "-Wl,--build-id=none", None),
        ];
        for (label, flag, want_len) in cases {
            let pair = work.link_both(label, mode, &basic, &[flag]);
            let (s, g) = (build_ids(&pair.solder), build_ids(&pair.gnu));
            facts.same(
                &pair,
                "build id note lengths",
                s.iter().map(String::len).collect::<Vec<_>>(),
                g.iter().map(String::len).collect::<Vec<_>>(),
            );
            if label == "hex" {
                facts.same(&pair, "explicit build id", &s, &g);
            }
            for (who, ids) in [("solder", &s), ("GNU ld", &g)] {
                let ok = match want_len {
                    Some(n) => ids.len() == 1 && ids[0].len() == n,
                    None => ids.is_empty(),
                };
                facts.rule(&pair, who, ok, || {
                    format!("{flag}: readelf -n shows build ids {ids:?}")
                });
            }
        }
    }
    facts.finish();
}

#[test]
fn comment_names_solder() {
    let work = Work::new("comment_names_solder");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::Static] {
        let objs = [work.compile("basic", BASIC, mode)];
        let pair = work.link_both("basic", mode, &objs, &[]);
        let (s, g) = (comment_lines(&pair.solder), comment_lines(&pair.gnu));
        let ours: Vec<&String> = s.iter().filter(|l| l.contains("solder")).collect();
        facts.rule(&pair, "solder", !ours.is_empty(), || {
            format!(".comment has no line naming solder: {s:?}")
        });
        // The compilers' lines are kept, as GNU ld keeps them.
        let rest = |v: &[String]| {
            v.iter()
                .filter(|l| !l.contains("solder"))
                .cloned()
                .collect::<BTreeSet<_>>()
        };
        facts.same_set(
            &pair,
            ".comment lines other than solder's",
            &rest(&s),
            &rest(&g),
        );
    }
    facts.finish();
}

// ---------------------------------------------------------------------------------------------
// Tests: copy relocations, canonical PLT entries, .dynsym
// ---------------------------------------------------------------------------------------------

#[test]
fn copy_relocations() {
    let work = Work::new("copy_relocations");
    let mut facts = Facts::default();
    let objs = [work.compile("copyrel", COPYREL, Mode::NoPie)];
    let pair = work.link_both("copyrel", Mode::NoPie, &objs, &[]);
    let copies = |p: &Path| -> Vec<Reloc> {
        relocations(p)
            .into_iter()
            .filter(|r| r.ty == "R_X86_64_COPY")
            .collect()
    };
    let (s, g) = (copies(&pair.solder), copies(&pair.gnu));
    facts.same(
        &pair,
        "number of R_X86_64_COPY relocations",
        s.len(),
        g.len(),
    );
    // Which name a copy relocation uses among aliases (environ, _environ, __environ) is the
    // linker's choice; what matters is that the names the program uses are defined in the
    // executable at a copied address.
    for (who, path, copies) in [("solder", &pair.solder, &s), ("GNU ld", &pair.gnu, &g)] {
        let dynsyms = symbols(path, ".dynsym");
        for name in ["stdout", "environ"] {
            let defs: Vec<&Symbol> = dynsyms
                .iter()
                .filter(|d| d.base_name() == name && d.ndx != "UND")
                .collect();
            let copied = defs
                .iter()
                .any(|d| copies.iter().any(|r| r.offset == d.value));
            facts.rule(&pair, who, copied, || {
                format!(
                    "{name}: no R_X86_64_COPY at its .dynsym definition (definitions {:?}, \
                     copy relocations {:?})",
                    defs.iter()
                        .map(|d| format!("{}@{:#x}", d.name, d.value))
                        .collect::<Vec<_>>(),
                    copies
                        .iter()
                        .map(|r| format!("{:?}@{:#x}", r.sym, r.offset))
                        .collect::<Vec<_>>()
                )
            });
        }
    }
    facts.finish();
}

#[test]
fn canonical_plt() {
    let work = Work::new("canonical_plt");
    let mut facts = Facts::default();
    let objs = [work.compile("copyrel", COPYREL, Mode::NoPie)];
    let pair = work.link_both("copyrel", Mode::NoPie, &objs, &[]);
    let canonical = |p: &Path| -> BTreeSet<String> {
        symbols(p, ".dynsym")
            .into_iter()
            .filter(|s| s.ndx == "UND" && s.ty == "FUNC" && s.value != 0)
            .map(|s| s.base_name().to_string())
            .collect()
    };
    let (s, g) = (canonical(&pair.solder), canonical(&pair.gnu));
    // `strlen`'s address is taken in non-PIC code: its .dynsym value must be its PLT entry.
    // Every function GNU ld makes canonical must be canonical in solder too (solder may make
    // more: a canonical PLT entry instead of a dynamic relocation is a valid choice).
    let missing: Vec<&String> = g.difference(&s).collect();
    facts.rule(&pair, "solder", missing.is_empty(), || {
        format!(
            "undefined functions with a non-zero .dynsym value: solder {s:?}, GNU ld {g:?}; \
             missing {missing:?}"
        )
    });
    for (who, set) in [("solder", &s), ("GNU ld", &g)] {
        facts.rule(&pair, who, set.contains("strlen"), || {
            format!("strlen (address taken in code) has value 0 in .dynsym; non-zero: {set:?}")
        });
    }
    facts.finish();
}

#[test]
fn dynsym_entries_unique() {
    let work = Work::new("dynsym_entries_unique");
    let mut facts = Facts::default();
    for (name, text, mode) in [
        ("copyrel", COPYREL, Mode::NoPie),
        ("basic", BASIC, Mode::Pie),
        ("versions", VERSIONS, Mode::Pie),
    ] {
        let objs = [work.compile(name, text, mode)];
        let pair = work.link_both(name, mode, &objs, &[]);
        for (who, path) in pair.both() {
            let mut seen = BTreeMap::<String, usize>::new();
            for s in symbols(path, ".dynsym")
                .iter()
                .filter(|s| !s.name.is_empty())
            {
                *seen.entry(s.name.clone()).or_default() += 1;
            }
            let dups: Vec<String> = seen
                .into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(s, n)| format!("{s} x{n}"))
                .collect();
            facts.rule(&pair, who, dups.is_empty(), || {
                format!(".dynsym lists the same name@version more than once: {dups:?}")
            });
        }
    }
    facts.finish();
}

// ---------------------------------------------------------------------------------------------
// Tests: .symtab, stripping
// ---------------------------------------------------------------------------------------------

#[test]
fn symtab_undefined_symbols() {
    let work = Work::new("symtab_undefined_symbols");
    let mut facts = Facts::default();
    for mode in Mode::ALL {
        let objs = [work.compile("basic", BASIC, mode)];
        let pair = work.link_both("basic", mode, &objs, &[]);
        // (binding, type, name) of every undefined .symtab entry. A symbol some input defines
        // must not be listed as undefined, an undefined symbol the inputs reference must be
        // listed, and an undefined symbol has the type its references give it (not, say,
        // STT_GNU_IFUNC copied from the shared library's definition).
        let und = |p: &Path| -> BTreeSet<String> {
            symbols(p, ".symtab")
                .into_iter()
                .filter(|s| s.ndx == "UND" && !s.name.is_empty())
                .map(|s| format!("{} {} {}", s.bind, s.ty, s.base_name()))
                .collect()
        };
        facts.same_set(
            &pair,
            "undefined symbols (binding type name) in .symtab",
            &und(&pair.solder),
            &und(&pair.gnu),
        );
    }
    facts.finish();
}

/// "BIND NAME" of each `.symtab` symbol of `path` whose name contains `part`.
fn symtab_binds(path: &Path, part: &str) -> BTreeSet<String> {
    symbols(path, ".symtab")
        .into_iter()
        .filter(|s| s.name.contains(part))
        .map(|s| format!("{} {}", s.bind, s.name))
        .collect()
}

/// `__start_SEC`/`__stop_SEC` are defined for references from linked files only. Here the second
/// archive's member defines `f` too and references `__start_mysec`; `f` comes from the first
/// archive, so that member is not linked (GNU ld never reads it; solder reads it, as a possible
/// definer of `f`, and drops it), and neither linker defines the two symbols.
#[test]
fn start_stop_only_for_linked_files() {
    let work = Work::new("start_stop_only_for_linked_files");
    let mut facts = Facts::default();
    for mode in Mode::ALL {
        let main = work.compile(
            "main",
            "__attribute__((section(\"mysec\"), used)) int x = 1;\nint f(void);\nint main(void) { return f(); }\n",
            mode,
        );
        let first = work.compile("first", "int f(void) { return 0; }\n", mode);
        let second = work.compile(
            "second",
            "extern char __start_mysec[], __stop_mysec[];\nint f(void) { return __stop_mysec - __start_mysec; }\n",
            mode,
        );
        let archive = |name: &str, obj: &Path| -> PathBuf {
            let a = work.dir.join(format!("lib{name}.{}.a", mode.name()));
            let _ = std::fs::remove_file(&a);
            run_ok(Command::new("ar").arg("rcs").arg(&a).arg(obj), TIMEOUT)
                .unwrap_or_else(|e| panic!("ar: {e}"));
            a
        };
        let objs = [main, archive("first", &first), archive("second", &second)];
        let pair = work.link_both("start_stop", mode, &objs, &[]);
        facts.same_set(
            &pair,
            "__start_/__stop_ symbols in .symtab",
            &symtab_binds(&pair.solder, "_mysec"),
            &symtab_binds(&pair.gnu, "_mysec"),
        );
    }
    facts.finish();
}

/// Names longer than the 32 bytes parse reads of them: an orphan section keeps its whole name,
/// a `.rodata.`/`.text.` one joins its output section, and a long C-identifier section still
/// gets its `__start_`/`__stop_` symbols.
#[test]
fn long_section_names() {
    let work = Work::new("long_section_names");
    let mut facts = Facts::default();
    let src = concat!(
        "__attribute__((section(\".orphan.whose.name.is.longer.than.thirty.two.bytes\"), used))\n",
        "int orphan = 1;\n",
        "__attribute__((section(\".rodata.a_constant_whose_section_name_is_long\"), used))\n",
        "const int constant = 2;\n",
        "__attribute__((section(\".text.a_function_whose_section_name_is_long_too\"), noinline))\n",
        "int f(void) { return constant; }\n",
        "__attribute__((section(\"an_identifier_section_longer_than_32_bytes\"), used))\n",
        "int ident = 3;\n",
        "extern int __start_an_identifier_section_longer_than_32_bytes[];\n",
        "extern int __stop_an_identifier_section_longer_than_32_bytes[];\n",
        "int main(void) {\n",
        "  return f() + (int)(__stop_an_identifier_section_longer_than_32_bytes\n",
        "      - __start_an_identifier_section_longer_than_32_bytes) - orphan - 2;\n",
        "}\n",
    );
    for mode in Mode::ALL {
        let objs = [work.compile("long_names", src, mode)];
        let pair = work.link_both("long_section_names", mode, &objs, &[]);
        let names = |p: &Path| -> BTreeSet<String> {
            sections(p)
                .into_iter()
                .filter(|s| s.flags.contains('A'))
                .map(|s| s.name)
                // The input's own sections, not the synthetic ones (`.plt.got` differs).
                .filter(|n| n.contains("long") || [".text", ".rodata", ".data"].contains(&&**n))
                .collect()
        };
        let (solder, gnu) = (names(&pair.solder), names(&pair.gnu));
        for want in [
            ".orphan.whose.name.is.longer.than.thirty.two.bytes",
            "an_identifier_section_longer_than_32_bytes",
        ] {
            facts.rule(&pair, "GNU ld", gnu.contains(want), || {
                format!("no section {want} in {gnu:?}")
            });
        }
        facts.same_set(&pair, "allocated section names", &solder, &gnu);
        facts.same_set(
            &pair,
            "__start_/__stop_ symbols",
            &symtab_binds(&pair.solder, "an_identifier_section"),
            &symtab_binds(&pair.gnu, "an_identifier_section"),
        );
    }
    facts.finish();
}

#[test]
fn strip_options() {
    let work = Work::new("strip_options");
    let mut facts = Facts::default();
    for mode in [Mode::Pie, Mode::Static] {
        let objs = [work.compile("basic", BASIC, mode)];
        let names = |p: &Path| -> Vec<String> { sections(p).into_iter().map(|s| s.name).collect() };
        let debug = |n: &[String]| {
            n.iter()
                .filter(|s| s.starts_with(".debug_"))
                .cloned()
                .collect::<Vec<_>>()
        };
        let has = |n: &[String], s: &str| n.iter().any(|x| x == s);
        let cases: [(&str, &[&str]); 3] = [("default", &[]), ("-s", &["-s"]), ("-S", &["-Wl,-S"])];
        for (label, extra) in cases {
            let pair = work.link_both(label, mode, &objs, extra);
            let (s, g) = (names(&pair.solder), names(&pair.gnu));
            facts.same(
                &pair,
                ".symtab present",
                has(&s, ".symtab"),
                has(&g, ".symtab"),
            );
            facts.same(
                &pair,
                ".debug_info present",
                has(&s, ".debug_info"),
                has(&g, ".debug_info"),
            );
            for (who, n) in [("solder", &s), ("GNU ld", &g)] {
                let (want_symtab, want_debug) = match label {
                    "-s" => (false, false),
                    "-S" => (true, false),
                    _ => (true, true),
                };
                facts.rule(&pair, who, has(n, ".symtab") == want_symtab, || {
                    format!(
                        "{label}: .symtab present is {}, want {want_symtab}",
                        has(n, ".symtab")
                    )
                });
                facts.rule(&pair, who, debug(n).is_empty() != want_debug, || {
                    format!(
                        "{label}: debug sections {:?}, want some: {want_debug}",
                        debug(n)
                    )
                });
            }
        }
    }
    facts.finish();
}

// ---------------------------------------------------------------------------------------------
// Parsers of readelf / objdump output
// ---------------------------------------------------------------------------------------------

/// Runs `prog args file`, returning stdout. A tool that fails to start or times out panics;
/// a non-zero exit is allowed (readelf warns about absent sections that way) but its stderr is
/// kept in the panic message if the output is empty.
fn tool_output(prog: &str, args: &[&str], file: &Path) -> String {
    let mut cmd = Command::new(prog);
    cmd.args(args).arg(file);
    let out = run_with_timeout(&mut cmd, TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    if !out.success() && out.stdout.is_empty() {
        panic!(
            "{} failed: {}",
            show_command(&cmd),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn hex_u64(s: &str) -> u64 {
    let s = s.trim_start_matches("0x");
    u64::from_str_radix(s, 16).unwrap_or_else(|_| panic!("not a hex number: {s:?}"))
}

struct Header {
    ty: String,
    entry: u64,
}

/// `readelf -hW`: the `Type:` word (EXEC, DYN) and the entry point.
fn elf_header(path: &Path) -> Header {
    let text = tool_output("readelf", &["-hW"], path);
    let mut h = Header {
        ty: String::new(),
        entry: 0,
    };
    for line in text.lines() {
        if let Some(v) = line.trim().strip_prefix("Type:") {
            h.ty = v.split_whitespace().next().unwrap_or("").to_string();
        } else if let Some(v) = line.trim().strip_prefix("Entry point address:") {
            h.entry = hex_u64(v.trim());
        }
    }
    h
}

#[derive(Debug)]
struct Phdr {
    ty: String,
    filesz: u64,
    memsz: u64,
    /// readelf's letters without spaces: "R", "RE", "RW", "RWE".
    flags: String,
    align: u64,
}

impl Phdr {
    fn writable(&self) -> bool {
        self.flags.contains('W')
    }
    fn exec(&self) -> bool {
        self.flags.contains('E')
    }
}

struct Segments {
    phdrs: Vec<Phdr>,
    interp: Option<String>,
    /// Section names per segment, from "Section to Segment mapping".
    mapping: Vec<Vec<String>>,
}

impl Segments {
    fn types(&self) -> BTreeSet<String> {
        self.phdrs.iter().map(|p| p.ty.clone()).collect()
    }
    fn flags_of(&self, ty: &str) -> BTreeSet<String> {
        self.phdrs
            .iter()
            .filter(|p| p.ty == ty)
            .map(|p| p.flags.clone())
            .collect()
    }
}

/// `readelf -lW`: rows `Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align`, where Flg is one
/// to three words ("R E", "RW"); the interpreter line; the section to segment mapping.
fn program_headers(path: &Path) -> Segments {
    let text = tool_output("readelf", &["-lW"], path);
    let mut segs = Segments {
        phdrs: Vec::new(),
        interp: None,
        mapping: Vec::new(),
    };
    let mut in_table = false;
    let mut in_mapping = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("Program Headers:") {
            in_table = true;
            continue;
        }
        if t.starts_with("Section to Segment mapping:") {
            in_table = false;
            in_mapping = true;
            continue;
        }
        if let Some(rest) = t.strip_prefix("[Requesting program interpreter:") {
            segs.interp = Some(rest.trim_end_matches(']').trim().to_string());
            continue;
        }
        if in_table {
            let w: Vec<&str> = t.split_whitespace().collect();
            if w.len() < 8 || w[0] == "Type" || !w[1].starts_with("0x") {
                continue;
            }
            segs.phdrs.push(Phdr {
                ty: w[0].to_string(),
                filesz: hex_u64(w[4]),
                memsz: hex_u64(w[5]),
                flags: w[6..w.len() - 1].concat(),
                align: hex_u64(w[w.len() - 1]),
            });
        } else if in_mapping {
            let mut w = t.split_whitespace();
            let Some(idx) = w.next() else { continue };
            if idx.parse::<usize>().is_ok() {
                segs.mapping.push(w.map(String::from).collect());
            }
        }
    }
    assert!(
        !segs.phdrs.is_empty(),
        "no program headers parsed from readelf -lW {}:\n{text}",
        path.display()
    );
    segs
}

#[derive(Debug)]
struct Section {
    name: String,
    addr: u64,
    offset: u64,
    size: u64,
    /// readelf's flag letters ("AX", "WA", ...), empty when none.
    flags: String,
}

/// `readelf -SW`: rows `[Nr] Name Type Address Off Size ES Flg Lk Inf Al`; Flg may be empty and
/// section 0 has no name.
fn sections(path: &Path) -> Vec<Section> {
    let text = tool_output("readelf", &["-SW"], path);
    let mut out = Vec::new();
    for (line, w) in readelf_section_rows(&text) {
        let (name, w) = match w.len() {
            8 => ("", &w[..]),
            9 | 10 => (w[0], &w[1..]),
            _ => panic!("unexpected readelf -SW row {line:?}"),
        };
        // w: Type Address Off Size ES [Flg] Lk Inf Al
        let flags = if w.len() == 9 { w[5] } else { "" };
        out.push(Section {
            name: name.to_string(),
            addr: hex_u64(w[1]),
            offset: hex_u64(w[2]),
            size: hex_u64(w[3]),
            flags: flags.to_string(),
        });
    }
    out
}

/// `readelf -dW`: (tag name, value) pairs; NEEDED/RPATH/RUNPATH/SONAME values are the bracketed
/// string. `None` when the file has no dynamic section.
fn dynamic(path: &Path) -> Option<Vec<(String, String)>> {
    let text = tool_output("readelf", &["-dW"], path);
    if !text.contains("Dynamic section at offset") {
        return None;
    }
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if !t.starts_with("0x") {
            continue;
        }
        let Some((_, rest)) = t.split_once('(') else {
            continue;
        };
        let Some((tag, value)) = rest.split_once(')') else {
            continue;
        };
        let value = value.trim();
        let value = match (value.find('['), value.rfind(']')) {
            (Some(a), Some(b)) if a < b => value[a + 1..b].to_string(),
            _ => value.to_string(),
        };
        out.push((tag.to_string(), value));
    }
    Some(out)
}

#[derive(Debug, Clone)]
struct Symbol {
    value: u64,
    ty: String,
    bind: String,
    ndx: String,
    /// With `@VERSION` in .dynsym.
    name: String,
}

impl Symbol {
    fn base_name(&self) -> &str {
        self.name.split('@').next().unwrap_or("")
    }
}

/// `readelf -sW` rows `Num: Value Size Type Bind Vis Ndx Name [(verndx)]` of the table named
/// `table` (".symtab" or ".dynsym").
fn symbols(path: &Path, table: &str) -> Vec<Symbol> {
    let flag = if table == ".dynsym" {
        "--dyn-syms"
    } else {
        "-s"
    };
    let text = tool_output("readelf", &[flag, "-W"], path);
    let mut out = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Symbol table '") {
            in_table = rest.starts_with(&format!("{table}'"));
            continue;
        }
        if !in_table {
            continue;
        }
        // Types and bindings readelf has no name for are shown as `<OS specific>: 10`.
        let line = line
            .replace("<OS specific>: ", "OS_SPECIFIC_")
            .replace("<processor specific>: ", "PROC_SPECIFIC_")
            .replace("<unknown>: ", "UNKNOWN_");
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() < 7 || !w[0].ends_with(':') || w[0] == "Num:" {
            continue;
        }
        out.push(Symbol {
            value: hex_u64(w[1]),
            ty: w[3].to_string(),
            bind: w[4].to_string(),
            ndx: w[6].to_string(),
            name: w.get(7).map_or(String::new(), |s| s.to_string()),
        });
    }
    out
}

#[derive(Debug)]
struct Reloc {
    section: String,
    offset: u64,
    offset_hex: String,
    ty: String,
    sym: Option<String>,
}

/// `readelf -rW`: every relocation with the section it is in. Rows are `Offset Info Type
/// [SymValue SymName + Addend | Addend]`.
fn relocations(path: &Path) -> Vec<Reloc> {
    let text = tool_output("readelf", &["-rW"], path);
    let mut out = Vec::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Relocation section '") {
            section = rest.split('\'').next().unwrap_or("").to_string();
            continue;
        }
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() < 3 || !w[2].starts_with("R_") {
            continue;
        }
        out.push(Reloc {
            section: section.clone(),
            offset: hex_u64(w[0]),
            offset_hex: w[0].to_string(),
            ty: w[2].to_string(),
            sym: (w.len() >= 6).then(|| w[4].to_string()),
        });
    }
    out
}

/// `readelf -VW`, the `.gnu.version_r` part: (file, version name) pairs, sorted.
fn version_needs(path: &Path) -> BTreeSet<(String, String)> {
    let text = tool_output("readelf", &["-VW"], path);
    let mut out = BTreeSet::new();
    let mut in_needs = false;
    let mut file = String::new();
    for line in text.lines() {
        if line.starts_with("Version needs section") {
            in_needs = true;
            continue;
        }
        if line.starts_with("Version ") {
            in_needs = false;
            continue;
        }
        if !in_needs {
            continue;
        }
        let w: Vec<&str> = line.split_whitespace().collect();
        if let Some(i) = w.iter().position(|x| *x == "File:") {
            file = w.get(i + 1).unwrap_or(&"").to_string();
        } else if let Some(i) = w.iter().position(|x| *x == "Name:") {
            out.insert((file.clone(), w.get(i + 1).unwrap_or(&"").to_string()));
        }
    }
    out
}

struct DynSym {
    section: String,
    version: String,
    name: String,
}

/// `objdump -T`: rows `Value Flags Section Size Version Name`; Flags has a variable number of
/// words, so the section is the word after the flags, and version and name are the last two.
fn objdump_dynamic(path: &Path) -> Vec<DynSym> {
    let text = tool_output("objdump", &["-T"], path);
    let mut out = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() < 5 || w[0].len() != 16 || u64::from_str_radix(w[0], 16).is_err() {
            continue;
        }
        let Some(section) = w.iter().find(|x| x.starts_with('.') || x.starts_with('*')) else {
            continue;
        };
        out.push(DynSym {
            section: section.to_string(),
            version: w[w.len() - 2]
                .trim_start_matches('(')
                .trim_end_matches(')')
                .to_string(),
            name: w[w.len() - 1].to_string(),
        });
    }
    out
}

/// `readelf -nW`: the hex string after every `Build ID:` (on the note's line with -W).
fn build_ids(path: &Path) -> Vec<String> {
    tool_output("readelf", &["-nW"], path)
        .lines()
        .filter_map(|l| l.split_once("Build ID:"))
        .map(|(_, s)| s.trim().to_string())
        .collect()
}

/// `readelf -p .comment`: the strings, without their `[offset]`.
fn comment_lines(path: &Path) -> Vec<String> {
    tool_output("readelf", &["-p", ".comment"], path)
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('['))
        .filter_map(|l| l.split_once(']'))
        .map(|(_, s)| s.trim().to_string())
        .collect()
}

struct Fde {
    /// Offset in `.eh_frame`.
    offset: u64,
    pc_begin: u64,
}

/// `readelf --debug-dump=frames`, the `.eh_frame` part: rows
/// `<offset> <length> <cie ptr> FDE cie=<cie> pc=<begin>..<end>`.
fn eh_frame_fdes(path: &Path) -> Vec<Fde> {
    let text = tool_output("readelf", &["--debug-dump=frames"], path);
    let mut out = Vec::new();
    let mut in_eh = false;
    for line in text.lines() {
        if line.starts_with("Contents of the ") {
            in_eh = line.starts_with("Contents of the .eh_frame section");
            continue;
        }
        if !in_eh {
            continue;
        }
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() >= 6 && w[3] == "FDE" {
            let pc = w[5]
                .strip_prefix("pc=")
                .and_then(|p| p.split("..").next())
                .unwrap_or_else(|| panic!("odd FDE line {line:?}"));
            out.push(Fde {
                offset: hex_u64(w[0]),
                pc_begin: hex_u64(pc),
            });
        }
    }
    out
}

struct EhFrameHdr {
    eh_frame_ptr: u64,
    fde_count: u64,
    /// (initial location, FDE address) pairs.
    entries: Vec<(u64, u64)>,
}

/// Decodes `.eh_frame_hdr` (LSB "Exception Frame Header"), located at address `addr`.
fn parse_eh_frame_hdr(d: &[u8], addr: u64) -> Result<EhFrameHdr, String> {
    if d.len() < 4 {
        return Err(format!("only {} bytes", d.len()));
    }
    if d[0] != 1 {
        return Err(format!("version {}, want 1", d[0]));
    }
    let (ptr_enc, count_enc, table_enc) = (d[1], d[2], d[3]);
    let mut pos = 4usize;
    // DW_EH_PE_*: low nibble format, high bits application (pcrel, datarel = start of the hdr).
    let read = |pos: &mut usize, enc: u8| -> Result<u64, String> {
        let at = *pos;
        let take = |n: usize| -> Result<&[u8], String> {
            d.get(at..at + n)
                .ok_or_else(|| format!("truncated at offset {at}"))
        };
        let raw: i64 = match enc & 0x0f {
            0x00 | 0x04 => i64::from_le_bytes(take(8)?.try_into().unwrap()),
            0x02 => u16::from_le_bytes(take(2)?.try_into().unwrap()) as i64,
            0x03 => u32::from_le_bytes(take(4)?.try_into().unwrap()) as i64,
            0x0a => i16::from_le_bytes(take(2)?.try_into().unwrap()) as i64,
            0x0b => i32::from_le_bytes(take(4)?.try_into().unwrap()) as i64,
            0x0c => i64::from_le_bytes(take(8)?.try_into().unwrap()),
            f => {
                return Err(format!(
                    "unsupported pointer format {f:#x} (encoding {enc:#x})"
                ));
            }
        };
        *pos += match enc & 0x0f {
            0x02 | 0x0a => 2,
            0x03 | 0x0b => 4,
            _ => 8,
        };
        let base = match enc & 0x70 {
            0x00 => 0,
            0x10 => addr + at as u64,
            0x30 => addr,
            a => return Err(format!("unsupported pointer application {a:#x}")),
        };
        Ok(base.wrapping_add(raw as u64))
    };
    if ptr_enc == 0xff || count_enc == 0xff || table_enc == 0xff {
        return Err(format!(
            "an omitted field (encodings {ptr_enc:#x} {count_enc:#x} {table_enc:#x}): no search table"
        ));
    }
    let eh_frame_ptr = read(&mut pos, ptr_enc)?;
    let fde_count = read(&mut pos, count_enc)?;
    let mut entries = Vec::new();
    for _ in 0..fde_count {
        let loc = read(&mut pos, table_enc)?;
        let fde = read(&mut pos, table_enc)?;
        entries.push((loc, fde));
    }
    if pos != d.len() {
        return Err(format!(
            "{} bytes long but the {} entries end at {pos}",
            d.len(),
            fde_count
        ));
    }
    Ok(EhFrameHdr {
        eh_frame_ptr,
        fde_count,
        entries,
    })
}

#[test]
fn parsers_read_known_lines() {
    let h = parse_eh_frame_hdr(
        &[
            0x01, 0x1b, 0x03, 0x3b, 0x18, 0, 0, 0, 2, 0, 0, 0, 0x64, 0xf0, 0xff, 0xff, 0x34, 0, 0,
            0, 0x54, 0xf1, 0xff, 0xff, 0x60, 0, 0, 0,
        ],
        0x200c,
    )
    .unwrap();
    assert_eq!(h.eh_frame_ptr, 0x200c + 4 + 0x18);
    assert_eq!(h.entries, [(0x1070, 0x2040), (0x1160, 0x206c)]);
}
