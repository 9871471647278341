//! x86-64 (System V psABI): relocation scanning and application, GOT/PLT code, TLS model
//! relaxations (GD/LD/IE to LE, GD to IE, TLS descriptors) and GOTPCRELX relaxation.
//!
//! An executable always relaxes TLS accesses: its own TLS block is at a fixed offset from the thread
//! pointer, so general- and local-dynamic sequences become local-exec ones, and those that reach a
//! shared library's variable become initial-exec.

use super::{Arch, DynRelOut, DynRelTypes, PltUnwind, ScanResult};
use crate::context::{Link, OutputKind};
use crate::elf::*;
use crate::error::{Error, Result};
use crate::object::{InputSection, NONE, ObjectFile, SecKind};
use crate::symbol::*;

pub struct X86_64;

const DYNREL: DynRelTypes = DynRelTypes {
    relative: R_X86_64_RELATIVE,
    irelative: R_X86_64_IRELATIVE,
    glob_dat: R_X86_64_GLOB_DAT,
    jump_slot: R_X86_64_JUMP_SLOT,
    copy: R_X86_64_COPY,
    abs64: R_X86_64_64,
    tpoff64: R_X86_64_TPOFF64,
};

// Newer relocation types the `object` crate may not name.
const R_X86_64_CODE_4_GOTPCRELX: u32 = 43;
const R_X86_64_CODE_4_GOTTPOFF: u32 = 44;
const R_X86_64_CODE_4_GOTPC32_TLSDESC: u32 = 45;

fn reloc_name(t: u32) -> String {
    let n = match t {
        R_X86_64_64 => "R_X86_64_64",
        R_X86_64_PC32 => "R_X86_64_PC32",
        R_X86_64_GOT32 => "R_X86_64_GOT32",
        R_X86_64_PLT32 => "R_X86_64_PLT32",
        R_X86_64_GOTPCREL => "R_X86_64_GOTPCREL",
        R_X86_64_32 => "R_X86_64_32",
        R_X86_64_32S => "R_X86_64_32S",
        R_X86_64_16 => "R_X86_64_16",
        R_X86_64_PC16 => "R_X86_64_PC16",
        R_X86_64_8 => "R_X86_64_8",
        R_X86_64_PC8 => "R_X86_64_PC8",
        R_X86_64_TLSGD => "R_X86_64_TLSGD",
        R_X86_64_TLSLD => "R_X86_64_TLSLD",
        R_X86_64_DTPOFF32 => "R_X86_64_DTPOFF32",
        R_X86_64_GOTTPOFF => "R_X86_64_GOTTPOFF",
        R_X86_64_TPOFF32 => "R_X86_64_TPOFF32",
        R_X86_64_PC64 => "R_X86_64_PC64",
        R_X86_64_GOTOFF64 => "R_X86_64_GOTOFF64",
        R_X86_64_GOTPC32 => "R_X86_64_GOTPC32",
        R_X86_64_GOTPCRELX => "R_X86_64_GOTPCRELX",
        R_X86_64_REX_GOTPCRELX => "R_X86_64_REX_GOTPCRELX",
        R_X86_64_GOTPC32_TLSDESC => "R_X86_64_GOTPC32_TLSDESC",
        R_X86_64_TLSDESC_CALL => "R_X86_64_TLSDESC_CALL",
        _ => return format!("type {t}"),
    };
    n.to_string()
}

/// What a GOTPCRELX-relaxable instruction is.
#[derive(Clone, Copy, PartialEq)]
enum GotInsn {
    Mov,
    Call,
    Jmp,
}

/// Can this GOT load be rewritten to not use the GOT? Only `mov`, `call *` and `jmp *` through the
/// GOT with the usual -4 addend (anything else reads part of the slot).
fn gotpcrelx_insn(data: &[u8], off: usize, ty: u32, addend: i64) -> Option<GotInsn> {
    if !(ty == R_X86_64_GOTPCRELX || ty == R_X86_64_REX_GOTPCRELX) || addend != -4 || off < 2 {
        return None;
    }
    match (data[off - 2], data[off - 1]) {
        (0x8b, _) => Some(GotInsn::Mov),
        (0xff, 0x15) => Some(GotInsn::Call),
        (0xff, 0x25) => Some(GotInsn::Jmp),
        _ => None,
    }
}

/// General- and local-dynamic sequences end in a call to `__tls_get_addr`, whose relocation is
/// consumed with them (relaxation rewrites the call away).
fn check_tls_call(o: &ObjectFile, next: Option<&Rela>, what: &str, out: &mut ScanResult) {
    let call = matches!(
        next.map(r_type),
        Some(R_X86_64_PLT32 | R_X86_64_PC32 | R_X86_64_GOTPCRELX | R_X86_64_GOTPCREL)
    );
    if !call {
        out.errors.push(format!(
            "{}: {what} is not followed by a call to __tls_get_addr",
            o.name
        ));
    }
}

