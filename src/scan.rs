//! Relocation scanning: every live allocated section's relocations are read once, in parallel per
//! file, to decide what each symbol needs (GOT, PLT, copy relocation, ...) and how many dynamic
//! relocations each section emits. Each section's dynamic relocations then get their own run of
//! `.rela.dyn` by a prefix sum in file order.

use crate::context::{InputFile, Link};
use crate::error::{Error, Result, warn};
use crate::object::{DynRelRuns, SecKind};
use crate::reloc::{ScanResult, scan_relocs, scan_section};
use crate::symbol::demangle;
use rayon::prelude::*;
use std::collections::BTreeMap;

pub fn scan(link: &mut Link) -> Result<()> {
    // Per file: (section, relative, other) dynamic relocation counts.
    type Counts = Vec<(u32, u32, u32)>;
    let results: Vec<(Counts, ScanResult)> = crate::balance::par_files(&link.files)
        .map(|(_, f)| {
            let mut counts = Vec::new();
            let mut total = ScanResult::default();
            if let InputFile::Object(o) = f
                && o.is_alive() {
                    // Only live records: a dead FDE refers to a discarded function. Personality
                    // routines and LSDAs can be absolute references to library functions
                    // (canonical PLT entries in -no-pie output).
                    for eh in &o.eh_frame {
                        let relocs = o.sec_relocs(eh.shndx as usize);
                        let before = (total.dynrels, total.packed.len());
                        for r in eh.records.iter().filter(|r| r.live) {
                            let rels = &relocs[r.rel_start as usize..r.rel_end as usize];
                            let record = Some((r.offset as usize, r.size as usize));
                            scan_relocs(link, o, eh.shndx as usize, rels, record, &mut total);
                        }
                        if (total.dynrels, total.packed.len()) != before {
                            total.errors.push(format!(
                                "{}: .eh_frame needs dynamic relocations (absolute pointers in position-independent output); recompile with -fPIC",
                                o.name
                            ));
                        }
                    }
                    for (i, s) in o.sections.iter().enumerate() {
                        if s.kind != SecKind::Regular || !s.is_alloc() || !s.has_relocs() {
                            continue;
                        }
                        let (before, before_rel) = (total.dynrels, total.relative);
                        scan_section(link, o, i, &mut total);
                        if total.dynrels != before {
                            let rel = total.relative - before_rel;
                            counts.push((i as u32, rel, total.dynrels - before - rel));
                        }
                    }
                    total.undefined.sort_unstable();
                    total.undefined.dedup();
                }
            (counts, total)
        })
        .collect();

    let mut errors: Vec<String> = Vec::new();
    // Undefined symbols, each with the files that reference it, in first-reference order.
    let mut undefined: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut order: Vec<u32> = Vec::new();
    let mut textrel: Vec<&str> = Vec::new();
    let mut narrow = crate::reloc::NarrowRefs::default();
    let mut tlsld = false;
    for (fi, (_, r)) in results.iter().enumerate() {
        errors.extend(r.errors.iter().cloned());
        tlsld |= r.needs_tlsld;
        narrow.merge(&r.narrow);
        textrel.extend(r.textrel.as_deref());
        for &id in &r.undefined {
            let e = undefined.entry(id).or_default();
            if e.is_empty() {
                order.push(id);
            }
            e.push(fi as u32);
        }
    }
    if !errors.is_empty() {
        errors.dedup();
        return Err(Error(errors.join("\nsolder: error: ")));
    }
    if !order.is_empty() && !link.cfg.unresolved_ignore {
        let mut msg = String::new();
        for (k, id) in order.iter().enumerate() {
            if k == 20 {
                msg.push_str(&format!(
                    "\nsolder: error: too many undefined symbols ({} in all)",
                    order.len()
                ));
                break;
            }
            if k > 0 {
                msg.push_str("\nsolder: error: ");
            }
            msg.push_str(&format!(
                "undefined symbol: {}",
                demangle(link.sym_name(*id))
            ));
            for &f in &undefined[id] {
                msg.push_str(&format!(
                    "\n>>> referenced by {}",
                    link.files[f as usize].name()
                ));
            }
        }
        if link.cfg.unresolved_report {
            return Err(Error(msg));
        }
        warn(&msg);
    }
    // As GNU ld: a text relocation is a warning, an error with `-z text`, silent with `-z notext`.
    if !textrel.is_empty() && link.cfg.z_text != Some(false) {
        if link.cfg.z_text == Some(true) {
            let mut msg = textrel.join("\nsolder: error: ");
            msg.push_str(
                "\nsolder: error: read-only segment has dynamic relocations; recompile with -fPIC",
            );
            return Err(Error(msg));
        }
        for t in &textrel {
            warn(&format!("{t}; recompile with -fPIC"));
        }
        warn(if link.kind == crate::context::OutputKind::Shared {
            "creating DT_TEXTREL in a shared object"
        } else {
            "creating DT_TEXTREL in a PIE"
        });
    }
    let textrel = !textrel.is_empty();

    // Give each section its two runs of .rela.dyn (relative and other), in file order.
    let (mut next_rel, mut next_other) = (0u32, 0u32);
    let mut runs: Vec<Vec<(u32, DynRelRuns)>> = Vec::with_capacity(results.len());
    for (counts, _) in &results {
        let mut v = Vec::with_capacity(counts.len());
        for &(sec, rel_count, other_count) in counts {
            let r = DynRelRuns {
                rel_start: next_rel,
                rel_count,
                other_start: next_other,
                other_count,
            };
            v.push((sec, r));
            next_rel += rel_count;
            next_other += other_count;
        }
        runs.push(v);
    }
    link.files
        .par_iter_mut()
        .zip(runs.into_par_iter())
        .for_each(|(f, v)| {
            if let InputFile::Object(o) = f {
                // In section order, as the counts were made: `dynrels_of` searches it.
                o.dynrel_runs = v;
            }
        });
    link.synth.packed = results
        .iter()
        .zip(&link.files)
        .flat_map(|((_, r), f)| {
            let file = match f {
                InputFile::Object(o) => o.id,
                _ => 0,
            };
            r.packed.iter().map(move |&(sec, off)| (file, sec, off))
        })
        .collect();
    link.synth.sec_rels = next_rel + next_other;
    link.synth.sec_relative = next_rel;
    link.synth.textrel = textrel;
    link.synth.narrow = narrow;
    // Planning gives the local-dynamic entry its place in the GOT.
    link.synth.tlsld = tlsld.then_some(0);
    Ok(())
}

