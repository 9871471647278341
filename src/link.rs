//! The link pipeline: each step is a whole-program phase, mostly a parallel loop over files or
//! sections, whose results are joined in command-line order.

use crate::args::Config;
use crate::context::{InputFile, InternalFile, Link, OutputKind};
use crate::error::{Result, warn};
use crate::input::Input;
use crate::timing::Timer;
use rayon::prelude::*;
use std::sync::atomic::Ordering;

/// Starts the link's next phase: timed, and with the workers awake for it.
fn phase(timer: &mut Timer, name: &'static str) {
    timer.phase(name);
    crate::threads::keep_warm();
}

pub fn link(cfg: Config, timer: &mut Timer) -> Result<()> {
    phase(timer, "open inputs");
    let mut input_paths = Vec::new();
    let loaded = crate::input::load_inputs(&cfg, &mut input_paths, |bytes| {
        crate::threads::start(&cfg, bytes)
    });
    if let Some(tar) = &cfg.reproduce {
        // Before anything can fail on the inputs' contents: the reproducer is most wanted then.
        crate::reproduce::write(&cfg, &input_paths, tar)?;
    }
    let inputs = loaded?;
    if inputs.is_empty() {
        crate::bail!("no input files");
    }

    phase(timer, "parse");
    // Before interning: the versions a script defines are names the link defines.
    let versions = crate::version_script::load(&cfg)?;
    let mut files = parse_files(&cfg, inputs, &versions)?;

    phase(timer, "resolve symbols");
    let (interner, nglobals) = crate::resolve::intern_symbols(&mut files);
    let kind = if cfg.shared {
        OutputKind::Shared
    } else if cfg.pie {
        OutputKind::Pie
    } else {
        OutputKind::Exec
    };
    let mut link = Link {
        cfg,
        kind,
        dynamic: false,
        has_interp: false,
        exec_stack: false,
        files,
        interner,
        nglobals,
        null_sym: 0,
        syms: Vec::new(),
        aux: Vec::new(),
        versions,
        layout: Default::default(),
        synth: Default::default(),
        target: &crate::arch::x86_64::X86_64,
    };
    crate::resolve::select_members(&mut link);
    phase(timer, "release unlinked members");
    crate::input::release(
        link.objects()
            .filter(|o| o.lazy && !o.is_alive())
            .map(|o| o.data)
            .collect(),
    );
    phase(timer, "parse linked members");
    crate::resolve::parse_linked_members(&mut link)?;
    phase(timer, "resolve linked");
    crate::resolve::resolve(&mut link)?;
    if link.cfg.print_timing {
        let objs = link.objects();
        let (mut members, mut pulled, mut bytes, mut used) = (0u64, 0u64, 0u64, 0u64);
        let (mut sections, mut discarded, mut symbols) = (0u64, 0u64, 0u64);
        for o in objs {
            bytes += o.data.len() as u64;
            if o.lazy {
                members += 1;
                pulled += o.is_alive() as u64;
            }
            if o.is_alive() {
                used += o.data.len() as u64;
                sections += o.sections.len() as u64;
                discarded += o
                    .sections
                    .iter()
                    .filter(|s| s.kind == crate::object::SecKind::Discarded)
                    .count() as u64;
                symbols += o.symbols.len() as u64;
            }
        }
        timer.stats.extend([
            ("archive members read", members),
            ("archive members linked", pulled),
            ("object bytes", bytes),
            ("object bytes linked", used),
            ("global symbols", link.nglobals as u64),
            ("sections in linked files", sections),
            ("of them in discarded comdat groups", discarded),
            ("symbol-table entries in linked files", symbols),
        ]);
    }
    let needed_dsos = link.dsos().any(|d| d.needed.load(Ordering::Relaxed));
    link.dynamic = link.kind != OutputKind::Exec || needed_dsos;
    link.has_interp = link.is_exe() && link.dynamic && !link.cfg.no_dynamic_linker;
    if link.is_exe() && !link.dynamic && link.cfg.dynamic_linker.is_some() && needed_dsos {
        link.has_interp = true;
    }
    phase(timer, "classify symbols");
    crate::synth::define_linker_symbols(&mut link)?;
    // After the linker's own definitions, which a library may reference (`_end`, say).
    crate::resolve::check_shlib_undefined(&link)?;
    crate::synth::classify(&mut link)?;
    crate::synth::assign_commons(&mut link);
    check_entry(&link);
    link.exec_stack = exec_stack(&link);

    phase(timer, "parse .eh_frame");
    crate::balance::par_files_mut(&mut link.files).try_for_each(|(_, f)| match f {
        InputFile::Object(o) if o.is_alive() => crate::eh_frame::parse(o),
        _ => Ok(()),
    })?;
    // Marking scans the sections it reaches; scanning below does the rest.
    let scanned = if link.cfg.gc_sections {
        phase(timer, "gc sections");
        Some(crate::gc::collect_garbage(&mut link))
    } else {
        None
    };

    phase(timer, "merge sections");
    let groups = crate::merge::merge_sections(&mut link)?;

    phase(timer, "scan relocations");
    crate::eh_frame::mark_live(&mut link);
    crate::scan::scan(&mut link, scanned)?;

    phase(timer, "synthetic sections");
    crate::synth::plan(&mut link);
    let plt_eh = crate::eh_frame::plt_records(&link, None).len() as u64;
    let (eh_size, fdes) = crate::eh_frame::finalize(&mut link, plt_eh);
    link.layout.eh_frame_size = eh_size;
    link.layout.fde_count = fdes;

    phase(timer, "layout");
    crate::layout::create_output_sections(&mut link, groups);
    phase(timer, "section offsets");
    crate::layout::size_sections(&mut link);
    crate::synth::size_dynamic(&mut link);
    phase(timer, "symbol table plan");
    let symtab_plan = crate::symtab::plan(&link);
    crate::symtab::set_sizes(&mut link, &symtab_plan);
    phase(timer, "addresses");
    crate::layout::assign_addresses(&mut link);
    // Its encoding depends on addresses, and its size moves what follows it.
    crate::relr::settle(&mut link);
    crate::layout::check_size(&link)?;
    crate::layout::compute_symbol_values(&mut link);

    // Reports come before the output is touched: a failure to write one must not leave the
    // output half-replaced.
    if let Some(path) = &link.cfg.print_map {
        crate::report::write_map(&link, path)?;
    }
    if let Some(path) = &link.cfg.dependency_file {
        crate::report::write_dependency_file(&link.cfg.output, &input_paths, path)?;
    }

    phase(timer, "write");
    // An existing executable is overwritten in place, which saves allocating its page cache
    // afresh; only once nothing can fail while writing, since its old contents go at once. (A
    // shared library is always replaced: running programs map it, and writing it in place would
    // change their code under them.)
    let reuse = link.is_exe() && crate::output::reusable(&link.cfg.output);
    // Also before a new file is made: a field that cannot hold its value fails the link before
    // gigabytes of it are zero-filled (a corrupt alignment, say; GNU ld stops as early). Nearly
    // always the recorded bounds rule overflows out without reading a relocation.
    let checked = crate::scan::check_fields(&link)?;
    timer
        .stats
        .push(("relocations checked one by one (0/1)", checked as u64));
    let ranges = crate::write::content_ranges(crate::layout::file_parts(&link));
    let mut output =
        crate::output::Output::create(&link.cfg.output, link.layout.file_size, &ranges, reuse)?;
    let dirty = (!output.starts_zeroed()).then_some(&ranges[..]);
    let map = output.image();
    crate::write::write_output(&link, map, &symtab_plan, dirty)?;
    let mut size = link.layout.file_size;
    if link.cfg.compress_debug != crate::args::DebugCompression::None {
        phase(timer, "compress debug sections");
        size = crate::compress::compress_debug_sections(&link, map, link.cfg.compress_debug)?;
    }
    phase(timer, "build id");
    // Compression moved the debug sections: then the ranges are read back from the image.
    let hashed = (size == link.layout.file_size).then_some(&ranges[..]);
    crate::write::write_build_id(&link, &mut map[..size as usize], hashed);
    if link.cfg.trace {
        crate::report::print_trace(&link);
    }
    if !link.cfg.trace_symbols.is_empty() {
        crate::report::print_symbol_trace(&link, &link.cfg.trace_symbols);
    }
    crate::threads::done();
    phase(timer, "commit");
    output.commit(size, true)?;
    timer.finish();
    // Freeing the link's memory would only delay exit.
    std::mem::forget(link);
    Ok(())
}

