//! Opening inputs: finding `-l` libraries, mapping files, telling objects, shared libraries, archives
//! and linker scripts apart, and expanding archives and scripts into the ordered list of files the
//! link works on.
//!
//! Mappings are leaked on purpose: every later phase borrows from them for the whole link, and the
//! process exits right after writing the output, so unmapping would only cost time.

use crate::args::{Config, InputArg, InputState};
use crate::bail;
use crate::error::{Error, Result};
use crate::script;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A relocatable object, standalone or an archive member.
pub struct ObjectInput {
    /// How errors name the file: `path` or `archive(member)`.
    pub name: String,
    pub data: &'static [u8],
    /// An archive member that is linked only if it defines a symbol something else needs.
    pub lazy: bool,
}

pub struct DsoInput {
    pub name: String,
    pub data: &'static [u8],
    pub as_needed: bool,
    /// What DT_NEEDED calls it (`dso::needed_name`).
    pub soname: Vec<u8>,
}

/// An archive with a symbol index: its members are read only when the index says they define a
/// name the link may need (`extract`).
pub struct IndexedArchive {
    pub name: String,
    pub path: PathBuf,
    pub data: &'static [u8],
    pub index: crate::archive::Index,
}

pub enum Input {
    Object(ObjectInput),
    Dso(DsoInput),
    Archive(IndexedArchive),
}

impl Input {
    /// The bytes mapped for this input.
    pub fn size(&self) -> usize {
        match self {
            Input::Object(o) => o.data.len(),
            Input::Dso(d) => d.data.len(),
            Input::Archive(a) => a.data.len(),
        }
    }
}

/// Default library directories GNU ld searches after `-L` ones on Debian x86-64.
const DEFAULT_LIB_DIRS: &[&str] = &[
    "/usr/local/lib/x86_64-linux-gnu",
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/local/lib64",
    "/lib64",
    "/usr/lib64",
    "/usr/local/lib",
    "/lib",
    "/usr/lib",
];

pub fn map_file(path: &Path) -> Result<&'static [u8]> {
    map_file_with_id(path).map(|m| m.data)
}

/// A mapped file and its (device, inode).
struct Mapped {
    data: &'static [u8],
    id: (u64, u64),
}

fn map_file_with_id(path: &Path) -> Result<Mapped> {
    use std::os::unix::fs::MetadataExt;
    let file = std::fs::File::open(path)
        .map_err(|e| Error(format!("cannot open {}: {}", path.display(), io_reason(&e))))?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        bail!("{}: is a directory", path.display());
    }
    let id = (meta.dev(), meta.ino());
    if meta.len() == 0 {
        return Ok(Mapped { data: &[], id });
    }
    // SAFETY: the mapping is read-only and lives until exit. As with every mmap-based linker, an input
    // truncated by another process during the link is the user's race.
    let map = unsafe { memmap2::Mmap::map(&file) }
        .map_err(|e| Error(format!("cannot map {}: {}", path.display(), e)))?;
    let map: &'static memmap2::Mmap = Box::leak(Box::new(map));
    Ok(Mapped { data: &map[..], id })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub enum FileType {
    Object,
    Shared,
    Archive,
    ThinArchive,
    Bitcode,
    Script,
    Unknown,
}

pub fn identify(data: &[u8]) -> FileType {
    if data.starts_with(b"\x7fELF") {
        if data.len() >= 18 {
            match u16::from_le_bytes([data[16], data[17]]) {
                crate::elf::ET_REL => return FileType::Object,
                crate::elf::ET_DYN => return FileType::Shared,
                _ => {}
            }
        }
        return FileType::Unknown;
    }
    if data.starts_with(b"!<arch>\n") {
        return FileType::Archive;
    }
    if data.starts_with(b"!<thin>\n") {
        return FileType::ThinArchive;
    }
    if data.starts_with(b"BC\xc0\xde") || data.starts_with(&[0xde, 0xc0, 0x17, 0x0b]) {
        return FileType::Bitcode;
    }
    if script::looks_like_script(data) {
        return FileType::Script;
    }
    FileType::Unknown
}