/// Finds every relocation that writing would fail on (a value its field cannot hold) before the
/// output is touched, so that an existing output can be overwritten in place. Reads the
/// relocations again only when what scanning recorded cannot rule an overflow out.
/// Returns whether the relocations had to be read again.
pub fn check_fields(link: &Link) -> Result<bool> {
    let lay = &link.layout;
    let hi = lay
        .sections
        .iter()
        .filter(|s| s.flags & crate::elf::SHF_ALLOC as u64 != 0)
        .map(|s| s.addr.saturating_add(s.size))
        .chain([lay.tls_tp])
        .max()
        .unwrap_or(0);
    // Address zero (undefined weak symbols) is the low end.
    if !link.synth.narrow.may_overflow(link.target, 0, hi) {
        return Ok(false);
    }
    let errors: Vec<Error> = link
        .par_live_objects()
        .filter_map(|o| check_object(link, o).err())
        .collect();
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(true),
    }
}

fn check_object(link: &Link, o: &crate::object::ObjectFile) -> Result<()> {
    use crate::reloc::{Out, relocate_alloc};
    for eh in &o.eh_frame {
        let relocs = o.sec_relocs(eh.shndx as usize);
        for r in eh.records.iter().filter(|r| r.live) {
            let rels = &relocs[r.rel_start as usize..r.rel_end as usize];
            let addr = link.layout.eh_frame_addr() + eh.out_offset + r.out_offset as u64;
            let base = r.offset as u64;
            relocate_alloc(link, o, eh.shndx as usize, rels, addr, Out::Check { base })?;
        }
    }
    for (i, s) in o.sections.iter().enumerate() {
        if s.kind != SecKind::Regular
            || !s.is_alloc()
            || !s.has_relocs()
            || s.out == crate::object::NONE
        {
            continue;
        }
        let addr = link.layout.sections[s.out as usize].addr + s.offset;
        relocate_alloc(link, o, i, o.sec_relocs(i), addr, Out::Check { base: 0 })?;
    }
    Ok(())
}
