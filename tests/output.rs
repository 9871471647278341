//! Where the output goes. solder runs as root in containers and inside configure scripts that probe
//! with `-o /dev/null`; it must never replace anything that is not a regular file, never write
//! through a file or symlink someone planted at its temporary name, and must treat a symlink at
//! the output path as GNU ld does.
//!
//! Devices and FIFOs are made in the test's own directory (`mknod`, `mkfifo`), never the machine's
//! `/dev/null`, which a regression would destroy. Making a character device needs root (CI runs as
//! root); without it the test fails saying so rather than passing untested.
//!
//! `SOLDER_DIFF_LD=/path/to/ld` runs these tests against another linker (GNU ld fails the FIFO
//! test: it cannot seek in a FIFO).

mod common;
mod support;

use common::{describe_status, linker_under_test, run_with_timeout, show_command};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

const HELLO_C: &str = r#"#include <stdio.h>
int main(void) { puts("hello from the output tests"); return 0; }
"#;

fn hello(t: &TestDir) -> PathBuf {
    compile_with("gcc", t.path(), "hello.c", HELLO_C, &["-O1"])
}

/// Links `obj` into `out` with `linker`, with `env` set; returns the result.
fn link(linker: &Path, out: &Path, obj: &Path, env: &[(&str, &str)]) -> common::Output {
    let mut cmd = link_cmd_with(linker, out, &[obj.to_path_buf()], &[]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"))
}

fn ok(o: &common::Output, what: &str) {
    assert!(
        o.success(),
        "{what}: the link failed ({}): {}",
        describe_status(o.status),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn runs(exe: &Path) {
    let o = run_with_timeout(&mut Command::new(exe), LINK_TIMEOUT).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "hello from the output tests\n",
        "{} does not run as it should",
        exe.display()
    );
}

/// What a symlink at the output path becomes, for one linker: (the output is a regular file,
/// the symlink's old target is untouched).
fn symlink_outcome(t: &TestDir, linker: &Path, tag: &str, obj: &Path) -> (bool, bool) {
    let victim = t.join(&format!("victim-{tag}"));
    std::fs::write(&victim, b"precious\n").unwrap();
    let out = t.join(&format!("out-{tag}"));
    std::os::unix::fs::symlink(&victim, &out).unwrap();
    ok(&link(linker, &out, obj, &[]), tag);
    let regular = std::fs::symlink_metadata(&out).unwrap().is_file();
    let untouched = std::fs::read(&victim).unwrap() == b"precious\n";
    (regular, untouched)
}

/// GNU ld removes a symlink at the output path and writes a new file there; it never writes
/// through the link.
#[test]
fn symlink_output_is_replaced_as_gnu_ld_does() {
    let t = TestDir::new("output", "symlink");
    let obj = hello(&t);
    let gnu = symlink_outcome(&t, Path::new("/usr/bin/ld.bfd"), "bfd", &obj);
    assert_eq!(gnu, (true, true), "GNU ld's own behaviour changed");
    let ours = symlink_outcome(&t, &linker_under_test(), "tested", &obj);
    assert_eq!(
        ours, gnu,
        "(output is a regular file, symlink target untouched) differs from GNU ld's"
    );
    runs(&t.join("out-tested"));
}

/// `-o -` is a file named `-` for GNU ld, not standard output.
#[test]
fn dash_output_is_a_file() {
    let t = TestDir::new("output", "dash");
    let obj = hello(&t);
    let mut cmd = link_cmd(Path::new("-"), &[obj], &[]);
    cmd.current_dir(t.path());
    let o = run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap();
    ok(&o, "-o -");
    assert!(o.stdout.is_empty(), "the image went to standard output");
    runs(&t.join("-"));
}

/// A file or symlink planted at the temporary name is never written through: solder picks
/// another name, and both the planted entry and what it points at are left alone.
#[test]
fn planted_temporary_name_is_not_written_through() {
    let t = TestDir::new("output", "planted");
    let obj = hello(&t);
    let victim = t.join("victim");
    std::fs::write(&victim, b"precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, t.join(".planted-link")).unwrap();
    std::fs::write(t.join(".planted-file"), b"planted\n").unwrap();
    let linker = linker_under_test();
    for planted in [".planted-link", ".planted-file"] {
        let out = t.join("prog");
        let o = link(&linker, &out, &obj, &[("SOLDER_TEST_TEMP_NAME", planted)]);
        ok(&o, planted);
        runs(&out);
        assert_eq!(
            std::fs::read(&victim).unwrap(),
            b"precious\n",
            "the symlink's target was overwritten"
        );
        let meta = std::fs::symlink_metadata(t.join(planted)).unwrap();
        if planted == ".planted-link" {
            assert!(
                meta.file_type().is_symlink(),
                "the planted symlink was replaced"
            );
        } else {
            assert_eq!(
                std::fs::read(t.join(planted)).unwrap(),
                b"planted\n",
                "the planted file was overwritten"
            );
        }
        // The output is the owner's alone until complete; complete, it has the usual mode.
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o700,
            0o700,
            "the output is not executable by its owner: {mode:o}"
        );
    }
    check_listing(
        t.path(),
        &[
            ".planted-file",
            ".planted-link",
            "hello.c",
            "hello.o",
            "prog",
            "victim",
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Makes a character device like `/dev/null` (1, 3) at `path`.
fn mknod_null(path: &Path) {
    let o = Command::new("mknod")
        .arg(path)
        .args(["c", "1", "3"])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "cannot make a character device for this test (it needs root, as CI has): {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn assert_null_device(path: &Path) {
    let m = std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{} is gone: {e}", path.display()));
    assert!(
        m.file_type().is_char_device(),
        "{} is no longer a character device",
        path.display()
    );
    assert_eq!(
        m.rdev(),
        libc_makedev(1, 3),
        "{} is a different device now",
        path.display()
    );
}

fn libc_makedev(major: u64, minor: u64) -> u64 {
    ((major & 0xfffff000) << 32)
        | ((major & 0xfff) << 8)
        | ((minor & 0xffffff00) << 12)
        | (minor & 0xff)
}

/// `gcc t.c -o /dev/null`, as configure scripts run it: the link succeeds and the device survives;
/// a failing link leaves it alone too.
#[test]
fn character_device_output_survives() {
    let t = TestDir::new("output", "chardev");
    let obj = hello(&t);
    let null = t.join("null");
    mknod_null(&null);
    let o = link(&linker_under_test(), &null, &obj, &[]);
    ok(&o, "-o <character device>");
    assert_null_device(&null);
    // A failed link (an undefined symbol) must not touch it either.
    let bad = compile_with(
        "gcc",
        t.path(),
        "bad.c",
        "int missing(void); int main(void) { return missing(); }\n",
        &[],
    );
    let o = link(&linker_under_test(), &null, &bad, &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_null_device(&null);
    check_listing(t.path(), &["bad.c", "bad.o", "hello.c", "hello.o", "null"])
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A FIFO as the output: the node stays a FIFO and the process reading it gets the whole image,
/// the same bytes a link to a regular file writes.
#[test]
fn fifo_output_is_written_in_full() {
    let t = TestDir::new("output", "fifo");
    let obj = hello(&t);
    let reference = t.join("reference");
    ok(
        &link(&linker_under_test(), &reference, &obj, &[]),
        "regular output",
    );
    let fifo = t.join("fifo");
    let o = Command::new("mkfifo").arg(&fifo).output().unwrap();
    assert!(o.status.success());
    // The reader is a process under a timeout: if the linker never opens the FIFO (or replaces
    // it), the reader would wait for a writer forever.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            run_with_timeout(
                Command::new("cat").arg(fifo),
                std::time::Duration::from_secs(10),
            )
        })
    };
    let mut cmd = link_cmd(&fifo, &[obj], &[]);
    let o = run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    let got = match reader.join().unwrap() {
        Ok(r) => r.stdout,
        Err(e) => panic!("the FIFO's reader got no image: {e}"),
    };
    assert!(
        o.success(),
        "{}: {}",
        show_command(&cmd),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the FIFO was replaced"
    );
    let want = std::fs::read(&reference).unwrap();
    assert!(
        got == want,
        "the reader got {} bytes, a regular output has {}",
        got.len(),
        want.len()
    );
    let copy = t.join("from-fifo");
    std::fs::write(&copy, &got).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    runs(&copy);
}

/// Relinking over an existing output and running the new one at once (what a build and its test
/// step do) must not fail with "Text file busy": nothing may keep the new file open for writing
/// after the linker exits.
#[test]
fn new_output_runs_at_once() {
    let t = TestDir::new("output", "runs_at_once");
    let obj = hello(&t);
    let exe = t.join("prog");
    for round in 0..20 {
        ok(&link(&linker_under_test(), &exe, &obj, &[]), "relink");
        let o = Command::new(&exe).output();
        match o {
            Ok(o) => assert!(
                o.status.success(),
                "round {round}: {}",
                describe_status(o.status)
            ),
            Err(e) => panic!("round {round}: the new output cannot run: {e}"),
        }
    }
}

/// Links `src` (C) into `out` with extra linker flags; the link's result.
fn link_c(t: &TestDir, name: &str, src: &str, out: &Path, extra: &[&str]) -> common::Output {
    let obj = compile_with("gcc", t.path(), name, src, &["-O1"]);
    let mut cmd = link_cmd(out, &[obj], extra);
    run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"))
}

/// Sections and pieces with alignment padding: strings merged 8-byte aligned (`.rodata.str1.8`),
/// a 64-byte aligned array after an odd-sized one, functions aligned apart.
const PADDED_C: &str = r#"#include <stdio.h>
static const char odd[3] = "ab";
static const long double k[3] = {1.5L, 2.5L, 3.5L};
__attribute__((aligned(64))) static const int table[5] = {1, 2, 3, 4, 5};
__attribute__((noinline, aligned(64))) static int twice(int x) { return 2 * x; }
int main(int argc, char **argv) {
    volatile long double v = k[argc % 3];
    printf("hello from the output tests\n%s %d %d\n", odd, table[argc % 5], twice((int)v));
    printf("%s: a second string in the merged, 8-byte aligned strings\n", argv[0]);
    return 0;
}
"#;

const BIG_C: &str = r#"#include <stdio.h>
static char table[3 << 20] = {1};
int main(void) { table[12345] = 2; printf("hello from the output tests\n%s", table[1] ? "x" : ""); return table[0] - 1; }
"#;

/// An existing executable is overwritten in place (same inode) and ends up byte-identical to a
/// fresh link: whatever the old file held — junk, more bytes, fewer bytes — is gone, holes and
/// padding included, and the mode is a new file's. The programs have padding of every kind the
/// writer must zero: between sections, between input sections, between merged strings (8-byte
/// aligned), and synthetic sections, debug information included.
#[test]
fn existing_executable_is_overwritten_in_place() {
    let t = TestDir::new("output", "in_place");
    let exe = t.join("prog");
    // `evict`: the old output's page cache is dropped first, as after a reboot; its stretches
    // missing from the cache are then rewritten with zeros before the link writes over them.
    for (name, src, junk, evict, flags) in [
        ("small.c", HELLO_C, true, false, &["-O1"][..]),
        ("big.c", BIG_C, false, true, &["-O1"][..]),
        ("small2.c", HELLO_C, false, false, &["-O1"][..]),
        ("padded.c", PADDED_C, true, true, &["-O2", "-g"][..]),
        ("padded2.c", PADDED_C, true, false, &["-O0"][..]),
    ] {
        let fresh = t.join(&format!("{name}.fresh"));
        let obj = compile_with("gcc", t.path(), name, src, flags);
        let link_to = |out: &Path| {
            let mut cmd = link_cmd(out, std::slice::from_ref(&obj), &[]);
            run_with_timeout(&mut cmd, LINK_TIMEOUT).unwrap_or_else(|e| panic!("{e}"))
        };
        ok(&link_to(&fresh), "fresh link");
        // The old output: junk, longer than the new one, or the previous program.
        if junk {
            std::fs::write(&exe, vec![0xa5u8; 5 << 20]).unwrap();
        }
        if evict {
            drop_page_cache(&exe);
        }
        let ino = std::fs::metadata(&exe).unwrap().ino();
        ok(&link_to(&exe), "link over the old output");
        let m = std::fs::metadata(&exe).unwrap();
        assert_eq!(
            m.ino(),
            ino,
            "{name}: the output was replaced, not overwritten in place"
        );
        assert!(
            std::fs::read(&exe).unwrap() == std::fs::read(&fresh).unwrap(),
            "{name}: overwriting in place gives different bytes from a fresh link"
        );
        assert_eq!(
            m.permissions().mode(),
            std::fs::metadata(&fresh).unwrap().permissions().mode(),
            "{name}: mode differs from a fresh output's"
        );
        let o = run_with_timeout(&mut Command::new(&exe), LINK_TIMEOUT).unwrap();
        assert!(
            o.stdout.starts_with(b"hello from the output tests\n"),
            "{name} does not run"
        );
    }
}

/// Writes `path` back to disk and drops it from the page cache.
fn drop_page_cache(path: &Path) {
    use std::os::fd::AsRawFd;
    unsafe extern "C" {
        fn posix_fadvise(fd: i32, offset: i64, len: i64, advice: i32) -> i32;
    }
    const POSIX_FADV_DONTNEED: i32 = 4;
    let f = std::fs::File::open(path).unwrap();
    f.sync_all().unwrap();
    // SAFETY: plain system call on a descriptor we own.
    let r = unsafe { posix_fadvise(f.as_raw_fd(), 0, 0, POSIX_FADV_DONTNEED) };
    assert_eq!(r, 0, "posix_fadvise failed");
}

/// A link that fails only once addresses are known (a relocation overflow) leaves the existing
/// output exactly as it was, although that output would otherwise be overwritten in place.
#[test]
fn failed_link_leaves_existing_output_intact() {
    let t = TestDir::new("output", "failed_in_place");
    let exe = t.join("prog");
    ok(&link_c(&t, "hello.c", HELLO_C, &exe, &[]), "first link");
    let before = std::fs::read(&exe).unwrap();
    let ino = std::fs::metadata(&exe).unwrap().ino();
    let far = "extern char far[];\nint main(void) { return far[0]; }\n";
    let o = link_c(&t, "far.c", far, &exe, &["--defsym=far=0x100000000"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("out of range"),
        "not the overflow error: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::metadata(&exe).unwrap().ino(), ino);
    assert!(
        std::fs::read(&exe).unwrap() == before,
        "the failed link changed the old output"
    );
    runs(&exe);
}

/// An output with a second hard link is replaced, not overwritten: the other name keeps the old
/// program, as with GNU ld.
#[test]
fn hard_linked_output_is_replaced() {
    let t = TestDir::new("output", "hard_link");
    let exe = t.join("prog");
    let other = t.join("other");
    ok(&link_c(&t, "hello.c", HELLO_C, &exe, &[]), "first link");
    std::fs::hard_link(&exe, &other).unwrap();
    let before = std::fs::read(&other).unwrap();
    ok(&link_c(&t, "big.c", BIG_C, &exe, &[]), "relink");
    assert_eq!(
        std::fs::read(&other).unwrap(),
        before,
        "the other link's contents changed"
    );
    assert_ne!(
        std::fs::read(&exe).unwrap(),
        before,
        "the output was not relinked"
    );
}

/// A running program cannot be overwritten (ETXTBSY): relinking it while it runs replaces the
/// file, and the running copy finishes undisturbed.
#[test]
fn running_output_is_replaced() {
    let t = TestDir::new("output", "running");
    let exe = t.join("prog");
    let slow = "#include <unistd.h>\n#include <stdio.h>\nint main(void) { sleep(1); puts(\"slept\"); return 0; }\n";
    ok(&link_c(&t, "slow.c", slow, &exe, &[]), "first link");
    let ino = std::fs::metadata(&exe).unwrap().ino();
    let child = Command::new(&exe)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    ok(
        &link_c(&t, "hello.c", HELLO_C, &exe, &[]),
        "relink while running",
    );
    assert_ne!(
        std::fs::metadata(&exe).unwrap().ino(),
        ino,
        "a running program was written in place"
    );
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success() && o.stdout == b"slept\n",
        "the running program was disturbed"
    );
    runs(&exe);
}

/// Links racing into the same existing output leave one of them whole, never a mix.
#[test]
fn concurrent_links_into_one_output_leave_one_whole() {
    let t = TestDir::new("output", "concurrent");
    let exe = t.join("prog");
    let small = compile_with("gcc", t.path(), "small.c", HELLO_C, &["-O1"]);
    let big = compile_with("gcc", t.path(), "big.c", BIG_C, &["-O1"]);
    let mut fresh = Vec::new();
    for (obj, name) in [(&small, "small.fresh"), (&big, "big.fresh")] {
        let out = t.join(name);
        ok(&link(&linker_under_test(), &out, obj, &[]), "fresh link");
        fresh.push(std::fs::read(&out).unwrap());
    }
    ok(&link(&linker_under_test(), &exe, &small, &[]), "first link");
    for round in 0..5 {
        let children: Vec<_> = (0..4)
            .map(|k| {
                let obj = if k % 2 == 0 { &big } else { &small };
                link_cmd(&exe, std::slice::from_ref(obj), &[])
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(
                o.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let got = std::fs::read(&exe).unwrap();
        assert!(
            fresh.contains(&got),
            "round {round}: the output is neither link's whole output"
        );
    }
}

/// The pids of the processes whose command name is `name`.
fn processes_named(name: &str) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let e = e.ok()?;
        let pid: i32 = e.file_name().to_str()?.parse().ok()?;
        let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
        (comm.trim_end() == name).then_some(pid)
    })
    .collect()
}

/// The exit leaves the freeing of the link's memory to a process sharing it, which must end on its
/// own once the link has exited and must not hold the caller's pipes meanwhile: reading the link's
/// output to the end returns, and no process of the link's (unique) name is left afterwards. The
/// link is run without killing its process group, which would hide a process that never ends.
#[test]
fn exit_leaves_no_process_behind() {
    let t = TestDir::new("output", "exit_child");
    let obj = hello(&t);
    // A process's command name is the name it was started under, at most 15 bytes.
    let name = format!("sldr-exit-{}", std::process::id() % 100_000);
    let alias = t.join(&name);
    std::os::unix::fs::symlink(linker_under_test(), &alias).unwrap();
    let exe = t.join("prog");
    let child = link_cmd_with(&alias, &exe, &[obj], &[])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let kill_left = || {
        for pid in processes_named(&name) {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    };
    let o = match rx.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(o) => o.unwrap(),
        Err(_) => {
            kill_left();
            panic!("the link's stdout or stderr was still open 60 s after it started");
        }
    };
    assert!(
        o.status.success(),
        "the link failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    runs(&exe);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let left = processes_named(&name);
        if left.is_empty() {
            break;
        }
        if std::time::Instant::now() > deadline {
            kill_left();
            panic!("processes {left:?} named {name} were left running 30 s after the link");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
