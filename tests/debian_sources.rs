//! A real libtool project from Debian's source packages, built with solder as the linker: xz-utils
//! 5.4.1 (`apt-get source xz-utils`; `scripts/test.sh` adds the `deb-src` entry). Its configure
//! script must find that solder makes shared libraries (libtool asks `ld --help` for
//! `supported targets: ... elf`), so `liblzma.so` is built, by solder, with its version script of
//! named versions and `.symver` aliases; the project's own test suite (`make check`, against the
//! shared library) must pass, and the library must export the same versioned symbols as Debian's
//! own `liblzma.so.5` of the same release, which GNU ld linked.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const STEP: Duration = Duration::from_secs(1200);

/// The unpacked upstream sources, downloaded once into the scratch cache.
fn xz_sources() -> Result<PathBuf, String> {
    let cache = scratch_dir().join("debian-src");
    std::fs::create_dir_all(&cache).map_err(|e| e.to_string())?;
    let tarball = |cache: &Path| -> Option<PathBuf> {
        std::fs::read_dir(cache)
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                n.starts_with("xz-utils_5.4.1") && n.ends_with(".orig.tar.xz")
            })
    };
    if tarball(&cache).is_none() {
        run_ok(
            Command::new("apt-get")
                .args(["source", "--download-only", "xz-utils=5.4.1-1+deb12u1"])
                .current_dir(&cache),
            STEP,
        )
        .map_err(|e| format!("apt-get source xz-utils (is there a deb-src entry?): {e}"))?;
    }
    let tar = tarball(&cache).ok_or("xz-utils source tarball not downloaded")?;
    let dir = scratch_dir().join("debian-xz");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    run_ok(
        Command::new("tar").arg("xJf").arg(&tar).arg("-C").arg(&dir),
        STEP,
    )?;
    Ok(dir.join("xz-5.4.1"))
}

/// Defined dynamic symbols as `name@VERSION` (readelf's spelling), sorted.
fn versioned_exports(lib: &Path) -> Result<BTreeSet<String>, String> {
    let out = run_ok(
        Command::new("readelf").arg("--dyn-syms").arg("-W").arg(lib),
        STEP,
    )?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 8 && f[0].ends_with(':') && f[6] != "UND" && f[6] != "Ndx")
                .then(|| f[7].to_string())
        })
        .collect())
}

#[test]
fn xz_utils_libtool_build_and_test_suite() {
    let tools = shared_tool_dir("debian-src-tools", &linker_under_test()).unwrap();
    let src = xz_sources().unwrap_or_else(|e| panic!("{e}"));
    let cc = format!("CC=gcc -B{}", tools.display());
    run_ok(
        Command::new("./configure")
            .args([
                cc.as_str(),
                "--disable-static",
                "--disable-doc",
                "--disable-nls",
            ])
            .current_dir(&src),
        STEP,
    )
    .unwrap_or_else(|e| panic!("configure: {e}"));
    // libtool's verdict on the linker: shared libraries, built by a GNU-compatible ld.
    let libtool = std::fs::read_to_string(src.join("libtool")).unwrap();
    for want in ["build_libtool_libs=yes", "with_gnu_ld=\"yes\""] {
        assert!(
            libtool.lines().any(|l| l == want),
            "libtool script lacks {want}: configure did not take solder for a shared-library linker"
        );
    }
    let jobs = format!(
        "-j{}",
        std::thread::available_parallelism().map_or(2, |n| n.get())
    );
    run_ok(Command::new("make").arg(&jobs).current_dir(&src), STEP)
        .unwrap_or_else(|e| panic!("make: {e}"));
    let lib = src.join("src/liblzma/.libs/liblzma.so.5.4.1");
    for f in [&lib, &src.join("src/xz/.libs/xz")] {
        assert!(
            linked_by_solder(f),
            "{} was not linked by solder",
            f.display()
        );
    }
    let check = run_ok(
        Command::new("make")
            .arg(&jobs)
            .arg("check")
            .current_dir(&src),
        STEP,
    )
    .unwrap_or_else(|e| panic!("make check: {e}"));
    let log = String::from_utf8_lossy(&check.stdout);
    let count = |what: &str| -> Option<usize> {
        log.lines()
            .find_map(|l| l.strip_prefix(&format!("# {what}:"))?.trim().parse().ok())
    };
    assert!(
        count("PASS").is_some_and(|n| n >= 15)
            && count("FAIL") == Some(0)
            && count("ERROR") == Some(0),
        "xz-utils' own tests did not all pass:\n{log}"
    );
    // Debian's liblzma of the same release (GNU ld's link) exports the same versions.
    let debian = Path::new("/lib/x86_64-linux-gnu/liblzma.so.5.4.1");
    let want = versioned_exports(debian).unwrap();
    assert!(
        want.iter().any(|s| s.contains("@@XZ_5.0")) && want.iter().any(|s| s.contains("@XZ_5.2.2")),
        "broken test: Debian's liblzma lacks the versions expected: {want:?}"
    );
    let got = versioned_exports(&lib).unwrap();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "liblzma's versioned exports differ from Debian's: missing {missing:?}, extra {extra:?}"
    );
}
