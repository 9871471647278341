//! Shared libraries, differentially: each case is a library (and sometimes a second one it
//! depends on) and a program using it, built in all four combinations — library by solder or by
//! GNU ld × program by solder or by GNU ld — and run; every combination must print and exit as
//! the all-GNU-ld build does. Then the facts `readelf` shows of the library (dynamic tags that say
//! how it is loaded, exported symbols) are compared with GNU ld's library from the same objects.

mod common;

use common::harness::{Arguments, Failed, Trial};
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);

struct Case {
    name: &'static str,
    /// `lib.c` or `lib.cpp` (by the extension of `lib_file`).
    lib_file: &'static str,
    lib: &'static str,
    /// A second library the first one links against (`libdep.so`), if any.
    dep: Option<&'static str>,
    main_file: &'static str,
    main: &'static str,
    cflags: &'static [&'static str],
    lib_ldflags: &'static [&'static str],
    main_ldflags: &'static [&'static str],
    /// A version script for the library.
    version_script: Option<&'static str>,
    /// A dynamic list for the library (`--dynamic-list`).
    dynamic_list: Option<&'static str>,
    /// How the program names the library (`-lt`, or `-l:FILE`).
    lib_arg: &'static str,
    /// C source of `libhelper.a`, linked into the library after its object.
    archive: Option<&'static str>,
}

const fn case(name: &'static str, lib: &'static str, main: &'static str) -> Case {
    Case {
        name,
        lib_file: "lib.c",
        lib,
        dep: None,
        main_file: "main.c",
        main,
        cflags: &[],
        lib_ldflags: &[],
        main_ldflags: &[],
        version_script: None,
        dynamic_list: None,
        lib_arg: "-lt",
        archive: None,
    }
}

const HELPER_A: &str = r#"
int helper_fn(int x) { return x * 7; }
int helper_data = 6;
"#;
const USES_HELPER_LIB: &str = r#"
int helper_fn(int); extern int helper_data;
int api(int x) { return helper_fn(x) + helper_data; }
"#;
const USES_HELPER_MAIN: &str = r#"
#include <stdio.h>
int api(int);
int main(void) { printf("%d\n", api(6)); return 0; }
"#;

const BASIC_LIB: &str = r#"
#include <stdio.h>
int counter = 5;
static int helper(int x) { return x * 2; }
__attribute__((visibility("hidden"))) int hidden_add(int x) { return x + 1; }
int twice(int x) { return helper(x); }
int bump(void) { counter++; return twice(counter) + hidden_add(0); }
const char *greet(void) { return "hello from the library"; }
"#;
const BASIC_MAIN: &str = r#"
#include <stdio.h>
extern int counter; int bump(void); const char *greet(void);
int main(void) { int b = bump(); printf("%s %d %d\n", greet(), b, counter); counter = 40; printf("%d\n", bump()); return counter - 41; }
"#;

const TLS_LIB: &str = r#"
__thread int tls_var = 7;
static __thread int tls_local = 100;
__thread char tls_buf[64];
int tls_next(void) { tls_local++; tls_buf[3] = 'x'; return ++tls_var + tls_local; }
int *tls_addr(void) { return &tls_var; }
"#;
const TLS_MAIN: &str = r#"
#include <stdio.h>
#include <pthread.h>
extern __thread int tls_var; int tls_next(void); int *tls_addr(void);
static void *worker(void *arg) { (void)arg; tls_var = 1000; printf("thread %d %d\n", tls_next(), tls_addr() == &tls_var); return 0; }
int main(void) {
  printf("main %d %d\n", tls_next(), tls_addr() == &tls_var);
  pthread_t t; pthread_create(&t, 0, worker, 0); pthread_join(t, 0);
  printf("main again %d %d\n", tls_next(), tls_var);
  return 0;
}
"#;

const INTERPOSE_LIB: &str = r#"
int hook(void) { return 1; }
int call_hook(void) { return hook() * 10; }
int value = 3;
int read_value(void) { return value; }
"#;
const INTERPOSE_MAIN: &str = r#"
#include <stdio.h>
int hook(void) { return 2; }
int value = 9;
int call_hook(void); int read_value(void);
int main(void) { printf("%d %d\n", call_hook(), read_value()); return 0; }
"#;

const FNPTR_LIB: &str = r#"
#include <stdio.h>
void target_fn(void) { puts("target"); }
void *lib_addr(void) { return (void *)target_fn; }
extern void prog_fn(void);
void *lib_sees_prog(void) { return (void *)prog_fn; }
"#;
const FNPTR_MAIN: &str = r#"
#include <stdio.h>
void target_fn(void); void *lib_addr(void); void *lib_sees_prog(void);
void prog_fn(void) {}
int main(void) { printf("%d %d\n", lib_addr() == (void *)target_fn, lib_sees_prog() == (void *)prog_fn); target_fn(); return 0; }
"#;

const WEAK_LIB: &str = r#"
#include <stdio.h>
extern int maybe(void) __attribute__((weak));
extern int maybe_data __attribute__((weak));
int probe(void) { return (maybe ? maybe() : -1) + (&maybe_data ? 100 : 0); }
"#;
const WEAK_MAIN: &str = r#"
#include <stdio.h>
int probe(void);
int main(void) { printf("%d\n", probe()); return 0; }
"#;

