//! `.eh_frame`: call-frame records. Each input section is split into CIE and FDE records; an FDE
//! whose function was discarded (a losing comdat copy, or garbage) is dropped, since its relocation
//! would point nowhere. The output keeps every CIE and every live FDE in input order, rewrites each
//! FDE's CIE pointer for its new position, and ends with the zero terminator that linear readers
//! (`__register_frame_info`) need. `.eh_frame_hdr` indexes the live FDEs by start address.

use crate::bail;
use crate::context::{InputFile, Link};
use crate::elf::*;
use crate::error::Result;
use crate::object::{ObjectFile, SecKind};
use rayon::prelude::*;

#[derive(Clone, Copy, Debug)]
pub struct EhRecord {
    /// Offset in the input section, and total size including the length field.
    pub offset: u32,
    pub size: u32,
    pub is_cie: bool,
    pub live: bool,
    /// For an FDE: input offset of its CIE.
    pub cie_offset: u32,
    /// Relocations that fall inside the record: `relocs[rel_start..rel_end]`.
    pub rel_start: u32,
    pub rel_end: u32,
    /// Offset of the record within this section's part of the output, once sized.
    pub out_offset: u32,
}

pub struct EhSection {
    pub shndx: u32,
    pub records: Vec<EhRecord>,
    /// Offset of this section's records within the output `.eh_frame`.
    pub out_offset: u64,
    pub out_size: u64,
}

/// How many records the length fields of `d` delimit, up to a terminator or anything malformed
/// (which parsing then reports).
fn count_records(d: &[u8]) -> usize {
    let (mut n, mut pos) = (0, 0usize);
    while pos + 4 <= d.len() {
        let len = get_u32(d, pos) as usize;
        if len == 0 || len == 0xffff_ffff {
            break;
        }
        n += 1;
        pos = pos.saturating_add(len + 4);
    }
    n
}

/// Splits every `.eh_frame` of a linked object into records.
pub fn parse(o: &mut ObjectFile) -> Result<()> {
    let mut out = Vec::new();
    for (si, s) in o.sections.iter().enumerate() {
        if s.kind != SecKind::EhFrame {
            continue;
        }
        let d = o.sec_data(si);
        // Counted first (a walk over the length fields), so that the list is allocated once:
        // grown by doubling, the lists of a large C++ link's 300,000 records faulted in twice
        // the memory they keep.
        let mut records = Vec::with_capacity(count_records(d));
        let mut pos = 0usize;
        let rels = o.sec_relocs(si);
        if rels
            .windows(2)
            .any(|w| w[0].r_offset.get(LE) > w[1].r_offset.get(LE))
        {
            bail!("{}: .eh_frame relocations are not sorted by offset", o.name);
        }
        let mut ri = 0usize;
        while pos + 4 <= d.len() {
            let len = get_u32(d, pos) as usize;
            if len == 0 {
                // A terminator ends the section's records (crtend.o's __FRAME_END__).
                break;
            }
            if len == 0xffff_ffff {
                bail!("{}: 64-bit .eh_frame records are not supported", o.name);
            }
            let size = len + 4;
            if pos + size > d.len() || len < 4 {
                bail!("{}: .eh_frame record at offset {pos} is truncated", o.name);
            }
            let id = get_u32(d, pos + 4);
            let is_cie = id == 0;
            let cie_offset = if is_cie {
                pos as u32
            } else {
                match (pos + 4).checked_sub(id as usize) {
                    Some(c) => c as u32,
                    None => bail!(
                        "{}: .eh_frame FDE at offset {pos} has a bad CIE pointer",
                        o.name
                    ),
                }
            };
            while ri < rels.len() && (rels[ri].r_offset.get(LE) as usize) < pos {
                ri += 1;
            }
            let rel_start = ri;
            while ri < rels.len() && (rels[ri].r_offset.get(LE) as usize) < pos + size {
                ri += 1;
            }
            records.push(EhRecord {
                offset: pos as u32,
                size: size as u32,
                is_cie,
                live: true,
                cie_offset,
                rel_start: rel_start as u32,
                rel_end: ri as u32,
                out_offset: 0,
            });
            pos += size;
        }
        // Records are in offset order: each FDE's CIE must be one of them.
        for r in records.iter().filter(|r| !r.is_cie) {
            let found = records
                .binary_search_by_key(&r.cie_offset, |c| c.offset)
                .is_ok_and(|i| records[i].is_cie);
            if !found {
                bail!(
                    "{}: .eh_frame FDE at offset {} points to a missing CIE",
                    o.name,
                    r.offset
                );
            }
        }
        out.push(EhSection {
            shndx: si as u32,
            records,
            out_offset: 0,
            out_size: 0,
        });
    }
    o.eh_frame = out;
    Ok(())
}

