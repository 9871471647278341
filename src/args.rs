//! GNU ld's command line, as compiler drivers (gcc's collect2, clang, rustc) write it.
//!
//! GNU ld accepts long options with one or two dashes (`-pie`, `--pie`), values joined with `=` or in
//! the next argument, and single-letter options with the value attached (`-lc`, `-L/usr/lib`,
//! `-ofile`) or separate. Inputs and the state that applies to them (`--as-needed`, `-Bstatic`,
//! `--whole-archive`) are kept in command-line order.

use crate::bail;
use crate::error::{Result, warn};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputState {
    pub as_needed: bool,
    pub whole_archive: bool,
    /// `-Bstatic`/`-static`: `-l` finds only archives.
    pub static_only: bool,
}

#[derive(Clone, Debug)]
pub enum InputArg {
    Path(PathBuf, InputState),
    /// `-lname` (`name`) or `-l:file` (`:file`).
    Library(String, InputState),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashStyle {
    Sysv,
    Gnu,
    Both,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildId {
    None,
    /// A 20-byte tree hash of the output (`--build-id`, `sha1`, `tree`, `fast`).
    Hash20,
    /// A 16-byte tree hash of the output (`md5`).
    Hash16,
    Uuid,
    Hex(Vec<u8>),
}

#[derive(Clone, Debug)]
pub struct Config {
    pub output: PathBuf,
    pub inputs: Vec<InputArg>,
    pub library_paths: Vec<PathBuf>,
    pub shared: bool,
    pub pie: bool,
    pub relocatable: bool,
    /// `-static` was given (or `-Bstatic` before any input): no shared libraries are searched for.
    pub static_flag: bool,
    pub dynamic_linker: Option<String>,
    pub no_dynamic_linker: bool,
    pub entry: Option<String>,
    pub hash_style: HashStyle,
    pub build_id: BuildId,
    pub eh_frame_hdr: bool,
    pub relro: bool,
    pub now: bool,
    /// `-z execstack` / `-z noexecstack`; otherwise the inputs decide.
    pub execstack: Option<bool>,
    pub separate_code: bool,
    /// `-z text` (`Some(true)`: text relocations are errors), `-z notext` (`Some(false)`: allowed
    /// silently); by default GNU ld warns.
    pub z_text: Option<bool>,
    pub z_defs: bool,
    pub z_origin: bool,
    pub z_nodelete: bool,
    pub z_nodlopen: bool,
    pub z_initfirst: bool,
    pub z_interpose: bool,
    pub z_nodump: bool,
    pub z_nocopyreloc: bool,
    pub muldefs: bool,
    pub max_page_size: u64,
    pub stack_size: u64,
    pub rpaths: Vec<String>,
    pub new_dtags: bool,
    pub strip_all: bool,
    pub strip_debug: bool,
    pub discard_locals: bool,
    pub discard_all: bool,
    pub export_dynamic: bool,
    pub no_undefined: bool,
    pub undefined: Vec<String>,
    pub threads: Option<usize>,
    pub print_timing: bool,
    pub time_trace: Option<String>,
    pub sort_common: bool,
    pub gc_sections: bool,
    pub print_gc_sections: bool,
    pub soname: Option<String>,
    pub version_script: Vec<PathBuf>,
    /// `--dynamic-list FILE`: in a shared object also binds every other definition locally.
    pub dynamic_list: Vec<PathBuf>,
    /// `--dynamic-list-data`: every data symbol is in the dynamic list.
    pub dynamic_list_data: bool,
    /// `--export-dynamic-symbol-list FILE`: like `--export-dynamic-symbol` for each name in it.
    pub export_symbol_lists: Vec<PathBuf>,
    /// `--export-dynamic-symbol PATTERN`.
    pub export_symbols: Vec<String>,
    pub bsymbolic: bool,
    pub bsymbolic_functions: bool,
    /// `--exclude-libs LIBS`: archives (by file name, or `ALL`) whose definitions are not exported.
    pub exclude_libs: Vec<String>,
    /// `--no-undefined-version`: a version script naming a symbol not defined is an error.
    pub no_undefined_version: bool,
    /// `--default-symver`: exported symbols no script versions get a version named after the
    /// output's soname.
    pub default_symver: bool,
    /// `-z [no]dynamic-undefined-weak`: whether undefined weak symbols are left for the loader
    /// (default: where one loads the output, as GNU ld).
    pub dynamic_undefined_weak: Option<bool>,
    /// `-Bsymbolic-non-weak` / `-Bsymbolic-non-weak-functions`: the same, for non-weak definitions.
    pub bsymbolic_non_weak: bool,
    pub bsymbolic_non_weak_functions: bool,
    pub defsyms: Vec<(String, String)>,
    pub wraps: Vec<String>,
    pub init: String,
    pub fini: String,
    pub image_base: Option<u64>,
    pub demangle: bool,
    pub allow_shlib_undefined: Option<bool>,
    /// Undefined symbols are errors (else warnings: `--warn-unresolved-symbols`).
    pub unresolved_report: bool,
    /// `--unresolved-symbols=ignore-all` (or `ignore-in-object-files`): not reported at all.
    pub unresolved_ignore: bool,
    pub trace: bool,
    pub fatal_warnings: bool,
    pub print_map: Option<PathBuf>,
    /// `--compress-debug-sections`.
    pub compress_debug: DebugCompression,
    /// `-y`/`--trace-symbol`: report every file that defines or references these.
    pub trace_symbols: Vec<String>,
    /// `--dependency-file`: a make rule naming every input file.
    pub dependency_file: Option<PathBuf>,
    pub emulation: Option<String>,
    pub pack_relative_relocs: bool,
    pub print_version: bool,
    /// `--sysroot`: prefixes `=`-paths, the default library directories, and absolute paths in
    /// linker scripts that live inside it (as GNU ld does).
    pub sysroot: Option<PathBuf>,
    /// `--reproduce=FILE.tar`: write every input and the command line to a tar for bug reports.
    pub reproduce: Option<PathBuf>,
    /// The command line after response-file expansion, and where in it paths are (for
    /// `--reproduce`, which rewrites them to point into its tar).
    pub argv: Vec<String>,
    pub arg_paths: Vec<ArgPath>,
}

/// What a path on the command line names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    /// A file the link reads (an input, a script, a version script).
    Input,
    /// A directory searched (`-L`, `--sysroot`), or a `:`-separated list of them.
    Dirs,
    /// A file the link writes (`-o`, `-Map`).
    Output,
    /// `--reproduce` itself: left out of the reproducer's command line.
    Reproduce,
}

/// A path on the command line: `argv[index][offset..]`.
#[derive(Clone, Copy, Debug)]
pub struct ArgPath {
    pub index: usize,
    pub offset: usize,
    pub kind: PathKind,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            output: PathBuf::from("a.out"),
            inputs: Vec::new(),
            library_paths: Vec::new(),
            shared: false,
            pie: false,
            relocatable: false,
            static_flag: false,
            dynamic_linker: None,
            no_dynamic_linker: false,
            entry: None,
            hash_style: HashStyle::Sysv,
            build_id: BuildId::None,
            eh_frame_hdr: false,
            relro: true,
            now: false,
            execstack: None,
            separate_code: true,
            z_text: None,
            z_defs: false,
            z_origin: false,
            z_nodelete: false,
            z_nodlopen: false,
            z_initfirst: false,
            z_interpose: false,
            z_nodump: false,
            z_nocopyreloc: false,
            muldefs: false,
            max_page_size: 0x1000,
            stack_size: 0,
            rpaths: Vec::new(),
            new_dtags: true,
            strip_all: false,
            strip_debug: false,
            discard_locals: false,
            discard_all: false,
            export_dynamic: false,
            no_undefined: false,
            undefined: Vec::new(),
            threads: None,
            print_timing: false,
            time_trace: None,
            sort_common: false,
            gc_sections: false,
            print_gc_sections: false,
            soname: None,
            version_script: Vec::new(),
            dynamic_list: Vec::new(),
            dynamic_list_data: false,
            export_symbol_lists: Vec::new(),
            export_symbols: Vec::new(),
            bsymbolic: false,
            bsymbolic_functions: false,
            exclude_libs: Vec::new(),
            no_undefined_version: false,
            default_symver: false,
            dynamic_undefined_weak: None,
            bsymbolic_non_weak: false,
            bsymbolic_non_weak_functions: false,
            defsyms: Vec::new(),
            wraps: Vec::new(),
            init: "_init".into(),
            fini: "_fini".into(),
            image_base: None,
            demangle: true,
            allow_shlib_undefined: None,
            unresolved_report: true,
            unresolved_ignore: false,
            trace: false,
            fatal_warnings: false,
            print_map: None,
            dependency_file: None,
            trace_symbols: Vec::new(),
            compress_debug: DebugCompression::None,
            emulation: None,
            pack_relative_relocs: false,
            print_version: false,
            sysroot: None,
            reproduce: None,
            argv: Vec::new(),
            arg_paths: Vec::new(),
        }
    }
}

