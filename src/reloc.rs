//! The relocation model, shared by every target and every output kind.
//!
//! A target classifies each of its relocation types into an [`Expr`] (what value it computes:
//! absolute, PC-relative, through the GOT, a TLS model, ...) and the width of the field it writes.
//! [`decide`] then says, once, what a relocation becomes for its symbol in this output: written
//! directly, through a GOT slot or a PLT entry, relaxed to a cheaper sequence, turned into a
//! dynamic relocation, or an error. Scanning (which counts GOT slots, PLT entries and dynamic
//! relocations), checking (which finds every error writing could meet, before the output is
//! touched) and applying all call the same [`decide`] and [`value`], so what was planned and what
//! is written cannot disagree. The target keeps only what is its own: type numbers, field
//! encodings, instruction rewrites for relaxations, PLT code.

use crate::arch::{Arch, DynRelOut};
use crate::context::{Link, OutputKind};
use crate::elf::*;
use crate::error::{Error, Result};
use crate::object::{InputSection, NONE, ObjectFile, SecKind};
use crate::symbol::*;

/// What a relocation computes. S: the symbol's address, A: the addend, P: the place, L: the
/// symbol's PLT entry (or S), G: its GOT slot, GOT: the GOT base, TP: the thread pointer, Z: the
/// symbol's size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expr {
    /// Nothing (`R_*_NONE`).
    None,
    /// S + A.
    Abs,
    /// S + A - P.
    Pc,
    /// L + A - P (a call).
    Plt,
    /// L + A - GOT.
    PltOff,
    /// G + A - P (a GOT load; relaxable when the target says the instruction allows it).
    Got,
    /// G + A - GOT.
    GotOff,
    /// S + A - GOT.
    SymGotOff,
    /// GOT + A - P.
    GotBase,
    /// Z + A.
    Size,
    /// S + A - TP (local-exec TLS).
    TpOff,
    /// S + A - the module's TLS block (its offset inside the block).
    DtpOff,
    /// The GOT slot holding S's TP offset, PC-relative (initial-exec TLS).
    GotTp,
    /// The GOT pair (module, offset), PC-relative (general-dynamic TLS).
    TlsGd,
    /// The GOT pair for this module, PC-relative (local-dynamic TLS).
    TlsLd,
    /// The GOT TLS descriptor, PC-relative.
    TlsDesc,
    /// The call through a TLS descriptor (a marker: nothing is written unless relaxed).
    TlsDescCall,
    /// The module id (a data word).
    DtpMod,
}

/// A target relocation type, as the generic code sees it.
#[derive(Clone, Copy, Debug)]
pub struct RelType {
    pub expr: Expr,
    /// Bytes of the field the value goes to (checked against the section at scan time).
    pub size: u8,
}

/// The TLS sequences a target rewrites when an access model is relaxed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsRelax {
    GdToLe,
    GdToIe,
    LdToLe,
    IeToLe,
    DescToLe,
    DescToIe,
    DescCallToLe,
    DescCallToIe,
}

/// What [`decide`] makes of one relocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Compute the value from final addresses and write it.
    Direct,
    /// Write S + A and emit a relative dynamic relocation (position-independent output).
    Relative,
    /// Write A and emit a dynamic relocation naming the symbol.
    Symbolic,
    /// Go through the symbol's GOT slot.
    ViaGot,
    /// A GOT load rewritten to compute the address itself.
    RelaxGot,
    /// A TLS sequence rewritten to a cheaper model.
    Relax(TlsRelax),
    /// Initial-exec through the symbol's TP-offset GOT slot.
    GotTp,
    /// General-dynamic through the symbol's GOT pair.
    TlsGd,
    /// Local-dynamic through this module's GOT pair.
    TlsLd,
    /// Through the symbol's TLS descriptor.
    TlsDesc,
    /// A module id in data, made by a dynamic relocation.
    DynDtpMod,
    /// Cannot be represented in this output.
    Error(Unrepresentable),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unrepresentable {
    /// A non-PIC reference in position-independent output.
    NotPic,
    /// Local-exec TLS in a shared object.
    TpOffInShared,
}

/// Whether the dynamic loader may bind the symbol to another module's definition: it comes from
/// a shared library, is left undefined for the loader, or is exported by a shared object without
/// being bound locally.
#[inline]
pub fn preemptible(s: &Symbol) -> bool {
    s.imported || s.preemptible
}

/// Can a GOT load of `s` compute the address directly instead (its value is known at link time
/// up to the image's load address)?
fn direct_address(link: &Link, s: &Symbol) -> bool {
    if preemptible(s) || s.is_ifunc() {
        return false;
    }
    match s.kind {
        SymKind::Section | SymKind::Common | SymKind::Linker => true,
        // Zero (or an absolute value) is reachable PC-relatively only when the image is not
        // relocated.
        SymKind::Undefined | SymKind::Abs => !link.is_pic(),
        SymKind::Dso => false,
    }
}

