//! Symbol resolution.
//!
//! Every definition of a global name gets a rank; the lowest rank owns the name. Ranks order
//! definitions the way GNU ld's rules do (a strong definition in an object beats a common one, which
//! beats a weak one, which beats any definition in a shared library or an archive member not yet
//! linked) and break ties by command-line position, so the owner never depends on thread timing: each
//! file proposes its definitions with an atomic `fetch_min`.
//!
//! Archive members are linked by reachability: starting from the objects on the command line, any
//! strong reference to a name owned by an unlinked member links that member, until nothing changes.
//! Resolution then runs again over the linked files only, after comdat deduplication.

use crate::bail;
use crate::context::{InputFile, InternalDef, Link};
use crate::elf::*;
use crate::error::Result;
use crate::intern::{Interner, Keys, Names};
use crate::object::{NONE, ObjectFile, SecKind};
use crate::symbol::{SymKind, Symbol, demangle};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};

const CLASS_STRONG: u64 = 0;
const CLASS_COMMON: u64 = 1;
const CLASS_WEAK: u64 = 2;
const CLASS_SHARED_STRONG: u64 = 3;
const CLASS_SHARED_WEAK: u64 = 4;
const CLASS_LAZY_COMMON: u64 = 5;
const UNOWNED: u64 = u64::MAX;

#[inline]
fn rank(class: u64, file: u32, idx: u32) -> u64 {
    (class << 56) | ((file as u64) << 32) | idx as u64
}

#[inline]
fn rank_class(r: u64) -> u64 {
    r >> 56
}

#[inline]
fn rank_file(r: u64) -> u32 {
    ((r >> 32) & 0x00ff_ffff) as u32
}

#[inline]
fn rank_idx(r: u64) -> u32 {
    r as u32
}

#[derive(Clone, Copy, PartialEq)]
enum Pass {
    /// Unlinked archive members take part, ranked like shared libraries, to find who would supply
    /// each name.
    WithLazy,
    /// Only linked objects, and every shared library (those not needed are dropped afterwards,
    /// by [`drop_unneeded_owners`]).
    Final,
}

/// Interns all global names and assigns each file's global symbols their ids.
pub fn intern_symbols(files: &mut [InputFile]) -> (Interner, u32) {
    let keys: Vec<Keys<'_>> = files
        .iter()
        .map(|f| match f {
            InputFile::Internal(i) => Keys {
                names: Names::List(&i.names),
                hashes: &i.hashes,
            },
            InputFile::Object(o) => Keys {
                names: Names::List(&o.global_names),
                hashes: &o.global_hashes,
            },
            InputFile::Dso(d) => Keys {
                names: Names::List(&d.global_names),
                hashes: &d.global_hashes,
            },
        })
        .collect();
    let (interner, ids) = Interner::build(&keys);
    drop(keys);
    // The hashes served interning only: their memory goes back to the allocator for the phases
    // that follow, which would otherwise fault in fresh pages.
    for (f, ids) in files.iter_mut().zip(ids) {
        match f {
            InputFile::Internal(i) => i.global_ids = ids,
            InputFile::Object(o) => (o.global_ids, o.global_hashes) = (ids, Vec::new()),
            InputFile::Dso(d) => (d.global_ids, d.global_hashes) = (ids, Vec::new()),
        }
    }
    let n = interner.len() as u32;
    (interner, n)
}

fn object_rank(o: &ObjectFile, i: usize, pass: Pass) -> Option<u64> {
    let s = &o.symtab[i];
    let shndx = s.st_shndx.get(LE);
    if shndx == SHN_UNDEF {
        return None;
    }
    let lazy = !o.is_alive();
    if lazy && pass != Pass::WithLazy {
        return None;
    }
    if !lazy && shndx != SHN_ABS && shndx != SHN_COMMON {
        let sec = o.sym_shndx(i) as usize;
        if o.sections[sec].kind == SecKind::Discarded {
            return None;
        }
    }
    let weak = st_bind(s) == STB_WEAK;
    let class = match (lazy, shndx == SHN_COMMON, weak) {
        (false, true, _) => CLASS_COMMON,
        (false, false, false) => CLASS_STRONG,
        (false, false, true) => CLASS_WEAK,
        (true, true, _) => CLASS_LAZY_COMMON,
        (true, false, false) => CLASS_SHARED_STRONG,
        (true, false, true) => CLASS_SHARED_WEAK,
    };
    Some(rank(class, o.id, i as u32))
}

