//! solder: a fast, parallel ELF linker that accepts GNU ld's command line.
//!
//! The binary behaves the same under any name (`solder`, `ld`, `ld.solder`), so it can be installed
//! as `ld` in a directory given to `gcc -B`, or as `ld.solder` for `clang -fuse-ld=solder`.

mod arch;
mod archive;
mod args;
mod balance;
mod compress;
mod context;
mod dso;
mod dynlist;
mod eh_frame;
mod elf;
mod error;
mod exit;
mod extract;
mod gc;
mod hash;
mod input;
mod intern;
mod layout;
mod link;
mod merge;
mod notes;
mod object;
mod output;
mod reloc;
mod relr;
mod report;
mod reproduce;
mod resolve;
mod scan;
mod script;
mod symbol;
mod symtab;
mod synth;
mod sys;
mod threads;
mod timing;
mod version_script;
mod write;

// mimalloc: parsing and resolution allocate many small vectors from many threads at once.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps the allocator's memory in ordinary 4 KiB pages: mimalloc asks for transparent huge pages
/// (`MADV_HUGEPAGE` on its arena) unless told not to. Returns whether it was told.
///
/// Why: a huge page is 2 MiB of fresh memory faulted in at once. Linking alone, that was faster
/// (`cxx-llvm` 344 against 389 ms), but between other linkers, as the benchmark runs them and as a
/// build runs one program after another, it was slower and erratic: `cxx-llvm` median 527 ms
/// (320-743) against 368 (334-466), ripgrep with debug info 169 (128-212) against 125 (95-159),
/// solder's own link 67 (42-111) against 49 (46-61); on a VM whose free memory goes back to the
/// host, a huge page taken from that memory faults in 512 pages on the host side. Smaller links
/// keep about their median (ripgrep 45 against 46 ms) and steadier times.
fn small_heap_pages() -> bool {
    unsafe extern "C" {
        fn mi_version() -> i32;
        fn mi_option_get(option: i32) -> std::ffi::c_long;
        fn mi_option_set(option: i32, value: std::ffi::c_long);
        fn mi_arena_area(arena: i32, size: *mut usize) -> *mut std::ffi::c_void;
    }
    // `mi_option_allow_thp` in mimalloc 2.3's option enumeration (default 1). The version and the
    // default are both checked so that another release's numbering sets nothing; a unit test
    // fails if that happens.
    const ALLOW_THP: i32 = 37;
    // SAFETY: plain calls into the allocator linked as the global allocator; the advice changes
    // how the kernel backs its arenas' untouched pages, not their contents.
    unsafe {
        if mi_version() / 100 != 203 || mi_option_get(ALLOW_THP) != 1 {
            return false;
        }
        mi_option_set(ALLOW_THP, 0);
        // The runtime's first allocations, before `main`, made the first arena with the advice
        // already given: take it back there (ids count from 1).
        for arena in 1.. {
            let mut size = 0;
            let base = mi_arena_area(arena, &mut size);
            if base.is_null() {
                break;
            }
            sys::advise(base, size, sys::MADV_NOHUGEPAGE);
        }
        true
    }
}

fn main() {
    small_heap_pages();
    static PANICKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        // Worker threads can panic together; one report is enough.
        if PANICKED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default()
            .replace('\n', " ");
        let at = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        // One line: build logs often keep only the last line of a failed command.
        eprintln!(
            "solder: internal error: {} panicked{at}: {what}; this is a bug, please report it with a reproducer made by adding --reproduce=repro.tar to the link",
            args::VERSION_LINE
        );
    }));
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let code = match std::panic::catch_unwind(|| run(argv)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("solder: error: {e}");
            1
        }
        Err(_) => 2,
    };
    // Exit without running destructors: the link's memory is released by the kernel, after the
    // build has seen the exit.
    exit::exit(code);
}

fn run(argv: Vec<String>) -> error::Result<()> {
    // Tests check what a panic prints; only debug builds (the ones tests run) can be asked to.
    #[cfg(debug_assertions)]
    if std::env::var_os("SOLDER_TEST_PANIC").is_some() {
        use rayon::prelude::*;
        (0..4)
            .into_par_iter()
            .for_each(|_| panic!("requested by SOLDER_TEST_PANIC"));
    }
    let argv = args::expand_response_files(argv)?;
    let cfg = match args::parse(argv)? {
        args::Action::Version => {
            println!("{}", args::VERSION_LINE);
            return Ok(());
        }
        args::Action::Help => {
            print!("{}", args::HELP);
            return Ok(());
        }
        args::Action::Link(cfg) => *cfg,
    };
    if cfg.print_version {
        println!("{}", args::VERSION_LINE);
        if cfg.inputs.is_empty() {
            return Ok(());
        }
    }
    let mut timer = timing::Timer::new();
    let print_timing = cfg.print_timing;
    timer.track_memory = print_timing;
    let trace = cfg.time_trace.clone();
    link::link(cfg, &mut timer)?;
    if print_timing {
        timer.print();
    }
    if let Some(path) = trace {
        timer.write_trace(&path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::sys;

    #[test]
    fn the_heap_is_kept_in_small_pages() {
        // (The test harness does not run `main`: this is the first call.)
        assert!(
            super::small_heap_pages(),
            "the mimalloc version changed: find `allow_thp` in its option enumeration"
        );
        unsafe extern "C" {
            fn mi_option_get(option: i32) -> std::ffi::c_long;
            fn mi_arena_area(arena: i32, size: *mut usize) -> *mut std::ffi::c_void;
        }
        let mut size = 0;
        // SAFETY: plain reads of the allocator's state.
        let (thp, base) = unsafe { (mi_option_get(37), mi_arena_area(1, &mut size)) };
        assert_eq!(thp, 0, "mimalloc still allows huge pages");
        // The arena made before the call (the harness allocates first) carries the kernel's
        // no-huge-pages flag, not the huge-pages one mimalloc gave it.
        assert!(!base.is_null(), "no first arena");
        let flags = sys::smaps_field(base as usize, "VmFlags");
        let flags: Vec<&str> = flags.split_whitespace().collect();
        assert!(
            flags.contains(&"nh") && !flags.contains(&"hg"),
            "the first arena's flags: {flags:?}"
        );
    }
}
