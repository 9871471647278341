//! Helpers for `tests/cli.rs` and `tests/errors.rs`: per-test scratch directories, compiling test
//! inputs, the linker command line gcc's driver would use (so that the linker under test can be run
//! directly and its own exit status seen), output-directory checks and a little ELF reading and
//! patching.
#![allow(dead_code)] // each test binary uses a different subset

use crate::common::{BUILD_TIMEOUT, collect2_args, linker_under_test, run_ok, scratch_dir};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// A link of a few small objects takes milliseconds; this only catches a hung linker.
pub const LINK_TIMEOUT: Duration = Duration::from_secs(30);

/// Marks in the link template that [`link_cmd`] replaces by the output and the inputs.
pub const OUT_MARK: &str = "SOLDER_TEST_OUTPUT";
pub const IN_MARK: &str = "SOLDER_TEST_INPUT.o";

// ---------------------------------------------------------------------------------------------
// Scratch directories, compiling, linking

/// A fresh `<scratch>/<group>/<name>-<pid>` directory (`group` is the test file), removed on drop
/// unless the test panicked, so that a failure's inputs and outputs can be inspected.
pub struct TestDir(PathBuf);

impl TestDir {
    pub fn new(group: &str, name: &str) -> TestDir {
        let dir = scratch_dir()
            .join(group)
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create test dir");
        TestDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("test files kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// `ar rcs dir/name members...`
pub fn make_archive(dir: &Path, name: &str, members: &[&Path]) -> PathBuf {
    archive_with("rcs", dir, name, members)
}

/// `ar <flags> dir/name members...` (`rcsT`: a thin archive), made afresh.
pub fn archive_with(flags: &str, dir: &Path, name: &str, members: &[&Path]) -> PathBuf {
    let out = dir.join(name);
    let _ = std::fs::remove_file(&out);
    let mut cmd = Command::new("ar");
    cmd.arg(flags).arg(&out).args(members);
    if let Err(e) = run_ok(&mut cmd, BUILD_TIMEOUT) {
        panic!("cannot build test archive: {e}");
    }
    out
}

/// Writes `src` to `dir/file` and compiles it with `compiler -c <flags>` to `dir/<stem>.o`.
pub fn compile_with(compiler: &str, dir: &Path, file: &str, src: &str, flags: &[&str]) -> PathBuf {
    let src_path = dir.join(file);
    std::fs::write(&src_path, src).expect("write source");
    let obj = src_path.with_extension("o");
    let mut cmd = Command::new(compiler);
    cmd.arg("-c").args(flags).arg(&src_path).arg("-o").arg(&obj);
    if let Err(e) = run_ok(&mut cmd, BUILD_TIMEOUT) {
        panic!("cannot build test input: {e}");
    }
    obj
}

/// The arguments gcc's driver passes to the linker for `gcc -o OUT IN.o` (a dynamic PIE with crt
/// files, libgcc and libc, plus gcc's `-plugin`/`-plugin-opt` options), read from `gcc -###`, with
/// [`OUT_MARK`] and [`IN_MARK`] where the output and the inputs go.
pub fn link_template() -> &'static [String] {
    static TEMPLATE: OnceLock<Vec<String>> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let out = Command::new("gcc")
            .args(["-###", "-o", OUT_MARK, IN_MARK])
            .output()
            .expect("cannot run gcc -###");
        let text = String::from_utf8_lossy(&out.stderr);
        let words = collect2_args(&text)
            .unwrap_or_else(|| panic!("no collect2 line in `gcc -###` output:\n{text}"));
        assert!(
            words.iter().any(|w| w == OUT_MARK) && words.iter().any(|w| w == IN_MARK),
            "unexpected `gcc -###` link line: {words:?}"
        );
        words
    })
}

/// The linker under test with gcc's arguments: `-o output`, `inputs` where gcc puts the program's
/// objects, `extra` at the end.
pub fn link_cmd(output: &Path, inputs: &[PathBuf], extra: &[&str]) -> Command {
    link_cmd_with(&linker_under_test(), output, inputs, extra)
}

/// [`link_cmd`] for another linker (GNU ld, say, for a reference).
pub fn link_cmd_with(linker: &Path, output: &Path, inputs: &[PathBuf], extra: &[&str]) -> Command {
    let mut cmd = Command::new(linker);
    for w in link_template() {
        if w == OUT_MARK {
            cmd.arg(output);
        } else if w == IN_MARK {
            cmd.args(inputs);
        } else {
            cmd.arg(w);
        }
    }
    cmd.args(extra);
    cmd
}