/// What linked files say of each name besides who defines it: the most constraining visibility
/// any gives it, and whether any references it strongly (a name no linked object references
/// strongly is weakly referenced).
struct Uses {
    vis: Vec<AtomicU8>,
    strong_ref: Vec<AtomicBool>,
    /// Two linked files define some name strongly: [`check_duplicates`] has something to find.
    strong_twice: AtomicBool,
}

/// Ranks every definition and keeps each name's best; with `uses`, also records the linked
/// files' visibilities and strong references, in the same pass over their symbols.
fn compute_owners(
    files: &[InputFile],
    nglobals: u32,
    pass: Pass,
    uses: Option<&Uses>,
) -> Vec<AtomicU64> {
    let owners: Vec<AtomicU64> = (0..nglobals).map(|_| AtomicU64::new(UNOWNED)).collect();
    crate::balance::par_files(files).for_each(|(_, f)| match f {
        InputFile::Internal(i) => {
            // --defsym wins over any definition in a file, like a linker-script assignment.
            for (k, &id) in i.global_ids.iter().enumerate() {
                if i.defs[k] != InternalDef::Reference {
                    owners[id as usize]
                        .fetch_min(rank(CLASS_STRONG, 0, k as u32), Ordering::Relaxed);
                } else if let Some(u) = uses {
                    u.strong_ref[id as usize].store(true, Ordering::Relaxed);
                }
            }
        }
        InputFile::Object(o) => {
            if !o.is_alive() && (pass != Pass::WithLazy || !o.lazy) {
                return;
            }
            let uses = uses.filter(|_| o.is_alive());
            for (j, &id) in o.global_ids.iter().enumerate() {
                let i = o.first_global as usize + j;
                if let Some(r) = object_rank(o, i, pass) {
                    let before = owners[id as usize].fetch_min(r, Ordering::Relaxed);
                    // Of two files' strong definitions, the one ranked second sees the first's
                    // (or a third's) rank; the internal file's `--defsym` wins without a clash.
                    if let Some(u) = uses
                        && rank_class(r) == CLASS_STRONG
                        && rank_class(before) == CLASS_STRONG
                        && rank_file(before) != o.id
                        && rank_file(before) != 0
                    {
                        u.strong_twice.store(true, Ordering::Relaxed);
                    }
                }
                if let Some(u) = uses {
                    let s = &o.symtab[i];
                    let v = vis_strength(st_visibility(s));
                    if v > 0 {
                        u.vis[id as usize].fetch_max(v, Ordering::Relaxed);
                    }
                    if is_strong_ref(s) {
                        u.strong_ref[id as usize].store(true, Ordering::Relaxed);
                    }
                }
            }
        }
        InputFile::Dso(d) => {
            for (j, &id) in d.global_ids.iter().enumerate() {
                if let Some(r) = dso_rank(d, j) {
                    owners[id as usize].fetch_min(r, Ordering::Relaxed);
                }
            }
        }
    });
    owners
}

/// The rank of a library's global `j` (in `global_ids` order), if it defines it.
fn dso_rank(d: &crate::dso::DsoFile, j: usize) -> Option<u64> {
    let si = d.sym_index[j];
    let s = &d.dynsym[si as usize];
    if s.st_shndx.get(LE) == SHN_UNDEF {
        return None;
    }
    let class = if st_bind(s) == STB_WEAK {
        CLASS_SHARED_WEAK
    } else {
        CLASS_SHARED_STRONG
    };
    Some(rank(class, d.id, si))
}

