//! Writing the output image (see `output.rs` for where it lives): every input section is copied and
//! relocated into its own slice in parallel, then the synthetic sections and headers are written,
//! and the build id is computed.

use crate::bail;
use crate::context::{InputFile, Link};
use crate::elf::*;
use crate::error::{Error, Result};
use crate::layout::{Content, Member};
use crate::object::{NONE, SecKind};
use crate::symbol::SymKind;
use rayon::prelude::*;
use twox_hash::XxHash3_128;

/// A raw pointer to the output image that tasks share; each task writes a disjoint range.
#[derive(Clone, Copy)]
pub struct SyncPtr {
    ptr: *mut u8,
    len: usize,
}

unsafe impl Send for SyncPtr {}
unsafe impl Sync for SyncPtr {}

impl SyncPtr {
    pub fn new(buf: &mut [u8]) -> SyncPtr {
        SyncPtr {
            ptr: buf.as_mut_ptr(),
            len: buf.len(),
        }
    }

    /// # Safety
    /// No two live slices obtained from the same `SyncPtr` may overlap.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn slice(&self, off: usize, len: usize) -> &mut [u8] {
        assert!(
            off.checked_add(len).is_some_and(|e| e <= self.len),
            "output range out of bounds"
        );
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(off), len) }
    }
}

/// Below this, a section is one task.
const CHUNK_BYTES: usize = 256 << 10;

/// For a large non-allocated section whose relocations are sorted by offset, boundaries that split
/// it into chunks of about `CHUNK_BYTES`, as (byte offset, first relocation index) pairs from
/// (0, 0) to (size, relocation count). Every boundary is the offset of a relocation, so none
/// straddles one. `None` means the section is written as a whole.
fn debug_chunks(s: &crate::object::InputSection, relocs: &[Rela]) -> Option<Vec<(usize, usize)>> {
    let size = s.size as usize;
    if s.is_alloc() || size < 2 * CHUNK_BYTES || relocs.is_empty() {
        return None;
    }
    let offset = |k: usize| relocs[k].r_offset.get(LE) as usize;
    if !(1..relocs.len()).all(|k| offset(k - 1) <= offset(k)) || offset(relocs.len() - 1) >= size {
        return None;
    }
    let n = size.div_ceil(CHUNK_BYTES);
    let mut bounds = vec![(0, 0)];
    for c in 1..n {
        let k = relocs.partition_point(|r| (r.r_offset.get(LE) as usize) < c * CHUNK_BYTES);
        if k == relocs.len() {
            break;
        }
        if offset(k) > bounds.last().unwrap().0 {
            bounds.push((offset(k), k));
        }
    }
    bounds.push((size, relocs.len()));
    Some(bounds)
}

/// Writes the image. `dirty` is `Some(ranges)` when the image is an old file overwritten in
/// place: its bytes inside the content ranges are not zero, and whatever no writer below covers
/// is zeroed first.
pub fn write_output(
    link: &Link,
    buf: &mut [u8],
    symtab_plan: &crate::symtab::SymtabPlan,
    dirty: Option<&[(u64, u64)]>,
) -> Result<()> {
    let out = SyncPtr::new(buf);
    let lay = &link.layout;
    if let Some(ranges) = dirty {
        zero_unwritten(link, out, ranges);
    }

    // Input sections and merged pieces (in parallel), then synthetic sections.
    let rela_dyn_off = lay.sec(lay.idx.rela_dyn).map(|s| s.offset);
    let runs = link.synth.rela_dyn();
    let errors: Vec<Error> = crate::balance::par_files(&link.files)
        .filter_map(|(_, f)| {
            let InputFile::Object(o) = f else { return None };
            if !o.is_alive() {
                return None;
            }
            if let Err(e) = write_object(link, o, out, rela_dyn_off, &runs) {
                return Some(e);
            }
            release_written(o);
            None
        })
        .collect();
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    // Merged pieces, in chunks so that a large group (.debug_str) is copied by every thread.
    const PIECES: usize = 4096;
    lay.merge_groups.par_iter().for_each(|g| {
        if g.out == NONE {
            return;
        }
        let base = lay.sections[g.out as usize].offset + g.offset;
        g.pieces
            .par_chunks(PIECES)
            .zip(g.offsets.par_chunks(PIECES))
            .enumerate()
            .for_each(|(c, (pieces, offsets))| {
                for (k, (p, off)) in pieces.iter().zip(offsets).enumerate() {
                    // SAFETY: unique pieces have disjoint offsets within the group's range.
                    unsafe { out.slice((base + off) as usize, p.len()) }.copy_from_slice(p);
                    if dirty.is_some() {
                        // The alignment padding up to the next piece (or the group's end).
                        let end = off + p.len() as u64;
                        let next = g.offsets.get(c * PIECES + k + 1).copied().unwrap_or(g.size);
                        // SAFETY: the padding belongs to this piece alone.
                        unsafe { out.slice((base + end) as usize, (next - end) as usize) }.fill(0);
                    }
                }
            });
    });

    let synth_sections: Vec<usize> = (0..lay.sections.len())
        .filter(|&i| {
            lay.sections[i].content != Content::Inputs
                && lay.sections[i].content != Content::EhFrame
        })
        .collect();
    synth_sections.par_iter().try_for_each(|&i| -> Result<()> {
        let s = &lay.sections[i];
        if s.is_nobits() || s.size == 0 && s.content != Content::Symtab {
            return Ok(());
        }
        // SAFETY: each output section owns its file range.
        let dst = unsafe { out.slice(s.offset as usize, s.size as usize) };
        write_synthetic(link, s.content, dst, symtab_plan, out)
    })?;
    if let Some(s) = lay.sec(lay.idx.eh_frame) {
        // The zero terminator after the last record.
        let end = (s.offset + s.size - 4) as usize;
        unsafe { out.slice(end, 4) }.fill(0);
        let plt = plt_span(link).map(|(a, n)| (a, n, s.addr));
        let records = crate::eh_frame::plt_records(link, plt);
        // SAFETY: the synthetic records precede every input's records in .eh_frame.
        unsafe { out.slice(s.offset as usize, records.len()) }.copy_from_slice(&records);
    }

    // SAFETY: headers occupy the start of the file and the section header table at its end,
    // outside every section.
    write_headers(link, unsafe {
        out.slice(
            0,
            (EHDR_SIZE + lay.segments.len() as u64 * PHDR_SIZE) as usize,
        )
    });
    let shdr_bytes = lay.shnum as usize * SHDR_SIZE as usize;
    write_section_headers(link, unsafe { out.slice(lay.shoff as usize, shdr_bytes) });
    Ok(())
}

