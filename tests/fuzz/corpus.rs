//! The seed corpus: real objects, archives (indexed and thin), a shared library and a linker
//! script, compiled at test time from `tests/fuzz/seeds/`, and the link scenarios that use them.

use crate::common::{BUILD_TIMEOUT, run_ok};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What kind of file an input is, which picks its mutator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Elf,
    Archive,
    Script,
}

/// A file of the corpus that mutants replace.
#[derive(Clone, Debug)]
pub struct Seed {
    pub name: String,
    pub kind: Kind,
}

/// A link: its arguments (corpus files by bare name, relative to the working directory) and which
/// of those files may be mutated.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub args: Vec<String>,
    pub targets: Vec<Seed>,
}

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/seeds")
}

fn run(cmd: &mut Command) -> Result<(), String> {
    run_ok(cmd, BUILD_TIMEOUT).map(|_| ())
}

fn cc(dir: &Path, compiler: &str, src: &str, out: &str, extra: &[&str]) -> Result<(), String> {
    let mut c = Command::new(compiler);
    c.current_dir(dir)
        .args([
            "-c",
            "-O1",
            "-g",
            "-fPIE",
            "-fcommon",
            "-ffreestanding",
            "-fno-builtin",
        ])
        .args(["-fno-stack-protector", "-fasynchronous-unwind-tables"])
        .args(extra)
        .arg(seeds_dir().join(src))
        .arg("-o")
        .arg(out);
    run(&mut c)
}

/// Compiles the corpus into `dir`.
pub fn build(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    cc(dir, "gcc", "a.c", "a.o", &[])?;
    cc(
        dir,
        "g++",
        "b.cpp",
        "b.o",
        &["-fno-exceptions", "-fno-rtti"],
    )?;
    cc(
        dir,
        "g++",
        "b2.cpp",
        "b2.o",
        &["-fno-exceptions", "-fno-rtti"],
    )?;
    cc(dir, "gcc", "main.c", "main.o", &[])?;
    // Position-independent code for the shared-library scenario: GOT, PLT and dynamic TLS.
    cc(dir, "gcc", "so.c", "so_pic.o", &["-fPIC"])?;
    cc(
        dir,
        "gcc",
        "a.c",
        "a_pic.o",
        &["-fPIC", "-mtls-dialect=gnu2"],
    )?;
    cc(
        dir,
        "g++",
        "b.cpp",
        "b_pic.o",
        &["-fPIC", "-fno-exceptions", "-fno-rtti"],
    )?;
    let member = |name: &str, out: &str| {
        cc(
            dir,
            "gcc",
            "lib.c",
            out,
            &[&format!("-DNAME={name}"), &format!("-DNAME_STR=\"{name}\"")],
        )
    };
    member("lib_fn", "lib_fn.o")?;
    member("lib_long_member_fn", "lib_member_with_a_long_name.o")?;
    member("thin_fn", "thin_member.o")?;
    member("zlib_fn", "c_plain_zlib.o")?;
    member("zstd_fn", "c_plain_zstd.o")?;
    for (plain, out, how) in [
        ("c_plain_zlib.o", "c_zlib.o", "zlib"),
        ("c_plain_zstd.o", "c_zstd.o", "zstd"),
    ] {
        run(Command::new("objcopy")
            .current_dir(dir)
            .arg(format!("--compress-debug-sections={how}"))
            .args([plain, out]))?;
    }
    run(Command::new("ar").current_dir(dir).args([
        "rcs",
        "libf.a",
        "lib_fn.o",
        "lib_member_with_a_long_name.o",
    ]))?;
    run(Command::new("ar")
        .current_dir(dir)
        .args(["rcsT", "libthin.a", "thin_member.o"]))?;
    run(Command::new("gcc")
        .current_dir(dir)
        .args([
            "-shared",
            "-fPIC",
            "-fuse-ld=bfd",
            "-nostdlib",
            "-o",
            "libs.so",
        ])
        .arg(seeds_dir().join("so.c"))
        .arg(format!(
            "-Wl,--version-script={}",
            seeds_dir().join("so.map").display()
        )))?;
    for text in ["links.ld", "dyn.list", "ver.map"] {
        std::fs::copy(seeds_dir().join(text), dir.join(text)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn seed(name: &str) -> Seed {
    let kind = if name.ends_with(".a") {
        Kind::Archive
    } else if name.ends_with(".ld") || name.ends_with(".list") || name.ends_with(".map") {
        Kind::Script
    } else {
        Kind::Elf
    };
    Seed {
        name: name.to_string(),
        kind,
    }
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

fn gcc_file(name: &str) -> Result<String, String> {
    let out = run_ok(
        Command::new("gcc").arg(format!("-print-file-name={name}")),
        BUILD_TIMEOUT,
    )?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The link scenarios: a static freestanding link, the same through a linker script as a PIE,
/// and a dynamic PIE against glibc and the corpus's shared library, as gcc would run it.
pub fn scenarios() -> Result<Vec<Scenario>, String> {
    let objects = "a.o b.o b2.o c_zstd.o";
    let stat = Scenario {
        name: "static",
        args: words(&format!(
            "-static -e fuzz_main {objects} c_zlib.o libf.a libthin.a"
        )),
        targets: [
            "a.o",
            "b.o",
            "b2.o",
            "c_zlib.o",
            "c_zstd.o",
            "libf.a",
            "libthin.a",
        ]
        .map(seed)
        .to_vec(),
    };
    let script = Scenario {
        name: "script",
        args: words(&format!(
            "-pie --no-dynamic-linker -e fuzz_main {objects} links.ld libthin.a"
        )),
        targets: ["links.ld", "libf.a", "libs.so", "c_zlib.o"]
            .map(seed)
            .to_vec(),
    };
    let gcc_dir = Path::new(&gcc_file("libgcc.a")?)
        .parent()
        .unwrap()
        .display()
        .to_string();
    let crt = |n: &str| gcc_file(n);
    let dynamic = Scenario {
        name: "dynamic",
        args: words(&format!(
            "-pie --eh-frame-hdr --hash-style=gnu --build-id -dynamic-linker /lib64/ld-linux-x86-64.so.2 --dynamic-list=dyn.list \
             {} {} {} main.o {objects} c_zlib.o libf.a libthin.a libs.so -L{gcc_dir} -lc -lgcc {} {}",
            crt("Scrt1.o")?,
            crt("crti.o")?,
            crt("crtbeginS.o")?,
            crt("crtendS.o")?,
            crt("crtn.o")?
        )),
        targets: ["main.o", "a.o", "b.o", "libs.so", "libf.a", "dyn.list"]
            .map(seed)
            .to_vec(),
    };
    let shared = Scenario {
        name: "shared",
        args: words(
            "-shared -soname libfz.so --eh-frame-hdr --hash-style=gnu -z now --version-script=ver.map so_pic.o a_pic.o b_pic.o libf.a libs.so",
        ),
        targets: ["so_pic.o", "a_pic.o", "b_pic.o", "libs.so", "ver.map"]
            .map(seed)
            .to_vec(),
    };
    Ok(vec![stat, script, dynamic, shared])
}

/// Options added to some links, so that mutants reach the code behind them.
pub const EXTRA_FLAGS: &[&str] = &[
    "--gc-sections",
    "--compress-debug-sections=zlib",
    "--compress-debug-sections=zstd",
    "--build-id",
    "-Map=out.map",
    "--eh-frame-hdr",
    "--threads=2",
    "--export-dynamic",
    "-znow",
    "--strip-debug",
    "--hash-style=both",
    "-zpack-relative-relocs",
    "--default-symver",
];
