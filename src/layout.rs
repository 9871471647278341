//! Output layout: which output section every input section goes to, the order of output sections,
//! the segments that group them, and every address and file offset.
//!
//! The order follows GNU ld's default script on x86-64 Linux with `-z separate-code`: read-only
//! headers and dynamic-linking tables, then code on its own pages, then read-only data, then the
//! RELRO part of the writable data (TLS template, init/fini arrays, `.dynamic`, `.got`), then the
//! rest of the writable data and `.bss`.

use crate::context::{InputFile, Link, OutputKind};
use crate::elf::*;
use crate::merge::MergeGroup;
use crate::object::{NONE, SecKind};
use rayon::prelude::*;
use std::collections::HashMap;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Content {
    /// Input sections, merged pieces, common symbols, copy-relocated data.
    Inputs,
    Interp,
    GnuProperty,
    BuildId,
    Hash,
    GnuHash,
    Dynsym,
    Dynstr,
    Versym,
    Verdef,
    Verneed,
    RelaDyn,
    RelaPlt,
    Relr,
    Plt,
    Got,
    GotPlt,
    Dynamic,
    EhFrame,
    EhFrameHdr,
    Symtab,
    Strtab,
    Shstrtab,
}

#[derive(Clone, Copy, Debug)]
pub enum Member {
    Input { file: u32, shndx: u32 },
    Merge(u32),
    Commons(u32),
    CopyRel,
}

pub struct OutSection {
    pub name: &'static [u8],
    pub sh_type: u32,
    pub flags: u64,
    pub align: u64,
    pub entsize: u64,
    pub content: Content,
    pub members: Vec<Member>,
    /// Offsets of members, parallel to `members`.
    pub member_offsets: Vec<u64>,
    pub size: u64,
    pub addr: u64,
    pub offset: u64,
    /// Index in the section header table (0: not emitted, e.g. empty).
    pub shndx: u32,
    pub link: u32,
    pub info: u32,
    /// Group (segment class) and position within it, for ordering.
    pub rank: (u8, u16, u32),
}

impl OutSection {
    pub fn new(
        name: &'static [u8],
        sh_type: u32,
        flags: u64,
        align: u64,
        content: Content,
    ) -> OutSection {
        OutSection {
            name,
            sh_type,
            flags,
            align,
            entsize: 0,
            content,
            members: Vec::new(),
            member_offsets: Vec::new(),
            size: 0,
            addr: 0,
            offset: 0,
            shndx: 0,
            link: 0,
            info: 0,
            rank: (0, 0, 0),
        }
    }

    pub fn is_alloc(&self) -> bool {
        self.flags & SHF_ALLOC as u64 != 0
    }

    pub fn is_nobits(&self) -> bool {
        self.sh_type == SHT_NOBITS
    }

    pub fn is_tls(&self) -> bool {
        self.flags & SHF_TLS as u64 != 0
    }

