//! Structure-aware mutations of linker inputs. Each file kind is walked once to list its fields
//! (offset, width, what the field means); a mutation writes an interesting value into one field,
//! or edits bytes or script tokens. Mutations are plain data, so a finding can be minimised by
//! replaying subsets of them.

use std::fmt;

/// A small, fast, seedable generator (splitmix64): the same seed gives the same mutants.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// What a field means, which decides the values worth trying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Offset,
    Size,
    Count,
    Index,
    Align,
    Flags,
    Type,
    Value,
    /// A relocation's symbol index (the upper half of `r_info`).
    RelSym,
    /// A relocation's type (the lower half of `r_info`).
    RelType,
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub off: usize,
    pub width: usize,
    pub role: Role,
    /// A bound that makes sense for this field (the file size, the section count, ...).
    pub hint: u64,
}

/// One change to a file.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Write `value` (little-endian, `width` bytes) at `off`.
    Set {
        off: usize,
        width: usize,
        value: u64,
    },
    /// Write big-endian (archive symbol index words).
    SetBe {
        off: usize,
        width: usize,
        value: u64,
    },
    /// Replace bytes at `off` (an archive header's decimal field, a string).
    Bytes { off: usize, bytes: Vec<u8> },
    /// Cut the file at `len`.
    Truncate { len: usize },
    /// Flip bits of one byte.
    Flip { off: usize, mask: u8 },
    /// Replace the whole text (linker and version scripts).
    Text(Vec<u8>),
}

impl fmt::Display for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mutation::Set { off, width, value } => {
                write!(f, "set {width} bytes at {off:#x} to {value:#x}")
            }
            Mutation::SetBe { off, width, value } => {
                write!(f, "set {width} big-endian bytes at {off:#x} to {value:#x}")
            }
            Mutation::Bytes { off, bytes } => {
                write!(f, "write {:?} at {off:#x}", String::from_utf8_lossy(bytes))
            }
            Mutation::Truncate { len } => write!(f, "truncate to {len} bytes"),
            Mutation::Flip { off, mask } => write!(f, "flip bits {mask:#04x} of byte {off:#x}"),
            Mutation::Text(t) => write!(
                f,
                "text: {:?}",
                String::from_utf8_lossy(&t[..t.len().min(200)])
            ),
        }
    }
}

pub fn apply(data: &mut Vec<u8>, m: &Mutation) {
    match m {
        Mutation::Set { off, width, value } => {
            if off + width <= data.len() {
                data[*off..off + width].copy_from_slice(&value.to_le_bytes()[..*width]);
            }
        }
        Mutation::SetBe { off, width, value } => {
            if off + width <= data.len() {
                data[*off..off + width].copy_from_slice(&value.to_be_bytes()[8 - width..]);
            }
        }
        Mutation::Bytes { off, bytes } => {
            if off + bytes.len() <= data.len() {
                data[*off..off + bytes.len()].copy_from_slice(bytes);
            }
        }
        Mutation::Truncate { len } => data.truncate(*len),
        Mutation::Flip { off, mask } => {
            if *off < data.len() {
                data[*off] ^= mask;
            }
        }
        Mutation::Text(t) => *data = t.clone(),
    }
}

fn rd(d: &[u8], off: usize, width: usize) -> u64 {
    let mut b = [0u8; 8];
    if off.checked_add(width).is_some_and(|end| end <= d.len()) {
        b[..width].copy_from_slice(&d[off..off + width]);
    }
    u64::from_le_bytes(b)
}