/// Zeroes what lies inside `ranges` but is written by no writer: the padding between sections,
/// between the members of a section and after its last one, and whole synthetic sections (their
/// writers may skip bytes they expect to be zero). The input sections' contents, the bulk of a
/// file, are written once; a merge group's padding is zeroed where its pieces are copied.
fn zero_unwritten(link: &Link, out: SyncPtr, ranges: &[(u64, u64)]) {
    let lay = &link.layout;
    let parts = sorted_parts(crate::layout::file_parts(link));
    let gaps = gaps_between(ranges, &parts);
    gaps.par_iter().for_each(|&(s, e)| {
        // SAFETY: a gap lies between parts of the file, outside every section and header.
        unsafe { out.slice(s as usize, (e - s) as usize) }.fill(0);
    });
    lay.sections.par_iter().for_each(|s| {
        if s.shndx == 0 || s.is_nobits() || s.size == 0 {
            return;
        }
        let zero = |from: u64, to: u64| {
            if to > from {
                // SAFETY: [from, to) is inside this section and written by nothing else.
                unsafe { out.slice((s.offset + from) as usize, (to - from) as usize) }.fill(0);
            }
        };
        if s.content != Content::Inputs {
            if !writes_every_byte(s.content) {
                zero(0, s.size);
            }
            return;
        }
        zero(0, s.member_offsets.first().copied().unwrap_or(s.size));
        (0..s.members.len())
            .into_par_iter()
            .with_min_len(4096)
            .for_each(|k| {
                let start = s.member_offsets[k];
                let written = match s.members[k] {
                    Member::Input { file, shndx } => {
                        let o = link.files[file as usize].as_object().unwrap();
                        let sec = &o.sections[shndx as usize];
                        if copied(sec) { sec.size } else { 0 }
                    }
                    Member::Merge(g) => lay.merge_groups[g as usize].size,
                    Member::Commons(_) | Member::CopyRel => 0,
                };
                let next = s.member_offsets.get(k + 1).copied().unwrap_or(s.size);
                zero(start + written, next);
            });
    });
}

/// Whether a synthetic section's writer fills all of it, so that an output overwritten in place
/// need not zero it first: the symbol table and its strings, tens of MiB in a large link, are
/// written row by row and name by name without a gap (`symtab::write`; the in-place test
/// compares an output written over junk with a fresh one).
fn writes_every_byte(c: Content) -> bool {
    matches!(c, Content::Symtab | Content::Strtab)
}

/// Whether `write_object` copies an input section's bytes (all of them) into the output.
fn copied(s: &crate::object::InputSection) -> bool {
    s.kind == SecKind::Regular && s.sh_type != SHT_NOBITS
}

/// `parts` without empty ones, sorted, nothing merged.
fn sorted_parts(mut parts: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    parts.retain(|p| p.1 > p.0);
    parts.sort_unstable();
    parts
}

/// The stretches of `ranges` that no part covers (`parts` sorted).
fn gaps_between(ranges: &[(u64, u64)], parts: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut gaps = Vec::new();
    let mut p = parts.iter().peekable();
    for &(start, end) in ranges {
        let mut at = start;
        while let Some(&&(ps, pe)) = p.peek() {
            if ps >= end {
                break;
            }
            if ps > at {
                gaps.push((at, ps));
            }
            at = at.max(pe);
            p.next();
        }
        if at < end {
            gaps.push((at, end));
        }
    }
    gaps
}