/// `mov foo@gottpoff(%rip), %reg` / `add foo@gottpoff(%rip), %reg`: the forms IE-to-LE can rewrite.
fn ie_relaxable(data: &[u8], off: usize) -> bool {
    off >= 3 && matches!(data[off - 3], 0x48 | 0x4c) && matches!(data[off - 2], 0x8b | 0x03)
}

/// What an absolute relocation needs. Scanning and applying both ask this, so the number of dynamic
/// relocations they see cannot differ.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AbsAction {
    /// The value is final at link time.
    Static,
    /// A `R_X86_64_RELATIVE` dynamic relocation (position-independent output).
    Relative,
    /// A dynamic relocation naming the symbol.
    Symbolic,
    /// A position-dependent executable refers to a library's symbol: copy it, or use its PLT entry.
    CopyOrCplt,
    /// Cannot be represented in position-independent output.
    NotPic,
}

fn abs_action(link: &Link, s: &Symbol, word: bool) -> AbsAction {
    let pic = link.is_pic();
    if s.is_ifunc() {
        // The address is the canonical PLT entry, an ordinary local address: in a PIE it needs
        // a relative relocation, which only a full word can hold.
        return match (pic, word) {
            (false, _) => AbsAction::Static,
            (true, true) => AbsAction::Relative,
            (true, false) => AbsAction::NotPic,
        };
    }
    if s.imported {
        if s.kind == SymKind::Undefined {
            return if pic && word {
                AbsAction::Symbolic
            } else {
                AbsAction::Static
            };
        }
        if link.kind == OutputKind::Exec {
            return AbsAction::CopyOrCplt;
        }
        return if word {
            AbsAction::Symbolic
        } else {
            AbsAction::NotPic
        };
    }
    if s.kind == SymKind::Abs || s.kind == SymKind::Undefined || !pic {
        return AbsAction::Static;
    }
    if word {
        AbsAction::Relative
    } else {
        AbsAction::NotPic
    }
}

fn can_relax_got(link: &Link, s: &Symbol) -> bool {
    if s.imported || s.is_ifunc() {
        return false;
    }
    match s.kind {
        SymKind::Section | SymKind::Common | SymKind::Linker => true,
        // Zero is reachable RIP-relatively only when the image is not relocated.
        SymKind::Undefined => !link.is_pic(),
        SymKind::Dso => false,
        SymKind::Abs => false,
    }
}

fn sym_desc(s: &Symbol) -> String {
    if s.name.is_empty() {
        "a local symbol".to_string()
    } else {
        format!("`{}'", demangle(s.name))
    }
}

impl X86_64 {
    fn scan_abs(
        &self,
        link: &Link,
        o: &ObjectFile,
        sec: &InputSection,
        ty: u32,
        s: &Symbol,
        out: &mut ScanResult,
    ) {
        let writable = sec.flags & SHF_WRITE as u64 != 0;
        if s.is_ifunc() {
            s.add_flags(NEEDS_PLT | NEEDS_CPLT);
        }
        match abs_action(link, s, ty == R_X86_64_64) {
            AbsAction::Static => {}
            AbsAction::CopyOrCplt => self.copy_or_cplt(link, s, out),
            AbsAction::NotPic => out.errors.push(format!(
                "{}: relocation {} against {} in section {} can not be used when making a PIE object; recompile with -fPIE",
                o.name,
                reloc_name(ty),
                sym_desc(s),
                name_str(sec.name)
            )),
            a @ (AbsAction::Relative | AbsAction::Symbolic) => {
                if a == AbsAction::Symbolic {
                    s.add_flags(NEEDS_DYNSYM);
                }
                out.dynrels += 1;
                out.relative += (a == AbsAction::Relative) as u32;
                if !writable && out.textrel.is_none() {
                    out.textrel = Some(format!(
                        "{}: relocation against {} in read-only section `{}'",
                        o.name,
                        sym_desc(s),
                        name_str(sec.name)
                    ));
                }
            }
        }
    }

    fn copy_or_cplt(&self, link: &Link, s: &Symbol, out: &mut ScanResult) {
        if s.ty == STT_FUNC || s.ty == STT_GNU_IFUNC {
            s.add_flags(NEEDS_PLT | NEEDS_CPLT);
        } else if link.cfg.z_nocopyreloc {
            out.errors.push(format!(
                "cannot refer to {} from a position-dependent executable with -z nocopyreloc; recompile with -fPIE",
                sym_desc(s)
            ));
        } else {
            s.add_flags(NEEDS_COPYREL);
        }
    }
}

