//! What differs between targets: relocation type numbers and what each computes, how values are
//! encoded in their fields, the instruction rewrites of relaxations, PLT code and dynamic
//! relocation types. Each target is one file implementing [`Arch`]; what a relocation becomes
//! (GOT, PLT, dynamic relocation, relaxation, error) is decided once for all targets in
//! `reloc.rs`.

pub mod x86_64;

use crate::elf::Rela;
use crate::reloc::{RelType, TlsRelax};

/// Two runs of `.rela.dyn` entries that a section (or the GOT) fills in order: its relative
/// relocations, which go first in `.rela.dyn`, and the others.
#[derive(Default)]
pub struct DynRelOut<'a> {
    relative: &'a mut [u8],
    other: &'a mut [u8],
    written: [usize; 2],
}

impl<'a> DynRelOut<'a> {
    pub fn new(relative: &'a mut [u8], other: &'a mut [u8]) -> DynRelOut<'a> {
        DynRelOut {
            relative,
            other,
            written: [0, 0],
        }
    }

    /// Appends an entry to the run for its kind; false if that run is already full (scanning
    /// planned fewer).
    pub fn push(&mut self, relative: bool, offset: u64, sym: u32, ty: u32, addend: i64) -> bool {
        let (run, n) = if relative {
            (&mut *self.relative, &mut self.written[0])
        } else {
            (&mut *self.other, &mut self.written[1])
        };
        let size = crate::elf::RELA_SIZE as usize;
        let Some(e) = run.get_mut(*n * size..(*n + 1) * size) else {
            return false;
        };
        crate::elf::write_rela(e, offset, sym, ty, addend);
        *n += 1;
        true
    }

    /// Whether exactly the planned number of entries of each kind was written.
    pub fn is_full(&self) -> bool {
        let size = crate::elf::RELA_SIZE as usize;
        self.written == [self.relative.len() / size, self.other.len() / size]
    }
}

/// Dynamic relocation types, in the target's numbering.
#[derive(Clone, Copy)]
pub struct DynRelTypes {
    pub relative: u32,
    pub irelative: u32,
    pub glob_dat: u32,
    pub jump_slot: u32,
    pub copy: u32,
    pub abs64: u32,
    pub tpoff64: u32,
    pub dtpmod64: u32,
    pub dtpoff64: u32,
    pub tlsdesc: u32,
}

pub trait Arch: Sync {
    fn machine(&self) -> u16;
    fn dynrel(&self) -> DynRelTypes;

    // Relocations.
    /// What relocation type `ty` computes and how wide its field is; `None` if unsupported.
    fn classify(&self, ty: u32) -> Option<RelType>;
    fn reloc_name(&self, ty: u32) -> String;
    /// The values type `ty`'s field can hold (for messages).
    fn field_range(&self, ty: u32) -> (i64, i64);
    fn fits(&self, ty: u32, v: u64) -> bool;
    /// Writes `v` into the field at `buf[off..]`; false if it does not fit.
    fn write_field(&self, ty: u32, buf: &mut [u8], off: usize, v: u64) -> bool;
    /// Writes the low bits of `v` (debug sections).
    fn write_field_truncating(&self, ty: u32, buf: &mut [u8], off: usize, v: u64);

    // Relaxations. The checks read the input bytes at scanning time; the rewrites then cannot
    // fail but for the value not fitting.
    /// Can this GOT load be rewritten to compute the address itself?
    fn got_relaxable(&self, ty: u32, data: &[u8], off: usize, addend: i64) -> bool;
    /// Rewrites the GOT load at `off` to use `v` (S + A - P) directly.
    fn relax_got(&self, ty: u32, buf: &mut [u8], off: usize, v: u64) -> bool;
    /// Whether a TLS access at `off` is an instruction the relaxation can rewrite (used where
    /// the relaxation is optional).
    fn tls_relaxable(&self, kind: TlsRelax, ty: u32, data: &[u8], off: usize) -> bool;
    /// Checks that a relaxation the model requires can be done; `next` is the following
    /// relocation (the call a general- or local-dynamic sequence ends with).
    fn tls_check(
        &self,
        kind: TlsRelax,
        ty: u32,
        data: &[u8],
        off: usize,
        next: Option<&Rela>,
    ) -> Result<(), String>;
    /// How many relocations after a general- or local-dynamic one its relaxation consumes.
    fn tls_call_relocs(&self) -> usize;
    /// Rewrites a TLS sequence. `v` is S + A - TP for local-exec, the TP-offset slot + A - P for
    /// initial-exec.
    fn tls_relax(&self, kind: TlsRelax, buf: &mut [u8], off: usize, v: u64) -> bool;
    fn tls_relax_fits(&self, kind: TlsRelax, v: u64) -> bool;

    // PLT.
    /// PLT header size (lazy binding resolver stub) and entry size.
    fn plt0_size(&self) -> u64;
    fn plt_entry_size(&self) -> u64;
    fn write_plt0(&self, buf: &mut [u8], plt_addr: u64, gotplt_addr: u64);
    /// A lazily bound entry (jump through its slot; first call pushes the index and enters PLT0).
    fn write_plt_entry(
        &self,
        buf: &mut [u8],
        entry_addr: u64,
        slot_addr: u64,
        index: u32,
        plt_addr: u64,
    );
    /// An entry for a link with no lazy binding (static): a jump through its slot.
    fn write_plt_entry_static(&self, buf: &mut [u8], entry_addr: u64, slot_addr: u64);
    /// How to unwind from inside the PLT (see `eh_frame::plt_records`).
    fn plt_unwind(&self) -> PltUnwind;
}

/// Call-frame information for the PLT, in DWARF CFA instructions.
pub struct PltUnwind {
    pub code_align: u8,
    /// Signed LEB128, one byte.
    pub data_align: u8,
    pub return_column: u8,
    /// The CIE's initial rules: the state at a call's target.
    pub cie: &'static [u8],
    /// The FDE's rules across a lazy PLT (header, then entries); a PLT without lazy binding needs
    /// none beyond the CIE's.
    pub lazy_fde: &'static [u8],
}
