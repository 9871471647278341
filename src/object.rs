//! Relocatable objects (`ET_REL`): the section table, symbol table and relocations, read in place
//! from the mapping. Parsing validates every offset and index once, so the later phases index
//! without checks.

use crate::bail;
use crate::elf::*;
use crate::error::Result;
use crate::hash::hash_bytes;
use std::sync::atomic::{AtomicBool, Ordering};

pub const NONE: u32 = u32::MAX;

/// The largest section alignment accepted (lld's limit): larger ones are corrupt, and would make
/// the output huge for nothing.
pub const MAX_ALIGN: u64 = 1 << 31;
/// Sections that are not loaded are aligned in the file to at most a page.
const NONALLOC_MAX_ALIGN: u64 = 4096;
/// The largest section an input may claim: no address space holds more.
pub const MAX_SECTION_SIZE: u64 = 1 << 47;
/// How much larger than its compressed bytes a compressed section may claim to be.
const MAX_INFLATION: u64 = 2048;

/// `--wrap=SYM`: undefined references to `SYM` become `__wrap_SYM`, and undefined references to
/// `__real_SYM` become `SYM`. Definitions keep their names.
#[derive(Default)]
pub struct Wrap {
    /// (SYM, __wrap_SYM, __real_SYM)
    names: Vec<(&'static [u8], &'static [u8], &'static [u8])>,
}

impl Wrap {
    pub fn new(syms: &[String]) -> Wrap {
        let leak = |s: String| -> &'static [u8] { Box::leak(s.into_bytes().into_boxed_slice()) };
        Wrap {
            names: syms
                .iter()
                .map(|s| {
                    (
                        leak(s.clone()),
                        leak(format!("__wrap_{s}")),
                        leak(format!("__real_{s}")),
                    )
                })
                .collect(),
        }
    }

