//! Synthetic sections: what the linker creates rather than copies. Planning happens once relocation
//! scanning has said what every symbol needs; slots are handed out in symbol-id order, which depends
//! only on the inputs, so the output is the same whatever the thread count.

use crate::context::{InputFile, Link, OutputKind};
use crate::elf::*;
use crate::layout::{Content, LINKER_SYMS, LinkerSym, OutSection};
use crate::object::NONE;
use crate::symbol::*;
use crate::version_script::VER_BASE;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GotKind {
    /// The symbol's address.
    Addr,
    /// The symbol's offset from the thread pointer (initial-exec TLS).
    TpOff,
    /// Module id and offset in its TLS block (general-dynamic TLS): two words.
    TlsGd,
    /// This module's id and zero (local-dynamic TLS): two words, no symbol.
    TlsLd,
    /// A TLS descriptor: two words the loader fills.
    TlsDesc,
}

impl GotKind {
    pub fn words(self) -> usize {
        match self {
            GotKind::Addr | GotKind::TpOff => 1,
            GotKind::TlsGd | GotKind::TlsLd | GotKind::TlsDesc => 2,
        }
    }
}

/// An entry of the GOT: `word` is its first word's index.
#[derive(Clone, Copy, Debug)]
pub struct GotSlot {
    pub kind: GotKind,
    pub sym: u32,
    pub word: u32,
}

/// A dynamic relocation of a GOT word: (dynamic symbol index or 0, type, addend).
pub type GotRel = (u32, u32, i64);

/// What one GOT entry holds: the static value of each word and the dynamic relocation each
/// needs. The one definition of a GOT entry: planning counts the relocations from it, writing
/// writes exactly these (values are final only after layout; which relocations exist does not
/// depend on addresses).
pub fn got_entry(link: &Link, g: &GotSlot) -> [(u64, Option<GotRel>); 2] {
    let dt = link.target.dynrel();
    let lay = &link.layout;
    let none = (0u64, None);
    if g.kind == GotKind::TlsLd {
        return [(0, Some((0, dt.dtpmod64, 0))), none];
    }
    let s = &link.syms[g.sym as usize];
    let pre = crate::reloc::preemptible(s);
    // The dynamic symbol index (not yet known when planning counts: only presence matters then).
    let dynsym = match s.aux {
        NONE => 0,
        a => match link.aux[a as usize].dynsym {
            NONE => 0,
            d => d,
        },
    };
    let dtp_off = s.value.wrapping_sub(lay.tls_start);
    match g.kind {
        GotKind::Addr => {
            if s.imported {
                let rel = (s.kind != SymKind::Undefined || s.aux != NONE).then_some((
                    dynsym,
                    dt.glob_dat,
                    0,
                ));
                [(0, rel), none]
            } else if pre {
                [(0, Some((dynsym, dt.glob_dat, 0))), none]
            } else if s.kind == SymKind::Undefined {
                [none, none]
            } else if s.kind == SymKind::Abs || !link.is_pic() {
                [(s.value, None), none]
            } else {
                [(s.value, Some((0, dt.relative, s.value as i64))), none]
            }
        }
        GotKind::TpOff => {
            if pre {
                [(0, Some((dynsym, dt.tpoff64, 0))), none]
            } else if link.is_exe() {
                [(s.value.wrapping_sub(lay.tls_tp), None), none]
            } else {
                // The loader places this module's TLS block and adds its offset.
                [(0, Some((0, dt.tpoff64, dtp_off as i64))), none]
            }
        }
        GotKind::TlsGd => {
            if pre {
                [
                    (0, Some((dynsym, dt.dtpmod64, 0))),
                    (0, Some((dynsym, dt.dtpoff64, 0))),
                ]
            } else {
                [(0, Some((0, dt.dtpmod64, 0))), (dtp_off, None)]
            }
        }
        GotKind::TlsDesc => {
            if pre {
                [(0, Some((dynsym, dt.tlsdesc, 0))), none]
            } else {
                [(0, Some((0, dt.tlsdesc, dtp_off as i64))), none]
            }
        }
        GotKind::TlsLd => unreachable!("handled above"),
    }
}

pub struct CopyRel {
    pub sym: u32,
    pub offset: u64,
}

#[derive(Default)]
pub struct Synth {
    /// PLT entries go through PLT0 and the dynamic loader's lazy resolver.
    pub lazy_plt: bool,
    pub got: Vec<GotSlot>,
    /// Words in the GOT (TLS entries take two).
    pub got_words: u32,
    /// The local-dynamic TLS entry's first word, if any section uses it.
    pub tlsld: Option<u32>,
    /// A shared object uses initial-exec TLS (DF_STATIC_TLS).
    pub static_tls: bool,
    /// The output defines IFUNC symbols: ELFOSABI_GNU.
    pub gnu_osabi: bool,
    pub plt: Vec<u32>,
    pub copyrels: Vec<CopyRel>,
    /// Copy-relocated symbols and their aliases (by aux index): offset in the copy area.
    pub copyrel_offset: HashMap<u32, u64>,
    pub copyrel_size: u64,
    pub copyrel_align: u64,
    pub dynsyms: Vec<u32>,
    pub dynsym_names: Vec<u32>,
    pub versyms: Vec<u16>,
    /// Index (in .dynsym, counting the null entry) of the first symbol in the GNU hash table.
    pub gnu_hash_first: u32,
    pub gnu_hash_buckets: u32,
    pub gnu_bloom_words: u32,
    pub dynstr: Vec<u8>,
    pub needed: Vec<u32>,
    pub runpath: Option<u32>,
    pub soname: Option<u32>,
    pub verneed: Vec<u8>,
    pub verneed_count: u32,
    /// `.gnu.version_d`: the output's base version, then the versions its scripts define.
    pub verdef: Vec<u8>,
    pub verdef_count: u32,
    /// GOT entries' dynamic relocations, and how many of them are relative.
    pub got_rels: u32,
    pub got_relative: u32,
    /// `-z pack-relative-relocs`: input-section places packed into `.relr.dyn` (file, section,
    /// offset), how many GOT words are, and the encoding once addresses are known.
    pub packed: Vec<(u32, u32, u64)>,
    pub got_packed: u32,
    pub relr: Vec<u64>,
    /// Input sections' dynamic relocations, and how many of them are relative.
    pub sec_rels: u32,
    pub sec_relative: u32,
    /// What relocations into narrow fields can hold (see `reloc::NarrowRefs`).
    pub narrow: crate::reloc::NarrowRefs,
    pub irel_in_dyn: u32,
    pub plt_rels: u32,
    pub textrel: bool,
    pub interp: Vec<u8>,
    pub gnu_property: Vec<u8>,
    pub build_id_size: u64,
}

