//! The partitions file `aws.partition` reads: each partition's id, region pattern (compiled to
//! an automaton here), regions and attributes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::automaton;
use crate::error::{Error, Result, model_error};

/// The partitions file shipped with the generator (`model/partitions.json`).
const BUNDLED_PARTITIONS: &str = include_str!("../../../model/partitions.json");

/// The partitions `aws.partition` chooses from, in file order.
#[derive(Debug, Clone)]
pub struct Partitions {
    pub file: PathBuf,
    pub partitions: Vec<PartitionDef>,
}

#[derive(Debug, Clone)]
pub struct PartitionDef {
    pub id: String,
    pub regions: Vec<String>,
    pub region_regex: String,
    pub tables: automaton::Tables,
    pub dns_suffix: String,
    pub dual_stack_dns_suffix: String,
    pub supports_fips: bool,
    pub supports_dual_stack: bool,
    pub implicit_global_region: String,
}

impl Partitions {
    /// The generator's own `model/partitions.json`.
    pub fn bundled() -> Result<Partitions> {
        Partitions::parse(BUNDLED_PARTITIONS, Path::new("model/partitions.json"))
    }

    /// Reads a partitions file (the layout of `model/partitions.json`).
    pub fn load(path: &Path) -> Result<Partitions> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Partitions::parse(&text, path)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Partitions> {
        let root: Value = serde_json::from_str(text).map_err(|e| Error::Syntax {
            file: file.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let err = |path: &str, message: &str| model_error(file, path, message);
        let list = root
            .get("partitions")
            .and_then(Value::as_array)
            .ok_or_else(|| err("$", "expected a `partitions` array"))?;
        let mut partitions = Vec::new();
        for (i, p) in list.iter().enumerate() {
            let at = format!("$.partitions[{i}]");
            let string = |obj: &Value, key: &str, at: &str| -> Result<String> {
                obj.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| err(&format!("{at}.{key}"), "expected a string"))
            };
            let boolean = |obj: &Value, key: &str, at: &str| -> Result<bool> {
                obj.get(key)
                    .and_then(Value::as_bool)
                    .ok_or_else(|| err(&format!("{at}.{key}"), "expected a boolean"))
            };
            let id = string(p, "id", &at)?;
            let region_regex = string(p, "regionRegex", &at)?;
            // The file's patterns are Java regular expressions, where `\-` outside a class is a
            // plain hyphen; ECMAScript's Unicode mode (what the automaton compiler reads)
            // rejects that escape, so it is written as the hyphen it means.
            let ecma = region_regex.replace("\\-", "-");
            let tables = automaton::compile(&ecma).map_err(|e| {
                err(
                    &format!("{at}.regionRegex"),
                    &format!("pattern {region_regex:?} cannot be compiled: {e}"),
                )
            })?;
            let regions = p
                .get("regions")
                .and_then(Value::as_object)
                .ok_or_else(|| err(&format!("{at}.regions"), "expected an object"))?
                .keys()
                .cloned()
                .collect();
            let out_at = format!("{at}.outputs");
            let outputs = p
                .get("outputs")
                .ok_or_else(|| err(&out_at, "expected an object"))?;
            partitions.push(PartitionDef {
                dns_suffix: string(outputs, "dnsSuffix", &out_at)?,
                dual_stack_dns_suffix: string(outputs, "dualStackDnsSuffix", &out_at)?,
                supports_fips: boolean(outputs, "supportsFIPS", &out_at)?,
                supports_dual_stack: boolean(outputs, "supportsDualStack", &out_at)?,
                implicit_global_region: string(outputs, "implicitGlobalRegion", &out_at)?,
                id,
                regions,
                region_regex,
                tables,
            });
        }
        Ok(Partitions {
            file: file.to_path_buf(),
            partitions,
        })
    }
}
