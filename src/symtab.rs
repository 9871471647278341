//! The static symbol table (`.symtab`/`.strtab`) for debuggers and tools, and `.shstrtab`.
//!
//! Each file's share (its local symbols) is counted in parallel, placed by prefix sums, and written
//! in parallel into its own slice; global symbols follow the locals, as ELF requires.

use crate::context::{InputFile, Link};
use crate::elf::*;
use crate::layout::Content;
use crate::object::{NONE, ObjectFile, SecKind};
use crate::symbol::{SymKind, Symbol};
use rayon::prelude::*;

pub struct SymtabPlan {
    /// Per file: (first symbol index, first string offset) of its locals; the next file's (or
    /// `globals_start`) is where they end.
    pub file_start: Vec<(u64, u64)>,
    /// Per file: the locals it lists, as (symbol index, name length). Deciding which to keep reads
    /// each local's entry, name and section, cold by the time the table is written: once here.
    pub kept: Vec<Vec<(u32, u32)>>,
    pub globals: Vec<u32>,
    /// Name bytes of each run of `GLOBALS_CHUNK` globals: the runs are written in parallel.
    pub global_chunk_bytes: Vec<usize>,
    pub globals_start: (u64, u64),
    pub nsyms: u64,
    pub strsize: u64,
}

fn keep_local(link: &Link, o: &ObjectFile, i: usize) -> bool {
    let s = &o.symtab[i];
    let ty = st_type(s);
    if ty == STT_SECTION || link.cfg.discard_all {
        return false;
    }
    // Only the name's first bytes matter: its end (a search through hundreds of bytes of a long
    // name) is not needed to tell an empty or `.L` name.
    let name = o.strtab.get(s.st_name.get(LE) as usize..).unwrap_or(&[]);
    if matches!(name.first(), None | Some(0)) || name.starts_with(b".L") {
        return false;
    }
    match s.st_shndx.get(LE) {
        SHN_UNDEF => false,
        SHN_ABS => true,
        _ => {
            let sec = &o.sections[o.sym_shndx(i) as usize];
            sec.is_live() && (sec.out != NONE || sec.kind != SecKind::Regular)
        }
    }
}

/// Defined symbols, and undefined ones only where they are dynamic (as GNU ld: a weak reference
/// resolved to zero at link time is not listed).
fn keep_global(link: &Link, s: &Symbol) -> bool {
    match s.kind {
        SymKind::Section => link.in_live_section(s),
        SymKind::Common | SymKind::Abs | SymKind::Linker => true,
        SymKind::Dso | SymKind::Undefined => {
            s.aux != NONE && link.aux[s.aux as usize].dynsym != NONE
        }
    }
}

/// Globals are written in runs of this many, each with its rows and name bytes split off the
/// tables (200k globals written serially held up the end of a large link's write phase).
const GLOBALS_CHUNK: usize = 4096;