/// What the command line asks for besides a link.
pub enum Action {
    Link(Box<Config>),
    Version,
    Help,
}

pub const VERSION_LINE: &str = concat!(
    "solder ",
    env!("CARGO_PKG_VERSION"),
    " (compatible with GNU linkers)"
);

/// Expands `@file` response files (recursively), with GNU-style quoting: whitespace separates,
/// single and double quotes group, backslash escapes.
pub fn expand_response_files(args: Vec<String>) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(args.len());
    expand_into(args, &mut out, 0)?;
    Ok(out)
}

fn expand_into(args: Vec<String>, out: &mut Vec<String>, depth: usize) -> Result<()> {
    for a in args {
        if let Some(path) = a.strip_prefix('@') {
            if depth > 20 {
                bail!("{path}: response files nest too deeply");
            }
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                // GNU ld treats an unreadable @file as a plain argument.
                Err(_) => {
                    out.push(a);
                    continue;
                }
            };
            expand_into(split_response(&text), out, depth + 1)?;
        } else {
            out.push(a);
        }
    }
    Ok(())
}

fn split_response(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (_, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                in_word = true;
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

struct Parser {
    args: Vec<String>,
    pos: usize,
    /// Where the last value matched lies: (argument index, byte offset in it).
    last: (usize, usize),
    paths: Vec<ArgPath>,
}

impl Parser {
    /// Records that the last value matched is a path of this kind.
    fn mark(&mut self, kind: PathKind) {
        self.paths.push(ArgPath {
            index: self.last.0,
            offset: self.last.1,
            kind,
        });
    }

    /// Matches a long option spelled with one or two dashes that takes no value.
    fn flag(&self, arg: &str, names: &[&str]) -> bool {
        let bare = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-'));
        matches!(bare, Some(b) if names.contains(&b))
    }

    /// Matches a long option (one or two dashes) with a value given as `--opt=v` or `--opt v`.
    fn value(&mut self, arg: &str, names: &[&str]) -> Result<Option<String>> {
        let Some(bare) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
            return Ok(None);
        };
        for n in names {
            if bare == *n {
                return self.next_value(arg).map(Some);
            }
            if let Some(v) = bare.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                self.last = (self.pos - 1, arg.len() - v.len());
                return Ok(Some(v.to_string()));
            }
        }
        Ok(None)
    }

    /// Matches a single-letter option whose value may be attached (`-Lpath`) or separate (`-L path`).
    fn short(&mut self, arg: &str, letter: char) -> Result<Option<String>> {
        let Some(rest) = arg.strip_prefix('-') else {
            return Ok(None);
        };
        let Some(val) = rest.strip_prefix(letter) else {
            return Ok(None);
        };
        if rest.starts_with('-') {
            return Ok(None);
        }
        if val.is_empty() {
            return self.next_value(arg).map(Some);
        }
        self.last = (self.pos - 1, arg.len() - val.len());
        Ok(Some(val.to_string()))
    }

    fn next_value(&mut self, opt: &str) -> Result<String> {
        if self.pos >= self.args.len() {
            bail!("option {opt} needs an argument");
        }
        self.pos += 1;
        self.last = (self.pos - 1, 0);
        Ok(self.args[self.pos - 1].clone())
    }
}

