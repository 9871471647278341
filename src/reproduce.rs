//! `--reproduce=FILE.tar`: every file the link reads and its command line, in one tar, so that a
//! bug can be reported and replayed elsewhere.
//!
//! The tar holds `NAME/response.txt`, `NAME/version.txt` and each input at `NAME/<its absolute
//! path>` (lexically normalised, so no entry is absolute or has a `..` component, and unpacking
//! cannot write outside `NAME/`). The response file names every input, library directory and
//! sysroot by its relative path in the tar, and adds `--sysroot=.` when the link had none, so that
//! absolute paths in linker scripts (`libc.so`'s `GROUP ( /lib/... )`) and the default library
//! directories also resolve inside the tar: `solder @response.txt` run in the unpacked `NAME/`
//! reads nothing from the host and writes a byte-identical output.

use crate::args::{Config, PathKind, VERSION_LINE};
use crate::error::Result;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Writes the reproducer for a link that read `opened` (plus the files named on the command line).
pub fn write(cfg: &Config, opened: &[PathBuf], tar_path: &Path) -> Result<()> {
    let cwd = std::env::current_dir()?;
    let prefix = tar_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "repro".into());

    // A file that could not be opened (the link's error) has nothing to capture.
    let mut files: BTreeSet<PathBuf> = opened
        .iter()
        .filter(|p| p.is_file())
        .map(|p| in_tar(&cwd, p))
        .collect();
    for ap in &cfg.arg_paths {
        if ap.kind == PathKind::Input {
            let p = Path::new(&cfg.argv[ap.index][ap.offset..]);
            if p.is_file() {
                files.insert(in_tar(&cwd, p));
            }
        }
    }
    let response = response_file(cfg, &cwd);

    let (tmp, file) = crate::output::create_temp(tar_path)?;
    let mut guard = TempGuard(Some(tmp.clone()));
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let fail =
        |e: std::io::Error| crate::err!("--reproduce: cannot write {}: {e}", tar_path.display());
    add_entry(
        &mut w,
        &format!("{prefix}/response.txt"),
        response.as_bytes(),
    )
    .map_err(fail)?;
    let version = format!("{VERSION_LINE}\n");
    add_entry(&mut w, &format!("{prefix}/version.txt"), version.as_bytes()).map_err(fail)?;
    for rel in &files {
        let src = Path::new("/").join(rel);
        let data = std::fs::read(&src)
            .map_err(|e| crate::err!("--reproduce: cannot read {}: {e}", src.display()))?;
        add_entry(&mut w, &format!("{prefix}/{}", rel.display()), &data).map_err(fail)?;
    }
    // Two zero blocks end the archive.
    w.write_all(&[0u8; 1024]).map_err(fail)?;
    let file = w.into_inner().map_err(|e| fail(e.into_error()))?;
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .map_err(fail)?;
    std::fs::rename(&tmp, tar_path).map_err(fail)?;
    guard.0 = None;
    Ok(())
}

