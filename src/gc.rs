//! `--gc-sections`: sections nothing live refers to are dropped.
//!
//! Marking is a parallel depth-first walk over relocations from the roots GNU ld keeps: the entry
//! point and `-u` symbols, exported symbols, `.init`/`.fini` and the init/fini arrays, notes,
//! `SHF_GNU_RETAIN` sections, and sections a `__start_`/`__stop_` symbol names. A function's FDE
//! keeps what it refers to (its LSDA in `.gcc_except_table`) alive with the function. Debug
//! sections are not walked: their references to dropped code become tombstones. The set reached
//! does not depend on the order of the walk, so the output does not depend on the thread count.

use crate::context::{InputFile, Link};
use crate::elf::*;
use crate::layout::LinkerSym;
use crate::object::{GcName, ObjectFile, SecKind};
use crate::scan::Found;
use crate::symbol::SymKind;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

const SHF_GNU_RETAIN: u64 = 0x20_0000;

/// Per object: live flags of its sections, and its FDEs by the section each describes.
struct Marks {
    live: Vec<Vec<AtomicBool>>,
    fdes: Vec<Vec<Fde>>,
}

fn is_root_section(o: &ObjectFile, i: usize, start_stop: &HashSet<&[u8]>) -> bool {
    let s = &o.sections[i];
    if !s.is_alloc() {
        return false;
    }
    if s.flags() & SHF_GNU_RETAIN != 0 || s.sh_type == SHT_NOTE {
        return true;
    }
    if matches!(
        s.sh_type,
        SHT_INIT_ARRAY | SHT_FINI_ARRAY | SHT_PREINIT_ARRAY
    ) {
        return true;
    }
    match s.gc_name {
        GcName::Root => true,
        GcName::CIdent => !start_stop.is_empty() && start_stop.contains(o.sec_name(i)),
        GcName::Other => false,
    }
}