fn parse_size(opt: &str, v: &str) -> Result<u64> {
    let r = if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        u64::from_str_radix(h, 16)
    } else {
        v.parse::<u64>()
    };
    match r {
        Ok(n) => Ok(n),
        Err(_) => bail!("option {opt}: invalid number '{v}'"),
    }
}

fn parse_build_id(v: Option<&str>) -> Result<BuildId> {
    Ok(match v {
        None | Some("sha1") | Some("tree") | Some("fast") => BuildId::Hash20,
        Some("md5") => BuildId::Hash16,
        Some("uuid") => BuildId::Uuid,
        Some("none") => BuildId::None,
        Some(h) if h.starts_with("0x") || h.starts_with("0X") => {
            let hex = &h[2..];
            if hex.len() % 2 != 0 || hex.is_empty() {
                bail!("--build-id: invalid hex string '{h}'");
            }
            let mut bytes = Vec::with_capacity(hex.len() / 2);
            for i in (0..hex.len()).step_by(2) {
                match u8::from_str_radix(&hex[i..i + 2], 16) {
                    Ok(b) => bytes.push(b),
                    Err(_) => bail!("--build-id: invalid hex string '{h}'"),
                }
            }
            BuildId::Hex(bytes)
        }
        Some(other) => bail!("--build-id: unknown style '{other}'"),
    })
}

/// How `--compress-debug-sections` wants debug sections written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DebugCompression {
    None,
    Zlib,
    Zstd,
}

/// Options that GNU ld, lld or mold accept and that do not change what solder produces.
const IGNORED_FLAGS: &[&str] = &[
    "no-copy-dt-needed-entries",
    "copy-dt-needed-entries",
    "no-add-needed",
    "add-needed",
    "warn-common",
    "no-warn-mismatch",
    "warn-once",
    "relax",
    "no-relax",
    "color-diagnostics",
    "no-color-diagnostics",
    "discard-none",
    "nostdlib",
    "no-gdb-index",
    "disable-new-dtags-warning",
    "enable-linker-version",
    "disable-linker-version",
    "no-warnings",
    "w",
    "EL",
    "fix-cortex-a53-843419",
    "no-keep-memory",
    "reduce-memory-overheads",
    "stats",
    "ignore-unresolved-symbol",
    "no-print-gc-sections",
    "warn-shared-textrel",
    "warn-execstack",
    "no-warn-execstack",
    "warn-rwx-segments",
    "no-warn-rwx-segments",
    "error-execstack",
    "ld-generated-unwind-info",
    "no-ld-generated-unwind-info",
    "check-sections",
    "no-check-sections",
    "sort-section=name",
    "Qy",
    "qmagic",
    "no-demangle-warnings",
];

/// Options that would change the output, accepted (build systems pass them) but not implemented
/// yet: each use is warned about, so nobody believes they took effect.
const UNIMPLEMENTED_FLAGS: &[&str] = &["gdb-index"];
const UNIMPLEMENTED_WITH_VALUE: &[&str] = &["icf"];