/// The fields of an ELF file (object or shared library) starting at `base` in `d`.
pub fn elf_fields(d: &[u8], base: usize, out: &mut Vec<Field>) {
    let e = &d[base..];
    if e.len() < 64 || &e[..4] != b"\x7fELF" {
        return;
    }
    let len = e.len() as u64;
    let f = |off: usize, width: usize, role: Role, hint: u64| Field {
        off: base + off,
        width,
        role,
        hint,
    };
    let shoff = rd(e, 40, 8) as usize;
    let shnum = rd(e, 60, 2) as usize;
    out.extend([
        f(16, 2, Role::Type, 4),
        f(40, 8, Role::Offset, len),
        f(58, 2, Role::Size, 64),
        f(60, 2, Role::Count, shnum as u64),
        f(62, 2, Role::Index, shnum as u64),
    ]);
    if shoff == 0
        || shoff
            .checked_add(shnum * 64)
            .is_none_or(|end| end > e.len())
    {
        return;
    }
    let sh = |i: usize, field: usize, width: usize| rd(e, shoff + i * 64 + field, width);
    for i in 0..shnum {
        let h = shoff + i * 64;
        out.extend([
            f(h, 4, Role::Offset, 64),
            f(h + 4, 4, Role::Type, 0),
            f(h + 8, 8, Role::Flags, 0),
            f(h + 16, 8, Role::Value, 0),
            f(h + 24, 8, Role::Offset, len),
            f(h + 32, 8, Role::Size, len),
            f(h + 40, 4, Role::Index, shnum as u64),
            f(h + 44, 4, Role::Index, shnum as u64),
            f(h + 48, 8, Role::Align, 0),
            f(h + 56, 8, Role::Size, 24),
        ]);
        let (ty, flags, off, size) = (
            sh(i, 4, 4) as u32,
            sh(i, 8, 8),
            sh(i, 24, 8) as usize,
            sh(i, 32, 8) as usize,
        );
        if ty == 8 || off.checked_add(size).is_none_or(|end| end > e.len()) {
            continue; // NOBITS, or out of the file already
        }
        let body = off..off + size;
        match ty {
            // SHT_SYMTAB, SHT_DYNSYM
            2 | 11 => {
                let n = size / 24;
                for k in 0..n.min(400) {
                    let s = off + k * 24;
                    out.extend([
                        f(s, 4, Role::Offset, 64),
                        f(s + 4, 1, Role::Type, 0),
                        f(s + 5, 1, Role::Flags, 0),
                        f(s + 6, 2, Role::Index, shnum as u64),
                        f(s + 8, 8, Role::Value, 0),
                        f(s + 16, 8, Role::Size, 0),
                    ]);
                }
            }
            // SHT_RELA
            4 => {
                let n = size / 24;
                let nsyms = (1..shnum)
                    .find(|&j| sh(j, 4, 4) == 2)
                    .map_or(0, |j| sh(j, 32, 8) / 24);
                for k in 0..n.min(600) {
                    let r = off + k * 24;
                    out.extend([
                        f(r, 8, Role::Offset, 0),
                        f(r + 8, 4, Role::RelType, 0),
                        f(r + 12, 4, Role::RelSym, nsyms),
                        f(r + 16, 8, Role::Value, 0),
                    ]);
                }
            }
            // SHT_GROUP
            17 => {
                for k in 0..size / 4 {
                    out.push(f(
                        off + 4 * k,
                        4,
                        if k == 0 { Role::Flags } else { Role::Index },
                        shnum as u64,
                    ));
                }
            }
            // SHT_DYNAMIC
            6 => {
                for k in 0..(size / 16).min(64) {
                    out.push(f(off + 16 * k, 8, Role::Type, 0));
                    out.push(f(off + 16 * k + 8, 8, Role::Offset, len));
                }
            }
            // SHT_GNU_versym
            0x6fff_ffff => {
                for k in 0..(size / 2).min(200) {
                    out.push(f(off + 2 * k, 2, Role::Index, 8));
                }
            }
            // SHT_GNU_verdef / verneed: walk the chain of records by their `next` fields.
            0x6fff_fffd | 0x6fff_fffe => {
                let mut p = off;
                for _ in 0..32 {
                    if p.saturating_add(20) > body.end {
                        break;
                    }
                    out.extend([
                        f(p + 2, 2, Role::Index, 8),
                        f(p + 4, 2, Role::Index, 8),
                        f(p + 8, 4, Role::Offset, 64),
                        f(p + 12, 4, Role::Offset, 64),
                        f(p + 16, 4, Role::Offset, 64),
                    ]);
                    let next = rd(e, p + 16, 4) as usize;
                    if next == 0 {
                        break;
                    }
                    p = p.saturating_add(next);
                }
            }
            // SHT_NOTE
            7 => {
                let mut p = off;
                while p + 12 <= body.end {
                    out.extend([
                        f(p, 4, Role::Size, 16),
                        f(p + 4, 4, Role::Size, 16),
                        f(p + 8, 4, Role::Type, 5),
                    ]);
                    let namesz = (rd(e, p, 4) as usize + 3) & !3;
                    let descsz = rd(e, p + 4, 4) as usize;
                    let d0 = p + 12 + namesz;
                    // Properties in a GNU property note: type and size words.
                    let mut q = d0;
                    while q + 8 <= (d0 + descsz).min(body.end) {
                        out.extend([f(q, 4, Role::Type, 0), f(q + 4, 4, Role::Size, 8)]);
                        q += 8 + ((rd(e, q + 4, 4) as usize + 7) & !7);
                    }
                    p = (d0 + descsz + 3) & !3;
                    if descsz > size || namesz > size {
                        break;
                    }
                }
            }
            _ => {}
        }
        // Compression header.
        if flags & 0x800 != 0 && size >= 24 {
            out.extend([
                f(off, 4, Role::Type, 2),
                f(off + 8, 8, Role::Size, size as u64),
                f(off + 16, 8, Role::Align, 0),
            ]);
        }
        // .eh_frame records: length and CIE pointer fields.
        let name_off = sh(i, 0, 4) as usize;
        let strndx = rd(e, 62, 2) as usize;
        if strndx < shnum {
            let str_off = sh(strndx, 24, 8) as usize;
            let nm = e.get(str_off.saturating_add(name_off)..).unwrap_or(&[]);
            if nm.starts_with(b".eh_frame\0") {
                let mut p = off;
                while p + 8 <= body.end {
                    let l = rd(e, p, 4) as usize;
                    out.extend([
                        f(p, 4, Role::Size, l as u64),
                        f(p + 4, 4, Role::Offset, (p - off) as u64),
                    ]);
                    if l == 0 {
                        break;
                    }
                    p = p.saturating_add(l + 4);
                }
            }
        }
    }
}