    #[inline]
    pub fn rename(&self, name: &'static [u8]) -> &'static [u8] {
        for &(sym, wrapped, real) in &self.names {
            if name == sym {
                return wrapped;
            }
            if name == real {
                return sym;
            }
        }
        name
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SecKind {
    /// Not copied to the output: symbol/string/relocation tables, groups, markers.
    Meta,
    /// Copied (or, for SHT_NOBITS, allocated) as a unit.
    Regular,
    /// SHF_MERGE: split into pieces and deduplicated; the index is into `ObjectFile::merge`.
    Merge,
    /// `.eh_frame`: split into CIE/FDE records.
    EhFrame,
    /// Dropped: a comdat group another file already supplies, SHF_EXCLUDE, or garbage-collected.
    Discarded,
}

/// One per section of every linked object (662k on a large C++ link), so it is kept small: on a
/// VM every fresh page costs about a millisecond per MiB to fault in, and the section records were
/// the largest block of memory a link allocated. Rare facts live with the file (the dynamic
/// relocation runs, in `ObjectFile::dynrel_runs`). 48 bytes, checked at compile time.
pub struct InputSection {
    pub size: u64,
    /// Offset within the output section.
    pub offset: u64,
    /// `sh_flags`: every flag ELF defines is in the low 32 bits ([`InputSection::flags`]).
    flags: u32,
    pub sh_type: u32,
    /// The output section this section goes to, once laid out.
    pub out: u32,
    /// Where the section's contents and the relocations that apply to it are in the file, and
    /// how many relocations: marking, scanning and writing find them here without a miss on the
    /// section-header table (a fifth of `--gc-sections` marking on a large C++ link, and 2% of
    /// a whole link for the contents). `FAR` for an offset past 4 GiB: the header is read then.
    data_off: u32,
    rel_off: u32,
    rel_count: u32,
    /// The name's length (it starts at `sh_name` in the section-name table), or `u16::MAX` for
    /// a name that long or longer, which is then searched for its end.
    name_len: u16,
    /// Which rule of the default linker script the name of an allocated section falls under
    /// ([`crate::layout::output_class`]; 0 for the rest).
    pub out_class: u8,
    pub kind: SecKind,
    /// `sh_entsize`, saturated: only merging uses it, for sizes up to 64.
    pub entsize: u8,
    /// log2 of the alignment (at most `MAX_ALIGN`).
    align_log2: u8,
    /// The contents were decompressed at parse time (they are in `ObjectFile::inflated`).
    inflated: bool,
    /// What the name of an allocated section says to `--gc-sections` (`Other` for the rest),
    /// decided while the name is at hand: reading it again for every section (its header, then the
    /// string) was most of finding the roots.
    pub gc_name: GcName,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GcName {
    Other,
    /// `.init`, `.fini_array.5`, ...: kept whatever refers to it.
    Root,
    /// A C identifier, which a `__start_`/`__stop_` symbol can name.
    CIdent,
}

impl GcName {
    fn of(name: &[u8]) -> GcName {
        const ROOTS: [&[u8]; 7] = [
            b".init",
            b".fini",
            b".ctors",
            b".dtors",
            b".init_array",
            b".fini_array",
            b".preinit_array",
        ];
        if ROOTS
            .iter()
            .any(|p| crate::layout::starts_with_sec(name, p))
        {
            GcName::Root
        } else if crate::layout::is_c_ident(name) {
            GcName::CIdent
        } else {
            GcName::Other
        }
    }
}

// A large C++ link has 660,000 of these records, every byte of a record is a byte of fresh
// memory the kernel must fault in and zero (about 1 ms per MiB on the benchmark machine), and
// every pass over sections reads them. So the name is found from the section header when asked
// for ([`ObjectFile::sec_name`]); the places of the contents and relocations are kept (in 32 bits
// each), since reading them from the header was a cache miss per section for every pass.
const _: () = assert!(std::mem::size_of::<InputSection>() == 48);

/// An offset in `InputSection` that does not fit its 32 bits.
const FAR: u32 = u32::MAX;

/// A section's runs of `.rela.dyn` entries (from relocation scanning): its relative relocations,
/// counted from the start of all sections' relative ones, and its others, likewise.
#[derive(Clone, Copy)]
pub struct DynRelRuns {
    pub rel_start: u32,
    pub rel_count: u32,
    pub other_start: u32,
    pub other_count: u32,
}

impl InputSection {
    #[inline]
    pub fn flags(&self) -> u64 {
        self.flags as u64
    }

    #[inline]
    pub fn align(&self) -> u64 {
        1 << self.align_log2
    }

    pub fn is_alloc(&self) -> bool {
        self.flags & SHF_ALLOC != 0
    }
    /// Whether relocations apply to this section.
    pub fn has_relocs(&self) -> bool {
        self.rel_count != 0
    }

    pub fn is_live(&self) -> bool {
        !matches!(self.kind, SecKind::Meta | SecKind::Discarded)
    }
}

/// A comdat group, as indices into the file: a large C++ link has 140,000 of them, and a name
/// and a member list apiece were as many allocations, for a name nearly always unused (a global
/// signature is known by its interned id) and members read once.
pub struct ComdatGroup {
    /// The `SHT_GROUP` section; its words after the flags list the members (checked at parse).
    section: u32,
    /// The signature symbol's index in the symbol table.
    sig_sym: u32,
    /// The signature's global symbol index in this file, or NONE when the signature is a local or
    /// section symbol: a global signature is deduplicated by its interned id, without hashing or
    /// comparing its name again.
    pub global_sig: u32,
}

pub struct ObjectFile {
    pub id: u32,
    pub name: String,
    pub lazy: bool,
    /// The file (or archive member), mapped.
    pub data: &'static [u8],
    pub shdrs: &'static [Shdr],
    pub shstrtab: &'static [u8],
    /// Index of the symbol table section, or NONE.
    pub symtab_idx: u32,
    pub alive: AtomicBool,
    pub sections: Vec<InputSection>,
    /// Contents of the compressed sections, decompressed, by section index (ascending).
    inflated: Vec<(u32, &'static [u8])>,
    pub symtab: &'static [Sym],
    pub strtab: &'static [u8],
    /// `SHT_SYMTAB_SHNDX`: real section indices for symbols whose st_shndx is SHN_XINDEX.
    pub symtab_shndx: &'static [U32<LE>],
    pub first_global: u32,
    pub groups: Vec<ComdatGroup>,
    /// `Some(true)` if `.note.GNU-stack` asks for an executable stack, `None` if the note is absent.
    pub exec_stack: Option<bool>,
    /// GCC LTO bytecode only (no machine code): needs the LTO plugin.
    pub lto_slim: bool,
    /// Defines a global with a `.symver` version (`foo@@V2`, `foo@V1`).
    pub versioned_defs: bool,
    /// Names and hashes of the global symbols (index `first_global + i`), for interning.
    pub global_names: Vec<&'static [u8]>,
    pub global_hashes: Vec<u64>,
    /// The undefined globals (index `i` as in `global_names`) named `__start_*` or `__stop_*`,
    /// which the linker defines if a section is so named. Found here, where every name is read
    /// anyway: later the names of members resolution leaves out are no longer resident, and
    /// looking through every undefined name would fault them all back in.
    pub start_stop_refs: Vec<u32>,
    /// Global symbol ids, filled by interning (index `i` is symbol `first_global + i`).
    pub global_ids: Vec<u32>,
    /// Symbol id of every symbol-table entry; locals get ids once the file is known to be live.
    pub symbols: Vec<u32>,
    /// Per merge section (by section index): its pieces. Filled by the merge phase.
    pub merge: Vec<crate::merge::MergeSlot>,
    pub eh_frame: Vec<crate::eh_frame::EhSection>,
    /// The sections that emit dynamic relocations, by section index, with their runs.
    pub dynrel_runs: Vec<(u32, DynRelRuns)>,
    /// Size and alignment of the block in `.bss` holding the COMMON symbols this file owns.
    pub common_size: u64,
    pub common_align: u64,
    /// Where that block starts in `.bss`.
    pub common_base: u64,
    /// `--strip-debug` (or `--strip-all`): debug sections are dropped when the sections are read.
    strip_debug: bool,
}

/// How much of a section name parse reads: past every prefix it compares (the longest,
/// `.gcc_except_table.`, is 18 bytes) and every whole name (the longest, `.note.gnu.property`,
/// is 18 too).
const NAME_HEAD: usize = 32;

/// A section `--strip-debug` drops: debugging information, by the name GNU ld knows it.
fn is_debug_section(name: &[u8], flags: u64) -> bool {
    flags & SHF_ALLOC as u64 == 0 && (name.starts_with(b".debug") || name.starts_with(b".zdebug"))
}

fn section_name(
    name: &str,
    shstrtab: &'static [u8],
    off: u32,
    idx: usize,
) -> Result<&'static [u8]> {
    match cstr(shstrtab, off) {
        Some(n) => Ok(n),
        None => bail!("{name}: section {idx} has an invalid name offset"),
    }
}

impl ObjectFile {
    /// Reads what resolution needs of every object, linked or not: the headers and the global
    /// symbols. An archive member's sections are read only once it is linked
    /// ([`ObjectFile::parse_sections`]), so that members nothing needs cost next to nothing.
    pub fn parse(
        id: u32,
        name: String,
        data: &'static [u8],
        lazy: bool,
        wrap: &Wrap,
        strip_debug: bool,
    ) -> Result<ObjectFile> {
        let n = name.as_str();
        let (ehdr, shdrs) = section_headers(n, data)?;
        let mut shstrndx = ehdr.e_shstrndx.get(LE) as u32;
        if shstrndx == SHN_XINDEX as u32 {
            shstrndx = shdrs.first().map_or(0, |sh0| sh0.sh_link.get(LE));
        }
        let Some(shstr_hdr) = shdrs.get(shstrndx as usize) else {
            bail!("{n}: invalid section name table index {shstrndx}")
        };
        let shstrtab = section_bytes(
            n,
            data,
            shstr_hdr,
            format_args!("section {}", shstrndx as usize),
        )?;

        let mut symtab_idx = None;
        for (i, sh) in shdrs.iter().enumerate() {
            if sh.sh_type.get(LE) == SHT_SYMTAB {
                if symtab_idx.is_some() {
                    bail!("{n}: more than one symbol table");
                }
                symtab_idx = Some(i);
            }
        }
        let (symtab, strtab, first_global, symtab_shndx) = match symtab_idx {
            None => (&[][..], &[][..], 0u32, &[][..]),
            Some(si) => {
                let sh = &shdrs[si];
                if sh.sh_entsize.get(LE) != SYM_SIZE {
                    bail!("{n}: symbol table has entry size {}", sh.sh_entsize.get(LE));
                }
                if sh.sh_size.get(LE) % SYM_SIZE != 0 {
                    bail!("{n}: symbol table size is not a whole number of entries");
                }
                let count = sh.sh_size.get(LE) / SYM_SIZE;
                let Some(syms) = read_slice::<Sym>(data, sh.sh_offset.get(LE), count) else {
                    bail!("{n}: symbol table extends past the end of the file (truncated?)")
                };
                let link = sh.sh_link.get(LE) as usize;
                let Some(strsh) = shdrs.get(link).filter(|s| s.sh_type.get(LE) == SHT_STRTAB)
                else {
                    bail!("{n}: symbol table's string table link {link} is not a string table")
                };
                let strtab = section_bytes(n, data, strsh, format_args!("section {}", link))?;
                let first_global = sh.sh_info.get(LE);
                if first_global as u64 > count || (count > 0 && first_global == 0) {
                    bail!("{n}: symbol table has invalid first-global index {first_global}");
                }
                let mut shndx_tab: &[U32<LE>] = &[];
                for (j, s2) in shdrs.iter().enumerate() {
                    if s2.sh_type.get(LE) == SHT_SYMTAB_SHNDX && s2.sh_link.get(LE) as usize == si {
                        match read_slice::<U32<LE>>(data, s2.sh_offset.get(LE), count) {
                            Some(t) => shndx_tab = t,
                            None => bail!("{n}: extended section index table {j} is truncated"),
                        }
                    }
                }
                (syms, strtab, first_global, shndx_tab)
            }
        };

        let nsec = shdrs.len() as u32;
        let first = (first_global as usize).min(symtab.len());
        let mut global_names = Vec::with_capacity(symtab.len() - first);
        let mut versioned_defs = false;
        let mut global_hashes = Vec::with_capacity(global_names.capacity());
        let mut start_stop_refs = Vec::new();
        for (i, s) in symtab.iter().enumerate().skip(first) {
            check_symbol(n, i, s, strtab, symtab_shndx, first_global, shdrs, nsec)?;
            let nm = cstr(strtab, s.st_name.get(LE)).unwrap_or(b"");
            let nm = if s.st_shndx.get(LE) == SHN_UNDEF {
                if crate::symbol::start_stop_section(nm).is_some() {
                    start_stop_refs.push((i - first) as u32);
                }
                wrap.rename(nm)
            } else {
                // `foo@@V2` (`.symver`) defines the default version of `foo`: references to plain
                // `foo` bind to it, so it resolves under that name; the version is read back from
                // the object's own name when the dynamic symbol table is made.
                match crate::symbol::split_version(nm) {
                    (base, Some((_, true))) => {
                        versioned_defs = true;
                        base
                    }
                    (_, Some(_)) => {
                        versioned_defs = true;
                        nm
                    }
                    (_, None) => nm,
                }
            };
            global_names.push(nm);
            global_hashes.push(hash_bytes(nm));
        }
        let global_count = global_names.len();
        let mut o = ObjectFile {
            id,
            name,
            lazy,
            data,
            shdrs,
            shstrtab,
            symtab_idx: symtab_idx.map_or(NONE, |i| i as u32),
            alive: AtomicBool::new(!lazy),
            sections: Vec::new(),
            inflated: Vec::new(),
            symtab,
            strtab,
            symtab_shndx,
            first_global,
            groups: Vec::new(),
            exec_stack: None,
            lto_slim: false,
            versioned_defs,
            global_names,
            global_hashes,
            start_stop_refs,
            global_ids: vec![NONE; global_count],
            symbols: Vec::new(),
            merge: Vec::new(),
            eh_frame: Vec::new(),
            dynrel_runs: Vec::new(),
            common_size: 0,
            common_align: 1,
            common_base: 0,
            strip_debug,
        };
        if !lazy {
            o.parse_sections()?;
        }
        Ok(o)
    }

    /// Reads the sections, relocations and groups of an object that is linked, and checks its
    /// local symbols. Every offset, size, index and alignment is checked here, once.
    pub fn parse_sections(&mut self) -> Result<()> {
        if !self.sections.is_empty() || self.shdrs.is_empty() {
            return Ok(());
        }
        let n = self.name.as_str();
        let (data, shdrs, shstrtab) = (self.data, self.shdrs, self.shstrtab);
        let (symtab, strtab, symtab_shndx) = (self.symtab, self.strtab, self.symtab_shndx);
        let symtab_idx = (self.symtab_idx != NONE).then_some(self.symtab_idx as usize);
        let nsec = shdrs.len() as u32;
        for (i, s) in symtab.iter().enumerate().take(self.first_global as usize) {
            check_symbol(
                n,
                i,
                s,
                strtab,
                symtab_shndx,
                self.first_global,
                shdrs,
                nsec,
            )?;
        }
        let mut sections = Vec::with_capacity(shdrs.len());
        let mut inflated = Vec::new();
        let mut exec_stack = None;
        let mut has_lto = false;
        // A string table that ends in a NUL holds a whole name at every offset inside it.
        let terminated = shstrtab.last() == Some(&0);
        for (i, sh) in shdrs.iter().enumerate() {
            let sh_type = sh.sh_type.get(LE);
            let flags = sh.sh_flags.get(LE);
            let name_off = sh.sh_name.get(LE);
            // Names run to hundreds of bytes (`.text.` or `.rela.text.` and a mangled C++ or Rust
            // name), and finding their ends was a tenth of a Rust link's parsing. Everything parse
            // decides from a name that starts with a dot (the kind, the output section, the role
            // in gc) is in its first NAME_HEAD bytes, so a longer one's end is searched for only
            // when asked for: in messages, or as an orphan section's output name.
            let (sname, lazy_name) = match shstrtab.get(name_off as usize..) {
                Some(rest) if terminated => {
                    let head = &rest[..rest.len().min(NAME_HEAD)];
                    match memchr_nul(head) {
                        Some(end) => (&head[..end], false),
                        None if head.first() == Some(&b'.') => (head, true),
                        None => (section_name(n, shstrtab, name_off, i)?, false),
                    }
                }
                _ => (section_name(n, shstrtab, name_off, i)?, false),
            };
            // The whole name, for messages and the rare reader past its first bytes.
            let whole_name = || cstr(shstrtab, name_off).unwrap_or(sname);
            let full_name = || name_str(whole_name());
            let data_slice: &'static [u8] = if sh_type == SHT_NOBITS || i == 0 {
                &[]
            } else {
                section_bytes(n, data, sh, format_args!("section {}", i))?
            };
            let mut size = sh.sh_size.get(LE);
            let align = sh.sh_addralign.get(LE).max(1);
            if !align.is_power_of_two() {
                bail!(
                    "{n}: section {} has alignment {align}, not a power of two",
                    full_name()
                );
            }
            if align > MAX_ALIGN {
                bail!(
                    "{n}: section {} has alignment {align}, more than the {MAX_ALIGN} solder accepts",
                    full_name()
                );
            }
            // A section that is not loaded has no address to align: past a page, alignment only
            // makes file padding (gigabytes of it from a corrupt header), so it is capped.
            let align = if flags & SHF_ALLOC as u64 == 0 {
                align.min(NONALLOC_MAX_ALIGN)
            } else {
                align
            };
            if sh_type == SHT_NOBITS && size > MAX_SECTION_SIZE {
                bail!(
                    "{n}: section {} claims {size} bytes, more than an address space holds",
                    full_name()
                );
            }
            let mut kind = SecKind::Regular;
            match sh_type {
                SHT_NULL | SHT_SYMTAB | SHT_STRTAB | SHT_RELA | SHT_GROUP | SHT_SYMTAB_SHNDX => {
                    kind = SecKind::Meta;
                }
                SHT_REL => bail!(
                    "{n}: SHT_REL relocations are not valid for x86-64 (section {})",
                    full_name()
                ),
                // LLVM's address-significance table and other linker-directed metadata.
                0x6fff4c00..=0x6fff4cff => kind = SecKind::Meta,
                _ => {}
            }
            if sname == b".note.GNU-stack" {
                exec_stack = Some(flags & SHF_EXECINSTR as u64 != 0);
                kind = SecKind::Meta;
            } else if sname.starts_with(b".gnu.lto_") {
                has_lto = true;
                kind = SecKind::Meta;
            } else if sname == b".note.gnu.property" || sname.starts_with(b".gnu.warning") {
                // Properties are merged per output, not concatenated; link-time warnings are
                // GNU ld diagnostics, not output contents.
                kind = SecKind::Meta;
            } else if flags & SHF_EXCLUDE as u64 != 0 && kind == SecKind::Regular {
                kind = SecKind::Discarded;
            } else if kind == SecKind::Regular
                && sname == b".eh_frame"
                && (sh_type == SHT_PROGBITS || sh_type == SHT_X86_64_UNWIND)
            {
                // LLVM (clang, rustc) types .eh_frame SHT_X86_64_UNWIND; GCC uses PROGBITS.
                kind = SecKind::EhFrame;
            }
            // A debug section that will be stripped is not decompressed, merged or kept: what
            // reached layout before was split into strings and deduplicated first (2.4 MiB of
            // `.debug_str` in the Rust standard library's archives behind every release build).
            if kind == SecKind::Regular && self.strip_debug && is_debug_section(sname, flags) {
                kind = SecKind::Discarded;
            }
            if flags & SHF_COMPRESSED as u64 != 0 && kind == SecKind::Regular {
                if flags & SHF_ALLOC as u64 != 0 {
                    bail!("{n}: section {} is compressed but allocated", full_name());
                }
                let bytes = decompress(n, whole_name(), data_slice)?;
                size = bytes.len() as u64;
                inflated.push((i as u32, bytes));
            }
            // Merging is only an optimisation: a section whose entries solder cannot split
            // (an entry size that does not divide it, or an absurd one) is copied whole.
            let entsize = sh.sh_entsize.get(LE);
            if kind == SecKind::Regular
                && flags & SHF_MERGE as u64 != 0
                && (1..=64).contains(&entsize)
                && size > 0
                && size % entsize == 0
                && sh_type == SHT_PROGBITS
            {
                kind = SecKind::Merge;
            }
            // What the name says to layout and to gc matters only for an allocated section (only
            // those are renamed or kept as roots): the others, relocation sections among them, are
            // not classified.
            let (out_class, gc_name) = if flags & SHF_ALLOC as u64 != 0 {
                (crate::layout::output_class(sname), GcName::of(sname))
            } else {
                (0, GcName::Other)
            };
            sections.push(InputSection {
                size,
                flags: flags as u32,
                offset: 0,
                sh_type,
                out: NONE,
                entsize: entsize.min(u8::MAX as u64) as u8,
                data_off: if sh_type == SHT_NOBITS || i == 0 {
                    0
                } else {
                    u32::try_from(sh.sh_offset.get(LE)).unwrap_or(FAR)
                },
                rel_off: 0,
                rel_count: 0,
                name_len: if lazy_name {
                    u16::MAX
                } else {
                    sname.len().min(u16::MAX as usize) as u16
                },
                out_class,
                kind,
                align_log2: align.trailing_zeros() as u8,
                inflated: inflated.last().is_some_and(|&(k, _)| k == i as u32),
                gc_name,
            });
        }
        if let Some(s) = sections.first_mut() {
            s.kind = SecKind::Meta;
        }

        // Relocation sections attach to their targets. The relocations themselves are checked
        // (symbol index, place inside the section) where they are read anyway: scanning for an
        // allocated section, writing for the others. Reading them all here as well, those of
        // sections that are then discarded included, cost a sixth of parsing a large link.
        for (i, sh) in shdrs.iter().enumerate() {
            if sh.sh_type.get(LE) != SHT_RELA {
                continue;
            }
            let target = sh.sh_info.get(LE) as usize;
            if target == 0 || target >= sections.len() {
                bail!("{n}: relocation section {i} applies to invalid section {target}");
            }
            // Only for messages: building it for every relocation section cost 1.6% of a link.
            let tname = || name_str(cstr(shstrtab, shdrs[target].sh_name.get(LE)).unwrap_or(b""));
            if sh.sh_entsize.get(LE) != RELA_SIZE && sh.sh_entsize.get(LE) != 0 {
                bail!(
                    "{n}: relocation section for {} has entry size {}",
                    tname(),
                    sh.sh_entsize.get(LE)
                );
            }
            let size = sh.sh_size.get(LE);
            if size % RELA_SIZE != 0 {
                bail!(
                    "{n}: relocation section for {} has a size that is not a whole number of entries",
                    tname()
                );
            }
            let count = size / RELA_SIZE;
            let Some(rels) = read_slice::<Rela>(data, sh.sh_offset.get(LE), count) else {
                bail!(
                    "{n}: relocation section for {} extends past the end of the file (truncated?)",
                    tname()
                )
            };
            if count > 0
                && (symtab_idx.is_none() || sh.sh_link.get(LE) as usize != symtab_idx.unwrap())
            {
                bail!(
                    "{n}: relocation section for {} is not linked to the symbol table",
                    tname()
                );
            }
            if count > 0 && sections[target].sh_type == SHT_NOBITS {
                bail!(
                    "{n}: section {} has no contents but has relocations",
                    tname()
                );
            }
            if sections[target].has_relocs() {
                bail!(
                    "{n}: section {} has more than one relocation section",
                    tname()
                );
            }
            // An empty one applies nothing (and does not count as a second one).
            if count > 0 {
                let Ok(count) = u32::try_from(count) else {
                    bail!(
                        "{n}: relocation section for {} has {count} entries",
                        tname()
                    )
                };
                sections[target].rel_off = u32::try_from(sh.sh_offset.get(LE)).unwrap_or(FAR);
                sections[target].rel_count = count;
            }
            // Identical bytes are not identical contents if relocations will change them (a
            // constant pool of pointers): such a section is copied, not merged.
            if sections[target].kind == SecKind::Merge && !rels.is_empty() {
                sections[target].kind = SecKind::Regular;
            }
        }

        let lto_slim = has_lto
            && symtab
                .iter()
                .any(|s| cstr(strtab, s.st_name.get(LE)) == Some(b"__gnu_lto_slim".as_slice()));
        // Comdat groups.
        let mut groups = Vec::new();
        for (i, sh) in shdrs.iter().enumerate() {
            if sh.sh_type.get(LE) != SHT_GROUP {
                continue;
            }
            let words = section_bytes(n, data, sh, format_args!("section {}", i))?;
            if words.len() < 4 || words.len() % 4 != 0 {
                bail!("{n}: malformed section group {i}");
            }
            let flag = u32::from_le_bytes(words[0..4].try_into().unwrap());
            let sig_idx = sh.sh_info.get(LE) as usize;
            let Some(sig_sym) = symtab.get(sig_idx) else {
                bail!("{n}: section group {i} has invalid signature symbol")
            };
            // GNU as names a group after its section when the signature symbol is a section
            // symbol: then it is not the global of that name.
            let global_sig =
                if sig_idx >= self.first_global as usize && st_type(sig_sym) != STT_SECTION {
                    sig_idx as u32
                } else {
                    NONE
                };
            for w in words[4..].chunks_exact(4) {
                let m = u32::from_le_bytes(w.try_into().unwrap());
                if m == 0 || m >= nsec {
                    bail!("{n}: section group {i} names invalid section {m}");
                }
            }
            if flag & GRP_COMDAT != 0 {
                groups.push(ComdatGroup {
                    section: i as u32,
                    sig_sym: sig_idx as u32,
                    global_sig,
                });
            }
        }

        self.sections = sections;
        self.inflated = inflated;
        self.groups = groups;
        self.exec_stack = exec_stack;
        self.lto_slim = lto_slim;
        Ok(())
    }

    /// A comdat group's signature: its symbol's name, or for a section symbol its section's.
    pub fn group_signature(&self, g: &ComdatGroup) -> &'static [u8] {
        let sym = &self.symtab[g.sig_sym as usize];
        let name = if st_type(sym) == STT_SECTION {
            let sh = self.shdrs.get(sym.st_shndx.get(LE) as usize);
            sh.and_then(|sh| cstr(self.shstrtab, sh.sh_name.get(LE)))
        } else {
            cstr(self.strtab, sym.st_name.get(LE))
        };
        name.unwrap_or(b"")
    }

    /// A comdat group's member sections.
    pub fn group_members(&self, g: &ComdatGroup) -> impl Iterator<Item = u32> + use<> {
        let (data, sh) = (self.data, &self.shdrs[g.section as usize]);
        let at = sh.sh_offset.get(LE) as usize;
        data[at + 4..at + sh.sh_size.get(LE) as usize]
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
    }

    /// Section `i`'s name.
    #[inline]
    pub fn sec_name(&self, i: usize) -> &'static [u8] {
        let start = self.shdrs[i].sh_name.get(LE) as usize;
        match self.sections[i].name_len {
            u16::MAX => cstr(self.shstrtab, start as u32).unwrap_or(b""),
            n => &self.shstrtab[start..start + n as usize],
        }
    }

    /// Section `i`'s contents (decompressed, if they were compressed; empty for `SHT_NOBITS`).
    #[inline]
    pub fn sec_data(&self, i: usize) -> &'static [u8] {
        let s = &self.sections[i];
        if s.inflated {
            let k = self.inflated.partition_point(|&(j, _)| (j as usize) < i);
            return self.inflated[k].1;
        }
        if s.sh_type == SHT_NOBITS || i == 0 {
            return &[];
        }
        let start = match s.data_off {
            FAR => self.shdrs[i].sh_offset.get(LE) as usize,
            near => near as usize,
        };
        &self.data[start..start + s.size as usize]
    }