/// Where each run of `.rela.dyn` starts, in entries. Relative relocations come first, as
/// `DT_RELACOUNT` tells ld.so (which then applies them in a tight loop without symbol lookups):
/// [GOT relative] [sections' relative] [GOT other] [COPY] [sections' other] [IRELATIVE]. IRELATIVE
/// entries are last so that their resolvers run on relocated data.
pub struct RelaDyn {
    pub sec_relative: u32,
    pub got_other: u32,
    pub copy: u32,
    pub sec_other: u32,
    pub irelative: u32,
    /// Relative relocations (the first `relative` entries).
    pub relative: u32,
    pub total: u32,
}

impl Synth {
    /// Relative relocations are packed into `.relr.dyn`.
    pub fn has_relr(&self) -> bool {
        !self.packed.is_empty() || self.got_packed > 0
    }

    pub fn rela_dyn(&self) -> RelaDyn {
        let sec_relative = self.got_relative;
        let got_other = sec_relative + self.sec_relative;
        let copy = got_other + (self.got_rels - self.got_relative);
        let sec_other = copy + self.copyrels.len() as u32;
        let irelative = sec_other + (self.sec_rels - self.sec_relative);
        RelaDyn {
            sec_relative,
            got_other,
            copy,
            sec_other,
            irelative,
            relative: got_other,
            total: irelative + self.irel_in_dyn,
        }
    }
}

