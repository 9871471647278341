//! Determinism: linking the same inputs with the same arguments must give the same bytes, whatever
//! the thread count and however often it is repeated.
//!
//! A mid-size C program is generated at test time (see [`generate`]): 40 objects (10 of them in an
//! archive, `libgen.a`) with many functions, string literals shared between objects (merged
//! strings), TLS variables in `.tdata` and `.tbss`, `init_array` constructors with and without
//! priorities, comdat groups written with inline asm (`.section ...,"axG",@progbits,sig,comdat`),
//! COMMON symbols (`-fcommon`), `-g` debug info, some objects with `-ffunction-sections
//! -fdata-sections`, and calls into libc and libm.
//!
//! Each mode (`pie`, `nopie`, `static`, `staticpie`) is one test. It asks `gcc -###` for the
//! collect2 command line of the link, drops the LTO plugin options (`-plugin ...`,
//! `-plugin-opt=...`; no input is LTO) and runs the linker under test directly with those
//! arguments (`--build-id` included, as gcc passes it), so no driver start-up time is spent:
//! - once with `--threads=1`: the reference output;
//! - with `--threads=2`, `-j 2` and `--threads=8`;
//! - 20 times with the default thread count (each run writes a different output file name; the
//!   output must not depend on it), and once more over an existing output file.
//!
//! Every output must equal the `--threads=1` output byte for byte; a mismatch reports the first
//! differing offset and what contains it (ELF header, program headers, a section named by
//! `readelf -SW`, the section header table). Every output must carry a 20-byte build id, the same
//! in all. The reference output must also run and print what a GNU ld link of the same inputs
//! prints, so a deterministic but broken output does not pass.
//!
//! `SOLDER_DIFF_LD=/path/to/ld` runs another linker instead of solder (GNU ld has no `--threads`,
//! so a wrapper that drops `--threads=N`/`-j N` is needed to validate with it).

mod common;

