//! `ar` archives: the GNU/SysV format (with or without the `/` symbol index, `//` long names) and
//! thin archives, whose members are separate files named relative to the archive.
//!
//! An archive with a symbol index need not be walked: the index says which member defines each
//! name, so only the members that define a name something may need are read ([`Index`], used by
//! `extract`), as GNU ld reads them. Archives without one, thin archives and `--whole-archive`
//! ones are walked member by member ([`read_members`]).

use crate::bail;
use crate::error::Result;
use std::path::Path;

const HEADER: usize = 60;

/// A member header at `pos`: its raw name field and where its body starts and ends (where it
/// starts, for a thin archive's member, which lives in a file of its own).
fn header_at(name: &str, data: &[u8], pos: usize, thin: bool) -> Result<(usize, usize)> {
    if data.len().saturating_sub(pos) < HEADER {
        bail!("{name}: truncated archive member header at offset {pos}");
    }
    let hdr = &data[pos..pos + HEADER];
    if &hdr[58..60] != b"`\n" {
        bail!("{name}: malformed archive member header at offset {pos}");
    }
    let size = parse_decimal(&hdr[48..58])
        .ok_or_else(|| crate::err!("{name}: bad member size in archive header at offset {pos}"))?;
    let body_start = pos + HEADER;
    // Thin archives store only the index and the name table inline; members live elsewhere.
    let inline = !thin || is_special(raw_name(data, pos));
    let body_end = if inline {
        body_start.checked_add(size)
    } else {
        Some(body_start)
    };
    match body_end {
        Some(e) if e <= data.len() => Ok((body_start, e)),
        _ => bail!("{name}: archive member at offset {pos} extends past the end of the file"),
    }
}

/// The name field of the (checked) header at `pos`.
fn raw_name(data: &[u8], pos: usize) -> &[u8] {
    trim(&data[pos..pos + 16])
}

/// The symbol index, the long-name table, and the BSD index: members that are not object files.
fn is_special(raw: &[u8]) -> bool {
    matches!(raw, b"/" | b"//" | b"/SYM64/" | b"__.SYMDEF")
}

/// The member whose header is at `pos`: its name as errors give it, `archive(member)`, and its
/// bytes (mapped from its own file in a thin archive).
#[allow(clippy::too_many_arguments)]
fn member(
    name: &str,
    path: &Path,
    data: &'static [u8],
    thin: bool,
    long_names: &[u8],
    pos: usize,
    (body_start, body_end): (usize, usize),
    opened: &mut Vec<std::path::PathBuf>,
) -> Result<(String, &'static [u8])> {
    let body = &data[body_start..body_end];
    let (member_name, bsd_skip) = member_name(name, raw_name(data, pos), long_names, body)?;
    if !thin {
        return Ok((format!("{name}({member_name})"), &body[bsd_skip..]));
    }
    let member_path = {
        let p = Path::new(&member_name);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            path.parent().unwrap_or(Path::new("")).join(p)
        }
    };
    opened.push(member_path.clone());
    let mdata = crate::input::map_file(&member_path)
        .map_err(|e| crate::err!("{name}: thin archive member: {e}"))?;
    Ok((format!("{name}({member_name})"), mdata))
}

