//! Build systems take solder for the GNU linker it stands in for and make shared libraries with it:
//! the project in `tests/build_systems/` (a versioned shared library and a program using it) is
//! configured, built and tested by Meson (which identifies the linker from `-Wl,--version`) and by
//! CMake, with solder as the linker; both products must be solder's, carry the soname the build
//! system asks for, and pass the project's test. (libtool's probe is tested on a real project in
//! `tests/debian_sources.rs`.)

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const STEP: Duration = Duration::from_secs(300);

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/build_systems")
}

fn check_products(build: &Path) {
    let lib = build.join("libdemo.so.1.2.3");
    for f in [&lib, &build.join("app")] {
        assert!(
            linked_by_solder(f),
            "{} was not linked by solder",
            f.display()
        );
    }
    let d = run_ok(Command::new("readelf").arg("-d").arg(&lib), STEP).unwrap();
    assert!(
        String::from_utf8_lossy(&d.stdout).contains("Library soname: [libdemo.so.1]"),
        "libdemo.so lacks its soname"
    );
    let out = run_ok(&mut Command::new(build.join("app")), STEP).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "demo library: 82 202\n"
    );
}

#[test]
fn meson_builds_and_tests_with_solder() {
    let tools = shared_tool_dir("build-systems-tools", &linker_under_test()).unwrap();
    let dir = scratch_dir().join("build_systems").join("meson");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let build = dir.join("build");
    let setup = run_ok(
        Command::new("meson")
            .arg("setup")
            .arg(&build)
            .arg(project())
            .env("CC", format!("gcc -B{}", tools.display())),
        STEP,
    )
    .unwrap_or_else(|e| panic!("meson setup: {e}"));
    // Meson names the linker it detected; solder says it is compatible with GNU ld.
    let log = String::from_utf8_lossy(&setup.stdout);
    assert!(
        log.lines()
            .any(|l| l.starts_with("C linker for the host machine:") && l.contains("ld.bfd")),
        "Meson did not take solder for GNU ld:\n{log}"
    );
    run_ok(
        Command::new("meson").args(["compile", "-C"]).arg(&build),
        STEP,
    )
    .unwrap_or_else(|e| panic!("meson compile: {e}"));
    run_ok(Command::new("meson").args(["test", "-C"]).arg(&build), STEP)
        .unwrap_or_else(|e| panic!("meson test: {e}"));
    check_products(&build);
}

#[test]
fn cmake_builds_and_tests_with_solder() {
    let tools = shared_tool_dir("build-systems-tools", &linker_under_test()).unwrap();
    let dir = scratch_dir().join("build_systems").join("cmake");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let build = dir.join("build");
    let b = format!("-B{}", tools.display());
    run_ok(
        Command::new("cmake")
            .arg("-S")
            .arg(project())
            .arg("-B")
            .arg(&build)
            .arg("-DCMAKE_C_COMPILER=gcc")
            .arg(format!("-DCMAKE_EXE_LINKER_FLAGS={b}"))
            .arg(format!("-DCMAKE_SHARED_LINKER_FLAGS={b}")),
        STEP,
    )
    .unwrap_or_else(|e| panic!("cmake configure: {e}"));
    run_ok(Command::new("cmake").arg("--build").arg(&build), STEP)
        .unwrap_or_else(|e| panic!("cmake --build: {e}"));
    run_ok(
        Command::new("ctest")
            .arg("--output-on-failure")
            .current_dir(&build),
        STEP,
    )
    .unwrap_or_else(|e| panic!("ctest: {e}"));
    check_products(&build);
}