use common::{
    BUILD_TIMEOUT, Mode, collect2_args, describe_status, link_command, linker_under_test,
    readelf_section_rows, remove_stale, run_link, run_ok, run_with_timeout, scratch_dir,
    split_driver_line, truncate,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

const RUN_TIMEOUT: Duration = Duration::from_secs(20);
/// Objects linked directly; the rest go into `libgen.a`.
const DIRECT_OBJECTS: usize = 30;
const ARCHIVE_OBJECTS: usize = 10;
/// Archive members `main` calls; the others stay in the archive unused.
const ARCHIVE_USED: usize = 6;
const FUNCS_PER_OBJECT: usize = 16;
const COMDAT_GROUPS: usize = 7;
const REPEATS: usize = 20;

// ---------------------------------------------------------------------------------------------
// The generated program
// ---------------------------------------------------------------------------------------------

fn gen_name(i: usize) -> String {
    format!("gen_{i:02}")
}

/// Source of object `i`.
fn gen_source(i: usize) -> String {
    let mut s = String::new();
    let n = gen_name(i);
    s.push_str(
        "#include <stdio.h>\n#include <string.h>\n#include <stdlib.h>\n#include <math.h>\n\
         #include \"gen.h\"\n\n",
    );
    // TLS: initialised (.tdata) and zero (.tbss), of different alignments.
    let _ = writeln!(s, "__thread int tls_counter_{i} = {};", i + 1);
    let _ = writeln!(
        s,
        "__thread char tls_buf_{i}[{}] __attribute__((aligned({})));",
        16 + i,
        [1, 8, 16, 32][i % 4]
    );
    let _ = writeln!(s, "static __thread long tls_local_{i} = {};", 1000 + i);
    // COMMON symbols: one tentative definition shared by every object, and some of its own.
    s.push_str("int common_shared;\nint common_shared_arr[8];\n");
    let _ = writeln!(s, "int common_own_{i};");
    let _ = writeln!(s, "double common_dbl_{i}[{}];", i % 5 + 1);
    // String literals: some identical in every object (merged), some unique, some suffixes.
    let _ = writeln!(
        s,
        "static const char *const names_{i}[] = {{ \"alpha\", \"beta\", \"gamma\", \
         \"object {n}\", \"ha\", \"pha\", \"shared literal in every object\", \"{n} tail\" }};"
    );
    // Comdat group: an asm function and a data table, each defined in several objects.
    let g = i % COMDAT_GROUPS;
    let _ = writeln!(
        s,
        "__asm__(\".pushsection .text.comdat_fn_{g},\\\"axG\\\",@progbits,comdat_fn_{g},comdat\\n\"\n\
         \"  .globl comdat_fn_{g}\\n  .type comdat_fn_{g},@function\\n\"\n\
         \"comdat_fn_{g}:\\n  leal {k}(%rdi), %eax\\n  ret\\n\"\n\
         \"  .size comdat_fn_{g}, .-comdat_fn_{g}\\n\"\n\
         \"  .popsection\\n\"\n\
         \".pushsection .rodata.comdat_tab_{g},\\\"aG\\\",@progbits,comdat_tab_{g},comdat\\n\"\n\
         \"  .globl comdat_tab_{g}\\n  .type comdat_tab_{g},@object\\n  .p2align 3\\n\"\n\
         \"comdat_tab_{g}:\\n  .quad {a}, {b}, {c}, {d}\\n\"\n\
         \"  .size comdat_tab_{g}, 32\\n\"\n\
         \"  .popsection\\n\");",
        k = 3 * g + 1,
        a = g,
        b = g * 7,
        c = g * 13 + 1,
        d = g * 31 + 2,
    );
    // Constructors: one with a priority, one without.
    let _ = writeln!(
        s,
        "__attribute__((constructor({}))) static void ctor_prio_{i}(void) {{ ctor_log('A' + {}); }}",
        101 + (i * 7) % 40,
        i % 26
    );
    let _ = writeln!(
        s,
        "__attribute__((constructor)) static void ctor_{i}(void) {{ ctor_log('a' + {}); tls_counter_{i} += 1; }}",
        i % 26
    );
    // Many functions: arithmetic, switch tables, libc and libm calls.
    for f in 0..FUNCS_PER_OBJECT {
        let _ = writeln!(
            s,
            "__attribute__((noinline)) static long {n}_f{f}(long x) {{"
        );
        match f % 6 {
            0 => {
                let _ = writeln!(
                    s,
                    "  switch (x & 7) {{ case 0: return x + {f}; case 1: return x * 3; case 2: return x ^ {i}; \
                     case 3: return x - 11; case 4: return x * 4; case 5: return x / 3 + {f}; \
                     case 6: return -x; default: return x + 100; }}"
                );
            }
            1 => {
                let _ = writeln!(
                    s,
                    "  char buf[64]; snprintf(buf, sizeof buf, \"%s-%ld-{f}\", names_{i}[x & 7], x); \
                     return (long)strlen(buf) + x;"
                );
            }
            2 => {
                let _ = writeln!(
                    s,
                    "  volatile double d = (double)((x % 97 + 97) % 97) / 7.0; \
                     return x + (long)(floor(sin(d) * 1000.0) + sqrt(d + {f}.0) + pow(d, 1.5));"
                );
            }
            3 => {
                let _ = writeln!(
                    s,
                    "  tls_buf_{i}[x % sizeof tls_buf_{i}] += (char)x; tls_local_{i} += x; \
                     return x + tls_counter_{i} + tls_buf_{i}[x % sizeof tls_buf_{i}] + (tls_local_{i} & 15);"
                );
            }
            4 => {
                let _ = writeln!(
                    s,
                    "  common_shared += 1; common_own_{i} += (int)x; common_dbl_{i}[0] += 0.5; \
                     common_shared_arr[x & 7] += 1; \
                     return x + comdat_fn_{g}((int)x) + comdat_tab_{g}[x & 3];"
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "  char tmp[32]; memset(tmp, (int)('a' + (x & 15)), sizeof tmp - 1); tmp[31] = 0; \
                     return x + (long)strchr(tmp, 'q') % 3 + abs((int)x - {f});"
                );
            }
        }
        s.push_str("}\n");
    }
    let _ = writeln!(s, "long {n}_entry(long x) {{\n  long acc = x;");
    for f in 0..FUNCS_PER_OBJECT {
        let _ = writeln!(s, "  acc = {n}_f{f}(acc) % 1000003;");
    }
    s.push_str("  return acc;\n}\n");
    s
}

fn gen_header() -> String {
    let mut s = String::from("#ifndef GEN_H\n#define GEN_H\nvoid ctor_log(char c);\n");
    for g in 0..COMDAT_GROUPS {
        let _ = writeln!(
            s,
            "int comdat_fn_{g}(int);\nextern const long comdat_tab_{g}[4];"
        );
    }
    for i in 0..DIRECT_OBJECTS + ARCHIVE_OBJECTS {
        let _ = writeln!(s, "long {}_entry(long x);", gen_name(i));
    }
    s.push_str("extern int common_shared;\nextern int common_shared_arr[8];\n#endif\n");
    s
}

fn main_source() -> String {
    let mut s = String::from(
        "#include <stdio.h>\n#include <string.h>\n#include <math.h>\n#include \"gen.h\"\n\n\
         static char log_buf[256];\nstatic int log_len;\n\
         void ctor_log(char c) { if (log_len < 255) log_buf[log_len++] = c; }\n\
         extern __thread int tls_counter_0, tls_counter_7;\n\
         int main(void) {\n  long sum = 0;\n",
    );
    let used = (0..DIRECT_OBJECTS).chain(DIRECT_OBJECTS..DIRECT_OBJECTS + ARCHIVE_USED);
    for i in used {
        let _ = writeln!(
            s,
            "  sum = (sum * 31 + {}_entry({})) % 1000000007;",
            gen_name(i),
            i + 1
        );
    }
    s.push_str(
        "  printf(\"sum=%ld\\n\", sum);\n  printf(\"ctors=%s\\n\", log_buf);\n\
         printf(\"common=%d tls=%d,%d\\n\", common_shared, tls_counter_0, tls_counter_7);\n\
         printf(\"comdat=%d,%ld\\n\", comdat_fn_3(1), comdat_tab_5[3]);\n\
         printf(\"libm=%.6f\\n\", cbrt((double)sum));\n  return 0;\n}\n",
    );
    s
}

/// Writes the sources into `dir`.
fn generate(dir: &Path) -> Result<(), String> {
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))
    };
    write("gen.h", gen_header())?;
    write("main.c", main_source())?;
    for i in 0..DIRECT_OBJECTS + ARCHIVE_OBJECTS {
        write(&format!("{}.c", gen_name(i)), gen_source(i))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Building the inputs (shared by the four mode tests)
// ---------------------------------------------------------------------------------------------

/// Compiled inputs for one code model (`-fPIE` or `-fno-pie`): the objects in link order, then
/// the archive.
struct Inputs {
    dir: PathBuf,
    objects: Vec<PathBuf>,
    archive: PathBuf,
}

struct Built {
    pie: Inputs,
    nopie: Inputs,
}

/// A directory unique to this test process.
fn work_dir() -> PathBuf {
    scratch_dir().join(format!("determinism-{}", std::process::id()))
}

fn build_all() -> Result<Built, String> {
    remove_stale("determinism-");
    let root = work_dir();
    let _ = std::fs::remove_dir_all(&root);
    let src = root.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    generate(&src)?;

    // One gcc per (code model, flag group), compiling many files at once to save driver start-ups
    // (objects land in the current directory, named after the sources); the groups run on all
    // CPUs. Optimisation levels and section flags vary so that the inputs vary.
    const FLAG_GROUPS: [&[&str]; 3] = [
        &["-O2", "-ffunction-sections", "-fdata-sections"],
        &["-O2"],
        &["-O1"],
    ];
    let mut jobs: Vec<(PathBuf, Vec<&str>, Vec<PathBuf>)> = Vec::new();
    let mut sets = Vec::new();
    for mode in [Mode::Pie, Mode::NoPie] {
        let flag = mode.compile_flag();
        let dir = root.join(mode.name());
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut names = vec!["main".to_string()];
        names.extend((0..DIRECT_OBJECTS + ARCHIVE_OBJECTS).map(gen_name));
        let objs: Vec<PathBuf> = names.iter().map(|n| dir.join(format!("{n}.o"))).collect();
        for (g, group_flags) in FLAG_GROUPS.iter().enumerate() {
            let mut flags = vec!["-c", "-g", "-fcommon", flag];
            flags.extend_from_slice(group_flags);
            let srcs = names
                .iter()
                .enumerate()
                .filter(|(k, _)| k % FLAG_GROUPS.len() == g)
                .map(|(_, n)| src.join(format!("{n}.c")))
                .collect();
            jobs.push((dir.clone(), flags, srcs));
        }
        sets.push((dir, objs));
    }
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let errors: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut errs = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((dir, flags, srcs)) = jobs.get(k) else {
                            break;
                        };
                        let mut cmd = Command::new("gcc");
                        cmd.args(flags).args(srcs).current_dir(dir);
                        if let Err(e) = run_ok(&mut cmd, BUILD_TIMEOUT) {
                            errs.push(e);
                        }
                    }
                    errs
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }

    let mut out = Vec::new();
    for (dir, mut objs) in sets {
        let members = objs.split_off(1 + DIRECT_OBJECTS);
        let archive = dir.join("libgen.a");
        let mut cmd = Command::new("ar");
        cmd.arg("rcs").arg(&archive).args(&members);
        run_ok(&mut cmd, BUILD_TIMEOUT)?;
        out.push(Inputs {
            dir,
            objects: objs,
            archive,
        });
    }
    let nopie = out.pop().unwrap();
    let pie = out.pop().unwrap();
    Ok(Built { pie, nopie })
}

