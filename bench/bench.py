#!/usr/bin/env python3
"""Times whole links side by side: solder, GNU ld, gold, lld, mold (and wild if installed), on the
same inputs with the same command line.

Each workload is built once with a compiler driver whose `ld` is a recording wrapper; the recorded
linker arguments (without GCC's LTO plugin options) are then replayed for every linker with
hyperfine. Reports the median wall time, user and system CPU time, and each linker's ratio to
solder's median; and, as the floor a linker can approach, `cat` copying the same input files into a
new file.

    python3 bench/bench.py                  # all workloads
    python3 bench/bench.py sqlite-static    # some of them
    BENCH_RUNS=30 python3 bench/bench.py    # more runs

Needs hyperfine, and whichever linkers are installed (Debian: binutils, binutils-gold, lld-19, mold).
The machine should be otherwise idle; the numbers are only comparable within one run of this script.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench"
SOLDER = ROOT / "target" / "release" / "solder"
RUNS = int(os.environ.get("BENCH_RUNS", "15"))

LINKERS = [
    ("solder", str(SOLDER)),
    ("GNU ld", "/usr/bin/ld.bfd"),
    ("gold", "/usr/bin/ld.gold"),
    ("lld", "/usr/bin/ld.lld-19"),
    ("mold", "/usr/bin/mold"),
    ("wild", shutil.which("wild") or ""),
]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def recorder(dir: Path) -> Path:
    """A directory whose `ld` records its arguments and then runs solder."""
    dir.mkdir(parents=True, exist_ok=True)
    ld = dir / "ld"
    ld.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{dir}/args"\n'
        f'exec "{SOLDER}" "$@"\n'
    )
    ld.chmod(0o755)
    return dir


def recorded_args(dir: Path) -> list:
    args = (dir / "args").read_text().split("\n")[:-1]
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "-plugin":
            skip = True
            continue
        if a.startswith("-plugin-opt"):
            continue
        out.append(a)
    return out


def workload_c(name: str, sources: list, cflags: list, ldflags: list) -> list:
    d = WORK / name
    objs = []
    (d / "obj").mkdir(parents=True, exist_ok=True)
    for s in sources:
        o = d / "obj" / (Path(s).stem + ".o")
        if not o.exists() or o.stat().st_mtime < Path(s).stat().st_mtime:
            run(["gcc", "-c", *cflags, str(s), "-o", str(o)])
        objs.append(str(o))
    rec = recorder(d / "rec")
    run(["gcc", "-B", str(rec), *objs, *ldflags, "-o", str(d / "out")])
    return recorded_args(rec)


def sqlite_sources() -> Path:
    """The SQLite amalgamation the tests fetch (tests/sqlite/fetch)."""
    manifest = ROOT / "tests" / "sqlite" / "fetch" / "Cargo.toml"
    run(["cargo", "fetch", "--locked", "--manifest-path", str(manifest)], stdout=subprocess.DEVNULL)
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--locked", "--offline", "--format-version", "1", "--manifest-path", str(manifest)],
            check=True,
            capture_output=True,
        ).stdout
    )
    pkg = next(p for p in meta["packages"] if p["name"] == "libsqlite3-sys")
    return Path(pkg["manifest_path"]).parent / "sqlite3"


def workload_sqlite(static: bool) -> list:
    src = sqlite_sources()
    flags = ["-O2", "-g", "-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION", f"-I{src}"]
    flags.append("-fno-pie" if static else "-fPIE")
    ldflags = ["-static"] if static else ["-pie"]
    return workload_c(
        "sqlite-static" if static else "sqlite-pie",
        [src / "sqlite3.c", ROOT / "tests" / "sqlite" / "driver.c"],
        flags,
        ldflags + ["-lm"],
    )


def workload_solder() -> list:
    """solder's own release link (Rust, debug info, --gc-sections), objects kept by -C save-temps."""
    rec = recorder(WORK / "solder-self" / "rec")
    env = dict(os.environ)
    env["RUSTFLAGS"] = f"-C linker-features=-lld -C link-arg=-B{rec} -C save-temps"
    target = WORK / "solder-self" / "target"
    run(["touch", str(ROOT / "src" / "main.rs")])
    run(["cargo", "build", "--release", "--quiet", "--target-dir", str(target)], cwd=ROOT, env=env)
    return recorded_args(rec)