/// Marks, then sweeps. Each section is scanned for what its relocations need (GOT, PLT, dynamic
/// relocations: [`crate::scan`]) as marking reaches it, while its relocations and the symbol
/// records they name are in the cache: scanning them in a pass of their own afterwards read them
/// all again. Returns what scanning found.
pub fn collect_garbage(link: &mut Link) -> Vec<Found> {
    let start_stop: HashSet<&[u8]> = link
        .layout
        .linker_syms
        .iter()
        .filter_map(|l| match l {
            LinkerSym::Start(n) | LinkerSym::Stop(n) => Some(*n),
            _ => None,
        })
        .collect();

    let marks = Marks {
        live: link
            .files
            .iter()
            .map(|f| match f {
                InputFile::Object(o) if o.is_alive() => (0..o.sections.len())
                    .map(|_| AtomicBool::new(false))
                    .collect(),
                _ => Vec::new(),
            })
            .collect(),
        fdes: crate::balance::par_files(&link.files)
            .map(|(_, f)| fdes_by_section(f))
            .collect(),
    };

    // Roots.
    let mut frontier: Vec<(u32, u32)> = link
        .par_live_objects()
        .flat_map_iter(|o| {
            let mut v = Vec::new();
            for i in 0..o.sections.len() {
                if o.sections[i].is_live() && is_root_section(o, i, &start_stop) {
                    v.push((o.id, i as u32));
                }
            }
            // CIEs name personality routines for every FDE that uses them.
            for eh in &o.eh_frame {
                let rels = o.sec_relocs(eh.shndx as usize);
                for r in eh.records.iter().filter(|r| r.is_cie) {
                    for rel in &rels[r.rel_start as usize..r.rel_end as usize] {
                        if let Some(t) = target_section(link, o, rel) {
                            v.push(t);
                        }
                    }
                }
            }
            v
        })
        .collect();
    let mut root_syms: Vec<u32> = Vec::new();
    let entry = link.cfg.entry.clone().unwrap_or_else(|| "_start".into());
    for name in std::iter::once(&entry)
        .chain(&link.cfg.undefined)
        .chain([&link.cfg.init, &link.cfg.fini])
    {
        if let Some(id) = link.sym_by_name(name.as_bytes()) {
            root_syms.push(id);
        }
    }
    root_syms.extend((0..link.nglobals).filter(|&id| link.syms[id as usize].exported));
    for id in root_syms {
        let s = &link.syms[id as usize];
        if s.kind == SymKind::Section {
            frontier.push((s.file, s.shndx));
        }
    }
    frontier.retain(|&(f, s)| !marks.live[f as usize][s as usize].swap(true, Ordering::Relaxed));

    // Mark: each worker walks depth first from its share of the roots and hands half of its
    // stack to an idle worker when it grows. Walking breadth first waited for every worker at
    // each of the graph's levels (30 of them on ripgrep), which cost more than the walk.
    let found = Mutex::new(Vec::new());
    let (shared, marks, found_ref) = (&*link, &marks, &found);
    rayon::scope(|scope| {
        for chunk in frontier.chunks(SPLIT_AT) {
            let stack = chunk.to_vec();
            scope.spawn(move |scope| walk(shared, marks, found_ref, scope, stack));
        }
    });

    // Sweep.
    let print = link.cfg.print_gc_sections;
    let removed: Vec<Vec<String>> = link
        .files
        .par_iter_mut()
        .zip(marks.live.par_iter())
        .map(|(f, live)| {
            let mut names = Vec::new();
            if let InputFile::Object(o) = f {
                if !o.is_alive() {
                    return names;
                }
                for (i, live) in live.iter().enumerate().take(o.sections.len()) {
                    let s = &o.sections[i];
                    let collectable =
                        s.is_alloc() && matches!(s.kind, SecKind::Regular | SecKind::Merge);
                    if collectable && !live.load(Ordering::Relaxed) {
                        o.sections[i].kind = SecKind::Discarded;
                        if print {
                            names.push(format!(
                                "removing unused section '{}' in file '{}'",
                                name_str(o.sec_name(i)),
                                o.name
                            ));
                        }
                    }
                }
            }
            names
        })
        .collect();
    for line in removed.into_iter().flatten() {
        eprintln!("solder: {line}");
    }
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// A worker's stack of sections to walk longer than this is split with an idle worker.
const SPLIT_AT: usize = 64;

/// Marks everything reachable from the sections on `stack` (already marked themselves).
fn walk<'s>(
    link: &'s Link,
    marks: &'s Marks,
    found: &'s Mutex<Vec<Found>>,
    scope: &rayon::Scope<'s>,
    mut stack: Vec<(u32, u32)>,
) {
    let mut mine = Found::default();
    while let Some((f, sec)) = stack.pop() {
        let o = link.files[f as usize].as_object().unwrap();
        // Relocations mark whatever section their symbol is in; whether that section is walked is
        // decided here, once per section, not once per relocation.
        if !walked(&o.sections[sec as usize]) {
            continue;
        }
        let mut visit = |t: (u32, u32)| {
            let mark = marks
                .live
                .get(t.0 as usize)
                .and_then(|l| l.get(t.1 as usize));
            // Most targets are marked already: reading first keeps their cache line shared
            // between the workers instead of taking it exclusive for every relocation.
            if mark.is_some_and(|m| !m.load(Ordering::Relaxed) && !m.swap(true, Ordering::Relaxed))
            {
                stack.push(t);
            }
        };
        mine.section(link, o, sec as usize);
        for rel in o.sec_relocs(sec as usize) {
            // Scanning has just read the symbol's record.
            if let Some(t) = recorded_section(link, o, rel) {
                visit(t);
            }
        }
        let fdes = &marks.fdes[f as usize];
        let first = fdes.partition_point(|d| d.section < sec);
        for &Fde { eh, rec, .. } in fdes[first..].iter().take_while(|d| d.section == sec) {
            let e = &o.eh_frame[eh as usize];
            let r = &e.records[rec as usize];
            let rels = &o.sec_relocs(e.shndx as usize)[r.rel_start as usize..r.rel_end as usize];
            for rel in rels.iter().skip(1) {
                if let Some(t) = target_section(link, o, rel) {
                    visit(t);
                }
            }
        }
        if stack.len() > SPLIT_AT {
            let half = stack.split_off(stack.len() / 2);
            scope.spawn(move |scope| walk(link, marks, found, scope, half));
        }
    }
    found.lock().unwrap_or_else(|e| e.into_inner()).push(mine);
}

