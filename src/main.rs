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
mod timing;
mod version_script;
mod write;

// mimalloc: parsing and resolution allocate many small vectors from many threads at once.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
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
