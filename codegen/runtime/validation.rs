//! Client-side constraint validation: the types users see and the checks generated
//! validators call. Field paths are built on the stack and rendered only for violations.

use std::fmt;

/// Everything wrong with an input, found before anything was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    violations: Vec<Violation>,
}

impl ValidationError {
    /// One missing required member, at the top level.
    pub(crate) fn required(member: &str) -> Self {
        ValidationError {
            violations: vec![Violation {
                path: member.to_string(),
                kind: ViolationKind::Required,
            }],
        }
    }

    /// A member whose value cannot be put in the request (an empty URI label, a header value
    /// with a line break).
    pub(crate) fn unsendable(member: &str, reason: &'static str) -> Self {
        ValidationError {
            violations: vec![Violation {
                path: member.to_string(),
                kind: ViolationKind::Unsendable { reason },
            }],
        }
    }

    /// Every violated constraint, in member order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.violations.as_slice() {
            [one] => write!(f, "invalid input: {one}"),
            many => {
                write!(f, "invalid input: {} constraint violations", many.len())?;
                for v in many {
                    write!(f, "; {v}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ValidationError {}

/// One violated constraint at one field path, such as `Settings.OutputConfig.S3Bucket`.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    path: String,
    kind: ViolationKind,
}

impl Violation {
    /// The member's path from the input, using the model's member names (`[i]` for list items).
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn kind(&self) -> &ViolationKind {
        &self.kind
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)
    }
}

/// The constraint that was violated, with the offending length or value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// A `@required` member is missing.
    Required,
    /// `@length`: Unicode scalar values for strings, bytes for blobs, entries for lists and maps.
    Length {
        min: Option<u64>,
        max: Option<u64>,
        actual: u64,
    },
    /// `@range`, inclusive. `actual` is `None` when the member is `@sensitive`.
    Range {
        min: Option<f64>,
        max: Option<f64>,
        actual: Option<f64>,
    },
    /// `@pattern` (an ECMA-262 regular expression, applied as a search) did not match.
    Pattern { pattern: &'static str },
    /// The value cannot be sent where the protocol puts it (an empty URI label, a header value
    /// with a line break), whatever the constraints say.
    Unsendable { reason: &'static str },
}

impl fmt::Display for ViolationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViolationKind::Required => f.write_str("is required but was not set"),
            ViolationKind::Length { min, max, actual } => match (min, max) {
                (Some(min), _) if actual < min => {
                    write!(f, "length {actual} is below the minimum {min}")
                }
                (_, Some(max)) => write!(f, "length {actual} is above the maximum {max}"),
                _ => write!(f, "length {actual} is out of bounds"),
            },
            ViolationKind::Range { min, max, actual } => {
                let shown = actual.map_or("the value".to_string(), |v| format!("value {v}"));
                match (min, max, actual) {
                    (Some(min), _, Some(v)) if v < min => {
                        write!(f, "{shown} is below the minimum {min}")
                    }
                    (_, Some(max), Some(v)) if v > max => {
                        write!(f, "{shown} is above the maximum {max}")
                    }
                    (min, max, _) => {
                        let bound = |b: &Option<f64>| b.map_or(String::new(), |b| b.to_string());
                        write!(
                            f,
                            "{shown} is outside the range {}..={}",
                            bound(min),
                            bound(max)
                        )
                    }
                }
            }
            ViolationKind::Pattern { pattern } => {
                write!(f, "does not match the pattern {pattern}")
            }
            ViolationKind::Unsendable { reason } => f.write_str(reason),
        }
    }
}

/// A field path under construction: a linked list of stack frames, rendered on demand.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Member(&'a Path<'a>, &'static str),
    Index(&'a Path<'a>, usize),
    Key(&'a Path<'a>, &'a str),
    /// A map key itself (as opposed to the value under it).
    MapKey(&'a Path<'a>, &'a str),
}

impl<'a> Path<'a> {
    pub(crate) fn member(&'a self, name: &'static str) -> Path<'a> {
        Path::Member(self, name)
    }

    pub(crate) fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    pub(crate) fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    pub(crate) fn map_key(&'a self, key: &'a str) -> Path<'a> {
        Path::MapKey(self, key)
    }

    fn render(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Member(parent, name) => {
                parent.render(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Path::Index(parent, index) => {
                parent.render(out);
                out.push_str(&format!("[{index}]"));
            }
            Path::Key(parent, key) => {
                parent.render(out);
                out.push_str(&format!("[{key:?}]"));
            }
            Path::MapKey(parent, key) => {
                parent.render(out);
                out.push_str(&format!("[{key:?}] (key)"));
            }
        }
    }
}

/// Collects violations while a validator walks an input.
#[derive(Default)]
pub(crate) struct Violations(Vec<Violation>);

