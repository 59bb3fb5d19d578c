//! The code map in `ARCHITECTURE.md` against the tree: every folder under `app/src` has a row,
//! every `app/src/…` path the map gives exists, the lower layers import no domain, no two files
//! import each other (directly or through others), and no file grows past 400 lines of code (its
//! unit tests apart) unless it is one of the known long ones, which may only shrink.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").to_path_buf()
}

/// The code map section of `ARCHITECTURE.md` (its worked examples name files yet to be made).
fn architecture() -> String {
    let text = fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let start = text.find("## Code map").expect("a code map section");
    let end = text[start + 1..].find("\n## ").map_or(text.len(), |i| start + 1 + i);
    text[start..end].to_string()
}

/// Every file under `dir`, recursively, with its path relative to the workspace.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().to_string_lossy().replace('\\', "/")
}

fn sources() -> Vec<PathBuf> {
    let mut all = Vec::new();
    files(&root().join("app/src"), &mut all);
    all.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    all.sort();
    all
}

#[test]
fn the_code_map_names_every_folder_under_app_src() {
    let map = architecture();
    let mut folders = Vec::new();
    let mut all = Vec::new();
    files(&root().join("app/src"), &mut all);
    for file in &all {
        let folder = file.parent().unwrap();
        // SurrealQL migrations are the database folder's, named in its row.
        if folder.ends_with("migrations") || folder == root().join("app/src") {
            continue;
        }
        let name = format!("{}/", relative(folder));
        if !folders.contains(&name) {
            folders.push(name);
        }
    }
    assert!(folders.len() >= 15, "the walk found the folders: {folders:?}");
    // A folder has a row of its own, or is named (`service/`) in its parent's row.
    let row_of = |folder: &str| map.lines().find(|l| l.starts_with(&format!("| `{folder}`"))).map(str::to_string);
    let named = |folder: &String| {
        map.contains(&format!("`{folder}`")) || {
            let trimmed = folder.trim_end_matches('/');
            let (parent, last) = trimmed.rsplit_once('/').unwrap();
            row_of(&format!("{parent}/")).is_some_and(|row| row.contains(&format!("`{last}/`")))
        }
    };
    let missing: Vec<&String> = folders.iter().filter(|f| !named(f)).collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md's code map has no row for {missing:?}");
    // And every top-level module file has one too.
    let top: Vec<String> = fs::read_dir(root().join("app/src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| relative(&p))
        .collect();
    let missing: Vec<&String> = top.iter().filter(|f| !map.contains(&format!("`{f}`"))).collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md's code map has no row for {missing:?}");
}

#[test]
fn every_path_the_code_map_gives_exists() {
    let map = architecture();
    let mut checked = 0;
    for piece in map.split('`').skip(1).step_by(2) {
        let path = piece.split_whitespace().next().unwrap_or_default().trim_end_matches(',');
        if !path.starts_with("app/src/") || path.contains('*') || path.contains('<') || path.contains("NN") {
            continue;
        }
        assert!(root().join(path).exists(), "ARCHITECTURE.md names {path}, which is not in the tree");
        checked += 1;
    }
    assert!(checked >= 20, "the map gives paths: {checked}");
}

/// The modules that are not domains: the layers below them.
const LOWER: [&str; 3] = ["app/src/db/", "app/src/ui/", "app/src/domain/"];
const DOMAINS: [&str; 12] = [
    "admin",
    "auth",
    "nominations",
    "placements",
    "reports",
    "funding",
    "notifications",
    "audit",
    "calendar",
    "home",
    "demo",
    "attachments",
];

#[test]
fn db_ui_and_domain_import_no_domain() {
    let mut offences = Vec::new();
    for file in sources() {
        let name = relative(&file);
        if !LOWER.iter().any(|l| name.starts_with(l)) {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        for domain in DOMAINS {
            if text.contains(&format!("crate::{domain}::")) || text.contains(&format!("crate::{domain};")) {
                offences.push(format!("{name} uses crate::{domain}"));
            }
        }
    }
    assert!(offences.is_empty(), "{offences:#?}");
}

/// Files longer than the rule allows, with the most lines of code each may have: a ceiling that
/// only comes down. The data generator and the country and language tables are long by nature.
const STILL_LONG: &[(&str, usize)] = &[("app/src/demo/generate.rs", 1700)];
const LIMIT: usize = 400;

/// The lines of a file before its unit tests (`#[cfg(test)]` then `mod tests`).
fn code_lines(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    lines.windows(2).position(|w| w[0].trim() == "#[cfg(test)]" && w[1].starts_with("mod tests")).unwrap_or(lines.len())
}

#[test]
fn no_file_grows_past_four_hundred_lines_of_code() {
    let mut too_long = Vec::new();
    for file in sources() {
        let name = relative(&file);
        if name.starts_with("app/src/domain/countries") || name.starts_with("app/src/domain/languages") {
            continue;
        }
        let lines = code_lines(&fs::read_to_string(&file).unwrap());
        let ceiling = STILL_LONG.iter().find(|(n, _)| *n == name).map_or(LIMIT, |(_, c)| *c);
        if lines > ceiling {
            too_long.push(format!("{name}: {lines} lines (at most {ceiling})"));
        }
    }
    assert!(too_long.is_empty(), "split these by job (see ARCHITECTURE.md, One shape): {too_long:#?}");
}

#[test]
fn the_line_count_stops_at_the_tests() {
    assert_eq!(code_lines("a\nb\n#[cfg(test)]\nmod tests {\n}\n"), 2);
    assert_eq!(code_lines("a\n#[cfg(test)]\nfn helper() {}\n"), 3);
}

/// The module path of a source file: `app/src/a/b.rs` and `app/src/a/b/mod.rs` are `a::b`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root().join("app/src")).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Each `crate::…` and `super::…` path a file names outside its comments and unit tests, as a
/// module path (`use` groups in braces opened one level), relative paths made absolute.
fn paths_named(text: &str, module: &[String]) -> Vec<Vec<String>> {
    let code: String = text
        .lines()
        .take(code_lines(text))
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut found = Vec::new();
    for start in ["crate::", "super::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(start) {
            let before = rest[..at].chars().next_back();
            let tail = &rest[at..];
            rest = &rest[at + start.len()..];
            if before.is_some_and(|c| ident(c) || c == ':') {
                continue;
            }
            // The path's segments up to a brace or anything that is not `ident::`.
            let mut segments: Vec<String> = Vec::new();
            let mut cursor = tail;
            loop {
                let len = cursor.find(|c: char| !ident(c)).unwrap_or(cursor.len());
                if len == 0 {
                    break;
                }
                segments.push(cursor[..len].to_string());
                cursor = &cursor[len..];
                if !cursor.starts_with("::") {
                    break;
                }
                cursor = &cursor[2..];
            }
            let mut base: Vec<String> = if segments.first().is_some_and(|s| s == "crate") {
                Vec::new()
            } else {
                // `super` from `a/b.rs` (module a::b) is `a`; from `a/mod.rs` (module a) it is the crate.
                let mut base = module.to_vec();
                base.pop();
                base
            };
            let mut iter = segments.into_iter().skip(1).peekable();
            while iter.peek().is_some_and(|s| s == "super") {
                iter.next();
                base.pop();
            }
            base.extend(iter);
            if cursor.starts_with('{') {
                let inner = &cursor[1..cursor.find('}').unwrap_or(cursor.len())];
                for item in inner.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                    let mut path = base.clone();
                    path.extend(item.split("::").map(|s| s.trim().to_string()).filter(|s| ident_ok(s)));
                    found.push(path);
                }
            } else {
                found.push(base);
            }
        }
    }
    found
}

fn ident_ok(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_') && s != "self"
}

#[test]
fn no_two_source_files_import_each_other_even_through_others() {
    let files = sources();
    let modules: Vec<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    // The file a module path lands in: its longest prefix that is a module of its own.
    let file_of = |path: &[String]| -> Option<usize> {
        (0..=path.len()).rev().find_map(|n| modules.iter().position(|m| m.as_slice() == &path[..n]))
    };
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for (i, file) in files.iter().enumerate() {
        let text = fs::read_to_string(file).unwrap();
        for path in paths_named(&text, &modules[i]) {
            let Some(j) = file_of(&path) else { continue };
            // A module naming its own submodules is its structure, not an import.
            let descendant = modules[j].len() > modules[i].len() && modules[j].starts_with(&modules[i]);
            if j != i && !descendant && !edges[i].contains(&j) {
                edges[i].push(j);
            }
        }
    }
    // Tarjan's strongly connected components: any of more than one file is a circle.
    struct Walk<'a> {
        edges: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        circles: Vec<Vec<usize>>,
    }
    fn visit(w: &mut Walk, v: usize) {
        w.index[v] = Some(w.next);
        w.low[v] = w.next;
        w.next += 1;
        w.stack.push(v);
        w.on_stack[v] = true;
        for k in 0..w.edges[v].len() {
            let u = w.edges[v][k];
            match w.index[u] {
                None => {
                    visit(w, u);
                    w.low[v] = w.low[v].min(w.low[u]);
                }
                Some(index) if w.on_stack[u] => w.low[v] = w.low[v].min(index),
                Some(_) => {}
            }
        }
        if Some(w.low[v]) == w.index[v] {
            let mut component = Vec::new();
            while let Some(u) = w.stack.pop() {
                w.on_stack[u] = false;
                component.push(u);
                if u == v {
                    break;
                }
            }
            if component.len() > 1 {
                w.circles.push(component);
            }
        }
    }
    let n = files.len();
    let mut walk = Walk {
        edges: &edges,
        index: vec![None; n],
        low: vec![0; n],
        stack: Vec::new(),
        on_stack: vec![false; n],
        next: 0,
        circles: Vec::new(),
    };
    for v in 0..n {
        if walk.index[v].is_none() {
            visit(&mut walk, v);
        }
    }
    let circles: Vec<Vec<String>> =
        walk.circles.iter().map(|c| c.iter().map(|&i| relative(&files[i])).collect()).collect();
    assert!(circles.is_empty(), "files that import each other, directly or through others: {circles:#?}");
    assert!(edges.iter().map(Vec::len).sum::<usize>() > 300, "the imports were read");
}
