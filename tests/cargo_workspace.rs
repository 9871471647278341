//! Rust as users build it: the workspace in `tests/cargo_ws/` (a binary using serde's and clap's
//! derives and thiserror, whose proc-macros rustc links as shared objects and dlopens while
//! compiling; a `cdylib` loaded from C and from Python; a `dylib` used by a binary built with
//! `-C prefer-dynamic`, against `libstd-*.so`) is built by cargo with solder as the linker and again
//! with GNU ld, and every product is run and compared. Dependencies come from crates.io, pinned by
//! the committed `Cargo.lock`.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const BUILD: Duration = Duration::from_secs(1200);
const RUN: Duration = Duration::from_secs(60);

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cargo_ws")
}

/// Builds `packages` into `target` with `link_args` for the linker (and `extra` rustc flags).
fn build(target: &Path, link_args: &str, extra: &str, packages: &[&str]) -> Result<(), String> {
    let mut c = Command::new(cargo());
    c.current_dir(workspace())
        .args(["build", "--locked", "--quiet", "--target-dir"])
        .arg(target);
    for p in packages {
        c.args(["-p", p]);
    }
    // Recent rustc links with its bundled rust-lld unless told not to.
    c.env(
        "RUSTFLAGS",
        format!("-C linker-features=-lld {link_args} {extra}"),
    )
    .env_remove("CARGO_TARGET_DIR")
    .env_remove("CARGO_BUILD_TARGET");
    run_ok(&mut c, BUILD).map(|_| ())
}

fn products(target: &Path) -> PathBuf {
    target.join("debug")
}

/// What each product prints when run: the binary, the cdylib from C and from Python, the dylib
/// user.
fn run_products(target: &Path, dyn_target: &Path) -> Result<Vec<(String, Output)>, String> {
    let dir = products(target);
    let mut out = Vec::new();
    out.push((
        "app".to_string(),
        run_with_timeout(&mut Command::new(dir.join("app")), RUN)?,
    ));
    let loader = dir.join("load_cdylib");
    run_ok(
        Command::new("gcc")
            .arg(workspace().join("load_cdylib.c"))
            .arg("-o")
            .arg(&loader)
            .arg("-ldl"),
        RUN,
    )?;
    out.push((
        "cdylib from C".to_string(),
        run_with_timeout(Command::new(&loader).current_dir(&dir), RUN)?,
    ));
    let py = "import ctypes; l = ctypes.CDLL('./libcdy.so'); l.cdy_add.restype = ctypes.c_uint64; \
              l.cdy_calls.restype = ctypes.c_uint64; print(l.cdy_add(1, 4), l.cdy_add(2, 3), l.cdy_calls())";
    out.push((
        "cdylib from Python".to_string(),
        run_with_timeout(
            Command::new("python3").arg("-c").arg(py).current_dir(&dir),
            RUN,
        )?,
    ));
    let sysroot = run_ok(Command::new("rustc").args(["--print", "sysroot"]), RUN)?;
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_string();
    let libs = format!(
        "{sysroot}/lib/rustlib/x86_64-unknown-linux-gnu/lib:{}",
        products(dyn_target).display()
    );
    out.push((
        "dylib user".to_string(),
        run_with_timeout(
            Command::new(products(dyn_target).join("usedyl"))
                .env("LD_LIBRARY_PATH", libs)
                .env("RUST_BACKTRACE", "0"),
            RUN,
        )?,
    ));
    Ok(out)
}

#[test]
fn workspace_builds_and_runs_as_with_gnu_ld() {
    let tools = shared_tool_dir("cargo-ws-tools", &linker_under_test()).unwrap();
    let base = scratch_dir().join("cargo_ws");
    let solder_args = format!("-C link-arg=-B{}", tools.display());
    let gnu_args = "-C link-arg=-fuse-ld=bfd";
    let mut runs = Vec::new();
    for (tag, args) in [("gnu-ld", gnu_args), ("solder", solder_args.as_str())] {
        let t = base.join(tag);
        let t_dyn = base.join(format!("{tag}-prefer-dynamic"));
        build(&t, args, "", &["app", "cdy"]).unwrap_or_else(|e| panic!("{tag} build: {e}"));
        build(&t_dyn, args, "-C prefer-dynamic", &["usedyl"])
            .unwrap_or_else(|e| panic!("{tag} prefer-dynamic build: {e}"));
        runs.push(run_products(&t, &t_dyn).unwrap_or_else(|e| panic!("{tag}: {e}")));
    }
    // The products (and rustc's proc-macros) really are solder's.
    let solder = products(&base.join("solder"));
    let deps = std::fs::read_dir(solder.join("deps")).unwrap();
    let macros: Vec<PathBuf> = deps
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "so"))
        .collect();
    assert!(
        macros.len() >= 3,
        "expected the serde, clap and thiserror proc-macros: {macros:?}"
    );
    for f in macros.iter().chain([
        &solder.join("app"),
        &solder.join("libcdy.so"),
        &products(&base.join("solder-prefer-dynamic")).join("libdyl.so"),
        &products(&base.join("solder-prefer-dynamic")).join("usedyl"),
    ]) {
        assert!(
            linked_by_solder(f),
            "{} was not linked by solder",
            f.display()
        );
    }
    for ((what, want), (_, got)) in runs[0].iter().zip(&runs[1]) {
        assert!(
            want.success(),
            "{what} built with GNU ld fails: {}",
            String::from_utf8_lossy(&want.stderr)
        );
        if let Some(d) = compare_runs(got, want, 2000) {
            panic!("{what} built with solder differs from the GNU ld build:\n{d}");
        }
    }
}

/// solder's own test build with solder as the linker: every test binary and the solder binary they
/// drive are linked by solder, and the unit tests and the command-line tests then pass with them:
/// solder linked by solder, tested by test binaries linked by solder. (Proc-macros linked by
/// solder are `workspace_builds_and_runs_as_with_gnu_ld`'s: solder's own build has none.)
#[test]
fn own_test_suite_linked_by_solder() {
    let tools = shared_tool_dir("cargo-self-tools", &linker_under_test()).unwrap();
    let target = scratch_dir().join("cargo_self");
    let cargo_test = |args: &[&str]| {
        let mut c = Command::new(cargo());
        c.current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["test", "--locked", "--quiet", "--target-dir"])
            .arg(&target)
            .args(args)
            .env(
                "RUSTFLAGS",
                format!("-C linker-features=-lld -C link-arg=-B{}", tools.display()),
            )
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET")
            // The tests of the inner build test its own solder, not this one's.
            .env_remove("SOLDER_DIFF_LD");
        run_ok(&mut c, BUILD)
    };
    cargo_test(&["--no-run", "--all-targets"]).unwrap_or_else(|e| panic!("build: {e}"));
    let deps = target.join("debug/deps");
    let files: Vec<PathBuf> = std::fs::read_dir(&deps)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let tests: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            p.extension().is_none() && (name.starts_with("cli-") || name.starts_with("solder-"))
        })
        .collect();
    assert!(
        tests.len() >= 2,
        "test binaries not found in {}",
        deps.display()
    );
    for f in tests.iter().chain([&&target.join("debug/solder")]) {
        assert!(
            linked_by_solder(f),
            "{} was not linked by solder",
            f.display()
        );
    }
    let out = cargo_test(&["--bin", "solder", "--test", "cli"])
        .unwrap_or_else(|e| panic!("solder's tests linked by solder: {e}"));
    assert!(out.status.success());
}