fn built() -> Result<&'static Built, String> {
    static BUILT: OnceLock<Result<Built, String>> = OnceLock::new();
    BUILT
        .get_or_init(build_all)
        .as_ref()
        .map_err(|e| format!("building the generated program failed:\n{e}"))
}

// ---------------------------------------------------------------------------------------------
// The linker command line gcc would run
// ---------------------------------------------------------------------------------------------

const OUT_PLACEHOLDER: &str = "@@OUTPUT@@";

/// The arguments collect2 would pass to the linker for this link, without the LTO plugin options,
/// with [`OUT_PLACEHOLDER`] as the output.
fn linker_args(mode: Mode, inputs: &Inputs) -> Result<Vec<String>, String> {
    let mut cmd = Command::new("gcc");
    cmd.arg("-###")
        .arg(mode.link_flag())
        .arg("-o")
        .arg(OUT_PLACEHOLDER)
        .args(&inputs.objects)
        .arg(&inputs.archive)
        .arg("-lm");
    let out = run_ok(&mut cmd, BUILD_TIMEOUT)?;
    let text = String::from_utf8_lossy(&out.stderr);
    let words = collect2_args(&text)
        .ok_or_else(|| format!("no collect2 line in gcc -### output:\n{text}"))?;
    let mut args = Vec::new();
    let mut it = words.into_iter();
    while let Some(a) = it.next() {
        if a == "-plugin" {
            it.next();
        } else if !a.starts_with("-plugin-opt=") {
            args.push(a);
        }
    }
    if !args.iter().any(|a| a == OUT_PLACEHOLDER) {
        return Err(format!("output placeholder missing from {args:?}"));
    }
    if !args.iter().any(|a| a == "--build-id") {
        return Err(format!("gcc no longer passes --build-id: {args:?}"));
    }
    Ok(args)
}

