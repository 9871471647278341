#!/usr/bin/env python3
"""Whole links side by side: solder (default and --threads=1), wild, mold, lld, gold and GNU ld on
the same captured link, round-robin.

Each workload is built once with a compiler driver whose linker records its arguments; the
recorded link is then replayed by every linker from the same files. Before anything is timed,
every linker's output is run and checked. Runs go round-robin, each round in its own shuffled
order (from a fixed seed), so that drift of the shared machine hits all linkers alike, and so does
what one run leaves behind for the next: in a fixed order (or one turned by one each round, which
keeps every linker's predecessor) one linker always followed `cat`, whose 74 MiB of freshly
written output made the next ripgrep link 4-9 ms slower. For each workload and linker the report gives the median
wall time, the min-max spread, the median CPU time (user + system of the whole process tree: mold
and wild do their work in a forked child, which this script adopts as a subreaper and counts),
the peak RSS of the largest process, the output size, and the ratio to the fastest peer.

    python3 bench/bench.py                    # every workload
    python3 bench/bench.py cxx-llvm ripgrep   # some of them
    BENCH_RUNS=10 python3 bench/bench.py      # runs per linker (default 10)

Set-up (done by this script when something is missing): Debian packages for the workloads and
the peers (apt), wild with `cargo install wild-linker --version 0.10.0 --locked`. Results go to
bench/results.md, bench/results.svg and bench/results.json.
"""

import ctypes
import json
import os
import platform
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench"
SOLDER = ROOT / "target" / "release" / "solder"
RUNS = int(os.environ.get("BENCH_RUNS", "10"))

APT = ["hyperfine", "mold", "lld-19", "binutils-gold", "clang-19", "llvm-19-dev", "libclang-19-dev",
       "libzstd-dev", "libz3-dev", "libxml2-dev", "zlib1g-dev"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def setup():
    missing = [p for p in APT if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p],
                                                 capture_output=True, text=True).stdout.find("ok installed") < 0]
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        run(sudo + ["apt-get", "install", "-y", "-qq"] + missing, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if not shutil.which("wild") and not (Path.home() / ".cargo/bin/wild").exists():
        run(["cargo", "install", "wild-linker", "--version", "0.10.0", "--locked"])
    run(["cargo", "build", "--release", "--quiet"], cwd=ROOT)


def wild_path():
    return shutil.which("wild") or str(Path.home() / ".cargo/bin/wild")


# (name, binary, extra arguments, included on big workloads)
LINKERS = [
    ("solder", str(SOLDER), [], True),
    ("solder -j1", str(SOLDER), ["--threads=1"], True),
    # wild drops unreferenced sections unless told `--no-gc-sections`, where the other linkers keep
    # them, as the command line asks: on a link that does not ask for `--gc-sections` (the C and
    # C++ ones here), this row is solder doing the work wild does.
    ("solder gc", str(SOLDER), ["--gc-sections"], True),
    ("wild", None, [], True),
    ("mold", "/usr/bin/mold", [], True),
    ("lld", "/usr/bin/ld.lld-19", [], True),
    ("gold", "/usr/bin/ld.gold", [], False),
    ("GNU ld", "/usr/bin/ld.bfd", [], False),
]
PEERS = ["wild", "mold", "lld", "gold", "GNU ld"]


# ---------------------------------------------------------------------------------------------
# Capturing links

def recorder(dir: Path) -> Path:
    """A directory whose `ld` records its arguments and then links with GNU ld."""
    dir.mkdir(parents=True, exist_ok=True)
    ld = dir / "ld"
    ld.write_text("#!/bin/sh\n" f'printf "%s\\n" "$@" > "{dir}/args"\n' 'exec /usr/bin/ld.bfd "$@"\n')
    ld.chmod(0o755)
    return dir


def shared_recorder(dir: Path) -> Path:
    """Like `recorder`, but records only links of shared objects (cargo also links build scripts
    and binaries through the same linker)."""
    dir.mkdir(parents=True, exist_ok=True)
    ld = dir / "ld"
    ld.write_text("#!/bin/sh\n"
                  'for a in "$@"; do [ "$a" = -shared ] && ' f'printf "%s\\n" "$@" > "{dir}/args"; done\n'
                  'exec /usr/bin/ld.bfd "$@"\n')
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


class Workload:
    def __init__(self, name, build, check, big=False):
        self.name, self.build, self.check, self.big = name, build, check, big

    def args(self) -> list:
        """The captured link, made once and kept in target/bench/<name>/args.json."""
        f = WORK / self.name / "args.json"
        if f.exists():
            a = json.loads(f.read_text())
            if all(Path(x).exists() for x in a if x.startswith("/") and not x.startswith("/lib64/ld-")):
                return a
        a = self.build()
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(a))
        return a