    pub fn end(&self) -> u64 {
        self.addr + self.size
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Segment {
    pub p_type: u32,
    pub flags: u32,
    pub offset: u64,
    pub vaddr: u64,
    pub filesz: u64,
    pub memsz: u64,
    pub align: u64,
}

/// Symbols the linker defines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LinkerSym {
    EhdrStart,
    ExecutableStart,
    GlobalOffsetTable,
    Dynamic,
    InitArrayStart,
    InitArrayEnd,
    FiniArrayStart,
    FiniArrayEnd,
    PreinitArrayStart,
    PreinitArrayEnd,
    Etext,
    Edata,
    End,
    BssStart,
    RelaIpltStart,
    RelaIpltEnd,
    TlsModuleBase,
    EhFrameHdr,
    /// `__start_SEC` / `__stop_SEC` of the output section named.
    Start(&'static [u8]),
    Stop(&'static [u8]),
    /// `--defsym` number `k` whose expression names a symbol.
    Defsym(u32),
}

pub const LINKER_SYMS: &[(&[u8], LinkerSym)] = &[
    (b"__ehdr_start", LinkerSym::EhdrStart),
    (b"__executable_start", LinkerSym::ExecutableStart),
    (b"_GLOBAL_OFFSET_TABLE_", LinkerSym::GlobalOffsetTable),
    (b"_DYNAMIC", LinkerSym::Dynamic),
    (b"__init_array_start", LinkerSym::InitArrayStart),
    (b"__init_array_end", LinkerSym::InitArrayEnd),
    (b"__fini_array_start", LinkerSym::FiniArrayStart),
    (b"__fini_array_end", LinkerSym::FiniArrayEnd),
    (b"__preinit_array_start", LinkerSym::PreinitArrayStart),
    (b"__preinit_array_end", LinkerSym::PreinitArrayEnd),
    (b"_etext", LinkerSym::Etext),
    (b"etext", LinkerSym::Etext),
    (b"__etext", LinkerSym::Etext),
    (b"_edata", LinkerSym::Edata),
    (b"edata", LinkerSym::Edata),
    (b"_end", LinkerSym::End),
    (b"end", LinkerSym::End),
    (b"__bss_start", LinkerSym::BssStart),
    (b"__rela_iplt_start", LinkerSym::RelaIpltStart),
    (b"__rela_iplt_end", LinkerSym::RelaIpltEnd),
    (b"_TLS_MODULE_BASE_", LinkerSym::TlsModuleBase),
    (b"__GNU_EH_FRAME_HDR", LinkerSym::EhFrameHdr),
];

#[derive(Default)]
pub struct Layout {
    pub sections: Vec<OutSection>,
    pub merge_groups: Vec<MergeGroup>,
    pub segments: Vec<Segment>,
    pub linker_syms: Vec<LinkerSym>,
    pub base: u64,
    pub file_size: u64,
    pub shoff: u64,
    pub shnum: u32,
    pub shstrndx: u32,
    // Addresses the relocation code needs.
    pub got_addr: u64,
    /// `_GLOBAL_OFFSET_TABLE_`: `.got.plt` if there is one, else `.got`.
    pub got_base: u64,
    pub gotplt_addr: u64,
    pub plt_addr: u64,
    pub plt0_size: u64,
    pub plt_entry_size: u64,
    pub tls_start: u64,
    pub tls_end: u64,
    pub tls_align: u64,
    /// The thread pointer's position relative to the TLS template (x86-64: the block ends there).
    pub tls_tp: u64,
    pub copyrel_addr: u64,
    // Where synthetic sections are (index into `sections`, NONE if absent).
    pub idx: Indices,
    pub eh_frame_size: u64,
    pub fde_count: u64,
}

#[derive(Clone, Copy)]
pub struct Indices {
    pub interp: u32,
    pub gnu_property: u32,
    pub build_id: u32,
    pub hash: u32,
    pub gnu_hash: u32,
    pub dynsym: u32,
    pub dynstr: u32,
    pub versym: u32,
    pub verdef: u32,
    pub relr: u32,
    pub verneed: u32,
    pub rela_dyn: u32,
    pub rela_plt: u32,
    pub plt: u32,
    pub got: u32,
    pub gotplt: u32,
    pub dynamic: u32,
    pub eh_frame: u32,
    pub eh_frame_hdr: u32,
    pub symtab: u32,
    pub strtab: u32,
    pub shstrtab: u32,
    pub bss: u32,
}

impl Default for Indices {
    fn default() -> Self {
        Indices {
            interp: NONE,
            gnu_property: NONE,
            build_id: NONE,
            hash: NONE,
            gnu_hash: NONE,
            dynsym: NONE,
            dynstr: NONE,
            versym: NONE,
            verdef: NONE,
            relr: NONE,
            verneed: NONE,
            rela_dyn: NONE,
            rela_plt: NONE,
            plt: NONE,
            got: NONE,
            gotplt: NONE,
            dynamic: NONE,
            eh_frame: NONE,
            eh_frame_hdr: NONE,
            symtab: NONE,
            strtab: NONE,
            shstrtab: NONE,
            bss: NONE,
        }
    }
}

impl Layout {
    pub fn sec(&self, i: u32) -> Option<&OutSection> {
        if i == NONE {
            None
        } else {
            Some(&self.sections[i as usize])
        }
    }
    pub fn addr_of(&self, i: u32) -> u64 {
        self.sec(i).map_or(0, |s| s.addr)
    }
    pub fn eh_frame_addr(&self) -> u64 {
        self.addr_of(self.idx.eh_frame)
    }
    pub fn plt_entry_addr(&self, idx: u32) -> u64 {
        self.plt_addr + self.plt0_size + idx as u64 * self.plt_entry_size
    }
    pub fn find(&self, name: &[u8]) -> Option<&OutSection> {
        self.sections.iter().find(|s| s.name == name)
    }
}

#[inline]
pub fn starts_with_sec(name: &[u8], prefix: &[u8]) -> bool {
    name == prefix || (name.starts_with(prefix) && name.get(prefix.len()) == Some(&b'.'))
}

/// GNU ld's default script for allocated sections: an input name that is `PREFIX` or starts with
/// `PREFIX.` goes to the output section named second.
const PREFIX_MAP: &[(&[u8], &[u8])] = &[
    (b".text", b".text"),
    (b".data.rel.ro", b".data.rel.ro"),
    (b".data", b".data"),
    (b".rodata", b".rodata"),
    (b".bss", b".bss"),
    (b".tdata", b".tdata"),
    (b".tbss", b".tbss"),
    (b".init_array", b".init_array"),
    (b".fini_array", b".fini_array"),
    (b".ctors", b".init_array"),
    (b".dtors", b".fini_array"),
    (b".preinit_array", b".preinit_array"),
    (b".gcc_except_table", b".gcc_except_table"),
    (b".gnu.linkonce.t", b".text"),
    (b".gnu.linkonce.r", b".rodata"),
    (b".gnu.linkonce.d", b".data"),
    (b".gnu.linkonce.b", b".bss"),
    (b".gnu.linkonce.tb", b".tbss"),
    (b".gnu.linkonce.td", b".tdata"),
    (b".ldata", b".ldata"),
    (b".lrodata", b".lrodata"),
    (b".lbss", b".lbss"),
];

/// Whole names the default script also renames.
const EXACT_MAP: &[(&[u8], &[u8])] = &[
    (b".data1", b".data"),
    (b".sdata", b".data"),
    (b".rodata1", b".rodata"),
    (b".sbss", b".bss"),
];

/// Which rule of the default script an allocated section's name falls under: 0 for none (the
/// section keeps its name), else one more than its index in `PREFIX_MAP` then `EXACT_MAP`.
/// Decided at parse, where the name is at hand, so that layout need not read every name again.
pub fn output_class(name: &[u8]) -> u8 {
    // Every rule's name starts with a dot; the next byte rules out most of them at once (this
    // runs for every allocated section of every linked object).
    let (Some(b'.'), Some(&c)) = (name.first(), name.get(1)) else {
        return 0;
    };
    let rule = |p: &[u8]| p[1] == c && starts_with_sec(name, p);
    if let Some(k) = PREFIX_MAP.iter().position(|(p, _)| rule(p)) {
        return k as u8 + 1;
    }
    match EXACT_MAP.iter().position(|(n, _)| *n == name) {
        Some(k) => (PREFIX_MAP.len() + k) as u8 + 1,
        None => 0,
    }
}

/// The output name of `output_class` `class` (not 0).
fn class_name(class: u8) -> &'static [u8] {
    let k = class as usize - 1;
    match PREFIX_MAP.get(k) {
        Some(&(_, out)) => out,
        None => EXACT_MAP[k - PREFIX_MAP.len()].1,
    }
}

/// The output section an input section goes to, by GNU ld's default script.
pub fn output_name(name: &'static [u8], flags: u64, _ty: u32) -> &'static [u8] {
    if flags & SHF_ALLOC as u64 == 0 {
        return name;
    }
    match output_class(name) {
        0 => name,
        c => class_name(c),
    }
}

/// `output_name` of section `i` of `o`, from the class parse recorded.
pub fn section_output_name(o: &crate::object::ObjectFile, i: usize) -> &'static [u8] {
    output_name_by_class(o, i, renaming_class(&o.sections[i]))
}

/// The default-script rule that renames a section, or 0 (only allocated sections are renamed).
fn renaming_class(s: &crate::object::InputSection) -> u8 {
    if s.is_alloc() { s.out_class } else { 0 }
}

/// The output name of section `i` of `o` given its [`renaming_class`]: the rule's name, or the
/// input name.
fn output_name_by_class(o: &crate::object::ObjectFile, i: usize, class: u8) -> &'static [u8] {
    match class {
        0 => o.sec_name(i),
        c => class_name(c),
    }
}

/// Order class and position of an output section.
fn rank(s: &OutSection, relro: bool, now: bool) -> (u8, u16) {
    let n = s.name;
    if !s.is_alloc() {
        return match s.content {
            Content::Symtab => (7, 0),
            Content::Strtab => (7, 1),
            Content::Shstrtab => (7, 2),
            _ => (6, 0),
        };
    }
    let exec = s.flags & SHF_EXECINSTR as u64 != 0;
    let write = s.flags & SHF_WRITE as u64 != 0;
    if !write && !exec {
        return match s.content {
            Content::Interp => (0, 0),
            Content::GnuProperty => (0, 1),
            Content::BuildId => (0, 2),
            Content::Hash => (0, 4),
            Content::GnuHash => (0, 5),
            Content::Dynsym => (0, 6),
            Content::Dynstr => (0, 7),
            Content::Versym => (0, 8),
            Content::Verdef => (0, 9),
            Content::Verneed => (0, 10),
            Content::RelaDyn => (0, 11),
            Content::RelaPlt => (0, 12),
            Content::Relr => (0, 13),
            Content::EhFrameHdr => (2, 2),
            Content::EhFrame => (2, 3),
            _ if s.sh_type == SHT_NOTE => (0, if n == b".note.gnu.property" { 1 } else { 3 }),
            _ if n == b".rodata" => (2, 0),
            _ if n == b".gcc_except_table" => (2, 4),
            _ => (2, 1),
        };
    }
    if exec {
        return match n {
            b".init" => (1, 0),
            _ if s.content == Content::Plt => (1, 1),
            b".text" => (1, 3),
            b".fini" => (1, 5),
            _ => (1, 4),
        };
    }
    // Writable: the RELRO part first (group 3), then the rest (group 4).
    let relro_rank = match (s.content, n) {
        (_, b".tdata") => Some(0),
        (_, b".tbss") => Some(1),
        (_, b".preinit_array") => Some(2),
        (_, b".init_array") => Some(3),
        (_, b".fini_array") => Some(4),
        (_, b".data.rel.ro") => Some(5),
        (Content::Dynamic, _) => Some(7),
        (Content::Got, _) => Some(8),
        (Content::GotPlt, _) if now => Some(9),
        _ if s.is_tls() => Some(1),
        _ => None,
    };
    if let Some(r) = relro_rank {
        // Without RELRO these still come first, in the same order, but in the ordinary RW segment.
        return (if relro { 3 } else { 4 }, r);
    }
    let r = match (s.content, n) {
        (Content::GotPlt, _) => 10,
        (_, b".data") => 11,
        _ if s.is_nobits() && n == b".bss" => 14,
        _ if s.is_nobits() => 15,
        _ => 12,
    };
    (4, r)
}

fn init_priority(name: &[u8]) -> u32 {
    let parse = |s: &[u8]| {
        std::str::from_utf8(s)
            .ok()
            .and_then(|t| t.parse::<u32>().ok())
    };
    if let Some(rest) = name
        .strip_prefix(b".init_array.")
        .or_else(|| name.strip_prefix(b".fini_array."))
    {
        return parse(rest).unwrap_or(65536);
    }
    if let Some(rest) = name
        .strip_prefix(b".ctors.")
        .or_else(|| name.strip_prefix(b".dtors."))
    {
        return parse(rest).map_or(65536, |p| 65535u32.saturating_sub(p));
    }
    65536
}

pub fn is_c_ident(name: &[u8]) -> bool {
    !name.is_empty()
        && !name[0].is_ascii_digit()
        && name.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Assigns every live input section, merge group and synthetic section to an output section.
pub fn create_output_sections(link: &mut Link, merge_groups: Vec<MergeGroup>) {
    // Per file, the sections that go to the output, with what the serial pass below needs of
    // them, so that it reads one compact list instead of every section record again: 20 bytes
    // each (470,000 on a large C++ link), the output name kept as its default-script rule and the
    // input name read again only for the sections no rule renames.
    struct Placed {
        shndx: u32,
        /// The output section, once chosen (its index before the sections are sorted).
        out: u32,
        ty: u32,
        /// The flags an output section takes in (all in the low 32 bits).
        flags: u32,
        /// The rule of the default script that names the output section, or 0: the input name.
        class: u8,
        align_log2: u8,
    }
    let mut per_file: Vec<Vec<Placed>> = link
        .files
        .par_iter()
        .map(|f| {
            let mut v = Vec::new();
            if let InputFile::Object(o) = f
                && o.is_alive()
            {
                for (i, s) in o.sections.iter().enumerate() {
                    if s.kind != SecKind::Regular {
                        continue;
                    }
                    let name = section_output_name(o, i);
                    let ty = match s.sh_type {
                        SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY
                            if name == b".init_array" =>
                        {
                            SHT_INIT_ARRAY
                        }
                        SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY
                            if name == b".fini_array" =>
                        {
                            SHT_FINI_ARRAY
                        }
                        SHT_PROGBITS if name == b".init_array" => SHT_INIT_ARRAY,
                        SHT_PROGBITS if name == b".fini_array" => SHT_FINI_ARRAY,
                        t => t,
                    };
                    v.push(Placed {
                        shndx: i as u32,
                        out: NONE,
                        ty,
                        flags: s.flags() as u32,
                        class: renaming_class(s),
                        align_log2: s.align().trailing_zeros() as u8,
                    });
                }
            }
            v
        })
        .collect();

    let mut sections: Vec<OutSection> = Vec::new();
    let mut by_name: HashMap<&'static [u8], u32> = HashMap::new();
    let mut get =
        |sections: &mut Vec<OutSection>, name: &'static [u8], ty: u32, flags: u64| -> u32 {
            let i = *by_name.entry(name).or_insert_with(|| {
                sections.push(OutSection::new(name, ty, 0, 1, Content::Inputs));
                (sections.len() - 1) as u32
            });
            merge_type_and_flags(&mut sections[i as usize], ty, flags);
            i
        };

    // Most output names are the static ones `output_name` maps `.text.*` and the like to, so the
    // same pointer recurs: a few recent names are compared by address before the table is asked
    // (hashing every section's name was most of this function's time on a 400k-section link).
    let mut recent: [(usize, usize, u32); 8] = [(0, 0, 0); 8];
    let mut next_slot = 0;
    for (fi, list) in per_file.iter_mut().enumerate() {
        for p in list {
            let o = link.files[fi].as_object().unwrap();
            let name = output_name_by_class(o, p.shndx as usize, p.class);
            let (ty, flags) = (p.ty, p.flags as u64);
            let key = (name.as_ptr() as usize, name.len());
            let oi = match recent.iter().find(|r| (r.0, r.1) == key) {
                Some(&(_, _, oi)) => {
                    merge_type_and_flags(&mut sections[oi as usize], ty, flags);
                    oi
                }
                None => {
                    let oi = get(&mut sections, name, ty, flags);
                    recent[next_slot] = (key.0, key.1, oi);
                    next_slot = (next_slot + 1) % recent.len();
                    oi
                }
            };
            p.out = oi;
            let os = &mut sections[oi as usize];
            os.align = os.align.max(1 << p.align_log2);
            os.members.push(Member::Input {
                file: fi as u32,
                shndx: p.shndx,
            });
        }
    }
    // Merged strings and constants.
    for (g, grp) in merge_groups.iter().enumerate() {
        let oi = get(&mut sections, grp.out_name, SHT_PROGBITS, grp.flags);
        let os = &mut sections[oi as usize];
        os.align = os.align.max(grp.align);
        if grp.flags & SHF_ALLOC as u64 == 0 {
            os.entsize = grp.entsize;
        }
        os.members.push(Member::Merge(g as u32));
    }
    // A non-alloc output section keeps SHF_MERGE|SHF_STRINGS only if all of it is merged strings.
    for s in sections.iter_mut() {
        let all_merged = s.members.iter().all(|m| matches!(m, Member::Merge(_)));
        if !all_merged || s.is_alloc() {
            s.flags &= !((SHF_MERGE | SHF_STRINGS) as u64);
            s.entsize = 0;
        }
    }

    // Sort .init_array/.fini_array members by priority.
    for s in sections.iter_mut() {
        if s.name == b".init_array" || s.name == b".fini_array" || s.name == b".preinit_array" {
            let files = &link.files;
            s.members.sort_by_key(|m| match m {
                Member::Input { file, shndx } => {
                    let o = files[*file as usize].as_object().unwrap();
                    init_priority(o.sec_name(*shndx as usize))
                }
                _ => 65536,
            });
        }
    }

    // COMMON symbols: each file's block goes to .bss.
    let has_commons: Vec<u32> = link
        .files
        .iter()
        .filter_map(|f| f.as_object())
        .filter(|o| o.is_alive() && o.common_size > 0)
        .map(|o| o.id)
        .collect();
    let need_bss = !has_commons.is_empty() || !link.synth.copyrels.is_empty();
    let bss_exists = sections.iter().any(|s| s.name == b".bss");
    let bss = if need_bss || bss_exists {
        let i = get(
            &mut sections,
            b".bss",
            SHT_NOBITS,
            (SHF_ALLOC | SHF_WRITE) as u64,
        );
        Some(i)
    } else {
        None
    };
    if let Some(b) = bss {
        let s = &mut sections[b as usize];
        for f in has_commons {
            s.members.push(Member::Commons(f));
            let o = link.files[f as usize].as_object().unwrap();
            s.align = s.align.max(o.common_align);
        }
        if !link.synth.copyrels.is_empty() {
            s.members.push(Member::CopyRel);
            s.align = s.align.max(link.synth.copyrel_align);
        }
    }

    let mut layout = std::mem::take(&mut link.layout);
    layout.merge_groups = merge_groups;
    layout.sections = sections;
    link.layout = layout;
    crate::synth::add_synthetic_sections(link);

    // Order.
    let relro = link.cfg.relro;
    let now = link.cfg.now;
    for (i, s) in link.layout.sections.iter_mut().enumerate() {
        let (g, r) = rank(s, relro, now);
        s.rank = (g, r, i as u32);
    }
    link.layout.sections.sort_by_key(|s| s.rank);
    reindex(link);
    // Input sections learn their output section, each file in parallel, from the choice made
    // above and where sorting moved that section (`rank.2` is its index before).
    let mut moved = vec![NONE; link.layout.sections.len()];
    for (i, s) in link.layout.sections.iter().enumerate() {
        moved[s.rank.2 as usize] = i as u32;
    }
    link.files
        .par_iter_mut()
        .zip(per_file.par_iter())
        .for_each(|(f, placed)| {
            if let InputFile::Object(o) = f {
                for p in placed {
                    o.sections[p.shndx as usize].out = moved[p.out as usize];
                }
            }
        });
}

/// An output section takes in a member's type and flags.
fn merge_type_and_flags(s: &mut OutSection, ty: u32, flags: u64) {
    // PROGBITS wins over NOBITS: a NOBITS member of a PROGBITS section is written as zeros.
    if s.flags == 0 || (s.sh_type == SHT_NOBITS && ty != SHT_NOBITS) {
        s.sh_type = ty;
    }
    s.flags |=
        flags & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR | SHF_TLS | SHF_MERGE | SHF_STRINGS) as u64;
}