/// Defines the linker-provided symbols that something references but nothing defines.
pub fn define_linker_symbols(link: &mut Link) -> crate::error::Result<()> {
    let mut defs: Vec<(u32, LinkerSym)> = Vec::new();
    // The two scans of every global below are parallel: on a large C++ link each is 200,000
    // records, nearly all cache misses, and they found a few dozen names serially in 3-4 ms.
    let globals = &link.syms[..link.nglobals as usize];
    let defsyms: Vec<u32> = (0..link.nglobals)
        .into_par_iter()
        .filter(|&id| globals[id as usize].kind == SymKind::Linker)
        .collect();
    // --defsym: numbers are absolute symbols; symbol expressions are evaluated after layout.
    for id in defsyms {
        let k = link.syms[id as usize].idx;
        let (_, expr) = &link.cfg.defsyms[k as usize];
        match crate::context::parse_defsym(expr)? {
            crate::context::DefsymExpr::Abs(v) => {
                let s = &mut link.syms[id as usize];
                s.kind = SymKind::Abs;
                s.value = v;
            }
            crate::context::DefsymExpr::Sym(..) => defs.push((id, LinkerSym::Defsym(k))),
        }
    }
    for &(name, kind) in LINKER_SYMS {
        if kind == LinkerSym::Dynamic && !link.dynamic {
            continue;
        }
        if let Some(id) = link.sym_by_name(name)
            && link.syms[id as usize].kind == SymKind::Undefined
        {
            defs.push((id, kind));
        }
    }
    // __start_SEC / __stop_SEC for output sections named like C identifiers. The references are
    // found first: they are rare, and the sections to look through are many. Objects listed theirs
    // when parsed; a library's names are at hand.
    let mut ids: Vec<u32> = link
        .files
        .par_iter()
        .flat_map_iter(|f| -> Vec<u32> {
            match f {
                // A member read but not linked references nothing.
                InputFile::Object(o) if !o.is_alive() => Vec::new(),
                InputFile::Object(o) => o
                    .start_stop_refs
                    .iter()
                    .map(|&i| o.global_ids[i as usize])
                    .collect(),
                InputFile::Dso(d) => d
                    .global_names
                    .iter()
                    .zip(&d.global_ids)
                    .filter(|(n, _)| crate::symbol::start_stop_section(n).is_some())
                    .map(|(_, &id)| id)
                    .collect(),
                InputFile::Internal(_) => Vec::new(),
            }
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let refs: Vec<(u32, bool, &[u8])> = ids
        .into_iter()
        .filter_map(|id| {
            let s = &link.syms[id as usize];
            if s.kind != SymKind::Undefined {
                return None;
            }
            let (start, sec) = crate::symbol::start_stop_section(link.sym_name(id))?;
            Some((id, start, sec))
        })
        .collect();
    let mut names: BTreeSet<&'static [u8]> = BTreeSet::new();
    for o in link.live_objects().filter(|_| !refs.is_empty()) {
        for (i, s) in o.sections.iter().enumerate() {
            if !s.is_alloc() || !s.is_live() {
                continue;
            }
            let name = o.sec_name(i);
            if crate::layout::is_c_ident(name) {
                names.insert(crate::layout::output_name(name, s.flags(), s.sh_type));
            }
        }
    }
    for (id, start, sec) in refs {
        if let Some(n) = names.get(sec) {
            defs.push((
                id,
                if start {
                    LinkerSym::Start(n)
                } else {
                    LinkerSym::Stop(n)
                },
            ));
        }
    }
    for (id, kind) in defs {
        let idx = link.layout.linker_syms.len() as u32;
        link.layout.linker_syms.push(kind);
        let s = &mut link.syms[id as usize];
        s.kind = SymKind::Linker;
        s.idx = idx;
        s.bind = STB_GLOBAL;
        s.ty = STT_NOTYPE;
        if matches!(kind, LinkerSym::GlobalOffsetTable | LinkerSym::Dynamic) {
            s.ty = STT_OBJECT;
        }
    }
    Ok(())
}

/// Decides which symbols come from shared libraries at run time and which this output exports.
pub fn classify(link: &mut Link) -> crate::error::Result<()> {
    let mut listed = crate::dynlist::Patterns::default();
    for p in &link.cfg.export_symbols {
        listed.add(p, false);
    }
    for f in link
        .cfg
        .dynamic_list
        .iter()
        .chain(&link.cfg.export_symbol_lists)
    {
        let text = std::fs::read_to_string(f)
            .map_err(|e| crate::err!("cannot read dynamic list {}: {e}", f.display()))?;
        listed.parse_list(&f.display().to_string(), &text)?;
    }
    // A shared object given a dynamic list binds what the list does not name locally, as if
    // -Bsymbolic applied to the rest (GNU ld's rule).
    let list_binds = link.kind == OutputKind::Shared
        && (!link.cfg.dynamic_list.is_empty() || link.cfg.dynamic_list_data);
    let script = &link.versions;
    if link.cfg.no_undefined_version {
        for name in script.global_exact_names() {
            let defined = link.interner.lookup(name).is_some_and(|id| {
                let s = &link.syms[id as usize];
                !matches!(s.kind, SymKind::Undefined | SymKind::Dso)
            });
            if !defined {
                crate::bail!(
                    "version script assignment of 'global' to symbol '{}' failed: symbol not defined",
                    String::from_utf8_lossy(name)
                );
            }
        }
    }
    // Files whose definitions --exclude-libs keeps from being exported.
    let excluded: Vec<bool> = link
        .files
        .iter()
        .take(if link.cfg.exclude_libs.is_empty() {
            0
        } else {
            usize::MAX
        })
        .map(|f| match f {
            InputFile::Object(o) => excluded_archive(&link.cfg.exclude_libs, &o.name),
            _ => false,
        })
        .collect();
    let n = link.nglobals as usize;
    let dso_ref: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(false)).collect();
    link.files.par_iter().for_each(|f| {
        if let InputFile::Dso(d) = f {
            if !d.needed.load(Ordering::Relaxed) {
                return;
            }
            // Referenced or defined: a library's own calls to a name it defines go through its PLT,
            // so an executable's definition of that name must be visible to interpose on them.
            for &id in &d.global_ids {
                dso_ref[id as usize].store(true, Ordering::Relaxed);
            }
        }
    });
    let export_all = link.cfg.export_dynamic || link.kind == OutputKind::Shared;
    // Undefined weak references stay dynamic only where a dynamic loader can bind them later.
    let weak_dynamic = match link.cfg.dynamic_undefined_weak {
        Some(on) => on && link.dynamic,
        None => link.loaded_by_ld_so(),
    };
    let undefined_dynamic = !link.undefined_is_error();
    let files = &link.files;
    let interner = &link.interner;
    link.syms[..n]
        .par_iter_mut()
        .enumerate()
        .for_each(|(id, s)| {
            // Read only where a definition is matched against a script or a list. (A global's
            // name, as `Link::sym_name` gives it; the records are borrowed mutably here.)
            let name = || interner.name(id as u32);
            s.imported = match s.kind {
                SymKind::Dso => true,
                SymKind::Undefined => (s.bind == STB_WEAK && weak_dynamic) || undefined_dynamic,
                _ => false,
            };
            let defined = matches!(
                s.kind,
                SymKind::Section | SymKind::Common | SymKind::Abs | SymKind::Linker
            );
            let visible = s.vis == STV_DEFAULT || s.vis == STV_PROTECTED;
            // The linker's own symbols (_GLOBAL_OFFSET_TABLE_, _end, ...) stay inside a shared
            // object, as GNU ld keeps them.
            let own = s.kind == SymKind::Linker && link.kind == OutputKind::Shared;
            // A version script's `local:` hides a definition; its `global:` keeps the default.
            // A definition versioned in its object takes that version, if the script defines it.
            let mut script_hides = false;
            if defined {
                match explicit_version(files, s) {
                    Some((v, old)) => match script.index_of(v) {
                        Some(ix) => {
                            script_hides = !script.versioned_scope(split_version(name()).0, ix);
                            s.ver = if old { ix | VERSYM_HIDDEN } else { ix };
                        }
                        None => s.ver = VER_MISSING,
                    },
                    None => match script.assign(name) {
                        Some((global, ix)) => {
                            script_hides = !global;
                            s.ver = ix;
                        }
                        None => s.ver = script.default_node.unwrap_or(VER_BASE),
                    },
                }
            }
            let hidden =
                script_hides || (s.file != NONE && excluded.get(s.file as usize) == Some(&true));
            let data = s.ty == STT_OBJECT || s.kind == SymKind::Common;
            // Only definitions are listed (matching every name is costly with long lists).
            let in_list = defined
                && ((link.cfg.dynamic_list_data && data)
                    || (!listed.is_empty() && listed.matches(name())));
            s.exported = defined
                && visible
                && !own
                && !hidden
                && link.dynamic
                && (export_all || dso_ref[id].load(Ordering::Relaxed) || in_list);
            // In a shared object, an exported default-visibility symbol may be interposed by
            // another module's definition: references to it go through the GOT and PLT.
            // -Bsymbolic binds every definition locally, -Bsymbolic-functions the functions.
            let func = s.ty == STT_FUNC || s.ty == STT_GNU_IFUNC;
            let strong = s.bind != STB_WEAK;
            let c = &link.cfg;
            let bound_locally = c.bsymbolic
                || (c.bsymbolic_functions && func)
                || (c.bsymbolic_non_weak && strong)
                || (c.bsymbolic_non_weak_functions && func && strong)
                || (list_binds && !in_list);
            s.preemptible = s.exported
                && s.vis == STV_DEFAULT
                && link.kind == OutputKind::Shared
                && !bound_locally;
        });
    if let Some((id, s)) = link.syms[..n]
        .iter()
        .enumerate()
        .find(|(_, s)| s.ver == VER_MISSING && s.exported)
    {
        let raw = explicit_version_name(&link.files, s).unwrap_or(link.sym_name(id as u32));
        // GNU ld's words, then the object whose `.symver` names the version: that is what to fix.
        let by = match link.files.get(s.file as usize) {
            Some(InputFile::Object(o)) => format!(", versioned in {}", o.name),
            _ => String::new(),
        };
        crate::bail!(
            "{}: version node not found for symbol {}{by}",
            link.cfg.output.display(),
            String::from_utf8_lossy(raw)
        );
    }
    // The names of the versions themselves are exported with their version, as GNU ld does.
    for (k, node) in link.versions.named().enumerate() {
        if let Some(id) = link.interner.lookup(node.name.as_bytes()) {
            let s = &mut link.syms[id as usize];
            if s.file == 0 && s.kind == SymKind::Abs {
                s.exported = link.dynamic;
                s.ver = k as u16 + 2;
            }
        }
    }
    Ok(())
}

/// Marks a definition whose object names a version the version scripts do not define.
const VER_MISSING: u16 = u16::MAX;

/// A definition's name as its object spells it, when it carries a version (`foo@@V2`, `foo@V1`).
/// Only objects that parsing saw define such a name are looked at.
fn explicit_version_name(files: &[InputFile], s: &Symbol) -> Option<&'static [u8]> {
    if !matches!(s.kind, SymKind::Section | SymKind::Common | SymKind::Abs) {
        return None;
    }
    let InputFile::Object(o) = files.get(s.file as usize)? else {
        return None;
    };
    if !o.versioned_defs {
        return None;
    }
    let raw = o.sym_name(s.idx as usize);
    split_version(raw).1.map(|_| raw)
}

/// The version a definition's object gives it, and whether it is an old (hidden, `foo@V1`) one
/// rather than the default (`foo@@V2`).
fn explicit_version(files: &[InputFile], s: &Symbol) -> Option<(&'static [u8], bool)> {
    let (v, default) = split_version(explicit_version_name(files, s)?).1?;
    Some((v, !default))
}