/// Decides which FDEs survive: those whose function's section is in the output. Before relocation
/// scanning, which reads only live records (a dead FDE refers to a discarded function).
pub fn mark_live(link: &mut Link) {
    // Which FDEs survive depends on other files' sections (a global function symbol), so decide
    // with shared access first, then record it per file.
    let live: Vec<Vec<Vec<bool>>> = link
        .files
        .par_iter()
        .map(|f| match f {
            InputFile::Object(o) if o.is_alive() => o
                .eh_frame
                .iter()
                .map(|eh| {
                    let rels = o.sec_relocs(eh.shndx as usize);
                    eh.records
                        .iter()
                        .map(|r| r.is_cie || fde_target_live(link, o, r, rels))
                        .collect()
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    link.files
        .par_iter_mut()
        .zip(live.into_par_iter())
        .for_each(|(f, live)| {
            if let InputFile::Object(o) = f {
                for (eh, live) in o.eh_frame.iter_mut().zip(live) {
                    for (r, live) in eh.records.iter_mut().zip(live) {
                        r.live = live;
                    }
                }
            }
        });
}

/// Sizes each section's share of the output `.eh_frame`, after `start` bytes of synthetic
/// records. Returns the total size including the terminator, and the number of FDEs.
pub fn finalize(link: &mut Link, start: u64) -> (u64, u64) {
    let sizes: Vec<(u64, u64)> = link
        .files
        .par_iter_mut()
        .map(|f| {
            let InputFile::Object(o) = f else {
                return (0, 0);
            };
            let mut total = 0u64;
            let mut fdes = 0u64;
            for eh in o.eh_frame.iter_mut() {
                let mut off = 0u32;
                for r in eh.records.iter_mut() {
                    // Dropped records keep the offset of whatever follows them.
                    r.out_offset = off;
                    if r.live {
                        off += r.size;
                        if !r.is_cie {
                            fdes += 1;
                        }
                    }
                }
                eh.out_size = off as u64;
                total += off as u64;
            }
            (total, fdes)
        })
        .collect();
    // Synthetic records (the PLT's CIE and FDE) come first.
    let mut off = start;
    let mut fdes = (start > 0) as u64;
    for (f, (_, n)) in link.files.iter_mut().zip(sizes) {
        if let InputFile::Object(o) = f {
            for eh in o.eh_frame.iter_mut() {
                eh.out_offset = off;
                off += eh.out_size;
            }
        }
        fdes += n;
    }
    (off + 4, fdes)
}

/// An FDE survives if the function its first relocation (at `pc_begin`) names is in the output.
fn fde_target_live(link: &Link, o: &ObjectFile, r: &EhRecord, rels: &[Rela]) -> bool {
    let Some(rel) = rels[r.rel_start as usize..r.rel_end as usize].first() else {
        return false;
    };
    if rel.r_offset.get(LE) != r.offset as u64 + 8 {
        return false;
    }
    let Some(&id) = o.symbols.get(r_sym(rel) as usize) else {
        return false;
    };
    let s = &link.syms[id as usize];
    s.kind != crate::symbol::SymKind::Undefined && link.in_live_section(s)
}

/// Maps an input offset in an `.eh_frame` section (a symbol such as `__EH_FRAME_BEGIN__` may point
/// into one) to its offset in the output `.eh_frame`.
pub fn output_offset(o: &ObjectFile, shndx: u32, off: u64) -> u64 {
    let Some(eh) = o.eh_frame.iter().find(|e| e.shndx == shndx) else {
        return 0;
    };
    for r in &eh.records {
        if off < (r.offset + r.size) as u64 {
            if !r.live {
                return eh.out_offset + r.out_offset as u64;
            }
            return eh.out_offset
                + r.out_offset as u64
                + (off - r.offset as u64).min(r.size as u64);
        }
    }
    eh.out_offset + eh.out_size
}

/// Records describing the PLT, as GNU ld generates them: a CIE and an FDE covering `.plt`, placed
/// first in `.eh_frame`, so that profilers and backtraces taken inside a PLT stub can unwind. Empty
/// without a PLT. Addresses are left zero when `plt` is `None` (for sizing).
pub fn plt_records(link: &Link, plt: Option<(u64, u64, u64)>) -> Vec<u8> {
    if link.synth.plt.is_empty() {
        return Vec::new();
    }
    let u = link.target.plt_unwind();
    let mut v = Vec::new();
    // A record's length field, then its contents padded with DW_CFA_nop to a multiple of 8.
    let record = |v: &mut Vec<u8>, body: &[u8]| {
        let len = (body.len() + 4).next_multiple_of(8) - 4;
        v.extend_from_slice(&(len as u32).to_le_bytes());
        v.extend_from_slice(body);
        v.resize(v.len() + len - body.len(), 0);
    };
    let mut cie = vec![
        0,
        0,
        0,
        0,
        1,
        b'z',
        b'R',
        0,
        u.code_align,
        u.data_align,
        u.return_column,
    ];
    cie.extend_from_slice(&[1, DW_EH_PE_PCREL_SDATA4]);
    cie.extend_from_slice(u.cie);
    record(&mut v, &cie);
    let cie_len = v.len();
    let (plt_addr, plt_size, eh_addr) = plt.unwrap_or_default();
    // The FDE's CIE pointer is the distance back to the CIE; pc_begin is relative to its field.
    let pc_field = eh_addr + cie_len as u64 + 8;
    let mut fde = ((cie_len + 4) as u32).to_le_bytes().to_vec();
    fde.extend_from_slice(&(plt_addr.wrapping_sub(pc_field) as u32).to_le_bytes());
    fde.extend_from_slice(&(plt_size as u32).to_le_bytes());
    fde.push(0);
    if link.synth.lazy_plt {
        fde.extend_from_slice(u.lazy_fde);
    }
    record(&mut v, &fde);
    v
}

/// The offset of the PLT's FDE in `.eh_frame` (its CIE comes first).
pub fn plt_fde_offset(records: &[u8]) -> u64 {
    u32::from_le_bytes(records[..4].try_into().unwrap()) as u64 + 4
}

/// Pointer encoding of the synthetic records: PC-relative, signed 4 bytes.
pub const DW_EH_PE_PCREL_SDATA4: u8 = 0x1b;