/// After sorting: record where the synthetic sections and merge groups ended up.
fn reindex(link: &mut Link) {
    let mut idx = Indices::default();
    for (i, s) in link.layout.sections.iter().enumerate() {
        let i = i as u32;
        match s.content {
            Content::Interp => idx.interp = i,
            Content::GnuProperty => idx.gnu_property = i,
            Content::BuildId => idx.build_id = i,
            Content::Hash => idx.hash = i,
            Content::GnuHash => idx.gnu_hash = i,
            Content::Dynsym => idx.dynsym = i,
            Content::Dynstr => idx.dynstr = i,
            Content::Versym => idx.versym = i,
            Content::Verdef => idx.verdef = i,
            Content::Verneed => idx.verneed = i,
            Content::RelaDyn => idx.rela_dyn = i,
            Content::RelaPlt => idx.rela_plt = i,
            Content::Relr => idx.relr = i,
            Content::Plt => idx.plt = i,
            Content::Got => idx.got = i,
            Content::GotPlt => idx.gotplt = i,
            Content::Dynamic => idx.dynamic = i,
            Content::EhFrame => idx.eh_frame = i,
            Content::EhFrameHdr => idx.eh_frame_hdr = i,
            Content::Symtab => idx.symtab = i,
            Content::Strtab => idx.strtab = i,
            Content::Shstrtab => idx.shstrtab = i,
            Content::Inputs => {
                if s.name == b".bss" {
                    idx.bss = i
                }
            }
        }
    }
    link.layout.idx = idx;
    let mut outs: Vec<(usize, u32)> = Vec::new();
    for (i, s) in link.layout.sections.iter().enumerate() {
        for m in &s.members {
            if let Member::Merge(g) = m {
                outs.push((*g as usize, i as u32));
            }
        }
    }
    for (g, i) in outs {
        link.layout.merge_groups[g].out = i;
    }
}