/// Whether `--exclude-libs` names the archive that object `name` (`path/libfoo.a(member.o)`)
/// comes from, by the archive's file name, or `ALL` archives.
fn excluded_archive(libs: &[String], name: &str) -> bool {
    if libs.is_empty() {
        return false;
    }
    let Some(archive) = name
        .strip_suffix(')')
        .and_then(|n| n.rsplit_once('('))
        .map(|p| p.0)
    else {
        return false;
    };
    let base = archive.rsplit('/').next().unwrap_or(archive);
    libs.iter().any(|l| l == "ALL" || l == base)
}

/// Allocates COMMON symbols: each owning file gets a block in `.bss` holding its commons, at the
/// largest size and alignment any definition asked for.
pub fn assign_commons(link: &mut Link) {
    // Found in parallel (commons are rare, and every linked global is looked at), merged in order.
    let found: Vec<Vec<(u32, u64, u64)>> = link
        .par_live_objects()
        .map(|o| {
            let first = o.first_global as usize;
            o.global_ids
                .iter()
                .zip(&o.symtab[first..])
                .filter(|(_, s)| s.st_shndx.get(LE) == SHN_COMMON)
                .map(|(&id, s)| (id, s.st_size.get(LE), s.st_value.get(LE).max(1)))
                .collect()
        })
        .collect();
    let mut req: HashMap<u32, (u64, u64)> = HashMap::new();
    for (id, size, align) in found.into_iter().flatten() {
        let e = req.entry(id).or_insert((0, 1));
        e.0 = e.0.max(size);
        e.1 = e.1.max(align);
    }
    if req.is_empty() {
        return;
    }
    let mut by_file: HashMap<u32, Vec<u32>> = HashMap::new();
    for (&id, _) in req.iter() {
        let s = &link.syms[id as usize];
        if s.kind == SymKind::Common {
            by_file.entry(s.file).or_default().push(id);
        }
    }
    for (file, mut ids) in by_file {
        // Symbol-table order of the owner, or by decreasing alignment with --sort-common.
        ids.sort_unstable_by_key(|&id| link.syms[id as usize].idx);
        if link.cfg.sort_common {
            ids.sort_by_key(|&id| std::cmp::Reverse(req[&id].1));
        }
        let mut off = 0u64;
        let mut max_align = 1;
        for id in ids {
            let (size, align) = req[&id];
            off = align_to(off, align);
            let s = &mut link.syms[id as usize];
            s.value = off;
            s.size = size;
            off = off.saturating_add(size);
            max_align = u64::max(max_align, align);
        }
        if let InputFile::Object(o) = &mut link.files[file as usize] {
            o.common_size = off.max(1);
            o.common_align = max_align;
        }
    }
}

fn aux_of(link: &mut Link, id: u32) -> usize {
    let s = &mut link.syms[id as usize];
    if s.aux == NONE {
        s.aux = link.aux.len() as u32;
        link.aux.push(SymAux::default());
    }
    s.aux as usize
}

/// Hands out GOT, PLT, copy-relocation and dynamic-symbol slots, and builds the dynamic tables
/// whose contents do not depend on addresses.
pub fn plan(link: &mut Link) {
    let mut sy = std::mem::take(&mut link.synth);
    sy.lazy_plt = link.loaded_by_ld_so();
    let flagged: Vec<u32> = (0..link.syms.len() as u32)
        .into_par_iter()
        .filter(|&i| link.syms[i as usize].flags() != 0)
        .collect();

    // Copy relocations, with aliases: every other name the library gives the same address must
    // resolve to the copy too.
    let mut alias_index: HashMap<u32, HashMap<u64, Vec<u32>>> = HashMap::new();
    let mut copy_off = 0u64;
    let mut copy_align = 1u64;
    for &id in &flagged {
        let s = &link.syms[id as usize];
        if s.flags() & NEEDS_COPYREL == 0 || s.kind != SymKind::Dso {
            continue;
        }
        let (file, value, size) = (s.file, s.value, s.size);
        if link.aux.get(s.aux as usize).is_some() && sy.copyrel_offset.contains_key(&s.aux) {
            continue; // already placed as another symbol's alias
        }
        // Alignment: what the address guarantees, at most 64.
        let align = if value == 0 {
            64
        } else {
            (1u64 << value.trailing_zeros()).min(64)
        };
        copy_off = align_to(copy_off, align);
        copy_align = copy_align.max(align);
        let off = copy_off;
        copy_off += size.max(1);
        let idx = alias_index.entry(file).or_insert_with(|| {
            let d = link.dso(file);
            let mut m: HashMap<u64, Vec<u32>> = HashMap::new();
            for (j, &gid) in d.global_ids.iter().enumerate() {
                let si = d.sym_index[j] as usize;
                let ds = &d.dynsym[si];
                if ds.st_shndx.get(LE) != SHN_UNDEF
                    && matches!(st_type(ds), STT_OBJECT | STT_NOTYPE)
                {
                    m.entry(ds.st_value.get(LE)).or_default().push(gid);
                }
            }
            m
        });
        let mut names: Vec<u32> = idx.get(&value).cloned().unwrap_or_default();
        if !names.contains(&id) {
            names.push(id);
        }
        names.sort_unstable();
        names.dedup();
        sy.copyrels.push(CopyRel {
            sym: id,
            offset: off,
        });
        for a in names {
            let s = &link.syms[a as usize];
            if s.kind != SymKind::Dso || s.file != file {
                continue;
            }
            let ai = aux_of(link, a) as u32;
            sy.copyrel_offset.insert(ai, off);
            link.syms[a as usize].exported = true;
        }
    }
    sy.copyrel_size = copy_off;
    sy.copyrel_align = copy_align;

    // GOT and PLT slots.
    let mut words = 0u32;
    let mut add = |sy: &mut Synth, kind: GotKind, sym: u32| -> u32 {
        let word = words;
        sy.got.push(GotSlot { kind, sym, word });
        words += kind.words() as u32;
        word
    };
    for &id in &flagged {
        let f = link.syms[id as usize].flags();
        if f & (NEEDS_GOT | NEEDS_GOTTP | NEEDS_TLSGD | NEEDS_TLSDESC) != 0 {
            let a = aux_of(link, id);
            if f & NEEDS_GOT != 0 {
                link.aux[a].got = add(&mut sy, GotKind::Addr, id);
            }
            if f & NEEDS_GOTTP != 0 {
                link.aux[a].gottp = add(&mut sy, GotKind::TpOff, id);
                sy.static_tls |= !link.is_exe();
            }
            if f & NEEDS_TLSGD != 0 {
                link.aux[a].tlsgd = add(&mut sy, GotKind::TlsGd, id);
            }
            if f & NEEDS_TLSDESC != 0 {
                link.aux[a].tlsdesc = add(&mut sy, GotKind::TlsDesc, id);
            }
        }
        if f & NEEDS_PLT != 0 {
            let a = aux_of(link, id);
            link.aux[a].plt = sy.plt.len() as u32;
            sy.plt.push(id);
        }
    }
    if sy.tlsld.is_some() {
        sy.tlsld = Some(add(&mut sy, GotKind::TlsLd, NONE));
    }
    sy.got_words = words;
    sy.gnu_osabi = link.syms[..link.nglobals as usize]
        .par_iter()
        .any(|s| s.is_ifunc());
    if sy.lazy_plt || !link.dynamic {
        // Dynamic executables: one JUMP_SLOT/IRELATIVE per entry in .rela.plt. Static ones: only
        // IFUNC entries exist, and their IRELATIVEs go to .rela.plt for the start code to apply.
        sy.plt_rels = sy.plt.len() as u32;
    } else {
        // static-pie: the self-relocation code applies .rela.dyn, IRELATIVEs last.
        sy.irel_in_dyn = sy.plt.len() as u32;
    }

    // The GOT's dynamic relocations, counted from the same definition writing uses (before the
    // dynamic symbols, whose version needs depend on whether any relocation is packed).
    let (mut rels, mut relative, mut packed) = (0, 0, 0);
    for g in &sy.got {
        for (_, rel) in got_entry(link, g) {
            if let Some((_, ty, _)) = rel {
                if packed_got_rel(link, ty) {
                    packed += 1;
                    continue;
                }
                rels += 1;
                relative += (ty == link.target.dynrel().relative) as u32;
            }
        }
    }
    sy.got_rels = rels;
    sy.got_relative = relative;
    sy.got_packed = packed;

    // Dynamic symbols.
    if link.dynamic {
        build_dynsym(link, &mut sy, &flagged);
    }
    sy.interp = if link.has_interp {
        let mut v = link
            .cfg
            .dynamic_linker
            .clone()
            .unwrap_or_else(|| "/lib64/ld-linux-x86-64.so.2".into())
            .into_bytes();
        v.push(0);
        v
    } else {
        Vec::new()
    };
    sy.gnu_property = crate::notes::merge_gnu_properties(link);
    sy.build_id_size = match &link.cfg.build_id {
        crate::args::BuildId::None => 0,
        crate::args::BuildId::Hash20 => 20,
        crate::args::BuildId::Hash16 | crate::args::BuildId::Uuid => 16,
        crate::args::BuildId::Hex(v) => v.len() as u64,
    };
    link.synth = sy;
}