/// Checks the ELF identification of an object or shared library: 64-bit, little-endian, x86-64.
pub fn check_elf_header(name: &str, data: &[u8]) -> Result<()> {
    if data.len() < 64 {
        bail!("{name}: file is truncated (shorter than an ELF header)");
    }
    if data[4] != crate::elf::ELFCLASS64 {
        bail!("{name}: incompatible ELF class (32-bit object; solder links 64-bit x86-64)");
    }
    if data[5] != crate::elf::ELFDATA2LSB {
        bail!("{name}: incompatible byte order (big-endian)");
    }
    let machine = u16::from_le_bytes([data[18], data[19]]);
    if machine != crate::elf::EM_X86_64 {
        bail!(
            "{name}: incompatible architecture: {} (solder links x86-64)",
            machine_name(machine)
        );
    }
    Ok(())
}

fn machine_name(m: u16) -> String {
    match m {
        crate::elf::EM_AARCH64 => "AArch64".into(),
        crate::elf::EM_386 => "i386".into(),
        crate::elf::EM_ARM => "ARM".into(),
        crate::elf::EM_RISCV => "RISC-V".into(),
        crate::elf::EM_PPC64 => "PowerPC64".into(),
        _ => format!("e_machine {m}"),
    }
}

struct Loader<'c> {
    cfg: &'c Config,
    /// (device, inode) of an existing output file: linking it as an input would destroy it.
    output_id: Option<(u64, u64)>,
    search_dirs: Vec<PathBuf>,
    /// `--sysroot`, as given and canonicalised (to tell whether a script lives inside it).
    sysroot: Option<(PathBuf, PathBuf)>,
    out: Vec<Loaded>,
    opened: &'c mut Vec<PathBuf>,
    /// Shared libraries already loaded, by the name DT_NEEDED gives them: where each is in `out`.
    seen_dsos: HashMap<Vec<u8>, usize>,
    /// Archives already loaded, by (device, inode): the same file under another name is the same
    /// input. (Comparing canonical paths cost a readlink per path component: 500 system calls on
    /// a Rust link.)
    seen_archives: HashSet<(u64, u64)>,
}

/// An input in link order, or an archive whose members are yet to be listed.
enum Loaded {
    Input(Input),
    Archive(PendingArchive),
}

/// Archives are walked after the command line has been: walking one touches every member's header
/// (a page fault on the mapped file for each member), 20 ms for LLVM's 4,400 members, which
/// several threads share.
struct PendingArchive {
    name: String,
    path: PathBuf,
    data: &'static [u8],
    thin: bool,
    whole_archive: bool,
    /// Where in `opened` a thin archive's members go: after the archive itself.
    opened_at: usize,
}

impl PendingArchive {
    fn members(&self) -> Members {
        let mut inputs = Vec::new();
        let mut opened = Vec::new();
        let lazy = !self.whole_archive;
        // (A thin archive's members are files of their own, which `--reproduce` must know of
        // before any is needed: it is walked.)
        if lazy && !self.thin {
            match crate::archive::Index::read(&self.name, self.data) {
                Ok(Some(index)) => {
                    inputs.push(Input::Archive(IndexedArchive {
                        name: self.name.clone(),
                        path: self.path.clone(),
                        data: self.data,
                        index,
                    }));
                    return (Ok(inputs), opened);
                }
                Ok(None) => {}
                Err(e) => return (Err(e), opened),
            }
        }
        let walked = crate::archive::read_members(
            &self.name,
            &self.path,
            self.data,
            self.thin,
            &mut opened,
            |mname, mdata| {
                match identify(mdata) {
                    FileType::Object => {
                        check_elf_header(&mname, mdata)?;
                        inputs.push(Input::Object(ObjectInput {
                            name: mname,
                            data: mdata,
                            lazy,
                        }));
                    }
                    FileType::Bitcode => {
                        bail!("{mname}: LLVM bitcode (LTO) is not supported; rebuild without -flto")
                    }
                    // GNU ar puts only objects in archives; anything else (an empty member, a
                    // stray text file) defines no symbols, so it can never be pulled.
                    _ => {}
                }
                Ok(())
            },
        );
        (walked.map(|()| inputs), opened)
    }
}

/// An archive's members, and the thin members' paths opened to list them (also on failure).
type Members = (Result<Vec<Input>>, Vec<PathBuf>);

