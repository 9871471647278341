//! Shared libraries as link inputs: their dynamic symbols, symbol versions and `DT_SONAME`.
//!
//! Each exported definition is visible under its plain name only if its version is the default one
//! (`foo@@V`, or unversioned); every versioned definition is also visible as `foo@V`, which is what an
//! object's `.symver foo,foo@V` reference is called. Undefined dynamic symbols are kept too: a
//! library's reference to a symbol the executable defines makes the executable export it.

use crate::bail;
use crate::elf::*;
use crate::error::Result;
use crate::hash::hash_bytes;
use crate::object::NONE;
use std::sync::atomic::AtomicBool;

pub struct DsoFile {
    pub id: u32,
    pub name: String,
    pub soname: Vec<u8>,
    /// Its own `DT_NEEDED` entries.
    pub deps: Vec<&'static [u8]>,
    /// Gets a DT_NEEDED entry: not --as-needed, or something live references it.
    pub needed: AtomicBool,
    pub dynsym: &'static [Sym],
    pub dynstr: &'static [u8],
    pub versym: &'static [U16<LE>],
    /// Version names by version index (index 0 and 1 are empty).
    pub version_names: Vec<&'static [u8]>,
    /// For each interned name: the dynsym index it came from.
    pub sym_index: Vec<u32>,
    pub global_names: Vec<&'static [u8]>,
    pub global_hashes: Vec<u64>,
    pub global_ids: Vec<u32>,
}

impl DsoFile {
    /// `soname` is what a DT_NEEDED entry calls it: see [`needed_name`].
    pub fn parse(
        id: u32,
        name: String,
        data: &'static [u8],
        as_needed: bool,
        soname: Vec<u8>,
    ) -> Result<DsoFile> {
        let n = name.as_str();
        let (_, shdrs) = section_headers(n, data)?;
        let bytes = |sh: &Shdr, what: &str| section_bytes(n, data, sh, what);

        let mut dynsym: &[Sym] = &[];
        let mut dynstr: &[u8] = &[];
        let mut versym: &[U16<LE>] = &[];
        let mut verdef: Option<(&'static [u8], u32)> = None;
        let mut dynamic: &[u8] = &[];
        for sh in shdrs {
            match sh.sh_type.get(LE) {
                SHT_DYNSYM => {
                    let b = bytes(sh, ".dynsym")?;
                    dynsym = read_slice::<Sym>(b, 0, b.len() as u64 / SYM_SIZE).unwrap_or(&[]);
                    let link = sh.sh_link.get(LE) as usize;
                    match shdrs.get(link) {
                        Some(s) => dynstr = bytes(s, ".dynstr")?,
                        None => bail!("{n}: .dynsym has an invalid string table link"),
                    }
                }
                SHT_GNU_VERSYM => {
                    let b = bytes(sh, ".gnu.version")?;
                    versym = read_slice::<U16<LE>>(b, 0, b.len() as u64 / 2).unwrap_or(&[]);
                }
                SHT_GNU_VERDEF => verdef = Some((bytes(sh, ".gnu.version_d")?, sh.sh_info.get(LE))),
                SHT_DYNAMIC => dynamic = bytes(sh, ".dynamic")?,
                _ => {}
            }
        }
        if !versym.is_empty() && versym.len() < dynsym.len() {
            bail!("{n}: .gnu.version is shorter than .dynsym");
        }

        let mut version_names: Vec<&'static [u8]> = vec![b"", b""];
        if let Some((vd, count)) = verdef {
            let mut off = 0u64;
            // Each record takes at least 20 bytes: a count beyond that is corrupt, and bounding
            // it keeps a cycle of `vd_next` links from looping for billions of steps.
            for _ in 0..count.min(vd.len() as u32 / 20) {
                let Some(d) = read::<Verdef<LE>>(vd, off) else {
                    bail!("{n}: malformed .gnu.version_d")
                };
                let idx = d.vd_ndx.get(LE) as usize;
                let aux = off + d.vd_aux.get(LE) as u64;
                let Some(a) = read::<Verdaux<LE>>(vd, aux) else {
                    bail!("{n}: malformed .gnu.version_d")
                };
                let vname = cstr(dynstr, a.vda_name.get(LE)).unwrap_or(b"");
                if version_names.len() <= idx {
                    version_names.resize(idx + 1, b"");
                }
                version_names[idx] = vname;
                let next = d.vd_next.get(LE) as u64;
                if next == 0 {
                    break;
                }
                off += next;
            }
        }

        let deps = dynamic_strings(dynamic, dynstr, DT_NEEDED).collect();

        // Plain names borrow from .dynstr; `name@VER` forms are built in one arena per library.
        // (dynsym index, name, version for the `name@VER` form)
        type Entry = (u32, &'static [u8], Option<&'static [u8]>);
        // At most two entries a symbol: allocated once (libc's 3,000 symbols regrew the list
        // five times, 48 of a small link's 530 page faults), its untouched end costs nothing.
        let mut entries: Vec<Entry> = Vec::with_capacity(2 * dynsym.len());
        for (i, s) in dynsym.iter().enumerate().skip(1) {
            if st_bind(s) == STB_LOCAL {
                continue;
            }
            let Some(nm) = cstr(dynstr, s.st_name.get(LE)) else {
                bail!("{n}: dynamic symbol {i} has an invalid name offset");
            };
            if s.st_shndx.get(LE) == SHN_UNDEF {
                // A reference: only the plain name matters (it may make the executable export it).
                entries.push((i as u32, nm, None));
                continue;
            }
            let ver = versym.get(i).map_or(1, |v| v.get(LE));
            let vidx = (ver & VERSYM_VERSION) as usize;
            if vidx == 0 {
                continue; // VER_NDX_LOCAL: not exported.
            }
            // Only copy relocations use a library symbol's size: one no address space holds is
            // corrupt.
            if s.st_size.get(LE) > crate::object::MAX_SECTION_SIZE {
                bail!(
                    "{n}: dynamic symbol {} claims a size of {} bytes",
                    name_str(nm),
                    s.st_size.get(LE)
                );
            }
            if ver & VERSYM_HIDDEN == 0 {
                entries.push((i as u32, nm, None));
            }
            if let Some(v) = version_names
                .get(vidx)
                .filter(|v| vidx >= 2 && !v.is_empty())
            {
                entries.push((i as u32, nm, Some(*v)));
            }
        }
        let arena_len: usize = entries
            .iter()
            .filter_map(|e| e.2.map(|v| e.1.len() + 1 + v.len()))
            .sum();
        let mut arena = Vec::with_capacity(arena_len);
        for e in &entries {
            if let Some(v) = e.2 {
                arena.extend_from_slice(e.1);
                arena.push(b'@');
                arena.extend_from_slice(v);
            }
        }
        let arena: &'static [u8] = Box::leak(arena.into_boxed_slice());
        let mut pos = 0;
        let mut sym_index = Vec::with_capacity(entries.len());
        let mut global_names = Vec::with_capacity(entries.len());
        let mut global_hashes = Vec::with_capacity(entries.len());
        for (i, nm, ver) in entries {
            let name: &'static [u8] = match ver {
                None => nm,
                Some(v) => {
                    let len = nm.len() + 1 + v.len();
                    pos += len;
                    &arena[pos - len..pos]
                }
            };
            sym_index.push(i);
            global_hashes.push(hash_bytes(name));
            global_names.push(name);
        }
        let count = global_names.len();
        Ok(DsoFile {
            id,
            name,
            soname,
            deps,
            needed: AtomicBool::new(!as_needed),
            dynsym,
            dynstr,
            versym,
            version_names,
            sym_index,
            global_names,
            global_hashes,
            global_ids: vec![NONE; count],
        })
    }