/// Whether a relative relocation at `off` in `sec` goes to `.relr.dyn` (`-z pack-relative-relocs`):
/// RELR encodes only word-aligned places, and a section aligned to a word keeps an aligned offset
/// aligned wherever layout puts it. Scanning and writing both ask this, so they agree.
#[inline]
pub fn packed_place(link: &Link, sec: &InputSection, off: u64) -> bool {
    link.packs_relative() && sec.align() >= 8 && off.is_multiple_of(8)
}

/// The decision for one relocation, with what scanning must record for it.
#[derive(Clone, Copy, Debug)]
pub struct Decision {
    pub plan: Plan,
    /// Flags the symbol needs (GOT slot, PLT entry, copy relocation, ...).
    pub needs: u32,
    /// Following relocations the rewrite consumes (a relaxed call to `__tls_get_addr`).
    pub consumes: usize,
}

impl Decision {
    fn of(plan: Plan) -> Decision {
        Decision {
            plan,
            needs: 0,
            consumes: 0,
        }
    }
    fn needs(plan: Plan, needs: u32) -> Decision {
        Decision {
            plan,
            needs,
            consumes: 0,
        }
    }
}

/// The one table: what relocation `rel` (at `off` in `data`, the section's input bytes) becomes
/// for symbol `s` in this output.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    link: &Link,
    target: &dyn Arch,
    ty: u32,
    rel: RelType,
    s: &Symbol,
    data: &[u8],
    off: usize,
    addend: i64,
) -> Decision {
    let exe = link.is_exe();
    let pic = link.is_pic();
    let pre = preemptible(s);
    // A preemptible IFUNC is an ordinary import to this module: the loader runs its resolver.
    let ifunc = s.is_ifunc() && !pre;
    // An executable's reference to a library symbol it cannot reach through the GOT: a function
    // gets a canonical PLT entry (its address in this program), data is copied into the program.
    let copy_or_cplt = |s: &Symbol| {
        if s.ty == STT_FUNC || s.ty == STT_GNU_IFUNC {
            NEEDS_PLT | NEEDS_CPLT
        } else {
            NEEDS_COPYREL
        }
    };
    match rel.expr {
        Expr::None => Decision::of(Plan::Direct),
        Expr::Abs => {
            let word = rel.size == 8;
            if ifunc {
                // The address is the canonical PLT entry, an ordinary local address.
                let plan = match (pic, word) {
                    (false, _) => Plan::Direct,
                    (true, true) => Plan::Relative,
                    (true, false) => Plan::Error(Unrepresentable::NotPic),
                };
                return Decision::needs(plan, NEEDS_PLT | NEEDS_CPLT);
            }
            if pre {
                if s.kind == SymKind::Undefined {
                    // Left for the loader: a word can say so; a narrower field holds zero.
                    return if pic && word {
                        Decision::needs(Plan::Symbolic, NEEDS_DYNSYM)
                    } else {
                        Decision::of(Plan::Direct)
                    };
                }
                if link.kind == OutputKind::Exec {
                    return Decision::needs(Plan::Direct, copy_or_cplt(s));
                }
                return if word {
                    Decision::needs(Plan::Symbolic, NEEDS_DYNSYM)
                } else {
                    Decision::of(Plan::Error(Unrepresentable::NotPic))
                };
            }
            if s.kind == SymKind::Abs || s.kind == SymKind::Undefined || !pic {
                Decision::of(Plan::Direct)
            } else if word {
                Decision::of(Plan::Relative)
            } else {
                Decision::of(Plan::Error(Unrepresentable::NotPic))
            }
        }
        Expr::Pc => {
            if ifunc {
                Decision::needs(Plan::Direct, NEEDS_PLT | NEEDS_CPLT)
            } else if pre && s.kind != SymKind::Undefined {
                if exe {
                    Decision::needs(Plan::Direct, copy_or_cplt(s))
                } else {
                    Decision::of(Plan::Error(Unrepresentable::NotPic))
                }
            } else {
                Decision::of(Plan::Direct)
            }
        }
        Expr::Plt | Expr::PltOff => {
            if pre || ifunc {
                Decision::needs(Plan::Direct, NEEDS_PLT)
            } else {
                Decision::of(Plan::Direct)
            }
        }
        Expr::Got => {
            if target.got_relaxable(ty, data, off, addend) && direct_address(link, s) {
                Decision::of(Plan::RelaxGot)
            } else if ifunc {
                Decision::needs(Plan::ViaGot, NEEDS_GOT | NEEDS_PLT | NEEDS_CPLT)
            } else {
                Decision::needs(Plan::ViaGot, NEEDS_GOT)
            }
        }
        Expr::GotOff => {
            let extra = if ifunc { NEEDS_PLT | NEEDS_CPLT } else { 0 };
            Decision::needs(Plan::ViaGot, NEEDS_GOT | extra)
        }
        Expr::SymGotOff | Expr::GotBase | Expr::Size => Decision::of(Plan::Direct),
        Expr::TpOff => {
            if exe {
                Decision::of(Plan::Direct)
            } else {
                Decision::of(Plan::Error(Unrepresentable::TpOffInShared))
            }
        }
        Expr::DtpOff => Decision::of(Plan::Direct),
        Expr::GotTp => {
            if exe && !pre && target.tls_relaxable(TlsRelax::IeToLe, ty, data, off) {
                Decision::of(Plan::Relax(TlsRelax::IeToLe))
            } else {
                Decision::needs(Plan::GotTp, NEEDS_GOTTP)
            }
        }
        Expr::TlsGd => {
            let consumes = target.tls_call_relocs();
            match (exe, pre) {
                (true, false) => Decision {
                    consumes,
                    ..Decision::of(Plan::Relax(TlsRelax::GdToLe))
                },
                (true, true) => Decision {
                    consumes,
                    ..Decision::needs(Plan::Relax(TlsRelax::GdToIe), NEEDS_GOTTP)
                },
                (false, _) => Decision::needs(Plan::TlsGd, NEEDS_TLSGD),
            }
        }
        Expr::TlsLd => {
            if exe {
                Decision {
                    consumes: target.tls_call_relocs(),
                    ..Decision::of(Plan::Relax(TlsRelax::LdToLe))
                }
            } else {
                Decision::of(Plan::TlsLd)
            }
        }
        Expr::TlsDesc => match (exe, pre) {
            (true, false) => Decision::of(Plan::Relax(TlsRelax::DescToLe)),
            (true, true) => Decision::needs(Plan::Relax(TlsRelax::DescToIe), NEEDS_GOTTP),
            (false, _) => Decision::needs(Plan::TlsDesc, NEEDS_TLSDESC),
        },
        Expr::TlsDescCall => match (exe, pre) {
            (true, false) => Decision::of(Plan::Relax(TlsRelax::DescCallToLe)),
            (true, true) => Decision::of(Plan::Relax(TlsRelax::DescCallToIe)),
            (false, _) => Decision::of(Plan::Direct),
        },
        Expr::DtpMod => {
            if exe {
                Decision::of(Plan::Direct)
            } else {
                Decision::needs(Plan::DynDtpMod, if pre { NEEDS_DYNSYM } else { 0 })
            }
        }
    }
}

