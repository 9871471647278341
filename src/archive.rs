//! `ar` archives: the GNU/SysV format (with or without the `/` symbol index, `//` long names) and
//! thin archives, whose members are separate files named relative to the archive.
//!
//! solder does not use the symbol index: every member's symbol table is parsed in parallel anyway and
//! resolution decides which members are linked, so the index would only be a second source of truth.

use crate::bail;
use crate::error::Result;
use std::path::Path;

const HEADER: usize = 60;

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
        if data.len() - pos < HEADER {
            // A trailing newline pad is allowed; anything else is a truncated header.
            if data[pos..].iter().all(|&b| b == b'\n') {
                break;
            }
            bail!("{name}: truncated archive member header at offset {pos}");
        }
        let hdr = &data[pos..pos + HEADER];
        if &hdr[58..60] != b"`\n" {
            bail!("{name}: malformed archive member header at offset {pos}");
        }
        let size = parse_decimal(&hdr[48..58]).ok_or_else(|| {
            crate::err!("{name}: bad member size in archive header at offset {pos}")
        })?;
        let raw_name = trim(&hdr[0..16]);
        let body_start = pos + HEADER;
        // Thin archives store only the index and the name table inline; members live elsewhere.
        let inline = !thin || raw_name == b"/" || raw_name == b"//" || raw_name == b"/SYM64/";
        let body_end = if inline {
            body_start.checked_add(size)
        } else {
            Some(body_start)
        };
        let body_end = match body_end {
            Some(e) if e <= data.len() => e,
            _ => bail!("{name}: archive member at offset {pos} extends past the end of the file"),
        };
        let body = &data[body_start..body_end];

        if raw_name == b"/" || raw_name == b"/SYM64/" || raw_name == b"__.SYMDEF" {
            // Symbol index: not needed.
        } else if raw_name == b"//" {
            long_names = body;
        } else {
            let (member_name, bsd_skip) = member_name(name, raw_name, long_names, body)?;
            if thin {
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
                f(format!("{name}({member_name})"), mdata)?;
            } else {
                f(format!("{name}({member_name})"), &body[bsd_skip..])?;
            }
        }
        pos = body_end;
        if pos % 2 == 1 {
            pos += 1;
        }
    }
    Ok(())
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
