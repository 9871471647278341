//! What differs between targets: relocation semantics (scanning and applying), relaxations, TLS
//! code sequences, PLT code and dynamic relocation types. Each target is one file implementing
//! [`Arch`]; the phases call it once per section, never per relocation, so dispatch costs nothing.

pub mod x86_64;

use crate::context::Link;
use crate::error::Result;
use crate::object::ObjectFile;

/// What scanning one section found, beyond the flags it sets on symbols.
#[derive(Default)]
pub struct ScanResult {
    /// Dynamic relocations this section will emit into `.rela.dyn`.
    pub dynrels: u32,
    /// How many of them are relative (they go first in `.rela.dyn`, counted by DT_RELACOUNT).
    pub relative: u32,
    /// Undefined symbols referenced (symbol ids), for the error report.
    pub undefined: Vec<u32>,
    pub errors: Vec<String>,
    /// The section uses the local-dynamic TLS module slot (only in shared objects).
    pub needs_tlsld: bool,
    /// A dynamic relocation lands in a read-only section: GNU ld's note naming the first one.
    pub textrel: Option<String>,
}

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
}

pub trait Arch: Sync {
    fn machine(&self) -> u16;
    fn dynrel(&self) -> DynRelTypes;
    /// PLT header size (lazy binding resolver stub) and entry size.
    fn plt0_size(&self) -> u64;
    fn plt_entry_size(&self) -> u64;
    /// Sets symbol flags (GOT, PLT, copy relocation, ...) and counts dynamic relocations for an
    /// allocated section.
    fn scan_section(&self, link: &Link, o: &ObjectFile, shndx: usize, out: &mut ScanResult);
    /// Applies `rels` (relocations of section `shndx`, or a subset of them) to `buf`, which holds
    /// the section's bytes from input offset `base` on and lives at output address `addr`; writes
    /// the dynamic relocations into `dynrel` (exactly as many of each kind as scanning counted).
    #[allow(clippy::too_many_arguments)]
    fn apply_relocs(
        &self,
        link: &Link,
        o: &ObjectFile,
        shndx: usize,
        rels: &[crate::elf::Rela],
        buf: &mut [u8],
        base: u64,
        addr: u64,
        dynrel: DynRelOut<'_>,
    ) -> Result<()>;
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