/// What scanning one section found, beyond the flags it sets on symbols.
#[derive(Default)]
pub struct ScanResult {
    /// Dynamic relocations this section will emit into `.rela.dyn`.
    pub dynrels: u32,
    /// Relative relocations packed into `.relr.dyn` instead: (section, offset in it).
    pub packed: Vec<(u32, u64)>,
    /// How many of them are relative (they go first in `.rela.dyn`, counted by DT_RELACOUNT).
    pub relative: u32,
    /// Undefined symbols referenced (symbol ids), for the error report.
    pub undefined: Vec<u32>,
    pub errors: Vec<String>,
    /// The section uses the local-dynamic TLS module slot.
    pub needs_tlsld: bool,
    /// A dynamic relocation lands in a read-only section: GNU ld's note naming the first one.
    pub textrel: Option<String>,
    /// What the section's narrow fields can hold, for [`NarrowRefs::may_overflow`].
    pub narrow: NarrowRefs,
}

/// What scanning saw of relocations into fields narrower than a word: enough to tell, once
/// addresses are known, whether any of them could overflow, without reading them again. A value
/// computed from addresses in the image is bounded by the image's span plus the addend, so only
/// the addends (per type), the absolute symbols referenced and values no layout bounds (a
/// symbol's size) need recording.
#[derive(Default, Clone, Debug)]
pub struct NarrowRefs {
    /// (type, is absolute, least addend, greatest addend).
    pub types: Vec<(u32, bool, i64, i64)>,
    /// Least and greatest value of an absolute symbol referenced.
    pub abs_syms: Option<(u64, u64)>,
    /// A value layout does not bound: the relocations must be checked one by one.
    pub unbounded: bool,
}

impl NarrowRefs {
    fn add(&mut self, ty: u32, absolute: bool, addend: i64) {
        match self.types.iter_mut().find(|t| t.0 == ty && t.1 == absolute) {
            Some(t) => {
                t.2 = t.2.min(addend);
                t.3 = t.3.max(addend);
            }
            None => self.types.push((ty, absolute, addend, addend)),
        }
    }