def c_workload(name, sources, cflags, ldflags, driver="gcc"):
    def build():
        d = WORK / name
        (d / "obj").mkdir(parents=True, exist_ok=True)
        objs = []
        for s in sources:
            o = d / "obj" / (Path(s).stem + ".o")
            run([driver, "-c", *cflags, str(s), "-o", str(o)])
            objs.append(str(o))
        rec = recorder(d / "rec")
        run([driver, "-B", str(rec), *objs, *ldflags, "-o", str(d / "capture")])
        return recorded_args(rec)
    return build


def sqlite_sources() -> Path:
    """The SQLite amalgamation the tests fetch (tests/sqlite/fetch)."""
    manifest = ROOT / "tests" / "sqlite" / "fetch" / "Cargo.toml"
    run(["cargo", "fetch", "--locked", "--manifest-path", str(manifest)], stdout=subprocess.DEVNULL)
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--locked", "--offline", "--format-version", "1", "--manifest-path", str(manifest)],
        check=True, capture_output=True).stdout)
    pkg = next(p for p in meta["packages"] if p["name"] == "libsqlite3-sys")
    return Path(pkg["manifest_path"]).parent / "sqlite3"


def sqlite_build(static):
    def build():
        src = sqlite_sources()
        flags = ["-O2", "-g", "-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION",
                 "-DSQLITE_ENABLE_MATH_FUNCTIONS", f"-I{src}",
                 "-fno-pie" if static else "-fPIE"]
        name = "sqlite-static" if static else "sqlite-pie"
        return c_workload(name, [src / "sqlite3.c", ROOT / "tests" / "sqlite" / "driver.c"], flags,
                          (["-static"] if static else ["-pie"]) + ["-lm"])()
    return build


def sqlite_shared_build():
    """libsqlite3.so from -fPIC objects: the shared-library workload."""
    src = sqlite_sources()
    flags = ["-O2", "-g", "-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION",
             "-DSQLITE_ENABLE_MATH_FUNCTIONS", "-fPIC"]
    return c_workload("sqlite-shared", [src / "sqlite3.c"], flags,
                      ["-shared", "-Wl,-soname,libsqlite3.so", "-lm"])()


def check_sqlite_library(lib, cwd):
    """Links the SQLite driver against the library (with GNU ld) and runs the script through it."""
    src = sqlite_sources()
    d = Path(cwd) / "check"
    d.mkdir(exist_ok=True)
    shutil.copy(lib, d / "libsqlite3.so")
    exe = d / "driver"
    subprocess.run(["gcc", "-O2", f"-I{src}", str(ROOT / "tests" / "sqlite" / "driver.c"), "-L", str(d),
                    "-lsqlite3", "-lm", f"-Wl,-rpath,{d}", "-o", str(exe)], check=True)
    return check_sqlite(str(exe), cwd)


def solder_self_build():
    """solder's own release link (Rust, debug info, --gc-sections), objects kept by -C save-temps."""
    rec = recorder(WORK / "solder-self" / "rec")
    env = dict(os.environ, RUSTFLAGS=f"-C linker-features=-lld -C link-arg=-B{rec} -C save-temps")
    run(["touch", str(ROOT / "src" / "main.rs")])
    run(["cargo", "build", "--release", "--quiet", "--target-dir", str(WORK / "solder-self" / "target")],
        cwd=ROOT, env=env)
    return recorded_args(rec)