/// Sizes each output section by placing its members in order.
pub fn size_sections(link: &mut Link) {
    let files = &link.files;
    let groups = &link.layout.merge_groups;
    let synth = &link.synth;
    let sizes: Vec<(Vec<u64>, u64)> = link
        .layout
        .sections
        .par_iter()
        .map(|s| {
            if s.content != Content::Inputs {
                return (Vec::new(), s.size);
            }
            let mut off = 0u64;
            let mut offs = Vec::with_capacity(s.members.len());
            for m in &s.members {
                let (align, size) = match *m {
                    Member::Input { file, shndx } => {
                        let sec =
                            &files[file as usize].as_object().unwrap().sections[shndx as usize];
                        (sec.align(), sec.size)
                    }
                    Member::Merge(g) => (groups[g as usize].align, groups[g as usize].size),
                    Member::Commons(file) => {
                        let o = files[file as usize].as_object().unwrap();
                        (o.common_align, o.common_size)
                    }
                    Member::CopyRel => (synth.copyrel_align, synth.copyrel_size),
                };
                off = align_to(off, align);
                offs.push(off);
                off = off.saturating_add(size);
            }
            (offs, off)
        })
        .collect();
    for (s, (offs, size)) in link.layout.sections.iter_mut().zip(sizes) {
        if s.content == Content::Inputs {
            s.member_offsets = offs;
            s.size = size;
        }
    }
    // Hand offsets back to members.
    let mut per_file: Vec<Vec<(u32, u64)>> = vec![Vec::new(); link.files.len()];
    let mut common_base: Vec<(u32, u64)> = Vec::new();
    for s in &link.layout.sections {
        for (m, &off) in s.members.iter().zip(&s.member_offsets) {
            match *m {
                Member::Input { file, shndx } => per_file[file as usize].push((shndx, off)),
                Member::Merge(g) => link.layout.merge_groups[g as usize].offset = off,
                Member::Commons(file) => common_base.push((file, off)),
                Member::CopyRel => {}
            }
        }
    }
    for (file, off) in common_base {
        if let InputFile::Object(o) = &mut link.files[file as usize] {
            o.common_base = off;
        }
    }
    link.files
        .par_iter_mut()
        .zip(per_file.into_par_iter())
        .for_each(|(f, v)| {
            if let InputFile::Object(o) = f {
                for (sh, off) in v {
                    o.sections[sh as usize].offset = off;
                }
            }
        });
}