/// Gives each name owned by a library that turned out not to be needed to its best owner among
/// the needed libraries, or none. Only a library can own such a name (any definition in a linked
/// object outranks every library's), so only the needed libraries are looked at again, and only
/// for those names: ranking every file's definitions a second time cost a large link 5 ms.
fn drop_unneeded_owners(files: &[InputFile], owners: &[AtomicU64]) {
    let stale: Vec<bool> = owners
        .par_iter()
        .map(|o| {
            let r = o.load(Ordering::Relaxed);
            let dropped = r != UNOWNED
                && rank_class(r) >= CLASS_SHARED_STRONG
                && matches!(&files[rank_file(r) as usize],
                    InputFile::Dso(d) if !d.needed.load(Ordering::Relaxed));
            if dropped {
                o.store(UNOWNED, Ordering::Relaxed);
            }
            dropped
        })
        .collect();
    crate::balance::par_files(files).for_each(|(_, f)| {
        if let InputFile::Dso(d) = f
            && d.needed.load(Ordering::Relaxed)
        {
            for (j, &id) in d.global_ids.iter().enumerate() {
                if stale[id as usize]
                    && let Some(r) = dso_rank(d, j)
                {
                    owners[id as usize].fetch_min(r, Ordering::Relaxed);
                }
            }
        }
    });
}

/// Whether an object's symbol is a strong (non-weak) undefined reference.
#[inline]
fn is_strong_ref(s: &Sym) -> bool {
    s.st_shndx.get(LE) == SHN_UNDEF && st_bind(s) != STB_WEAK
}

/// Strong (non-weak) undefined references of a file, as indexes into its globals (`global_ids`,
/// `global_hashes`, the internal file's `names`).
pub fn for_each_strong_ref(f: &InputFile, mut g: impl FnMut(usize)) {
    match f {
        InputFile::Internal(i) => {
            for (k, d) in i.defs.iter().enumerate() {
                if *d == InternalDef::Reference {
                    g(k);
                }
            }
        }
        InputFile::Object(o) => {
            let first = o.first_global as usize;
            for (j, s) in o.symtab[first..].iter().enumerate() {
                if is_strong_ref(s) {
                    g(j);
                }
            }
        }
        // A library's references do not link archive members.
        InputFile::Dso(_) => {}
    }
}

fn mark_live_members(files: &[InputFile], owners: &[AtomicU64]) {
    let mut frontier: Vec<u32> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| match f {
            InputFile::Internal(_) => true,
            InputFile::Object(o) => o.is_alive(),
            InputFile::Dso(_) => false,
        })
        .map(|(i, _)| i as u32)
        .collect();
    while !frontier.is_empty() {
        frontier = frontier
            .par_iter()
            .flat_map_iter(|&fid| {
                let mut found = Vec::new();
                let f = &files[fid as usize];
                for_each_strong_ref(f, |j| {
                    let id = f.global_ids()[j];
                    let r = owners[id as usize].load(Ordering::Relaxed);
                    if r == UNOWNED {
                        return;
                    }
                    if let InputFile::Object(o) = &files[rank_file(r) as usize]
                        && !o.is_alive()
                        && !o.alive.swap(true, Ordering::Relaxed)
                    {
                        found.push(o.id);
                    }
                });
                found
            })
            .collect();
        // Visit in a fixed order; the set reached does not depend on it, but it keeps runs identical.
        frontier.sort_unstable();
    }
}