/// Once an object's sections are in the output, its pages leave the resident set, except what is
/// still to be read: its symbol and string tables (for `.symtab`), its section headers and names,
/// and its merge sections (unique pieces are copied after every object). Why: a link's peak memory
/// is at the end of writing, with the whole output and nearly every input page mapped; for a
/// program with full debug info most input pages are debug sections read only here.
fn release_written(o: &crate::object::ObjectFile) {
    const MIN_GAP: usize = 1 << 20;
    let mut keep: Vec<&'static [u8]> = vec![
        object::pod::bytes_of_slice(o.shdrs),
        o.shstrtab,
        object::pod::bytes_of_slice(o.symtab),
        o.strtab,
        object::pod::bytes_of_slice(o.symtab_shndx),
    ];
    keep.extend(o.merge.iter().map(|m| o.sec_data(m.shndx as usize)));
    crate::input::release_except(o.data, keep, MIN_GAP);
}

fn write_object(
    link: &Link,
    o: &crate::object::ObjectFile,
    out: SyncPtr,
    rela_dyn_off: Option<u64>,
    runs: &crate::synth::RelaDyn,
) -> Result<()> {
    let lay = &link.layout;
    // Sections, not files, are the unit of work: one large object must not become one long task.
    o.sections
        .par_iter()
        .enumerate()
        .try_for_each(|(i, s)| -> Result<()> {
            if !copied(s) || s.out == NONE {
                return Ok(());
            }
            let os = &lay.sections[s.out as usize];
            if os.is_nobits() {
                return Ok(());
            }
            let off = (os.offset + s.offset) as usize;
            let (data, relocs) = (o.sec_data(i), o.sec_relocs(i));
            if let Some(chunks) = debug_chunks(s, relocs) {
                // One large debug section (.debug_info of a big object) must not become one long
                // task either: relocations there only patch their own bytes, so the section is
                // split between relocations and the pieces are done in parallel.
                return chunks.par_windows(2).try_for_each(|w| {
                    let ((lo, rlo), (hi, rhi)) = (w[0], w[1]);
                    // SAFETY: the chunks are disjoint runs of this section's range.
                    let dst = unsafe { out.slice(off + lo, hi - lo) };
                    dst.copy_from_slice(&data[lo..hi]);
                    let rels = &relocs[rlo..rhi];
                    let addr = os.addr + s.offset + lo as u64;
                    crate::reloc::relocate(
                        link,
                        o,
                        i,
                        rels,
                        dst,
                        lo as u64,
                        addr,
                        Default::default(),
                    )
                });
            }
            // SAFETY: each input section owns [offset, offset+size) of its output section.
            let dst = unsafe { out.slice(off, s.size as usize) };
            dst.copy_from_slice(&data[..s.size as usize]);
            if relocs.is_empty() {
                return Ok(());
            }
            let dynrel = if let Some(d) = o.dynrels_of(i) {
                let Some(base) = rela_dyn_off else {
                    bail!("internal error: dynamic relocations without .rela.dyn")
                };
                let run = |first: u32, start: u32, n: u32| {
                    let at = base as usize + (first + start) as usize * 24;
                    // SAFETY: scanning gave each section its own runs of .rela.dyn entries.
                    unsafe { out.slice(at, n as usize * 24) }
                };
                crate::arch::DynRelOut::new(
                    run(runs.sec_relative, d.rel_start, d.rel_count),
                    run(runs.sec_other, d.other_start, d.other_count),
                )
            } else {
                Default::default()
            };
            crate::reloc::relocate(link, o, i, relocs, dst, 0, os.addr + s.offset, dynrel)
        })?;
    // .eh_frame records.
    if let Some(eh_out) = lay.sec(lay.idx.eh_frame) {
        for eh in &o.eh_frame {
            let (data, relocs) = (
                o.sec_data(eh.shndx as usize),
                o.sec_relocs(eh.shndx as usize),
            );
            if eh.out_size == 0 {
                continue;
            }
            let base = eh_out.offset + eh.out_offset;
            // SAFETY: each .eh_frame input section owns its run of the output .eh_frame.
            let dst = unsafe { out.slice(base as usize, eh.out_size as usize) };
            for r in eh.records.iter().filter(|r| r.live) {
                let d = &mut dst[r.out_offset as usize..(r.out_offset + r.size) as usize];
                d.copy_from_slice(&data[r.offset as usize..(r.offset + r.size) as usize]);
                let rels = &relocs[r.rel_start as usize..r.rel_end as usize];
                let addr = eh_out.addr + eh.out_offset + r.out_offset as u64;
                crate::reloc::relocate(
                    link,
                    o,
                    eh.shndx as usize,
                    rels,
                    d,
                    r.offset as u64,
                    addr,
                    Default::default(),
                )?;
                if !r.is_cie {
                    let cie = eh
                        .records
                        .iter()
                        .find(|c| c.offset == r.cie_offset && c.is_cie);
                    let Some(cie) = cie else {
                        bail!("{}: .eh_frame FDE points to a missing CIE", o.name)
                    };
                    put_u32(d, 4, r.out_offset + 4 - cie.out_offset);
                }
            }
        }
    }
    Ok(())
}