def cxx_llvm_build():
    """bench/workloads/cxx_tool.cpp against every clang and LLVM archive Debian ships."""
    d = WORK / "cxx-llvm"
    d.mkdir(parents=True, exist_ok=True)
    cxxflags = subprocess.run(["llvm-config-19", "--cxxflags"], check=True, capture_output=True, text=True).stdout.split()
    obj = d / "cxx_tool.o"
    run(["clang++-19", "-c", "-O1", *cxxflags, str(ROOT / "bench" / "workloads" / "cxx_tool.cpp"), "-o", str(obj)])
    lib = Path("/usr/lib/llvm-19/lib")
    clang_libs = sorted(str(p) for p in lib.glob("libclang*.a")
                        if not any(x in p.name for x in ("clang_rt", "clangHandle", "IncludeFixerPlugin")))
    llvm_libs = [p for p in subprocess.run(["llvm-config-19", "--libfiles", "--link-static", "all"],
                                           capture_output=True, text=True).stdout.split() if Path(p).exists()]
    system = subprocess.run(["llvm-config-19", "--system-libs", "--link-static"], check=True,
                            capture_output=True, text=True).stdout.split()
    rec = recorder(d / "rec")
    run(["clang++-19", f"--ld-path={rec / 'ld'}", str(obj), "-o", str(d / "capture"),
         "-Wl,--start-group", *clang_libs, *llvm_libs, "-Wl,--end-group", *system])
    return recorded_args(rec)


def ripgrep_build(debug):
    """ripgrep 15 from crates.io, built by cargo (release; with full debug info or none)."""
    def build():
        name = "ripgrep-debug" if debug else "ripgrep"
        d = WORK / name
        rec = recorder(d / "rec")
        env = dict(os.environ, RUSTFLAGS=f"-C linker-features=-lld -C link-arg=-B{rec} -C save-temps",
                   CARGO_PROFILE_RELEASE_DEBUG="true" if debug else "false", CARGO_TARGET_DIR=str(d / "target"))
        run(["cargo", "install", "--locked", "--force", "ripgrep", "--version", "^15", "--root", str(d / "root")], env=env)
        return recorded_args(rec)
    return build


PROC_MACRO_MANIFEST = """[package]
name = "uses-derive"
version = "0.1.0"
edition = "2021"

[dependencies]
serde = { version = "=1.0.228", features = ["derive"] }
"""


def proc_macro_build():
    """serde_derive, the proc-macro most of crates.io depends on, as cargo links it in a debug
    build with debug info: a Rust shared object that rustc dlopens while compiling."""
    d = WORK / "rust-proc-macro"
    proj = d / "proj"
    (proj / "src").mkdir(parents=True, exist_ok=True)
    (proj / "Cargo.toml").write_text(PROC_MACRO_MANIFEST)
    (proj / "src" / "lib.rs").write_text("#[derive(serde::Serialize)]\npub struct S { pub a: u32 }\n")
    rec = shared_recorder(d / "rec")
    env = dict(os.environ, RUSTFLAGS=f"-C linker-features=-lld -C link-arg=-B{rec} -C save-temps",
               CARGO_PROFILE_DEV_BUILD_OVERRIDE_DEBUG="true", CARGO_TARGET_DIR=str(d / "target"))
    run(["cargo", "build", "--quiet"], cwd=proj, env=env)
    return recorded_args(rec)