/// Below this many bytes of archives, one thread walks them: waking another costs more.
const PARALLEL_ARCHIVE_BYTES: usize = 8 << 20;

/// Lists the members of every pending archive in `loaded`, on the link's threads; returns
/// the inputs in link order, or the first error in link order. Thin members' paths are inserted
/// into `opened` where their archive was opened.
fn expand_archives(loaded: Vec<Loaded>, opened: &mut Vec<PathBuf>) -> Result<Vec<Input>> {
    let pending: Vec<&PendingArchive> = loaded
        .iter()
        .filter_map(|l| match l {
            Loaded::Archive(a) => Some(a),
            Loaded::Input(_) => None,
        })
        .collect();
    let bytes: usize = pending.iter().map(|a| a.data.len()).sum();
    // One archive per job: their walks differ in cost by orders of magnitude.
    let mut results: Vec<Members> = if bytes < PARALLEL_ARCHIVE_BYTES {
        pending.iter().map(|a| a.members()).collect()
    } else {
        pending
            .par_iter()
            .with_max_len(1)
            .map(|a| a.members())
            .collect()
    };
    // Thin members' paths, from the last archive back so that earlier positions stay valid.
    for (a, (_, paths)) in pending.iter().zip(&mut results).rev() {
        let at = a.opened_at.min(opened.len());
        opened.splice(at..at, std::mem::take(paths));
    }
    let mut results = results.into_iter();
    let mut out = Vec::with_capacity(loaded.len());
    for l in loaded {
        match l {
            Loaded::Input(i) => out.push(i),
            Loaded::Archive(_) => out.extend(results.next().expect("one result per archive").0?),
        }
    }
    Ok(out)
}

/// A directory named on the command line or in a script: `=DIR` and `$SYSROOT/DIR` are inside
/// the sysroot (as in GNU ld).
fn sysroot_dir(sysroot: Option<&Path>, dir: &Path) -> PathBuf {
    let s = dir.to_string_lossy();
    let rest = s.strip_prefix('=').or_else(|| s.strip_prefix("$SYSROOT"));
    match (rest, sysroot) {
        (Some(r), Some(root)) => root.join(r.trim_start_matches('/')),
        (Some(r), None) => PathBuf::from(r),
        (None, _) => dir.to_path_buf(),
    }
}

/// The inputs in link order. Every file opened to find them (objects, archives and their thin
/// members, libraries, scripts) is added to `opened` in first-use order, also when loading fails,
/// so that `--reproduce` can capture a link whose inputs are at fault.
pub fn load_inputs(
    cfg: &Config,
    opened: &mut Vec<PathBuf>,
    start_threads: impl FnOnce(usize) -> Result<()>,
) -> Result<Vec<Input>> {
    let root = cfg.sysroot.as_deref();
    let mut search_dirs: Vec<PathBuf> = cfg
        .library_paths
        .iter()
        .map(|d| sysroot_dir(root, d))
        .collect();
    search_dirs.extend(DEFAULT_LIB_DIRS.iter().map(|d| match root {
        Some(r) => r.join(d.trim_start_matches('/')),
        None => PathBuf::from(d),
    }));
    use std::os::unix::fs::MetadataExt;
    let output_id = std::fs::metadata(&cfg.output)
        .ok()
        .map(|m| (m.dev(), m.ino()));
    let sysroot = root.map(|r| {
        (
            r.to_path_buf(),
            std::fs::canonicalize(r).unwrap_or_else(|_| r.to_path_buf()),
        )
    });
    let mut l = Loader {
        cfg,
        output_id,
        search_dirs,
        sysroot,
        out: Vec::new(),
        opened,
        seen_dsos: HashMap::new(),
        seen_archives: HashSet::new(),
    };
    let result = (|| -> Result<()> {
        for arg in &cfg.inputs {
            match arg {
                InputArg::Path(p, state) => l.add_path(p, *state, 0, false)?,
                InputArg::Library(name, state) => {
                    let path = l.find_library(name, state.static_only)?;
                    l.add_path(&path, *state, 0, true)?;
                }
            }
        }
        Ok(())
    })();
    let loaded = std::mem::take(&mut l.out);
    // The threads start once the inputs' size is known, and before the archives are walked:
    // that is the first parallel work.
    let bytes = loaded
        .iter()
        .map(|l| match l {
            Loaded::Input(i) => i.size(),
            Loaded::Archive(a) => a.data.len(),
        })
        .sum();
    let started = start_threads(bytes);
    // Every archive before a failure is walked: an error in one of them comes first.
    let expanded = expand_archives(loaded, l.opened);
    let mut seen = HashSet::new();
    l.opened.retain(|p| seen.insert(p.clone()));
    started?;
    let out = expanded?;
    result.map(|()| out)
}