fn seg_flags(s: &OutSection) -> u32 {
    let mut f = PF_R;
    if s.flags & SHF_WRITE as u64 != 0 {
        f |= PF_W;
    }
    if s.flags & SHF_EXECINSTR as u64 != 0 {
        f |= PF_X;
    }
    f
}

/// Which sections appear in the output: non-empty ones, and the synthetic ones that must exist.
fn emitted(s: &OutSection) -> bool {
    s.size > 0
        || matches!(
            s.content,
            Content::Dynamic | Content::Dynsym | Content::Dynstr | Content::Shstrtab
        )
}

/// Plans program headers, then assigns addresses and file offsets.
pub fn assign_addresses(link: &mut Link) {
    let cfg = &link.cfg;
    let page = cfg.max_page_size;
    let base = cfg.image_base.unwrap_or(if link.kind == OutputKind::Exec {
        0x400000
    } else {
        0
    });
    let relro = cfg.relro;
    let lay = &mut link.layout;
    lay.base = base;

    // Load segment of each emitted alloc section: its flags, and whether it starts RELRO.
    let alloc: Vec<usize> = (0..lay.sections.len())
        .filter(|&i| lay.sections[i].is_alloc() && emitted(&lay.sections[i]))
        .collect();
    let seg_key = |s: &OutSection| -> (u32, bool) { (seg_flags(s), relro && s.rank.0 == 3) };
    let mut nload = 0;
    let mut prev: Option<(u32, bool)> = None;
    for &i in &alloc {
        let k = seg_key(&lay.sections[i]);
        if prev != Some(k) {
            nload += 1;
            prev = Some(k);
        }
    }
    let has_tls = alloc.iter().any(|&i| lay.sections[i].is_tls());
    let has_relro = relro && alloc.iter().any(|&i| lay.sections[i].rank.0 == 3);
    let notes = note_groups(lay, &alloc);
    let mut nphdr = nload + notes.len() + 1; // + GNU_STACK
    if lay.idx.interp != NONE {
        nphdr += 2; // PHDR, INTERP
    }
    if lay.idx.dynamic != NONE {
        nphdr += 1;
    }
    if has_tls {
        nphdr += 1;
    }
    if has_relro {
        nphdr += 1;
    }
    if lay.idx.gnu_property != NONE {
        nphdr += 1;
    }
    if lay.sec(lay.idx.eh_frame_hdr).is_some_and(|s| s.size > 0) {
        nphdr += 1;
    }

    let hdr_size = EHDR_SIZE + nphdr as u64 * PHDR_SIZE;
    let mut off = hdr_size;
    let mut addr = base + hdr_size;
    let mut loads: Vec<Segment> = Vec::new();
    let mut cur: Option<(u32, bool)> = None;
    let mut tls: Option<(u64, u64, u64, u64)> = None; // start, filesz end, memsz end, align
    let mut relro_range: Option<(u64, u64, u64)> = None; // offset, start, end
    let tls_align = alloc
        .iter()
        .filter(|&&i| lay.sections[i].is_tls())
        .map(|&i| lay.sections[i].align)
        .max()
        .unwrap_or(1);

    for &i in &alloc {
        let k = seg_key(&lay.sections[i]);
        if cur != Some(k) {
            let prev_exec = cur.is_some_and(|c| c.0 & PF_X != 0);
            let first = cur.is_none();
            if !first {
                if cfg.separate_code && (prev_exec || k.0 & PF_X != 0) {
                    off = align_to(off, page);
                    addr = align_to(addr, page);
                } else {
                    addr = align_to(addr, page) + (off & (page - 1));
                }
            }
            loads.push(Segment {
                p_type: PT_LOAD,
                flags: k.0,
                offset: if first { 0 } else { off },
                vaddr: if first { base } else { addr },
                filesz: 0,
                memsz: 0,
                align: page,
            });
            cur = Some(k);
        }
        let s = &mut lay.sections[i];
        let mut align = s.align;
        if s.is_tls() && tls.is_none() {
            align = align.max(tls_align);
        }
        // .tbss only describes the TLS template: it takes no room in the image, so it must not move
        // the location counter (not even for its alignment).
        let tbss = s.is_tls() && s.is_nobits();
        let new_addr = align_to(addr, align);
        if tbss {
            s.addr = new_addr;
            s.offset = off;
        } else {
            if !s.is_nobits() {
                off = off.saturating_add(new_addr - addr);
            }
            addr = new_addr;
            s.addr = addr;
            s.offset = off;
        }
        if s.is_tls() {
            let t = tls.get_or_insert((s.addr, s.addr, s.addr, tls_align));
            t.2 = t.2.max(s.addr.saturating_add(s.size));
            if !s.is_nobits() {
                t.1 = s.addr.saturating_add(s.size);
            }
        }
        if k.1 {
            let r = relro_range.get_or_insert((off, addr, addr));
            if !tbss {
                r.2 = addr.saturating_add(s.size);
            }
        }
        if !tbss {
            addr = addr.saturating_add(s.size);
        }
        if !s.is_nobits() {
            off = off.saturating_add(s.size);
        }
        let seg = loads.last_mut().unwrap();
        if !tbss {
            seg.memsz = addr - seg.vaddr;
        }
        if !s.is_nobits() {
            seg.filesz = off - seg.offset;
        }
    }

    // Non-alloc sections follow, then the section header table.
    let sections = &mut lay.sections;
    for s in sections.iter_mut().filter(|s| !s.is_alloc()) {
        off = align_to(off, s.align);
        s.offset = off;
        s.addr = 0;
        off = off.saturating_add(s.size);
    }
    // Section header indices.
    let mut n = 1u32;
    for s in sections.iter_mut() {
        if emitted(s) {
            s.shndx = n;
            n += 1;
        }
    }
    lay.shnum = n;
    lay.shstrndx = lay
        .sections
        .get(lay.idx.shstrtab as usize)
        .map_or(0, |s| s.shndx);
    off = align_to(off, 8);
    lay.shoff = off;
    lay.file_size = off.saturating_add(n as u64 * SHDR_SIZE);

    // Program headers, in GNU ld's order.
    let mut segs = Vec::with_capacity(nphdr);
    if lay.idx.interp != NONE {
        segs.push(Segment {
            p_type: PT_PHDR,
            flags: PF_R,
            offset: EHDR_SIZE,
            vaddr: base + EHDR_SIZE,
            filesz: hdr_size - EHDR_SIZE,
            memsz: hdr_size - EHDR_SIZE,
            align: 8,
        });
        let s = &lay.sections[lay.idx.interp as usize];
        segs.push(Segment {
            p_type: PT_INTERP,
            flags: PF_R,
            offset: s.offset,
            vaddr: s.addr,
            filesz: s.size,
            memsz: s.size,
            align: 1,
        });
    }
    segs.extend(loads.iter().copied());
    if lay.idx.dynamic != NONE {
        let s = &lay.sections[lay.idx.dynamic as usize];
        segs.push(Segment {
            p_type: PT_DYNAMIC,
            flags: PF_R | PF_W,
            offset: s.offset,
            vaddr: s.addr,
            filesz: s.size,
            memsz: s.size,
            align: 8,
        });
    }
    for g in &notes {
        let first = &lay.sections[g[0]];
        let last = &lay.sections[*g.last().unwrap()];
        let size = last.end() - first.addr;
        segs.push(Segment {
            p_type: PT_NOTE,
            flags: PF_R,
            offset: first.offset,
            vaddr: first.addr,
            filesz: size,
            memsz: size,
            align: first.align,
        });
    }
    if let Some((start, fend, mend, align)) = tls {
        let offset = lay
            .sections
            .iter()
            .find(|s| s.is_tls() && emitted(s))
            .map_or(0, |s| s.offset);
        segs.push(Segment {
            p_type: PT_TLS,
            flags: PF_R,
            offset,
            vaddr: start,
            filesz: fend - start,
            memsz: mend - start,
            align,
        });
        lay.tls_start = start;
        lay.tls_end = mend;
        lay.tls_align = align;
        lay.tls_tp = start + align_to(mend - start, align);
    }
    if let Some(s) = lay.sec(lay.idx.gnu_property) {
        segs.push(Segment {
            p_type: PT_GNU_PROPERTY,
            flags: PF_R,
            offset: s.offset,
            vaddr: s.addr,
            filesz: s.size,
            memsz: s.size,
            align: 8,
        });
    }
    if let Some(s) = lay.sec(lay.idx.eh_frame_hdr).filter(|s| s.size > 0) {
        segs.push(Segment {
            p_type: PT_GNU_EH_FRAME,
            flags: PF_R,
            offset: s.offset,
            vaddr: s.addr,
            filesz: s.size,
            memsz: s.size,
            align: 4,
        });
    }
    segs.push(Segment {
        p_type: PT_GNU_STACK,
        flags: if link.exec_stack {
            PF_R | PF_W | PF_X
        } else {
            PF_R | PF_W
        },
        offset: 0,
        vaddr: 0,
        filesz: 0,
        memsz: link.cfg.stack_size,
        align: 16,
    });
    if let Some((roff, start, end)) = relro_range.filter(|_| has_relro) {
        // The whole last page counts as RELRO: the next segment starts on a fresh page.
        let size = align_to(end, page) - start;
        segs.push(Segment {
            p_type: PT_GNU_RELRO,
            flags: PF_R,
            offset: roff,
            vaddr: start,
            filesz: size,
            memsz: size,
            align: 1,
        });
    }
    debug_assert_eq!(segs.len(), nphdr);
    lay.segments = segs;

    lay.got_addr = lay.addr_of(lay.idx.got);
    lay.gotplt_addr = lay.addr_of(lay.idx.gotplt);
    lay.got_base = match lay.sec(lay.idx.gotplt) {
        Some(s) if s.size > 0 || lay.idx.got == NONE => s.addr,
        _ => lay.got_addr,
    };
    lay.plt_addr = lay.addr_of(lay.idx.plt);
    let copyrel = lay.sec(lay.idx.bss).and_then(|b| {
        b.members
            .iter()
            .zip(&b.member_offsets)
            .find(|(m, _)| matches!(m, Member::CopyRel))
            .map(|(_, off)| b.addr + off)
    });
    if let Some(a) = copyrel {
        lay.copyrel_addr = a;
    }
}