fn write_headers(link: &Link, buf: &mut [u8]) {
    let lay = &link.layout;
    let entry = entry_address(link);
    buf[..16].copy_from_slice(&[
        0x7f,
        b'E',
        b'L',
        b'F',
        ELFCLASS64,
        ELFDATA2LSB,
        EV_CURRENT,
        // GNU ld marks outputs that define IFUNC symbols as using GNU extensions.
        if link.synth.gnu_osabi {
            ELFOSABI_GNU
        } else {
            ELFOSABI_NONE
        },
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ]);
    let e_type = if link.kind == crate::context::OutputKind::Exec {
        ET_EXEC
    } else {
        ET_DYN
    };
    put_u16(buf, 16, e_type);
    put_u16(buf, 18, link.target.machine());
    put_u32(buf, 20, EV_CURRENT as u32);
    put_u64(buf, 24, entry);
    put_u64(buf, 32, EHDR_SIZE);
    put_u64(buf, 40, lay.shoff);
    put_u32(buf, 48, 0);
    put_u16(buf, 52, EHDR_SIZE as u16);
    put_u16(buf, 54, PHDR_SIZE as u16);
    put_u16(buf, 56, lay.segments.len() as u16);
    put_u16(buf, 58, SHDR_SIZE as u16);
    put_u16(
        buf,
        60,
        if lay.shnum >= SHN_LORESERVE as u32 {
            0
        } else {
            lay.shnum as u16
        },
    );
    put_u16(
        buf,
        62,
        if lay.shstrndx >= SHN_LORESERVE as u32 {
            SHN_XINDEX
        } else {
            lay.shstrndx as u16
        },
    );
    for (i, p) in lay.segments.iter().enumerate() {
        let o = EHDR_SIZE as usize + i * PHDR_SIZE as usize;
        let b = &mut buf[o..o + PHDR_SIZE as usize];
        put_u32(b, 0, p.p_type);
        put_u32(b, 4, p.flags);
        put_u64(b, 8, p.offset);
        put_u64(b, 16, p.vaddr);
        put_u64(b, 24, p.vaddr);
        put_u64(b, 32, p.filesz);
        put_u64(b, 40, p.memsz);
        put_u64(b, 48, p.align);
    }
}

pub fn entry_address(link: &Link) -> u64 {
    if link.kind == crate::context::OutputKind::Shared && link.cfg.entry.is_none() {
        return 0;
    }
    let name = link.cfg.entry.as_deref().unwrap_or("_start");
    match link.sym_by_name(name.as_bytes()) {
        Some(id) if link.syms[id as usize].kind != SymKind::Undefined => {
            link.syms[id as usize].value
        }
        _ => {
            // GNU ld accepts a number as the entry address.
            let n = name.strip_prefix("0x").map_or_else(
                || name.parse::<u64>().ok(),
                |h| u64::from_str_radix(h, 16).ok(),
            );
            n.unwrap_or(0)
        }
    }
}

fn write_section_headers(link: &Link, buf: &mut [u8]) {
    let lay = &link.layout;
    buf[..64].fill(0);
    if lay.shnum >= SHN_LORESERVE as u32 {
        put_u64(buf, 32, lay.shnum as u64);
    }
    if lay.shstrndx >= SHN_LORESERVE as u32 {
        put_u32(buf, 40, lay.shstrndx);
    }
    let (_, names) = crate::symtab::shstrtab(link);
    let shndx_of = |i: u32| lay.sec(i).map_or(0, |s| s.shndx);
    for (i, s) in lay.sections.iter().enumerate() {
        if s.shndx == 0 {
            continue;
        }
        let b = &mut buf[s.shndx as usize * 64..s.shndx as usize * 64 + 64];
        let (link_to, info) = match s.content {
            Content::Dynsym => (shndx_of(lay.idx.dynstr), 1),
            Content::Hash | Content::GnuHash | Content::Versym => (shndx_of(lay.idx.dynsym), 0),
            Content::Verneed => (shndx_of(lay.idx.dynstr), link.synth.verneed_count),
            Content::Verdef => (shndx_of(lay.idx.dynstr), link.synth.verdef_count),
            Content::RelaDyn => (shndx_of(lay.idx.dynsym), 0),
            Content::RelaPlt => {
                if link.dynamic {
                    (shndx_of(lay.idx.dynsym), shndx_of(lay.idx.gotplt))
                } else {
                    (0, shndx_of(lay.idx.gotplt))
                }
            }
            Content::Dynamic => (shndx_of(lay.idx.dynstr), 0),
            Content::Symtab => (shndx_of(lay.idx.strtab), s.info),
            _ => (s.link, s.info),
        };
        put_u32(b, 0, names[i]);
        put_u32(b, 4, s.sh_type);
        put_u64(b, 8, s.flags);
        put_u64(b, 16, s.addr);
        put_u64(b, 24, s.offset);
        put_u64(b, 32, s.size);
        put_u32(b, 40, link_to);
        put_u32(b, 44, info);
        put_u64(b, 48, s.align);
        put_u64(b, 56, s.entsize);
    }
}