/// Runs the linker under test with `args` (output placeholder replaced by `out`) and `extra`
/// arguments in front. Returns the output bytes.
fn link(args: &[String], extra: &[&str], out: &Path) -> Result<Vec<u8>, String> {
    let mut cmd = Command::new(linker_under_test());
    cmd.args(extra);
    for a in args {
        if a == OUT_PLACEHOLDER {
            cmd.arg(out);
        } else {
            cmd.arg(a);
        }
    }
    run_ok(&mut cmd, BUILD_TIMEOUT)?;
    std::fs::read(out).map_err(|e| format!("{}: {e}", out.display()))
}

// ---------------------------------------------------------------------------------------------
// Explaining a difference
// ---------------------------------------------------------------------------------------------

fn u16_at(b: &[u8], off: usize) -> u64 {
    b.get(off..off + 2)
        .map_or(0, |s| u16::from_le_bytes(s.try_into().unwrap()) as u64)
}
fn u32_at(b: &[u8], off: usize) -> u64 {
    b.get(off..off + 4)
        .map_or(0, |s| u32::from_le_bytes(s.try_into().unwrap()) as u64)
}
fn u64_at(b: &[u8], off: usize) -> u64 {
    b.get(off..off + 8)
        .map_or(0, |s| u64::from_le_bytes(s.try_into().unwrap()))
}