const CTOR_LIB: &str = r#"
#include <stdio.h>
static int ready;
__attribute__((constructor)) static void init(void) { ready = 42; puts("lib constructor"); }
__attribute__((destructor)) static void fini(void) { puts("lib destructor"); }
int is_ready(void) { return ready; }
"#;
const CTOR_MAIN: &str = r#"
#include <stdio.h>
int is_ready(void);
int main(void) { printf("ready %d\n", is_ready()); return 0; }
"#;

const CHAIN_DEP: &str = r#"
int dep_value(int x) { return x * 3; }
int dep_data = 11;
"#;
const CHAIN_LIB: &str = r#"
int dep_value(int x); extern int dep_data;
int chained(int x) { return dep_value(x) + dep_data; }
"#;
const CHAIN_MAIN: &str = r#"
#include <stdio.h>
int chained(int);
int main(void) { printf("%d\n", chained(5)); return 0; }
"#;

const INIT_FINI_LIB: &str = r#"
#include <stdio.h>
static int state;
void lib_init(void) { state = 7; puts("-init function"); }
void lib_fini(void) { puts("-fini function"); }
int lib_state(void) { return state; }
"#;
const INIT_FINI_MAIN: &str = r#"
#include <stdio.h>
int lib_state(void);
int main(void) { printf("state %d\n", lib_state()); return 0; }
"#;

const DLOPEN_LIB: &str = r#"
#include <stdio.h>
static int calls;
int plugin_entry(int x) { calls++; return x + calls; }
const char plugin_name[] = "a plugin";
"#;
const DLOPEN_MAIN: &str = r#"
#include <stdio.h>
#include <dlfcn.h>
int main(void) {
  void *h = dlopen("./libt.so", RTLD_NOW);
  if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
  int (*f)(int) = (int (*)(int))dlsym(h, "plugin_entry");
  const char *n = (const char *)dlsym(h, "plugin_name");
  printf("%d %d %s %p\n", f(1), f(1), n, dlsym(h, "helper_that_is_not_there"));
  return dlclose(h);
}
"#;

const CXX_LIB: &str = r#"
#include <stdexcept>
#include <string>
#include <vector>
struct Shape { virtual ~Shape() {} virtual double area() const = 0; };
struct Square : Shape { double s; Square(double s) : s(s) {} double area() const override { return s * s; } };
Shape *make_square(double s) { if (s < 0) throw std::invalid_argument("negative side"); return new Square(s); }
std::vector<std::string> words() { return {"alpha", "beta", "gamma"}; }
static thread_local int per_thread = 3;
int bump_thread() { return ++per_thread; }
"#;
const CXX_MAIN: &str = r#"
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>
#include <typeinfo>
struct Shape { virtual ~Shape() {} virtual double area() const = 0; };
Shape *make_square(double); std::vector<std::string> words(); int bump_thread();
int main() {
  Shape *s = make_square(3);
  std::printf("%g %s\n", s->area(), typeid(*s).name());
  delete s;
  try { make_square(-1); } catch (const std::invalid_argument &e) { std::printf("caught %s\n", e.what()); }
  for (auto &w : words()) std::printf("%s ", w.c_str());
  std::printf("%d %d\n", bump_thread(), bump_thread());
  return 0;
}
"#;

const IFUNC_LIB: &str = r#"
static int impl_a(int x) { return x + 1; }
static int impl_b(int x) { return x + 2; }
static void *resolve(void) { return (void *)impl_b; }
int picked(int) __attribute__((ifunc("resolve")));
void *picked_addr(void) { return (void *)picked; }
"#;
const IFUNC_MAIN: &str = r#"
#include <stdio.h>
int picked(int); void *picked_addr(void);
int main(void) { printf("%d %d\n", picked(40), picked_addr() == (void *)picked); return 0; }
"#;

const PROTECTED_LIB: &str = r#"
__attribute__((visibility("protected"))) int prot_fn(void) { return 5; }
int call_prot(void) { return prot_fn() * 2; }
"#;
const PROTECTED_MAIN: &str = r#"
#include <stdio.h>
int prot_fn(void); int call_prot(void);
int main(void) { printf("%d %d\n", prot_fn(), call_prot()); return 0; }
"#;

const DATA_LIB: &str = r#"
#include <string.h>
int table[16] = {1, 2, 3};
const char *names[] = {"zero", "one", "two"};
char message[32] = "library data";
int *table_ptr = &table[2];
void scribble(void) { table[5] = 55; strcpy(message, "changed"); }
"#;
const DATA_MAIN: &str = r#"
#include <stdio.h>
extern int table[16]; extern const char *names[]; extern char message[32]; extern int *table_ptr;
void scribble(void);
int main(void) { scribble(); printf("%d %d %s %s %d\n", table[2], table[5], names[1], message, *table_ptr); return 0; }
"#;