struct StrTab {
    data: Vec<u8>,
    index: HashMap<Vec<u8>, u32>,
}

impl StrTab {
    fn new() -> StrTab {
        StrTab {
            data: vec![0],
            index: HashMap::new(),
        }
    }
    fn add(&mut self, s: &[u8]) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&o) = self.index.get(s) {
            return o;
        }
        let o = self.data.len() as u32;
        self.data.extend_from_slice(s);
        self.data.push(0);
        self.index.insert(s.to_vec(), o);
        o
    }
}

fn build_dynsym(link: &mut Link, sy: &mut Synth, flagged: &[u32]) {
    const IMPORT_USE: u32 = NEEDS_GOT
        | NEEDS_PLT
        | NEEDS_GOTTP
        | NEEDS_TLSGD
        | NEEDS_TLSDESC
        | NEEDS_DYNSYM
        | NEEDS_COPYREL
        | NEEDS_CPLT;
    let nglobals = link.nglobals;
    let mut undef: Vec<u32> = Vec::new();
    let mut def: Vec<u32> = Vec::new();
    let exported: Vec<u32> = (0..nglobals)
        .into_par_iter()
        .filter(|&i| link.syms[i as usize].exported)
        .collect();
    let mut seen = std::collections::HashSet::new();
    for &id in flagged.iter().filter(|&&i| i < nglobals) {
        let s = &link.syms[id as usize];
        if s.imported && !s.exported && s.flags() & IMPORT_USE != 0 && seen.insert(id) {
            // A canonical PLT entry is this executable's definition of the function's address:
            // the dynamic loader must find it by name, so it goes in the hashed part.
            if s.flags() & NEEDS_CPLT != 0 {
                def.push(id);
            } else {
                undef.push(id);
            }
        }
    }
    for id in exported {
        if seen.insert(id) {
            def.push(id);
        }
    }
    undef.sort_unstable();
    def.sort_unstable();
    // A library symbol can be reached under two names here (`foo` and `foo@VER`, or aliases of a
    // copy-relocated object): it still gets one .dynsym entry, which the others share.
    let mut first_of: HashMap<(u32, u32), u32> = HashMap::new();
    let mut shared: Vec<(u32, u32)> = Vec::new();
    let mut dedup = |list: &mut Vec<u32>| {
        list.retain(|&id| {
            let s = &link.syms[id as usize];
            if s.kind != SymKind::Dso {
                return true;
            }
            match first_of.get(&(s.file, s.idx)) {
                Some(&first) => {
                    shared.push((id, first));
                    false
                }
                None => {
                    first_of.insert((s.file, s.idx), id);
                    true
                }
            }
        })
    };
    dedup(&mut undef);
    dedup(&mut def);

    let mut st = StrTab::new();
    // DT_NEEDED names first, in command-line order.
    for d in link.dsos() {
        if d.needed.load(Ordering::Relaxed) {
            sy.needed.push(st.add(&d.soname));
        }
    }
    if let Some(so) = &link.cfg.soname {
        sy.soname = Some(st.add(so.as_bytes()));
    }
    if !link.cfg.rpaths.is_empty() {
        sy.runpath = Some(st.add(link.cfg.rpaths.join(":").as_bytes()));
    }

    // GNU hash order for the defined ones.
    let gnu = link.cfg.hash_style != crate::args::HashStyle::Sysv;
    let nb = if def.is_empty() {
        1
    } else {
        (def.len() / 4).max(1) as u32
    };
    if gnu {
        let names: Vec<(u32, u32)> = def
            .iter()
            .map(|&id| (id, gnu_hash(dyn_name(link, id)) % nb))
            .collect();
        let mut sorted = names;
        sorted.sort_by_key(|&(id, b)| (b, id));
        def = sorted.into_iter().map(|x| x.0).collect();
    }
    sy.gnu_hash_buckets = nb;
    sy.gnu_bloom_words = ((def.len() * 12 / 64).max(1)).next_power_of_two() as u32;
    sy.gnu_hash_first = 1 + undef.len() as u32;

    sy.dynsyms = undef;
    sy.dynsyms.extend(def);
    for (i, &id) in sy.dynsyms.iter().enumerate() {
        let a = aux_of(link, id);
        link.aux[a].dynsym = i as u32 + 1;
    }
    for (id, first) in shared {
        let idx = link.aux[link.syms[first as usize].aux as usize].dynsym;
        let a = aux_of(link, id);
        link.aux[a].dynsym = idx;
    }

    // Versions: each needed library's versions, numbered from 2 in library order.
    let mut ver_map: HashMap<(u32, u16), u16> = HashMap::new();
    let mut per_lib: Vec<(u32, BTreeSet<u16>)> = Vec::new();
    for &id in &sy.dynsyms {
        let s = &link.syms[id as usize];
        if s.kind == SymKind::Dso && s.ver >= 2 {
            match per_lib.iter_mut().find(|(f, _)| *f == s.file) {
                Some((_, set)) => {
                    set.insert(s.ver);
                }
                None => per_lib.push((s.file, BTreeSet::from([s.ver]))),
            }
        }
    }
    // Packed relative relocations need a loader that reads DT_RELR: glibc marks that with a
    // version of its own, which the output then needs (as GNU ld records it).
    if sy.has_relr() {
        for f in &link.files {
            let InputFile::Dso(d) = f else { continue };
            if !d.needed.load(Ordering::Relaxed) {
                continue;
            }
            let Some(v) = d
                .version_names
                .iter()
                .position(|n| *n == b"GLIBC_ABI_DT_RELR")
            else {
                continue;
            };
            match per_lib.iter_mut().find(|(f, _)| *f == d.id) {
                Some((_, set)) => {
                    set.insert(v as u16);
                }
                None => per_lib.push((d.id, BTreeSet::from([v as u16]))),
            }
        }
    }
    per_lib.sort_by_key(|(f, _)| *f);
    (sy.verdef, sy.verdef_count) = version_definitions(link, &mut st);
    // Needed versions are numbered after the defined ones: an index names one or the other.
    let mut next = sy.verdef_count.max(1) as u16 + 1;
    let mut vn = Vec::new();
    for (k, (file, vers)) in per_lib.iter().enumerate() {
        let d = link.dso(*file);
        let file_off = st.add(&d.soname);
        let count = vers.len();
        let mut h = [0u8; 16];
        put_u16(&mut h, 0, 1);
        put_u16(&mut h, 2, count as u16);
        put_u32(&mut h, 4, file_off);
        put_u32(&mut h, 8, 16);
        put_u32(
            &mut h,
            12,
            if k + 1 == per_lib.len() {
                0
            } else {
                16 + 16 * count as u32
            },
        );
        vn.extend_from_slice(&h);
        for (j, &v) in vers.iter().enumerate() {
            let name = d.version_names.get(v as usize).copied().unwrap_or(b"");
            let name_off = st.add(name);
            let mut a = [0u8; 16];
            put_u32(&mut a, 0, sysv_hash(name));
            put_u16(&mut a, 4, 0);
            put_u16(&mut a, 6, next);
            put_u32(&mut a, 8, name_off);
            put_u32(&mut a, 12, if j + 1 == count { 0 } else { 16 });
            vn.extend_from_slice(&a);
            ver_map.insert((*file, v), next);
            next += 1;
        }
    }
    sy.verneed = vn;
    sy.verneed_count = per_lib.len() as u32;

    sy.versyms = vec![0];
    for &id in &sy.dynsyms {
        let s = &link.syms[id as usize];
        let name = dyn_name(link, id);
        sy.dynsym_names.push(st.add(name));
        let v = if s.kind == SymKind::Dso {
            ver_map.get(&(s.file, s.ver)).copied().unwrap_or(1)
        } else if sy.verdef_count > 0 && s.exported {
            s.ver
        } else {
            1
        };
        sy.versyms.push(v);
    }
    sy.dynstr = st.data;
}