const IGNORED_WITH_VALUE: &[&str] = &[
    "plugin",
    "plugin-opt",
    "hash-size",
    "sort-section",
    "color-diagnostics",
    "build-id-dir",
    "package-metadata",
    "error-limit",
    "thinlto-cache-dir",
    "lto-O",
    "lto-partitions",
    "mllvm",
    "A",
    "architecture",
    "rosegment",
    "plugin-save-temps",
];

pub fn parse(args: Vec<String>) -> Result<Action> {
    let mut cfg = Config::default();
    let mut p = Parser {
        args,
        pos: 0,
        last: (0, 0),
        paths: Vec::new(),
    };
    let mut state = InputState::default();
    let mut stack: Vec<InputState> = Vec::new();

    while p.pos < p.args.len() {
        let arg = p.args[p.pos].clone();
        p.pos += 1;
        let a = arg.as_str();

        if !a.starts_with('-') || a == "-" {
            cfg.inputs.push(InputArg::Path(PathBuf::from(a), state));
            p.last = (p.pos - 1, 0);
            p.mark(PathKind::Input);
            continue;
        }

        // Options first matched by exact spelling, then families.
        if p.flag(a, &["version"]) {
            return Ok(Action::Version);
        }
        // GNU ld prints its version for -v/-V and goes on linking if there is anything to link.
        if a == "-v" || a == "-V" || a == "--verbose" {
            cfg.print_version = true;
            continue;
        }
        if p.flag(a, &["help"]) {
            return Ok(Action::Help);
        }
        if let Some(v) = p.value(a, &["output"])? {
            cfg.output = v.into();
            p.mark(PathKind::Output);
        } else if let Some(v) = p.value(a, &["library-path"])? {
            cfg.library_paths.push(v.into());
            p.mark(PathKind::Dirs);
        } else if let Some(v) = p.value(a, &["sysroot"])? {
            cfg.sysroot = Some(v.into());
            p.mark(PathKind::Dirs);
        } else if let Some(v) = p.value(a, &["reproduce", "repro"])? {
            cfg.reproduce = Some(v.into());
            p.mark(PathKind::Reproduce);
        } else if let Some(v) = p.value(a, &["library"])? {
            cfg.inputs.push(InputArg::Library(v, state));
        } else if p.flag(a, &["pie", "pic-executable"]) {
            cfg.pie = true;
        } else if p.flag(a, &["no-pie", "no-pic-executable"]) {
            cfg.pie = false;
        } else if p.flag(a, &["shared", "Bshareable"]) {
            cfg.shared = true;
        } else if p.flag(a, &["r", "relocatable"]) || a == "-Ur" {
            cfg.relocatable = true;
        } else if p.flag(a, &["static", "Bstatic", "dn", "non_shared"]) {
            state.static_only = true;
            if !a.contains("Bstatic") {
                cfg.static_flag = true;
            }
        } else if p.flag(a, &["Bdynamic", "dy", "call_shared"]) {
            state.static_only = false;
        } else if let Some(v) = p.value(a, &["dynamic-linker", "I"])? {
            cfg.dynamic_linker = Some(v);
            cfg.no_dynamic_linker = false;
        } else if p.flag(a, &["no-dynamic-linker"]) {
            cfg.no_dynamic_linker = true;
        } else if let Some(v) = p.value(a, &["entry"])? {
            cfg.entry = Some(v);
        } else if let Some(v) = p.value(a, &["hash-style"])? {
            cfg.hash_style = match v.as_str() {
                "gnu" => HashStyle::Gnu,
                "sysv" => HashStyle::Sysv,
                "both" => HashStyle::Both,
                _ => bail!("--hash-style: unknown style '{v}' (use gnu, sysv or both)"),
            };
        } else if p.flag(a, &["build-id"]) {
            cfg.build_id = BuildId::Hash20;
        } else if let Some(v) = a
            .strip_prefix("--build-id=")
            .or_else(|| a.strip_prefix("-build-id="))
        {
            cfg.build_id = parse_build_id(Some(v))?;
        } else if p.flag(a, &["eh-frame-hdr"]) {
            cfg.eh_frame_hdr = true;
        } else if p.flag(a, &["no-eh-frame-hdr"]) {
            cfg.eh_frame_hdr = false;
        } else if let Some(v) = p.short(a, 'z')? {
            parse_z(&mut cfg, &v)?;
        } else if p.flag(a, &["as-needed"]) {
            state.as_needed = true;
        } else if p.flag(a, &["no-as-needed"]) {
            state.as_needed = false;
        } else if p.flag(a, &["whole-archive"]) {
            state.whole_archive = true;
        } else if p.flag(a, &["no-whole-archive"]) {
            state.whole_archive = false;
        } else if p.flag(a, &["push-state"]) {
            stack.push(state);
        } else if p.flag(a, &["pop-state"]) {
            match stack.pop() {
                Some(s) => state = s,
                None => bail!("--pop-state without a matching --push-state"),
            }
        } else if p.flag(a, &["start-group", "end-group"]) || a == "-(" || a == "-)" {
            // Archives are searched regardless of position (as lld and mold do), so groups need no
            // bookkeeping: every cycle between archives resolves.
        } else if let Some(v) = p.value(a, &["rpath", "R"])? {
            cfg.rpaths
                .extend(v.split(':').filter(|s| !s.is_empty()).map(String::from));
        } else if let Some(v) = p.value(a, &["rpath-link"])? {
            let _ = v; // Only used by GNU ld to find indirect dependencies; solder does not need them.
            p.mark(PathKind::Dirs);
        } else if p.flag(a, &["enable-new-dtags"]) {
            cfg.new_dtags = true;
        } else if p.flag(a, &["disable-new-dtags"]) {
            cfg.new_dtags = false;
        } else if p.flag(a, &["s", "strip-all"]) {
            cfg.strip_all = true;
        } else if p.flag(a, &["S", "strip-debug", "g"]) {
            if a != "-g" {
                cfg.strip_debug = true;
            }
        } else if p.flag(a, &["X", "discard-locals"]) {
            cfg.discard_locals = true;
        } else if p.flag(a, &["x", "discard-all"]) {
            cfg.discard_all = true;
        } else if p.flag(a, &["E", "export-dynamic"]) {
            cfg.export_dynamic = true;
        } else if p.flag(a, &["no-export-dynamic"]) {
            cfg.export_dynamic = false;
        } else if p.flag(a, &["no-undefined"]) {
            cfg.no_undefined = true;
        } else if p.flag(a, &["allow-shlib-undefined"]) {
            cfg.allow_shlib_undefined = Some(true);
        } else if p.flag(a, &["no-allow-shlib-undefined"]) {
            cfg.allow_shlib_undefined = Some(false);
        } else if let Some(v) = p.value(a, &["undefined"])? {
            cfg.undefined.push(v);
        } else if let Some(v) = p.value(a, &["unresolved-symbols"])? {
            cfg.unresolved_ignore = match v.as_str() {
                "ignore-all" | "ignore-in-object-files" => true,
                "report-all" | "ignore-in-shared-libs" => false,
                _ => bail!("--unresolved-symbols: unknown method '{v}'"),
            };
        } else if p.flag(a, &["warn-unresolved-symbols"]) {
            cfg.unresolved_report = false;
        } else if p.flag(a, &["error-unresolved-symbols"]) {
            cfg.unresolved_report = true;
        } else if let Some(v) = p.value(a, &["threads", "j"])? {
            cfg.threads = Some(thread_count(a, &v)?);
        } else if let Some(v) = a.strip_prefix("-j").filter(|v| !v.is_empty()) {
            cfg.threads = Some(thread_count(a, v)?);
        } else if p.flag(a, &["no-threads"]) {
            cfg.threads = Some(1);
        } else if p.flag(a, &["print-timing", "time"]) {
            cfg.print_timing = true;
        } else if let Some(v) = p.value(a, &["time-trace-file"])? {
            cfg.time_trace = Some(v);
            p.mark(PathKind::Output);
        } else if p.flag(a, &["time-trace"]) {
            cfg.time_trace = Some(format!("{}.time-trace.json", cfg.output.display()));
        } else if let Some(v) = a.strip_prefix("--time-trace=") {
            cfg.time_trace = Some(v.to_string());
        } else if p.flag(a, &["sort-common"]) || a.starts_with("--sort-common=") {
            cfg.sort_common = true;
        } else if p.flag(a, &["gc-sections"]) {
            cfg.gc_sections = true;
        } else if p.flag(a, &["no-gc-sections"]) {
            cfg.gc_sections = false;
        } else if p.flag(a, &["print-gc-sections"]) {
            cfg.print_gc_sections = true;
        } else if let Some(v) = p.value(a, &["soname", "h"])? {
            cfg.soname = Some(v);
        } else if let Some(v) = p.value(a, &["version-script"])? {
            cfg.version_script.push(v.into());
            p.mark(PathKind::Input);
        } else if let Some(v) = p.value(a, &["dynamic-list"])? {
            cfg.dynamic_list.push(v.into());
            p.mark(PathKind::Input);
        } else if let Some(v) = p.value(a, &["export-dynamic-symbol-list"])? {
            cfg.export_symbol_lists.push(v.into());
            p.mark(PathKind::Input);
        } else if p.flag(a, &["dynamic-list-data"]) {
            cfg.dynamic_list_data = true;
        } else if let Some(v) = p.value(a, &["export-dynamic-symbol"])? {
            cfg.export_symbols.push(v);
        } else if p.flag(a, &["Bsymbolic"]) {
            cfg.bsymbolic = true;
        } else if p.flag(a, &["Bsymbolic-functions"]) {
            cfg.bsymbolic_functions = true;
        } else if let Some(v) = p.value(a, &["exclude-libs"])? {
            // GNU ld separates names with commas or colons.
            cfg.exclude_libs.extend(
                v.split([',', ':'])
                    .filter(|s| !s.is_empty())
                    .map(String::from),
            );
        } else if p.flag(a, &["default-symver"]) {
            cfg.default_symver = true;
        } else if p.flag(a, &["no-undefined-version"]) {
            cfg.no_undefined_version = true;
        } else if p.flag(a, &["undefined-version"]) {
            cfg.no_undefined_version = false;
        } else if p.flag(a, &["Bsymbolic-non-weak"]) {
            cfg.bsymbolic_non_weak = true;
        } else if p.flag(a, &["Bsymbolic-non-weak-functions"]) {
            cfg.bsymbolic_non_weak_functions = true;
        } else if p.flag(a, &["Bno-symbolic"]) {
            cfg.bsymbolic = false;
            cfg.bsymbolic_functions = false;
            cfg.bsymbolic_non_weak = false;
            cfg.bsymbolic_non_weak_functions = false;
        } else if let Some(v) = p.value(a, &["defsym"])? {
            match v.split_once('=') {
                Some((name, expr)) => cfg.defsyms.push((name.trim().into(), expr.trim().into())),
                None => bail!("--defsym: expected SYMBOL=EXPRESSION, got '{v}'"),
            }
        } else if let Some(v) = p.value(a, &["wrap"])? {
            cfg.wraps.push(v);
        } else if let Some(v) = p.value(a, &["init"])? {
            cfg.init = v;
        } else if let Some(v) = p.value(a, &["fini"])? {
            cfg.fini = v;
        } else if let Some(v) = p.value(a, &["image-base", "Ttext-segment"])? {
            cfg.image_base = Some(parse_size(a, &v)?);
        } else if p.flag(a, &["demangle"]) || a.starts_with("--demangle=") {
            cfg.demangle = true;
        } else if p.flag(a, &["no-demangle"]) {
            cfg.demangle = false;
        } else if p.flag(a, &["allow-multiple-definition"]) {
            cfg.muldefs = true;
        } else if p.flag(a, &["t", "trace"]) {
            cfg.trace = true;
        } else if p.flag(a, &["fatal-warnings"]) {
            cfg.fatal_warnings = true;
        } else if p.flag(a, &["no-fatal-warnings"]) {
            cfg.fatal_warnings = false;
        } else if let Some(v) = p.value(a, &["Map"])? {
            cfg.print_map = Some(v.into());
            p.mark(PathKind::Output);
        } else if let Some(v) = p.value(a, &["compress-debug-sections"])? {
            cfg.compress_debug = match v.as_str() {
                "none" => DebugCompression::None,
                "zlib" | "zlib-gabi" => DebugCompression::Zlib,
                "zstd" => DebugCompression::Zstd,
                "zlib-gnu" => bail!(
                    "--compress-debug-sections=zlib-gnu (.zdebug sections) is not supported; use zlib"
                ),
                _ => bail!("--compress-debug-sections: unknown format '{v}'"),
            };
        } else if let Some(v) = p.value(a, &["dependency-file"])? {
            cfg.dependency_file = Some(v.into());
            p.mark(PathKind::Output);
        } else if let Some(v) = p.value(a, &["m"])? {
            check_emulation(&v)?;
            cfg.emulation = Some(v);
        } else if let Some(v) = a.strip_prefix("-m").filter(|v| !v.is_empty()) {
            check_emulation(v)?;
            cfg.emulation = Some(v.to_string());
        } else if let Some(v) = p.value(a, &["T", "script", "dT", "default-script"])? {
            // A linker script given explicitly is read like any input; the script reader
            // reports the commands it does not support.
            cfg.inputs.push(InputArg::Path(PathBuf::from(v), state));
            p.mark(PathKind::Input);
        } else if let Some(sec) = ["text", "data", "bss", "rodata-segment", "ldata-segment"]
            .iter()
            .find(|s| a.starts_with(&format!("-T{s}=")) || a == format!("-T{s}"))
        {
            bail!("{a}: placing .{sec} at a fixed address is not supported yet");
        } else if a.starts_with("--section-start") {
            bail!("{a}: placing sections at fixed addresses is not supported yet");
        } else if let Some(v) = a.strip_prefix("-T").filter(|v| !v.is_empty()) {
            cfg.inputs.push(InputArg::Path(PathBuf::from(v), state));
            p.last = (p.pos - 1, 2);
            p.mark(PathKind::Input);
        } else if p.flag(a, &["pack-dyn-relocs=relr"]) {
            cfg.pack_relative_relocs = true;
        } else if let Some(v) = p.value(a, &["y", "trace-symbol"])? {
            cfg.trace_symbols.push(v);
        } else if let Some(v) = p.value(a, &["Y"])? {
            // A default search path for Solaris compatibility; Linux drivers never pass it.
            let _ = v;
        } else if p.flag(a, &["print-map", "M"]) {
            cfg.print_map = Some("-".into());
        } else if p.flag(a, &["cref", "no-map-whole-files"]) {
            // A cross-reference table GNU ld can add to its map; solder's map has none.
        } else if a == "-O" || a == "--O" {
            // GNU ld's optimisation level takes its value in the next word as well (`-O 1`, as
            // lld's --reproduce response files write it); it changes nothing solder produces.
            p.next_value(a)?;
        } else if a.len() > 2 && a.starts_with("-O") && a[2..].bytes().all(|c| c.is_ascii_digit()) {
        } else if let Some(v) = p.value(a, UNIMPLEMENTED_WITH_VALUE)? {
            if !(a.starts_with("--icf") || a.starts_with("-icf")) || v != "none" {
                warn(&format!(
                    "{a}{} is not implemented; ignored",
                    if a.contains('=') {
                        String::new()
                    } else {
                        format!(" {v}")
                    }
                ));
            }
        } else if p.flag(a, UNIMPLEMENTED_FLAGS) {
            warn(&format!("{a} is not implemented; ignored"));
        } else if p.flag(a, IGNORED_FLAGS) || ignored_with_value(&mut p, a)? {
            // Single-letter options with attached values come last: GNU ld reads a single-dash word as a
            // long option when it is one (`-export-dynamic` is not `-e xport-dynamic`).
        } else if let Some(v) = p.short(a, 'o')? {
            cfg.output = v.into();
            p.mark(PathKind::Output);
        } else if let Some(v) = p.short(a, 'L')? {
            cfg.library_paths.push(v.into());
            p.mark(PathKind::Dirs);
        } else if let Some(v) = p.short(a, 'l')? {
            cfg.inputs.push(InputArg::Library(v, state));
        } else if let Some(v) = p.short(a, 'e')? {
            cfg.entry = Some(v);
        } else if let Some(v) = p.short(a, 'u')? {
            cfg.undefined.push(v);
        } else if let Some(v) = p.short(a, 'h')? {
            cfg.soname = Some(v);
        } else {
            bail!("unknown option: {a}");
        }
    }

    cfg.arg_paths = std::mem::take(&mut p.paths);
    cfg.argv = p.args;
    if cfg.relocatable {
        bail!("-r (relocatable output) is not supported yet");
    }
    if cfg.shared {
        cfg.pie = false;
    }
    Ok(Action::Link(Box::new(cfg)))
}

