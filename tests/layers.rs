//! The layers only look down (STYLE.md, ARCHITECTURE.md): every `crate::` path in each folder of
//! `src/` (and a top-level module's `use super::…`, which is the crate root) may name only the
//! layers listed for it. A failure lists each offending file:line.

use std::path::{Path, PathBuf};

/// What a layer may name besides itself.
enum May {
    Only(&'static [&'static str]),
    AllBut(&'static [&'static str]),
}

/// Each layer of `src/` (a top-level file or folder) and what it may name. `root` is the crate
/// root (`lib.rs`: `AppState`, `start`), which wires everything together.
const RULES: &[(&str, May)] = &[
    ("domain", May::Only(&[])),
    ("error", May::Only(&[])),
    ("db", May::Only(&["domain", "error"])),
    ("views", May::Only(&["domain"])),
    ("config", May::Only(&["domain"])),
    ("images", May::Only(&["domain", "config", "error"])),
    ("mail", May::Only(&["db", "domain", "config", "error"])),
    ("app", May::Only(&["db", "domain", "mail", "config", "error", "images"])),
    ("jobs", May::Only(&["app", "db", "domain", "config", "error"])),
    ("webhooks", May::Only(&["db", "domain", "config", "error"])),
    ("whatsapp", May::Only(&["db", "domain", "config", "error"])),
    ("demo", May::Only(&["app", "db", "domain", "images", "error"])),
    ("web", May::AllBut(&["cli", "main"])),
    // The fuzz targets' bodies drive parsers from every layer, as the fuzzer's own crate does.
    ("fuzzing", May::AllBut(&["cli", "main"])),
    ("cli", May::AllBut(&["main"])),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's module path under `src/`: `src/db/catalog/admin.rs` → [db, catalog, admin].
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a line with comments and string literals blanked out; `in_block` carries a
/// `/* … */` comment over lines.
fn code_of(line: &str, in_block: &mut bool) -> String {
    let chars: Vec<char> = line.chars().collect();
    let (mut out, mut i, mut in_str) = (String::new(), 0, false);
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        if *in_block {
            if c == '*' && next == Some('/') {
                *in_block = false;
                i += 1;
            }
        } else if in_str {
            match c {
                '\\' => i += 1,
                '"' => in_str = false,
                _ => {}
            }
        } else if c == '/' && next == Some('/') {
            break;
        } else if c == '/' && next == Some('*') {
            *in_block = true;
            i += 1;
        } else if c == '"' {
            in_str = true;
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// The first segment of each path that follows `prefix` (`crate::` or `super::`), expanding
/// `prefix{a, b::c}` into `a`, `b`.
fn named_after(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut names = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.push(ident(item.trim()));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            names.push(ident(item.trim()));
        } else {
            names.push(ident(rest));
        }
    }
    names.retain(|n| !n.is_empty() && n != "self");
    names
}

/// The layer a name at the crate root belongs to: a top-level module, or the root itself.
fn layer_of(name: &str, modules: &[String]) -> String {
    if modules.iter().any(|m| m == name) { name.to_string() } else { "root".to_string() }
}

/// Every offending `file:line: what` in `src/`.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let modules: Vec<String> = files.iter().map(|f| module_path(src, f)).filter_map(|m| m.first().cloned()).collect();
    let mut found = Vec::new();
    for file in &files {
        let module = module_path(src, file);
        let Some(layer) = module.first().filter(|l| !["lib", "main"].contains(&l.as_str())) else { continue };
        let rule = RULES.iter().find(|(name, _)| name == layer).map(|(_, may)| may);
        let Some(rule) = rule else {
            found.push(format!("{}: the layer `{layer}` has no rule in tests/layers.rs", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        let mut in_block = false;
        for (n, line) in text.lines().enumerate() {
            let code = code_of(line, &mut in_block);
            let mut named: Vec<String> = named_after(&code, "crate::").iter().map(|m| layer_of(m, &modules)).collect();
            // `super::` in a top-level module's own imports (src/x.rs, src/x/mod.rs; not those of
            // an inline `mod tests`, which are indented) is the crate root.
            if module.len() == 1 && (line.starts_with("use ") || line.starts_with("pub use ")) {
                named.extend(named_after(&code, "super::").iter().map(|m| layer_of(m, &modules)));
            }
            for other in named.iter().filter(|o| *o != layer) {
                let allowed = match rule {
                    May::Only(list) => list.contains(&other.as_str()),
                    May::AllBut(list) => !list.contains(&other.as_str()),
                };
                if !allowed {
                    let may = match rule {
                        May::Only([]) => format!("{layer} may name nothing of ours"),
                        May::Only(list) => format!("{layer} may name only {}", list.join(", ")),
                        May::AllBut(list) => format!("{layer} may name anything but {}", list.join(", ")),
                    };
                    let shown = file.strip_prefix(src.parent().unwrap_or(src)).unwrap_or(file).display();
                    found.push(format!("{shown}:{}: {layer} names {other} ({may}): {}", n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn layers_only_look_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(found.is_empty(), "imports against the layers:\n{}", found.join("\n"));
}

#[test]
fn the_reader_sees_every_form_of_path() {
    let mut in_block = false;
    assert_eq!(named_after(&code_of("use crate::{db::{self, x}, web};", &mut in_block), "crate::"), ["db", "web"]);
    assert_eq!(named_after(&code_of("let s = crate::web::x(); // crate::cli", &mut in_block), "crate::"), ["web"]);
    assert!(named_after(&code_of(r#"let s = "crate::cli";"#, &mut in_block), "crate::").is_empty());
    assert!(named_after(&code_of("/* crate::cli", &mut in_block), "crate::").is_empty());
    assert!(named_after(&code_of("crate::cli */ x", &mut in_block), "crate::").is_empty());
    assert!(!in_block);
    assert_eq!(layer_of("AppState", &["web".into()]), "root");
}
