//! `--version-script FILE`: which of a shared object's (or program's) definitions are exported,
//! and at which version. A script is a list of nodes, `[NAME] { global: PATTERNS; local: PATTERNS;
//! } [PARENT];`, where patterns are names, globs, or demangled C++ patterns inside
//! `extern "C++" { ... }`. A symbol takes the scope (and, in a named node, the version) of its most
//! specific match in any node (an exact name beats a glob, which beats `*`); one that matches
//! nothing keeps its default scope and the base version.
//!
//! A definition versioned in its object (`.symver`: `foo@@V2` is the default version of `foo`,
//! `foo@V1` an old, hidden one) takes its version from its name; only that version's node decides
//! its scope.

use crate::bail;
use crate::dynlist::{Patterns, tokens_at};
use crate::error::Result;

#[derive(Default, Debug)]
pub struct Node {
    /// Empty for the anonymous node.
    pub name: String,
    pub global: Patterns,
    pub local: Patterns,
    pub parents: Vec<String>,
}

#[derive(Default, Debug)]
pub struct VersionScript {
    pub nodes: Vec<Node>,
    /// `--default-symver`: the version of exported symbols the scripts say nothing of.
    pub default_node: Option<u16>,
}

/// Version index 1 is the output's base version (`VER_NDX_GLOBAL`); named nodes follow from 2.
pub const VER_BASE: u16 = 1;

/// Reads and merges the `--version-script` files.
pub fn load(cfg: &crate::args::Config) -> Result<VersionScript> {
    let mut script = VersionScript::default();
    for f in &cfg.version_script {
        let text = std::fs::read_to_string(f)
            .map_err(|e| crate::err!("cannot read version script {}: {e}", f.display()))?;
        script.parse(&f.display().to_string(), &text)?;
    }
    if cfg.default_symver && script.index_of(base_version_name(cfg).as_bytes()).is_none() {
        // A named node with no patterns: it only versions what nothing else versions.
        script.default_node = Some(script.named().count() as u16 + 2);
        script.nodes.push(Node {
            name: base_version_name(cfg),
            ..Node::default()
        });
    }
    Ok(script)
}

/// The output's own version name: its soname, or its file name.
pub fn base_version_name(cfg: &crate::args::Config) -> String {
    match &cfg.soname {
        Some(s) => s.clone(),
        None => cfg
            .output
            .file_name()
            .map_or(String::new(), |f| f.to_string_lossy().into_owned()),
    }
}

impl VersionScript {
    /// Whether the script defines versions (`.gnu.version_d`), not only scopes.
    pub fn has_versions(&self) -> bool {
        self.nodes.iter().any(|n| !n.name.is_empty())
    }

    /// The version index of the named node `name`.
    pub fn index_of(&self, name: &[u8]) -> Option<u16> {
        self.named()
            .position(|n| n.name.as_bytes() == name)
            .map(|i| i as u16 + 2)
    }

    /// The named nodes, in version-index order from 2.
    pub fn named(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| !n.name.is_empty())
    }

    /// For an unversioned name: Some((exported, version)) if the script says anything of it. The
    /// name is asked for only if there are patterns to match it against: without a script, most
    /// of a link's names need not be read at all.
    pub fn assign<'n>(&self, name: impl FnOnce() -> &'n [u8]) -> Option<(bool, u16)> {
        if self.nodes.is_empty() {
            return None;
        }
        let name = name();
        let mut demangled = None;
        // (rank, local?) of the best match so far, and its version; global wins a tie.
        let mut best: Option<((u8, bool), u16)> = None;
        let mut ver = 2u16;
        for n in &self.nodes {
            let v = if n.name.is_empty() { VER_BASE } else { ver };
            for (local, pats) in [(false, &n.global), (true, &n.local)] {
                if let Some(r) = pats.match_rank(name, &mut demangled)
                    && best.is_none_or(|(b, _)| (r, local) < b)
                {
                    best = Some(((r, local), v));
                }
            }
            if !n.name.is_empty() {
                ver += 1;
            }
        }
        best.map(|((_, local), v)| (!local, if local { VER_BASE } else { v }))
    }

    /// For a name versioned in its object at version `ver`: whether that node keeps it exported.
    pub fn versioned_scope(&self, name: &[u8], ver: u16) -> bool {
        let Some(n) = self.named().nth(ver as usize - 2) else {
            return true;
        };
        let mut demangled = None;
        match (
            n.global.match_rank(name, &mut demangled),
            n.local.match_rank(name, &mut demangled),
        ) {
            (Some(g), Some(l)) => g <= l,
            (None, Some(_)) => false,
            _ => true,
        }
    }

    /// Exact names the script exports, for `--no-undefined-version`.
    pub fn global_exact_names(&self) -> impl Iterator<Item = &[u8]> {
        self.nodes.iter().flat_map(|n| n.global.exact_names())
    }

    pub fn parse(&mut self, path: &str, text: &str) -> Result<()> {
        let (toks, lines): (Vec<String>, Vec<u32>) = tokens_at(text).into_iter().unzip();
        // Errors name the file and the line (of the token at fault, or the last one), as GNU ld's.
        let last = lines.last().copied().unwrap_or(1);
        let at = |i: usize| format!("{path}:{}", lines.get(i).copied().unwrap_or(last));
        let mut i = 0;
        while i < toks.len() {
            // [NAME] '{'
            let mut t = toks[i].as_str();
            if t == ";" {
                i += 1;
                continue;
            }
            let mut node = Node::default();
            if t != "{" {
                if t == "}" || t.ends_with(':') {
                    bail!("{}: syntax error in version script at '{t}'", at(i));
                }
                node.name = t.to_string();
                i += 1;
                t = toks.get(i).map(String::as_str).unwrap_or("");
                if t != "{" {
                    bail!(
                        "{}: expected '{{' after version name in version script, found '{t}'",
                        at(i)
                    );
                }
            }
            i += 1;
            let name_at = i.saturating_sub(1);
            i = node.parse_body(&at, &toks, i)?;
            // '}' [PARENT...] ';'
            while i < toks.len() && toks[i] != ";" {
                if toks[i] == "{" || toks[i] == "}" {
                    bail!("{}: expected ';' after '}}' in version script", at(i));
                }
                node.parents.push(toks[i].clone());
                i += 1;
            }
            if i >= toks.len() {
                bail!("{}: missing ';' at the end of the version script", at(i));
            }
            i += 1;
            if !node.name.is_empty() && self.index_of(node.name.as_bytes()).is_some() {
                bail!(
                    "{}: duplicate version tag `{}' in version script",
                    at(name_at),
                    node.name
                );
            }
            if self.nodes.iter().any(|n| n.name.is_empty()) != node.name.is_empty()
                && !self.nodes.is_empty()
            {
                bail!(
                    "{}: anonymous version tag cannot be combined with other version tags",
                    at(name_at)
                );
            }
            self.nodes.push(node);
        }
        for n in &self.nodes {
            for p in &n.parents {
                if self.index_of(p.as_bytes()).is_none() {
                    let i = toks.iter().position(|t| t == p).unwrap_or(0);
                    bail!(
                        "{}: version node `{}' depends on unknown version `{p}'",
                        at(i),
                        n.name
                    );
                }
            }
        }
        Ok(())
    }
}