/// Whether a GOT word's dynamic relocation of type `ty` goes to `.relr.dyn` instead of
/// `.rela.dyn`: counting, writing and encoding ask this one question.
pub fn packed_got_rel(link: &Link, ty: u32) -> bool {
    link.packs_relative() && ty == link.target.dynrel().relative
}

/// `.gnu.version_d` records (and how many): index 1 names the output itself (its soname, or its
/// file name), then each named version of the scripts, with the versions it inherits from.
fn version_definitions(link: &Link, st: &mut StrTab) -> (Vec<u8>, u32) {
    if !link.versions.has_versions() {
        return (Vec::new(), 0);
    }
    let base = crate::version_script::base_version_name(&link.cfg).into_bytes();
    let mut defs: Vec<(u16, Vec<u8>, Vec<Vec<u8>>)> = vec![(VER_FLG_BASE, base, Vec::new())];
    for n in link.versions.named() {
        let parents = n.parents.iter().map(|p| p.clone().into_bytes()).collect();
        defs.push((0, n.name.clone().into_bytes(), parents));
    }
    let mut out = Vec::new();
    let count = defs.len();
    for (k, (flags, name, parents)) in defs.iter().enumerate() {
        let cnt = 1 + parents.len();
        let mut d = [0u8; 20];
        put_u16(&mut d, 0, 1);
        put_u16(&mut d, 2, *flags);
        put_u16(&mut d, 4, k as u16 + 1);
        put_u16(&mut d, 6, cnt as u16);
        put_u32(&mut d, 8, sysv_hash(name));
        put_u32(&mut d, 12, 20);
        let next = if k + 1 == count {
            0
        } else {
            20 + 8 * cnt as u32
        };
        put_u32(&mut d, 16, next);
        out.extend_from_slice(&d);
        for (j, n) in std::iter::once(name).chain(parents).enumerate() {
            let mut a = [0u8; 8];
            put_u32(&mut a, 0, st.add(n));
            put_u32(&mut a, 4, if j + 1 == cnt { 0 } else { 8 });
            out.extend_from_slice(&a);
        }
    }
    (out, count as u32)
}

/// The name a symbol has in .dynsym: a library's symbol without any `@VERSION` suffix.
pub fn dyn_name(link: &Link, id: u32) -> &'static [u8] {
    let s = &link.syms[id as usize];
    match s.kind {
        SymKind::Dso => return link.dso(s.file).sym_name(s.idx as usize),
        // An object that versions none of its definitions names them without `@`: the name
        // need not be searched (it is cold: the symbol table reads 200,000 of them on a large
        // C++ link, once to size the string table and once to write it).
        SymKind::Section | SymKind::Common | SymKind::Abs => {
            if let Some(InputFile::Object(o)) = link.files.get(s.file as usize)
                && !o.versioned_defs
            {
                return link.sym_name(id);
            }
        }
        _ => {}
    }
    split_version(link.sym_name(id)).0
}