/// Archive members: (header offset, body range).
pub fn archive_members(d: &[u8]) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut v = Vec::new();
    let mut pos = 8;
    while pos + 60 <= d.len() {
        let size: usize = std::str::from_utf8(&d[pos + 48..pos + 58])
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let body = pos + 60..(pos + 60 + size).min(d.len());
        let thin = d.starts_with(b"!<thin>\n")
            && !d[pos..].starts_with(b"/ ")
            && !d[pos..].starts_with(b"// ");
        v.push((pos, body.clone()));
        pos = if thin { body.start } else { body.end };
        pos += pos & 1;
    }
    v
}

/// The interesting values for a field.
fn value_for(rng: &mut Rng, field: &Field, cur: u64, file_len: u64) -> u64 {
    const SPECIAL: &[u64] = &[
        0,
        1,
        2,
        3,
        4,
        7,
        8,
        16,
        24,
        63,
        64,
        0x7f,
        0x80,
        0xff,
        0x100,
        0x7fff,
        0x8000,
        0xffff,
        0x1_0000,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0x1_0000_0000,
        1 << 40,
        1 << 60,
        1 << 62,
        1 << 63,
        u64::MAX,
        u64::MAX - 1,
        u64::MAX - 7,
    ];
    let max = if field.width == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * field.width)) - 1
    };
    let v = match rng.below(8) {
        0 | 1 => *rng.pick(SPECIAL),
        2 => cur.wrapping_add(rng.below(17) as u64).wrapping_sub(8),
        3 => rng.next(),
        4 => rng.below(file_len as usize + 2) as u64,
        _ => match field.role {
            Role::Index | Role::Count | Role::RelSym => {
                let h = field.hint;
                let r = rng.below(h as usize + 3) as u64;
                *rng.pick(&[
                    h,
                    h + 1,
                    h.wrapping_sub(1),
                    0xfff1,
                    0xfff2,
                    0xffff,
                    0xff00,
                    r,
                ])
            }
            Role::Align => {
                *rng.pick(&[0, 1, 3, 6, 1 << 12, 1 << 20, 1 << 31, 1 << 40, 1 << 63, 48])
            }
            Role::Flags => cur ^ (1u64 << rng.below(12)),
            Role::Type => *rng.pick(&[
                0,
                1,
                2,
                3,
                4,
                7,
                8,
                9,
                10,
                11,
                14,
                15,
                17,
                18,
                0x6fff_fff6,
                0x7000_0001,
                0x6fff_4c03,
            ]),
            Role::RelType => rng.below(48) as u64,
            Role::Size | Role::Offset => {
                let h = field.hint;
                *rng.pick(&[
                    file_len,
                    file_len + 1,
                    h,
                    h + 1,
                    h.wrapping_sub(1),
                    h * 2,
                    u64::MAX - h,
                ])
            }
            Role::Value => *rng.pick(SPECIAL),
        },
    };
    v & max
}

/// Mutations for an ELF file's fields (`fields` listed by [`elf_fields`]).
pub fn mutate_fields(rng: &mut Rng, d: &[u8], fields: &[Field]) -> Mutation {
    if fields.is_empty() || rng.chance(12) {
        return byte_mutation(rng, d);
    }
    let field = *rng.pick(fields);
    let cur = rd(d, field.off, field.width);
    Mutation::Set {
        off: field.off,
        width: field.width,
        value: value_for(rng, &field, cur, d.len() as u64),
    }
}