/// The parts of the output file that will hold bytes (headers, sections with contents, the
/// section header table), as (start, end).
pub fn file_parts(link: &Link) -> Vec<(u64, u64)> {
    let lay = &link.layout;
    // Whole sections, not their members: padding inside a section is never a large hole but
    // with an absurd alignment, and walking 200,000 members (each in its own file's records)
    // took 4-13 ms of a serial step on a large C++ link.
    let mut parts = vec![(0, EHDR_SIZE + lay.segments.len() as u64 * PHDR_SIZE)];
    for s in &lay.sections {
        if s.shndx != 0 && !s.is_nobits() {
            parts.push((s.offset, s.offset.saturating_add(s.size)));
        }
    }
    parts.push((lay.shoff, lay.file_size));
    parts
}

/// The highest address a program can use on x86-64 Linux (47-bit user space).
const MAX_ADDRESS: u64 = 1 << 47;

/// Rejects a layout that cannot be an output: addresses past the address space, or a file out of
/// all proportion to the inputs (a corrupt size or alignment would otherwise make solder write
/// gigabytes of padding). Names the input section most likely at fault.
pub fn check_size(link: &Link) -> crate::error::Result<()> {
    let lay = &link.layout;
    // The input section with the largest size, or the largest alignment, in an output section.
    let culprit = |os: &OutSection, by_align: bool| -> String {
        let mut best: Option<(u64, String)> = None;
        for m in &os.members {
            if let Member::Input { file, shndx } = *m
                && let Some(o) = link.files[file as usize].as_object()
            {
                let sec = &o.sections[shndx as usize];
                let key = if by_align { sec.align() } else { sec.size };
                if best.as_ref().is_none_or(|b| key > b.0) {
                    best = Some((
                        key,
                        format!(
                            "{}: section {}",
                            o.name,
                            name_str(o.sec_name(shndx as usize))
                        ),
                    ));
                }
            }
        }
        if os.members.iter().any(|m| matches!(m, Member::CopyRel))
            && let Some(c) = link
                .synth
                .copyrels
                .iter()
                .max_by_key(|c| link.syms[c.sym as usize].size)
        {
            let s = &link.syms[c.sym as usize];
            if best.as_ref().is_none_or(|b| s.size > b.0) {
                best = Some((
                    s.size,
                    format!(
                        "{}: symbol {} (copied into the executable)",
                        link.files[s.file as usize].name(),
                        crate::symbol::demangle(link.sym_name(c.sym))
                    ),
                ));
            }
        }
        best.map_or_else(|| format!("section {}", name_str(os.name)), |b| b.1)
    };
    for s in lay.sections.iter().filter(|s| s.is_alloc()) {
        if s.addr
            .checked_add(s.size)
            .is_none_or(|end| end > MAX_ADDRESS)
        {
            crate::bail!(
                "{}: too large: output section {} would end past the end of the address space",
                culprit(s, false),
                name_str(s.name)
            );
        }
    }
    // The limit is at least 4 GiB: below that nothing needs adding up (660,000 sections of a
    // large link, one by one).
    if lay.file_size <= 4 << 30 {
        return Ok(());
    }
    let input_bytes: u64 = link
        .files
        .iter()
        .map(|f| match f {
            InputFile::Object(o) if o.is_alive() => (0..o.sections.len())
                .map(|i| o.sec_data(i).len() as u64)
                .sum::<u64>(),
            _ => 0,
        })
        .sum();
    let limit = input_bytes.saturating_mul(16).saturating_add(4 << 30);
    if lay.file_size > limit {
        // Only alignment padding can make the file outgrow its inputs: name the most aligned
        // input section.
        let worst = link
            .live_objects()
            .flat_map(|o| {
                o.sections
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.is_live())
                    .map(move |(i, s)| (s.align(), o, i))
            })
            .max_by_key(|x| x.0)
            .map(|(_, o, i)| format!("{}: section {}", o.name, name_str(o.sec_name(i))))
            .unwrap_or_default();
        crate::bail!(
            "{worst}: the output would be {} bytes from {input_bytes} bytes of input (a section's size or alignment is out of proportion)",
            lay.file_size
        );
    }
    Ok(())
}