fn write_synthetic(
    link: &Link,
    content: Content,
    dst: &mut [u8],
    symtab_plan: &crate::symtab::SymtabPlan,
    out: SyncPtr,
) -> Result<()> {
    let lay = &link.layout;
    let sy = &link.synth;
    let dt = link.target.dynrel();
    match content {
        Content::Inputs | Content::EhFrame => {}
        Content::Interp => dst.copy_from_slice(&sy.interp),
        Content::GnuProperty => dst.copy_from_slice(&sy.gnu_property),
        Content::BuildId => {
            put_u32(dst, 0, 4);
            put_u32(dst, 4, sy.build_id_size as u32);
            put_u32(dst, 8, NT_GNU_BUILD_ID);
            dst[12..16].copy_from_slice(b"GNU\0");
        }
        Content::Dynstr => dst.copy_from_slice(&sy.dynstr),
        Content::Dynsym => write_dynsym(link, dst),
        Content::Versym => {
            for (i, v) in sy.versyms.iter().enumerate() {
                put_u16(dst, i * 2, *v);
            }
        }
        Content::Verneed => dst.copy_from_slice(&sy.verneed),
        Content::Verdef => dst.copy_from_slice(&sy.verdef),
        Content::Relr => {
            for (k, w) in sy.relr.iter().enumerate() {
                put_u64(dst, k * 8, *w);
            }
        }
        Content::Hash => write_sysv_hash(link, dst),
        Content::GnuHash => write_gnu_hash(link, dst),
        Content::Dynamic => {
            for (i, (tag, val)) in crate::synth::dynamic_entries(link).iter().enumerate() {
                write_dyn(&mut dst[i * 16..i * 16 + 16], *tag, *val);
            }
        }
        Content::Got => write_got(link, dst, out)?,
        Content::GotPlt => {
            let hdr = if sy.lazy_plt { 3 } else { 0 };
            if sy.lazy_plt {
                put_u64(dst, 0, lay.addr_of(lay.idx.dynamic));
            }
            for (k, &id) in sy.plt.iter().enumerate() {
                let s = &link.syms[id as usize];
                let v = if s.is_ifunc() {
                    resolver_address(link, id)
                } else if sy.lazy_plt {
                    lay.plt_entry_addr(k as u32) + 6
                } else {
                    0
                };
                put_u64(dst, (hdr + k) * 8, v);
            }
        }
        Content::Plt => {
            let plt = lay.plt_addr;
            if sy.lazy_plt {
                link.target.write_plt0(dst, plt, lay.gotplt_addr);
            }
            let hdr = if sy.lazy_plt { 3 } else { 0 };
            let p0 = lay.plt0_size as usize;
            let es = lay.plt_entry_size as usize;
            for k in 0..sy.plt.len() {
                let entry = lay.plt_entry_addr(k as u32);
                let slot = lay.gotplt_addr + 8 * (hdr + k) as u64;
                let b = &mut dst[p0 + k * es..p0 + (k + 1) * es];
                if sy.lazy_plt {
                    link.target.write_plt_entry(b, entry, slot, k as u32, plt);
                } else {
                    link.target.write_plt_entry_static(b, entry, slot);
                }
            }
        }
        Content::RelaPlt => {
            let hdr = if sy.lazy_plt { 3 } else { 0 };
            for (k, &id) in sy.plt.iter().enumerate() {
                let s = &link.syms[id as usize];
                let slot = lay.gotplt_addr + 8 * (hdr + k) as u64;
                let e = &mut dst[k * 24..k * 24 + 24];
                if s.is_ifunc() {
                    write_rela(e, slot, 0, dt.irelative, resolver_address(link, id) as i64);
                } else {
                    write_rela(e, slot, link.aux[s.aux as usize].dynsym, dt.jump_slot, 0);
                }
            }
        }
        Content::RelaDyn => write_rela_dyn(link, dst),
        Content::EhFrameHdr => write_eh_frame_hdr(link, dst)?,
        Content::Symtab => {
            let strtab = lay.sec(lay.idx.strtab).unwrap();
            // SAFETY: .strtab is a different output section than .symtab.
            let strs = unsafe { out.slice(strtab.offset as usize, strtab.size as usize) };
            crate::symtab::write(link, symtab_plan, dst, strs);
        }
        Content::Strtab => {}
        Content::Shstrtab => {
            let (data, _) = crate::symtab::shstrtab(link);
            dst.copy_from_slice(&data);
        }
    }
    Ok(())
}

/// An IFUNC symbol's resolver: its address in its section (its `value` is the PLT entry).
fn resolver_address(link: &Link, id: u32) -> u64 {
    let s = &link.syms[id as usize];
    let o = link.files[s.file as usize].as_object().unwrap();
    let sec = &o.sections[s.shndx as usize];
    // Symbol values are the input's, unchecked: addresses wrap, as everywhere else.
    link.layout.sections[sec.out as usize]
        .addr
        .wrapping_add(sec.offset)
        .wrapping_add(o.symtab[s.idx as usize].st_value.get(LE))
}

