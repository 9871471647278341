//! Real C programs besides SQLite, built from the sources that crates ship and linked by solder and
//! by GNU ld in each link mode, each against a static library of its own made with `ar`:
//!
//! - **bzip2 1.0.8** (`bzip2-sys`): the `bzip2` command against `libbz2.a`, run as bzip2's own
//!   `make test` runs it: compressing the three sample files at levels 1-3 must give exactly the
//!   `.bz2` files the release ships, and decompressing those must give the originals back.
//! - **Lua 5.4.7** (`lua-src`): the interpreter library as `liblua.a` and a small host of the
//!   tests' own (`tests/real/lua_driver.c`) running `tests/real/script.lua`, which checks 26
//!   results worked out independently (integer and float arithmetic through libm and printf,
//!   patterns, metatables, closures, coroutines, errors raised by `longjmp`, finalizers, `load`)
//!   and prints them. Both builds must pass every check and print the same.
//!
//! The sources come like SQLite's (see `tests/sqlite.rs`): `tests/real/fetch/` is a fetch-only Cargo
//! package pinning both crates. Objects are compiled once per test process with `-O2 -g` for each
//! code model (`-fPIE`, `-fno-pie`), in parallel, under `target/tmp/real-programs-<pid>/`.
//! `SOLDER_DIFF_LD=/usr/bin/ld.bfd` runs the test with GNU ld in solder's place.

mod common;

use common::{
    BUILD_TIMEOUT, Mode, compare_runs, fetch_crate, fixed_env, in_fresh_dir, link_command,
    linker_under_test, remove_stale, run_link, run_ok, run_with_timeout, scratch_dir,
    shared_tool_dir, truncate,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

const RUN_TIMEOUT: Duration = Duration::from_secs(60);
const SHOW_BYTES: usize = 3000;

fn test_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real")
}

/// One program's sources, and its objects for each code model (`-fPIE`, `-fno-pie`).
struct Built {
    src: PathBuf,
    pic: Objects,
    nopic: Objects,
}

/// The program's own object and its static library, with the library's members.
struct Objects {
    main: PathBuf,
    lib: PathBuf,
    members: Vec<PathBuf>,
}

impl Built {
    fn objects(&self, mode: Mode) -> &Objects {
        if mode.pic() { &self.pic } else { &self.nopic }
    }
}

struct Shared {
    tool_dir: PathBuf,
    bzip2: Built,
    lua: Built,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();
    match SHARED.get_or_init(prepare) {
        Ok(s) => s,
        Err(e) => panic!("preparing the real programs: {e}"),
    }
}

fn prepare() -> Result<Shared, String> {
    remove_stale("real-programs-");
    let tool_dir = shared_tool_dir("real-programs-tools", &linker_under_test())?;
    let manifest = test_dir().join("fetch/Cargo.toml");
    let bz_src = fetch_crate(&manifest, "bzip2-sys")?.join("bzip2-1.0.8");
    let lua_src = fetch_crate(&manifest, "lua-src")?.join("lua-5.4.7");
    let work = scratch_dir().join(format!("real-programs-{}", std::process::id()));

    // bzip2's own flags (its Makefile), and Lua's POSIX configuration (no dlopen, so static links
    // need no loader).
    let bz_lib = [
        "blocksort",
        "huffman",
        "crctable",
        "randtable",
        "compress",
        "decompress",
        "bzlib",
    ];
    let lua_lib: Vec<String> = std::fs::read_dir(&lua_src)
        .map_err(|e| format!("{}: {e}", lua_src.display()))?
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".c").map(String::from)
        })
        .collect();
    if lua_lib.len() < 30 {
        return Err(format!(
            "{}: only {} C files",
            lua_src.display(),
            lua_lib.len()
        ));
    }
    let bz = Program {
        name: "bz2",
        src: bz_src.clone(),
        lib: bz_lib.iter().map(|s| s.to_string()).collect(),
        main: bz_src.join("bzip2.c"),
        flags: ["-O2", "-g", "-Wall", "-D_FILE_OFFSET_BITS=64"]
            .map(String::from)
            .into(),
    };
    let lua = Program {
        name: "lua",
        src: lua_src.clone(),
        lib: lua_lib,
        main: test_dir().join("lua_driver.c"),
        flags: vec![
            "-O2".into(),
            "-g".into(),
            // POSIX and dlopen, as Lua builds on Linux: `require` loads C modules.
            "-DLUA_USE_LINUX".into(),
            format!("-I{}", lua_src.display()),
        ],
    };
    let mut jobs = Vec::new();
    let bzip2 = bz.plan(&work, &mut jobs)?;
    let lua = lua.plan(&work, &mut jobs)?;
    compile_all(jobs)?;
    for b in [&bzip2, &lua] {
        for o in [&b.pic, &b.nopic] {
            let mut ar = Command::new("ar");
            ar.arg("rcs").arg(&o.lib).args(&o.members);
            run_ok(&mut ar, BUILD_TIMEOUT)?;
        }
    }
    Ok(Shared {
        tool_dir,
        bzip2,
        lua,
    })
}

