//! Relocation scanning: every live allocated section's relocations are read once, to decide what
//! each symbol needs (GOT, PLT, copy relocation, ...) and how many dynamic relocations each section
//! emits: in parallel per file, or, with `--gc-sections`, by marking as it reaches each section
//! ([`crate::gc`]). Each section's dynamic relocations then get their own run of `.rela.dyn` by a
//! prefix sum in file order.

use crate::context::{InputFile, Link};
use crate::error::{Error, Result, warn};
use crate::object::ObjectFile;
use crate::object::{DynRelRuns, SecKind};
use crate::reloc::{ScanResult, scan_relocs, scan_section};
use crate::symbol::demangle;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// What scanning found in some set of sections, each finding keyed by (file, section): marking
/// for `--gc-sections` scans sections in the order it reaches them, not file by file, and keys
/// let findings made in any order combine into the same result.
#[derive(Default)]
pub struct Found {
    /// (file, section, relative, other) dynamic relocation counts, of sections that emit any.
    counts: Vec<(u32, u32, u32, u32)>,
    /// (file, section, offset) places packed into `.relr.dyn`.
    packed: Vec<(u32, u32, u64)>,
    /// (file, symbol) undefined symbols referenced.
    undefined: Vec<(u32, u32)>,
    errors: Vec<((u32, u32), String)>,
    /// The first relocation in each section that makes a text relocation, described.
    textrel: Vec<((u32, u32), String)>,
    /// Collects one section's findings before they are keyed; its `narrow` and `needs_tlsld`
    /// hold for every section scanned.
    scratch: ScanResult,
}

impl Found {
    /// Scans an allocated section's relocations, if it has any to scan.
    pub fn section(&mut self, link: &Link, o: &ObjectFile, i: usize) {
        let s = &o.sections[i];
        if s.kind == SecKind::Regular && s.is_alloc() && s.has_relocs() {
            scan_section(link, o, i, &mut self.scratch);
            self.key(o.id, i as u32);
        }
    }

    /// Scans the live records of an object's `.eh_frame` sections. Their findings are keyed to
    /// section 0, which nothing else is, so that they come first among the file's.
    fn eh_frame(&mut self, link: &Link, o: &ObjectFile) {
        for eh in &o.eh_frame {
            let relocs = o.sec_relocs(eh.shndx as usize);
            for r in eh.records.iter().filter(|r| r.live) {
                let rels = &relocs[r.rel_start as usize..r.rel_end as usize];
                let record = Some((r.offset as usize, r.size as usize));
                scan_relocs(link, o, eh.shndx as usize, rels, record, &mut self.scratch);
            }
            // Personality routines and LSDAs can be absolute references to library functions
            // (canonical PLT entries in -no-pie output), but a record is written wherever it
            // lands, with no dynamic relocation for it. (The error ends the link before the
            // counts keyed with it are used.)
            if self.scratch.dynrels != 0 || !self.scratch.packed.is_empty() {
                self.scratch.errors.push(format!(
                    "{}: .eh_frame needs dynamic relocations (absolute pointers in position-independent output); recompile with -fPIC",
                    o.name
                ));
            }
            self.key(o.id, 0);
        }
    }

    /// Moves what `scratch` found in section `sec` of `file` under that key.
    fn key(&mut self, file: u32, sec: u32) {
        let r = &mut self.scratch;
        if r.dynrels != 0 {
            self.counts
                .push((file, sec, r.relative, r.dynrels - r.relative));
            (r.dynrels, r.relative) = (0, 0);
        }
        self.packed
            .extend(r.packed.drain(..).map(|(sec, off)| (file, sec, off)));
        self.undefined
            .extend(r.undefined.drain(..).map(|id| (file, id)));
        self.errors
            .extend(r.errors.drain(..).map(|e| ((file, sec), e)));
        if let Some(t) = r.textrel.take() {
            self.textrel.push(((file, sec), t));
        }
    }
}

/// Scans every live allocated section. `marked` has what marking for `--gc-sections` scanned
/// of them already, as it reached them; the rest are scanned here, in parallel per file.
pub fn scan(link: &mut Link, marked: Option<Vec<Found>>) -> Result<()> {
    let sections_done = marked.is_some();
    let mut found: Vec<Found> = marked.unwrap_or_default();
    found.extend(
        crate::balance::par_files(&link.files)
            .filter_map(|(_, f)| {
                let InputFile::Object(o) = f else {
                    return None;
                };
                if !o.is_alive() {
                    return None;
                }
                let mut found = Found::default();
                // Only live records: a dead FDE refers to a discarded function.
                found.eh_frame(link, o);
                if !sections_done {
                    for i in 0..o.sections.len() {
                        found.section(link, o, i);
                    }
                }
                Some(found)
            })
            .collect::<Vec<_>>(),
    );

    let mut counts: Vec<(u32, u32, u32, u32)> = Vec::new();
    let mut packed: Vec<(u32, u32, u64)> = Vec::new();
    let mut refs: Vec<(u32, u32)> = Vec::new();
    let mut keyed_errors: Vec<((u32, u32), String)> = Vec::new();
    let mut textrels: Vec<((u32, u32), String)> = Vec::new();
    let mut narrow = crate::reloc::NarrowRefs::default();
    let mut tlsld = false;
    for f in found {
        counts.extend(f.counts);
        packed.extend(f.packed);
        refs.extend(f.undefined);
        keyed_errors.extend(f.errors);
        textrels.extend(f.textrel);
        narrow.merge(&f.scratch.narrow);
        tlsld |= f.scratch.needs_tlsld;
    }
    // Keys are unique to a section, so these orders do not depend on how the work was split.
    counts.par_sort_unstable();
    packed.par_sort_unstable();
    refs.par_sort_unstable();
    refs.dedup();
    keyed_errors.sort_by_key(|a| a.0);
    // GNU ld names the first text relocation of each file.
    textrels.sort_by_key(|a| a.0);
    textrels.dedup_by_key(|(k, _)| k.0);
    let textrel: Vec<String> = textrels.into_iter().map(|(_, t)| t).collect();

    if !keyed_errors.is_empty() {
        let mut errors: Vec<String> = keyed_errors.into_iter().map(|(_, e)| e).collect();
        errors.dedup();
        return Err(Error(errors.join("\nsolder: error: ")));
    }
    // Undefined symbols, each with the files that reference it, in first-reference order.
    let mut undefined: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut order: Vec<u32> = Vec::new();
    for &(fi, id) in &refs {
        let e = undefined.entry(id).or_default();
        if e.is_empty() {
            order.push(id);
        }
        e.push(fi);
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
    let mut runs: Vec<Vec<(u32, DynRelRuns)>> = vec![Vec::new(); link.files.len()];
    for &(file, sec, rel_count, other_count) in &counts {
        let r = DynRelRuns {
            rel_start: next_rel,
            rel_count,
            other_start: next_other,
            other_count,
        };
        // In section order, as sorted: `dynrels_of` searches it.
        runs[file as usize].push((sec, r));
        next_rel += rel_count;
        next_other += other_count;
    }
    link.files
        .par_iter_mut()
        .zip(runs.into_par_iter())
        .for_each(|(f, v)| {
            if let InputFile::Object(o) = f {
                o.dynrel_runs = v;
            }
        });
    link.synth.packed = packed;
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
