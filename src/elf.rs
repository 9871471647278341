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

/// The ELF header and section header table of file `data` (named `n` in errors), checked to lie
/// inside it; `e_shnum` of zero means the count is in the first header, as the gABI allows.
pub fn section_headers(
    n: &str,
    data: &'static [u8],
) -> crate::error::Result<(&'static Ehdr, &'static [Shdr])> {
    let Some(ehdr) = read::<Ehdr>(data, 0) else {
        crate::bail!("{n}: file is truncated (no ELF header)")
    };
    let shoff = ehdr.e_shoff.get(LE);
    if shoff == 0 {
        crate::bail!("{n}: file has no section header table");
    }
    if ehdr.e_shentsize.get(LE) as u64 != SHDR_SIZE {
        crate::bail!(
            "{n}: unexpected section header size {}",
            ehdr.e_shentsize.get(LE)
        );
    }
    let Some(sh0) = read::<Shdr>(data, shoff) else {
        crate::bail!("{n}: section header table is outside the file (truncated?)")
    };
    let mut shnum = ehdr.e_shnum.get(LE) as u64;
    if shnum == 0 {
        shnum = sh0.sh_size.get(LE);
    }
    match read_slice::<Shdr>(data, shoff, shnum) {
        Some(shdrs) => Ok((ehdr, shdrs)),
        None => crate::bail!("{n}: section header table is outside the file (truncated?)"),
    }
}

/// The contents of section `sh` of file `data`, checked to lie inside it; `what` names the
/// section in the error.
pub fn section_bytes(
    n: &str,
    data: &'static [u8],
    sh: &Shdr,
    what: impl std::fmt::Display,
) -> crate::error::Result<&'static [u8]> {
    let off = sh.sh_offset.get(LE);
    let size = sh.sh_size.get(LE);
    match off.checked_add(size) {
        Some(end) if end <= data.len() as u64 => Ok(&data[off as usize..end as usize]),
        _ => crate::bail!("{n}: {what} extends past the end of the file (truncated?)"),
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// An ELF header with `shnum` section headers of `entsize` bytes at `shoff`, followed by
    /// `tail` bytes; the first header's `sh_size` is `sh0_size`.
    fn image(shoff: u64, entsize: u16, shnum: u16, sh0_size: u64, tail: usize) -> &'static [u8] {
        let mut b = vec![0u8; 64 + tail];
        b[..4].copy_from_slice(b"\x7fELF");
        put_u64(&mut b, 0x28, shoff);
        put_u16(&mut b, 0x3a, entsize);
        put_u16(&mut b, 0x3c, shnum);
        if b.len() >= shoff as usize + 64 && shoff > 0 {
            put_u64(&mut b, shoff as usize + 0x20, sh0_size);
        }
        Box::leak(b.into_boxed_slice())
    }

    /// The one reader of section header tables (objects and libraries) finds the table where the
    /// header says, takes the count from the first header when `e_shnum` is zero, and turns each
    /// kind of damage into an error naming the file.
    #[test]
    fn section_headers_are_read_or_refused() {
        let ok = |d| {
            section_headers("f.o", d)
                .map(|(_, s)| s.len())
                .map_err(|e| e.0)
        };
        assert_eq!(ok(image(64, 64, 3, 0, 3 * 64)), Ok(3));
        // More than 0xff00 sections: the count is in section 0's sh_size.
        assert_eq!(ok(image(64, 64, 0, 2, 2 * 64)), Ok(2));
        let err = |d: &'static [u8]| ok(d).unwrap_err();
        assert!(err(&b"\x7fELF"[..]).contains("f.o: file is truncated"));
        assert!(err(image(0, 64, 3, 0, 3 * 64)).contains("no section header table"));
        assert!(err(image(64, 40, 3, 0, 3 * 64)).contains("unexpected section header size 40"));
        assert!(err(image(64, 64, 3, 0, 2 * 64)).contains("outside the file"));
        assert!(err(image(4096, 64, 1, 0, 0)).contains("outside the file"));
        let shdrs = section_headers("f.o", image(64, 64, 1, 0, 64)).unwrap().1;
        let mut sh = shdrs[0];
        sh.sh_offset.set(LE, 100);
        sh.sh_size.set(LE, 28);
        assert!(section_bytes("f.o", image(64, 64, 1, 0, 64), &sh, "x").is_ok());
        sh.sh_size.set(LE, 29);
        let e = section_bytes(
            "f.o",
            image(64, 64, 1, 0, 64),
            &sh,
            format_args!("section {}", 7),
        );
        assert_eq!(
            e.unwrap_err().0,
            "f.o: section 7 extends past the end of the file (truncated?)"
        );
    }
}