def check_proc_macro(lib, cwd):
    """rustc loads the linked proc-macro and runs it: a derive compiles against serde."""
    deps = WORK / "rust-proc-macro" / "target" / "debug" / "deps"
    serde = next(deps.glob("libserde-*.rlib"))
    src = Path(cwd) / "check.rs"
    src.write_text("#[derive(serde_derive::Serialize)]\npub struct S { pub a: u32 }\n"
                   "pub fn f<T: serde::Serialize>(_: &T) {}\npub fn g() { f(&S { a: 1 }) }\n")
    # rustc takes a proc-macro by its file name (lib*.so): the output, under the original's name.
    named = Path(cwd) / "chk" / next(deps.glob("libserde_derive-*.so")).name
    named.parent.mkdir(exist_ok=True)
    shutil.copy(lib, named)
    out = subprocess.run(["rustc", "--edition", "2021", "--crate-type", "lib", str(src), "-o",
                          str(Path(cwd) / "libcheck.rlib"), "--extern", f"serde={serde}",
                          "--extern", f"serde_derive={named}", "-L", f"dependency={deps}"],
                         capture_output=True, text=True, timeout=300)
    return out.returncode == 0


def check_output(want):
    def check(exe, cwd):
        out = subprocess.run([exe], cwd=cwd, capture_output=True, text=True, timeout=120)
        return out.returncode == 0 and want in out.stdout
    return check


def check_sqlite(exe, cwd):
    out = subprocess.run(["driver", str(ROOT / "tests" / "sqlite" / "script.sql")], executable=exe, cwd=cwd,
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    return out.returncode == 0 and out.stdout == (ROOT / "tests" / "sqlite" / "expected.txt").read_text()


def check_ripgrep(exe, cwd):
    out = subprocess.run([exe, "-c", "fn main", str(ROOT / "src")], capture_output=True, text=True, timeout=120)
    return out.returncode == 0 and "main.rs:1" in out.stdout


def check_solder(exe, cwd):
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=120)
    return out.returncode == 0 and out.stdout.startswith("solder ")


WORKLOADS = [
    Workload("hello", c_workload("hello", [ROOT / "examples" / "hello.c"], ["-O2"], []), check_output("Hello from a solder-linked program")),
    Workload("sqlite-pie", sqlite_build(False), check_sqlite),
    Workload("sqlite-static", sqlite_build(True), check_sqlite),
    Workload("sqlite-shared", sqlite_shared_build, check_sqlite_library),
    Workload("rust-proc-macro", proc_macro_build, check_proc_macro),
    Workload("solder-self", solder_self_build, check_solder),
    Workload("cxx-llvm", cxx_llvm_build, check_output("compiled for wasm32-unknown-unknown"), big=True),
    Workload("ripgrep-debug", ripgrep_build(True), check_ripgrep, big=True),
    Workload("ripgrep", ripgrep_build(False), check_ripgrep, big=True),
]


# ---------------------------------------------------------------------------------------------
# Timing

def become_subreaper():
    """Orphaned descendants (mold's and wild's workers) are re-parented to this process, so their
    CPU time and memory can be collected with wait4."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_CHILD_SUBREAPER = 36
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def timed(cmd):
    """Wall time until the linker exits (what a build waits for); CPU time and peak RSS of every
    process it started, collected after they end."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read()
    p.stderr.close()
    cpu = ru.ru_utime + ru.ru_stime
    rss = ru.ru_maxrss
    while True:
        try:
            _, _, r = os.wait4(-1, 0)
        except ChildProcessError:
            break
        cpu += r.ru_utime + r.ru_stime
        rss = max(rss, r.ru_maxrss)
    if p.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed: {err.decode(errors='replace')[:2000]}")
    return wall, cpu, rss * 1024


def input_files(args: list) -> list:
    """The files a link reads: its file arguments and each -l library as found (.so before .a
    unless static). For the `cat` floor."""
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