/// Keeps the first linked copy (in command-line order) of every comdat group.
///
/// A group is keyed by its signature's name. Nearly every signature is a global symbol of the
/// file (the inline function or variable the group holds), whose name is already interned: its id
/// is the key, so only the rare local or section signatures are hashed, looked up among the global
/// names, and otherwise interned apart (ids from `nglobals` on).
fn dedup_comdats(files: &mut [InputFile], globals: &Interner, nglobals: u32) {
    /// Per file: each group's key, or NONE for a name not among the globals, whose names and
    /// hashes follow in group order, to be interned apart.
    type FileKeys = (Vec<u32>, Vec<&'static [u8]>, Vec<u64>);
    let named: Vec<FileKeys> = files
        .par_iter()
        .map(|f| match f {
            InputFile::Object(o) if o.is_alive() => {
                let mut keys = Vec::with_capacity(o.groups.len());
                let (mut names, mut hashes) = (Vec::new(), Vec::new());
                for g in &o.groups {
                    if g.global_sig != NONE {
                        keys.push(o.global_ids[(g.global_sig - o.first_global) as usize]);
                        continue;
                    }
                    let signature = o.group_signature(g);
                    match globals.lookup(signature) {
                        Some(id) => keys.push(id),
                        None => {
                            keys.push(NONE);
                            names.push(signature);
                            hashes.push(crate::hash::hash_bytes(signature));
                        }
                    }
                }
                (keys, names, hashes)
            }
            _ => (Vec::new(), Vec::new(), Vec::new()),
        })
        .collect();
    if named.iter().all(|k| k.0.is_empty()) {
        return;
    }
    let kv: Vec<Keys<'_>> = named
        .iter()
        .map(|(_, n, h)| Keys {
            names: Names::List(n),
            hashes: h,
        })
        .collect();
    let (others, other_ids) = Interner::build(&kv);
    drop(kv);
    let ids: Vec<Vec<u32>> = named
        .into_par_iter()
        .zip(other_ids)
        .map(|((mut keys, _, _), other)| {
            let mut other = other.into_iter();
            for k in keys.iter_mut().filter(|k| **k == NONE) {
                *k = nglobals + other.next().expect("one interned name per unnamed group");
            }
            keys
        })
        .collect();
    let winner: Vec<AtomicU32> = (0..nglobals as usize + others.len())
        .map(|_| AtomicU32::new(NONE))
        .collect();
    crate::balance::par_files(files).for_each(|(fi, f)| {
        let ids = &ids[fi];
        if let InputFile::Object(o) = f {
            for &id in ids {
                winner[id as usize].fetch_min(o.id, Ordering::Relaxed);
            }
        }
    });
    crate::balance::par_files_mut(files).for_each(|(fi, f)| {
        let ids = &ids[fi];
        if let InputFile::Object(o) = f {
            for (g, &id) in ids.iter().enumerate() {
                if winner[id as usize].load(Ordering::Relaxed) != o.id {
                    for m in o.group_members(&o.groups[g]) {
                        o.sections[m as usize].kind = SecKind::Discarded;
                    }
                }
            }
        }
    });
}

/// Decides which `--as-needed` libraries are needed: those that own a name a linked object
/// references strongly.
fn mark_needed_dsos(files: &[InputFile], owners: &[AtomicU64], uses: &Uses) -> bool {
    owners
        .par_iter()
        .zip(&uses.strong_ref)
        .for_each(|(owner, strong)| {
            let r = owner.load(Ordering::Relaxed);
            if r != UNOWNED
                && rank_class(r) >= CLASS_SHARED_STRONG
                && strong.load(Ordering::Relaxed)
                && let InputFile::Dso(d) = &files[rank_file(r) as usize]
            {
                d.needed.store(true, Ordering::Relaxed);
            }
        });
    files
        .iter()
        .any(|f| matches!(f, InputFile::Dso(d) if !d.needed.load(Ordering::Relaxed)))
}

/// Decides which archive members are linked.
pub fn select_members(link: &mut Link) {
    let owners = compute_owners(&link.files, link.nglobals, Pass::WithLazy, None);
    mark_live_members(&link.files, &owners);
}

/// Reads the sections of the archive members just linked (until now only their symbols were).
pub fn parse_linked_members(link: &mut Link) -> Result<()> {
    let pulled = |o: &ObjectFile| o.lazy && o.is_alive();
    // Only the members just linked have work here.
    let work = |f: &InputFile| match f {
        InputFile::Object(o) if pulled(o) => crate::balance::object_work(o.data.len(), true),
        _ => 1,
    };
    crate::balance::par_indexed_mut(&mut link.files, work).try_for_each(|(_, f)| match f {
        InputFile::Object(o) if pulled(o) => o.parse_sections(),
        _ => Ok(()),
    })
}

/// Resolves every name among the linked files: comdat groups, which libraries are needed, the
/// symbol table.
pub fn resolve(link: &mut Link) -> Result<()> {
    let n = link.nglobals;

    for o in link.live_objects() {
        if o.lto_slim {
            bail!(
                "{}: contains GCC LTO bytecode (GIMPLE) only; solder does not run the LTO plugin: rebuild without -flto or with -ffat-lto-objects",
                o.name
            );
        }
    }

    dedup_comdats(&mut link.files, &link.interner, n);

    let uses = Uses {
        vis: (0..n).map(|_| AtomicU8::new(0)).collect(),
        strong_ref: (0..n).map(|_| AtomicBool::new(false)).collect(),
        strong_twice: AtomicBool::new(false),
    };
    let owners = compute_owners(&link.files, n, Pass::Final, Some(&uses));
    if mark_needed_dsos(&link.files, &owners, &uses) {
        drop_unneeded_owners(&link.files, &owners);
    }

    build_symbols(link, &owners, &uses);
    // Reading every definition again for the error is only worth it when there is one.
    if uses.strong_twice.load(Ordering::Relaxed) {
        check_duplicates(link)?;
    }
    Ok(())
}

/// Visibility, most constraining wins: default < protected < hidden < internal.
fn vis_strength(v: u8) -> u8 {
    match v {
        STV_PROTECTED => 1,
        STV_HIDDEN => 2,
        STV_INTERNAL => 3,
        _ => 0,
    }
}

fn strength_vis(s: u8) -> u8 {
    match s {
        1 => STV_PROTECTED,
        2 => STV_HIDDEN,
        3 => STV_INTERNAL,
        _ => STV_DEFAULT,
    }
}

fn build_symbols(link: &mut Link, owners: &[AtomicU64], uses: &Uses) {
    let n = link.nglobals as usize;
    let (vis, strong_ref) = (&uses.vis, &uses.strong_ref);

    let files = &link.files;
    // Globals, the null symbol, then each linked object's locals: counted first so that the table
    // is allocated once at its final size and each file writes its locals into its own part of
    // it in parallel (no per-file vectors copied in afterwards, no regrowth).
    let null_sym = n as u32;
    let mut next = null_sym + 1;
    let mut bases = Vec::with_capacity(files.len());
    for f in files.iter() {
        bases.push(next);
        if let InputFile::Object(o) = f
            && o.is_alive()
        {
            next += o.first_global.saturating_sub(1);
        }
    }
    let mut syms: Vec<Symbol> = Vec::with_capacity(next as usize);
    // Written once each, in parallel, into the table's final allocation: 208,000 records (13 MiB)
    // made on one thread and filled in afterwards cost a large link 10 ms.
    syms.par_extend((0..n as u32).into_par_iter().map(|id| {
        let mut sym = Symbol::new();
        let id = id as usize;
        let r = owners[id].load(Ordering::Relaxed);
        sym.vis = strength_vis(vis[id].load(Ordering::Relaxed));

        if r == UNOWNED {
            sym.kind = SymKind::Undefined;
            sym.bind = if strong_ref[id].load(Ordering::Relaxed) {
                STB_GLOBAL
            } else {
                STB_WEAK
            };
            return sym;
        }
        let (fid, idx) = (rank_file(r), rank_idx(r));
        sym.file = fid;
        sym.idx = idx;
        match &files[fid as usize] {
            InputFile::Object(o) => {
                let s = &o.symtab[idx as usize];
                sym.ty = st_type(s);
                sym.bind = st_bind(s);
                sym.size = s.st_size.get(LE);
                sym.value = s.st_value.get(LE);
                match s.st_shndx.get(LE) {
                    SHN_ABS => sym.kind = SymKind::Abs,
                    SHN_COMMON => {
                        sym.kind = SymKind::Common;
                        sym.ty = STT_OBJECT;
                    }
                    _ => {
                        sym.kind = SymKind::Section;
                        sym.shndx = o.sym_shndx(idx as usize);
                    }
                }
            }
            InputFile::Dso(d) => {
                let s = &d.dynsym[idx as usize];
                sym.kind = SymKind::Dso;
                sym.ty = st_type(s);
                sym.bind = if strong_ref[id].load(Ordering::Relaxed) {
                    STB_GLOBAL
                } else {
                    STB_WEAK
                };
                sym.size = s.st_size.get(LE);
                sym.value = s.st_value.get(LE);
                sym.ver = d.version_of(idx as usize);
                // A reference resolves to the library's definition; its visibility there is its own.
                sym.vis = STV_DEFAULT;
            }
            InputFile::Internal(i) => {
                sym.bind = STB_GLOBAL;
                match i.defs[idx as usize] {
                    InternalDef::Defsym(k) => {
                        sym.kind = SymKind::Linker;
                        sym.idx = k;
                    }
                    InternalDef::Version => {
                        sym.kind = SymKind::Abs;
                        sym.ty = STT_OBJECT;
                    }
                    InternalDef::Reference => unreachable!("references own no name"),
                }
            }
        }
        sym
    }));

    let mut null = Symbol::new();
    null.kind = SymKind::Abs;
    null.is_local = true;
    syms.push(null);
    // Each live object's part of the spare capacity, in file order.
    let mut parts: Vec<&mut [std::mem::MaybeUninit<Symbol>]> = Vec::with_capacity(files.len());
    let mut rest = &mut syms.spare_capacity_mut()[..(next - null_sym - 1) as usize];
    for f in files.iter() {
        let k = match f {
            InputFile::Object(o) if o.is_alive() => o.first_global.saturating_sub(1) as usize,
            _ => 0,
        };
        let (part, tail) = std::mem::take(&mut rest).split_at_mut(k);
        parts.push(part);
        rest = tail;
    }
    // The locals are the work here: a part's length weighs it.
    crate::balance::par_indexed_mut(&mut parts, |p| p.len() as u64 + 1).for_each(|(fi, part)| {
        let InputFile::Object(o) = &files[fi] else {
            return;
        };
        for (slot, i) in part.iter_mut().zip(1..o.first_global as usize) {
            let s = &o.symtab[i];
            let mut sym = Symbol::new();
            sym.file = o.id;
            sym.idx = i as u32;
            sym.ty = st_type(s);
            sym.bind = STB_LOCAL;
            sym.vis = st_visibility(s);
            sym.size = s.st_size.get(LE);
            sym.value = s.st_value.get(LE);
            sym.is_local = true;
            match o.local_section(i) {
                Some(shndx) => {
                    sym.kind = SymKind::Section;
                    sym.shndx = shndx;
                }
                None if s.st_shndx.get(LE) == SHN_ABS => sym.kind = SymKind::Abs,
                None => sym.kind = SymKind::Undefined,
            }
            slot.write(sym);
        }
    });
    // SAFETY: the parts cover the spare capacity up to `next` exactly (each file's part has its
    // number of locals, first_global - 1), and every slot of every part was written above.
    unsafe { syms.set_len(next as usize) };

    crate::balance::par_files_mut(&mut link.files).for_each(|(fi, f)| {
        if let InputFile::Object(o) = f {
            if !o.is_alive() {
                return;
            }
            let base = bases[fi];
            let mut ids = Vec::with_capacity(o.symtab.len());
            if !o.symtab.is_empty() {
                ids.push(null_sym);
            }
            for i in 1..o.first_global {
                ids.push(base + i - 1);
            }
            ids.extend_from_slice(&o.global_ids);
            o.symbols = ids;
        }
    });
    link.syms = syms;
    link.null_sym = null_sym;
}

/// Two strong definitions of one name in linked objects is an error naming both files.
fn check_duplicates(link: &Link) -> Result<()> {
    if link.cfg.muldefs {
        return Ok(());
    }
    let mut dups: Vec<(u32, u32, u32)> = link
        .par_live_objects()
        .flat_map_iter(|o| {
            let mut v = Vec::new();
            for (j, &id) in o.global_ids.iter().enumerate() {
                let i = o.first_global as usize + j;
                let s = &o.symtab[i];
                let shndx = s.st_shndx.get(LE);
                if shndx == SHN_UNDEF || shndx == SHN_COMMON || st_bind(s) == STB_WEAK {
                    continue;
                }
                if !o.sym_in_live_section(i) {
                    continue;
                }
                let sym = &link.syms[id as usize];
                if sym.file != o.id
                    && matches!(sym.kind, SymKind::Section | SymKind::Abs)
                    && sym.bind != STB_WEAK
                {
                    v.push((id, sym.file, o.id));
                }
            }
            v
        })
        .collect();
    if dups.is_empty() {
        return Ok(());
    }
    dups.sort_unstable_by_key(|d| (d.2, d.0));
    let mut msg = String::new();
    for (k, (id, first, second)) in dups.iter().enumerate() {
        if k == 10 {
            msg.push_str(&format!(
                "\nsolder: error: ... and {} more duplicate symbols",
                dups.len() - 10
            ));
            break;
        }
        if k > 0 {
            msg.push_str("\nsolder: error: ");
        }
        msg.push_str(&format!(
            "duplicate symbol: {}\n>>> defined in {}\n>>> defined in {}",
            demangle(link.sym_name(*id)),
            link.files[*first as usize].name(),
            link.files[*second as usize].name()
        ));
    }
    Err(crate::error::Error(msg))
}

/// GNU ld's `--no-allow-shlib-undefined`, the default for executables: a strong undefined symbol of
/// a needed shared library that nothing in the link defines would fail at load time, so it fails
/// the link. Checked only for libraries whose own `DT_NEEDED` libraries are all in the link (as
/// lld does): otherwise one of those may define it.
pub fn check_shlib_undefined(link: &Link) -> Result<()> {
    let check = link
        .cfg
        .allow_shlib_undefined
        .map_or(link.is_exe(), |allow| !allow);
    if !check || !link.dynamic {
        return Ok(());
    }
    let present: std::collections::HashSet<&[u8]> =
        link.dsos().map(|d| d.soname.as_slice()).collect();
    // Defined by the output or by any library given (needed or not: ld.so loads dependencies).
    let defined: Vec<AtomicBool> = (0..link.nglobals).map(|_| AtomicBool::new(false)).collect();
    crate::balance::par_files(&link.files).for_each(|(_, f)| {
        if let InputFile::Dso(d) = f {
            for (j, &id) in d.global_ids.iter().enumerate() {
                if d.dynsym[d.sym_index[j] as usize].st_shndx.get(LE) != SHN_UNDEF {
                    defined[id as usize].store(true, Ordering::Relaxed);
                }
            }
        }
    });
    for d in link.dsos() {
        if !d.needed.load(Ordering::Relaxed) || !d.deps.iter().all(|n| present.contains(n)) {
            continue;
        }
        for (j, &id) in d.global_ids.iter().enumerate() {
            let s = &d.dynsym[d.sym_index[j] as usize];
            if s.st_shndx.get(LE) != SHN_UNDEF || st_bind(s) == STB_WEAK {
                continue;
            }
            let sym = &link.syms[id as usize];
            if defined[id as usize].load(Ordering::Relaxed)
                || !matches!(sym.kind, SymKind::Undefined | SymKind::Dso)
            {
                continue;
            }
            bail!(
                "{}: undefined reference to `{}'",
                d.name,
                String::from_utf8_lossy(d.global_names[j])
            );
        }
    }
    Ok(())
}
