//! Symbols: one flat table indexed by id. Ids `0..globals` are global names (from the interner); then
//! one null symbol; then the local symbols of every live object, file by file.
//!
//! Fields are plain values written by one phase and read by later ones; only `flags` is written
//! concurrently (relocation scanning ORs in what a symbol needs).

use std::sync::atomic::{AtomicU32, Ordering};

use crate::object::NONE;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum SymKind {
    /// No definition anywhere (an undefined weak reference, or an error).
    Undefined,
    /// Defined in section `shndx` of object `file`, at offset `value` before layout.
    Section,
    /// `SHN_ABS`.
    Abs,
    /// A COMMON symbol allocated in `.bss`; `value` is its offset in the owner's common block.
    Common,
    /// Defined by shared library `file` (dynsym index `idx`).
    Dso,
    /// Defined by the linker (`__ehdr_start`, `_end`, `__start_SEC`, ...); `idx` says which.
    Linker,
}

// What relocation scanning found a symbol needs.
pub const NEEDS_GOT: u32 = 1 << 0;
pub const NEEDS_PLT: u32 = 1 << 1;
/// The symbol's address is its PLT entry (address taken of an imported function in an executable).
pub const NEEDS_CPLT: u32 = 1 << 2;
pub const NEEDS_COPYREL: u32 = 1 << 3;
pub const NEEDS_GOTTP: u32 = 1 << 4;
pub const NEEDS_TLSGD: u32 = 1 << 5;
pub const NEEDS_TLSDESC: u32 = 1 << 6;
/// Named by a dynamic relocation, so it must be in `.dynsym`.
pub const NEEDS_DYNSYM: u32 = 1 << 7;

/// A symbol name's `@VERSION` part, as `.symver` spells it in objects and `dyn_name` strips it:
/// (`foo`, Some((`V2`, true))) for `foo@@V2` (the default version), (`foo`, Some((`V1`, false)))
/// for `foo@V1`, (`foo`, None) for `foo`.
pub fn split_version(name: &'static [u8]) -> (&'static [u8], Option<(&'static [u8], bool)>) {
    match memchr::memchr(b'@', name) {
        None => (name, None),
        Some(p) => match name[p + 1..].strip_prefix(b"@") {
            Some(v) => (&name[..p], Some((v, true))),
            None => (&name[..p], Some((&name[p + 1..], false))),
        },
    }
}

/// A symbol's name is not in its record: [`crate::context::Link::sym_name`] finds it (a global's in
/// the interner, a local's in its object), for the few places that need it. Every relocation reads
/// a record, and 420,000 locals of a large C++ link had their names measured for nothing.
pub struct Symbol {
    /// Before layout: the offset in its section (or common block); after: the final address.
    pub value: u64,
    pub size: u64,
    /// Owner file id, or NONE.
    pub file: u32,
    /// Index in the owner's symbol table (dynsym for a library); for `Linker`, which symbol.
    pub idx: u32,
    /// Section index in the owner object (`Section`), or output section (`Linker`).
    pub shndx: u32,
    /// Index into `Link::aux` once the symbol needs GOT/PLT/dynsym slots.
    pub aux: u32,
    pub flags: AtomicU32,
    pub kind: SymKind,
    pub ty: u8,
    pub bind: u8,
    pub vis: u8,
    /// Resolved at run time by the dynamic loader.
    pub imported: bool,
    /// Visible to other modules (in `.dynsym` as a definition).
    pub exported: bool,
    /// Exported by a shared object and not bound locally: another module's definition may win.
    pub preemptible: bool,
    /// Version index in `.gnu.version` (for imports: the library's version of the definition).
    pub ver: u16,
    pub is_local: bool,
}

/// For a name the linker defines for a section named like a C identifier (`__start_SEC`,
/// `__stop_SEC`): whether it is the start, and the section's name.
#[inline]
pub fn start_stop_section(name: &[u8]) -> Option<(bool, &[u8])> {
    // Nearly every name fails the first test: this runs for every undefined global at parse.
    if !name.starts_with(b"__st") {
        return None;
    }
    match name.strip_prefix(b"__start_") {
        Some(sec) => Some((true, sec)),
        None => name.strip_prefix(b"__stop_").map(|sec| (false, sec)),
    }
}

// Every relocation reads a record: growing it is a cost on every link (see the comment above).
const _: () = assert!(std::mem::size_of::<Symbol>() == 48);

impl Symbol {
    pub fn new() -> Symbol {
        Symbol {
            value: 0,
            size: 0,
            file: NONE,
            idx: 0,
            shndx: 0,
            aux: NONE,
            flags: AtomicU32::new(0),
            kind: SymKind::Undefined,
            ty: 0,
            bind: crate::elf::STB_GLOBAL,
            vis: 0,
            imported: false,
            exported: false,
            preemptible: false,
            ver: 1,
            is_local: false,
        }
    }

    #[inline]
    pub fn flags(&self) -> u32 {
        self.flags.load(Ordering::Relaxed)
    }

    #[inline]
    pub fn add_flags(&self, f: u32) {
        // Skip the atomic read-modify-write when the bits are already there: most references are
        // to symbols already flagged, and the store would bounce the cache line between threads.
        if self.flags.load(Ordering::Relaxed) & f != f {
            self.flags.fetch_or(f, Ordering::Relaxed);
        }
    }

    pub fn is_ifunc(&self) -> bool {
        self.ty == crate::elf::STT_GNU_IFUNC && self.kind == SymKind::Section
    }
}

/// Slots a symbol occupies in synthetic sections; NONE where it has none.
#[derive(Clone, Copy, Debug)]
pub struct SymAux {
    pub got: u32,
    pub gottp: u32,
    pub tlsgd: u32,
    pub tlsdesc: u32,
    pub plt: u32,
    pub dynsym: u32,
}

impl Default for SymAux {
    fn default() -> Self {
        SymAux {
            got: NONE,
            gottp: NONE,
            tlsgd: NONE,
            tlsdesc: NONE,
            plt: NONE,
            dynsym: NONE,
        }
    }
}

/// Demangles C++ (Itanium) and Rust names for messages; other names are returned as they are.
pub fn demangle(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    let (base, ver) = match s.find('@') {
        Some(i) => (&s[..i], &s[i..]),
        None => (&s[..], ""),
    };
    if let Ok(d) = rustc_demangle::try_demangle(base) {
        return format!("{d:#}{ver}");
    }
    if base.starts_with("_Z")
        && let Ok(sym) = cpp_demangle::Symbol::new(base)
        && let Ok(d) = sym.demangle(&cpp_demangle::DemangleOptions::default())
    {
        return format!("{d}{ver}");
    }
    s.into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn demangles_cpp_and_rust() {
        assert_eq!(super::demangle(b"_ZN3foo3barEv"), "foo::bar()");
        assert_eq!(super::demangle(b"printf"), "printf");
        assert_eq!(
            super::demangle(b"_ZN4core3fmt5write17h0123456789abcdefE"),
            "core::fmt::write"
        );
    }

    #[test]
    fn version_suffixes() {
        use super::split_version;
        assert_eq!(split_version(b"foo"), (&b"foo"[..], None));
        assert_eq!(
            split_version(b"foo@@V2"),
            (&b"foo"[..], Some((&b"V2"[..], true)))
        );
        assert_eq!(
            split_version(b"foo@V1"),
            (&b"foo"[..], Some((&b"V1"[..], false)))
        );
    }
}
