//! SQLite, a real program: the SQLite amalgamation plus a small driver (`tests/sqlite/driver.c`)
//! that runs `tests/sqlite/script.sql` against an in-memory database, linked by solder and by
//! GNU ld in each link mode. Both executables must print the same rows and exit the same way.
//!
//! # Where SQLite comes from
//! `sqlite3.c`/`sqlite3.h` are the ones the `libsqlite3-sys` crate ships. `tests/sqlite/fetch/`
//! is a tiny Cargo package (its own `[workspace]`, a committed `Cargo.lock`) that depends on a
//! pinned version of it; the test runs `cargo fetch` and `cargo metadata` on that manifest to
//! download the crate and find its directory. Neither command builds anything, so the test never
//! touches solder's target directory or its build lock.
//!
//! # Modes
//! | test        | objects    | link          |
//! |-------------|------------|---------------|
//! | `pie`       | `-fPIE`    | `-pie`        |
//! | `nopie`     | `-fno-pie` | `-no-pie`     |
//! | `static`    | `-fno-pie` | `-static`     |
//! | `staticpie` | `-fPIE`    | `-static-pie` |
//!
//! `sqlite3.c` is compiled with [`SQLITE_CFLAGS`] once per object kind (the two compiles run in
//! parallel; about 30 s each on this machine). The objects are cached in
//! `target/tmp/sqlite-objs/`, named by a hash of the compiler version, the flags, `sqlite3.c` and
//! `sqlite3.h`, so later runs only compile the driver and link. Every link adds `-lm`.
//!
//! # What is checked
//! In `target/tmp/sqlite/<mode>/` (kept when the test fails) the driver is linked twice, with
//! `gcc -B <tool dir>` (`ld` → the linker under test, see [`common::linker_under_test`]) and with
//! `gcc -fuse-ld=bfd`. The GNU ld build must exit 0 and print exactly `tests/sqlite/expected.txt`
//! (so the test itself is known to be right on this machine); the solder build must print the same
//! stdout and end with the same status. `SOLDER_SQLITE_BLESS=1` rewrites `expected.txt` from the
//! GNU ld build after the script changes (review the diff).
//!
//! `SOLDER_DIFF_LD=/usr/bin/ld.bfd` runs the whole test with GNU ld in solder's place.

mod common;

use common::{
    BUILD_TIMEOUT, Mode, compare_runs, describe_status, diff_outputs, fetch_crate, fixed_env,
    in_fresh_dir, link_command, linker_under_test, run_link, run_ok, run_with_timeout, scratch_dir,
    shared_tool_dir, truncate,
};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// Flags for `sqlite3.c` (plus `-fPIE` or `-fno-pie`). Without threads or extension loading the
/// static links need neither libpthread nor dlopen; the math functions make `-lm` matter; `-g`
/// makes a large `.debug_info` to relocate.
const SQLITE_CFLAGS: &[&str] = &[
    "-O2",
    "-g",
    "-DSQLITE_THREADSAFE=0",
    "-DSQLITE_OMIT_LOAD_EXTENSION",
    "-DSQLITE_ENABLE_MATH_FUNCTIONS",
];
/// The crate whose `sqlite3/` directory holds the amalgamation (pinned in `fetch/Cargo.toml`).
const CRATE: &str = "libsqlite3-sys";
/// Compiling `sqlite3.c` takes ~30 s, on a loaded machine much more.
const SQLITE_COMPILE_TIMEOUT: Duration = Duration::from_secs(900);
/// The script runs in a few milliseconds; this only stops a hung program.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
const SHOW_BYTES: usize = 3000;

fn test_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sqlite")
}

/// What every mode shares, made once per test process.
struct Shared {
    /// `.../libsqlite3-sys-<version>/sqlite3`, holding `sqlite3.c` and `sqlite3.h`.
    sqlite_dir: PathBuf,
    pie_obj: PathBuf,
    nopie_obj: PathBuf,
    tool_dir: PathBuf,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();
    match SHARED.get_or_init(prepare) {
        Ok(s) => s,
        Err(e) => panic!("preparing SQLite: {e}"),
    }
}