fn write_got(link: &Link, dst: &mut [u8], out: SyncPtr) -> Result<()> {
    let lay = &link.layout;
    let sy = &link.synth;
    let dt = link.target.dynrel();
    // The GOT owns the first `got_relative` entries of .rela.dyn and `got_rels - got_relative`
    // from `got_other` on.
    let mut rels = match lay.sec(lay.idx.rela_dyn) {
        Some(rd) if sy.got_rels > 0 => {
            let run = |start: u32, n: u32| {
                let at = rd.offset as usize + start as usize * RELA_SIZE as usize;
                // SAFETY: see above; no input section's run overlaps these.
                unsafe { out.slice(at, n as usize * RELA_SIZE as usize) }
            };
            crate::arch::DynRelOut::new(
                run(0, sy.got_relative),
                run(sy.rela_dyn().got_other, sy.got_rels - sy.got_relative),
            )
        }
        _ => Default::default(),
    };
    let mut planned = true;
    for g in &sy.got {
        let entry = crate::synth::got_entry(link, g);
        for (w, (value, rel)) in entry.into_iter().enumerate().take(g.kind.words()) {
            let k = g.word as usize + w;
            let addr = lay.got_addr + 8 * k as u64;
            if let Some((sym, ty, addend)) = rel
                && !crate::synth::packed_got_rel(link, ty)
            {
                planned &= rels.push(ty == dt.relative, addr, sym, ty, addend);
            }
            put_u64(dst, k * 8, value);
        }
    }
    if !planned || !rels.is_full() {
        bail!(
            "internal error: the GOT's dynamic relocations differ from the plan ({} planned, {} relative)",
            sy.got_rels,
            sy.got_relative
        );
    }
    Ok(())
}

/// .rela.dyn's own entries: COPY and IRELATIVE (see `RelaDyn` for the whole order; the GOT's and
/// the input sections' are written with them).
fn write_rela_dyn(link: &Link, dst: &mut [u8]) {
    let sy = &link.synth;
    let lay = &link.layout;
    let dt = link.target.dynrel();
    let runs = sy.rela_dyn();
    let mut k = runs.copy as usize;
    for c in &sy.copyrels {
        let s = &link.syms[c.sym as usize];
        write_rela(
            &mut dst[k * 24..k * 24 + 24],
            lay.copyrel_addr + c.offset,
            link.aux[s.aux as usize].dynsym,
            dt.copy,
            0,
        );
        k += 1;
    }
    k = runs.irelative as usize;
    if sy.irel_in_dyn > 0 {
        for (j, &id) in sy.plt.iter().enumerate() {
            let slot = lay.gotplt_addr + 8 * j as u64;
            write_rela(
                &mut dst[k * 24..k * 24 + 24],
                slot,
                0,
                dt.irelative,
                resolver_address(link, id) as i64,
            );
            k += 1;
        }
    }
}

fn write_dynsym(link: &Link, dst: &mut [u8]) {
    let sy = &link.synth;
    dst[..24].fill(0);
    for (i, &id) in sy.dynsyms.iter().enumerate() {
        let s = &link.syms[id as usize];
        let e = &mut dst[(i + 1) * 24..(i + 2) * 24];
        let name = sy.dynsym_names[i];
        let copied = s.aux != NONE && sy.copyrel_offset.contains_key(&s.aux);
        if s.imported && !copied {
            let cplt = s.flags() & crate::symbol::NEEDS_CPLT != 0;
            let ty = if s.ty == STT_GNU_IFUNC {
                STT_FUNC
            } else {
                s.ty
            };
            let value = if cplt { s.value } else { 0 };
            write_sym(
                e,
                name,
                (s.bind << 4) | ty,
                STV_DEFAULT,
                SHN_UNDEF,
                value,
                0,
            );
        } else {
            let shndx = crate::symtab::out_shndx(link, s);
            let ty = if copied { STT_OBJECT } else { s.ty };
            // A copy keeps the library's binding (glibc's `environ` is weak).
            let bind = if copied {
                st_bind(&link.dso(s.file).dynsym[s.idx as usize])
            } else {
                s.bind
            };
            write_sym(
                e,
                name,
                (bind << 4) | ty,
                s.vis,
                shndx,
                crate::symtab::out_value(link, s),
                s.size,
            );
        }
    }
}

fn write_sysv_hash(link: &Link, dst: &mut [u8]) {
    let sy = &link.synth;
    let n = sy.dynsyms.len() + 1;
    let nbucket = n;
    put_u32(dst, 0, nbucket as u32);
    put_u32(dst, 4, n as u32);
    let buckets = 8;
    let chains = 8 + 4 * nbucket;
    for (i, &id) in sy.dynsyms.iter().enumerate() {
        let idx = i + 1;
        let h = sysv_hash(crate::synth::dyn_name(link, id)) as usize % nbucket;
        let prev = get_u32(dst, buckets + 4 * h);
        put_u32(dst, chains + 4 * idx, prev);
        put_u32(dst, buckets + 4 * h, idx as u32);
    }
}