/// A section as `readelf -SW` lists it.
struct SectionRow {
    name: String,
    ty: String,
    offset: u64,
    size: u64,
}

/// Parses `readelf -SW`: rows `[Nr] Name Type Address Off Size ES Flg Lk Inf Al`.
fn readelf_sections(file: &Path) -> Result<Vec<SectionRow>, String> {
    let mut cmd = Command::new("readelf");
    cmd.arg("-SW").arg(file);
    let out = run_ok(&mut cmd, BUILD_TIMEOUT)?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut rows = Vec::new();
    for (_, w) in readelf_section_rows(&text) {
        // Section 0 has an empty name: `NULL 0000... 000000 000000 00 0 0 0`.
        let w: Vec<&str> = if w.first() == Some(&"NULL") {
            std::iter::once("").chain(w).collect()
        } else {
            w
        };
        if w.len() < 6 {
            continue;
        }
        let hex = |s: &str| u64::from_str_radix(s, 16).unwrap_or(0);
        rows.push(SectionRow {
            name: w[0].to_string(),
            ty: w[1].to_string(),
            offset: hex(w[3]),
            size: hex(w[4]),
        });
    }
    Ok(rows)
}

/// What holds file offset `off` of `file` (whose bytes are `bytes`).
fn locate(file: &Path, bytes: &[u8], off: usize) -> String {
    let off = off as u64;
    if off < 64 {
        return "the ELF header".into();
    }
    let (phoff, phnum) = (u64_at(bytes, 32), u16_at(bytes, 56));
    if off >= phoff && off < phoff + 56 * phnum {
        return format!("program header {}", (off - phoff) / 56);
    }
    let (shoff, shnum) = (u64_at(bytes, 40), u16_at(bytes, 60));
    if off >= shoff && off < shoff + 64 * shnum {
        return format!("section header {}", (off - shoff) / 64);
    }
    match readelf_sections(file) {
        Ok(rows) => {
            let hits: Vec<String> = rows
                .iter()
                .filter(|r| r.ty != "NOBITS" && off >= r.offset && off < r.offset + r.size)
                .map(|r| format!("{} (offset {:#x} into it)", r.name, off - r.offset))
                .collect();
            if hits.is_empty() {
                "no section (padding between sections)".into()
            } else {
                format!("section {}", hits.join(", "))
            }
        }
        Err(e) => format!("(readelf failed: {e})"),
    }
}

/// Why `got` is not `want`, or `None` when they are byte-identical.
fn compare(want_path: &Path, want: &[u8], got_path: &Path, got: &[u8]) -> Option<String> {
    if want == got {
        return None;
    }
    let mut msg = String::new();
    let first = want.iter().zip(got).position(|(a, b)| a != b);
    let ndiff = want.iter().zip(got).filter(|(a, b)| a != b).count();
    if want.len() != got.len() {
        let _ = writeln!(
            msg,
            "sizes differ: {} is {} bytes, {} is {} bytes",
            want_path.display(),
            want.len(),
            got_path.display(),
            got.len()
        );
    }
    match first {
        Some(off) => {
            let _ = writeln!(
                msg,
                "first difference at offset {off:#x} ({} bytes differ in the common length): \
                 {:#04x} vs {:#04x}\n  in {}: {}\n  in {}: {}",
                ndiff,
                want[off],
                got[off],
                want_path.display(),
                locate(want_path, want, off),
                got_path.display(),
                locate(got_path, got, off),
            );
        }
        None => {
            let _ = writeln!(msg, "one file is a prefix of the other");
        }
    }
    msg.push_str(&section_differences(want_path, want, got_path, got));
    Some(msg)
}