/// Consecutive note sections with equal alignment form one PT_NOTE.
fn note_groups(lay: &Layout, alloc: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut prev_note = false;
    for &i in alloc {
        let s = &lay.sections[i];
        let is_note = s.sh_type == SHT_NOTE;
        if is_note {
            match groups.last_mut() {
                Some(g) if prev_note && lay.sections[*g.last().unwrap()].align == s.align => {
                    g.push(i)
                }
                _ => groups.push(vec![i]),
            }
        }
        prev_note = is_note;
    }
    groups
}

/// Final addresses of all symbols.
pub fn compute_symbol_values(link: &mut Link) {
    let lay = &link.layout;
    let files = &link.files;
    let aux = &link.aux;
    let synth = &link.synth;
    let linker_vals: Vec<u64> = lay
        .linker_syms
        .iter()
        .map(|l| linker_sym_value(link, *l))
        .collect();
    link.syms.par_iter_mut().for_each(|s| {
        let v = match s.kind {
            crate::symbol::SymKind::Undefined => 0,
            crate::symbol::SymKind::Abs => s.value,
            crate::symbol::SymKind::Section => {
                let o = files[s.file as usize].as_object().unwrap();
                // The symbol's `st_value`, copied when resolved (rereading the object's symbol
                // table was a cache miss into the mapped input for each of 630,000 symbols).
                let st_value = s.value;
                let sec = &o.sections[s.shndx as usize];
                match sec.kind {
                    // Symbol values come from the input as they are: addresses wrap, as GNU ld's
                    // do, rather than trusting a value to stay inside its section.
                    SecKind::Merge => {
                        let slot = o.merge_slot(s.shndx);
                        let g = &lay.merge_groups[slot.group as usize];
                        if s.ty == STT_SECTION || g.out == NONE {
                            0
                        } else {
                            lay.sections[g.out as usize]
                                .addr
                                .wrapping_add(g.offset)
                                .wrapping_add(crate::merge::locate(slot, st_value))
                        }
                    }
                    SecKind::EhFrame => lay
                        .eh_frame_addr()
                        .wrapping_add(crate::eh_frame::output_offset(o, s.shndx, st_value)),
                    SecKind::Regular if sec.out != NONE => lay.sections[sec.out as usize]
                        .addr
                        .wrapping_add(sec.offset)
                        .wrapping_add(st_value),
                    _ => 0,
                }
            }
            crate::symbol::SymKind::Common => {
                let o = files[s.file as usize].as_object().unwrap();
                lay.sections[lay.idx.bss as usize].addr + o.common_base + s.value
            }
            crate::symbol::SymKind::Dso => 0,
            crate::symbol::SymKind::Linker => linker_vals[s.idx as usize],
        };
        s.value = v;
        if s.aux != NONE {
            let a = &aux[s.aux as usize];
            if let Some(&off) = synth.copyrel_offset.get(&(s.aux)) {
                s.value = lay.copyrel_addr + off;
            } else if a.plt != NONE && (s.flags() & crate::symbol::NEEDS_CPLT != 0) {
                s.value = lay.plt_entry_addr(a.plt);
            }
        }
    });
    evaluate_defsyms(link);
}