/// Names in `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(e) => vec![format!("<cannot list {}: {e}>", dir.display())],
    };
    names.sort();
    names
}

/// Describes leftovers in an output directory that should hold only `expected`.
pub fn check_listing(dir: &Path, expected: &[&str]) -> Result<(), String> {
    let names = listing(dir);
    if names == expected {
        return Ok(());
    }
    let temps: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with('.') && n.contains(".solder-"))
        .collect();
    Err(format!(
        "the output directory {} holds {names:?}, expected {expected:?}{}",
        dir.display(),
        if temps.is_empty() {
            String::new()
        } else {
            format!(" (stray temporary files: {temps:?})")
        }
    ))
}

pub fn path_str(p: &Path) -> String {
    p.display().to_string()
}

// ---------------------------------------------------------------------------------------------
// ELF patching (ELF64 little-endian only: the inputs are made by this machine's gcc)

#[derive(Debug, Clone)]
pub struct Shdr {
    pub name: String,
    /// File offset of this section header.
    pub at: usize,
    pub kind: u32,
    pub offset: u64,
    pub size: u64,
    pub link: u32,
    pub entsize: u64,
}

pub const SHT_SYMTAB: u32 = 2;
pub const SHT_STRTAB: u32 = 3;
pub const SHT_RELA: u32 = 4;

pub fn rd16(d: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(d[at..at + 2].try_into().unwrap())
}
pub fn rd32(d: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(d[at..at + 4].try_into().unwrap())
}
pub fn rd64(d: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(d[at..at + 8].try_into().unwrap())
}
pub fn wr16(d: &mut [u8], at: usize, v: u16) {
    d[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
pub fn wr32(d: &mut [u8], at: usize, v: u32) {
    d[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
pub fn wr64(d: &mut [u8], at: usize, v: u64) {
    d[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// The section headers of a well-formed object.
pub fn sections(d: &[u8]) -> Vec<Shdr> {
    let shoff = rd64(d, 0x28) as usize;
    let shnum = rd16(d, 0x3c) as usize;
    let shstrndx = rd16(d, 0x3e) as usize;
    let raw: Vec<(usize, u32, u32, u64, u64, u32, u64)> = (0..shnum)
        .map(|i| {
            let at = shoff + i * 64;
            (
                at,
                rd32(d, at),
                rd32(d, at + 4),
                rd64(d, at + 0x18),
                rd64(d, at + 0x20),
                rd32(d, at + 0x28),
                rd64(d, at + 0x38),
            )
        })
        .collect();
    let strtab_off = raw[shstrndx].3 as usize;
    raw.iter()
        .map(|&(at, name, kind, offset, size, link, entsize)| Shdr {
            name: cstr(d, strtab_off + name as usize),
            at,
            kind,
            offset,
            size,
            link,
            entsize,
        })
        .collect()
}

pub fn cstr(d: &[u8], at: usize) -> String {
    let end = d[at..].iter().position(|&b| b == 0).unwrap() + at;
    String::from_utf8_lossy(&d[at..end]).into_owned()
}

pub fn section<'a>(secs: &'a [Shdr], name: &str) -> &'a Shdr {
    secs.iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("test object has no {name} section"))
}

/// File offset of the symbol table entry for `name`.
pub fn symbol_entry(d: &[u8], name: &str) -> usize {
    let secs = sections(d);
    let symtab = secs.iter().find(|s| s.kind == SHT_SYMTAB).unwrap();
    let strtab = &secs[symtab.link as usize];
    assert_eq!(strtab.kind, SHT_STRTAB);
    (0..symtab.size / 24)
        .map(|i| (symtab.offset + i * 24) as usize)
        .find(|&at| cstr(d, strtab.offset as usize + rd32(d, at) as usize) == name)
        .unwrap_or_else(|| panic!("test object has no symbol {name}"))
}

/// The contents of the section called `name`, if the file has one.
pub fn section_data<'a>(d: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let s = sections(d).into_iter().find(|s| s.name == name)?;
    d.get(s.offset as usize..(s.offset + s.size) as usize)
}