impl Violations {
    pub(crate) fn push(&mut self, path: &Path<'_>, kind: ViolationKind) {
        let mut rendered = String::new();
        path.render(&mut rendered);
        self.0.push(Violation {
            path: rendered,
            kind,
        });
    }

    pub(crate) fn into_result(self) -> Result<(), ValidationError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { violations: self.0 })
        }
    }

    pub(crate) fn required<T>(&mut self, path: &Path<'_>, value: &Option<T>) {
        if value.is_none() {
            self.push(path, ViolationKind::Required);
        }
    }

    /// `@length` on a count that is already known (bytes, entries, scalar values).
    pub(crate) fn length(
        &mut self,
        path: &Path<'_>,
        actual: usize,
        min: Option<u64>,
        max: Option<u64>,
    ) {
        let actual = actual as u64;
        if min.is_some_and(|min| actual < min) || max.is_some_and(|max| actual > max) {
            self.push(path, ViolationKind::Length { min, max, actual });
        }
    }

    /// `@length` on a string counts Unicode scalar values: `"é🍔"` has length 2.
    pub(crate) fn str_length(
        &mut self,
        path: &Path<'_>,
        value: &str,
        min: Option<u64>,
        max: Option<u64>,
    ) {
        self.length(path, value.chars().count(), min, max);
    }

    /// `@pattern`: `matched` is the compiled matcher's (or the ECMAScript engine's) answer.
    pub(crate) fn pattern(&mut self, path: &Path<'_>, matched: bool, source: &'static str) {
        if !matched {
            self.push(path, ViolationKind::Pattern { pattern: source });
        }
    }

    /// `@range`, inclusive; NaN is outside every range.
    pub(crate) fn range(
        &mut self,
        path: &Path<'_>,
        value: f64,
        min: Option<f64>,
        max: Option<f64>,
        sensitive: bool,
    ) {
        let inside = !value.is_nan()
            && min.is_none_or(|min| value >= min)
            && max.is_none_or(|max| value <= max);
        if !inside {
            let actual = (!sensitive).then_some(value);
            self.push(path, ViolationKind::Range { min, max, actual });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_members_indexes_and_keys() {
        let root = Path::Root;
        let settings = root.member("Settings");
        let prefs = settings.member("ChallengePreferences");
        let item = prefs.index(2);
        let kind = item.member("Type");
        let tags = root.member("Tags");
        let key = tags.key("a\"b");
        let map_key = tags.map_key("K");
        let mut v = Violations::default();
        v.push(&kind, ViolationKind::Required);
        v.push(&key, ViolationKind::Required);
        v.push(&map_key, ViolationKind::Required);
        let err = v.into_result().unwrap_err();
        assert_eq!(
            err.violations()[0].path(),
            "Settings.ChallengePreferences[2].Type"
        );
        assert_eq!(err.violations()[1].path(), "Tags[\"a\\\"b\"]");
        assert_eq!(err.violations()[2].path(), "Tags[\"K\"] (key)");
    }

    #[test]
    fn string_length_counts_scalar_values() {
        let mut v = Violations::default();
        v.str_length(&Path::Root.member("S"), "é🍔", Some(2), Some(2));
        assert!(v.into_result().is_ok());
    }

    #[test]
    fn messages_name_the_bound_that_was_crossed() {
        let short = ViolationKind::Length {
            min: Some(3),
            max: Some(255),
            actual: 2,
        };
        assert_eq!(short.to_string(), "length 2 is below the minimum 3");
        let long = ViolationKind::Length {
            min: Some(3),
            max: Some(255),
            actual: 256,
        };
        assert_eq!(long.to_string(), "length 256 is above the maximum 255");
        let high = ViolationKind::Range {
            min: Some(0.0),
            max: Some(4.0),
            actual: Some(5.0),
        };
        assert_eq!(high.to_string(), "value 5 is above the maximum 4");
        let nan = ViolationKind::Range {
            min: Some(0.0),
            max: Some(100.0),
            actual: Some(f64::NAN),
        };
        assert_eq!(nan.to_string(), "value NaN is outside the range 0..=100");
        let hidden = ViolationKind::Range {
            min: Some(0.0),
            max: None,
            actual: None,
        };
        assert_eq!(hidden.to_string(), "the value is outside the range 0..=");
    }

    #[test]
    fn range_is_inclusive_and_rejects_nan() {
        let mut v = Violations::default();
        let p = Path::Root.member("N");
        v.range(&p, 0.0, Some(0.0), Some(4.0), false);
        v.range(&p, 4.0, Some(0.0), Some(4.0), false);
        assert!(std::mem::take(&mut v).into_result().is_ok());
        v.range(&p, f64::NAN, Some(0.0), Some(4.0), false);
        v.range(&p, 4.5, Some(0.0), Some(4.0), false);
        assert_eq!(v.into_result().unwrap_err().violations().len(), 2);
    }
}