def bench(w: Workload):
    args = w.args()
    d = WORK / w.name
    cmds = {}
    for name, path, extra, on_big in LINKERS:
        path = path or wild_path()
        if not Path(path).exists() or (w.big and not on_big):
            continue
        if name == "gold" and "--no-dynamic-linker" in args:
            continue  # gold has no static-pie
        if extra == ["--gc-sections"] and "--gc-sections" in args:
            continue  # the same link as solder's own row
        tag = name.replace(" ", "_")
        out = d / f"out.{tag}"
        a = list(args)
        a[a.index("-o") + 1] = str(out)
        rsp = d / f"args.{tag}"
        rsp.write_text("\n".join(shlex.quote(x) for x in a + extra) + "\n")
        cmd = [path, f"@{rsp}"]
        # Each linker starts from no output file: an old file left by an earlier run is
        # overwritten in place by some linkers, and how its page cache was made decides the
        # cost of writing it: a file grown page by page through a mapping keeps small folios,
        # written at one page fault per 4 KiB from then on (A/B runs of two solder builds, each
        # over its own old output, favoured one file by up to 20% in both orders).
        out.unlink(missing_ok=True)
        # Every output must be right before it is timed.
        try:
            timed(cmd)
        except RuntimeError as e:
            print(f"  {name}: cannot link {w.name}, left out ({str(e)[:300]})")
            continue
        if not w.check(str(out), d):
            print(f"  {name}: its output of {w.name} does not work, left out")
            continue
        cmds[name] = (cmd, out)
    inputs = input_files(args)
    cat_out = d / "out.cat"
    cmds["cat"] = (["sh", "-c", f"cat {' '.join(shlex.quote(f) for f in inputs)} > {cat_out}"], cat_out)
    results = {n: [] for n in cmds}
    for _ in range(1):  # warm-up round: page cache, file system
        for n, (cmd, _) in cmds.items():
            timed(cmd)
    order = list(cmds)
    shuffle = random.Random(20261203).shuffle
    for _ in range(RUNS):
        shuffle(order)
        for n in order:
            results[n].append(timed(cmds[n][0]))
    summary = {}
    for n, rs in results.items():
        walls = [r[0] for r in rs]
        summary[n] = {
            "median_ms": statistics.median(walls) * 1e3,
            "min_ms": min(walls) * 1e3,
            "max_ms": max(walls) * 1e3,
            "cpu_ms": statistics.median(r[1] for r in rs) * 1e3,
            "rss_mib": max(r[2] for r in rs) / 2**20,
            "output_mib": cmds[n][1].stat().st_size / 2**20,
        }
    input_mib = sum(Path(f).stat().st_size for f in inputs) / 2**20
    return {"workload": w.name, "input_mib": input_mib, "runs": RUNS, "cpus": os.cpu_count() or 1,
            "linkers": summary}


# ---------------------------------------------------------------------------------------------
# Reports

def versions():
    def first(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
        except (OSError, IndexError):
            return "?"
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) // 2**20 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    return {
        "machine": f"{os.cpu_count()} CPUs ({cpu}), {mem} GiB, Linux {platform.release()}",
        "solder": first([str(SOLDER), "--version"]),
        "wild": first([wild_path(), "--version"]),
        "mold": first(["mold", "--version"]),
        "lld": first(["ld.lld-19", "--version"]),
        "gold": first(["ld.gold", "--version"]),
        "GNU ld": first(["ld.bfd", "--version"]),
    }