fn write_gnu_hash(link: &Link, dst: &mut [u8]) {
    let sy = &link.synth;
    let nb = sy.gnu_hash_buckets;
    let words = sy.gnu_bloom_words as usize;
    let first = sy.gnu_hash_first as usize;
    let shift2 = 26u32;
    put_u32(dst, 0, nb);
    put_u32(dst, 4, first as u32);
    put_u32(dst, 8, words as u32);
    put_u32(dst, 12, shift2);
    let bloom = 16;
    let buckets = bloom + 8 * words;
    let chains = buckets + 4 * nb as usize;
    let hashed = &sy.dynsyms[first - 1..];
    let hashes: Vec<u32> = hashed
        .iter()
        .map(|&id| gnu_hash(crate::synth::dyn_name(link, id)))
        .collect();
    for &h in &hashes {
        let w = (h as usize / 64) % words;
        let mut v = get_u64(dst, bloom + 8 * w);
        v |= 1u64 << (h % 64);
        v |= 1u64 << ((h >> shift2) % 64);
        put_u64(dst, bloom + 8 * w, v);
    }
    for (i, &h) in hashes.iter().enumerate() {
        let b = (h % nb) as usize;
        if get_u32(dst, buckets + 4 * b) == 0 {
            put_u32(dst, buckets + 4 * b, (first + i) as u32);
        }
        let last = i + 1 == hashes.len() || hashes[i + 1] % nb != h % nb;
        put_u32(dst, chains + 4 * i, (h & !1) | last as u32);
    }
}

fn write_eh_frame_hdr(link: &Link, dst: &mut [u8]) -> Result<()> {
    let lay = &link.layout;
    let hdr = lay.addr_of(lay.idx.eh_frame_hdr);
    let eh = lay.eh_frame_addr();
    dst[0] = 1;
    dst[1] = crate::eh_frame::DW_EH_PE_PCREL_SDATA4;
    dst[2] = DW_EH_PE_UDATA4;
    dst[3] = DW_EH_PE_DATAREL_SDATA4;
    put_u32(dst, 4, eh.wrapping_sub(hdr + 4) as u32);
    // (function start, FDE address) for every live FDE.
    let mut table: Vec<(u64, u64)> = link
        .par_live_objects()
        .flat_map_iter(|o| {
            let mut v = Vec::new();
            for e in &o.eh_frame {
                let relocs = o.sec_relocs(e.shndx as usize);
                for r in e.records.iter().filter(|r| r.live && !r.is_cie) {
                    let rel = &relocs[r.rel_start as usize];
                    let sym = &link.syms[o.symbols[r_sym(rel) as usize] as usize];
                    let (sv, a) = crate::reloc::target_address(link, o, sym, rel.r_addend.get(LE));
                    v.push((
                        sv.wrapping_add(a as u64),
                        eh + e.out_offset + r.out_offset as u64,
                    ));
                }
            }
            v
        })
        .collect();
    if let Some((plt, _)) = plt_span(link) {
        let records = crate::eh_frame::plt_records(link, None);
        table.push((plt, eh + crate::eh_frame::plt_fde_offset(&records)));
    }
    table.par_sort_unstable();
    put_u32(dst, 8, table.len() as u32);
    if table.len() as u64 != lay.fde_count {
        bail!(
            "internal error: .eh_frame_hdr expected {} FDEs, found {}",
            lay.fde_count,
            table.len()
        );
    }
    for (i, (pc, fde)) in table.iter().enumerate() {
        put_u32(dst, 12 + i * 8, pc.wrapping_sub(hdr) as u32);
        put_u32(dst, 16 + i * 8, fde.wrapping_sub(hdr) as u32);
    }
    Ok(())
}

const DW_EH_PE_UDATA4: u8 = 0x03;
const DW_EH_PE_DATAREL_SDATA4: u8 = 0x3b;

/// The PLT's address and size, if there is one.
fn plt_span(link: &Link) -> Option<(u64, u64)> {
    let lay = &link.layout;
    lay.sec(lay.idx.plt).map(|s| (s.addr, s.size))
}

/// Fills the build-id note with a tree hash of the finished image (hashed in parallel chunks).
pub fn write_build_id(link: &Link, buf: &mut [u8], ranges: Option<&[(u64, u64)]>) {
    let lay = &link.layout;
    let Some(s) = lay.sec(lay.idx.build_id) else {
        return;
    };
    let desc = (s.offset + 16) as usize;
    let n = link.synth.build_id_size as usize;
    let id: Vec<u8> = match &link.cfg.build_id {
        crate::args::BuildId::Hex(v) => v.clone(),
        crate::args::BuildId::Uuid => {
            let now = format!("{:?}", std::time::SystemTime::now());
            let seed = std::process::id() as u64;
            let mut v = XxHash3_128::oneshot_with_seed(seed, now.as_bytes())
                .to_le_bytes()
                .to_vec();
            v[6] = (v[6] & 0x0f) | 0x40;
            v[8] = (v[8] & 0x3f) | 0x80;
            v
        }
        _ => {
            // The parts of the file that hold bytes; large alignment holes are zeros by
            // definition and are not read (reading them would fill the page cache for nothing).
            let ranges = match ranges {
                Some(r) => r.to_vec(),
                None => content_ranges(image_parts(buf)),
            };
            content_id(buf, &ranges, n)
        }
    };
    buf[desc..desc + n].copy_from_slice(&id[..n]);
}