/// Adds the synthetic output sections this link needs, with their sizes.
pub fn add_synthetic_sections(link: &mut Link) {
    let mut new: Vec<OutSection> = Vec::new();
    let sy = &link.synth;
    let a = SHF_ALLOC as u64;
    let aw = (SHF_ALLOC | SHF_WRITE) as u64;
    let ax = (SHF_ALLOC | SHF_EXECINSTR) as u64;
    let mut add = |name: &'static [u8],
                   ty: u32,
                   flags: u64,
                   align: u64,
                   content: Content,
                   size: u64,
                   entsize: u64| {
        let mut s = OutSection::new(name, ty, flags, align, content);
        s.size = size;
        s.entsize = entsize;
        new.push(s);
    };
    if link.has_interp {
        add(
            b".interp",
            SHT_PROGBITS,
            a,
            1,
            Content::Interp,
            sy.interp.len() as u64,
            0,
        );
    }
    if !sy.gnu_property.is_empty() {
        add(
            b".note.gnu.property",
            SHT_NOTE,
            a,
            8,
            Content::GnuProperty,
            sy.gnu_property.len() as u64,
            0,
        );
    }
    if sy.build_id_size > 0 {
        add(
            b".note.gnu.build-id",
            SHT_NOTE,
            a,
            4,
            Content::BuildId,
            16 + sy.build_id_size,
            0,
        );
    }
    if link.dynamic {
        let ndyn = sy.dynsyms.len() as u64 + 1;
        let style = link.cfg.hash_style;
        if style != crate::args::HashStyle::Gnu {
            add(
                b".hash",
                SHT_HASH,
                a,
                8,
                Content::Hash,
                4 * (2 + ndyn + ndyn),
                4,
            );
        }
        if style != crate::args::HashStyle::Sysv {
            let hashed = ndyn - sy.gnu_hash_first as u64;
            let size =
                16 + 8 * sy.gnu_bloom_words as u64 + 4 * sy.gnu_hash_buckets as u64 + 4 * hashed;
            add(b".gnu.hash", SHT_GNU_HASH, a, 8, Content::GnuHash, size, 0);
        }
        add(
            b".dynsym",
            SHT_DYNSYM,
            a,
            8,
            Content::Dynsym,
            ndyn * SYM_SIZE,
            SYM_SIZE,
        );
        add(
            b".dynstr",
            SHT_STRTAB,
            a,
            1,
            Content::Dynstr,
            sy.dynstr.len() as u64,
            0,
        );
        if sy.verneed_count > 0 || sy.verdef_count > 0 {
            add(
                b".gnu.version",
                SHT_GNU_VERSYM,
                a,
                2,
                Content::Versym,
                2 * ndyn,
                2,
            );
        }
        if sy.verdef_count > 0 {
            add(
                b".gnu.version_d",
                SHT_GNU_VERDEF,
                a,
                8,
                Content::Verdef,
                sy.verdef.len() as u64,
                0,
            );
        }
        if sy.verneed_count > 0 {
            add(
                b".gnu.version_r",
                SHT_GNU_VERNEED,
                a,
                8,
                Content::Verneed,
                sy.verneed.len() as u64,
                0,
            );
        }
    }
    let nrel_dyn = sy.rela_dyn().total as u64;
    if nrel_dyn > 0 || link.dynamic {
        add(
            b".rela.dyn",
            SHT_RELA,
            a,
            8,
            Content::RelaDyn,
            nrel_dyn * RELA_SIZE,
            RELA_SIZE,
        );
    }
    if sy.plt_rels > 0 {
        let flags = if link.dynamic {
            a | SHF_INFO_LINK as u64
        } else {
            a
        };
        add(
            b".rela.plt",
            SHT_RELA,
            flags,
            8,
            Content::RelaPlt,
            sy.plt_rels as u64 * RELA_SIZE,
            RELA_SIZE,
        );
    }
    if sy.has_relr() {
        // Its size depends on addresses: `relr::settle` sets it after layout.
        add(b".relr.dyn", SHT_RELR, a, 8, Content::Relr, 8, 8);
    }
    let plt0 = if sy.lazy_plt {
        link.target.plt0_size()
    } else {
        0
    };
    if !sy.plt.is_empty() {
        let size = plt0 + sy.plt.len() as u64 * link.target.plt_entry_size();
        add(b".plt", SHT_PROGBITS, ax, 16, Content::Plt, size, 16);
    }
    if !sy.got.is_empty() {
        add(
            b".got",
            SHT_PROGBITS,
            aw,
            8,
            Content::Got,
            8 * sy.got_words as u64,
            8,
        );
    }
    let gotplt_hdr = if sy.lazy_plt { 3 } else { 0 };
    let gotplt_entries = gotplt_hdr + sy.plt.len() as u64;
    if gotplt_entries > 0
        || link
            .sym_by_name(b"_GLOBAL_OFFSET_TABLE_")
            .is_some_and(|id| link.syms[id as usize].kind == SymKind::Linker)
    {
        add(
            b".got.plt",
            SHT_PROGBITS,
            aw,
            8,
            Content::GotPlt,
            8 * gotplt_entries,
            8,
        );
    }
    if link.dynamic {
        // Sized by `size_dynamic` once the other sections' sizes are known.
        add(
            b".dynamic",
            SHT_DYNAMIC,
            aw,
            8,
            Content::Dynamic,
            0,
            DYN_SIZE,
        );
    }
    if link.layout.eh_frame_size > 4 {
        add(
            b".eh_frame",
            SHT_PROGBITS,
            a,
            8,
            Content::EhFrame,
            link.layout.eh_frame_size,
            0,
        );
        if link.cfg.eh_frame_hdr {
            add(
                b".eh_frame_hdr",
                SHT_PROGBITS,
                a,
                4,
                Content::EhFrameHdr,
                12 + 8 * link.layout.fde_count,
                0,
            );
        }
    }
    if !link.cfg.strip_all {
        add(b".symtab", SHT_SYMTAB, 0, 8, Content::Symtab, 0, SYM_SIZE);
        add(b".strtab", SHT_STRTAB, 0, 1, Content::Strtab, 0, 0);
    }
    add(b".shstrtab", SHT_STRTAB, 0, 1, Content::Shstrtab, 0, 0);
    link.layout.sections.extend(new);
    link.layout.plt0_size = plt0;
    link.layout.plt_entry_size = link.target.plt_entry_size();
}

