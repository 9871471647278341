//! The part of the GNU ld script language that Linux distributions put in `libc.so`, `libm.so` and
//! friends: `GROUP`, `INPUT`, `AS_NEEDED`, `OUTPUT_FORMAT`, `OUTPUT_ARCH`, `SEARCH_DIR`, `ENTRY`.
//! Any other command is reported by name as not supported.

use crate::bail;
use crate::error::Result;
use std::path::PathBuf;

pub struct ScriptInput {
    pub name: String,
    pub as_needed: bool,
}

#[derive(Default)]
pub struct Script {
    pub inputs: Vec<ScriptInput>,
    pub search_dirs: Vec<PathBuf>,
    pub entry: Option<String>,
}

/// A text file that starts (after comments and blanks) with an identifier is treated as a script.
pub fn looks_like_script(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(&data[..data.len().min(4096)]) else {
        // Could be a multi-byte sequence cut at 4096; accept if the rest is plausible text.
        return data
            .iter()
            .take(4096)
            .all(|&b| b == b'\n' || b == b'\t' || b >= 0x20);
    };
    let Ok(toks) = tokenize("", text) else {
        return false;
    };
    matches!(toks.first(), Some(t) if t.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_'))
}

fn tokenize(name: &str, text: &str) -> Result<Vec<String>> {
    let mut toks = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            match text[i + 2..].find("*/") {
                Some(end) => i = i + 2 + end + 2,
                None => bail!("{name}: unterminated comment in linker script"),
            }
        } else if matches!(c, b'(' | b')' | b',' | b';' | b'{' | b'}' | b'=') {
            toks.push((c as char).to_string());
            i += 1;
        } else if c == b'"' {
            match text[i + 1..].find('"') {
                Some(end) => {
                    toks.push(text[i + 1..i + 1 + end].to_string());
                    i = i + 1 + end + 1;
                }
                None => bail!("{name}: unterminated string in linker script"),
            }
        } else {
            let start = i;
            while i < b.len()
                && !b[i].is_ascii_whitespace()
                && !matches!(b[i], b'(' | b')' | b',' | b';' | b'{' | b'}' | b'=' | b'"')
            {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    break;
                }
                i += 1;
            }
            toks.push(text[start..i].to_string());
        }
    }
    Ok(toks)
}

pub fn parse(name: &str, text: &str) -> Result<Script> {
    let toks = tokenize(name, text)?;
    let mut s = Script::default();
    let mut i = 0;
    while i < toks.len() {
        let cmd = toks[i].as_str();
        match cmd {
            ";" => {
                i += 1;
                continue;
            }
            "GROUP" | "INPUT" => {
                i = parse_file_list(name, &toks, i + 1, false, 0, &mut s.inputs)?;
            }
            "OUTPUT_FORMAT" | "OUTPUT_ARCH" | "TARGET" => {
                let (args, next) = paren_args(name, &toks, i + 1, cmd)?;
                if cmd == "OUTPUT_FORMAT"
                    && !args.is_empty()
                    && !args
                        .iter()
                        .all(|a| a == "elf64-x86-64" || a == "elf64-little")
                {
                    bail!(
                        "{name}: OUTPUT_FORMAT({}) is not x86-64 ELF",
                        args.join(", ")
                    );
                }
                i = next;
            }
            "SEARCH_DIR" => {
                let (args, next) = paren_args(name, &toks, i + 1, cmd)?;
                // `=DIR` is inside the sysroot; the loader resolves it.
                s.search_dirs.extend(args.iter().map(PathBuf::from));
                i = next;
            }
            "ENTRY" => {
                let (args, next) = paren_args(name, &toks, i + 1, cmd)?;
                s.entry = args.into_iter().next();
                i = next;
            }
            _ => bail!("{name}: linker script command {cmd} is not supported"),
        }
    }
    Ok(s)
}

fn paren_args(
    name: &str,
    toks: &[String],
    mut i: usize,
    cmd: &str,
) -> Result<(Vec<String>, usize)> {
    if toks.get(i).map(String::as_str) != Some("(") {
        bail!("{name}: expected ( after {cmd}");
    }
    i += 1;
    let mut args = Vec::new();
    loop {
        match toks.get(i).map(String::as_str) {
            Some(")") => return Ok((args, i + 1)),
            Some(",") => i += 1,
            Some(t) => {
                args.push(t.to_string());
                i += 1;
            }
            None => bail!("{name}: missing ) after {cmd}"),
        }
    }
}

/// How deeply `AS_NEEDED ( ... )` may nest: real scripts use one level; the bound keeps a
/// malicious script from exhausting the stack.
const MAX_NESTING: usize = 16;

fn parse_file_list(
    name: &str,
    toks: &[String],
    mut i: usize,
    as_needed: bool,
    depth: usize,
    out: &mut Vec<ScriptInput>,
) -> Result<usize> {
    if depth > MAX_NESTING {
        bail!("{name}: AS_NEEDED lists nest more than {MAX_NESTING} deep");
    }
    if toks.get(i).map(String::as_str) != Some("(") {
        bail!("{name}: expected ( in linker script file list");
    }
    i += 1;
    loop {
        match toks.get(i).map(String::as_str) {
            Some(")") => return Ok(i + 1),
            Some(",") => i += 1,
            Some("AS_NEEDED") => i = parse_file_list(name, toks, i + 1, true, depth + 1, out)?,
            Some(t) => {
                out.push(ScriptInput {
                    name: t.to_string(),
                    as_needed,
                });
                i += 1;
            }
            None => bail!("{name}: missing ) in linker script file list"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_libc_so() {
        let text = "/* GNU ld script\n   Use the shared library */\nOUTPUT_FORMAT(elf64-x86-64)\nGROUP ( /lib/x86_64-linux-gnu/libc.so.6 /usr/lib/x86_64-linux-gnu/libc_nonshared.a  AS_NEEDED ( /lib64/ld-linux-x86-64.so.2 ) )\n";
        assert!(looks_like_script(text.as_bytes()));
        let s = parse("libc.so", text).unwrap();
        let names: Vec<_> = s
            .inputs
            .iter()
            .map(|i| (i.name.as_str(), i.as_needed))
            .collect();
        assert_eq!(
            names,
            vec![
                ("/lib/x86_64-linux-gnu/libc.so.6", false),
                ("/usr/lib/x86_64-linux-gnu/libc_nonshared.a", false),
                ("/lib64/ld-linux-x86-64.so.2", true),
            ]
        );
    }

    #[test]
    fn unsupported_command_is_named() {
        let e = parse("t.ld", "SECTIONS { .text : { *(.text) } }")
            .err()
            .unwrap();
        assert!(e.0.contains("SECTIONS is not supported"), "{}", e.0);
    }

    #[test]
    fn search_dir_and_input() {
        let s = parse("x", "SEARCH_DIR(\"=/opt/lib\") INPUT(-lfoo bar.o)").unwrap();
        assert_eq!(s.search_dirs, vec![PathBuf::from("=/opt/lib")]);
        assert_eq!(s.inputs.len(), 2);
        assert_eq!(s.inputs[0].name, "-lfoo");
    }
}