fn prepare() -> Result<Shared, String> {
    let tool_dir = shared_tool_dir("sqlite-tools", &linker_under_test())?;
    let sqlite_dir = fetch_sqlite()?;
    let (pie_obj, nopie_obj) = compile_sqlite(&sqlite_dir)?;
    Ok(Shared {
        sqlite_dir,
        pie_obj,
        nopie_obj,
        tool_dir,
    })
}

/// The pinned `libsqlite3-sys`'s `sqlite3/` directory (downloaded if need be).
fn fetch_sqlite() -> Result<PathBuf, String> {
    let sqlite_dir = fetch_crate(&test_dir().join("fetch/Cargo.toml"), CRATE)?.join("sqlite3");
    for f in ["sqlite3.c", "sqlite3.h"] {
        if !sqlite_dir.join(f).is_file() {
            return Err(format!("{} has no {f}", sqlite_dir.display()));
        }
    }
    Ok(sqlite_dir)
}

/// Compiles `sqlite3.c` with `-fPIE` and with `-fno-pie` (in parallel), or finds both in the cache.
fn compile_sqlite(sqlite_dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    let cache = scratch_dir().join("sqlite-objs");
    std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let gcc_version = run_ok(Command::new("gcc").arg("--version"), BUILD_TIMEOUT)?.stdout;
    let mut sources = Vec::new();
    for f in ["sqlite3.c", "sqlite3.h"] {
        let path = sqlite_dir.join(f);
        sources.push(std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let job = |pic_flag: &'static str| {
        let mut h = DefaultHasher::new();
        (&gcc_version, SQLITE_CFLAGS, pic_flag, &sources).hash(&mut h);
        let obj = cache.join(format!("sqlite3-{:016x}{pic_flag}.o", h.finish()));
        let sqlite_dir = sqlite_dir.to_path_buf();
        move || -> Result<PathBuf, String> {
            if obj.is_file() {
                return Ok(obj);
            }
            // Compile to a private name and rename, so an interrupted or concurrent run never
            // leaves a truncated object under the cached name.
            let tmp = obj.with_extension(format!("o.tmp-{}", std::process::id()));
            let mut cmd = Command::new("gcc");
            cmd.arg("-c")
                .args(SQLITE_CFLAGS)
                .arg(pic_flag)
                .arg(sqlite_dir.join("sqlite3.c"))
                .arg("-o")
                .arg(&tmp);
            run_ok(&mut cmd, SQLITE_COMPILE_TIMEOUT)?;
            std::fs::rename(&tmp, &obj).map_err(|e| format!("{}: {e}", obj.display()))?;
            Ok(obj)
        }
    };
    let (pie, nopie) = std::thread::scope(|s| {
        let pie = s.spawn(job(Mode::Pie.compile_flag()));
        let nopie = s.spawn(job(Mode::NoPie.compile_flag()));
        (pie.join(), nopie.join())
    });
    let pie = pie.map_err(|_| "sqlite compile thread panicked".to_string())??;
    let nopie = nopie.map_err(|_| "sqlite compile thread panicked".to_string())??;
    Ok((pie, nopie))
}

fn run_program(exe: &Path, dir: &Path) -> Result<common::Output, String> {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(exe);
    fixed_env(&mut cmd, dir)
        .arg0("driver")
        .arg(test_dir().join("script.sql"))
        .stdin(std::process::Stdio::null());
    run_with_timeout(&mut cmd, RUN_TIMEOUT)
}

/// Facts about the script's output that hold whatever `expected.txt` says, so that a careless
/// bless cannot turn the test into a comparison of two empty outputs.
fn check_sane(out: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(out);
    for needle in [
        "\n140000.000000|5.000000|Uryyb, Jbeyq\n", // c_median, c_hypot, c_rot13
        "\n90|1779979416004714189\n",              // recursive CTE (Fibonacci)
        "\n2|....Grace|Ada > Brian > Grace\n",     // recursive CTE over a self join
        "\n#70 emps|nums|audits\n9|20000|4\n",     // ROLLBACK undid the transaction
        "\n4|leave|4|98000.000000|NULL\n",         // a trigger fired
        "\n0.3333333333|0.3|6.022141e+23|",        // printf of doubles
        "\n#93 integrity_check\nok\n",             // the last statement ran
        "summary: sqlite 3.54.1, 93 statements, 223 rows, 4 errors, 39933 changes\n",
    ] {
        if !text.contains(needle) {
            return Err(format!("the output lacks {needle:?}"));
        }
    }
    Ok(())
}

fn check_mode(mode: Mode) {
    let shared = shared();
    let dir = scratch_dir().join("sqlite").join(mode.name());
    if let Err(msg) = in_fresh_dir(&dir, |dir| trial(mode, shared, dir)) {
        panic!("sqlite::{}: {msg}", mode.name());
    }
}

fn trial(mode: Mode, shared: &Shared, dir: &Path) -> Result<(), String> {
    let driver_obj = dir.join("driver.o");
    let mut cc = Command::new("gcc");
    cc.args(["-c", "-O2", "-g", "-Wall", "-Werror"])
        .arg(mode.compile_flag())
        .arg("-I")
        .arg(&shared.sqlite_dir)
        .arg(test_dir().join("driver.c"))
        .arg("-o")
        .arg(&driver_obj);
    run_ok(&mut cc, BUILD_TIMEOUT)?;
    let sqlite_obj = if mode.pic() {
        &shared.pie_obj
    } else {
        &shared.nopie_obj
    };
    let objs = [driver_obj.as_path(), sqlite_obj.as_path()];

    let test_exe = dir.join("driver.solder");
    let ref_exe = dir.join("driver.ref");
    let tool_flag = format!("-B{}", shared.tool_dir.display());
    // Every link adds `-lm`.
    let link = |linker: &str, out: &Path, extra: &[&str]| {
        run_link(
            link_command("gcc", linker, mode, out)
                .args(objs)
                .arg("-lm")
                .args(extra),
            out,
        )
    };
    let test_cmd = link(&tool_flag, &test_exe, &[]).map_err(|e| format!("solder link: {e}"))?;
    let ref_cmd = link("-fuse-ld=bfd", &ref_exe, &[]).map_err(|e| format!("GNU ld link: {e}"))?;
    let commands = format!("solder link: {test_cmd}\nGNU ld link: {ref_cmd}");

    // The reference first: if it is not exactly what the test expects, the test is what is wrong.
    let reference = run_program(&ref_exe, dir).map_err(|e| format!("GNU ld build: {e}"))?;
    let expected_path = test_dir().join("expected.txt");
    if std::env::var_os("SOLDER_SQLITE_BLESS").is_some_and(|v| v == "1") && reference.success() {
        // Four tests bless at once: write privately, rename into place.
        let tmp = dir.join("expected.txt");
        std::fs::write(&tmp, &reference.stdout).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &expected_path)
            .map_err(|e| format!("{}: {e}", expected_path.display()))?;
    }
    let expected =
        std::fs::read(&expected_path).map_err(|e| format!("{}: {e}", expected_path.display()))?;
    if !reference.success() {
        return Err(format!(
            "broken test: the GNU ld build ended with {}\n--- stderr ---\n{}\n{commands}",
            describe_status(reference.status),
            truncate(&reference.stderr, SHOW_BYTES)
        ));
    }
    if let Some(diff) = diff_outputs(
        "GNU ld",
        &reference.stdout,
        "expected.txt",
        &expected,
        SHOW_BYTES,
    ) {
        return Err(format!(
            "broken test: the GNU ld build does not print tests/sqlite/expected.txt \
             (rerun with SOLDER_SQLITE_BLESS=1 if the script changed)\n{diff}\n{commands}"
        ));
    }
    check_sane(&reference.stdout).map_err(|e| format!("broken test: {e}"))?;

    let tested =
        run_program(&test_exe, dir).map_err(|e| format!("solder build: {e}\n{commands}"))?;
    if let Some(msg) = compare_runs(&tested, &reference, SHOW_BYTES) {
        return Err(format!("{msg}\n{commands}"));
    }

    // The program runs the same; its debug information must also point at the right code. The
    // checker is first run on GNU ld's build, so that a change in readelf's output cannot make it
    // vacuous.
    let ref_debug = debug_info_addresses(&ref_exe).map_err(|e| format!("broken test: {e}"))?;
    if ref_debug.checked < 1000 || ref_debug.furthest < 1 << 20 {
        return Err(format!(
            "broken test: {}: only {} functions checked, up to DIE {:#x}: the readelf output \
             was not understood",
            ref_exe.display(),
            ref_debug.checked,
            ref_debug.furthest
        ));
    }
    let tested = debug_info_addresses(&test_exe).map_err(|e| format!("{e}\n{commands}"))?;
    if tested.checked != ref_debug.checked {
        return Err(format!(
            "{} functions in .debug_info have a name and an address that match the symbol table, \
             {} in GNU ld's build: names or addresses in .debug_info are wrong\n{commands}",
            tested.checked, ref_debug.checked
        ));
    }

    // Packed relative relocations (`.relr.dyn`): SQLite's PIE has thousands of pointers in data
    // for the loader (or a static-pie's own start code) to relocate from the packed encoding.
    if mode.pic() {
        let relr_exe = dir.join("driver.relr");
        let flag = "-Wl,-z,pack-relative-relocs";
        let relr_cmd = link(&tool_flag, &relr_exe, &[flag])
            .map_err(|e| format!("solder link with {flag}: {e}"))?;
        let sections = Command::new("readelf")
            .args(["-SW"])
            .arg(&relr_exe)
            .output()
            .map_err(|e| format!("readelf: {e}"))?;
        if !String::from_utf8_lossy(&sections.stdout).contains(".relr.dyn") {
            return Err(format!(
                "with {flag}: no .relr.dyn
{relr_cmd}"
            ));
        }
        let relr = run_program(&relr_exe, dir).map_err(|e| format!("{relr_cmd}: {e}"))?;
        if let Some(msg) = compare_runs(&relr, &reference, SHOW_BYTES) {
            return Err(format!("with {flag}: {msg}\n{relr_cmd}"));
        }
    }

    // Compressed debug sections (zlib for the PIE modes, zstd for the others): .debug_info is over
    // a megabyte, so it is compressed in several shards that must join into one valid stream.
    let how = if mode.pic() { "zlib" } else { "zstd" };
    let packed_exe = dir.join(format!("driver.{how}"));
    let flag = format!("-Wl,--compress-debug-sections={how}");
    let packed_cmd = link(&tool_flag, &packed_exe, &[&flag])
        .map_err(|e| format!("solder link with {flag}: {e}"))?;
    let packed = run_program(&packed_exe, dir).map_err(|e| format!("{packed_cmd}: {e}"))?;
    if let Some(msg) = compare_runs(&packed, &reference, SHOW_BYTES) {
        return Err(format!("with {flag}: {msg}\n{packed_cmd}"));
    }
    let facts = debug_info_addresses(&packed_exe).map_err(|e| format!("{e}\n{packed_cmd}"))?;
    if facts.checked != ref_debug.checked {
        return Err(format!(
            "with {flag}: {} functions in .debug_info match the symbol table, {} in GNU ld's \
             build\n{packed_cmd}",
            facts.checked, ref_debug.checked
        ));
    }
    Ok(())
}