impl Arch for X86_64 {
    fn machine(&self) -> u16 {
        EM_X86_64
    }
    fn dynrel(&self) -> DynRelTypes {
        DYNREL
    }
    fn plt0_size(&self) -> u64 {
        16
    }
    fn plt_entry_size(&self) -> u64 {
        16
    }

    fn plt_unwind(&self) -> PltUnwind {
        PltUnwind {
            code_align: 1,
            data_align: 0x78, // -8
            return_column: 16,
            // CFA = rsp + 8; the return address is at CFA - 8.
            cie: &[0x0c, 7, 8, 0x80 | 16, 1],
            lazy_fde: &[
                // PLT0 is entered with the entry's pushed index on the stack: CFA = rsp + 16;
                // after its own push (6 bytes in), rsp + 24.
                0x0e, 16, 0x46, 0x0e, 24,
                // From the first entry on (10 bytes later), each 16-byte entry has pushed its
                // index once past offset 11: CFA = rsp + 8 + ((rip & 15) >= 11) * 8.
                0x4a, 0x0f, 11, 0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22,
            ],
        }
    }

    fn scan_section(&self, link: &Link, o: &ObjectFile, shndx: usize, out: &mut ScanResult) {
        let sec = &o.sections[shndx];
        let rels = sec.relocs;
        let exe = link.is_exe();
        let mut i = 0;
        while i < rels.len() {
            let r = &rels[i];
            i += 1;
            let ty = r_type(r);
            if ty == R_X86_64_NONE {
                continue;
            }
            let symi = r_sym(r) as usize;
            let Some(&id) = o.symbols.get(symi) else {
                out.errors.push(format!(
                    "{}: relocation in {} refers to invalid symbol index {symi}",
                    o.name,
                    name_str(sec.name)
                ));
                continue;
            };
            let s = &link.syms[id as usize];
            if s.kind == SymKind::Undefined && s.bind != STB_WEAK && id != link.null_sym {
                out.undefined.push(id);
            }
            let off = r.r_offset.get(LE) as usize;
            let addend = r.r_addend.get(LE);
            match ty {
                R_X86_64_64 | R_X86_64_32 | R_X86_64_32S | R_X86_64_16 | R_X86_64_8 => {
                    self.scan_abs(link, o, sec, ty, s, out);
                }
                R_X86_64_PC32 | R_X86_64_PC16 | R_X86_64_PC8 | R_X86_64_PC64 => {
                    if s.is_ifunc() {
                        s.add_flags(NEEDS_PLT | NEEDS_CPLT);
                    } else if s.imported && s.kind != SymKind::Undefined {
                        if exe {
                            self.copy_or_cplt(link, s, out);
                        } else {
                            out.errors.push(format!(
                                "{}: relocation {} against {} can not be used when making a shared object; recompile with -fPIC",
                                o.name, reloc_name(ty), sym_desc(s)
                            ));
                        }
                    }
                }
                R_X86_64_PLT32 | R_X86_64_PLTOFF64 => {
                    if s.imported || s.is_ifunc() {
                        s.add_flags(NEEDS_PLT);
                    }
                }
                R_X86_64_GOTPCREL
                | R_X86_64_GOTPCRELX
                | R_X86_64_REX_GOTPCRELX
                | R_X86_64_CODE_4_GOTPCRELX => {
                    let relax = off + 4 <= sec.data.len()
                        && gotpcrelx_insn(sec.data, off, ty, addend).is_some()
                        && can_relax_got(link, s);
                    if !relax {
                        s.add_flags(NEEDS_GOT);
                        if s.is_ifunc() {
                            s.add_flags(NEEDS_PLT | NEEDS_CPLT);
                        }
                    }
                }
                R_X86_64_GOT32 | R_X86_64_GOT64 | R_X86_64_GOTPCREL64 | R_X86_64_GOTPLT64 => {
                    s.add_flags(NEEDS_GOT);
                    if s.is_ifunc() {
                        s.add_flags(NEEDS_PLT | NEEDS_CPLT);
                    }
                }
                R_X86_64_GOTPC32 | R_X86_64_GOTPC64 | R_X86_64_GOTOFF64 | R_X86_64_SIZE32
                | R_X86_64_SIZE64 => {}
                R_X86_64_TLSGD => {
                    check_tls_call(o, rels.get(i), "R_X86_64_TLSGD", out);
                    i += 1;
                    if exe {
                        if s.imported {
                            s.add_flags(NEEDS_GOTTP);
                        }
                    } else {
                        s.add_flags(NEEDS_TLSGD);
                    }
                }
                R_X86_64_TLSLD => {
                    check_tls_call(o, rels.get(i), "R_X86_64_TLSLD", out);
                    i += 1;
                    if !exe {
                        out.needs_tlsld = true;
                    }
                }
                R_X86_64_GOTTPOFF | R_X86_64_CODE_4_GOTTPOFF => {
                    let relaxable = ty == R_X86_64_GOTTPOFF
                        && off + 4 <= sec.data.len()
                        && ie_relaxable(sec.data, off);
                    if !(exe && !s.imported && relaxable) {
                        s.add_flags(NEEDS_GOTTP);
                    }
                }
                R_X86_64_GOTPC32_TLSDESC | R_X86_64_CODE_4_GOTPC32_TLSDESC => {
                    if exe {
                        if s.imported {
                            s.add_flags(NEEDS_GOTTP);
                        }
                    } else {
                        s.add_flags(NEEDS_TLSDESC);
                    }
                }
                R_X86_64_TLSDESC_CALL | R_X86_64_DTPOFF32 | R_X86_64_DTPOFF64 => {}
                R_X86_64_TPOFF32 | R_X86_64_TPOFF64 => {
                    if !exe {
                        out.errors.push(format!(
                            "{}: relocation {} against {} can not be used when making a shared object; recompile with -fPIC",
                            o.name, reloc_name(ty), sym_desc(s)
                        ));
                    }
                }
                R_X86_64_DTPMOD64 => {
                    if !exe {
                        s.add_flags(NEEDS_TLSGD);
                    }
                }
                _ => out.errors.push(format!(
                    "{}: unsupported relocation {} in section {}",
                    o.name,
                    reloc_name(ty),
                    name_str(sec.name)
                )),
            }
        }
    }

