//! Zero-copy views of ELF64 little-endian structures and the helpers the rest of solder uses to
//! read them out of mapped files and write them into the mapped output.
//!
//! `object`'s structures have alignment 1 (its `unaligned` feature), so they can be read in place even
//! from archive members, which GNU `ar` aligns to only 2 bytes.

pub use object::elf::*;
use object::pod::Pod;
pub use object::{LittleEndian as LE, U16, U32};

pub type Ehdr = FileHeader64<LE>;
pub type Shdr = SectionHeader64<LE>;
pub type Sym = Sym64<LE>;
pub type Rela = Rela64<LE>;
pub type Chdr = CompressionHeader64<LE>;

pub const EHDR_SIZE: u64 = 64;
pub const PHDR_SIZE: u64 = 56;
pub const SHDR_SIZE: u64 = 64;
pub const SYM_SIZE: u64 = 24;
pub const RELA_SIZE: u64 = 24;
pub const DYN_SIZE: u64 = 16;
/// `DT_RELR*` (gABI, 2022): newer than the `object` release this crate builds against.
pub const DT_RELRSZ: u32 = 35;
pub const DT_RELR: u32 = 36;
pub const DT_RELRENT: u32 = 37;

/// Reads a `T` at `offset`, or `None` if it does not fit in `data`.
pub fn read<T: Pod>(data: &[u8], offset: u64) -> Option<&T> {
    let start = usize::try_from(offset).ok()?;
    let bytes = data.get(start..)?;
    object::pod::from_bytes::<T>(bytes).ok().map(|(v, _)| v)
}

/// Reads `count` consecutive `T`s at `offset`, or `None` if they do not fit in `data`.
pub fn read_slice<T: Pod>(data: &[u8], offset: u64, count: u64) -> Option<&[T]> {
    let start = usize::try_from(offset).ok()?;
    let count = usize::try_from(count).ok()?;
    let bytes = data.get(start..)?;
    object::pod::slice_from_bytes::<T>(bytes, count)
        .ok()
        .map(|(v, _)| v)
}

/// The NUL-terminated string at `offset` in a string table.
pub fn cstr(strtab: &[u8], offset: u32) -> Option<&[u8]> {
    let rest = strtab.get(offset as usize..)?;
    let end = memchr_nul(rest)?;
    Some(&rest[..end])
}

/// C++ symbol and section names run to hundreds of bytes: a vector search beats a byte loop.
#[inline]
pub fn memchr_nul(s: &[u8]) -> Option<usize> {
    memchr::memchr(0, s)
}

#[inline]
pub fn r_sym(r: &Rela) -> u32 {
    (r.r_info.get(LE) >> 32) as u32
}

#[inline]
pub fn r_type(r: &Rela) -> u32 {
    r.r_info.get(LE) as u32
}

#[inline]
pub fn st_type(s: &Sym) -> u8 {
    s.st_info & 0xf
}

#[inline]
pub fn st_bind(s: &Sym) -> u8 {
    s.st_info >> 4
}

#[inline]
pub fn st_visibility(s: &Sym) -> u8 {
    s.st_other & 3
}

// Little-endian stores into the output image. Callers own disjoint slices, so these are plain writes.

#[inline]
pub fn put_u16(buf: &mut [u8], off: usize, v: u16) {
    buf[off..off + 2].copy_from_slice(&v.to_le_bytes());
}

#[inline]
pub fn put_u32(buf: &mut [u8], off: usize, v: u32) {
    buf[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

#[inline]
pub fn put_u64(buf: &mut [u8], off: usize, v: u64) {
    buf[off..off + 8].copy_from_slice(&v.to_le_bytes());
}

#[inline]
pub fn get_u32(buf: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(buf[off..off + 4].try_into().unwrap())
}

#[inline]
pub fn get_u64(buf: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(buf[off..off + 8].try_into().unwrap())
}

pub fn write_sym(
    buf: &mut [u8],
    name: u32,
    info: u8,
    other: u8,
    shndx: u16,
    value: u64,
    size: u64,
) {
    put_u32(buf, 0, name);
    buf[4] = info;
    buf[5] = other;
    put_u16(buf, 6, shndx);
    put_u64(buf, 8, value);
    put_u64(buf, 16, size);
}

pub fn write_rela(buf: &mut [u8], offset: u64, sym: u32, ty: u32, addend: i64) {
    put_u64(buf, 0, offset);
    put_u64(buf, 8, ((sym as u64) << 32) | ty as u64);
    put_u64(buf, 16, addend as u64);
}

pub fn write_dyn(buf: &mut [u8], tag: u32, val: u64) {
    put_u64(buf, 0, tag as u64);
    put_u64(buf, 8, val);
}

/// The SysV ELF hash (`.hash`, and `vna_hash` in version records).
pub fn sysv_hash(name: &[u8]) -> u32 {
    let mut h: u32 = 0;
    for &c in name {
        h = (h << 4).wrapping_add(c as u32);
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
        }
        h &= !g;
    }
    h
}

/// The GNU hash (`.gnu.hash`): djb2.
pub fn gnu_hash(name: &[u8]) -> u32 {
    let mut h: u32 = 5381;
    for &c in name {
        h = h.wrapping_mul(33).wrapping_add(c as u32);
    }
    h
}

#[inline]
pub fn align_to(v: u64, align: u64) -> u64 {
    if align <= 1 {
        v
    } else {
        // Saturating: sizes from corrupt inputs must not wrap; layout rejects the result.
        v.saturating_add(align - 1) & !(align - 1)
    }
}

pub fn name_str(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}