struct DebugFacts {
    /// Functions whose DW_AT_low_pc was compared with their symbol.
    checked: usize,
    /// The offset in `.debug_info` of the last of them.
    furthest: u64,
}

/// Checks every top-level `DW_TAG_subprogram` in `.debug_info` that has a name and a
/// `DW_AT_low_pc` against the symbol table: the address must be the value of the one `FUNC`
/// symbol of that name. SQLite's `.debug_info` is over a megabyte, relocated by about 100 000
/// relocations (in chunks, in parallel), so this reaches all of it.
fn debug_info_addresses(exe: &Path) -> Result<DebugFacts, String> {
    let who = exe.display();
    let syms = run_ok(Command::new("readelf").arg("-sW").arg(exe), BUILD_TIMEOUT)?;
    let mut funcs: std::collections::HashMap<String, Option<u64>> = Default::default();
    for line in String::from_utf8_lossy(&syms.stdout).lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() == 8 && f[3] == "FUNC" && f[6] != "UND" {
            let value = u64::from_str_radix(f[1], 16).map_err(|e| format!("{line}: {e}"))?;
            // A name defined twice (statics of two files) proves nothing; drop it.
            funcs
                .entry(f[7].to_string())
                .and_modify(|v| *v = None)
                .or_insert(Some(value));
        }
    }
    let dump = run_ok(
        Command::new("readelf")
            .args(["--debug-dump=info", "--dwarf-depth=2"])
            .arg(exe),
        BUILD_TIMEOUT,
    )?;
    let text = String::from_utf8_lossy(&dump.stdout);
    let (mut checked, mut furthest, mut bad) = (0, 0u64, Vec::new());
    let mut check = |die: u64, name: &Option<String>, low_pc: Option<u64>| {
        let (Some(name), Some(low_pc)) = (name, low_pc) else {
            return;
        };
        let Some(Some(value)) = funcs.get(name.as_str()) else {
            return;
        };
        checked += 1;
        furthest = furthest.max(die);
        if *value != low_pc {
            bad.push(format!(
                "{name}: DW_AT_low_pc {low_pc:#x}, symbol {value:#x} (DIE {die:#x})"
            ));
        }
    };
    // (DIE offset, is a subprogram, name, low_pc) of the DIE being read.
    let mut cur: (u64, bool, Option<String>, Option<u64>) = (0, false, None, None);
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix(" <")
            .filter(|r| r.contains("Abbrev Number"))
        {
            if cur.1 {
                check(cur.0, &cur.2, cur.3);
            }
            let off = rest.split(['<', '>']).nth(2).unwrap_or("");
            let off = u64::from_str_radix(off, 16).map_err(|e| format!("{line}: {e}"))?;
            cur = (off, line.ends_with("(DW_TAG_subprogram)"), None, None);
        } else if let Some((attr, value)) = line.split_once(": ") {
            match attr.split_whitespace().nth(1) {
                Some("DW_AT_name") => {
                    let name = value.rsplit_once("): ").map_or(value, |(_, n)| n);
                    cur.2 = Some(name.trim().to_string());
                }
                Some("DW_AT_low_pc") => {
                    let v = value.trim().trim_start_matches("0x");
                    cur.3 = u64::from_str_radix(v, 16).ok();
                }
                _ => {}
            }
        }
    }
    if cur.1 {
        check(cur.0, &cur.2, cur.3);
    }
    if !bad.is_empty() {
        return Err(format!(
            "{who}: {} of {checked} functions have a wrong address in .debug_info:\n{}",
            bad.len(),
            bad[..bad.len().min(10)].join("\n")
        ));
    }
    Ok(DebugFacts { checked, furthest })
}

