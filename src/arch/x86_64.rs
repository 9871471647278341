//! x86-64 (System V psABI): relocation types and what they compute, field encodings, the
//! instruction rewrites of GOTPCRELX and TLS relaxations, and PLT code.
//!
//! An executable always relaxes TLS accesses (see `reloc::decide`): its own TLS block is at a
//! fixed offset from the thread pointer, so general- and local-dynamic sequences become local-exec
//! ones, and those that reach a shared library's variable become initial-exec.

use super::{Arch, DynRelTypes, PltUnwind};
use crate::elf::*;
use crate::reloc::{Expr, RelType, TlsRelax};

pub struct X86_64;

const DYNREL: DynRelTypes = DynRelTypes {
    relative: R_X86_64_RELATIVE,
    irelative: R_X86_64_IRELATIVE,
    glob_dat: R_X86_64_GLOB_DAT,
    jump_slot: R_X86_64_JUMP_SLOT,
    copy: R_X86_64_COPY,
    abs64: R_X86_64_64,
    tpoff64: R_X86_64_TPOFF64,
    dtpmod64: R_X86_64_DTPMOD64,
    dtpoff64: R_X86_64_DTPOFF64,
    tlsdesc: R_X86_64_TLSDESC,
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

/// `mov foo@gottpoff(%rip), %reg` / `add foo@gottpoff(%rip), %reg`: the forms IE-to-LE can rewrite.
fn ie_relaxable(data: &[u8], off: usize) -> bool {
    off >= 3 && matches!(data[off - 3], 0x48 | 0x4c) && matches!(data[off - 2], 0x8b | 0x03)
}

fn fits_i32(v: u64) -> bool {
    v as i64 == v as i32 as i64
}

/// How a field is encoded: its width and the values it accepts.
#[derive(Clone, Copy)]
enum Field {
    None,
    W64,
    U32,
    S32,
    /// 16 bits, signed or unsigned (R_X86_64_16).
    A16,
    S16,
    A8,
    S8,
}

fn field(ty: u32) -> Field {
    match ty {
        R_X86_64_NONE => Field::None,
        R_X86_64_64 | R_X86_64_PC64 | R_X86_64_GOTOFF64 | R_X86_64_GOTPC64 | R_X86_64_PLTOFF64
        | R_X86_64_SIZE64 | R_X86_64_TPOFF64 | R_X86_64_DTPOFF64 | R_X86_64_DTPMOD64
        | R_X86_64_GOT64 | R_X86_64_GOTPCREL64 | R_X86_64_GOTPLT64 => Field::W64,
        R_X86_64_32 | R_X86_64_SIZE32 => Field::U32,
        R_X86_64_16 => Field::A16,
        R_X86_64_PC16 => Field::S16,
        R_X86_64_8 => Field::A8,
        R_X86_64_PC8 => Field::S8,
        _ => Field::S32,
    }
}

impl Field {
    fn range(self) -> (i64, i64) {
        match self {
            Field::None | Field::W64 => (i64::MIN, i64::MAX),
            Field::U32 => (0, u32::MAX as i64),
            Field::S32 => (i32::MIN as i64, i32::MAX as i64),
            Field::A16 => (-0x8000, 0xffff),
            Field::S16 => (i16::MIN as i64, i16::MAX as i64),
            Field::A8 => (-0x80, 0xff),
            Field::S8 => (i8::MIN as i64, i8::MAX as i64),
        }
    }

    fn fits(self, v: u64) -> bool {
        match self {
            Field::None | Field::W64 => true,
            Field::U32 => v >> 32 == 0,
            Field::S32 => fits_i32(v),
            _ => {
                let (lo, hi) = self.range();
                (lo..=hi).contains(&(v as i64))
            }
        }
    }

    fn write(self, buf: &mut [u8], off: usize, v: u64) {
        match self {
            Field::None => {}
            Field::W64 => put_u64(buf, off, v),
            Field::U32 | Field::S32 => put_u32(buf, off, v as u32),
            Field::A16 | Field::S16 => put_u16(buf, off, v as u16),
            Field::A8 | Field::S8 => buf[off] = v as u8,
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

    fn classify(&self, ty: u32) -> Option<RelType> {
        let expr = match ty {
            R_X86_64_NONE => Expr::None,
            R_X86_64_64 | R_X86_64_32 | R_X86_64_32S | R_X86_64_16 | R_X86_64_8 => Expr::Abs,
            R_X86_64_PC32 | R_X86_64_PC16 | R_X86_64_PC8 | R_X86_64_PC64 => Expr::Pc,
            R_X86_64_PLT32 => Expr::Plt,
            R_X86_64_PLTOFF64 => Expr::PltOff,
            R_X86_64_GOTPCREL
            | R_X86_64_GOTPCRELX
            | R_X86_64_REX_GOTPCRELX
            | R_X86_64_CODE_4_GOTPCRELX
            | R_X86_64_GOTPCREL64 => Expr::Got,
            R_X86_64_GOT32 | R_X86_64_GOT64 | R_X86_64_GOTPLT64 => Expr::GotOff,
            R_X86_64_GOTOFF64 => Expr::SymGotOff,
            R_X86_64_GOTPC32 | R_X86_64_GOTPC64 => Expr::GotBase,
            R_X86_64_SIZE32 | R_X86_64_SIZE64 => Expr::Size,
            R_X86_64_TPOFF32 | R_X86_64_TPOFF64 => Expr::TpOff,
            R_X86_64_DTPOFF32 | R_X86_64_DTPOFF64 => Expr::DtpOff,
            R_X86_64_GOTTPOFF | R_X86_64_CODE_4_GOTTPOFF => Expr::GotTp,
            R_X86_64_TLSGD => Expr::TlsGd,
            R_X86_64_TLSLD => Expr::TlsLd,
            R_X86_64_GOTPC32_TLSDESC | R_X86_64_CODE_4_GOTPC32_TLSDESC => Expr::TlsDesc,
            R_X86_64_TLSDESC_CALL => Expr::TlsDescCall,
            R_X86_64_DTPMOD64 => Expr::DtpMod,
            _ => return None,
        };
        let size = match field(ty) {
            Field::None => 0,
            Field::W64 => 8,
            Field::U32 | Field::S32 => 4,
            Field::A16 | Field::S16 => 2,
            Field::A8 | Field::S8 => 1,
        };
        // The descriptor call marker covers the 2-byte `call *(%rax)`.
        let size = if ty == R_X86_64_TLSDESC_CALL { 2 } else { size };
        Some(RelType { expr, size })
    }

    fn reloc_name(&self, ty: u32) -> String {
        reloc_name(ty)
    }

    fn field_range(&self, ty: u32) -> (i64, i64) {
        field(ty).range()
    }

    fn fits(&self, ty: u32, v: u64) -> bool {
        field(ty).fits(v)
    }

    fn write_field(&self, ty: u32, buf: &mut [u8], off: usize, v: u64) -> bool {
        let f = field(ty);
        if !f.fits(v) {
            return false;
        }
        f.write(buf, off, v);
        true
    }

    fn write_field_truncating(&self, ty: u32, buf: &mut [u8], off: usize, v: u64) {
        field(ty).write(buf, off, v);
    }

    fn got_relaxable(&self, ty: u32, data: &[u8], off: usize, addend: i64) -> bool {
        off + 4 <= data.len() && gotpcrelx_insn(data, off, ty, addend).is_some()
    }

    fn relax_got(&self, ty: u32, buf: &mut [u8], off: usize, v: u64) -> bool {
        if !fits_i32(v) {
            return false;
        }
        match gotpcrelx_insn(buf, off, ty, -4) {
            // mov foo@GOTPCREL(%rip), %reg -> lea foo(%rip), %reg
            Some(GotInsn::Mov) => {
                buf[off - 2] = 0x8d;
                put_u32(buf, off, v as u32);
            }
            // call *foo@GOTPCREL(%rip) -> addr32 call foo
            Some(GotInsn::Call) => {
                buf[off - 2] = 0x67;
                buf[off - 1] = 0xe8;
                put_u32(buf, off, v as u32);
            }
            // jmp *foo@GOTPCREL(%rip) -> jmp foo; nop
            Some(GotInsn::Jmp) => {
                buf[off - 2] = 0xe9;
                put_u32(buf, off - 1, (v as i64 + 1) as u32);
                buf[off + 3] = 0x90;
            }
            None => return false,
        }
        true
    }

    fn tls_relaxable(&self, kind: TlsRelax, ty: u32, data: &[u8], off: usize) -> bool {
        match kind {
            TlsRelax::IeToLe => {
                ty == R_X86_64_GOTTPOFF && off + 4 <= data.len() && ie_relaxable(data, off)
            }
            _ => true,
        }
    }

    fn tls_check(
        &self,
        kind: TlsRelax,
        ty: u32,
        data: &[u8],
        off: usize,
        next: Option<&Rela>,
    ) -> Result<(), String> {
        let len = data.len();
        let call_follows = || {
            let call = matches!(
                next.map(r_type),
                Some(R_X86_64_PLT32 | R_X86_64_PC32 | R_X86_64_GOTPCRELX | R_X86_64_GOTPCREL)
            );
            if call {
                Ok(())
            } else {
                Err(format!(
                    "{} is not followed by a call to __tls_get_addr",
                    reloc_name(ty)
                ))
            }
        };
        match kind {
            TlsRelax::GdToLe | TlsRelax::GdToIe => {
                call_follows()?;
                // data16 lea x@tlsgd(%rip),%rdi; data16 data16 rex64 call __tls_get_addr
                if off < 4 || off + 12 > len {
                    return Err(format!("{} at an unexpected place", reloc_name(ty)));
                }
                Ok(())
            }
            TlsRelax::LdToLe => {
                call_follows()?;
                let direct = off >= 3 && off + 9 <= len && data[off + 4] == 0xe8;
                let indirect =
                    off >= 3 && off + 10 <= len && data[off + 4] == 0xff && data[off + 5] == 0x15;
                if direct || indirect {
                    Ok(())
                } else {
                    Err("unexpected instruction after R_X86_64_TLSLD".into())
                }
            }
            TlsRelax::IeToLe => Ok(()),
            TlsRelax::DescToLe | TlsRelax::DescToIe => {
                let lea = ty == R_X86_64_GOTPC32_TLSDESC
                    && off >= 3
                    && (data[off - 3] & 0xfb) == 0x48
                    && data[off - 2] == 0x8d
                    && (data[off - 1] & 0xc7) == 0x05;
                if lea {
                    Ok(())
                } else {
                    Err(format!(
                        "{} must be used in leaq x@tlsdesc(%rip), %REG",
                        reloc_name(ty)
                    ))
                }
            }
            TlsRelax::DescCallToLe | TlsRelax::DescCallToIe => Ok(()),
        }
    }

    fn tls_call_relocs(&self) -> usize {
        1
    }

    fn tls_relax_fits(&self, kind: TlsRelax, v: u64) -> bool {
        let disp = match kind {
            // Local-exec immediates are S - TP; the addend is the field's -4.
            TlsRelax::GdToLe | TlsRelax::IeToLe | TlsRelax::DescToLe => v.wrapping_add(4),
            // The rewritten `add` reads the slot from 8 bytes further on.
            TlsRelax::GdToIe => v.wrapping_sub(8),
            TlsRelax::DescToIe => v,
            TlsRelax::LdToLe | TlsRelax::DescCallToLe | TlsRelax::DescCallToIe => 0,
        };
        fits_i32(disp)
    }

    fn tls_relax(&self, kind: TlsRelax, buf: &mut [u8], off: usize, v: u64) -> bool {
        if !self.tls_relax_fits(kind, v) {
            return false;
        }
        match kind {
            TlsRelax::GdToLe => {
                // mov %fs:0,%rax; lea x@tpoff(%rax),%rax
                buf[off - 4..off + 12].copy_from_slice(&[
                    0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0, 0x48, 0x8d, 0x80, 0, 0, 0, 0,
                ]);
                put_u32(buf, off + 8, v.wrapping_add(4) as u32);
            }
            TlsRelax::GdToIe => {
                // mov %fs:0,%rax; add x@gottpoff(%rip),%rax
                buf[off - 4..off + 12].copy_from_slice(&[
                    0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0, 0x48, 0x03, 0x05, 0, 0, 0, 0,
                ]);
                put_u32(buf, off + 8, v.wrapping_sub(8) as u32);
            }
            TlsRelax::LdToLe => {
                // data16 data16 data16 mov %fs:0,%rax
                let insn = [0x66, 0x66, 0x66, 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0];
                if buf[off + 4] == 0xe8 {
                    buf[off - 3..off + 9].copy_from_slice(&insn);
                } else {
                    buf[off - 3] = 0x66;
                    buf[off - 2..off + 10].copy_from_slice(&insn);
                }
            }
            TlsRelax::IeToLe => {
                let reg = buf[off - 1] >> 3 & 7;
                let (rex, op) = (buf[off - 3], buf[off - 2]);
                match op {
                    // add x@gottpoff(%rip),%rsp -> add $x@tpoff,%rsp
                    0x03 if reg == 4 => {
                        buf[off - 3] = if rex == 0x4c { 0x49 } else { 0x48 };
                        buf[off - 2] = 0x81;
                        buf[off - 1] = 0xc0 | reg;
                    }
                    // add x@gottpoff(%rip),%reg -> lea x@tpoff(%reg),%reg
                    0x03 => {
                        buf[off - 3] = if rex == 0x4c { 0x4d } else { 0x48 };
                        buf[off - 2] = 0x8d;
                        buf[off - 1] = 0x80 | (reg << 3) | reg;
                    }
                    // mov x@gottpoff(%rip),%reg -> mov $x@tpoff,%reg
                    _ => {
                        buf[off - 3] = if rex == 0x4c { 0x49 } else { 0x48 };
                        buf[off - 2] = 0xc7;
                        buf[off - 1] = 0xc0 | reg;
                    }
                }
                put_u32(buf, off, v.wrapping_add(4) as u32);
            }
            TlsRelax::DescToLe => {
                // lea x@tlsdesc(%rip),%reg -> mov $x@tpoff,%reg
                buf[off - 3] = 0x48 | ((buf[off - 3] >> 2) & 1);
                buf[off - 2] = 0xc7;
                buf[off - 1] = 0xc0 | ((buf[off - 1] >> 3) & 7);
                put_u32(buf, off, v.wrapping_add(4) as u32);
            }
            TlsRelax::DescToIe => {
                // lea x@tlsdesc(%rip),%reg -> mov x@gottpoff(%rip),%reg
                buf[off - 2] = 0x8b;
                put_u32(buf, off, v as u32);
            }
            TlsRelax::DescCallToLe | TlsRelax::DescCallToIe => {
                // call *(%rax) -> xchg %ax,%ax
                buf[off] = 0x66;
                buf[off + 1] = 0x90;
            }
        }
        true
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