/// Removes the half-written tar if writing fails.
struct TempGuard(Option<PathBuf>);

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Where a file or directory named `p` (relative to `cwd`) goes in the tar: its absolute path,
/// normalised without resolving symlinks (a script's `/lib/...` must land where the script names
/// it, even where `/lib` links to `/usr/lib`), without the leading `/`.
fn in_tar(cwd: &Path, p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::ParentDir => {
                out.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    out
}

/// The command line with every path rewritten to its place in the tar.
fn response_file(cfg: &Config, cwd: &Path) -> String {
    let mut args: Vec<Option<String>> = cfg.argv.iter().cloned().map(Some).collect();
    for ap in &cfg.arg_paths {
        let Some(arg) = args[ap.index].take() else {
            continue;
        };
        let (head, value) = arg.split_at(ap.offset);
        let rewritten = match ap.kind {
            PathKind::Input => Some(tar_relative(cwd, value)),
            PathKind::Dirs => Some(
                value
                    .split(':')
                    .map(|d| {
                        if d.starts_with('=') || d.is_empty() {
                            d.to_string()
                        } else {
                            tar_relative(cwd, d)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(":"),
            ),
            PathKind::Output => Some(
                Path::new(value)
                    .file_name()
                    .map_or_else(|| "a.out".into(), |n| n.to_string_lossy().into_owned()),
            ),
            PathKind::Reproduce => {
                // `--reproduce X` is two words; `--reproduce=X` one.
                if ap.offset == 0 && ap.index > 0 {
                    args[ap.index - 1] = None;
                }
                None
            }
        };
        args[ap.index] = rewritten.map(|r| format!("{head}{r}"));
    }
    let mut lines: Vec<String> = args.into_iter().flatten().map(|a| quote(&a)).collect();
    if cfg.sysroot.is_none() {
        lines.insert(0, "--sysroot=.".into());
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

fn tar_relative(cwd: &Path, p: &str) -> String {
    let r = in_tar(cwd, Path::new(p));
    if r.as_os_str().is_empty() {
        ".".into()
    } else {
        r.display().to_string()
    }
}

/// Quotes an argument for a response file when it needs it.
fn quote(a: &str) -> String {
    if !a.is_empty()
        && a.chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '\\'))
    {
        return a.to_string();
    }
    let mut s = String::from("\"");
    for c in a.chars() {
        if matches!(c, '"' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

/// One regular file in ustar format; a name too long for the header goes in a PAX record first.
fn add_entry(w: &mut impl Write, name: &str, data: &[u8]) -> std::io::Result<()> {
    if name.len() > 100 {
        let mut rec = String::new();
        let body = format!(" path={name}\n");
        // The record's length counts its own digits.
        let mut len = body.len() + 1;
        while (len.to_string().len() + body.len()) != len {
            len = len.to_string().len() + body.len();
        }
        rec.push_str(&len.to_string());
        rec.push_str(&body);
        header(w, "././@PaxHeader", rec.len() as u64, b'x')?;
        w.write_all(rec.as_bytes())?;
        pad(w, rec.len() as u64)?;
        let short: String = name
            .chars()
            .rev()
            .take(99)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        header(w, &short, data.len() as u64, b'0')?;
    } else {
        header(w, name, data.len() as u64, b'0')?;
    }
    w.write_all(data)?;
    pad(w, data.len() as u64)
}

fn pad(w: &mut impl Write, len: u64) -> std::io::Result<()> {
    let rem = (512 - len % 512) % 512;
    w.write_all(&vec![0u8; rem as usize])
}

fn header(w: &mut impl Write, name: &str, size: u64, kind: u8) -> std::io::Result<()> {
    let mut h = [0u8; 512];
    let n = name.as_bytes();
    let n = &n[..n.len().min(100)];
    h[..n.len()].copy_from_slice(n);
    let octal = |h: &mut [u8], v: u64, width: usize| {
        let s = format!("{v:0w$o}", w = width - 1);
        h[..width - 1].copy_from_slice(&s.as_bytes()[s.len() - (width - 1)..]);
    };
    octal(&mut h[100..108], 0o644, 8);
    octal(&mut h[108..116], 0, 8);
    octal(&mut h[116..124], 0, 8);
    if size < 1 << 33 {
        octal(&mut h[124..136], size, 12);
    } else {
        // GNU's base-256 size for files of 8 GiB and more.
        h[124] = 0x80;
        h[128..136].copy_from_slice(&size.to_be_bytes());
    }
    octal(&mut h[136..148], 0, 12);
    h[156] = kind;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&b| b as u32).sum();
    let s = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(s.as_bytes());
    w.write_all(&h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tar_paths_are_relative_and_normalised() {
        let cwd = Path::new("/home/u/build");
        assert_eq!(
            in_tar(cwd, Path::new("a.o")),
            PathBuf::from("home/u/build/a.o")
        );
        assert_eq!(
            in_tar(cwd, Path::new("../../../../x/./y.o")),
            PathBuf::from("x/y.o")
        );
        assert_eq!(
            in_tar(
                cwd,
                Path::new("/usr/lib/gcc/x86_64-linux-gnu/12/../../../crt1.o")
            ),
            PathBuf::from("usr/lib/crt1.o")
        );
    }

    #[test]
    fn long_names_get_a_pax_record() {
        let mut v = Vec::new();
        let name = format!("repro/{}", "d/".repeat(80)) + "f.o";
        add_entry(&mut v, &name, b"abc").unwrap();
        assert_eq!(v[156], b'x');
        let rec = std::str::from_utf8(&v[512..]).unwrap();
        let (len, rest) = rec.split_once(' ').unwrap();
        let len: usize = len.parse().unwrap();
        assert_eq!(&rec[len - 1..len], "\n");
        assert!(rest.starts_with(&format!("path={name}\n")));
    }
}