    fn apply_relocs(
        &self,
        link: &Link,
        o: &ObjectFile,
        shndx: usize,
        rels: &[Rela],
        buf: &mut [u8],
        base: u64,
        addr: u64,
        dynrel: DynRelOut<'_>,
    ) -> Result<()> {
        let sec = &o.sections[shndx];
        if sec.is_alloc() {
            apply_alloc(link, o, shndx, rels, buf, base, addr, dynrel)
        } else {
            apply_nonalloc(link, o, shndx, rels, buf, base, addr);
            Ok(())
        }
    }

    fn write_plt0(&self, buf: &mut [u8], plt: u64, gotplt: u64) {
        // pushq GOTPLT+8(%rip); jmp *GOTPLT+16(%rip); nopl 0(%rax)
        buf[..16].copy_from_slice(&[
            0xff, 0x35, 0, 0, 0, 0, 0xff, 0x25, 0, 0, 0, 0, 0x0f, 0x1f, 0x40, 0x00,
        ]);
        put_u32(buf, 2, (gotplt + 8).wrapping_sub(plt + 6) as u32);
        put_u32(buf, 8, (gotplt + 16).wrapping_sub(plt + 12) as u32);
    }

    fn write_plt_entry(&self, buf: &mut [u8], entry: u64, slot: u64, index: u32, plt: u64) {
        // jmp *slot(%rip); pushq $index; jmp PLT0
        buf[..16].copy_from_slice(&[0xff, 0x25, 0, 0, 0, 0, 0x68, 0, 0, 0, 0, 0xe9, 0, 0, 0, 0]);
        put_u32(buf, 2, slot.wrapping_sub(entry + 6) as u32);
        put_u32(buf, 7, index);
        put_u32(buf, 12, plt.wrapping_sub(entry + 16) as u32);
    }

    fn write_plt_entry_static(&self, buf: &mut [u8], entry: u64, slot: u64) {
        // jmp *slot(%rip), then a 10-byte nop to fill the entry.
        buf[..16].copy_from_slice(&[
            0xff, 0x25, 0, 0, 0, 0, 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0, 0x90,
        ]);
        put_u32(buf, 2, slot.wrapping_sub(entry + 6) as u32);
    }
}

struct Ctx<'a> {
    o: &'a ObjectFile,
    sec_name: &'a [u8],
    /// The section's input offset of `buf[0]`.
    base: u64,
}

const I32: (i64, i64) = (i32::MIN as i64, i32::MAX as i64);
const U32: (i64, i64) = (0, u32::MAX as i64);

