//! Changes: what a model update did to a generated crate. The crate's manifest records the
//! model file it came from ([`ModelSource`]: name and SHA-256); when a crate is regenerated
//! from a model that hashes differently, the earlier model (found by its hash, by the caller:
//! `cargo xtask codegen` looks in the model file's git history) is diffed against the new one
//! ([`crate::diff`]) and the report becomes the crate's `CHANGES.md`. Regenerating from the same
//! model keeps `CHANGES.md` as it is, so it always describes the last model update.

use std::path::Path;

use crate::diff::Report;
use crate::error::{Error, Result};
use crate::model::{Model, ModelSource};
use crate::{Generated, Generator};

/// The change report's file, beside `Cargo.toml`.
pub const FILE: &str = "CHANGES.md";

/// A crate regenerated over an existing directory.
#[derive(Debug)]
pub struct Regenerated {
    /// The files, `CHANGES.md` and the manifest's record of the model among them.
    pub generated: Generated,
    /// The model the directory was generated from, as its manifest records it.
    pub recorded: Option<ModelSource>,
    /// The model it is generated from now.
    pub source: ModelSource,
    /// What changed, when the model did and the earlier one was found.
    pub report: Option<Report>,
}

impl Regenerated {
    /// Whether the model differs from the one the directory was generated from.
    pub fn model_changed(&self) -> bool {
        self.recorded
            .as_ref()
            .is_some_and(|recorded| recorded.sha256 != self.source.sha256)
    }
}

/// Generates a crate from the model file at `path` to replace the one in `out` (which may not
/// exist yet), recording the model's hash in the manifest and writing `CHANGES.md`. `earlier`
/// returns the text of the model file whose SHA-256 it is given, if it can find it; it is only
/// called when the model changed.
pub fn regenerate(
    path: &Path,
    out: &Path,
    generator: &Generator,
    earlier: impl FnOnce(&ModelSource) -> Option<String>,
) -> Result<Regenerated> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let source = ModelSource::of(path, text.as_bytes());
    let model = Model::parse(path, &text)?;
    let mut generated = generator.clone().source(source.clone()).generate(&model)?;
    let read = |file: &str| std::fs::read_to_string(out.join(file)).ok();
    let recorded = read("Cargo.toml").and_then(|manifest| ModelSource::from_manifest(&manifest));
    let existing = read(FILE);
    let mut report = None;
    let changes = match &recorded {
        Some(recorded) if recorded.sha256 != source.sha256 => match earlier(recorded) {
            Some(text) => {
                let name = Path::new(&recorded.file);
                let old = Model::parse(name, &text)?;
                let found = crate::diff::diff(
                    &old,
                    &model,
                    generator.selected_service(),
                    generator.selected_operations(),
                )?;
                let file = updated(recorded, &source, &found);
                report = Some(found);
                file
            }
            None => not_found(recorded, &source),
        },
        // The same model: the file still describes its last update.
        Some(_) => match existing {
            Some(existing) if existing.contains(&source.sha256) => existing,
            _ => first(&source),
        },
        None => first(&source),
    };
    generated.files.insert(FILE.to_string(), changes);
    Ok(Regenerated {
        generated,
        recorded,
        source,
        report,
    })
}

fn header() -> String {
    format!("<!-- {} -->\n\n# Model changes\n\n", crate::tokens::HEADER)
}

fn updated(from: &ModelSource, to: &ModelSource, report: &Report) -> String {
    format!(
        "{}The last model update: `{}` sha256 `{}` → `{}` sha256 `{}`.\n\n{}",
        header(),
        from.file,
        from.sha256,
        to.file,
        to.sha256,
        report.markdown()
    )
}

fn not_found(from: &ModelSource, to: &ModelSource) -> String {
    format!(
        "{}The model changed from `{}` sha256 `{}` to `{}` sha256 `{}`, but the earlier \
         model was not found (not in the model file's git history), so there is no report. \
         `cargo xtask diff OLD NEW` reports the changes between two model files.\n",
        header(),
        from.file,
        from.sha256,
        to.file,
        to.sha256
    )
}

fn first(source: &ModelSource) -> String {
    format!(
        "{}Generated from `{}` sha256 `{}`; no earlier model is recorded. When the model \
         changes, `cargo xtask codegen` reports here what the update changed in this crate.\n",
        header(),
        source.file,
        source.sha256
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_hash_is_sha256_of_the_bytes_as_sha256sum_prints_it() {
        let source = ModelSource::of(Path::new("/some/where/model.json"), b"abc");
        assert_eq!(source.file, "model.json");
        assert_eq!(
            source.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_manifest_without_the_table_or_with_a_malformed_hash_records_nothing() {
        assert_eq!(
            ModelSource::from_manifest("[package]\nname = \"x\"\n"),
            None
        );
        let short = "[package.metadata.codegen]\nmodel = \"m.json\"\nmodel-sha256 = \"abc\"\n";
        assert_eq!(ModelSource::from_manifest(short), None);
        // The keys count only inside their table.
        let elsewhere = format!(
            "[package]\nmodel = \"m.json\"\nmodel-sha256 = \"{}\"\n",
            "0".repeat(64)
        );
        assert_eq!(ModelSource::from_manifest(&elsewhere), None);
    }

    proptest! {
        #[test]
        fn the_manifest_table_reads_back_and_stays_one_toml_string_per_key(
            file in "\\PC{0,40}|[\"\\\\\n\r\t\u{7f}]{1,5}",
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let source = ModelSource { file: file.clone(), sha256: ModelSource::of(Path::new("m"), &bytes).sha256 };
            let table = source.manifest_table();
            // Whatever the name, the table has its three lines: a name cannot add keys or tables.
            prop_assert_eq!(table.lines().count(), 4);
            let read = ModelSource::from_manifest(&format!("[package]\nname = \"x\"\n\n{table}\n[features]\n"));
            let read = read.expect("recorded");
            prop_assert_eq!(&read.sha256, &source.sha256);
            if !file.contains(['"', '\\']) && !file.chars().any(char::is_control) {
                prop_assert_eq!(read.file, file);
            }
        }

        #[test]
        fn any_manifest_text_is_read_without_panicking(text in "\\PC*|(\\[package.metadata.codegen\\]\n[a-z0-9=\" -]{0,80}\n){1,3}") {
            let _ = ModelSource::from_manifest(&text);
        }
    }
}
