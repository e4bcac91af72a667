//! Write: a generated crate replaces the output directory in one step, or is compared with it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "generated".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.{suffix}"))
}

/// Writes `files` as the whole content of `dir`. The new tree is written beside `dir` first and
/// swapped in by renames, so a failure leaves `dir` as it was.
pub fn write(dir: &Path, files: &BTreeMap<String, String>) -> Result<()> {
    let staging = sibling(dir, "codegen-new");
    let old = sibling(dir, "codegen-old");
    for leftover in [&staging, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(io(leftover))?;
        }
    }
    let result = (|| {
        for (relative, content) in files {
            let path = staging.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io(parent))?;
            }
            fs::write(&path, content).map_err(io(&path))?;
        }
        if dir.exists() {
            fs::rename(dir, &old).map_err(io(dir))?;
        }
        if let Err(e) = fs::rename(&staging, dir) {
            // Put the previous tree back before reporting.
            if old.exists() {
                let _ = fs::rename(&old, dir);
            }
            return Err(io(dir)(e));
        }
        Ok(())
    })();
    if result.is_err() && staging.exists() {
        let _ = fs::remove_dir_all(&staging);
    }
    result?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(())
}

/// How the directory differs from what generation produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    Changed(String),
    Missing(String),
    Extra(String),
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Changed(p) => write!(f, "stale: {p}"),
            Difference::Missing(p) => write!(f, "missing: {p}"),
            Difference::Extra(p) => write!(f, "not generated (remove it): {p}"),
        }
    }
}

/// Compares `dir` with `files` without writing anything.
pub fn check(dir: &Path, files: &BTreeMap<String, String>) -> Result<Vec<Difference>> {
    let mut on_disk = BTreeSet::new();
    if dir.exists() {
        list(dir, dir, &mut on_disk)?;
    }
    let mut differences = Vec::new();
    for (relative, content) in files {
        let path = dir.join(relative);
        if !on_disk.contains(relative) {
            differences.push(Difference::Missing(relative.clone()));
        } else if fs::read_to_string(&path).map_err(io(&path))? != *content {
            differences.push(Difference::Changed(relative.clone()));
        }
    }
    for relative in on_disk {
        if !files.contains_key(&relative) {
            differences.push(Difference::Extra(relative));
        }
    }
    Ok(differences)
}

fn list(root: &Path, dir: &Path, out: &mut BTreeSet<String>) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_dir() {
            list(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            out.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn write_replaces_the_tree_and_check_sees_every_difference() {
        let root = std::env::temp_dir().join(format!("codegen-write-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let dir = root.join("out");
        write(
            &dir,
            &files(&[("a.rs", "1"), ("src/b.rs", "2"), ("gone.rs", "x")]),
        )
        .unwrap();
        write(&dir, &files(&[("a.rs", "1"), ("src/b.rs", "2")])).unwrap();
        assert!(
            !dir.join("gone.rs").exists(),
            "files no longer generated are removed"
        );
        assert_eq!(
            check(&dir, &files(&[("a.rs", "1"), ("src/b.rs", "2")])).unwrap(),
            vec![]
        );
        fs::write(dir.join("extra.rs"), "").unwrap();
        let diff = check(
            &dir,
            &files(&[("a.rs", "changed"), ("src/b.rs", "2"), ("new.rs", "")]),
        )
        .unwrap();
        assert_eq!(
            diff,
            vec![
                Difference::Changed("a.rs".into()),
                Difference::Missing("new.rs".into()),
                Difference::Extra("extra.rs".into()),
            ]
        );
        let siblings: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            siblings,
            vec![std::ffi::OsString::from("out")],
            "no staging directories are left"
        );
        fs::remove_dir_all(&root).unwrap();
    }
}