    fn add_abs_sym(&mut self, v: u64) {
        let (lo, hi) = self.abs_syms.unwrap_or((v, v));
        self.abs_syms = Some((lo.min(v), hi.max(v)));
    }

    pub fn merge(&mut self, other: &NarrowRefs) {
        for &(ty, abs, lo, hi) in &other.types {
            self.add(ty, abs, lo);
            self.add(ty, abs, hi);
        }
        if let Some((lo, hi)) = other.abs_syms {
            self.add_abs_sym(lo);
            self.add_abs_sym(hi);
        }
        self.unbounded |= other.unbounded;
    }

    /// Whether some narrow field could receive a value it cannot hold, given that every address
    /// the link computes lies in `[lo, hi]` (the image, address zero and the absolute symbols).
    pub fn may_overflow(&self, target: &dyn Arch, lo: u64, hi: u64) -> bool {
        if self.unbounded {
            return true;
        }
        let (lo, hi) = match self.abs_syms {
            Some((a, b)) => (lo.min(a), hi.max(b)),
            None => (lo, hi),
        };
        // Relaxed sequences adjust the value by a few bytes (the field's place in the rewrite).
        const SLACK: i128 = 16;
        let (lo, hi) = (lo as i128, hi as i128);
        self.types.iter().any(|&(ty, absolute, amin, amax)| {
            let (vmin, vmax) = if absolute {
                (lo + amin as i128, hi + amax as i128)
            } else {
                let span = hi - lo + SLACK;
                (-span + amin as i128, span + amax as i128)
            };
            let fits = |v: i128| i64::try_from(v).is_ok_and(|v| target.fits(ty, v as u64));
            !(fits(vmin) && fits(vmax))
        })
    }
}

pub fn sym_desc(link: &Link, id: u32) -> String {
    match link.sym_name(id) {
        b"" => "a local symbol".to_string(),
        name => format!("`{}'", demangle(name)),
    }
}

/// GNU ld's wording for a relocation this output cannot hold.
fn unrepresentable(
    link: &Link,
    target: &dyn Arch,
    o: &ObjectFile,
    shndx: usize,
    ty: u32,
    id: u32,
    why: Unrepresentable,
) -> String {
    let what = match (why, link.kind) {
        (Unrepresentable::TpOffInShared, _) | (_, OutputKind::Shared) => {
            "can not be used when making a shared object; recompile with -fPIC"
        }
        _ => "can not be used when making a PIE object; recompile with -fPIE",
    };
    format!(
        "{}: relocation {} against {} in section {} {what}",
        o.name,
        target.reloc_name(ty),
        sym_desc(link, id),
        name_str(o.sec_name(shndx))
    )
}

/// Reads every relocation of an allocated section once: records what each symbol needs, counts
/// the section's dynamic relocations, and finds every error that does not depend on addresses
/// (unsupported types, fields outside the section, instructions a relaxation cannot rewrite).
pub fn scan_section(link: &Link, o: &ObjectFile, shndx: usize, out: &mut ScanResult) {
    scan_relocs(link, o, shndx, o.sec_relocs(shndx), None, out)
}

/// How many relocations ahead the loops below ask for the symbol record a relocation refers to.
const PREFETCH_AHEAD: usize = 8;