/// Names the sections (matched by name, each read at its own file offset) whose contents differ
/// or that only one file has.
fn section_differences(a_path: &Path, a: &[u8], b_path: &Path, b: &[u8]) -> String {
    let (Ok(ra), Ok(rb)) = (readelf_sections(a_path), readelf_sections(b_path)) else {
        return "  (readelf -SW failed; no per-section comparison)\n".into();
    };
    fn contents<'a>(data: &'a [u8], r: &SectionRow) -> Option<&'a [u8]> {
        if r.ty == "NOBITS" {
            return Some(&[]);
        }
        data.get(r.offset as usize..(r.offset + r.size) as usize)
    }
    let mut differ = Vec::new();
    for r in ra.iter().filter(|r| !r.name.is_empty()) {
        match rb.iter().find(|x| x.name == r.name) {
            None => differ.push(format!("{} (only in {})", r.name, a_path.display())),
            Some(x) if x.size != r.size || contents(a, r) != contents(b, x) => {
                differ.push(format!("{} ({:#x} vs {:#x} bytes)", r.name, r.size, x.size))
            }
            Some(_) => {}
        }
    }
    for x in rb.iter().filter(|x| !x.name.is_empty()) {
        if !ra.iter().any(|r| r.name == x.name) {
            differ.push(format!("{} (only in {})", x.name, b_path.display()));
        }
    }
    format!("  sections whose contents differ: {}\n", differ.join(", "))
}