fn cases() -> Vec<Case> {
    vec![
        Case {
            lib_ldflags: &["-Wl,-soname,libt.so"],
            ..case("basic", BASIC_LIB, BASIC_MAIN)
        },
        Case {
            main_ldflags: &["-pthread"],
            ..case("tls_general_dynamic", TLS_LIB, TLS_MAIN)
        },
        Case {
            cflags: &["-ftls-model=initial-exec"],
            main_ldflags: &["-pthread"],
            ..case("tls_initial_exec", TLS_LIB, TLS_MAIN)
        },
        Case {
            cflags: &["-ftls-model=local-dynamic"],
            main_ldflags: &["-pthread"],
            ..case("tls_local_dynamic", TLS_LIB, TLS_MAIN)
        },
        Case {
            cflags: &["-mtls-dialect=gnu2"],
            main_ldflags: &["-pthread"],
            ..case("tls_descriptors", TLS_LIB, TLS_MAIN)
        },
        case("interposition", INTERPOSE_LIB, INTERPOSE_MAIN),
        Case {
            lib_ldflags: &["-Wl,-Bsymbolic"],
            ..case("bsymbolic", INTERPOSE_LIB, INTERPOSE_MAIN)
        },
        Case {
            lib_ldflags: &["-Wl,-Bsymbolic-functions"],
            ..case("bsymbolic_functions", INTERPOSE_LIB, INTERPOSE_MAIN)
        },
        Case {
            // A shared object's dynamic list: what it names stays interposable, the rest is
            // bound locally.
            dynamic_list: Some("{ value; };"),
            ..case("dynamic_list_binds_the_rest", INTERPOSE_LIB, INTERPOSE_MAIN)
        },
        Case {
            lib_ldflags: &["-Wl,--dynamic-list-data"],
            ..case("dynamic_list_data", INTERPOSE_LIB, INTERPOSE_MAIN)
        },
        Case {
            version_script: Some("{ global: greet; bump; counter; local: *; };"),
            ..case("version_script_scopes", BASIC_LIB, BASIC_MAIN)
        },
        Case {
            version_script: Some(
                "LIBT_1.0 { global: greet; counter; local: *; };\nLIBT_2.0 { global: bump; } LIBT_1.0;\n",
            ),
            ..case("version_script_named", BASIC_LIB, BASIC_MAIN)
        },
        Case {
            lib_ldflags: &["-Wl,-z,pack-relative-relocs"],
            main_ldflags: &["-Wl,-z,pack-relative-relocs", "-pie"],
            ..case("pack_relative_relocs", FNPTR_LIB, FNPTR_MAIN)
        },
        Case {
            lib_ldflags: &["-Wl,--default-symver"],
            ..case("default_symver", BASIC_LIB, BASIC_MAIN)
        },
        Case {
            lib_file: "lib.cpp",
            main_file: "main.cpp",
            version_script: Some(
                "{\n  global:\n    extern \"C++\" {\n      make_square*;\n      words*;\n      \"bump_thread()\";\n    };\n  local:\n    *;\n};\n",
            ),
            ..case("version_script_cxx", CXX_LIB, CXX_MAIN)
        },
        Case {
            archive: Some(HELPER_A),
            lib_ldflags: &["-Wl,--exclude-libs,libhelper.a"],
            ..case("exclude_libs_named", USES_HELPER_LIB, USES_HELPER_MAIN)
        },
        Case {
            archive: Some(HELPER_A),
            lib_ldflags: &["-Wl,--exclude-libs=ALL"],
            ..case("exclude_libs_all", USES_HELPER_LIB, USES_HELPER_MAIN)
        },
        Case {
            archive: Some(HELPER_A),
            ..case("archive_exported", USES_HELPER_LIB, USES_HELPER_MAIN)
        },
        case("function_pointers", FNPTR_LIB, FNPTR_MAIN),
        case("weak_undefined", WEAK_LIB, WEAK_MAIN),
        case("constructors", CTOR_LIB, CTOR_MAIN),
        Case {
            dep: Some(CHAIN_DEP),
            ..case("needed_chain", CHAIN_LIB, CHAIN_MAIN)
        },
        Case {
            // The program's DT_RUNPATH finds only its own needs: libdep.so is found through the
            // library's $ORIGIN.
            dep: Some(CHAIN_DEP),
            lib_ldflags: &["-Wl,-rpath,$ORIGIN", "-Wl,--enable-new-dtags"],
            main_ldflags: &["-Wl,--enable-new-dtags"],
            ..case("runpath_origin", CHAIN_LIB, CHAIN_MAIN)
        },
        Case {
            lib_ldflags: &["-Wl,-init=lib_init", "-Wl,-fini=lib_fini"],
            ..case("init_fini_options", INIT_FINI_LIB, INIT_FINI_MAIN)
        },
        Case {
            lib_ldflags: &[
                "-Wl,-z,initfirst",
                "-Wl,-z,interpose",
                "-Wl,-z,nodump",
                "-Wl,-z,origin",
                "-Wl,-z,nodelete",
                "-Wl,-z,nodlopen",
            ],
            ..case("dynamic_flags", BASIC_LIB, BASIC_MAIN)
        },
        Case {
            // libm is not used: --as-needed gives the library no DT_NEEDED for it.
            lib_ldflags: &["-Wl,--as-needed", "-lm", "-Wl,--no-as-needed"],
            ..case("as_needed_unused", BASIC_LIB, BASIC_MAIN)
        },
        Case {
            lib_arg: "-l:libt.so",
            ..case("colon_library_name", BASIC_LIB, BASIC_MAIN)
        },
        Case {
            main_ldflags: &["-ldl"],
            ..case("dlopen", DLOPEN_LIB, DLOPEN_MAIN)
        },
        Case {
            lib_file: "lib.cpp",
            main_file: "main.cpp",
            ..case("cxx_exceptions_vtables", CXX_LIB, CXX_MAIN)
        },
        case("ifunc", IFUNC_LIB, IFUNC_MAIN),
        case("protected", PROTECTED_LIB, PROTECTED_MAIN),
        case("data_and_copy_relocations", DATA_LIB, DATA_MAIN),
        Case {
            lib_ldflags: &["-Wl,-z,now", "-Wl,-z,nodelete"],
            ..case("bind_now", BASIC_LIB, BASIC_MAIN)
        },
    ]
}