/// Starts loading the symbol record that relocation `r` refers to. Relocations of a large link
/// refer to symbols all over a table of tens of MiB, so nearly every record is a cache miss; the
/// relocations themselves are read in order, which lets the loops ask for the records of the next
/// few while they work on this one, instead of waiting for each miss in turn.
#[inline(always)]
fn prefetch_symbol(link: &Link, o: &ObjectFile, r: Option<&Rela>) {
    if let Some(r) = r
        && let Some(&id) = o.symbols.get(r_sym(r) as usize)
        && let Some(s) = link.syms.get(id as usize)
    {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: prefetching is a hint; it never faults, and the address is a valid reference.
        unsafe {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            _mm_prefetch::<_MM_HINT_T0>((s as *const crate::symbol::Symbol).cast());
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = s;
    }
}

/// Scans `rels`, relocations of section `shndx`: all of them, or the run of one `.eh_frame`
/// record, given as `record` (its offset and size), which each relocation's field must lie in:
/// the record is written on its own, wherever it lands in the output.
pub fn scan_relocs(
    link: &Link,
    o: &ObjectFile,
    shndx: usize,
    rels: &[Rela],
    record: Option<(usize, usize)>,
    out: &mut ScanResult,
) {
    let target = link.target;
    let sec = &o.sections[shndx];
    let data = o.sec_data(shndx);
    // A record lies inside the section (checked when `.eh_frame` was parsed).
    let (start, end) = record.map_or((0, data.len()), |(at, size)| (at, at + size));
    let writable = sec.flags() & SHF_WRITE as u64 != 0;
    let mut i = 0;
    while i < rels.len() {
        let r = &rels[i];
        prefetch_symbol(link, o, rels.get(i + PREFETCH_AHEAD));
        i += 1;
        let ty = r_type(r);
        let Some(rel) = target.classify(ty) else {
            out.errors.push(format!(
                "{}: unsupported relocation {} in section {}",
                o.name,
                target.reloc_name(ty),
                name_str(o.sec_name(shndx))
            ));
            continue;
        };
        // Writing indexes the symbol and the place of every relocation scanned: both are checked
        // here, where the relocation is read first.
        let Some(&id) = o.symbols.get(r_sym(r) as usize) else {
            out.errors.push(format!(
                "{}: relocation {} in section {} refers to symbol {}, past the end of the symbol table",
                o.name,
                i - 1,
                name_str(o.sec_name(shndx)),
                r_sym(r)
            ));
            continue;
        };
        if rel.expr == Expr::None {
            continue;
        }
        let s = &link.syms[id as usize];
        if s.kind == SymKind::Undefined
            && s.bind != STB_WEAK
            && id != link.null_sym
            && link.undefined_is_error()
        {
            out.undefined.push(id);
        }
        if s.kind == SymKind::Section && s.is_local && !o.sections[s.shndx as usize].is_live() {
            out.errors.push(format!(
                "{}: relocation in {} refers to a symbol in discarded section {}",
                o.name,
                name_str(o.sec_name(shndx)),
                name_str(o.sec_name(s.shndx as usize))
            ));
            continue;
        }
        let off = r.r_offset.get(LE) as usize;
        if off < start || off.checked_add(rel.size as usize).is_none_or(|e| e > end) {
            let what = match record {
                Some((at, size)) => format!("its record (offset {at:#x}, {size} bytes) in"),
                None => "section".into(),
            };
            out.errors.push(format!(
                "{}: relocation {} at offset {off:#x} is outside {what} {}",
                o.name,
                target.reloc_name(ty),
                name_str(o.sec_name(shndx))
            ));
            continue;
        }
        let addend = r.r_addend.get(LE);
        let d = decide(link, target, ty, rel, s, data, off, addend);
        s.add_flags(d.needs);
        // Asked for, an undefined weak symbol is in .dynsym even where the reference cannot be
        // bound later (non-PIC code), as GNU ld lists it.
        if s.kind == SymKind::Undefined
            && s.imported
            && link.cfg.dynamic_undefined_weak == Some(true)
        {
            s.add_flags(NEEDS_DYNSYM);
        }
        if d.needs & NEEDS_COPYREL != 0 && s.kind == SymKind::Dso {
            // A copy would split a protected variable in two: the library keeps using its own.
            let dso = link.dso(s.file);
            if st_visibility(&dso.dynsym[s.idx as usize]) == STV_PROTECTED {
                out.errors.push(format!(
                    "{}: copy relocation against non-copyable protected symbol {} in {}",
                    o.name,
                    sym_desc(link, id),
                    dso.name
                ));
            }
        }
        if rel.size < 8 {
            record_narrow(&mut out.narrow, ty, rel.expr, d.plan, s, addend);
        }
        match d.plan {
            Plan::Error(why) => out
                .errors
                .push(unrepresentable(link, target, o, shndx, ty, id, why)),
            Plan::Relax(kind) => {
                if let Err(e) = target.tls_check(kind, ty, data, off, rels.get(i)) {
                    out.errors.push(format!(
                        "{}: {e} (in section {})",
                        o.name,
                        name_str(o.sec_name(shndx))
                    ));
                }
            }
            Plan::TlsLd => out.needs_tlsld = true,
            Plan::Relative | Plan::Symbolic | Plan::DynDtpMod => {
                if d.plan == Plan::Relative && packed_place(link, sec, off as u64) {
                    out.packed.push((shndx as u32, off as u64));
                } else {
                    out.dynrels += 1;
                    out.relative += (d.plan == Plan::Relative) as u32;
                }
                if !writable && out.textrel.is_none() {
                    out.textrel = Some(format!(
                        "{}: relocation against {} in read-only section `{}'",
                        o.name,
                        sym_desc(link, id),
                        name_str(o.sec_name(shndx))
                    ));
                }
            }
            _ => {}
        }
        i += d.consumes;
    }
}

fn record_narrow(n: &mut NarrowRefs, ty: u32, expr: Expr, plan: Plan, s: &Symbol, addend: i64) {
    match (plan, expr) {
        (Plan::Error(_), _) | (_, Expr::None | Expr::TlsDescCall | Expr::DtpMod) => {}
        (_, Expr::Size) => n.unbounded = true,
        _ => {
            // An address, or a difference of two; an absolute symbol's value is one of them.
            if s.kind == SymKind::Abs {
                n.add_abs_sym(s.value);
            }
            n.add(ty, plan == Plan::Direct && expr == Expr::Abs, addend)
        }
    }
}

/// The address a relocation refers to: the symbol's final address, except for section symbols of
/// merged and `.eh_frame` sections, where the addend says which piece is meant. Returns the address
/// and the addend still to add.
#[inline]
pub fn target_address(link: &Link, o: &ObjectFile, s: &Symbol, addend: i64) -> (u64, i64) {
    if s.is_local && s.kind == SymKind::Section && s.ty == STT_SECTION {
        let sec = &o.sections[s.shndx as usize];
        match sec.kind {
            SecKind::Merge => {
                let slot = o.merge_slot(s.shndx);
                let g = &link.layout.merge_groups[slot.group as usize];
                if g.out == NONE {
                    return (0, 0);
                }
                let at = crate::merge::locate(slot, s.value.wrapping_add(addend as u64));
                let base = link.layout.sections[g.out as usize].addr + g.offset;
                return (base.wrapping_add(at), 0);
            }
            SecKind::EhFrame => {
                let off =
                    crate::eh_frame::output_offset(o, s.shndx, s.value.wrapping_add(addend as u64));
                return (link.layout.eh_frame_addr().wrapping_add(off), 0);
            }
            _ => {}
        }
    }
    (s.value, addend)
}

/// Where relocated bytes go: the output image (with this section's runs of `.rela.dyn`), or
/// nowhere, when only checking that every value fits before the output is touched.
pub enum Out<'a> {
    Write {
        buf: &'a mut [u8],
        /// The input offset of `buf[0]`.
        base: u64,
        dynrel: DynRelOut<'a>,
    },
    /// Only check; `base` as for `Write`.
    Check { base: u64 },
}