impl Loader<'_> {
    fn find_library(&self, name: &str, static_only: bool) -> Result<PathBuf> {
        if let Some(exact) = name.strip_prefix(':') {
            for dir in &self.search_dirs {
                let p = dir.join(exact);
                if p.is_file() {
                    return Ok(p);
                }
            }
            bail!("cannot find -l{name}: no file {exact} in the library search path");
        }
        for dir in &self.search_dirs {
            if !static_only {
                let p = dir.join(format!("lib{name}.so"));
                if p.is_file() && self.compatible(&p) {
                    return Ok(p);
                }
            }
            let p = dir.join(format!("lib{name}.a"));
            if p.is_file() {
                return Ok(p);
            }
        }
        bail!("cannot find -l{name}: not found in the library search path");
    }

    /// GNU ld skips libraries of another architecture while searching (e.g. 32-bit ones).
    fn compatible(&self, p: &Path) -> bool {
        let Ok(data) = map_file(p) else { return false };
        match identify(data) {
            FileType::Shared | FileType::Object => check_elf_header("", data).is_ok(),
            _ => true,
        }
    }

    /// `searched`: found by `-l` in the library search path (which names a soname-less library
    /// by its base name in DT_NEEDED).
    fn add_path(
        &mut self,
        path: &Path,
        state: InputState,
        depth: usize,
        searched: bool,
    ) -> Result<()> {
        self.opened.push(path.to_path_buf());
        let mapped = map_file_with_id(path)?;
        if self.output_id == Some(mapped.id) {
            bail!("input file '{}' is the same as output file", path.display());
        }
        let data = mapped.data;
        let name = path.display().to_string();
        match identify(data) {
            FileType::Object => {
                check_elf_header(&name, data)?;
                self.out.push(Loaded::Input(Input::Object(ObjectInput {
                    name,
                    data,
                    lazy: false,
                })));
            }
            FileType::Shared => {
                check_elf_header(&name, data)?;
                if self.cfg.static_flag && state.static_only {
                    bail!("{name}: attempted static link of dynamic object");
                }
                let fallback = match path.file_name() {
                    Some(base) if searched => base.to_string_lossy(),
                    _ => path.to_string_lossy(),
                };
                let soname = crate::dso::needed_name(&name, data, &fallback)?;
                // As GNU ld: a library named like one already loaded is that library, whether
                // it is the same file (a symlink, another path) or a copy; one file under two
                // names without a soname is two libraries. Mentioned again without
                // --as-needed, it is needed.
                match self.seen_dsos.get(&soname) {
                    Some(&at) => {
                        if let Loaded::Input(Input::Dso(d)) = &mut self.out[at] {
                            d.as_needed &= state.as_needed;
                        }
                    }
                    None => {
                        self.seen_dsos.insert(soname.clone(), self.out.len());
                        self.out.push(Loaded::Input(Input::Dso(DsoInput {
                            name,
                            data,
                            as_needed: state.as_needed,
                            soname,
                        })));
                    }
                }
            }
            FileType::Archive | FileType::ThinArchive => {
                let first = self.seen_archives.insert(mapped.id);
                // Archives are searched regardless of position, so a second mention adds nothing,
                // unless this one is under --whole-archive.
                if first || state.whole_archive {
                    self.out.push(Loaded::Archive(PendingArchive {
                        name,
                        path: path.to_path_buf(),
                        data,
                        thin: identify(data) == FileType::ThinArchive,
                        whole_archive: state.whole_archive,
                        opened_at: self.opened.len(),
                    }));
                }
            }
            FileType::Script => {
                if depth > 16 {
                    bail!("{name}: linker scripts include each other too deeply");
                }
                let text = std::str::from_utf8(data)
                    .map_err(|_| Error(format!("{name}: linker script is not valid UTF-8")))?;
                let script = script::parse(&name, text)?;
                let root = self.sysroot.as_ref().map(|r| r.0.clone());
                self.search_dirs.extend(
                    script
                        .search_dirs
                        .iter()
                        .map(|d| sysroot_dir(root.as_deref(), d)),
                );
                let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                // As GNU ld: absolute paths in a script that lives inside the sysroot are inside
                // the sysroot too.
                let in_sysroot = self.sysroot.as_ref().and_then(|(given, canon)| {
                    let real = std::fs::canonicalize(path).ok()?;
                    real.starts_with(canon).then(|| given.clone())
                });
                for item in script.inputs {
                    let mut st = state;
                    st.as_needed |= item.as_needed;
                    // A name the script gives that cannot be found or opened is the script's
                    // error; what is wrong inside a file it names is that file's.
                    let in_script = |e: Error| Error(format!("{name}: {}", e.0));
                    let searched = item.name.starts_with("-l");
                    let p = if let Some(lib) = item.name.strip_prefix("-l") {
                        self.find_library(lib, st.static_only).map_err(in_script)?
                    } else if let (Some(root), true) = (&in_sysroot, item.name.starts_with('/')) {
                        root.join(item.name.trim_start_matches('/'))
                    } else {
                        self.find_script_input(&item.name, &base_dir)
                            .map_err(in_script)?
                    };
                    if !p.is_file() {
                        bail!(
                            "{name}: cannot open {} (named in this linker script): {}",
                            p.display(),
                            if p.is_dir() {
                                "it is a directory"
                            } else {
                                "no such file"
                            }
                        );
                    }
                    self.add_path(&p, st, depth + 1, searched)?;
                }
                if let Some(entry) = script.entry {
                    // An explicit -e still wins; the script only supplies a default.
                    let _ = entry;
                }
            }
            FileType::Bitcode => {
                bail!("{name}: LLVM bitcode (LTO) is not supported; rebuild without -flto")
            }
            FileType::Unknown => {
                if data.starts_with(b"\x7fELF") && data.len() < 64 {
                    bail!("{name}: file is truncated (shorter than an ELF header)");
                }
                if data.starts_with(b"\x7fELF") {
                    bail!(
                        "{name}: unsupported ELF file type (not a relocatable object or shared library)"
                    );
                }
                bail!("{name}: file format not recognized");
            }
        }
        Ok(())
    }

    fn find_script_input(&self, name: &str, script_dir: &Path) -> Result<PathBuf> {
        let p = PathBuf::from(name);
        if p.is_absolute() {
            return Ok(p);
        }
        // As GNU ld: beside the script before the current directory, and named so (`./name` for
        // a script in the current directory), which is what DT_NEEDED records.
        let dir = match script_dir.as_os_str().is_empty() {
            true => Path::new("."),
            false => script_dir,
        };
        let beside = dir.join(name);
        if beside.exists() {
            return Ok(beside);
        }
        if p.exists() {
            return Ok(p);
        }
        for dir in &self.search_dirs {
            let q = dir.join(name);
            if q.exists() {
                return Ok(q);
            }
        }
        bail!("cannot find {name}, named in this linker script");
    }
}