/// The desc of the NT_GNU_BUILD_ID note in `.note.gnu.build-id`, read from the section headers.
fn build_id(bytes: &[u8]) -> Option<Vec<u8>> {
    let shoff = u64_at(bytes, 40) as usize;
    let shnum = u16_at(bytes, 60) as usize;
    let shstrndx = u16_at(bytes, 62) as usize;
    let sh = |i: usize| shoff + 64 * i;
    let strtab = u64_at(bytes, sh(shstrndx) + 24) as usize;
    for i in 0..shnum {
        let name_off = strtab + u32_at(bytes, sh(i)) as usize;
        let name = bytes.get(name_off..)?.split(|&c| c == 0).next()?;
        if name != b".note.gnu.build-id" {
            continue;
        }
        let off = u64_at(bytes, sh(i) + 24) as usize;
        let (namesz, descsz, ty) = (
            u32_at(bytes, off) as usize,
            u32_at(bytes, off + 4) as usize,
            u32_at(bytes, off + 8),
        );
        if ty != 3 || namesz != 4 || bytes.get(off + 12..off + 16)? != b"GNU\0" {
            return None;
        }
        return bytes.get(off + 16..off + 16 + descsz).map(<[u8]>::to_vec);
    }
    None
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

fn check_mode(mode: Mode) {
    let t0 = std::time::Instant::now();
    let built = built().unwrap_or_else(|e| panic!("{e}"));
    let inputs = if mode.pic() { &built.pie } else { &built.nopie };
    let dir = work_dir().join(format!("out-{}", mode.name()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let result = run_mode(mode, inputs, &dir);
    match result {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(&dir);
            // The last mode to pass removes the shared sources and objects too.
            static PASSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            if PASSED.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == 4 {
                let _ = std::fs::remove_dir_all(work_dir());
            }
            eprintln!(
                "determinism {}: ok in {:.2} s",
                mode.name(),
                t0.elapsed().as_secs_f64()
            );
        }
        Err(e) => panic!(
            "{} ({}): {e}\n(outputs kept in {}; inputs in {})",
            mode.name(),
            linker_under_test().display(),
            dir.display(),
            inputs.dir.display()
        ),
    }
}

fn run_mode(mode: Mode, inputs: &Inputs, dir: &Path) -> Result<(), String> {
    let args = linker_args(mode, inputs)?;
    let shown = args.join(" ");

    let ref_path = dir.join("threads1");
    let reference = link(&args, &["--threads=1"], &ref_path)?;
    let ref_id = build_id(&reference).ok_or_else(|| {
        format!(
            "{}: no NT_GNU_BUILD_ID note in .note.gnu.build-id although gcc passed --build-id",
            ref_path.display()
        )
    })?;
    if ref_id.len() != 20 {
        return Err(format!(
            "--build-id (sha1 style) should give a 20-byte id, got {} bytes: {}",
            ref_id.len(),
            hex(&ref_id)
        ));
    }

    // The reference output must work: same stdout as a GNU ld link of the same inputs.
    let gnu = dir.join("gnu-ld");
    let mut cmd = link_command("gcc", "-fuse-ld=bfd", mode, &gnu);
    cmd.args(&inputs.objects).arg(&inputs.archive).arg("-lm");
    run_link(&mut cmd, &gnu).map_err(|e| format!("GNU ld link: {e}"))?;
    let expected = run_with_timeout(&mut Command::new(&gnu), RUN_TIMEOUT)?;
    let got = run_with_timeout(&mut Command::new(&ref_path), RUN_TIMEOUT)?;
    if !expected.success() {
        return Err(format!(
            "broken test program: the GNU ld build ended with {}",
            describe_status(expected.status)
        ));
    }
    if !got.success() || got.stdout != expected.stdout {
        return Err(format!(
            "the --threads=1 output misbehaves ({}, GNU ld build {}):\n--- it printed ---\n{}\n\
             --- the GNU ld build printed ---\n{}\n--- its stderr ---\n{}",
            describe_status(got.status),
            describe_status(expected.status),
            truncate(&got.stdout, 2000),
            truncate(&expected.stdout, 2000),
            truncate(&got.stderr, 2000),
        ));
    }

    let mut runs: Vec<(String, Vec<&str>, PathBuf)> = vec![
        (
            "--threads=2".into(),
            vec!["--threads=2"],
            dir.join("threads2"),
        ),
        ("-j 2".into(), vec!["-j", "2"], dir.join("j2")),
        (
            "--threads=8".into(),
            vec!["--threads=8"],
            dir.join("threads8"),
        ),
    ];
    for k in 0..REPEATS {
        runs.push((
            format!("default threads, run {}", k + 1),
            vec![],
            dir.join(format!("default{k:02}")),
        ));
    }
    // Linking over an existing output must not change the result either.
    runs.push((
        "default threads, over the existing output of run 1".into(),
        vec![],
        dir.join("default00"),
    ));

    let mut failures = Vec::new();
    for (what, extra, path) in &runs {
        let bytes = link(&args, extra, path)?;
        if let Some(why) = compare(&ref_path, &reference, path, &bytes) {
            let id = build_id(&bytes).map_or("none".to_string(), |b| hex(&b));
            failures.push(format!(
                "{what}: output differs from --threads=1\n{why}  build id: {} (--threads=1) vs {id}",
                hex(&ref_id)
            ));
            continue;
        }
        // Equal bytes give equal ids; this only guards the note parser itself.
        if build_id(&bytes).as_deref() != Some(&ref_id[..]) {
            failures.push(format!("{what}: build id cannot be read back"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {} links differ from the --threads=1 link:\n{}\nlinker arguments (output \
             {OUT_PLACEHOLDER}): {shown}",
            failures.len(),
            runs.len(),
            failures.join("\n")
        ))
    }
}

common::mode_tests!(check_mode:
    deterministic_pie, deterministic_nopie, deterministic_static, deterministic_staticpie);

#[test]
fn gcc_line_splitting() {
    let words = split_driver_line(
        r#" /usr/lib/collect2 -plugin /p.so "-plugin-opt=-x" --build-id "--hash-style=gnu" "a b" "q\"uote" -o OUT"#,
    );
    assert_eq!(
        words,
        [
            "/usr/lib/collect2",
            "-plugin",
            "/p.so",
            "-plugin-opt=-x",
            "--build-id",
            "--hash-style=gnu",
            "a b",
            "q\"uote",
            "-o",
            "OUT"
        ]
    );
}