    /// The relocations that apply to section `i`, as the file has them: their symbol indices and
    /// places are checked by whoever reads them first (scanning, or the non-alloc writer).
    #[inline]
    pub fn sec_relocs(&self, i: usize) -> &'static [Rela] {
        let s = &self.sections[i];
        if s.rel_count == 0 {
            return &[];
        }
        let at = match s.rel_off {
            // The one relocation section that applies to section `i` (checked at parse).
            FAR => self
                .shdrs
                .iter()
                .find(|h| h.sh_type.get(LE) == SHT_RELA && h.sh_info.get(LE) as usize == i)
                .map_or(0, |h| h.sh_offset.get(LE)),
            near => near as u64,
        };
        // Checked in bounds when the section was parsed.
        read_slice::<Rela>(self.data, at, s.rel_count as u64).unwrap_or(&[])
    }

    /// A section's runs of `.rela.dyn`, if it emits dynamic relocations.
    pub fn dynrels_of(&self, shndx: usize) -> Option<DynRelRuns> {
        let i = self
            .dynrel_runs
            .binary_search_by_key(&(shndx as u32), |r| r.0)
            .ok()?;
        Some(self.dynrel_runs[i].1)
    }

    pub fn is_alive(&self) -> bool {
        self.alive.load(Ordering::Relaxed)
    }