/// Takes the pages of `spans` (bytes of mapped inputs the link will not read again) out of this
/// process's resident set. The page cache keeps them; a later read would fault them back in.
///
/// Why: a large link's peak memory is the inputs it touched plus the output it maps, and the
/// archive members that resolution did not pull in were touched only to read their symbols (a
/// third of the input of a C++ link against LLVM's archives). Only whole pages inside a span are
/// released, and spans closer than an archive member header are joined. One thread: two zapping
/// the same address space took as long as one, at twice the CPU time.
pub fn release(mut spans: Vec<&'static [u8]>) {
    const PAGE: usize = 4096;
    const JOIN: usize = 64;
    spans.sort_unstable_by_key(|s| s.as_ptr() as usize);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for s in spans {
        let (start, end) = (s.as_ptr() as usize, s.as_ptr() as usize + s.len());
        match runs.last_mut() {
            Some(last) if start <= last.1 + JOIN && start >= last.0 => last.1 = last.1.max(end),
            _ => runs.push((start, end)),
        }
    }
    runs.iter().for_each(|&(start, end)| {
        let (start, end) = (start.next_multiple_of(PAGE), end / PAGE * PAGE);
        if end > start {
            // SAFETY: the range lies inside a read-only file mapping that lives until exit; after
            // MADV_DONTNEED a read of it faults the same file contents back in.
            unsafe { crate::sys::advise(start as *mut _, end - start, crate::sys::MADV_DONTNEED) };
        }
    });
}