/// Applies (or checks) the relocations `rels` of allocated section `shndx`, placed at `addr` (the
/// output address of input offset `base`).
pub fn relocate_alloc(
    link: &Link,
    o: &ObjectFile,
    shndx: usize,
    rels: &[Rela],
    addr: u64,
    mut out: Out<'_>,
) -> Result<()> {
    let target = link.target;
    let sec = &o.sections[shndx];
    let data = o.sec_data(shndx);
    let lay = &link.layout;
    let dt = target.dynrel();
    let base = match &out {
        Out::Write { base, .. } | Out::Check { base } => *base,
    };
    let mut i = 0;
    while i < rels.len() {
        let r = &rels[i];
        prefetch_symbol(link, o, rels.get(i + PREFETCH_AHEAD));
        i += 1;
        let ty = r_type(r);
        let Some(rel) = target.classify(ty) else {
            continue; // reported by scanning
        };
        if rel.expr == Expr::None {
            continue;
        }
        let id = o.symbols[r_sym(r) as usize];
        let s = &link.syms[id as usize];
        let in_off = r.r_offset.get(LE) as usize;
        let off = in_off - base as usize;
        let p = addr.wrapping_add(off as u64);
        let addend = r.r_addend.get(LE);
        let d = decide(link, target, ty, rel, s, data, in_off, addend);
        i += d.consumes;
        let (sv, a) = target_address(link, o, s, addend);
        let a_u = a as u64;
        let aux = (s.aux != NONE).then(|| &link.aux[s.aux as usize]);
        // Scanning planned every slot a decision uses; a missing one is a bug, reported as such.
        let slot = |which: fn(&SymAux) -> u32| -> Result<u64> {
            match aux.map(which) {
                Some(k) if k != NONE => Ok(lay.got_addr + 8 * k as u64),
                _ => Err(Error(format!(
                    "{}: internal error: relocation {} against {} in section {} has no GOT entry",
                    o.name,
                    target.reloc_name(ty),
                    sym_desc(link, id),
                    name_str(o.sec_name(shndx))
                ))),
            }
        };
        // A symbol with a PLT entry is called (and, for IFUNCs, addressed) through it.
        let plt = aux
            .filter(|x| x.plt != NONE)
            .map(|x| lay.plt_entry_addr(x.plt));
        let sym_addr = if s.is_ifunc() { plt.unwrap_or(sv) } else { sv };
        let overflow = |v: u64| -> Error {
            let range = target.field_range(ty);
            let target_name = match link.sym_name(id) {
                b"" => "a local symbol".to_string(),
                name => format!("'{}'", demangle(name)),
            };
            Error(format!(
                "{}:({}+{:#x}): relocation {} out of range: {} is not in [{}, {}]; references {target_name}",
                o.name,
                name_str(o.sec_name(shndx)),
                in_off,
                target.reloc_name(ty),
                v as i64,
                range.0,
                range.1
            ))
        };
        // Writes the value with the target's `$write` (or, only checking, asks `$fits` whether it
        // would fit); either failing is an overflow.
        macro_rules! put {
            ($v:expr, $write:ident($what:expr), $fits:ident) => {{
                let v: u64 = $v;
                let ok = match &mut out {
                    Out::Write { buf, .. } => target.$write($what, buf, off, v),
                    Out::Check { .. } => target.$fits($what, v),
                };
                if !ok {
                    return Err(overflow(v));
                }
            }};
        }
        macro_rules! field {
            ($v:expr) => {
                put!($v, write_field(ty), fits)
            };
        }
        macro_rules! dynrel {
            ($relative:expr, $sym:expr, $ty:expr, $addend:expr) => {{
                if let Out::Write { dynrel, .. } = &mut out
                    && !dynrel.push($relative, p, $sym, $ty, $addend)
                {
                    return Err(Error(format!(
                        "{}: internal error: more dynamic relocations in section {} than planned",
                        o.name,
                        name_str(o.sec_name(shndx))
                    )));
                }
            }};
        }
        let got_base = lay.got_base;
        match d.plan {
            Plan::Error(_) => {
                return Err(Error(format!(
                    "{}: internal error: unrepresentable relocation reached writing",
                    o.name
                )));
            }
            Plan::Direct => {
                let v = match rel.expr {
                    Expr::None | Expr::TlsDescCall => continue,
                    Expr::Abs => sym_addr.wrapping_add(a_u),
                    Expr::Pc => sym_addr.wrapping_add(a_u).wrapping_sub(p),
                    Expr::Plt => plt.unwrap_or(sym_addr).wrapping_add(a_u).wrapping_sub(p),
                    Expr::PltOff => plt
                        .unwrap_or(sym_addr)
                        .wrapping_add(a_u)
                        .wrapping_sub(got_base),
                    Expr::SymGotOff => sym_addr.wrapping_add(a_u).wrapping_sub(got_base),
                    Expr::GotBase => got_base.wrapping_add(a_u).wrapping_sub(p),
                    Expr::Size => s.size.wrapping_add(a_u),
                    Expr::TpOff => sv.wrapping_add(a_u).wrapping_sub(lay.tls_tp),
                    // An executable relaxes local-dynamic sequences to local-exec: the module
                    // base they add these to is the thread pointer.
                    Expr::DtpOff if link.is_exe() => sv.wrapping_add(a_u).wrapping_sub(lay.tls_tp),
                    Expr::DtpOff => sv.wrapping_add(a_u).wrapping_sub(lay.tls_start),
                    Expr::DtpMod => 1,
                    Expr::Got
                    | Expr::GotOff
                    | Expr::GotTp
                    | Expr::TlsGd
                    | Expr::TlsLd
                    | Expr::TlsDesc => {
                        unreachable!("GOT and TLS-model relocations are never written directly")
                    }
                };
                field!(v);
            }
            Plan::Relative => {
                let v = sym_addr.wrapping_add(a_u);
                // A packed place holds its value, the addend `.relr.dyn` implies.
                if !packed_place(link, sec, in_off as u64) {
                    dynrel!(true, 0, dt.relative, v as i64);
                }
                field!(v);
            }
            Plan::Symbolic => {
                dynrel!(false, link.aux[s.aux as usize].dynsym, dt.abs64, a);
                field!(a_u);
            }
            Plan::ViaGot => {
                let g = slot(|x| x.got)?;
                field!(match rel.expr {
                    Expr::GotOff => g.wrapping_add(a_u).wrapping_sub(got_base),
                    _ => g.wrapping_add(a_u).wrapping_sub(p),
                });
            }
            Plan::RelaxGot => {
                put!(
                    sym_addr.wrapping_add(a_u).wrapping_sub(p),
                    relax_got(ty),
                    fits
                )
            }
            Plan::Relax(kind) => {
                // TP offset for local-exec; the TP-offset slot for initial-exec; nothing for the
                // rewritten descriptor call and module lookup (their values are in the sequence's
                // other relocation).
                let v = match kind {
                    TlsRelax::GdToIe | TlsRelax::DescToIe => {
                        slot(|x| x.gottp)?.wrapping_add(a_u).wrapping_sub(p)
                    }
                    TlsRelax::DescCallToIe | TlsRelax::DescCallToLe | TlsRelax::LdToLe => 0,
                    _ => sv.wrapping_add(a_u).wrapping_sub(lay.tls_tp),
                };
                put!(v, tls_relax(kind), tls_relax_fits);
            }
            Plan::GotTp => field!(slot(|x| x.gottp)?.wrapping_add(a_u).wrapping_sub(p)),
            Plan::TlsGd => field!(slot(|x| x.tlsgd)?.wrapping_add(a_u).wrapping_sub(p)),
            Plan::TlsDesc => field!(slot(|x| x.tlsdesc)?.wrapping_add(a_u).wrapping_sub(p)),
            Plan::TlsLd => {
                let Some(w) = link.synth.tlsld else {
                    return Err(Error(format!(
                        "{}: internal error: no local-dynamic TLS entry planned",
                        o.name
                    )));
                };
                field!(
                    (lay.got_addr + 8 * w as u64)
                        .wrapping_add(a_u)
                        .wrapping_sub(p)
                )
            }
            Plan::DynDtpMod => {
                let sym = if preemptible(s) {
                    link.aux[s.aux as usize].dynsym
                } else {
                    0
                };
                dynrel!(false, sym, dt.dtpmod64, 0);
                field!(0)
            }
        }
    }
    if let Out::Write { dynrel, .. } = &out
        && !dynrel.is_full()
    {
        return Err(Error(format!(
            "{}: internal error: fewer dynamic relocations in section {} than planned",
            o.name,
            name_str(o.sec_name(shndx))
        )));
    }
    Ok(())
}