pub fn read_members(
    name: &str,
    path: &Path,
    data: &'static [u8],
    thin: bool,
    opened: &mut Vec<std::path::PathBuf>,
    mut f: impl FnMut(String, &'static [u8]) -> Result<()>,
) -> Result<()> {
    let mut pos = 8usize;
    let mut long_names: &[u8] = &[];
    while pos < data.len() {
        if data.len() - pos < HEADER && data[pos..].iter().all(|&b| b == b'\n') {
            // A trailing newline pad is allowed; anything else is a truncated header.
            break;
        }
        let body = header_at(name, data, pos, thin)?;
        let raw = raw_name(data, pos);
        if raw == b"//" {
            long_names = &data[body.0..body.1];
        } else if !is_special(raw) {
            let (mname, mdata) = member(name, path, data, thin, long_names, pos, body, opened)?;
            f(mname, mdata)?;
        }
        pos = body.1;
        if pos % 2 == 1 {
            pos += 1;
        }
    }
    Ok(())
}

/// An archive's symbol index: for each entry, the hash of the name it defines and the offset of
/// the header of the member that defines it. (Hashes are all that finding members needs: see
/// `extract`.)
pub struct Index {
    pub hashes: Vec<u64>,
    pub offsets: Vec<u64>,
    long_names: &'static [u8],
}

impl Index {
    /// The GNU symbol index (`/`, or `/SYM64/` with 64-bit offsets) at the start of `data`, if
    /// the archive has one. Only the leading special members are read.
    pub fn read(name: &str, data: &'static [u8]) -> Result<Option<Index>> {
        let mut pos = 8usize;
        let mut index = None;
        let mut long_names: &'static [u8] = &[];
        while data.len().saturating_sub(pos) >= HEADER {
            let (start, end) = header_at(name, data, pos, false)?;
            let body = &data[start..end];
            match raw_name(data, pos) {
                b"/" => index = Some((body, 4)),
                b"/SYM64/" => index = Some((body, 8)),
                b"//" => long_names = body,
                _ => break,
            }
            pos = end + end % 2;
        }
        let Some((body, width)) = index else {
            return Ok(None);
        };
        let word = |b: &[u8]| b.iter().fold(0u64, |v, &x| (v << 8) | x as u64);
        let bad = || crate::err!("{name}: malformed archive symbol index");
        let count = body.get(..width).map(word).ok_or_else(bad)?;
        let count = usize::try_from(count)
            .ok()
            .filter(|&n| n <= (body.len() - width) / width)
            .ok_or_else(bad)?;
        let offsets: Vec<u64> = body[width..width * (count + 1)]
            .chunks_exact(width)
            .map(word)
            .collect();
        let strings = &body[width * (count + 1)..];
        // Names are found and hashed in one pass, with `@` (in a versioned name, rare) searched
        // for alongside: a search per name cost more than reading the bytes, and each pass over
        // the names reads them from memory again (LLVM's indexes hold 33 MiB of them).
        let mut hashes = Vec::with_capacity(count);
        let mut ats = memchr::memchr_iter(b'@', strings).peekable();
        let mut at = 0;
        for end in memchr::memchr_iter(0, strings).take(count) {
            let mut n = &strings[at..end];
            let mut versioned = false;
            while ats.next_if(|&p| p < end).is_some() {
                versioned = true;
            }
            // A member's `foo@@V` defines `foo` (see `ObjectFile::parse`).
            if versioned && let (base, Some((_, true))) = crate::symbol::split_version(n) {
                n = base;
            }
            hashes.push(crate::hash::hash_bytes(n));
            at = end + 1;
        }
        if hashes.len() < count {
            return Err(bad());
        }
        Ok(Some(Index {
            hashes,
            offsets,
            long_names,
        }))
    }

    /// The member whose header is at `offset` (an offset from this index): its name, as errors
    /// give it, and its bytes.
    pub fn member(
        &self,
        name: &str,
        path: &Path,
        data: &'static [u8],
        offset: u64,
    ) -> Result<(String, &'static [u8])> {
        let pos = usize::try_from(offset).unwrap_or(usize::MAX);
        let body = header_at(name, data, pos, false)?;
        if is_special(raw_name(data, pos)) {
            bail!("{name}: the symbol index names a special member at offset {pos}");
        }
        member(
            name,
            path,
            data,
            false,
            self.long_names,
            pos,
            body,
            &mut Vec::new(),
        )
    }
}

/// Decodes a member name: `name/` (GNU short), `/123` (offset into `//`), `#1/len` (BSD, name
/// stored at the start of the body, returned as the number of bytes to skip).
fn member_name(
    archive: &str,
    raw: &[u8],
    long_names: &[u8],
    body: &[u8],
) -> Result<(String, usize)> {
    if let Some(num) = raw.strip_prefix(b"/") {
        let Some(off) = parse_decimal(num) else {
            bail!("{archive}: bad long member name reference");
        };
        let Some(rest) = long_names.get(off..) else {
            bail!("{archive}: long member name offset {off} is outside the name table");
        };
        let end = rest
            .iter()
            .position(|&b| b == b'\n' || b == 0)
            .unwrap_or(rest.len());
        let mut n = &rest[..end];
        if n.ends_with(b"/") {
            n = &n[..n.len() - 1];
        }
        return Ok((String::from_utf8_lossy(n).into_owned(), 0));
    }
    if let Some(len) = raw.strip_prefix(b"#1/") {
        let Some(len) = parse_decimal(len) else {
            bail!("{archive}: bad BSD member name length")
        };
        let Some(n) = body.get(..len) else {
            bail!("{archive}: BSD member name exceeds member")
        };
        let end = n.iter().position(|&b| b == 0).unwrap_or(n.len());
        return Ok((String::from_utf8_lossy(&n[..end]).into_owned(), len));
    }
    let n = raw.strip_suffix(b"/").unwrap_or(raw);
    Ok((String::from_utf8_lossy(n).into_owned(), 0))
}

fn trim(b: &[u8]) -> &[u8] {
    let end = b.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
    &b[..end]
}

fn parse_decimal(b: &[u8]) -> Option<usize> {
    let t = trim(b);
    if t.is_empty() {
        return None;
    }
    let mut v: usize = 0;
    for &c in t {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as usize)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::hash_bytes;

    /// An archive member: header and body, padded to an even length.
    fn member(name: &str, body: &[u8]) -> Vec<u8> {
        let mut m = format!(
            "{name:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
            0,
            0,
            0,
            644,
            body.len()
        )
        .into_bytes();
        m.extend_from_slice(body);
        if m.len() % 2 == 1 {
            m.push(b'\n');
        }
        m
    }

    /// A GNU archive whose `/` index has `count` (as written) entries for `names`, all naming the
    /// one object member that follows it, and whose strings are `strings`.
    fn archive(count: u32, names: &[&str], strings: &[u8]) -> (&'static [u8], u64) {
        let index_len = 4 + 4 * names.len() + strings.len();
        let object_at = 8 + 60 + index_len + index_len % 2;
        let mut index = count.to_be_bytes().to_vec();
        for _ in names {
            index.extend_from_slice(&(object_at as u32).to_be_bytes());
        }
        index.extend_from_slice(strings);
        let mut a = b"!<arch>\n".to_vec();
        a.extend(member("/", &index));
        assert_eq!(a.len(), object_at);
        a.extend(member("obj.o/", b"\x7fELF not really"));
        (Box::leak(a.into_boxed_slice()), object_at as u64)
    }

    #[test]
    fn index_gives_each_name_hash_and_member() {
        let (a, at) = archive(3, &["f", "g", "v"], b"f\0g\0v@@V1\0");
        let ix = Index::read("lib.a", a).unwrap().expect("an index");
        // A default-version definition is found under its plain name, as the member's symbol
        // table gives it.
        assert_eq!(
            ix.hashes,
            [hash_bytes(b"f"), hash_bytes(b"g"), hash_bytes(b"v")]
        );
        assert_eq!(ix.offsets, [at; 3]);
        let (name, data) = ix.member("lib.a", Path::new("lib.a"), a, at).unwrap();
        assert_eq!(
            (name.as_str(), data),
            ("lib.a(obj.o)", &b"\x7fELF not really"[..])
        );
    }

    #[test]
    fn malformed_indexes_are_errors() {
        let cases: [(&str, &'static [u8]); 3] = [
            ("count past the index", archive(1000, &["f"], b"f\0").0),
            ("names not terminated", archive(2, &["f", "g"], b"f\0g").0),
            ("no names at all", archive(1, &["f"], b"").0),
        ];
        for (what, a) in cases {
            let e = Index::read("lib.a", a)
                .err()
                .unwrap_or_else(|| panic!("{what}: read"));
            assert!(
                e.0.contains("lib.a: malformed archive symbol index"),
                "{what}: {}",
                e.0
            );
        }
        // An index entry must name a member, not the index itself or the end of the file.
        let (a, _) = archive(1, &["f"], b"f\0");
        let ix = Index::read("lib.a", a).unwrap().unwrap();
        for bad in [8, a.len() as u64, u64::MAX] {
            assert!(
                ix.member("lib.a", Path::new("lib.a"), a, bad).is_err(),
                "offset {bad}"
            );
        }
    }

    #[test]
    fn archive_without_index_has_none() {
        let mut a = b"!<arch>\n".to_vec();
        a.extend(member("obj.o/", b"\x7fELF"));
        assert!(
            Index::read("lib.a", Box::leak(a.into_boxed_slice()))
                .unwrap()
                .is_none()
        );
    }
}
