//! The state of one link, passed from phase to phase.

use crate::args::Config;
use crate::dso::DsoFile;
use crate::intern::Interner;
use crate::layout::Layout;
use crate::object::ObjectFile;
use crate::symbol::{SymAux, Symbol};

/// Names the linker itself references or defines. References (the entry point, `-u` symbols, the
/// symbols `--defsym` expressions use) act as strong undefined references, so they pull archive
/// members like any object's references do. Definitions are `--defsym` symbols and the names of the
/// versions a version script defines.
pub struct InternalFile {
    pub names: Vec<&'static [u8]>,
    pub hashes: Vec<u64>,
    pub global_ids: Vec<u32>,
    pub defs: Vec<InternalDef>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InternalDef {
    Reference,
    /// `--defsym` number `k`.
    Defsym(u32),
    /// A version the output defines: GNU ld exports an absolute symbol of that name with it.
    Version,
}

/// A `--defsym` expression: a number, or a symbol plus an offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefsymExpr {
    Abs(u64),
    Sym(&'static [u8], i64),
}

pub fn parse_defsym(expr: &str) -> crate::error::Result<DefsymExpr> {
    let e = expr.trim();
    let num = |t: &str| -> Option<u64> {
        let t = t.trim();
        if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            u64::from_str_radix(h, 16).ok()
        } else {
            t.parse::<u64>().ok()
        }
    };
    if let Some(n) = num(e) {
        return Ok(DefsymExpr::Abs(n));
    }
    let (name, off) = match e.find(['+', '-']) {
        Some(p) => {
            let Some(n) = num(&e[p + 1..]) else {
                crate::bail!("--defsym: cannot evaluate expression '{expr}'");
            };
            let n = n as i64;
            (e[..p].trim(), if &e[p..p + 1] == "-" { -n } else { n })
        }
        None => (e, 0),
    };
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.$@".contains(c));
    if !ok {
        crate::bail!("--defsym: cannot evaluate expression '{expr}'");
    }
    Ok(DefsymExpr::Sym(
        Box::leak(name.as_bytes().to_vec().into_boxed_slice()),
        off,
    ))
}

pub enum InputFile {
    Internal(InternalFile),
    Object(ObjectFile),
    Dso(DsoFile),
}

impl InputFile {
    pub fn name(&self) -> &str {
        match self {
            InputFile::Internal(_) => "<internal>",
            InputFile::Object(o) => &o.name,
            InputFile::Dso(d) => &d.name,
        }
    }

    pub fn as_object(&self) -> Option<&ObjectFile> {
        match self {
            InputFile::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_dso(&self) -> Option<&DsoFile> {
        match self {
            InputFile::Dso(d) => Some(d),
            _ => None,
        }
    }

    /// The id of each of the file's global names (once interned).
    pub fn global_ids(&self) -> &[u32] {
        match self {
            InputFile::Internal(i) => &i.global_ids,
            InputFile::Object(o) => &o.global_ids,
            InputFile::Dso(d) => &d.global_ids,
        }
    }

    /// The hash of each of the file's global names (until interned).
    pub fn global_hashes(&self) -> &[u64] {
        match self {
            InputFile::Internal(i) => &i.hashes,
            InputFile::Object(o) => &o.global_hashes,
            InputFile::Dso(d) => &d.global_hashes,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OutputKind {
    /// Position-dependent executable (`-no-pie`), dynamic or static.
    Exec,
    /// Position-independent executable (`-pie`), dynamic or static-pie.
    Pie,
    Shared,
}

pub struct Link {
    pub cfg: Config,
    pub kind: OutputKind,
    /// Has a dynamic section: links shared libraries, or is PIE/shared (static-pie relocates itself).
    pub dynamic: bool,
    /// Has PT_INTERP.
    pub has_interp: bool,
    /// PT_GNU_STACK allows execution.
    pub exec_stack: bool,
    pub files: Vec<InputFile>,
    pub interner: Interner,
    pub nglobals: u32,
    /// Id of the null symbol (symbol-table index 0 of every object maps to it).
    pub null_sym: u32,
    pub syms: Vec<Symbol>,
    pub aux: Vec<SymAux>,
    /// The version scripts, merged.
    pub versions: crate::version_script::VersionScript,
    pub layout: Layout,
    pub synth: crate::synth::Synth,
    pub target: &'static dyn crate::arch::Arch,
}

impl Link {
    pub fn is_exe(&self) -> bool {
        self.kind != OutputKind::Shared
    }

    /// `-z pack-relative-relocs`: relative relocations go to `.relr.dyn` where they can.
    pub fn packs_relative(&self) -> bool {
        self.cfg.pack_relative_relocs && self.dynamic
    }

    /// Started by the dynamic loader (a program with an interpreter, or a shared object): lazy
    /// binding and undefined symbols left for the loader exist only then.
    pub fn loaded_by_ld_so(&self) -> bool {
        self.has_interp || self.kind == OutputKind::Shared
    }

    /// Whether a strong undefined symbol is an error: always in executables; in shared objects
    /// only with `-z defs` / `--no-undefined` (otherwise the loader binds it).
    pub fn undefined_is_error(&self) -> bool {
        self.kind != OutputKind::Shared || self.cfg.z_defs || self.cfg.no_undefined
    }

    pub fn is_pic(&self) -> bool {
        self.kind != OutputKind::Exec
    }

    pub fn objects(&self) -> impl Iterator<Item = &ObjectFile> {
        self.files.iter().filter_map(InputFile::as_object)
    }

    pub fn live_objects(&self) -> impl Iterator<Item = &ObjectFile> {
        self.objects().filter(|o| o.is_alive())
    }

    /// The linked objects, for a parallel pass over them.
    pub fn par_live_objects(&self) -> impl rayon::iter::ParallelIterator<Item = &ObjectFile> {
        use rayon::prelude::*;
        crate::balance::par_files(&self.files).filter_map(|(_, f)| match f {
            InputFile::Object(o) if o.is_alive() => Some(o),
            _ => None,
        })
    }

    pub fn dsos(&self) -> impl Iterator<Item = &DsoFile> {
        self.files.iter().filter_map(InputFile::as_dso)
    }

    pub fn dso(&self, id: u32) -> &DsoFile {
        match &self.files[id as usize] {
            InputFile::Dso(d) => d,
            _ => unreachable!("file {id} is not a shared library"),
        }
    }

    /// Is the symbol defined in a section that is in the output? (False for symbols in a losing
    /// comdat copy or a garbage-collected section; true for everything not in a section.)
    pub fn in_live_section(&self, s: &crate::symbol::Symbol) -> bool {
        if s.kind != crate::symbol::SymKind::Section {
            return true;
        }
        match &self.files[s.file as usize] {
            InputFile::Object(o) => o.sections[s.shndx as usize].is_live(),
            _ => true,
        }
    }

    /// Symbol `id`'s name, as its file spells it (a definition's `@@VERSION` stripped).
    pub fn sym_name(&self, id: u32) -> &'static [u8] {
        if id < self.nglobals {
            return self.interner.name(id);
        }
        let s = &self.syms[id as usize];
        match self.files.get(s.file as usize) {
            // (The null symbol, local too, has no file.)
            Some(InputFile::Object(o)) if s.is_local => o.sym_name(s.idx as usize),
            _ => b"",
        }
    }

    pub fn sym_by_name(&self, name: &[u8]) -> Option<u32> {
        self.interner.lookup(name)
    }
}