WORKLOADS = {
    "hello": lambda: workload_c("hello", [ROOT / "examples" / "hello.c"], ["-O2"], []),
    "sqlite-pie": lambda: workload_sqlite(False),
    "sqlite-static": lambda: workload_sqlite(True),
    "solder-self": workload_solder,
}


def input_files(args: list) -> list:
    """The files a link reads: its file arguments, and each -l library found as the linker would
    (.so before .a, unless linking statically). Linker scripts (libc.so) count as themselves."""
    dirs = [a[2:] for a in args if a.startswith("-L")]
    dirs += ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"]
    static = "-static" in args or "-Bstatic" in args
    out = []
    for i, a in enumerate(args):
        if a.startswith("-l"):
            names = [f"lib{a[2:]}.a"] if static else [f"lib{a[2:]}.so", f"lib{a[2:]}.a"]
            found = next((Path(dd) / n for dd in dirs for n in names if (Path(dd) / n).is_file()), None)
            if found and str(found) not in out:
                out.append(str(found))
        elif not a.startswith("-") and args[i - 1] not in ("-o", "-dynamic-linker", "-m", "-z") and Path(a).is_file():
            out.append(a)
    return out


def bench(name: str, args: list):
    d = WORK / name
    cmds, names = [], []
    for lname, path in LINKERS:
        if not path or not Path(path).exists():
            continue
        if lname == "gold" and "--no-dynamic-linker" in args:
            continue  # gold has no static-pie
        out = d / f"out.{lname.replace(' ', '_')}"
        a = list(args)
        a[a.index("-o") + 1] = str(out)
        rsp = d / f"args.{lname.replace(' ', '_')}"
        rsp.write_text("\n".join(shlex.quote(x) for x in a) + "\n")
        # Make sure this linker can link it at all before timing it.
        if subprocess.run([path, f"@{rsp}"], capture_output=True).returncode != 0:
            print(f"  {lname}: cannot link {name}, skipped")
            continue
        cmds.append(f"{path} @{rsp}")
        names.append(lname)
    js = d / "hyperfine.json"
    run(
        ["hyperfine", "-N", "-w", "3", "-r", str(RUNS), "--export-json", str(js)]
        + [x for c, n in zip(cmds, names) for x in ("-n", n, c)],
        stdout=subprocess.DEVNULL,
    )
    res = json.loads(js.read_text())["results"]
    # The floor the mission names: copying the input bytes into a new file. The shell that does
    # the redirection is timed by hyperfine and subtracted.
    inputs = " ".join(shlex.quote(f) for f in input_files(args))
    cat_js = d / "cat.json"
    run(
        ["hyperfine", "-w", "3", "-r", str(RUNS), "--export-json", str(cat_js), "-n", "cat",
         f"rm -f {d}/out.cat; cat {inputs} > {d}/out.cat"],
        stdout=subprocess.DEVNULL,
    )
    res += json.loads(cat_js.read_text())["results"]
    base = next(r["median"] for r in res if r["command"] == "solder")
    print(f"\n{name}")
    print(f"  {'linker':8} {'median ms':>10} {'user ms':>9} {'sys ms':>8} {'vs solder':>10}")
    for r in res:
        print(
            f"  {r['command']:8} {r['median'] * 1e3:10.1f} {r['user'] * 1e3:9.1f} {r['system'] * 1e3:8.1f}"
            f" {r['median'] / base:9.2f}x"
        )


def main():
    run(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    wanted = sys.argv[1:] or list(WORKLOADS)
    for w in wanted:
        if w not in WORKLOADS:
            sys.exit(f"unknown workload {w}; have: {', '.join(WORKLOADS)}")
    print(f"{os.cpu_count()} CPUs, {RUNS} runs each, median wall time")
    for w in wanted:
        bench(w, WORKLOADS[w]())


if __name__ == "__main__":
    main()