fn ignored_with_value(p: &mut Parser, a: &str) -> Result<bool> {
    Ok(p.value(a, IGNORED_WITH_VALUE)?.is_some())
}

fn thread_count(opt: &str, v: &str) -> Result<usize> {
    match v.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => bail!("option {opt}: expected a positive thread count, got '{v}'"),
    }
}

fn check_emulation(v: &str) -> Result<()> {
    match v {
        "elf_x86_64" | "elf_x86_64_fbsd" => Ok(()),
        _ => bail!("unsupported emulation '{v}' (solder links x86-64 ELF: elf_x86_64)"),
    }
}

fn parse_z(cfg: &mut Config, v: &str) -> Result<()> {
    match v {
        "relro" => cfg.relro = true,
        "norelro" => cfg.relro = false,
        "now" => cfg.now = true,
        "lazy" => cfg.now = false,
        "execstack" => cfg.execstack = Some(true),
        "noexecstack" => cfg.execstack = Some(false),
        "separate-code" => cfg.separate_code = true,
        "noseparate-code" => cfg.separate_code = false,
        "text" => cfg.z_text = Some(true),
        "notext" | "textoff" => cfg.z_text = Some(false),
        "defs" => cfg.z_defs = true,
        "undefs" => cfg.z_defs = false,
        "origin" => cfg.z_origin = true,
        "nodelete" => cfg.z_nodelete = true,
        "nodlopen" => cfg.z_nodlopen = true,
        "initfirst" => cfg.z_initfirst = true,
        "interpose" => cfg.z_interpose = true,
        "nodump" => cfg.z_nodump = true,
        "nocopyreloc" => cfg.z_nocopyreloc = true,
        "muldefs" => cfg.muldefs = true,
        "pack-relative-relocs" => cfg.pack_relative_relocs = true,
        "dynamic-undefined-weak" => cfg.dynamic_undefined_weak = Some(true),
        "nodynamic-undefined-weak" => cfg.dynamic_undefined_weak = Some(false),
        "nopack-relative-relocs" => cfg.pack_relative_relocs = false,
        _ => {
            if let Some(n) = v.strip_prefix("max-page-size=") {
                let size = parse_size("-z max-page-size", n)?;
                if !size.is_power_of_two() {
                    bail!("-z max-page-size: {n} is not a power of two");
                }
                cfg.max_page_size = size;
            } else if let Some(n) = v.strip_prefix("stack-size=") {
                cfg.stack_size = parse_size("-z stack-size", n)?;
            } else if v.starts_with("common-page-size=")
                || v.starts_with("cet-report=")
                || v.starts_with("start-stop-visibility=")
                || v.starts_with("x86-64-")
                || matches!(
                    v,
                    "combreloc"
                        | "nocombreloc"
                        | "global"
                        | "ibt"
                        | "ibtplt"
                        | "shstk"
                        | "noexecheap"
                        | "keep-text-section-prefix"
                        | "nokeep-text-section-prefix"
                        | "start-stop-gc"
                        | "nostart-stop-gc"
                        | "noextern-protected-data"
                        | "rodynamic"
                        | "mark-plt"
                        | "nomark-plt"
                        | "lam-u48"
                        | "lam-u57"
                        | "nognustack"
                        | "sectionheader"
                        | "nosectionheader"
                        | "unique-symbol"
                        | "nounique-symbol"
                )
            {
                // Accepted: these tune things solder does not generate or does by default.
            } else {
                warn(&format!("-z {v} ignored"));
            }
        }
    }
    Ok(())
}