pub fn plan(link: &Link) -> SymtabPlan {
    let kept: Vec<Vec<(u32, u32)>> = link
        .files
        .par_iter()
        .map(|f| match f {
            InputFile::Object(o) if o.is_alive() => (1..o.first_global as usize)
                .filter(|&i| keep_local(link, o, i))
                .map(|i| (i as u32, o.sym_name(i).len() as u32))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let mut file_start = Vec::with_capacity(kept.len());
    let mut idx = 1u64;
    let mut str_off = 1u64;
    for k in &kept {
        file_start.push((idx, str_off));
        idx += k.len() as u64;
        str_off += k.iter().map(|&(_, len)| len as u64 + 1).sum::<u64>();
    }
    let globals: Vec<u32> = (0..link.nglobals)
        .into_par_iter()
        .filter(|&i| keep_global(link, &link.syms[i as usize]))
        .collect();
    let global_chunk_bytes: Vec<usize> = globals
        .par_chunks(GLOBALS_CHUNK)
        .map(|c| {
            c.iter()
                .map(|&id| crate::synth::dyn_name(link, id).len() + 1)
                .sum()
        })
        .collect();
    let gbytes = global_chunk_bytes.iter().sum::<usize>() as u64;
    let globals_start = (idx, str_off);
    SymtabPlan {
        file_start,
        kept,
        nsyms: idx + globals.len() as u64,
        strsize: str_off + gbytes,
        globals,
        global_chunk_bytes,
        globals_start,
    }
}

/// The output section index holding an address (for symbols the linker defines).
fn shndx_for_addr(link: &Link, addr: u64) -> u16 {
    for s in &link.layout.sections {
        if s.is_alloc() && s.shndx != 0 && addr >= s.addr && addr <= s.end() && s.size > 0 {
            return s.shndx as u16;
        }
    }
    SHN_ABS
}

pub fn out_shndx(link: &Link, s: &Symbol) -> u16 {
    match s.kind {
        SymKind::Section => {
            let o = link.files[s.file as usize].as_object().unwrap();
            let sec = &o.sections[s.shndx as usize];
            let out = match sec.kind {
                SecKind::Merge => {
                    link.layout.merge_groups[o.merge_slot(s.shndx).group as usize].out
                }
                SecKind::EhFrame => link.layout.idx.eh_frame,
                _ => sec.out,
            };
            match link.layout.sec(out) {
                Some(os) if os.shndx != 0 => os.shndx as u16,
                // An empty section is not emitted: name the section its address falls in.
                Some(_) => shndx_for_addr(link, s.value),
                None => SHN_ABS,
            }
        }
        SymKind::Common => link
            .layout
            .sec(link.layout.idx.bss)
            .map_or(SHN_ABS, |b| b.shndx as u16),
        SymKind::Abs => SHN_ABS,
        SymKind::Linker => shndx_for_addr(link, s.value),
        SymKind::Dso if s.value != 0 => shndx_for_addr(link, s.value),
        _ => SHN_UNDEF,
    }
}

/// A symbol's st_value in the output: TLS symbols are offsets in the TLS template.
pub fn out_value(link: &Link, s: &Symbol) -> u64 {
    if s.ty == STT_TLS && s.kind != SymKind::Dso {
        s.value.wrapping_sub(link.layout.tls_start)
    } else {
        s.value
    }
}

pub fn write(link: &Link, plan: &SymtabPlan, symtab: &mut [u8], strtab: &mut [u8]) {
    if symtab.is_empty() {
        return;
    }
    symtab[..24].fill(0);
    strtab[0] = 0;
    let sym_ptr = crate::write::SyncPtr::new(symtab);
    let str_ptr = crate::write::SyncPtr::new(strtab);
    crate::balance::par_files(&link.files).for_each(|(fi, f)| {
        let InputFile::Object(o) = f else { return };
        let (start, soff) = plan.file_start[fi];
        let (end, send) = plan
            .file_start
            .get(fi + 1)
            .copied()
            .unwrap_or(plan.globals_start);
        let (n, bytes) = (end - start, send - soff);
        if n == 0 {
            return;
        }
        // SAFETY: every file owns a disjoint range of symbols and of string bytes.
        let syms = unsafe { sym_ptr.slice(start as usize * 24, n as usize * 24) };
        let strs = unsafe { str_ptr.slice(soff as usize, bytes as usize) };
        let mut p = 0usize;
        for (row, &(i, len)) in syms.chunks_exact_mut(24).zip(&plan.kept[fi]) {
            let i = i as usize;
            let es = &o.symtab[i];
            let at = es.st_name.get(LE) as usize;
            let name = &o.strtab[at..at + len as usize];
            strs[p..p + name.len()].copy_from_slice(name);
            strs[p + name.len()] = 0;
            let s = &link.syms[o.symbols[i] as usize];
            let shndx = if es.st_shndx.get(LE) == SHN_ABS {
                SHN_ABS
            } else {
                out_shndx(link, s)
            };
            let value = if st_type(es) == STT_FILE {
                0
            } else {
                out_value(link, s)
            };
            write_sym(
                row,
                (soff as usize + p) as u32,
                es.st_info,
                es.st_other,
                shndx,
                value,
                es.st_size.get(LE),
            );
            p += name.len() + 1;
        }
    });
    let (gstart, gsoff) = plan.globals_start;
    let mut names_rest = &mut strtab[gsoff as usize..];
    let mut name_runs: Vec<(usize, &mut [u8])> = Vec::with_capacity(plan.global_chunk_bytes.len());
    let mut at = gsoff as usize;
    for &n in &plan.global_chunk_bytes {
        let (run, rest) = std::mem::take(&mut names_rest).split_at_mut(n);
        name_runs.push((at, run));
        names_rest = rest;
        at += n;
    }
    symtab[gstart as usize * 24..]
        .par_chunks_mut(GLOBALS_CHUNK * 24)
        .zip(plan.globals.par_chunks(GLOBALS_CHUNK))
        .zip(name_runs)
        .for_each(|((rows, ids), (names_at, names))| {
            let mut p = 0;
            for (k, &id) in ids.iter().enumerate() {
                let s = &link.syms[id as usize];
                let name = crate::synth::dyn_name(link, id);
                names[p..p + name.len()].copy_from_slice(name);
                names[p + name.len()] = 0;
                // An import is a plain function to this output, whatever the library's
                // definition is.
                let ty = if s.ty == STT_GNU_IFUNC && s.kind == SymKind::Dso {
                    STT_FUNC
                } else {
                    s.ty
                };
                let info = (s.bind << 4) | ty;
                write_sym(
                    &mut rows[k * 24..k * 24 + 24],
                    (names_at + p) as u32,
                    info,
                    s.vis,
                    out_shndx(link, s),
                    out_value(link, s),
                    s.size,
                );
                p += name.len() + 1;
            }
        });
}

/// Section names for `.shstrtab`: returns the table and each section's name offset.
pub fn shstrtab(link: &Link) -> (Vec<u8>, Vec<u32>) {
    let mut data = vec![0u8];
    let mut offs = Vec::with_capacity(link.layout.sections.len());
    let mut seen: std::collections::HashMap<&[u8], u32> = std::collections::HashMap::new();
    for s in &link.layout.sections {
        let o = *seen.entry(s.name).or_insert_with(|| {
            let o = data.len() as u32;
            data.extend_from_slice(s.name);
            data.push(0);
            o
        });
        offs.push(o);
    }
    (data, offs)
}

pub fn set_sizes(link: &mut Link, plan: &SymtabPlan) {
    let (shstr, _) = shstrtab(link);
    let lay = &mut link.layout;
    for s in lay.sections.iter_mut() {
        match s.content {
            Content::Symtab => {
                s.size = plan.nsyms * SYM_SIZE;
                s.info = (plan.globals_start.0) as u32;
            }
            Content::Strtab => s.size = plan.strsize,
            Content::Shstrtab => s.size = shstr.len() as u64,
            _ => {}
        }
    }
}