fn parse_files(
    cfg: &Config,
    inputs: Vec<Input>,
    versions: &crate::version_script::VersionScript,
) -> Result<Vec<InputFile>> {
    let mut names: Vec<&'static [u8]> = Vec::new();
    if !cfg.shared || cfg.entry.is_some() {
        let entry = cfg.entry.clone().unwrap_or_else(|| "_start".into());
        names.push(Box::leak(entry.into_bytes().into_boxed_slice()));
    }
    for u in &cfg.undefined {
        names.push(Box::leak(u.clone().into_bytes().into_boxed_slice()));
    }
    use crate::context::InternalDef;
    let mut defs = vec![InternalDef::Reference; names.len()];
    for (k, (name, expr)) in cfg.defsyms.iter().enumerate() {
        if let crate::context::DefsymExpr::Sym(target, _) = crate::context::parse_defsym(expr)? {
            names.push(target);
            defs.push(InternalDef::Reference);
        }
        names.push(Box::leak(name.clone().into_bytes().into_boxed_slice()));
        defs.push(InternalDef::Defsym(k as u32));
    }
    for n in versions.named() {
        names.push(Box::leak(n.name.clone().into_bytes().into_boxed_slice()));
        defs.push(InternalDef::Version);
    }
    let hashes = names.iter().map(|n| crate::hash::hash_bytes(n)).collect();
    let internal = InputFile::Internal(InternalFile {
        names,
        hashes,
        global_ids: Vec::new(),
        defs,
    });

    let wrap = crate::object::Wrap::new(&cfg.wraps);
    let strip_debug = cfg.strip_debug || cfg.strip_all;
    let read = crate::extract::read_files(inputs, &internal, &wrap, strip_debug)?;
    let mut files = Vec::with_capacity(read.len() + 1);
    files.push(internal);
    files.extend(read);
    if files.len() >= 1 << 24 {
        crate::bail!("too many input files ({})", files.len() - 1);
    }
    for (i, f) in files.iter_mut().enumerate() {
        match f {
            InputFile::Object(o) => o.id = i as u32,
            InputFile::Dso(d) => d.id = i as u32,
            InputFile::Internal(_) => {}
        }
    }
    Ok(files)
}