fn driver(file: &str) -> &'static str {
    if file.ends_with(".cpp") { "g++" } else { "gcc" }
}

fn run(cmd: &mut Command) -> Result<common::Output, Failed> {
    run_ok(cmd, TIMEOUT).map_err(Failed::from)
}

/// `gcc`, with solder as its linker when `tools` is given, GNU ld otherwise.
fn cc(file: &str, tools: Option<&Path>) -> Command {
    let mut c = Command::new(driver(file));
    match tools {
        Some(t) => c.arg("-B").arg(t),
        None => c.arg("-fuse-ld=bfd"),
    };
    c
}

fn run_case(case: &Case, tools: &Path) -> Result<(), Failed> {
    let dir = scratch_dir().join("shared_libs").join(case.name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let write = |name: &str, text: &str| -> Result<PathBuf, Failed> {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| e.to_string())?;
        Ok(p)
    };
    let compile = |src: &Path, pic: bool| -> Result<PathBuf, Failed> {
        let obj = src.with_extension("o");
        let name = src.to_string_lossy().into_owned();
        let mut c = Command::new(driver(&name));
        c.arg("-c")
            .arg("-O1")
            .args(case.cflags)
            .arg(src)
            .arg("-o")
            .arg(&obj);
        if pic {
            c.arg("-fPIC");
        }
        run(&mut c)?;
        Ok(obj)
    };
    let lib_obj = compile(&write(case.lib_file, case.lib)?, true)?;
    let main_obj = compile(&write(case.main_file, case.main)?, false)?;
    let helper = match case.archive {
        Some(src) => {
            let obj = compile(&write("helper.c", src)?, true)?;
            let a = dir.join("libhelper.a");
            run(Command::new("ar").arg("rcs").arg(&a).arg(&obj))?;
            Some(a)
        }
        None => None,
    };
    let dep_obj = match case.dep {
        Some(src) => Some(compile(&write("dep.c", src)?, true)?),
        None => None,
    };

    // Libraries by each linker, in their own directories, under the same names.
    let mut libs = Vec::new();
    for (tag, t) in [("ld", None), ("solder", Some(tools))] {
        let ldir = dir.join(format!("lib-{tag}"));
        std::fs::create_dir_all(&ldir).map_err(|e| e.to_string())?;
        if let Some(dep) = &dep_obj {
            let mut c = cc("dep.c", t);
            c.arg("-shared")
                .arg(dep)
                .arg("-o")
                .arg(ldir.join("libdep.so"));
            c.arg("-Wl,-soname,libdep.so");
            run(&mut c)?;
        }
        let mut c = cc(case.lib_file, t);
        c.arg("-shared")
            .arg(&lib_obj)
            .arg("-o")
            .arg(ldir.join("libt.so"));
        if let Some(a) = &helper {
            c.arg(a);
        }
        c.args(case.lib_ldflags);
        if let Some(text) = case.dynamic_list {
            let list = write("lib.list", text)?;
            c.arg(format!("-Wl,--dynamic-list={}", list.display()));
        }
        if let Some(text) = case.version_script {
            let map = write("lib.map", text)?;
            c.arg(format!("-Wl,--version-script={}", map.display()));
            c.arg("-Wl,--no-undefined-version");
        }
        if dep_obj.is_some() {
            c.arg("-L").arg(&ldir).arg("-ldep");
        }
        run(&mut c)?;
        libs.push((tag, ldir));
    }

    // Programs by each linker against each library; the all-GNU-ld one is the reference.
    let mut reference: Option<common::Output> = None;
    for (ltag, ldir) in &libs {
        for (ptag, t) in [("ld", None), ("solder", Some(tools))] {
            let exe = dir.join(format!("prog-{ptag}-with-{ltag}-lib"));
            let mut c = cc(case.main_file, t);
            c.arg(&main_obj).arg("-o").arg(&exe);
            c.args(case.main_ldflags);
            if case.name != "dlopen" {
                c.arg("-L").arg(ldir).arg(case.lib_arg);
            }
            c.arg(format!("-Wl,-rpath,{}", ldir.display()));
            run(&mut c)?;
            let mut r = Command::new(&exe);
            r.current_dir(ldir);
            let out = run_with_timeout(&mut r, TIMEOUT).map_err(Failed::from)?;
            match &reference {
                None => reference = Some(out),
                Some(want) => {
                    if let Some(d) = compare_runs(&out, want, 2000) {
                        return Err(format!(
                            "program by {ptag} with library by {ltag} differs from the GNU ld build:\n{d}\n(files kept in {})",
                            dir.display()
                        )
                        .into());
                    }
                }
            }
        }
    }
    compare_library_facts(&libs[0].1.join("libt.so"), &libs[1].1.join("libt.so"))
}

const VER1_LIB: &str = r#"
int foo(void) { return 1; }
int bar(void) { return 10; }
"#;
const VER1_MAP: &str = "V1 { global: foo; bar; local: *; };";
/// Version 2 keeps the old foo as foo@V1 and adds the new default foo@@V2; baz is new in V2.
const VER2_LIB: &str = r#"
#include <stdio.h>
int foo_old(void) { return 1; }
void say(const char *s) { puts(s); }
int foo_new(void) { return 2; }
__asm__(".symver foo_old, foo@V1");
__asm__(".symver foo_new, foo@@V2");
int bar(void) { return 10; }
int baz(void) { return 100; }
int internal_only(void) { return 5; }
"#;
const VER2_MAP: &str = "V1 { global: foo; bar; local: *; };\nV2 { global: foo; baz; say; } V1;";
const VER_MAIN: &str = r#"
#include <stdio.h>
int foo(void), bar(void);
int main(void) { printf("foo %d bar %d\n", foo(), bar()); return 0; }
"#;