def markdown(results, info):
    runs = results[0]["runs"] if results else RUNS
    lines = [f"Machine: {info['machine']}. {runs} round-robin runs per linker (each round in a shuffled order) after one warm-up round.", ""]
    lines += [f"- {k}: {v}" for k, v in info.items() if k != "machine"]
    for r in results:
        ls = r["linkers"]
        peers = [ls[p]["median_ms"] for p in PEERS if p in ls]
        if not peers:
            continue
        fastest = min(peers) if peers else None
        lines += ["", f"### {r['workload']} ({r['input_mib']:.0f} MiB of input files)", "",
                  "| linker | median ms | min–max ms | spread | CPU ms | peak RSS MiB | output MiB | vs fastest peer |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for n, s in ls.items():
            ratio = f"{s['median_ms'] / fastest:.2f}x" if fastest and n != "cat" else ""
            lines.append(f"| {n} | {s['median_ms']:.1f} | {s['min_ms']:.1f}–{s['max_ms']:.1f} | "
                         f"{s['max_ms'] / s['min_ms']:.2f} | {s['cpu_ms']:.0f} | {s['rss_mib']:.0f} | "
                         f"{s['output_mib']:.1f} | {ratio} |")
        # What more parallelism alone could reach: solder's one-thread CPU time spread perfectly
        # over every CPU. Below the target only if the work itself is small enough.
        # (The CPUs of the machine that ran it, recorded with the results: a report rendered again
        # elsewhere from results.json must not divide by another machine's count.)
        if "solder -j1" in ls and "cpus" in r:
            floor = ls["solder -j1"]["cpu_ms"] / r["cpus"]
            lines += ["", f"Floor with perfect use of {r['cpus']} CPUs (solder -j1's CPU time / CPUs): "
                          f"{floor:.1f} ms, {floor / fastest:.2f}x the fastest peer."]
    return "\n".join(lines) + "\n"


def svg(results):
    """Per workload, each linker's median wall time relative to the fastest peer (lower is better)."""
    names = [n for n, _, _, _ in LINKERS] + ["cat"]
    colors = {"solder": "#d95f02", "solder -j1": "#fdb863", "solder gc": "#b35806", "wild": "#1b9e77", "mold": "#7570b3",
              "lld": "#e7298a", "gold": "#66a61e", "GNU ld": "#a6761d", "cat": "#999999"}
    row, bar, left, width = 26 * len(names) + 30, 24, 150, 520
    height = 40 + row * len(results) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" '
           'font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="14">Median link time relative to the fastest peer (lower is better)</text>']
    y = 40
    for r in results:
        ls = r["linkers"]
        peers = [ls[p]["median_ms"] for p in PEERS if p in ls]
        if not peers:
            continue
        fastest = min(peers)
        vmax = max(s["median_ms"] / fastest for s in ls.values())
        out.append(f'<text x="10" y="{y + 14}" font-weight="bold">{r["workload"]}</text>')
        yy = y + 22
        for n in names:
            if n not in ls:
                continue
            v = ls[n]["median_ms"] / fastest
            w = max(1, width * v / max(vmax, 1.0))
            out.append(f'<text x="{left - 6}" y="{yy + bar / 2 + 4}" text-anchor="end">{n}</text>')
            out.append(f'<rect x="{left}" y="{yy}" width="{w:.0f}" height="{bar - 6}" fill="{colors[n]}"/>')
            out.append(f'<text x="{left + w + 6:.0f}" y="{yy + bar / 2 + 2}">{v:.2f}x ({ls[n]["median_ms"]:.0f} ms)</text>')
            yy += 26
        y += row
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    wanted = sys.argv[1:] or [w.name for w in WORKLOADS]
    chosen = []
    for n in wanted:
        w = next((w for w in WORKLOADS if w.name == n), None)
        if not w:
            sys.exit(f"unknown workload {n}; have: {', '.join(w.name for w in WORKLOADS)}")
        chosen.append(w)
    setup()
    become_subreaper()
    info = versions()
    print(info["machine"])
    results = []
    for w in chosen:
        print(f"{w.name} ...", flush=True)
        r = bench(w)
        results.append(r)
        print(markdown([r], info).split("\n", 2 + len(info))[-1])
    # Workloads not run this time keep their last results (with the run they came from).
    saved = ROOT / "bench" / "results.json"
    if saved.exists() and len(chosen) < len(WORKLOADS):
        old = {r["workload"]: r for r in json.loads(saved.read_text())["results"]}
        old.update({r["workload"]: r for r in results})
        results = [old[w.name] for w in WORKLOADS if w.name in old]
    (ROOT / "bench" / "results.json").write_text(json.dumps({"info": info, "results": results}, indent=1))
    (ROOT / "bench" / "results.md").write_text(markdown(results, info))
    (ROOT / "bench" / "results.svg").write_text(svg(results))


if __name__ == "__main__":
    main()
