//! What a link reports besides its output: a map of the output (`-Map`), a make-style dependency
//! file (`--dependency-file`, as lld writes it), and the list of linked inputs (`-t`/`--trace`).
//! Build systems and people read these; none is on the fast path of an ordinary link.

use crate::context::{InputFile, Link};
use crate::elf::{LE, SHN_COMMON, SHN_UNDEF};
use crate::error::{Error, Result};
use crate::layout::Member;
use crate::object::NONE;
use crate::symbol::SymKind;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes a report to `path`, or to standard output for `-`.
fn write_file(what: &str, path: &Path, text: &str) -> Result<()> {
    if path == Path::new("-") {
        print!("{text}");
        return Ok(());
    }
    std::fs::write(path, text)
        .map_err(|e| Error(format!("cannot write {what} {}: {e}", path.display())))
}

/// The map, in the layout lld and mold use: every output section in address order, the input
/// sections in it, and the global symbols each defines. Sizes and addresses in hex.
pub fn write_map(link: &Link, path: &Path) -> Result<()> {
    let lay = &link.layout;
    // Global symbols (address, name) by (file, section), in address order.
    type Defined<'a> = HashMap<(u32, u32), Vec<(u64, &'a [u8])>>;
    let mut defined: Defined = HashMap::new();
    for (id, s) in link.syms[..link.nglobals as usize].iter().enumerate() {
        if s.kind == SymKind::Section && s.file != NONE {
            defined
                .entry((s.file, s.shndx))
                .or_default()
                .push((s.value, link.sym_name(id as u32)));
        }
    }
    for v in defined.values_mut() {
        v.sort_unstable();
    }
    let mut order: Vec<usize> = (0..lay.sections.len())
        .filter(|&i| lay.sections[i].shndx != 0)
        .collect();
    order.sort_by_key(|&i| {
        (
            !lay.sections[i].is_alloc(),
            lay.sections[i].addr,
            lay.sections[i].shndx,
        )
    });
    let mut out =
        String::from("             VMA              LMA     Size Align Out     In      Symbol\n");
    let line = |out: &mut String, addr: u64, size: u64, align: u64, indent: usize, name: &str| {
        let _ = writeln!(
            out,
            "{addr:16x} {addr:16x} {size:8x} {align:5} {:indent$}{name}",
            ""
        );
    };
    for i in order {
        let os = &lay.sections[i];
        line(
            &mut out,
            os.addr,
            os.size,
            os.align,
            0,
            &String::from_utf8_lossy(os.name),
        );
        for (m, &off) in os.members.iter().zip(&os.member_offsets) {
            let addr = os.addr + off;
            match *m {
                Member::Input { file, shndx } => {
                    let InputFile::Object(o) = &link.files[file as usize] else {
                        continue;
                    };
                    let sec = &o.sections[shndx as usize];
                    let name = format!(
                        "{}:({})",
                        o.name,
                        String::from_utf8_lossy(o.sec_name(shndx as usize))
                    );
                    line(&mut out, addr, sec.size, sec.align(), 8, &name);
                    for (value, sym) in defined.get(&(file, shndx)).into_iter().flatten() {
                        let sym = crate::symbol::demangle(sym);
                        line(&mut out, *value, 0, 1, 16, &sym);
                    }
                }
                Member::Merge(g) => {
                    let g = &lay.merge_groups[g as usize];
                    line(
                        &mut out,
                        addr,
                        g.size,
                        g.align,
                        8,
                        "<internal>:(merged strings and constants)",
                    );
                }
                Member::Commons(file) => {
                    let name = format!("{}:(COMMON)", link.files[file as usize].name());
                    line(&mut out, addr, 0, 1, 8, &name);
                }
                Member::CopyRel => {
                    line(&mut out, addr, 0, 1, 8, "<internal>:(copy relocations)");
                }
            }
        }
    }
    write_file("map file", path, &out)
}

/// `output: inputs...`, then an empty rule for each input so that make does not fail when one
/// disappears. Spaces and `#`/`$` in names are escaped as make needs.
pub fn write_dependency_file(output: &Path, inputs: &[PathBuf], path: &Path) -> Result<()> {
    let quote = |p: &Path| {
        let mut s = String::new();
        for c in p.display().to_string().chars() {
            match c {
                ' ' | '#' => {
                    s.push('\\');
                    s.push(c);
                }
                '$' => s.push_str("$$"),
                _ => s.push(c),
            }
        }
        s
    };
    let mut out = format!("{}:", quote(output));
    for p in inputs {
        let _ = write!(out, " \\\n  {}", quote(p));
    }
    out.push('\n');
    for p in inputs {
        let _ = write!(out, "\n{}:\n", quote(p));
    }
    write_file("dependency file", path, &out)
}

/// `-t`: every input that is part of the link, one per line, as GNU ld prints them (archive
/// members as `archive(member)`).
pub fn print_trace(link: &Link) {
    let mut out = String::new();
    for f in &link.files {
        let linked = match f {
            InputFile::Internal(_) => false,
            InputFile::Object(o) => o.is_alive(),
            InputFile::Dso(_) => true,
        };
        if linked {
            out.push_str(f.name());
            out.push('\n');
        }
    }
    print!("{out}");
}

/// `-y SYMBOL`: every linked file that defines or references one of `names`, as GNU ld prints it
/// (`file: definition of sym`, `file: reference to sym`), on standard error.
pub fn print_symbol_trace(link: &Link, names: &[String]) {
    let wanted = |n: &[u8]| names.iter().any(|w| w.as_bytes() == n);
    let mut out = String::new();
    for f in &link.files {
        let (file, entries): (&str, Vec<(&[u8], u16)>) = match f {
            InputFile::Object(o) if o.is_alive() => (
                &o.name,
                o.global_names
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| wanted(n))
                    .map(|(k, n)| (*n, o.symtab[o.first_global as usize + k].st_shndx.get(LE)))
                    .collect(),
            ),
            InputFile::Dso(d) => (
                &d.name,
                d.global_names
                    .iter()
                    .zip(&d.sym_index)
                    .filter(|(n, _)| wanted(n))
                    .map(|(n, &i)| (*n, d.dynsym[i as usize].st_shndx.get(LE)))
                    .collect(),
            ),
            _ => continue,
        };
        for (name, shndx) in entries {
            let what = match shndx {
                SHN_UNDEF => "reference to",
                SHN_COMMON => "common of",
                _ => "definition of",
            };
            let _ = writeln!(out, "{file}: {what} {}", String::from_utf8_lossy(name));
        }
    }
    // GNU ld reports these as diagnostics, on standard error.
    eprint!("{out}");
}