/// A program to build: its library sources (`<src>/<lib>.c`), its main source and its flags.
struct Program {
    name: &'static str,
    src: PathBuf,
    lib: Vec<String>,
    main: PathBuf,
    flags: Vec<String>,
}

impl Program {
    /// Queues the compiles for both code models under `work`; says where objects will be.
    fn plan(&self, work: &Path, jobs: &mut Vec<Job>) -> Result<Built, String> {
        let mut objects = |pic_flag: &str| -> Result<Objects, String> {
            let dir = work.join(format!("{}{pic_flag}", self.name));
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let mut members = Vec::new();
            for f in &self.lib {
                let obj = dir.join(format!("{f}.o"));
                jobs.push(Job::new(
                    &self.src.join(format!("{f}.c")),
                    &obj,
                    &self.flags,
                    pic_flag,
                ));
                members.push(obj);
            }
            let main = dir.join("main.o");
            jobs.push(Job::new(&self.main, &main, &self.flags, pic_flag));
            Ok(Objects {
                main,
                lib: dir.join(format!("lib{}.a", self.name)),
                members,
            })
        };
        Ok(Built {
            src: self.src.clone(),
            pic: objects(Mode::Pie.compile_flag())?,
            nopic: objects(Mode::NoPie.compile_flag())?,
        })
    }
}

/// One compile: `gcc -c <flags> <pic flag> src -o obj`.
struct Job(Command);

impl Job {
    fn new(src: &Path, obj: &Path, flags: &[String], pic_flag: &str) -> Job {
        let mut cmd = Command::new("gcc");
        cmd.arg("-c")
            .args(flags)
            .arg(pic_flag)
            .arg(src)
            .arg("-o")
            .arg(obj);
        Job(cmd)
    }
}

/// Runs the compiles on all CPUs.
fn compile_all(jobs: Vec<Job>) -> Result<(), String> {
    let jobs = std::sync::Mutex::new(jobs);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| -> Result<(), String> {
                    loop {
                        let Some(mut job) = jobs.lock().unwrap().pop() else {
                            return Ok(());
                        };
                        run_ok(&mut job.0, BUILD_TIMEOUT)?;
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().unwrap_or(Err("compile thread panicked".into())))
    })
}

/// Links `built`'s program for `mode` with the linker under test and with GNU ld.
fn link_both(built: &Built, mode: Mode, dir: &Path, name: &str) -> Result<[PathBuf; 2], String> {
    let shared = shared();
    let objs = built.objects(mode);
    let test_exe = dir.join(format!("{name}.solder"));
    let ref_exe = dir.join(format!("{name}.ref"));
    let tool_flag = format!("-B{}", shared.tool_dir.display());
    for (linker, out) in [(tool_flag.as_str(), &test_exe), ("-fuse-ld=bfd", &ref_exe)] {
        let mut cmd = link_command("gcc", linker, mode, out);
        cmd.arg(&objs.main).arg(&objs.lib).arg("-lm");
        run_link(&mut cmd, out)?;
    }
    Ok([test_exe, ref_exe])
}

fn run(
    exe: &Path,
    dir: &Path,
    args: &[&str],
    stdin: Option<&Path>,
) -> Result<common::Output, String> {
    let mut cmd = Command::new(exe);
    fixed_env(&mut cmd, dir).args(args);
    match stdin {
        Some(f) => {
            let file = std::fs::File::open(f).map_err(|e| format!("{}: {e}", f.display()))?;
            cmd.stdin(file)
        }
        None => cmd.stdin(std::process::Stdio::null()),
    };
    run_with_timeout(&mut cmd, RUN_TIMEOUT)
}

fn check_bzip2(mode: Mode) {
    let dir = scratch_dir().join("real-bzip2").join(mode.name());
    if let Err(msg) = in_fresh_dir(&dir, |dir| bzip2_trial(mode, dir)) {
        panic!("bzip2::{}: {msg}", mode.name());
    }
}