/// Symbol versions across a library upgrade: programs linked (by either linker) against version 1
/// of a library keep calling the old `foo` when run with version 2 (by either linker), which adds a
/// new default `foo@@V2` beside `foo@V1`; programs linked against version 2 call the new one. The
/// version definitions and versioned exports of version 2 match GNU ld's, and so do the version
/// needs each program records.
fn symbol_versions_across_upgrade(tools: &Path) -> Result<(), Failed> {
    let dir = scratch_dir().join("shared_libs").join("symbol_versions");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let write = |name: &str, text: &str| -> Result<PathBuf, Failed> {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| e.to_string())?;
        Ok(p)
    };
    let obj = |src: &Path, pic: bool| -> Result<PathBuf, Failed> {
        let o = src.with_extension("o");
        let mut c = Command::new("gcc");
        c.args(["-c", "-O1"]).arg(src).arg("-o").arg(&o);
        if pic {
            c.arg("-fPIC");
        }
        run(&mut c)?;
        Ok(o)
    };
    let v1 = obj(&write("v1.c", VER1_LIB)?, true)?;
    let v2 = obj(&write("v2.c", VER2_LIB)?, true)?;
    let main = obj(&write("main.c", VER_MAIN)?, false)?;
    let (map1, map2) = (write("v1.map", VER1_MAP)?, write("v2.map", VER2_MAP)?);
    let linkers = [("ld", None), ("solder", Some(tools))];
    let library = |o: &Path, map: &Path, out: &Path, t: Option<&Path>| -> Result<(), Failed> {
        std::fs::create_dir_all(out.parent().unwrap()).map_err(|e| e.to_string())?;
        let mut c = cc("lib.c", t);
        c.arg("-shared").arg(o).arg("-o").arg(out);
        c.arg("-Wl,-soname,libver.so")
            .arg(format!("-Wl,--version-script={}", map.display()));
        run(&mut c).map(|_| ())
    };
    let program = |lib_dir: &Path, out: &Path, t: Option<&Path>| -> Result<(), Failed> {
        let mut c = cc("main.c", t);
        c.arg(&main)
            .arg("-o")
            .arg(out)
            .arg("-L")
            .arg(lib_dir)
            .arg("-lver");
        run(&mut c).map(|_| ())
    };
    let run_with = |exe: &Path, lib_dir: &Path| -> Result<String, Failed> {
        let mut r = Command::new(exe);
        r.env("LD_LIBRARY_PATH", lib_dir);
        let out = run_with_timeout(&mut r, TIMEOUT).map_err(Failed::from)?;
        if !out.status.success() {
            return Err(format!("{} failed: {:?}", exe.display(), out.status).into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let needs = |exe: &Path| -> Result<Vec<String>, Failed> {
        let v = run(Command::new("readelf").arg("-VW").arg(exe))?;
        let text = String::from_utf8_lossy(&v.stdout).into_owned();
        let mut needs: Vec<String> = text
            .lines()
            // `Name: V1  Flags: none  Version: 4`: the index depends on the other libraries'
            // versions numbered before it, so only the name and flags are facts.
            .filter_map(|l| {
                l.find("Name: V").map(|p| {
                    l[p..]
                        .split_whitespace()
                        .take(4)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
            })
            .collect();
        needs.sort();
        Ok(needs)
    };
    for (ltag, lt) in linkers {
        let v1dir = dir.join(format!("v1-{ltag}"));
        library(&v1, &map1, &v1dir.join("libver.so"), lt)?;
        let v2dir = dir.join(format!("v2-{ltag}"));
        library(&v2, &map2, &v2dir.join("libver.so"), lt)?;
    }
    compare_library_facts(
        &dir.join("v2-ld/libver.so"),
        &dir.join("v2-solder/libver.so"),
    )?;
    for (ltag, _) in linkers {
        let (v1dir, v2dir) = (
            dir.join(format!("v1-{ltag}")),
            dir.join(format!("v2-{ltag}")),
        );
        let mut want_needs: Option<(Vec<String>, Vec<String>)> = None;
        for (ptag, pt) in linkers {
            let old = dir.join(format!("old-{ptag}-{ltag}"));
            let new = dir.join(format!("new-{ptag}-{ltag}"));
            program(&v1dir, &old, pt)?;
            program(&v2dir, &new, pt)?;
            for (exe, lib_dir, want) in [
                (&old, &v1dir, "foo 1 bar 10\n"),
                (&new, &v2dir, "foo 2 bar 10\n"),
            ] {
                let got = run_with(exe, lib_dir)?;
                if got != want {
                    return Err(format!("{} printed {got:?}, want {want:?}", exe.display()).into());
                }
            }
            // The upgrade: every old program, run with every linker's version 2.
            for (l2, _) in linkers {
                let got = run_with(&old, &dir.join(format!("v2-{l2}")))?;
                if got != "foo 1 bar 10\n" {
                    return Err(format!(
                        "{} (linked against version 1) run with {l2}'s version 2 printed {got:?}: it must keep the old foo",
                        old.display()
                    )
                    .into());
                }
            }
            let got_needs = (needs(&old)?, needs(&new)?);
            match &want_needs {
                None => want_needs = Some(got_needs),
                Some(w) if *w != got_needs => {
                    return Err(format!(
                        "version needs of the programs by {ptag} with {ltag}'s library differ from GNU ld's: {got_needs:?} vs {w:?}"
                    )
                    .into());
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

const NON_WEAK_LIB: &str = r#"
int hook(void) { return 1; }
__attribute__((weak)) int weak_hook(void) { return 1; }
int value = 1;
__attribute__((weak)) int weak_value = 1;
int calls(void) { return hook() * 1000 + weak_hook() * 100 + value * 10 + weak_value; }
"#;
const NON_WEAK_MAIN: &str = r#"
#include <stdio.h>
int hook(void) { return 2; }
int weak_hook(void) { return 2; }
int value = 2;
int weak_value = 2;
int calls(void);
int main(void) { printf("%d\n", calls()); return 0; }
"#;

/// `-Bsymbolic-non-weak` and `-Bsymbolic-non-weak-functions` (GNU ld 2.40 lacks them; lld 19 has
/// them): a library's own references to its strong definitions (all of them, or functions only)
/// are bound locally, while weak ones stay interposable by the program's. The library by solder
/// and by lld, the program by GNU ld: both print the same, and each option binds what it must.
fn bsymbolic_non_weak(tools: &Path) -> Result<(), Failed> {
    let dir = scratch_dir().join("shared_libs").join("bsymbolic_non_weak");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let lld_tools = dir.join("lld-tools");
    std::fs::create_dir_all(&lld_tools).map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink("/usr/bin/ld.lld-19", lld_tools.join("ld"))
        .map_err(|e| e.to_string())?;
    let write = |name: &str, text: &str| -> Result<PathBuf, Failed> {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| e.to_string())?;
        Ok(p)
    };
    let lib_obj = dir.join("lib.o");
    run(Command::new("gcc")
        .args(["-c", "-O1", "-fPIC"])
        .arg(write("lib.c", NON_WEAK_LIB)?)
        .arg("-o")
        .arg(&lib_obj))?;
    let main_obj = dir.join("main.o");
    run(Command::new("gcc")
        .args(["-c", "-O1"])
        .arg(write("main.c", NON_WEAK_MAIN)?)
        .arg("-o")
        .arg(&main_obj))?;
    // hook*1000 + weak_hook*100 + value*10 + weak_value, 1 where the library's own is used.
    for (flag, want) in [
        ("-Bsymbolic-non-weak", "1212\n"),
        ("-Bsymbolic-non-weak-functions", "1222\n"),
    ] {
        for (tag, t) in [("lld", lld_tools.as_path()), ("solder", tools)] {
            let ldir = dir.join(format!("{flag}-{tag}"));
            std::fs::create_dir_all(&ldir).map_err(|e| e.to_string())?;
            run(Command::new("gcc")
                .arg(format!("-B{}", t.display()))
                .arg("-shared")
                .arg(&lib_obj)
                .arg(format!("-Wl,{flag}"))
                .arg("-o")
                .arg(ldir.join("libt.so")))?;
            let exe = ldir.join("prog");
            run(Command::new("gcc")
                .arg("-fuse-ld=bfd")
                .arg(&main_obj)
                .arg("-L")
                .arg(&ldir)
                .arg("-lt")
                .arg(format!("-Wl,-rpath,{}", ldir.display()))
                .arg("-o")
                .arg(&exe))?;
            let out = run_with_timeout(&mut Command::new(&exe), TIMEOUT).map_err(Failed::from)?;
            let got = String::from_utf8_lossy(&out.stdout);
            if got != want {
                return Err(format!(
                    "library by {tag} with {flag}: printed {got:?}, want {want:?}"
                )
                .into());
            }
        }
    }
    Ok(())
}

/// The DT_NEEDED entries of `file`, in order.
fn needed(file: &Path) -> Result<Vec<String>, Failed> {
    let d = run(Command::new("readelf").arg("-dW").arg(file))?;
    Ok(String::from_utf8_lossy(&d.stdout)
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .map(|l| l.rsplit(')').next().unwrap_or("").trim().to_string())
        .collect())
}

/// How libraries are named in DT_NEEDED and when two inputs are one library, against GNU ld: a
/// soname wins; without one, the base name of what `-l` found, else the path as written (a
/// linker script's relative names are looked up beside the script first). A later library with
/// a name already loaded is ignored (two copies with one soname, one file under two names via
/// `-lfoo` and a path); one soname-less file under two paths is two libraries.
fn library_names_as_gnu_ld(tools: &Path) -> Result<(), Failed> {
    let dir = scratch_dir().join("shared_libs").join("library_names");
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["a", "b", "c"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| e.to_string())?;
    }
    let write = |name: &str, text: &str| -> Result<PathBuf, Failed> {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| e.to_string())?;
        Ok(p)
    };
    let source = write("foo.c", "int foo(void) { return 42; }\n")?;
    for (lib, soname) in [("a/libfoo.so.1", true), ("a/libns.so", false)] {
        let mut c = cc("foo.c", None);
        c.args(["-shared", "-fPIC", "-O1"]);
        if soname {
            c.arg("-Wl,-soname,libfoo.so.1");
        }
        run(c.arg(&source).arg("-o").arg(dir.join(lib)))?;
    }
    for (from, to) in [
        ("a/libfoo.so.1", "b/libfoo.so.1"),
        ("a/libns.so", "b/libns.so"),
    ] {
        std::fs::copy(dir.join(from), dir.join(to)).map_err(|e| e.to_string())?;
    }
    std::os::unix::fs::symlink("libfoo.so.1", dir.join("a/libfoo.so"))
        .map_err(|e| e.to_string())?;
    write("group.ld", "GROUP ( a/libns.so )\n")?;
    write("c/elsewhere.ld", "INPUT ( a/libns.so )\n")?;
    write("a/beside.ld", "INPUT ( libns.so )\n")?;
    write("search.ld", "INPUT ( -lns )\n")?;
    let main = write(
        "main.c",
        "#include <stdio.h>\nint foo(void);\nint main(void) { printf(\"%d\\n\", foo()); return 0; }\n",
    )?;
    // A program that references nothing in the libraries: --as-needed decides their entries.
    let idle = write(
        "idle.c",
        "#include <stdio.h>\nint main(void) { puts(\"42\"); return 0; }\n",
    )?;
    let abs = dir.join("a/libns.so").display().to_string();
    let (uses, none) = (&main, &idle);
    let cases: &[(&PathBuf, &[&str])] = &[
        (uses, &["-lfoo", "a/libfoo.so.1"]),
        (uses, &["a/libfoo.so.1", "b/libfoo.so.1"]),
        (uses, &["a/libns.so", "b/libns.so"]),
        (uses, &["a/libns.so", "./a/libns.so"]),
        (uses, &["a/libns.so", "a/libns.so"]),
        (uses, &["-lns", "a/libns.so"]),
        (uses, &["-l:libns.so"]),
        (uses, &[&abs]),
        (uses, &["group.ld"]),
        (uses, &["c/elsewhere.ld"]),
        (uses, &["a/beside.ld"]),
        (uses, &["search.ld"]),
        // A library mentioned again without --as-needed is needed, under either name.
        (
            none,
            &[
                "-Wl,--as-needed",
                "a/libfoo.so.1",
                "-Wl,--no-as-needed",
                "b/libfoo.so.1",
            ],
        ),
        (
            none,
            &[
                "-Wl,--as-needed",
                "a/libns.so",
                "-Wl,--no-as-needed",
                "a/libns.so",
            ],
        ),
        (
            none,
            &[
                "-Wl,--no-as-needed",
                "a/libfoo.so.1",
                "-Wl,--as-needed",
                "b/libfoo.so.1",
            ],
        ),
        (none, &["-Wl,--as-needed", "a/libfoo.so.1", "b/libfoo.so.1"]),
    ];
    for (k, (source, libs)) in cases.iter().enumerate() {
        let mut lists = Vec::new();
        for (tag, t) in [("GNU ld", None), ("solder", Some(tools))] {
            let exe = dir.join(format!("prog{k}-{}", tag.replace(' ', "-")));
            run(cc("main.c", t)
                .current_dir(&dir)
                .arg(source)
                // Without --as-needed (gcc here passes it): otherwise a second name would get
                // no entry however it is treated.
                .args(["-Wl,--no-as-needed", "-La"])
                .args(*libs)
                .arg("-o")
                .arg(&exe))?;
            let out = run_with_timeout(
                Command::new(&exe)
                    .current_dir(&dir)
                    .env("LD_LIBRARY_PATH", dir.join("a")),
                TIMEOUT,
            )
            .map_err(Failed::from)?;
            if out.stdout != b"42\n" {
                return Err(
                    format!("{libs:?}: program linked by {tag} printed {:?}", out.stdout).into(),
                );
            }
            lists.push((tag, needed(&exe)?));
        }
        if lists[0].1 != lists[1].1 {
            return Err(format!("{libs:?}: DT_NEEDED differ: {lists:?}").into());
        }
    }
    Ok(())
}

/// What `readelf` shows of how a library is loaded and what it exports, without addresses.
fn library_facts(lib: &Path) -> Result<Vec<String>, Failed> {
    let mut facts = Vec::new();
    let d = run(Command::new("readelf").arg("-dW").arg(lib))?;
    for line in String::from_utf8_lossy(&d.stdout).lines() {
        let Some(tag) = line.split('(').nth(1).and_then(|t| t.split(')').next()) else {
            continue;
        };
        let value = line.rsplit(')').next().unwrap_or("").trim();
        match tag {
            "NEEDED" | "SONAME" | "RPATH" | "RUNPATH" | "FLAGS" | "FLAGS_1" => {
                facts.push(format!("{tag} {value}"))
            }
            "TEXTREL" | "BIND_NOW" | "SYMBOLIC" | "RELR" | "INIT" | "FINI" => {
                facts.push(tag.to_string())
            }
            _ => {}
        }
    }
    // Version definitions (readelf -V): flags, index, count, name and parents; not offsets.
    let v = run(Command::new("readelf").arg("-VW").arg(lib))?;
    let mut in_verdef = false;
    for line in String::from_utf8_lossy(&v.stdout).lines() {
        if line.starts_with("Version") {
            in_verdef = line.contains(".gnu.version_d");
        } else if in_verdef && let Some(p) = line.find("Rev:") {
            facts.push(format!(
                "verdef {}",
                line[p..].split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        } else if in_verdef && let Some(p) = line.find("Parent") {
            facts.push(format!("verdef {}", line[p..].trim()));
        }
    }
    let s = run(Command::new("readelf").arg("--dyn-syms").arg("-W").arg(lib))?;
    let mut syms: Vec<String> = String::from_utf8_lossy(&s.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // Num: Value Size Type Bind Vis Ndx Name; imports by name and version (readelf
            // prints `name@VERSION` from the version index, so a clash of defined and needed
            // indices shows), definitions with their type, binding and visibility.
            if f.len() < 8 || !f[0].ends_with(':') || f[6] == "Ndx" || f[7].is_empty() {
                return None;
            }
            Some(if f[6] == "UND" {
                format!("und {}", f[7])
            } else {
                format!("sym {} {} {} {}", f[7], f[3], f[4], f[5])
            })
        })
        .collect();
    syms.sort();
    facts.extend(syms);
    Ok(facts)
}

fn compare_library_facts(gnu: &Path, solder: &Path) -> Result<(), Failed> {
    // Facts, not their order (dynamic tags come in each linker's own order).
    let (mut want, mut got) = (library_facts(gnu)?, library_facts(solder)?);
    want.sort();
    got.sort();
    if want != got {
        let missing: Vec<_> = want.iter().filter(|f| !got.contains(f)).collect();
        let extra: Vec<_> = got.iter().filter(|f| !want.contains(f)).collect();
        return Err(format!(
            "readelf facts of the library differ from GNU ld's: missing {missing:?}, extra {extra:?}"
        )
        .into());
    }
    Ok(())
}

const PY_EXT: &str = r#"
#define PY_SSIZE_T_CLEAN
#include <Python.h>
static PyObject *counter;
static PyObject *add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
    return PyLong_FromLong(a + b);
}
static PyObject *fail(PyObject *self, PyObject *args) {
    PyErr_SetString(PyExc_ValueError, "raised in the extension");
    return NULL;
}
static PyObject *count(PyObject *self, PyObject *args) {
    PyObject *one = PyLong_FromLong(1);
    PyObject *n = PyNumber_Add(counter, one);
    Py_DECREF(one); Py_DECREF(counter); counter = n;
    Py_INCREF(n); return n;
}
static PyMethodDef methods[] = {
    {"add", add, METH_VARARGS, "add two ints"},
    {"fail", fail, METH_NOARGS, "raise"},
    {"count", count, METH_NOARGS, "count calls"},
    {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "solderext", NULL, -1, methods};
PyMODINIT_FUNC PyInit_solderext(void) { counter = PyLong_FromLong(0); return PyModule_Create(&module); }
"#;

const PY_SCRIPT: &str = r#"
import solderext
print(solderext.add(40, 2), solderext.count(), solderext.count(), solderext.add.__doc__)
try:
    solderext.fail()
except ValueError as e:
    print("caught", e)
"#;

/// A Python extension module built with a plain `gcc -shared`, imported and run by python3: by
/// solder and by GNU ld, same output.
fn python_extension(tools: &Path) -> Result<(), Failed> {
    let dir = scratch_dir().join("shared_libs").join("python_extension");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let inc = run(Command::new("python3-config").arg("--includes"))?;
    let inc = String::from_utf8_lossy(&inc.stdout).into_owned();
    let src = dir.join("solderext.c");
    std::fs::write(&src, PY_EXT).map_err(|e| e.to_string())?;
    let obj = dir.join("solderext.o");
    run(Command::new("gcc")
        .args(["-c", "-O2", "-fPIC"])
        .args(inc.split_whitespace())
        .arg(&src)
        .arg("-o")
        .arg(&obj))?;
    let mut outputs = Vec::new();
    for (tag, t) in [("ld", None), ("solder", Some(tools))] {
        let mdir = dir.join(tag);
        std::fs::create_dir_all(&mdir).map_err(|e| e.to_string())?;
        let mut c = cc("solderext.c", t);
        c.arg("-shared")
            .arg(&obj)
            .arg("-o")
            .arg(mdir.join("solderext.so"));
        run(&mut c)?;
        let mut py = Command::new("python3");
        py.arg("-c").arg(PY_SCRIPT).env("PYTHONPATH", &mdir);
        outputs.push(run_with_timeout(&mut py, TIMEOUT).map_err(Failed::from)?);
    }
    if !outputs[0].success() {
        return Err(format!(
            "the GNU ld build does not import: {}",
            String::from_utf8_lossy(&outputs[0].stderr)
        )
        .into());
    }
    match compare_runs(&outputs[1], &outputs[0], 2000) {
        Some(d) => Err(format!("the extension linked by solder differs:\n{d}").into()),
        None => Ok(()),
    }
}

fn main() {
    let args = Arguments::from_args();
    let tools = Arc::new(make_tool_dir("shared-libs-tools", &linker_under_test()));
    if let Err(e) = check_tool_dir(&tools) {
        panic!("{e}");
    }
    let trials = cases()
        .into_iter()
        .map(|c| {
            let tools = Arc::clone(&tools);
            Trial::test(c.name, move || run_case(&c, &tools))
        })
        .chain([
            {
                let tools = Arc::clone(&tools);
                Trial::test("python_extension", move || python_extension(&tools))
            },
            {
                let tools = Arc::clone(&tools);
                Trial::test("bsymbolic_non_weak", move || bsymbolic_non_weak(&tools))
            },
            {
                let tools = Arc::clone(&tools);
                Trial::test("library_names_as_gnu_ld", move || {
                    library_names_as_gnu_ld(&tools)
                })
            },
            {
                let tools = Arc::clone(&tools);
                Trial::test("symbol_versions_across_upgrade", move || {
                    symbol_versions_across_upgrade(&tools)
                })
            },
        ])
        .collect();
    common::harness::run(&args, trials).exit();
}