impl Ctx<'_> {
    /// lld's wording: where, which relocation, the value and the range it must be in, and what
    /// it refers to.
    fn overflow(&self, ty: u32, s: &Symbol, off: usize, v: i64, range: (i64, i64)) -> Error {
        let target = if s.name.is_empty() {
            "a local symbol".to_string()
        } else {
            format!("'{}'", demangle(s.name))
        };
        Error(format!(
            "{}:({}+{:#x}): relocation {} out of range: {v} is not in [{}, {}]; references {target}",
            self.o.name,
            name_str(self.sec_name),
            self.base + off as u64,
            reloc_name(ty),
            range.0,
            range.1,
        ))
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
                let (id, inner) = crate::merge::locate(slot, s.value.wrapping_add(addend as u64));
                let base = link.layout.sections[g.out as usize].addr + g.offset;
                return (base.wrapping_add(g.piece_offset(id)).wrapping_add(inner), 0);
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

fn check_bounds(
    o: &ObjectFile,
    sec_name: &[u8],
    off: usize,
    size: usize,
    len: usize,
) -> Result<()> {
    if off.checked_add(size).is_none_or(|e| e > len) {
        return Err(Error(format!(
            "{}: relocation at offset {off:#x} is outside section {}",
            o.name,
            name_str(sec_name)
        )));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn apply_alloc(
    link: &Link,
    o: &ObjectFile,
    shndx: usize,
    rels: &[Rela],
    buf: &mut [u8],
    base: u64,
    addr: u64,
    mut dynrel: DynRelOut<'_>,
) -> Result<()> {
    let sec = &o.sections[shndx];
    let cx = Ctx {
        o,
        sec_name: sec.name,
        base,
    };

    let lay = &link.layout;
    let exe = link.is_exe();
    let dt = DYNREL;
    let mut emit = |off: u64, sym: u32, ty: u32, addend: i64| -> Result<()> {
        if dynrel.push(ty == dt.relative, off, sym, ty, addend) {
            return Ok(());
        }
        Err(Error(format!(
            "{}: unexpected dynamic relocation in section {}",
            o.name,
            name_str(sec.name)
        )))
    };
    let len = buf.len();
    let mut i = 0;
    while i < rels.len() {
        let r = &rels[i];
        i += 1;
        let ty = r_type(r);
        if ty == R_X86_64_NONE {
            continue;
        }
        let off = (r.r_offset.get(LE) - base) as usize;
        let id = o.symbols[r_sym(r) as usize];
        let s = &link.syms[id as usize];
        let p = addr + off as u64;
        let (sv, a) = target_address(link, o, s, r.r_addend.get(LE));
        let a_u = a as u64;
        let aux = if s.aux != NONE {
            Some(&link.aux[s.aux as usize])
        } else {
            None
        };
        let got = |kind: fn(&SymAux) -> u32| -> u64 {
            lay.got_addr + 8 * kind(aux.expect("GOT slot allocated")) as u64
        };
        // Calls and address-of go to the PLT entry when there is one.
        let plt_or = |v: u64| -> u64 {
            match aux {
                Some(x) if x.plt != NONE => lay.plt_entry_addr(x.plt),
                _ => v,
            }
        };
        if s.kind == SymKind::Section && s.is_local && !o.sections[s.shndx as usize].is_live() {
            return Err(Error(format!(
                "{}: relocation in {} refers to a symbol in discarded section {}",
                o.name,
                name_str(sec.name),
                name_str(o.sections[s.shndx as usize].name)
            )));
        }
        macro_rules! w32s {
            ($v:expr) => {{
                check_bounds(o, sec.name, off, 4, len)?;
                let v: i64 = $v as i64;
                if v != v as i32 as i64 {
                    return Err(cx.overflow(ty, s, off, v, I32));
                }
                put_u32(buf, off, v as u32);
            }};
        }
        macro_rules! w32u {
            ($v:expr) => {{
                check_bounds(o, sec.name, off, 4, len)?;
                let v: u64 = $v;
                if v >> 32 != 0 {
                    return Err(cx.overflow(ty, s, off, v as i64, U32));
                }
                put_u32(buf, off, v as u32);
            }};
        }
        macro_rules! w64 {
            ($v:expr) => {{
                check_bounds(o, sec.name, off, 8, len)?;
                put_u64(buf, off, $v);
            }};
        }
        let sym_addr = if s.is_ifunc() { plt_or(sv) } else { sv };
        match ty {
            R_X86_64_64 => {
                let v = sym_addr.wrapping_add(a_u);
                match abs_action(link, s, true) {
                    AbsAction::Static | AbsAction::CopyOrCplt | AbsAction::NotPic => w64!(v),
                    AbsAction::Relative => {
                        emit(p, 0, dt.relative, v as i64)?;
                        w64!(v);
                    }
                    AbsAction::Symbolic => {
                        emit(p, dynsym_index(link, s), dt.abs64, a)?;
                        w64!(a_u);
                    }
                }
            }
            R_X86_64_32 => w32u!(sym_addr.wrapping_add(a_u)),
            R_X86_64_32S => w32s!(sym_addr.wrapping_add(a_u) as i64),
            R_X86_64_16 => {
                check_bounds(o, sec.name, off, 2, len)?;
                let v = sym_addr.wrapping_add(a_u);
                if !(-0x8000..=0xffff).contains(&(v as i64)) {
                    return Err(cx.overflow(ty, s, off, v as i64, (-0x8000, 0xffff)));
                }
                put_u16(buf, off, v as u16);
            }
            R_X86_64_8 => {
                check_bounds(o, sec.name, off, 1, len)?;
                let v = sym_addr.wrapping_add(a_u);
                if !(-0x80..=0xff).contains(&(v as i64)) {
                    return Err(cx.overflow(ty, s, off, v as i64, (-0x80, 0xff)));
                }
                buf[off] = v as u8;
            }
            R_X86_64_PC32 => w32s!(sym_addr.wrapping_add(a_u).wrapping_sub(p)),
            R_X86_64_PLT32 => w32s!(plt_or(sym_addr).wrapping_add(a_u).wrapping_sub(p)),
            R_X86_64_PC16 => {
                check_bounds(o, sec.name, off, 2, len)?;
                let v = sym_addr.wrapping_add(a_u).wrapping_sub(p) as i64;
                if v != v as i16 as i64 {
                    return Err(cx.overflow(ty, s, off, v, (i16::MIN as i64, i16::MAX as i64)));
                }
                put_u16(buf, off, v as u16);
            }
            R_X86_64_PC8 => {
                check_bounds(o, sec.name, off, 1, len)?;
                let v = sym_addr.wrapping_add(a_u).wrapping_sub(p) as i64;
                if v != v as i8 as i64 {
                    return Err(cx.overflow(ty, s, off, v, (i8::MIN as i64, i8::MAX as i64)));
                }
                buf[off] = v as u8;
            }
            R_X86_64_PC64 => w64!(sym_addr.wrapping_add(a_u).wrapping_sub(p)),
            R_X86_64_PLTOFF64 => w64!(
                plt_or(sym_addr)
                    .wrapping_add(a_u)
                    .wrapping_sub(lay.got_base)
            ),
            R_X86_64_GOTPCREL
            | R_X86_64_GOTPCRELX
            | R_X86_64_REX_GOTPCRELX
            | R_X86_64_CODE_4_GOTPCRELX => {
                check_bounds(o, sec.name, off, 4, len)?;
                let has_got = aux.is_some_and(|x| x.got != NONE);
                if !has_got {
                    // Scanning decided this load can skip the GOT.
                    let insn = gotpcrelx_insn(buf, off, ty, a);
                    let v = sym_addr.wrapping_add(a_u).wrapping_sub(p) as i64;
                    if v != v as i32 as i64 {
                        return Err(cx.overflow(ty, s, off, v, I32));
                    }
                    match insn {
                        Some(GotInsn::Mov) => {
                            buf[off - 2] = 0x8d;
                            put_u32(buf, off, v as u32);
                        }
                        Some(GotInsn::Call) => {
                            buf[off - 2] = 0x67;
                            buf[off - 1] = 0xe8;
                            put_u32(buf, off, v as u32);
                        }
                        Some(GotInsn::Jmp) => {
                            buf[off - 2] = 0xe9;
                            put_u32(buf, off - 1, (v + 1) as u32);
                            buf[off + 3] = 0x90;
                        }
                        None => {
                            return Err(Error(format!(
                                "{}: internal error: GOT load without a GOT slot",
                                o.name
                            )));
                        }
                    }
                } else {
                    w32s!(got(|x| x.got).wrapping_add(a_u).wrapping_sub(p));
                }
            }
            R_X86_64_GOTPCREL64 => w64!(got(|x| x.got).wrapping_add(a_u).wrapping_sub(p)),
            R_X86_64_GOT32 => w32s!(got(|x| x.got).wrapping_add(a_u).wrapping_sub(lay.got_base)),
            R_X86_64_GOT64 | R_X86_64_GOTPLT64 => {
                w64!(got(|x| x.got).wrapping_add(a_u).wrapping_sub(lay.got_base))
            }
            R_X86_64_GOTPC32 => w32s!(lay.got_base.wrapping_add(a_u).wrapping_sub(p)),
            R_X86_64_GOTPC64 => w64!(lay.got_base.wrapping_add(a_u).wrapping_sub(p)),
            R_X86_64_GOTOFF64 => w64!(sym_addr.wrapping_add(a_u).wrapping_sub(lay.got_base)),
            R_X86_64_SIZE32 => w32u!(s.size.wrapping_add(a_u)),
            R_X86_64_SIZE64 => w64!(s.size.wrapping_add(a_u)),
            R_X86_64_TPOFF32 => w32s!(sv.wrapping_add(a_u).wrapping_sub(lay.tls_tp)),
            R_X86_64_TPOFF64 => w64!(sv.wrapping_add(a_u).wrapping_sub(lay.tls_tp)),
            R_X86_64_DTPOFF32 => {
                // After LD-to-LE relaxation the module base is the thread pointer.
                if exe {
                    w32s!(sv.wrapping_add(a_u).wrapping_sub(lay.tls_tp))
                } else {
                    w32s!(sv.wrapping_add(a_u).wrapping_sub(lay.tls_start))
                }
            }
            R_X86_64_DTPOFF64 => {
                if exe {
                    w64!(sv.wrapping_add(a_u).wrapping_sub(lay.tls_tp))
                } else {
                    w64!(sv.wrapping_add(a_u).wrapping_sub(lay.tls_start))
                }
            }
            R_X86_64_DTPMOD64 => {
                if exe {
                    w64!(1)
                } else {
                    return Err(Error(format!(
                        "{}: R_X86_64_DTPMOD64 in a shared object is not supported yet",
                        o.name
                    )));
                }
            }
            R_X86_64_TLSGD => {
                if off < 4 || off + 12 > len {
                    return Err(Error(format!(
                        "{}: R_X86_64_TLSGD at an unexpected place in {}",
                        o.name,
                        name_str(sec.name)
                    )));
                }
                i += 1;
                if exe && !s.imported {
                    // mov %fs:0,%rax; lea x@tpoff(%rax),%rax
                    buf[off - 4..off + 12].copy_from_slice(&[
                        0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0, 0x48, 0x8d, 0x80, 0, 0, 0, 0,
                    ]);
                    let v = sv
                        .wrapping_add(a_u)
                        .wrapping_sub(lay.tls_tp)
                        .wrapping_add(4) as i64;
                    if v != v as i32 as i64 {
                        return Err(cx.overflow(ty, s, off, v, I32));
                    }
                    put_u32(buf, off + 8, v as u32);
                } else if exe {
                    // mov %fs:0,%rax; add x@gottpoff(%rip),%rax
                    buf[off - 4..off + 12].copy_from_slice(&[
                        0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0, 0x48, 0x03, 0x05, 0, 0, 0, 0,
                    ]);
                    let v = got(|x| x.gottp)
                        .wrapping_add(a_u)
                        .wrapping_sub(p)
                        .wrapping_sub(8) as i64;
                    put_u32(buf, off + 8, v as u32);
                } else {
                    return Err(Error(format!(
                        "{}: general-dynamic TLS in shared objects is not supported yet",
                        o.name
                    )));
                }
            }
            R_X86_64_TLSLD => {
                i += 1;
                if !exe {
                    return Err(Error(format!(
                        "{}: local-dynamic TLS in shared objects is not supported yet",
                        o.name
                    )));
                }
                if off < 3 || off + 6 > len {
                    return Err(Error(format!(
                        "{}: R_X86_64_TLSLD at an unexpected place",
                        o.name
                    )));
                }
                let insn = [0x66, 0x66, 0x66, 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0];
                if buf[off + 4] == 0xe8 {
                    buf[off - 3..off + 9].copy_from_slice(&insn);
                } else if buf[off + 4] == 0xff && buf[off + 5] == 0x15 && off + 10 <= len {
                    buf[off - 3] = 0x66;
                    buf[off - 2..off + 10].copy_from_slice(&insn);
                } else {
                    return Err(Error(format!(
                        "{}: unexpected instruction after R_X86_64_TLSLD",
                        o.name
                    )));
                }
            }
            R_X86_64_GOTTPOFF => {
                check_bounds(o, sec.name, off, 4, len)?;
                let has_slot = aux.is_some_and(|x| x.gottp != NONE);
                if !has_slot {
                    // IE to LE.
                    let reg = buf[off - 1] >> 3 & 7;
                    let (rex, op) = (buf[off - 3], buf[off - 2]);
                    match (rex, op) {
                        (0x48 | 0x4c, 0x03) if reg == 4 => {
                            buf[off - 3] = if rex == 0x4c { 0x49 } else { 0x48 };
                            buf[off - 2] = 0x81;
                            buf[off - 1] = 0xc0 | reg;
                        }
                        (0x48 | 0x4c, 0x03) => {
                            buf[off - 3] = if rex == 0x4c { 0x4d } else { 0x48 };
                            buf[off - 2] = 0x8d;
                            buf[off - 1] = 0x80 | (reg << 3) | reg;
                        }
                        (0x48 | 0x4c, 0x8b) => {
                            buf[off - 3] = if rex == 0x4c { 0x49 } else { 0x48 };
                            buf[off - 2] = 0xc7;
                            buf[off - 1] = 0xc0 | reg;
                        }
                        _ => {
                            return Err(Error(format!(
                                "{}: R_X86_64_GOTTPOFF in an unexpected instruction",
                                o.name
                            )));
                        }
                    }
                    w32s!(
                        sv.wrapping_add(a_u)
                            .wrapping_sub(lay.tls_tp)
                            .wrapping_add(4)
                    );
                } else {
                    w32s!(got(|x| x.gottp).wrapping_add(a_u).wrapping_sub(p));
                }
            }
            R_X86_64_GOTPC32_TLSDESC => {
                check_bounds(o, sec.name, off, 4, len)?;
                if off < 3
                    || (buf[off - 3] & 0xfb) != 0x48
                    || buf[off - 2] != 0x8d
                    || (buf[off - 1] & 0xc7) != 0x05
                {
                    return Err(Error(format!(
                        "{}: R_X86_64_GOTPC32_TLSDESC must be used in leaq x@tlsdesc(%rip), %REG",
                        o.name
                    )));
                }
                if !exe {
                    return Err(Error(format!(
                        "{}: TLS descriptors in shared objects are not supported yet",
                        o.name
                    )));
                }
                if !s.imported {
                    buf[off - 3] = 0x48 | ((buf[off - 3] >> 2) & 1);
                    buf[off - 2] = 0xc7;
                    buf[off - 1] = 0xc0 | ((buf[off - 1] >> 3) & 7);
                    w32s!(
                        sv.wrapping_add(a_u)
                            .wrapping_sub(lay.tls_tp)
                            .wrapping_add(4)
                    );
                } else {
                    buf[off - 2] = 0x8b;
                    w32s!(got(|x| x.gottp).wrapping_add(a_u).wrapping_sub(p));
                }
            }
            R_X86_64_TLSDESC_CALL => {
                check_bounds(o, sec.name, off, 2, len)?;
                if exe {
                    buf[off] = 0x66;
                    buf[off + 1] = 0x90;
                }
            }
            _ => {
                return Err(Error(format!(
                    "{}: unsupported relocation {} in section {}",
                    o.name,
                    reloc_name(ty),
                    name_str(sec.name)
                )));
            }
        }
    }
    debug_assert!(
        dynrel.is_full(),
        "dynamic relocation count differs from the scan"
    );
    Ok(())
}

fn dynsym_index(link: &Link, s: &Symbol) -> u32 {
    link.aux[s.aux as usize].dynsym
}

/// Debug and other non-allocated sections: plain values; references to discarded code become a
/// tombstone (0, or 1 in the pre-DWARF5 range lists where 0 would end the list).
fn apply_nonalloc(
    link: &Link,
    o: &ObjectFile,
    shndx: usize,
    rels: &[Rela],
    buf: &mut [u8],
    base: u64,
    addr: u64,
) {
    let sec = &o.sections[shndx];
    let tombstone: u64 = if sec.name == b".debug_loc" || sec.name == b".debug_ranges" {
        1
    } else {
        0
    };
    let lay = &link.layout;
    let len = buf.len();
    for r in rels {
        let ty = r_type(r);
        let off = (r.r_offset.get(LE).wrapping_sub(base)) as usize;
        let Some(&id) = o.symbols.get(r_sym(r) as usize) else {
            continue;
        };
        let s = &link.syms[id as usize];
        let dead = !link.in_live_section(s);
        let (sv, a) = if dead {
            (tombstone, 0)
        } else {
            target_address(link, o, s, r.r_addend.get(LE))
        };
        let a_u = if dead { 0 } else { a as u64 };
        let size = match ty {
            R_X86_64_64 | R_X86_64_DTPOFF64 | R_X86_64_PC64 | R_X86_64_SIZE64 => 8,
            R_X86_64_32 | R_X86_64_32S | R_X86_64_DTPOFF32 | R_X86_64_PC32 | R_X86_64_SIZE32 => 4,
            _ => continue,
        };
        if off.checked_add(size).is_none_or(|end| end > len) {
            continue;
        }
        let v = match ty {
            R_X86_64_DTPOFF32 | R_X86_64_DTPOFF64 if !dead => {
                sv.wrapping_add(a_u).wrapping_sub(lay.tls_start)
            }
            R_X86_64_SIZE32 | R_X86_64_SIZE64 => s.size.wrapping_add(a_u),
            R_X86_64_PC32 | R_X86_64_PC64 => sv.wrapping_add(a_u).wrapping_sub(addr + off as u64),
            _ => sv.wrapping_add(a_u),
        };
        if size == 8 {
            put_u64(buf, off, v);
        } else {
            put_u32(buf, off, v as u32);
        }
    }
}