common::mode_tests!(check_mode: mode_pie, mode_nopie, mode_static, mode_staticpie);

/// `--reproduce`: the tar of a SQLite link holds no absolute or `..` path, its response file names
/// every input by a path inside it, and replaying it with `solder @response.txt` inside the
/// unpacked directory writes a byte-identical executable.
#[test]
fn reproduce_replays_byte_identical() {
    let shared = shared();
    let dir = scratch_dir().join("sqlite").join("reproduce");
    let result = in_fresh_dir(&dir, |dir| {
        let driver_obj = dir.join("driver.o");
        let mut cc = Command::new("gcc");
        cc.args(["-c", "-O2", "-fPIE", "-I"])
            .arg(&shared.sqlite_dir)
            .arg(test_dir().join("driver.c"))
            .arg("-o")
            .arg(&driver_obj);
        run_ok(&mut cc, BUILD_TIMEOUT)?;
        let exe = dir.join("driver");
        let tool_flag = format!("-B{}", shared.tool_dir.display());
        let mut link = link_command("gcc", &tool_flag, Mode::Pie, &exe);
        link.args([&driver_obj, &shared.pie_obj])
            .arg("-lm")
            .arg("-Wl,--reproduce=repro.tar")
            .current_dir(dir);
        run_link(&mut link, &exe)?;
        let tar = dir.join("repro.tar");
        let list = run_ok(Command::new("tar").arg("tf").arg(&tar), BUILD_TIMEOUT)?;
        let entries: Vec<String> = String::from_utf8_lossy(&list.stdout)
            .lines()
            .map(String::from)
            .collect();
        for e in &entries {
            if !e.starts_with("repro/") || e.split('/').any(|c| c == "..") {
                return Err(format!("tar entry {e:?} is outside repro/"));
            }
        }
        for want in ["repro/response.txt", "repro/version.txt"] {
            if !entries.iter().any(|e| e == want) {
                return Err(format!("the tar has no {want}: {entries:?}"));
            }
        }
        let unpacked = dir.join("unpacked");
        std::fs::create_dir_all(&unpacked).map_err(|e| e.to_string())?;
        run_ok(
            Command::new("tar")
                .arg("xf")
                .arg(&tar)
                .current_dir(&unpacked),
            BUILD_TIMEOUT,
        )?;
        let root = unpacked.join("repro");
        let response =
            std::fs::read_to_string(root.join("response.txt")).map_err(|e| e.to_string())?;
        let mut prev = "";
        for arg in response.lines() {
            let named_file = [".o", ".a", ".so", ".so.6"]
                .iter()
                .any(|x| arg.ends_with(x))
                && prev != "-plugin";
            if (named_file || arg.starts_with("-L"))
                && arg.trim_start_matches("-L").starts_with('/')
            {
                return Err(format!("response.txt names {arg:?} outside the tar"));
            }
            prev = arg;
        }
        let mut replay = Command::new(linker_under_test());
        replay.arg("@response.txt").current_dir(&root);
        run_ok(&mut replay, BUILD_TIMEOUT)?;
        let original = std::fs::read(&exe).map_err(|e| e.to_string())?;
        let replayed = std::fs::read(root.join("driver")).map_err(|e| e.to_string())?;
        if original != replayed {
            return Err(format!(
                "the replayed output differs ({} bytes, original {})",
                replayed.len(),
                original.len()
            ));
        }
        Ok(())
    });
    if let Err(msg) = result {
        panic!("{msg}");
    }
}

