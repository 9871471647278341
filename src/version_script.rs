//! `--version-script FILE`: which of a shared object's (or program's) definitions are exported.
//! A script is a list of nodes, `[NAME] { global: PATTERNS; local: PATTERNS; } [PARENT];`, where
//! patterns are names, globs, or demangled C++ patterns inside `extern "C++" { ... }`. A symbol
//! takes the scope of its most specific match (an exact name beats a glob, which beats `*`); one
//! that matches nothing keeps its default scope.
//!
//! Named nodes would also give their symbols that version (`.gnu.version_d`); that is not
//! implemented yet, so a named node's scopes apply and the link warns once.

use crate::bail;
use crate::dynlist::{Patterns, tokens};
use crate::error::Result;

#[derive(Default, Debug)]
pub struct VersionScript {
    pub global: Patterns,
    pub local: Patterns,
    /// Names of the named versions (for the warning).
    pub named: Vec<String>,
}

impl VersionScript {
    pub fn is_empty(&self) -> bool {
        self.global.is_empty() && self.local.is_empty()
    }

    /// Some(true) if the script makes `name` global, Some(false) if local, None if it says nothing.
    pub fn scope(&self, name: &[u8]) -> Option<bool> {
        let mut demangled = None;
        let global = self.global.match_rank(name, &mut demangled);
        match (global, self.local.match_rank(name, &mut demangled)) {
            (Some(g), Some(l)) => Some(g <= l),
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (None, None) => None,
        }
    }

    pub fn parse(&mut self, file: &str, text: &str) -> Result<()> {
        let toks = tokens(text);
        let mut i = 0;
        while i < toks.len() {
            // [NAME] '{'
            let mut t = toks[i].as_str();
            if t == ";" {
                i += 1;
                continue;
            }
            if t != "{" {
                if t == "}" || t.ends_with(':') {
                    bail!("{file}: syntax error in version script at '{t}'");
                }
                self.named.push(t.to_string());
                i += 1;
                t = toks.get(i).map(String::as_str).unwrap_or("");
                if t != "{" {
                    bail!(
                        "{file}: expected '{{' after version name in version script, found '{t}'"
                    );
                }
            }
            i += 1;
            i = self.parse_node(file, &toks, i)?;
            // '}' [PARENT] ';'
            while i < toks.len() && toks[i] != ";" {
                if toks[i] == "{" || toks[i] == "}" {
                    bail!("{file}: expected ';' after '}}' in version script");
                }
                i += 1;
            }
            if i >= toks.len() {
                bail!("{file}: missing ';' at the end of the version script");
            }
            i += 1;
        }
        Ok(())
    }

    /// Parses a node's body from `i` (after '{'); returns the index after its closing '}'.
    fn parse_node(&mut self, file: &str, toks: &[String], mut i: usize) -> Result<usize> {
        let mut global = true;
        let mut cxx = false;
        let mut depth = 0usize;
        while i < toks.len() {
            let t = toks[i].as_str();
            match t {
                "global:" => global = true,
                "local:" => global = false,
                ";" => {}
                "extern" => {
                    let lang = toks.get(i + 1).map(String::as_str).unwrap_or("");
                    if toks.get(i + 2).map(String::as_str) != Some("{") {
                        bail!("{file}: expected '{{' after extern \"{lang}\" in version script");
                    }
                    cxx = lang == "C++";
                    depth += 1;
                    i += 2;
                }
                "}" if depth > 0 => {
                    depth -= 1;
                    cxx = false;
                }
                "}" => return Ok(i + 1),
                "{" => bail!("{file}: unexpected '{{' in version script"),
                _ if t.ends_with(':') => {
                    bail!("{file}: unknown scope '{t}' in version script")
                }
                // `global :` written apart.
                _ if toks.get(i + 1).map(String::as_str) == Some(":") => {
                    global = match t {
                        "global" => true,
                        "local" => false,
                        _ => bail!("{file}: unknown scope '{t}:' in version script"),
                    };
                    i += 1;
                }
                _ => {
                    if global {
                        self.global.add(t, cxx);
                    } else {
                        self.local.add(t, cxx);
                    }
                }
            }
            i += 1;
        }
        bail!("{file}: missing '}}' in version script")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_by_most_specific_match() {
        let mut v = VersionScript::default();
        v.parse(
            "s",
            "{ global: keep; api_*; extern \"C++\" { \"ns::f()\"; ns::g*; }; local: *; api_private; };",
        )
        .unwrap();
        assert_eq!(v.scope(b"keep"), Some(true));
        assert_eq!(v.scope(b"api_x"), Some(true));
        assert_eq!(v.scope(b"api_private"), Some(false));
        assert_eq!(v.scope(b"other"), Some(false));
        assert_eq!(v.scope(b"_ZN2ns1gEi"), Some(true));
        assert!(v.named.is_empty());
    }

    #[test]
    fn named_versions_and_errors() {
        let mut v = VersionScript::default();
        v.parse("s", "V1 { global: a; local: *; };\nV2 { global: b; } V1;")
            .unwrap();
        assert_eq!(v.named, ["V1", "V2"]);
        assert_eq!(v.scope(b"b"), Some(true));
        assert!(
            VersionScript::default()
                .parse("s", "{ global: a; ")
                .is_err()
        );
        assert!(
            VersionScript::default()
                .parse("s", "{ weird: a; };")
                .is_err()
        );
    }
}