    pub fn sym_name(&self, idx: usize) -> &'static [u8] {
        cstr(self.dynstr, self.dynsym[idx].st_name.get(LE)).unwrap_or(b"")
    }

    pub fn version_of(&self, idx: usize) -> u16 {
        self.versym
            .get(idx)
            .map_or(1, |v| v.get(LE) & VERSYM_VERSION)
    }
}

/// The name a DT_NEEDED entry gives a library, which is also what makes two inputs one library
/// (GNU ld ignores a library whose name an earlier one already has): its DT_SONAME; without one,
/// `fallback` (the file name as the command line gave it, or its base name when `-l` found it).
pub fn needed_name(name: &str, data: &'static [u8], fallback: &str) -> Result<Vec<u8>> {
    let (_, shdrs) = section_headers(name, data)?;
    for sh in shdrs.iter().filter(|sh| sh.sh_type.get(LE) == SHT_DYNAMIC) {
        let dynamic = section_bytes(name, data, sh, ".dynamic")?;
        let Some(strtab) = shdrs.get(sh.sh_link.get(LE) as usize) else {
            bail!("{name}: .dynamic has an invalid string table link")
        };
        let dynstr = section_bytes(name, data, strtab, ".dynstr")?;
        if let Some(s) = dynamic_strings(dynamic, dynstr, DT_SONAME).last()
            && !s.is_empty()
        {
            return Ok(s.to_vec());
        }
    }
    Ok(fallback.as_bytes().to_vec())
}

/// The strings that `.dynamic` entries with tag `tag` name, in order (unreadable ones skipped).
fn dynamic_strings(
    dynamic: &'static [u8],
    dynstr: &'static [u8],
    tag: u32,
) -> impl Iterator<Item = &'static [u8]> {
    dynamic.chunks_exact(16).filter_map(move |d| {
        let t = u64::from_le_bytes(d[0..8].try_into().unwrap());
        let v = u64::from_le_bytes(d[8..16].try_into().unwrap());
        if t == tag as u64 {
            cstr(dynstr, v as u32)
        } else {
            None
        }
    })
}