/// Debug and other non-allocated sections: plain values; references to discarded code become a
/// tombstone (0, or 1 in the pre-DWARF5 range lists where 0 would end the list). Nothing here can
/// fail: a value too wide for its field is truncated, as GNU ld does in debug information.
pub fn relocate_nonalloc(
    link: &Link,
    o: &ObjectFile,
    shndx: usize,
    rels: &[Rela],
    buf: &mut [u8],
    base: u64,
    addr: u64,
) {
    let target = link.target;
    let sec_name = o.sec_name(shndx);
    let tombstone: u64 = if sec_name == b".debug_loc" || sec_name == b".debug_ranges" {
        1
    } else {
        0
    };
    let lay = &link.layout;
    let len = buf.len();
    // Relocations naming no symbol or no place in the section (a corrupt object) are read first
    // here, after the output is committed to: they are left out, with one warning per call (a
    // section, or each piece of a large one written in pieces).
    let mut bad = 0usize;
    for (i, r) in rels.iter().enumerate() {
        prefetch_symbol(link, o, rels.get(i + PREFETCH_AHEAD));
        let ty = r_type(r);
        let Some(rel) = target.classify(ty) else {
            continue;
        };
        let off = (r.r_offset.get(LE).wrapping_sub(base)) as usize;
        let Some(&id) = o.symbols.get(r_sym(r) as usize).filter(|_| {
            off.checked_add(rel.size as usize)
                .is_some_and(|end| end <= len)
        }) else {
            bad += 1;
            continue;
        };
        let s = &link.syms[id as usize];
        let dead = !link.in_live_section(s);
        let (sv, a) = if dead {
            (tombstone, 0)
        } else {
            target_address(link, o, s, r.r_addend.get(LE))
        };
        let a_u = a as u64;
        let v = match rel.expr {
            Expr::DtpOff if !dead => sv.wrapping_add(a_u).wrapping_sub(lay.tls_start),
            Expr::Size => s.size.wrapping_add(a_u),
            Expr::Pc => sv.wrapping_add(a_u).wrapping_sub(addr + off as u64),
            Expr::Abs | Expr::DtpOff => sv.wrapping_add(a_u),
            _ => continue,
        };
        target.write_field_truncating(ty, buf, off, v);
    }
    if bad > 0 {
        crate::error::warn(&format!(
            "{}: {bad} relocations in section {} name no symbol of the file or lie outside the section; left out",
            o.name,
            name_str(sec_name)
        ));
    }
}

/// Applies `rels` (relocations of section `shndx`, or a run of them) to `buf`, which holds the
/// section's bytes from input offset `base` on and lives at output address `addr`; an allocated
/// section writes exactly the dynamic relocations scanning planned into `dynrel`.
#[allow(clippy::too_many_arguments)]
pub fn relocate(
    link: &Link,
    o: &ObjectFile,
    shndx: usize,
    rels: &[Rela],
    buf: &mut [u8],
    base: u64,
    addr: u64,
    dynrel: DynRelOut<'_>,
) -> Result<()> {
    if o.sections[shndx].is_alloc() {
        relocate_alloc(link, o, shndx, rels, addr, Out::Write { buf, base, dynrel })
    } else {
        relocate_nonalloc(link, o, shndx, rels, buf, base, addr);
        Ok(())
    }
}