/// SQLite as `libsqlite3.so`: built from `-fPIC` objects by solder and by GNU ld, the driver linked
/// against each by each linker; all four print `expected.txt`.
#[test]
fn shared_library_in_all_four_combinations() {
    let shared = shared();
    let dir = scratch_dir().join("sqlite").join("shared");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let pic_obj = dir.join("sqlite3-pic.o");
    let mut cc = Command::new("gcc");
    cc.arg("-c")
        .args(SQLITE_CFLAGS)
        .arg("-fPIC")
        .arg(shared.sqlite_dir.join("sqlite3.c"))
        .arg("-o")
        .arg(&pic_obj);
    run_ok(&mut cc, SQLITE_COMPILE_TIMEOUT).unwrap();
    let driver_obj = dir.join("driver.o");
    let mut cc = Command::new("gcc");
    cc.args(["-c", "-O2", "-g", "-fPIE", "-I"])
        .arg(&shared.sqlite_dir)
        .arg(test_dir().join("driver.c"))
        .arg("-o")
        .arg(&driver_obj);
    run_ok(&mut cc, BUILD_TIMEOUT).unwrap();
    let expected = std::fs::read(test_dir().join("expected.txt")).unwrap();
    let tool_flag = format!("-B{}", shared.tool_dir.display());
    let linkers = [("ld", "-fuse-ld=bfd"), ("solder", tool_flag.as_str())];
    for (ltag, lflag) in linkers {
        let ldir = dir.join(format!("lib-{ltag}"));
        std::fs::create_dir_all(&ldir).unwrap();
        run_ok(
            Command::new("gcc")
                .arg(lflag)
                .args(["-shared", "-Wl,-soname,libsqlite3.so.0"])
                .arg(&pic_obj)
                .arg("-lm")
                .arg("-o")
                .arg(ldir.join("libsqlite3.so")),
            BUILD_TIMEOUT,
        )
        .unwrap_or_else(|e| panic!("libsqlite3.so by {ltag}: {e}"));
        std::fs::copy(ldir.join("libsqlite3.so"), ldir.join("libsqlite3.so.0")).unwrap();
        for (ptag, pflag) in linkers {
            let exe = dir.join(format!("driver-{ptag}-with-{ltag}-lib"));
            run_ok(
                Command::new("gcc")
                    .arg(pflag)
                    .arg("-pie")
                    .arg(&driver_obj)
                    .arg("-L")
                    .arg(&ldir)
                    .arg("-lsqlite3")
                    .arg("-lm")
                    .arg(format!("-Wl,-rpath,{}", ldir.display()))
                    .arg("-o")
                    .arg(&exe),
                BUILD_TIMEOUT,
            )
            .unwrap_or_else(|e| panic!("driver by {ptag} against {ltag}'s library: {e}"));
            let out = run_program(&exe, &dir).unwrap();
            assert!(
                out.success(),
                "driver by {ptag} with library by {ltag}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            if let Some(d) = diff_outputs("run", &out.stdout, "expected.txt", &expected, SHOW_BYTES)
            {
                panic!("driver by {ptag} with library by {ltag} differs:\n{d}");
            }
        }
    }
}
