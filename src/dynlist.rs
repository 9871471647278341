//! `--dynamic-list FILE` and `--export-dynamic-symbol PATTERN`: symbols an executable exports in
//! addition to those shared libraries need. A list reads `{ foo; bar*; extern "C++" { ns::f*; }; };`
//! where patterns are globs (`*`, `?`, `[...]`) and those in `extern "C++"` blocks match demangled
//! names.

use crate::bail;
use crate::error::Result;

#[derive(Default, Debug)]
pub struct Patterns {
    /// Exact names (in order, and as a set: rustc lists every export of a library by name), and
    /// globs over raw names.
    exact: Vec<Vec<u8>>,
    exact_set: std::collections::HashSet<Vec<u8>>,
    /// Globs already added (C++ or not).
    seen: std::collections::HashSet<(bool, Vec<u8>)>,
    globs: Vec<Vec<u8>>,
    /// Globs over demangled C++ names.
    cxx: Vec<Vec<u8>>,
}

impl Patterns {
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.globs.is_empty() && self.cxx.is_empty()
    }

    pub fn add(&mut self, pattern: &str, cxx: bool) {
        let p = pattern.as_bytes().to_vec();
        // Every symbol is matched against every glob: a repeated one is kept once.
        let glob = cxx || p.iter().any(|c| matches!(c, b'*' | b'?' | b'['));
        if glob && !self.seen.insert((cxx, p.clone())) {
            return;
        }
        if cxx {
            self.cxx.push(p);
        } else if glob {
            self.globs.push(p);
        } else if self.exact_set.insert(p.clone()) {
            self.exact.push(p);
        }
    }

    /// How specifically a pattern matches `name`: 0 by exact name, 1 by a glob or a C++ pattern,
    /// 2 by the catch-all `*`; None if nothing matches. (A version script gives a symbol the
    /// scope of its most specific match.)
    /// `demangled` caches the demangled name between calls for the same symbol (a version script
    /// asks its global and its local patterns).
    pub fn match_rank(&self, name: &[u8], demangled: &mut Option<String>) -> Option<u8> {
        if self.exact_set.contains(name) {
            return Some(0);
        }
        let mut best = None;
        for g in &self.globs {
            if glob(g, name) {
                if g.as_slice() != b"*" {
                    return Some(1);
                }
                best = Some(2);
            }
        }
        if !self.cxx.is_empty() && name.starts_with(b"_Z") {
            let d = demangled.get_or_insert_with(|| crate::symbol::demangle(name));
            if self.cxx.iter().any(|g| glob(g, d.as_bytes())) {
                return Some(1);
            }
        }
        best
    }

    /// The exact names, for `--no-undefined-version`.
    pub fn exact_names(&self) -> impl Iterator<Item = &[u8]> {
        self.exact.iter().map(Vec::as_slice)
    }

    pub fn matches(&self, name: &[u8]) -> bool {
        if self.exact_set.contains(name) || self.globs.iter().any(|g| glob(g, name)) {
            return true;
        }
        if !self.cxx.is_empty() && name.starts_with(b"_Z") {
            let d = crate::symbol::demangle(name);
            return self.cxx.iter().any(|g| glob(g, d.as_bytes()));
        }
        false
    }

    /// Parses a dynamic list file's text.
    pub fn parse_list(&mut self, file: &str, text: &str) -> Result<()> {
        let toks = tokens(text);
        let mut i = 0;
        let mut depth = 0usize;
        let mut cxx_depth: Option<usize> = None;
        while i < toks.len() {
            let t = toks[i].as_str();
            match t {
                "{" => depth += 1,
                "}" => {
                    if depth == 0 {
                        bail!("{file}: unbalanced '}}' in dynamic list");
                    }
                    if cxx_depth == Some(depth) {
                        cxx_depth = None;
                    }
                    depth -= 1;
                }
                ";" => {}
                "extern" => {
                    let lang = toks.get(i + 1).map(String::as_str).unwrap_or("");
                    if toks.get(i + 2).map(String::as_str) != Some("{") {
                        bail!("{file}: expected '{{' after extern {lang}");
                    }
                    if lang == "C++" {
                        cxx_depth = Some(depth + 1);
                    }
                    i += 1;
                }
                "global:" | "local:" => {
                    bail!("{file}: {t} belongs in a version script, not a dynamic list")
                }
                _ => {
                    if depth == 0 {
                        bail!("{file}: symbol {t} outside '{{ ... }}' in dynamic list");
                    }
                    self.add(t, cxx_depth.is_some());
                }
            }
            i += 1;
        }
        if depth != 0 {
            bail!("{file}: missing '}}' in dynamic list");
        }
        Ok(())
    }
}