    /// The section index a symbol is defined in, resolving SHN_XINDEX.
    #[inline]
    pub fn sym_shndx(&self, idx: usize) -> u32 {
        let s = self.symtab[idx].st_shndx.get(LE);
        if s == SHN_XINDEX {
            self.symtab_shndx[idx].get(LE)
        } else {
            s as u32
        }
    }

    #[inline]
    pub fn sym_name(&self, idx: usize) -> &'static [u8] {
        cstr(self.strtab, self.symtab[idx].st_name.get(LE)).unwrap_or(b"")
    }

    /// The section local symbol `idx` is defined in, or None for an undefined or absolute one:
    /// what its record says (`SymKind::Section` and `shndx`), read from the file's own table by
    /// passes that would otherwise miss the cache on the record.
    #[inline]
    pub fn local_section(&self, idx: usize) -> Option<u32> {
        match self.symtab[idx].st_shndx.get(LE) {
            SHN_UNDEF | SHN_ABS => None,
            _ => Some(self.sym_shndx(idx)),
        }
    }

    /// Is the symbol defined in a section that is part of the output?
    pub fn sym_in_live_section(&self, idx: usize) -> bool {
        let s = self.symtab[idx].st_shndx.get(LE);
        match s {
            SHN_UNDEF => false,
            SHN_ABS | SHN_COMMON => true,
            _ => self.sections[self.sym_shndx(idx) as usize].kind != SecKind::Discarded,
        }
    }
}