pub const HELP: &str = "\
Usage: solder [options] file...
solder is a fast ELF linker for x86-64 Linux that accepts GNU ld's command line.

Common options:
  -o FILE                    Write the output to FILE (default a.out)
  -L DIR, -l NAME, -l:FILE   Library search path; link libNAME.so / libNAME.a; link FILE
  -pie / -no-pie             Position-independent / position-dependent executable
  -shared                    Shared library
  -static                    Do not link against shared libraries
  --no-dynamic-linker        No PT_INTERP (static-pie)
  -dynamic-linker FILE       The program interpreter
  -e SYM, --entry SYM        Entry point (default _start)
  --as-needed, --no-as-needed, --push-state, --pop-state
  --whole-archive, --no-whole-archive, -Bstatic, -Bdynamic
  --start-group, --end-group Accepted; archives are searched until nothing changes
  --hash-style=gnu|sysv|both
  --build-id[=sha1|md5|uuid|0xHEX|none]
  --eh-frame-hdr             Create .eh_frame_hdr and PT_GNU_EH_FRAME
  -z relro|norelro|now|lazy|noexecstack|execstack|separate-code|noseparate-code|...
  -rpath DIR, --enable-new-dtags, --disable-new-dtags
  -s, -S                     Strip all symbols / debug information
  -E, --export-dynamic       Export all global symbols
  -u SYM                     Treat SYM as undefined (pulls archive members)
  --no-undefined             Report undefined symbols in shared libraries too
  --gc-sections              Remove unreferenced sections
  --threads N, -j N          Use N threads (1 = no worker threads)
  --print-timing             Print the wall time of each phase
  --time-trace[=FILE]        Write a Chrome trace of the phases
  @FILE                      Read options from FILE
  -v, --version              Print the version
  --help                     Print this help