/// Whether marking walks a section's relocations: a discarded section's references keep nothing
/// alive, and `.eh_frame` is walked record by record, with the functions its FDEs describe.
fn walked(sec: &crate::object::InputSection) -> bool {
    sec.is_live() && sec.kind != SecKind::EhFrame
}

/// The object section a relocation's symbol is defined in, live or not.
#[inline]
fn symbol_section(link: &Link, o: &ObjectFile, rel: &Rela) -> Option<(u32, u32)> {
    let i = r_sym(rel) as usize;
    // Most references are to the file's own (section) symbols: its symbol table, read in
    // order, says where they are, where their records would be one cache miss each (a fifth
    // less marking time on ripgrep). Index 0 is the null symbol.
    if i < o.first_global as usize {
        return (i != 0)
            .then(|| o.local_section(i))
            .flatten()
            .map(|sec| (o.id, sec));
    }
    recorded_section(link, o, rel)
}

/// As [`symbol_section`], from the symbol's record alone: what a local's record says is what its
/// symbol-table entry says (the null symbol's record is absolute, so it names no section).
#[inline]
fn recorded_section(link: &Link, o: &ObjectFile, rel: &Rela) -> Option<(u32, u32)> {
    let id = *o.symbols.get(r_sym(rel) as usize)?;
    let s = &link.syms[id as usize];
    (s.kind == SymKind::Section).then_some((s.file, s.shndx))
}

/// The section a relocation's symbol is defined in, if that is an object's section to walk.
fn target_section(link: &Link, o: &ObjectFile, rel: &Rela) -> Option<(u32, u32)> {
    let (f, sec) = symbol_section(link, o, rel)?;
    let owner = link.files[f as usize].as_object()?;
    walked(owner.sections.get(sec as usize)?).then_some((f, sec))
}

/// An FDE (eh_frame section index, record index) and the section of the code it describes.
#[derive(Clone, Copy)]
struct Fde {
    section: u32,
    eh: u32,
    rec: u32,
}

/// An object's FDEs, sorted by the section they describe: one list per file rather than one per
/// section (20,000 small allocations on ripgrep).
fn fdes_by_section(f: &InputFile) -> Vec<Fde> {
    let InputFile::Object(o) = f else {
        return Vec::new();
    };
    if !o.is_alive() {
        return Vec::new();
    }
    let mut fdes = Vec::new();
    for (ei, eh) in o.eh_frame.iter().enumerate() {
        let rels = o.sec_relocs(eh.shndx as usize);
        for (ri, r) in eh.records.iter().enumerate() {
            if r.is_cie {
                continue;
            }
            let Some(rel) = rels
                .get(r.rel_start as usize)
                .filter(|_| r.rel_end > r.rel_start)
            else {
                continue;
            };
            if rel.r_offset.get(LE) != r.offset as u64 + 8 {
                continue;
            }
            let Some(&sym) = o.symbols.get(r_sym(rel) as usize) else {
                continue;
            };
            let i = r_sym(rel) as usize;
            // FDEs name their function's section through a local section symbol.
            if sym != 0 && i < o.first_global as usize {
                let shndx = o.sym_shndx(i);
                if (shndx as usize) < o.sections.len() {
                    fdes.push(Fde {
                        section: shndx,
                        eh: ei as u32,
                        rec: ri as u32,
                    });
                }
            }
        }
    }
    // Stable: a section's FDEs stay in the order the file has them.
    fdes.sort_by_key(|d| d.section);
    fdes
}