/// `.dynamic`'s size: which entries exist depends on which sections are non-empty.
pub fn size_dynamic(link: &mut Link) {
    if link.layout.idx.dynamic == NONE {
        return;
    }
    let n = dynamic_entries(link).len() as u64;
    let i = link.layout.idx.dynamic as usize;
    link.layout.sections[i].size = n * DYN_SIZE;
}

/// The `.dynamic` entries. Called before layout for the count (addresses are then zero) and after
/// it for the values.
pub fn dynamic_entries(link: &Link) -> Vec<(u32, u64)> {
    let sy = &link.synth;
    let lay = &link.layout;
    let mut v: Vec<(u32, u64)> = Vec::new();
    for &n in &sy.needed {
        v.push((DT_NEEDED, n as u64));
    }
    if let Some(s) = sy.soname {
        v.push((DT_SONAME, s as u64));
    }
    if let Some(r) = sy.runpath {
        v.push((
            if link.cfg.new_dtags {
                DT_RUNPATH
            } else {
                DT_RPATH
            },
            r as u64,
        ));
    }
    let defined = |name: &str| -> Option<u64> {
        let id = link.sym_by_name(name.as_bytes())?;
        let s = &link.syms[id as usize];
        matches!(s.kind, SymKind::Section).then_some(s.value)
    };
    if let Some(a) = defined(&link.cfg.init) {
        v.push((DT_INIT, a));
    }
    if let Some(a) = defined(&link.cfg.fini) {
        v.push((DT_FINI, a));
    }
    let arr = |name: &[u8]| {
        lay.sections
            .iter()
            .find(|s| s.name == name && s.size > 0 && s.is_alloc())
    };
    if link.is_exe()
        && let Some(s) = arr(b".preinit_array")
    {
        v.push((DT_PREINIT_ARRAY, s.addr));
        v.push((DT_PREINIT_ARRAYSZ, s.size));
    }
    if let Some(s) = arr(b".init_array") {
        v.push((DT_INIT_ARRAY, s.addr));
        v.push((DT_INIT_ARRAYSZ, s.size));
    }
    if let Some(s) = arr(b".fini_array") {
        v.push((DT_FINI_ARRAY, s.addr));
        v.push((DT_FINI_ARRAYSZ, s.size));
    }
    if lay.idx.hash != NONE {
        v.push((DT_HASH, lay.addr_of(lay.idx.hash)));
    }
    if lay.idx.gnu_hash != NONE {
        v.push((DT_GNU_HASH, lay.addr_of(lay.idx.gnu_hash)));
    }
    v.push((DT_STRTAB, lay.addr_of(lay.idx.dynstr)));
    v.push((DT_SYMTAB, lay.addr_of(lay.idx.dynsym)));
    v.push((DT_STRSZ, sy.dynstr.len() as u64));
    v.push((DT_SYMENT, SYM_SIZE));
    if link.is_exe() {
        v.push((DT_DEBUG, 0));
    }
    if lay.idx.gotplt != NONE && sy.lazy_plt {
        v.push((DT_PLTGOT, lay.addr_of(lay.idx.gotplt)));
    }
    if sy.plt_rels > 0 {
        v.push((DT_PLTRELSZ, sy.plt_rels as u64 * RELA_SIZE));
        v.push((DT_PLTREL, DT_RELA as u64));
        v.push((DT_JMPREL, lay.addr_of(lay.idx.rela_plt)));
    }
    let rela_dyn = sy.rela_dyn();
    let nrel = rela_dyn.total as u64;
    if nrel > 0 {
        v.push((DT_RELA, lay.addr_of(lay.idx.rela_dyn)));
        v.push((DT_RELASZ, nrel * RELA_SIZE));
        v.push((DT_RELAENT, RELA_SIZE));
    }
    if sy.has_relr() {
        v.push((DT_RELR, lay.addr_of(lay.idx.relr)));
        v.push((DT_RELRSZ, sy.relr.len() as u64 * 8));
        v.push((DT_RELRENT, 8));
    }
    if sy.textrel {
        v.push((DT_TEXTREL, 0));
    }
    if link.cfg.bsymbolic && link.kind == OutputKind::Shared {
        v.push((DT_SYMBOLIC, 0));
    }
    let mut flags = 0u64;
    if link.cfg.now {
        flags |= DF_BIND_NOW as u64;
    }
    if sy.textrel {
        flags |= DF_TEXTREL as u64;
    }
    if link.cfg.bsymbolic && link.kind == OutputKind::Shared {
        flags |= DF_SYMBOLIC as u64;
    }
    if sy.static_tls {
        flags |= DF_STATIC_TLS as u64;
    }
    if link.cfg.z_origin {
        flags |= DF_ORIGIN as u64;
    }
    if flags != 0 {
        v.push((DT_FLAGS, flags));
    }
    let mut flags1 = 0u64;
    if link.cfg.now {
        flags1 |= DF_1_NOW as u64;
    }
    if link.kind == OutputKind::Pie {
        flags1 |= DF_1_PIE as u64;
    }
    if link.cfg.z_nodelete {
        flags1 |= DF_1_NODELETE as u64;
    }
    if link.cfg.z_nodlopen {
        flags1 |= DF_1_NOOPEN as u64;
    }
    if link.cfg.z_initfirst {
        flags1 |= DF_1_INITFIRST as u64;
    }
    if link.cfg.z_interpose {
        flags1 |= DF_1_INTERPOSE as u64;
    }
    if link.cfg.z_origin {
        flags1 |= DF_1_ORIGIN as u64;
    }
    if link.cfg.z_nodump {
        flags1 |= DF_1_NODUMP as u64;
    }
    if flags1 != 0 {
        v.push((DT_FLAGS_1, flags1));
    }
    if sy.verdef_count > 0 {
        v.push((DT_VERDEF, lay.addr_of(lay.idx.verdef)));
        v.push((DT_VERDEFNUM, sy.verdef_count as u64));
    }
    if sy.verneed_count > 0 || sy.verdef_count > 0 {
        v.push((DT_VERSYM, lay.addr_of(lay.idx.versym)));
    }
    if sy.verneed_count > 0 {
        v.push((DT_VERNEED, lay.addr_of(lay.idx.verneed)));
        v.push((DT_VERNEEDNUM, sy.verneed_count as u64));
    }
    if rela_dyn.relative > 0 {
        v.push((DT_RELACOUNT, rela_dyn.relative as u64));
    }
    v.push((DT_NULL, 0));
    v
}