solder: supported targets: elf64-x86-64
solder: supported emulations: elf_x86_64
";

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(args: &[&str]) -> Config {
        match parse(args.iter().map(|s| s.to_string()).collect()).unwrap() {
            Action::Link(c) => *c,
            _ => panic!("not a link"),
        }
    }

    #[test]
    fn long_options_win_over_single_letters() {
        let c = cfg(&["-export-dynamic", "-hash-style=both", "-o", "out", "x.o"]);
        assert!(c.export_dynamic);
        assert_eq!(c.entry, None);
        assert_eq!(c.hash_style, HashStyle::Both);
        assert_eq!(c.soname, None);
        assert_eq!(c.output, PathBuf::from("out"));
    }

    #[test]
    fn attached_and_separate_values() {
        let c = cfg(&[
            "-ofoo",
            "-L/a",
            "-L",
            "/b",
            "-lc",
            "-l",
            "m",
            "-l:libx.a",
            "-e",
            "go",
            "-ubar",
        ]);
        assert_eq!(c.output, PathBuf::from("foo"));
        assert_eq!(
            c.library_paths,
            vec![PathBuf::from("/a"), PathBuf::from("/b")]
        );
        let libs: Vec<_> = c
            .inputs
            .iter()
            .map(|i| match i {
                InputArg::Library(l, _) => l.clone(),
                InputArg::Path(p, _) => p.display().to_string(),
            })
            .collect();
        assert_eq!(libs, vec!["c", "m", ":libx.a"]);
        assert_eq!(c.entry.as_deref(), Some("go"));
        assert_eq!(c.undefined, vec!["bar".to_string()]);
    }

    #[test]
    fn state_applies_to_following_inputs() {
        let c = cfg(&[
            "a.o",
            "--push-state",
            "--as-needed",
            "-lgcc_s",
            "--pop-state",
            "-lc",
            "-Bstatic",
            "-lz",
        ]);
        let st: Vec<(bool, bool)> = c
            .inputs
            .iter()
            .map(|i| match i {
                InputArg::Library(_, s) | InputArg::Path(_, s) => (s.as_needed, s.static_only),
            })
            .collect();
        assert_eq!(
            st,
            vec![(false, false), (true, false), (false, false), (false, true)]
        );
    }

    #[test]
    fn unknown_option_is_named() {
        let e = parse(vec!["--frobnicate".into()]).err().unwrap();
        assert!(e.0.contains("--frobnicate"), "{}", e.0);
    }

    #[test]
    fn gcc_plugin_options_are_accepted() {
        let c = cfg(&[
            "-plugin",
            "/usr/lib/liblto_plugin.so",
            "-plugin-opt=-fresolution=/tmp/x.res",
            "a.o",
        ]);
        assert_eq!(c.inputs.len(), 1);
    }
}