fn check_entry(link: &Link) {
    if !link.is_exe() {
        return;
    }
    let name = link.cfg.entry.as_deref().unwrap_or("_start");
    let defined = link
        .sym_by_name(name.as_bytes())
        .is_some_and(|id| link.syms[id as usize].kind != crate::symbol::SymKind::Undefined);
    let numeric = name.starts_with("0x") || name.bytes().all(|b| b.is_ascii_digit());
    if !defined && !numeric {
        warn(&format!(
            "cannot find entry symbol {name}; not setting start address"
        ));
    }
}

/// As GNU ld: the stack is executable if an object asks for it, or lacks the `.note.GNU-stack`
/// marker (hand-written assembly), unless `-z noexecstack` or `-z execstack` decides.
fn exec_stack(link: &Link) -> bool {
    if let Some(explicit) = link.cfg.execstack {
        return explicit;
    }
    let mut exec = false;
    for o in link.live_objects() {
        match o.exec_stack {
            Some(false) => {}
            Some(true) => {
                warn(&format!(
                    "{}: requires executable stack (because the .note.GNU-stack section is executable)",
                    o.name
                ));
                exec = true;
            }
            None => {
                warn(&format!(
                    "{}: missing .note.GNU-stack section implies executable stack",
                    o.name
                ));
                exec = true;
            }
        }
    }
    exec
}