/// Checks one symbol-table entry (its name, and its section index against the section table) and
/// returns its name.
#[allow(clippy::too_many_arguments)]
fn check_symbol(
    n: &str,
    i: usize,
    s: &Sym,
    strtab: &'static [u8],
    symtab_shndx: &[U32<LE>],
    first_global: u32,
    shdrs: &[Shdr],
    nsec: u32,
) -> Result<()> {
    // A string table ends with a NUL (every real one does): then any offset inside it starts a
    // terminated name, and the name's end need not be searched for, hundreds of bytes for long
    // C++ and Rust names, here for every local symbol of every linked file.
    let off = s.st_name.get(LE) as usize;
    let terminated = if strtab.last() == Some(&0) {
        off < strtab.len()
    } else {
        cstr(strtab, off as u32).is_some()
    };
    if !terminated {
        bail!("{n}: symbol {i} has an invalid name offset");
    }
    // Only for messages.
    let nm = || cstr(strtab, off as u32).unwrap_or(b"");
    let shndx = s.st_shndx.get(LE);
    let real = if shndx == SHN_XINDEX {
        match symtab_shndx.get(i) {
            Some(x) => x.get(LE),
            None => bail!("{n}: symbol {i} needs an extended section index that is missing"),
        }
    } else {
        shndx as u32
    };
    let reserved = (SHN_LORESERVE..=SHN_HIRESERVE).contains(&shndx) && shndx != SHN_XINDEX;
    if reserved && shndx != SHN_ABS && shndx != SHN_COMMON {
        bail!(
            "{n}: symbol {} has unsupported section index {shndx:#x}",
            name_str(nm())
        );
    }
    if shndx == SHN_COMMON {
        if i < first_global as usize {
            bail!("{n}: local symbol {} is COMMON", name_str(nm()));
        }
        // A COMMON symbol's value is its alignment.
        let align = s.st_value.get(LE).max(1);
        if !align.is_power_of_two() || align > MAX_ALIGN {
            bail!(
                "{n}: COMMON symbol {} has invalid alignment {align}",
                name_str(nm())
            );
        }
        if s.st_size.get(LE) > MAX_SECTION_SIZE {
            bail!(
                "{n}: COMMON symbol {} claims {} bytes, more than an address space holds",
                name_str(nm()),
                s.st_size.get(LE)
            );
        }
    }
    if !reserved && shndx != SHN_UNDEF && real >= nsec {
        bail!(
            "{n}: symbol {} refers to invalid section {real}",
            name_str(nm())
        );
    }
    if st_type(s) == STT_GNU_IFUNC
        && !reserved
        && shndx != SHN_UNDEF
        && shdrs[real as usize].sh_flags.get(LE) & SHF_ALLOC as u64 == 0
    {
        bail!(
            "{n}: IFUNC symbol {} is not in an allocated section",
            name_str(nm())
        );
    }
    Ok(())
}