/// `--defsym NAME=SYM+OFF`: the target's final address plus the offset. A chain of definitions
/// resolves in as many rounds as it is long.
fn evaluate_defsyms(link: &mut Link) {
    let defs: Vec<(u32, &'static [u8], i64)> = (0..link.nglobals)
        .filter_map(|id| {
            let s = &link.syms[id as usize];
            let LinkerSym::Defsym(k) = *link
                .layout
                .linker_syms
                .get(s.idx as usize)
                .filter(|_| s.kind == crate::symbol::SymKind::Linker)?
            else {
                return None;
            };
            match crate::context::parse_defsym(&link.cfg.defsyms[k as usize].1) {
                Ok(crate::context::DefsymExpr::Sym(t, off)) => Some((id, t, off)),
                _ => None,
            }
        })
        .collect();
    for _ in 0..=defs.len() {
        for &(id, target, off) in &defs {
            let Some(t) = link.sym_by_name(target) else {
                continue;
            };
            let (v, ty, size) = {
                let ts = &link.syms[t as usize];
                (ts.value.wrapping_add(off as u64), ts.ty, ts.size)
            };
            let s = &mut link.syms[id as usize];
            s.value = v;
            s.ty = ty;
            s.size = size;
        }
    }
}

fn linker_sym_value(link: &Link, l: LinkerSym) -> u64 {
    let lay = &link.layout;
    let by_name = |n: &[u8]| lay.sections.iter().find(|s| s.name == n && s.is_alloc());
    // Where an absent array would have been: the start of the writable data.
    let anchor = lay
        .sections
        .iter()
        .find(|s| s.is_alloc() && s.flags & SHF_WRITE as u64 != 0 && !s.is_tls())
        .map_or(lay.base, |s| s.addr);
    let start_of = |n: &[u8]| by_name(n).map_or(anchor, |s| s.addr);
    let end_of = |n: &[u8]| by_name(n).map_or(anchor, |s| s.end());
    match l {
        LinkerSym::EhdrStart | LinkerSym::ExecutableStart => lay.base,
        LinkerSym::GlobalOffsetTable => lay.got_base,
        LinkerSym::Dynamic => lay.addr_of(lay.idx.dynamic),
        LinkerSym::InitArrayStart => start_of(b".init_array"),
        LinkerSym::InitArrayEnd => end_of(b".init_array"),
        LinkerSym::FiniArrayStart => start_of(b".fini_array"),
        LinkerSym::FiniArrayEnd => end_of(b".fini_array"),
        LinkerSym::PreinitArrayStart => start_of(b".preinit_array"),
        LinkerSym::PreinitArrayEnd => end_of(b".preinit_array"),
        LinkerSym::Etext => lay
            .sections
            .iter()
            .filter(|s| s.is_alloc() && s.flags & SHF_EXECINSTR as u64 != 0)
            .map(|s| s.end())
            .max()
            .unwrap_or(lay.base),
        LinkerSym::Edata => lay
            .sections
            .iter()
            .filter(|s| s.is_alloc() && !s.is_nobits() && s.size > 0)
            .map(|s| s.end())
            .max()
            .unwrap_or(lay.base),
        LinkerSym::End => lay
            .sections
            .iter()
            .filter(|s| s.is_alloc() && !(s.is_tls() && s.is_nobits()))
            .map(|s| s.end())
            .max()
            .unwrap_or(lay.base),
        LinkerSym::BssStart => lay
            .sections
            .iter()
            .filter(|s| s.is_alloc() && s.is_nobits() && !s.is_tls() && s.size > 0)
            .map(|s| s.addr)
            .min()
            .unwrap_or_else(|| {
                lay.sections
                    .iter()
                    .filter(|s| s.is_alloc() && !s.is_nobits())
                    .map(|s| s.end())
                    .max()
                    .unwrap_or(lay.base)
            }),
        LinkerSym::RelaIpltStart | LinkerSym::RelaIpltEnd => {
            // Static position-dependent executables keep IRELATIVE relocations in .rela.plt for
            // their start code to apply; everywhere else the range is empty.
            match lay.sec(lay.idx.rela_plt) {
                Some(s) if !link.dynamic => {
                    if l == LinkerSym::RelaIpltStart {
                        s.addr
                    } else {
                        s.end()
                    }
                }
                Some(s) => s.addr,
                None => lay.addr_of(lay.idx.rela_dyn).max(lay.base),
            }
        }
        // Executables relax every DTPOFF to a thread-pointer offset, so the module base a TLS
        // descriptor sequence adds them to must be the thread pointer itself.
        LinkerSym::TlsModuleBase => {
            if link.is_exe() {
                lay.tls_tp
            } else {
                lay.tls_start
            }
        }
        LinkerSym::EhFrameHdr => lay.addr_of(lay.idx.eh_frame_hdr),
        LinkerSym::Start(n) => start_of_named(lay, n),
        LinkerSym::Stop(n) => lay.find(n).map_or(0, |s| s.end()),
        // Evaluated after every other symbol has its address.
        LinkerSym::Defsym(_) => 0,
    }
}

fn start_of_named(lay: &Layout, n: &[u8]) -> u64 {
    lay.find(n).map_or(0, |s| s.addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The class parse records gives the output name GNU ld's default script gives.
    #[test]
    fn output_classes_name_what_the_default_script_names() {
        let alloc = SHF_ALLOC as u64;
        for (input, output) in [
            (&b".text"[..], &b".text"[..]),
            (b".text._ZN4llvm3foo", b".text"),
            (b".textual", b".textual"),
            (b".data.rel.ro.local", b".data.rel.ro"),
            (b".data.rel.local", b".data"),
            (b".data1", b".data"),
            (b".sdata", b".data"),
            (b".rodata1", b".rodata"),
            (b".rodata.str1.1", b".rodata"),
            (b".sbss", b".bss"),
            (b".ctors.00100", b".init_array"),
            (b".dtors", b".fini_array"),
            (b".gnu.linkonce.t.foo", b".text"),
            (b".gnu.linkonce.tb.foo", b".tbss"),
            (b".tdata.x", b".tdata"),
            (b"my_section", b"my_section"),
            (b".", b"."),
            (b"", b""),
        ] {
            let c = output_class(input);
            let via_class = if c == 0 { input } else { class_name(c) };
            assert_eq!(via_class, output, "{}", String::from_utf8_lossy(input));
            assert_eq!(output_name(input, alloc, 0), output);
        }
        // Only allocated sections are renamed.
        assert_eq!(output_name(b".text.x", 0, 0), b".text.x");
    }
}