fn byte_mutation(rng: &mut Rng, d: &[u8]) -> Mutation {
    if d.is_empty() {
        return Mutation::Truncate { len: 0 };
    }
    match rng.below(4) {
        0 => Mutation::Truncate {
            len: rng.below(d.len()),
        },
        _ => Mutation::Flip {
            off: rng.below(d.len()),
            mask: 1 << rng.below(8),
        },
    }
}

/// An archive: its header fields (decimal text), its symbol index, or a field of a member.
pub fn mutate_archive(rng: &mut Rng, d: &[u8]) -> Mutation {
    let members = archive_members(d);
    if members.is_empty() {
        return byte_mutation(rng, d);
    }
    let (hdr, body) = rng.pick(&members).clone();
    match rng.below(6) {
        0 => {
            // The size field.
            const SIZES: &[&[u8]] = &[
                b"0         ",
                b"1         ",
                b"9999999999",
                b"-1        ",
                b"abc       ",
                b"          ",
                b"4294967296",
                b"1844674407",
            ];
            let text: &[u8] = SIZES[rng.below(SIZES.len())];
            let mut t = text.to_vec();
            if rng.chance(3) {
                let n = (body.len() as i64 + rng.below(9) as i64 - 4).max(0);
                t = format!("{n:<10}").into_bytes();
            }
            Mutation::Bytes {
                off: hdr + 48,
                bytes: t,
            }
        }
        1 => {
            // The name field: long-name references, special names.
            let names: &[&[u8]] = &[
                b"/               ",
                b"//              ",
                b"/0              ",
                b"/99999999       ",
                b"/-1             ",
                b"#1/20           ",
                b"#1/99999        ",
                b"/SYM64/         ",
                b"x.o/            ",
            ];
            Mutation::Bytes {
                off: hdr,
                bytes: rng.pick(names).to_vec(),
            }
        }
        2 if &d[hdr..hdr + 2] == b"/ " && body.len() >= 4 => {
            // Symbol index: the count or an offset (big-endian words).
            let words = body.len() / 4;
            let k = rng.below(words.min(64));
            let r = rng.below(d.len()) as u64;
            let v = *rng.pick(&[
                0,
                1,
                8,
                0xffff_ffff,
                d.len() as u64,
                (d.len() + 1) as u64,
                r,
            ]);
            Mutation::SetBe {
                off: body.start + 4 * k,
                width: 4,
                value: v,
            }
        }
        3 => Mutation::Bytes {
            off: hdr + 58,
            bytes: rng.pick(&[&b"`\n"[..], b"xx"]).to_vec(),
        },
        _ => {
            let mut fields = Vec::new();
            if body.end <= d.len() && d.get(body.start..body.start + 4) == Some(b"\x7fELF") {
                let member = &d[..body.end];
                elf_fields(member, body.start, &mut fields);
            }
            mutate_fields(rng, d, &fields)
        }
    }
}

/// Linker scripts and version scripts, token by token: deleted, repeated, swapped, or grammar
/// words inserted (including deep nesting).
pub fn mutate_text(rng: &mut Rng, d: &[u8], vocabulary: &[&str]) -> Mutation {
    let text = String::from_utf8_lossy(d);
    let mut toks: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c.is_whitespace() || "(){};,=\"".contains(c) {
            if !cur.is_empty() {
                toks.push(std::mem::take(&mut cur));
            }
            if !c.is_whitespace() {
                toks.push(c.to_string());
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        toks.push(cur);
    }
    let n = toks.len();
    match rng.below(8) {
        0 if n > 0 => {
            toks.remove(rng.below(n));
        }
        1 if n > 0 => {
            let i = rng.below(n);
            let t = toks[i].clone();
            toks.insert(i, t);
        }
        2 if n > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            toks.swap(a, b);
        }
        3 => {
            // Deep nesting.
            let word = rng.pick(vocabulary).to_string();
            let depth = *rng.pick(&[100usize, 10_000, 200_000]);
            let i = rng.below(n + 1);
            let open: Vec<String> = std::iter::repeat_n([word, "(".to_string()], depth)
                .flatten()
                .collect();
            toks.splice(i..i, open);
        }
        4 => {
            const ODD: &[&[u8]] = &[b"\xff\xfe", b"\0", b"/*", b"*/", b"\"", b"\\"];
            let t: &[u8] = ODD[rng.below(ODD.len())];
            let mut bytes = d.to_vec();
            let at = rng.below(bytes.len() + 1);
            bytes.splice(at..at, t.iter().copied());
            return Mutation::Text(bytes);
        }
        _ => {
            let w = rng.pick(vocabulary).to_string();
            toks.insert(rng.below(n + 1), w);
        }
    }
    Mutation::Text(toks.join(" ").into_bytes())
}