/// Takes the pages of `whole` (a mapped input) out of the resident set, except those holding any
/// of `keep` (what the link will still read).
pub fn release_except(whole: &'static [u8], keep: Vec<&'static [u8]>, min_gap: usize) {
    let spans = keep
        .iter()
        .map(|k| (k.as_ptr() as usize, k.as_ptr() as usize + k.len()));
    let at = whole.as_ptr() as usize;
    for (a, b) in released_pages((at, at + whole.len()), spans.collect(), min_gap) {
        // SAFETY: as in `release`: a read-only file mapping that lives until exit.
        unsafe { crate::sys::advise(a as *mut _, b - a, crate::sys::MADV_DONTNEED) };
    }
}

/// The whole pages of `whole` that hold no byte of `keep`, in runs of at least `min_gap` bytes:
/// a system call, and a TLB flush on every thread of the link, for a few pages is not worth it.
/// Spans outside `whole` (decompressed sections live on the heap) keep nothing here.
fn released_pages(
    whole: (usize, usize),
    mut keep: Vec<(usize, usize)>,
    min_gap: usize,
) -> Vec<(usize, usize)> {
    const PAGE: usize = 4096;
    keep.retain(|&(a, b)| a >= whole.0 && b <= whole.1 && b > a);
    keep.sort_unstable();
    let mut out = Vec::new();
    let mut from = whole.0;
    for (start, end) in keep.into_iter().chain([(whole.1, whole.1)]) {
        let (a, b) = (from.next_multiple_of(PAGE), start / PAGE * PAGE);
        if b > a && b - a >= min_gap {
            out.push((a, b));
        }
        from = from.max(end);
    }
    out
}

#[cfg(test)]
mod tests {
    /// Only whole pages between the kept spans, in runs of at least the minimum, are released;
    /// unsorted, empty and outside spans change nothing.
    #[test]
    fn released_pages_avoid_kept_spans() {
        const P: usize = 4096;
        let whole = (10 * P + 100, 40 * P + 7);
        let keep = vec![
            (30 * P + 5, 31 * P), // a kept span inside a page
            (12 * P, 12 * P + 1), // one byte
            (60 * P, 61 * P),     // outside: ignored
            (20 * P, 20 * P),     // empty: ignored
        ];
        let got = super::released_pages(whole, keep.clone(), P);
        assert_eq!(got, [(11 * P, 12 * P), (13 * P, 30 * P), (31 * P, 40 * P)]);
        // The run of one page before the first kept byte is too short at a two-page minimum.
        let got = super::released_pages(whole, keep, 2 * P);
        assert_eq!(got, [(13 * P, 30 * P), (31 * P, 40 * P)]);
        assert_eq!(super::released_pages(whole, vec![], 0), [(11 * P, 40 * P)]);
        assert!(super::released_pages(whole, vec![(whole.0, whole.1)], 0).is_empty());
    }

    #[test]
    fn released_pages_read_back_the_same_bytes() {
        let path = std::env::temp_dir().join(format!("solder-release-{}", std::process::id()));
        let bytes: Vec<u8> = (0..5 * 4096 + 123).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let data = super::map_file(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(data, &bytes[..]);
        assert_eq!(resident_kib(data), 24);
        // Two spans a member header apart are joined, and pages only partly inside are kept: the
        // first and the last.
        super::release(vec![
            &data[100..4096 * 2],
            &data[4096 * 2 + 60..4096 * 5 + 50],
        ]);
        assert_eq!(resident_kib(data), 8);
        assert_eq!(data, &bytes[..]);
    }

    /// What this process has resident of the mapping that holds `data`.
    fn resident_kib(data: &[u8]) -> u64 {
        let rss = crate::sys::smaps_field(data.as_ptr() as usize, "Rss");
        rss.trim_end_matches(" kB").parse().unwrap()
    }
}