pub fn tokens(text: &str) -> Vec<String> {
    tokens_at(text).into_iter().map(|t| t.0).collect()
}

/// The tokens of a list or script with the line each starts on (for error messages).
pub fn tokens_at(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut line = 1u32;
    let mut start = 1u32;
    let mut chars = text.chars().peekable();
    let flush = |cur: &mut String, out: &mut Vec<(String, u32)>, at: u32| {
        if !cur.is_empty() {
            out.push((std::mem::take(cur), at));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                flush(&mut cur, &mut out, start);
                for n in chars.by_ref() {
                    if n == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                flush(&mut cur, &mut out, start);
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    line += (n == '\n') as u32;
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            '"' => {
                flush(&mut cur, &mut out, start);
                let at = line;
                let mut s = String::new();
                for n in chars.by_ref() {
                    line += (n == '\n') as u32;
                    if n == '"' {
                        break;
                    }
                    s.push(n);
                }
                out.push((s, at));
            }
            '{' | '}' | ';' => {
                flush(&mut cur, &mut out, start);
                out.push((c.to_string(), line));
            }
            c if c.is_whitespace() => {
                flush(&mut cur, &mut out, start);
                line += (c == '\n') as u32;
            }
            c => {
                if cur.is_empty() {
                    start = line;
                }
                cur.push(c)
            }
        }
    }
    flush(&mut cur, &mut out, start);
    out
}

/// Shell-style glob: `*`, `?`, and `[...]` classes (with `!`/`^` negation and ranges).
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    star = Some((pi, si));
                    pi += 1;
                    continue;
                }
                b'?' => {
                    pi += 1;
                    si += 1;
                    continue;
                }
                b'[' => {
                    if let Some((ok, next)) = class(&p[pi..], s[si]) {
                        if ok {
                            pi += next;
                            si += 1;
                            continue;
                        }
                    } else if s[si] == b'[' {
                        pi += 1;
                        si += 1;
                        continue;
                    }
                }
                c if c == s[si] => {
                    pi += 1;
                    si += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, ss)) => {
                pi = sp + 1;
                si = ss + 1;
                star = Some((sp, ss + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Matches `c` against the class at the start of `p` (`[...]`); returns (matched, class length).
fn class(p: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let neg = matches!(p.get(1), Some(b'!') | Some(b'^'));
    if neg {
        i += 1;
    }
    let mut found = false;
    let start = i;
    while i < p.len() {
        if p[i] == b']' && i > start {
            return Some((found != neg, i + 1));
        }
        if i + 2 < p.len() && p[i + 1] == b'-' && p[i + 2] != b']' {
            if (p[i]..=p[i + 2]).contains(&c) {
                found = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                found = true;
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob(b"foo*", b"foobar"));
        assert!(glob(b"f?o", b"fao"));
        assert!(glob(b"*", b""));
        assert!(glob(b"a[bc]d", b"acd"));
        assert!(!glob(b"a[!bc]d", b"acd"));
        assert!(glob(b"x[0-9]", b"x7"));
        assert!(!glob(b"foo", b"foobar"));
    }

    #[test]
    fn parses_a_list() {
        let mut p = Patterns::default();
        p.parse_list(
            "l",
            "{\n  plugin_api_*;  # comment\n  exact_one;\n  extern \"C++\" { ns::helper*; };\n};\n",
        )
        .unwrap();
        assert!(p.matches(b"plugin_api_init"));
        assert!(p.matches(b"exact_one"));
        assert!(!p.matches(b"exact_two"));
        assert!(p.matches(b"_ZN2ns8helper_aEv"));
        assert!(!p.matches(b"_ZN2ns5otherEv"));
    }

    #[test]
    fn rejects_version_script_syntax() {
        let mut p = Patterns::default();
        assert!(p.parse_list("l", "{ global: foo; };").is_err());
    }
}