/// Bytes hashed by one task: fixed, not a share per thread, so that the id never depends on the
/// thread count.
const ID_CHUNK: u64 = 1 << 20;

/// An `n`-byte identifier of the bytes of `buf` in `ranges`. A build id only has to tell builds
/// apart, as lld's default (`fast`) does, so a fast 128-bit hash serves: XXH3 hashes at memory
/// speed, five times faster than BLAKE3 on one core. Each chunk is hashed on its own, seeded with
/// its file offset (moving bytes changes the id), and the chunks' hashes are hashed in turn.
fn content_id(buf: &[u8], ranges: &[(u64, u64)], n: usize) -> Vec<u8> {
    let chunks: Vec<(u64, u64)> = ranges
        .iter()
        .flat_map(|&(start, end)| {
            (start..end)
                .step_by(ID_CHUNK as usize)
                .map(move |c| (c, (c + ID_CHUNK).min(end)))
        })
        .collect();
    let hashes: Vec<u8> = chunks
        .par_iter()
        .flat_map_iter(|&(s, e)| {
            XxHash3_128::oneshot_with_seed(s, &buf[s as usize..e as usize]).to_le_bytes()
        })
        .collect();
    let mut id = Vec::with_capacity(n + 16);
    for seed in 0u64.. {
        if id.len() >= n {
            break;
        }
        id.extend_from_slice(&XxHash3_128::oneshot_with_seed(seed, &hashes).to_le_bytes());
    }
    id.truncate(n);
    id
}

/// Below this, a gap between parts of the file is counted as content (cheap to write and hash);
/// above it, it is a hole left sparse.
const HOLE: u64 = 1 << 20;

/// Merges (start, end) parts of the file, sorted, into ranges, absorbing small gaps.
pub fn content_ranges(parts: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    let parts = sorted_parts(parts);
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(parts.len());
    for (s, e) in parts {
        match out.last_mut() {
            Some(last) if s <= last.1.saturating_add(HOLE) => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// The parts of a finished image: its headers, every section with contents and the section
/// header table, read from the image itself (after compression moved sections).
fn image_parts(buf: &[u8]) -> Vec<(u64, u64)> {
    let len = buf.len() as u64;
    let rd = |off: u64, w: usize| -> u64 {
        let mut b = [0u8; 8];
        if let Some(s) = buf.get(off as usize..off as usize + w) {
            b[..w].copy_from_slice(s);
        }
        u64::from_le_bytes(b)
    };
    let phnum = rd(56, 2);
    let mut parts = vec![(0, (EHDR_SIZE + phnum * PHDR_SIZE).min(len))];
    let shoff = rd(40, 8);
    let mut shnum = rd(60, 2);
    if shnum == 0 && shoff != 0 {
        shnum = rd(shoff + 32, 8);
    }
    for i in 0..shnum {
        let h = shoff + i * SHDR_SIZE;
        if rd(h + 4, 4) as u32 != SHT_NOBITS {
            let (off, size) = (rd(h + 24, 8), rd(h + 32, 8));
            parts.push((off.min(len), off.saturating_add(size).min(len)));
        }
    }
    parts.push((
        shoff.min(len),
        shoff.saturating_add(shnum * SHDR_SIZE).min(len),
    ));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The id covers every byte of the ranges, where each byte is, and nothing outside them.
    #[test]
    fn content_id_covers_every_byte_and_its_place() {
        let len = 3 * ID_CHUNK as usize + 5;
        let buf: Vec<u8> = (0..len as u64)
            .map(|i| (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as u8)
            .collect();
        let all = [(0, len as u64)];
        let id = content_id(&buf, &all, 20);
        assert_eq!(id.len(), 20);
        assert_eq!(content_id(&buf, &all, 16), id[..16]);

        let mut last = buf.clone();
        last[len - 1] ^= 1;
        assert_ne!(
            content_id(&last, &all, 20),
            id,
            "the last byte is not covered"
        );

        // The same bytes at another place: a range moved past a longer hole.
        let c = ID_CHUNK as usize;
        let mut moved = vec![0u8; len];
        moved[..100].copy_from_slice(&buf[..100]);
        moved[2 * c..2 * c + 100].copy_from_slice(&buf[c..c + 100]);
        assert_ne!(
            content_id(&buf, &[(0, 100), (c as u64, c as u64 + 100)], 20),
            content_id(&moved, &[(0, 100), (2 * c as u64, 2 * c as u64 + 100)], 20),
            "the places of the bytes do not count"
        );

        // A hole between ranges is not read.
        let parts = [(0, 100), (c as u64 + 7, len as u64)];
        let mut hole = buf.clone();
        hole[500] ^= 1;
        assert_eq!(content_id(&hole, &parts, 20), content_id(&buf, &parts, 20));
    }
}