/// bzip2's `make test`, for each build (GNU ld's first, which shows the test itself is right).
fn bzip2_trial(mode: Mode, dir: &Path) -> Result<(), String> {
    let b = &shared().bzip2;
    let [test_exe, ref_exe] = link_both(b, mode, dir, "bzip2")?;
    for (who, exe) in [("GNU ld", &ref_exe), ("solder", &test_exe)] {
        for n in 1..=3 {
            let sample = |ext: &str| b.src.join(format!("sample{n}.{ext}"));
            let level = format!("-{n}");
            let steps = [
                (
                    "compress",
                    vec![level.as_str()],
                    sample("ref"),
                    sample("bz2"),
                ),
                ("decompress", vec!["-d"], sample("bz2"), sample("ref")),
                ("decompress -s", vec!["-ds"], sample("bz2"), sample("ref")),
            ];
            for (what, args, input, want) in steps {
                let out = run(exe, dir, &args, Some(&input))?;
                let want = std::fs::read(&want).map_err(|e| format!("{}: {e}", want.display()))?;
                if !out.success() || out.stdout != want {
                    let broken = if who == "GNU ld" { "broken test: " } else { "" };
                    return Err(format!(
                        "{broken}{who} build: {what} (bzip2 {} < {}): {}, {} bytes out, {} \
                         expected\n--- stderr ---\n{}",
                        args.join(" "),
                        input.display(),
                        common::describe_status(out.status),
                        out.stdout.len(),
                        want.len(),
                        truncate(&out.stderr, SHOW_BYTES)
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_lua(mode: Mode) {
    let dir = scratch_dir().join("real-lua").join(mode.name());
    if let Err(msg) = in_fresh_dir(&dir, |dir| lua_trial(mode, dir)) {
        panic!("lua::{}: {msg}", mode.name());
    }
}

fn lua_trial(mode: Mode, dir: &Path) -> Result<(), String> {
    let [test_exe, ref_exe] = link_both(&shared().lua, mode, dir, "lua")?;
    let script = test_dir().join("script.lua");
    let script = script.to_str().ok_or("non-UTF-8 path")?;
    let reference = run(&ref_exe, dir, &[script], None)?;
    let done = "lua: all 26 checks passed\n";
    if !reference.success() || !reference.stdout.ends_with(done.as_bytes()) {
        return Err(format!(
            "broken test: the GNU ld build did not pass its checks ({})\n--- stdout ---\n{}\n\
             --- stderr ---\n{}",
            common::describe_status(reference.status),
            truncate(&reference.stdout, SHOW_BYTES),
            truncate(&reference.stderr, SHOW_BYTES)
        ));
    }
    let tested = run(&test_exe, dir, &[script], None)?;
    match compare_runs(&tested, &reference, SHOW_BYTES) {
        None => Ok(()),
        Some(msg) => Err(msg),
    }
}

/// A Lua C module (`tests/real/lua_module.c`) loaded by `require` in the Lua interpreter: the
/// module built `-shared` by solder and by GNU ld, the interpreter linked with `-E` (it exports the
/// Lua API the module calls) by each; all four combinations run `tests/real/module.lua` and print
/// the same, and what the all-GNU-ld build prints is checked.
#[test]
fn lua_c_module() {
    let dir = scratch_dir().join("real-lua").join("c_module");
    if let Err(msg) = in_fresh_dir(&dir, lua_module_trial) {
        panic!("lua c_module: {msg}");
    }
}

fn lua_module_trial(dir: &Path) -> Result<(), String> {
    let shared = shared();
    let lua = &shared.lua;
    let obj = dir.join("lua_module.o");
    let mut cc = Command::new("gcc");
    cc.args(["-c", "-O2", "-fPIC"])
        .arg(format!("-I{}", lua.src.display()))
        .arg(test_dir().join("lua_module.c"))
        .arg("-o")
        .arg(&obj);
    run_ok(&mut cc, BUILD_TIMEOUT)?;
    let tool_flag = format!("-B{}", shared.tool_dir.display());
    let linkers = [("ld", "-fuse-ld=bfd"), ("solder", tool_flag.as_str())];
    let objs = lua.objects(Mode::Pie);
    let mut hosts = Vec::new();
    for (tag, flag) in linkers {
        let exe = dir.join(format!("lua.{tag}"));
        let mut cmd = link_command("gcc", flag, Mode::Pie, &exe);
        cmd.arg("-Wl,-E").arg(&objs.main).arg(&objs.lib).arg("-lm");
        run_link(&mut cmd, &exe)?;
        hosts.push((tag, exe));
    }
    let script = test_dir().join("module.lua");
    let script = script.to_str().ok_or("non-UTF-8 path")?;
    let mut reference: Option<common::Output> = None;
    for (mtag, mflag) in linkers {
        let module = dir.join("soldermod.so");
        let mut cmd = Command::new("gcc");
        cmd.arg(mflag)
            .arg("-shared")
            .arg(&obj)
            .arg("-o")
            .arg(&module);
        run_link(&mut cmd, &module).map_err(|e| format!("module by {mtag}: {e}"))?;
        for (htag, exe) in &hosts {
            let out = run(exe, dir, &[script], None)?;
            match &reference {
                None => {
                    let want = "add\t42\t0\n";
                    let text = String::from_utf8_lossy(&out.stdout);
                    if !out.success() || !text.contains(want) || !text.ends_with("module: done\n") {
                        return Err(format!(
                            "broken test: the GNU ld build did not run the module ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
                            common::describe_status(out.status),
                            truncate(&out.stdout, SHOW_BYTES),
                            truncate(&out.stderr, SHOW_BYTES)
                        ));
                    }
                    reference = Some(out);
                }
                Some(want) => {
                    if let Some(msg) = compare_runs(&out, want, SHOW_BYTES) {
                        return Err(format!(
                            "interpreter by {htag} with module by {mtag}: {msg}"
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

mod bzip2 {
    crate::common::mode_tests!(super::check_bzip2: pie, nopie, static_, staticpie);
}

mod lua {
    crate::common::mode_tests!(super::check_lua: pie, nopie, static_, staticpie);
}
