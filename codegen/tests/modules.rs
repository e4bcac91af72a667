//! The generator's module graph: which module of `codegen/src` refers to which, read from the
//! source (`crate::` and `super::` paths outside test modules). The stages must form a straight
//! line: no module may reach itself through the modules it uses. Run alone with
//! `cargo test -p codegen --test modules -- --nocapture` to print the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`emit::types`; the crate root is `crate`) → its file.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            // Test modules of their own (`mod tests;`) are tests, not stages.
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("tests.rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("inside src");
            let mut parts: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            let name = if parts == ["lib"] {
                "crate".to_string()
            } else {
                parts.join("::")
            };
            out.insert(name, path);
        }
    }
    out
}

/// The source without its trailing `#[cfg(test)] mod tests`, without comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable source");
    let tests = [
        "#[cfg(test)]\nmod tests {",
        "#[cfg(test)]\npub(crate) mod tests {",
    ];
    let text = match tests.iter().find_map(|start| text.find(start)) {
        Some(at) => &text[..at],
        None => &text,
    };
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths `text` names after `prefix` (`crate::`, `super::`): each a list of segments,
/// braces expanded one level (`crate::{a, b::c}`).
fn paths(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let segment = |s: &str| -> Vec<String> {
            s.split("::")
                .map(|p| {
                    p.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .take_while(|p| !p.is_empty())
                .collect()
        };
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let item = item.trim();
                if !item.is_empty() {
                    out.push(segment(item));
                }
            }
        } else {
            out.push(segment(rest));
        }
    }
    out
}

/// The module `segments` (a path after `crate::`) names: the longest prefix that is one.
fn resolve(segments: &[String], modules: &BTreeMap<String, PathBuf>) -> Option<String> {
    (1..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find(|candidate| modules.contains_key(candidate))
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    // The root's `pub use module::Item` re-exports point at the module.
    let root = code(&modules["crate"]);
    let reexports: BTreeMap<String, String> = root
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub use "))
        .flat_map(|rest| {
            let rest = rest.trim_end_matches(';');
            let (module, items) = rest.split_once("::").unwrap_or((rest, ""));
            let items = items.trim_start_matches('{').trim_end_matches('}');
            items
                .split(',')
                .map(|item| (item.trim().to_string(), module.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    // Items the root defines itself (`generate_with`, `Options`, ...).
    let defined: BTreeSet<String> = root
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line
                .strip_prefix("pub(crate) ")
                .or_else(|| line.strip_prefix("pub "))
                .unwrap_or(line);
            [
                "fn ", "struct ", "enum ", "const ", "static ", "type ", "trait ",
            ]
            .iter()
            .find_map(|kind| line.strip_prefix(kind))
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect()
            })
        })
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, file) in &modules {
        let text = code(file);
        let mut uses = BTreeSet::new();
        let parent = name.rsplit_once("::").map_or("crate", |(parent, _)| parent);
        let parent_segments: Vec<String> = if parent == "crate" {
            Vec::new()
        } else {
            parent.split("::").map(str::to_string).collect()
        };
        let mut named: Vec<Vec<String>> = paths(&text, "crate::");
        for path in paths(&text, "super::") {
            let mut full = parent_segments.clone();
            full.extend(path);
            named.push(full);
        }
        if name == "crate" {
            // The root names its modules without `crate::` (`ir::build(..)`).
            for module in modules
                .keys()
                .filter(|m| *m != "crate" && !m.contains("::"))
            {
                let named_here = text.match_indices(&format!("{module}::")).any(|(at, _)| {
                    !text[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                });
                if named_here {
                    uses.insert(module.clone());
                }
            }
            graph.insert(name.clone(), uses);
            continue;
        }
        for path in named {
            let target = match path.first() {
                Some(first) if reexports.contains_key(first) => Some(reexports[first].clone()),
                _ => resolve(&path, &modules).or_else(|| {
                    path.first()
                        .filter(|first| defined.contains(*first))
                        .map(|_| "crate".to_string())
                }),
            };
            if let Some(target) = target
                && target != *name
                // A module's own children and its parent's items are one unit with it only
                // when it is their parent: a child using its parent's helpers is the usual
                // shape, and counted.
                && !target.starts_with(&format!("{name}::"))
            {
                uses.insert(target);
            }
        }
        graph.insert(name.clone(), uses);
    }
    graph
}

/// Every cycle, as the strongly connected components with more than one module.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    // Kosaraju on a small graph: reachability both ways.
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(node) = stack.pop() {
            for next in graph.get(&node).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let mut components: Vec<BTreeSet<String>> = Vec::new();
    for node in graph.keys() {
        if components.iter().any(|c| c.contains(node)) {
            continue;
        }
        let forward = reach(node);
        if !forward.contains(node) {
            continue;
        }
        let component: BTreeSet<String> = forward
            .iter()
            .filter(|other| reach(other).contains(node))
            .cloned()
            .collect();
        components.push(component);
    }
    components
}

#[test]
fn no_module_of_the_generator_reaches_itself_through_the_modules_it_uses() {
    let graph = graph();
    for (module, uses) in &graph {
        println!(
            "{module} -> {}",
            uses.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    assert!(graph.len() > 10, "the graph was read: {graph:?}");
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "cycles among the generator's modules: {found:?}"
    );
}