fn decompress(n: &str, sname: &[u8], data: &'static [u8]) -> Result<&'static [u8]> {
    let Some(ch) = read::<Chdr>(data, 0) else {
        bail!("{n}: compressed section {} is truncated", name_str(sname))
    };
    use std::io::Read;
    let size = ch.ch_size.get(LE);
    let body = &data[std::mem::size_of::<Chdr>()..];
    let ty = ch.ch_type.get(LE);
    if ty != ELFCOMPRESS_ZLIB && ty != ELFCOMPRESS_ZSTD {
        bail!(
            "{n}: section {} uses unknown compression type {ty}",
            name_str(sname)
        );
    }
    // The header's size is only a claim, and a small stream can inflate to terabytes: refuse a
    // claim out of proportion to the compressed bytes (deflate cannot exceed 1032:1; real zstd
    // debug sections are near 10:1), then reserve no more than a modest multiple of the input and
    // read at most one byte past the claim.
    let limit = (body.len() as u64)
        .saturating_mul(MAX_INFLATION)
        .max(1 << 20);
    if size > limit {
        bail!(
            "{n}: compressed section {} claims {size} bytes uncompressed, out of proportion to its {} compressed bytes",
            name_str(sname),
            body.len()
        );
    }
    let cap = size.min(body.len() as u64 * 64 + 4096) as usize;
    let mut out = Vec::with_capacity(cap);
    let limit = size.saturating_add(1);
    let ok = match ty {
        ELFCOMPRESS_ZLIB => flate2::read::ZlibDecoder::new(body)
            .take(limit)
            .read_to_end(&mut out)
            .is_ok(),
        _ => match zstd::stream::read::Decoder::new(body) {
            Ok(d) => d.take(limit).read_to_end(&mut out).is_ok(),
            Err(_) => false,
        },
    };
    if !ok || out.len() as u64 != size {
        bail!("{n}: section {} could not be decompressed", name_str(sname));
    }
    Ok(Box::leak(out.into_boxed_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record whose offsets did not fit in 32 bits (`FAR`) reads the same contents and
    /// relocations through the section-header table as a record that holds them.
    #[test]
    fn far_offsets_read_the_section_headers() {
        let path = "/usr/lib/x86_64-linux-gnu/Scrt1.o";
        let data = crate::input::map_file(std::path::Path::new(path)).unwrap();
        let mut o = ObjectFile::parse(0, path.into(), data, false, &Wrap::new(&[]), false).unwrap();
        let near: Vec<(&[u8], &[Rela])> = (0..o.sections.len())
            .map(|i| (o.sec_data(i), o.sec_relocs(i)))
            .collect();
        assert!(near.iter().any(|(d, r)| !d.is_empty() && !r.is_empty()));
        for s in &mut o.sections {
            s.data_off = FAR;
            s.rel_off = FAR;
        }
        for (i, (d, r)) in near.iter().enumerate() {
            let far = (o.sec_data(i), o.sec_relocs(i));
            assert!(
                std::ptr::eq(far.0, *d) && std::ptr::eq(far.1, *r),
                "section {i}"
            );
        }
    }
}