impl Node {
    /// Parses a node's body from `i` (after '{'); returns the index after its closing '}'.
    fn parse_body(
        &mut self,
        at: &dyn Fn(usize) -> String,
        toks: &[String],
        mut i: usize,
    ) -> Result<usize> {
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
                        bail!(
                            "{}: expected '{{' after extern \"{lang}\" in version script",
                            at(i)
                        );
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
                "{" => bail!("{}: unexpected '{{' in version script", at(i)),
                _ if t.ends_with(':') => {
                    bail!("{}: unknown scope '{t}' in version script", at(i))
                }
                // `global :` written apart.
                _ if toks.get(i + 1).map(String::as_str) == Some(":") => {
                    global = match t {
                        "global" => true,
                        "local" => false,
                        _ => bail!("{}: unknown scope '{t}:' in version script", at(i)),
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
        bail!("{}: missing '}}' in version script", at(i))
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
        let scope = |n: &[u8]| v.assign(|| n).map(|a| a.0);
        assert_eq!(scope(b"keep"), Some(true));
        assert_eq!(scope(b"api_x"), Some(true));
        assert_eq!(scope(b"api_private"), Some(false));
        assert_eq!(scope(b"other"), Some(false));
        assert_eq!(scope(b"_ZN2ns1gEi"), Some(true));
        assert!(!v.has_versions());
    }

    /// Without a script there is nothing to match: the name is not even read.
    #[test]
    fn no_script_reads_no_name() {
        let v = VersionScript::default();
        assert_eq!(
            v.assign(|| unreachable!("name read without a script")),
            None
        );
    }

    #[test]
    fn named_versions_and_errors() {
        let mut v = VersionScript::default();
        v.parse(
            "s",
            "V1 { global: a; local: *; };\nV2 { global: b; c*; } V1;",
        )
        .unwrap();
        assert_eq!(
            v.named().map(|n| n.name.as_str()).collect::<Vec<_>>(),
            ["V1", "V2"]
        );
        assert_eq!(v.nodes[1].parents, ["V1"]);
        assert_eq!(v.assign(|| b"a"), Some((true, 2)));
        assert_eq!(v.assign(|| b"b"), Some((true, 3)));
        assert_eq!(v.assign(|| b"cx"), Some((true, 3)));
        assert_eq!(v.assign(|| b"zz"), Some((false, VER_BASE)));
        assert_eq!(v.index_of(b"V2"), Some(3));
        // V1's `local: *` hides an old version of foo; V2 says nothing of it.
        assert!(!v.versioned_scope(b"foo", 2));
        assert!(v.versioned_scope(b"foo", 3));
        let bad = |t: &str| VersionScript::default().parse("s", t).is_err();
        assert!(bad("{ global: a; "));
        assert!(bad("{ weird: a; };"));
        assert!(bad("V1 { a; }; V1 { b; };"));
        assert!(bad("V2 { a; } V9;"));
        assert!(bad("{ a; }; V1 { b; };"));
    }
}
