//! JSON wire helpers shared by every generated awsJson codec.
//!
//! Writing is a small hand-rolled writer (member order as in the model, compact output);
//! reading goes through `serde_json::Value` and reports the path of anything malformed.

use std::fmt;

use base64::Engine as _;
use serde_json::{Map, Value};

use super::datetime::DateTime;

/// Writes one JSON object; `field` starts a member, the caller then writes its value.
pub(crate) struct ObjectWriter<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        ObjectWriter { out, first: true }
    }

    /// Starts the member `name`: a Smithy member name, an identifier (the model loader checks),
    /// so it needs no escaping. Keys from data go through [`ObjectWriter::key`].
    pub(crate) fn field(&mut self, name: &str) -> &mut Vec<u8> {
        self.separate();
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    /// Starts a member whose key is data (a map key, a document's key): escaped as any string.
    pub(crate) fn key(&mut self, key: &str) -> &mut Vec<u8> {
        self.separate();
        write_str(self.out, key);
        self.out.push(b':');
        self.out
    }

    /// A comma before every member but the first.
    fn separate(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    /// Writes the member `name`.
    pub(crate) fn member<T: WriteJson + ?Sized>(&mut self, name: &str, value: &T) {
        value.write_json(self.field(name));
    }

    /// Writes the member `name` when it is set.
    pub(crate) fn optional<T: WriteJson>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            value.write_json(self.field(name));
        }
    }

    pub(crate) fn finish(self) {
        self.out.push(b'}');
    }
}

/// A value with one JSON form under the awsJson defaults (timestamps as epoch seconds, blobs
/// as base64, `None` in a sparse collection as `null`): what [`ObjectWriter::member`] and
/// [`ObjectWriter::optional`] write. The generated structures, unions and enums implement it;
/// a member with another timestamp format is written by its own function instead.
pub(crate) trait WriteJson {
    fn write_json(&self, out: &mut Vec<u8>);
}

impl WriteJson for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_str(out, self);
    }
}

impl WriteJson for bool {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_bool(out, *self);
    }
}

macro_rules! write_json_with {
    ($write:ident: $($ty:ty),*) => {
        $(impl WriteJson for $ty {
            fn write_json(&self, out: &mut Vec<u8>) {
                $write(out, *self);
            }
        })*
    };
}

write_json_with!(write_int: i8, i16, i32, i64);
write_json_with!(write_float: f32, f64);
write_json_with!(write_epoch_seconds: DateTime);

/// A blob.
impl WriteJson for Vec<u8> {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_blob(out, self);
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_list(out, self, |out, item| item.write_json(out));
    }
}

impl<K: AsRef<str>, V: WriteJson> WriteJson for std::collections::BTreeMap<K, V> {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_map(out, self, |out, value| value.write_json(out));
    }
}

/// An item or value of a sparse collection.
impl<T: WriteJson> WriteJson for Option<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Some(value) => value.write_json(out),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// A member boxed to break a recursion.
impl<T: WriteJson + ?Sized> WriteJson for Box<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        (**self).write_json(out);
    }
}

impl WriteJson for super::document::Document {
    fn write_json(&self, out: &mut Vec<u8>) {
        super::document::write(out, self);
    }
}

pub(crate) fn write_str(out: &mut Vec<u8>, value: &str) {
    /// Bytes JSON strings must escape: control characters, `"` and `\`.
    const ESCAPED: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            table[b] = true;
            b += 1;
        }
        table[b'"' as usize] = true;
        table[b'\\' as usize] = true;
        table
    };
    out.push(b'"');
    let bytes = value.as_bytes();
    let mut start = 0;
    // Runs without escapes are copied whole; most strings are one such run.
    while let Some(offset) = bytes[start..].iter().position(|&b| ESCAPED[usize::from(b)]) {
        let i = start + offset;
        out.extend_from_slice(&bytes[start..i]);
        match bytes[i] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

pub(crate) fn write_bool(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

pub(crate) fn write_int(out: &mut Vec<u8>, value: impl Into<i64>) {
    let value: i64 = value.into();
    if value < 0 {
        out.push(b'-');
    }
    // Digits from the last, on the stack (20 digits hold any `u64`).
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Finite floats as JSON numbers (shortest round-trip form); NaN and the infinities as the
/// strings `"NaN"`, `"Infinity"` and `"-Infinity"`, as the awsJson protocols specify.
pub(crate) fn write_float(out: &mut Vec<u8>, value: impl Into<Float>) {
    match value.into() {
        Float::F32(v) if v.is_finite() => out.extend_from_slice(v.to_string().as_bytes()),
        Float::F64(v) if v.is_finite() => out.extend_from_slice(v.to_string().as_bytes()),
        other => write_str(
            out,
            if other.is_nan() {
                "NaN"
            } else if other.is_sign_negative() {
                "-Infinity"
            } else {
                "Infinity"
            },
        ),
    }
}

/// A float of either width, so `f32` keeps its own shortest representation (`0.1`, not
/// `0.10000000149011612`).
#[derive(Clone, Copy)]
pub(crate) enum Float {
    F32(f32),
    F64(f64),
}

impl Float {
    fn is_nan(self) -> bool {
        match self {
            Float::F32(v) => v.is_nan(),
            Float::F64(v) => v.is_nan(),
        }
    }

    fn is_sign_negative(self) -> bool {
        match self {
            Float::F32(v) => v.is_sign_negative(),
            Float::F64(v) => v.is_sign_negative(),
        }
    }
}

impl From<f32> for Float {
    fn from(v: f32) -> Self {
        Float::F32(v)
    }
}

impl From<f64> for Float {
    fn from(v: f64) -> Self {
        Float::F64(v)
    }
}

pub(crate) fn write_blob(out: &mut Vec<u8>, value: &[u8]) {
    out.push(b'"');
    let start = out.len();
    let encoded_len = base64::encoded_len(value.len(), true).unwrap_or(0);
    out.resize(start + encoded_len, 0);
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(value, &mut out[start..])
        .unwrap_or(0);
    out.truncate(start + written);
    out.push(b'"');
}

pub(crate) fn write_list<T>(
    out: &mut Vec<u8>,
    items: &[T],
    mut write: impl FnMut(&mut Vec<u8>, &T),
) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

/// A list whose items may be null (`@sparse`).
pub(crate) fn write_sparse_list<T>(
    out: &mut Vec<u8>,
    items: &[Option<T>],
    mut write: impl FnMut(&mut Vec<u8>, &T),
) {
    write_list(out, items, |out, item| match item {
        Some(item) => write(out, item),
        None => out.extend_from_slice(b"null"),
    });
}

/// A map as a JSON object, in key order.
pub(crate) fn write_map<K: AsRef<str>, V>(
    out: &mut Vec<u8>,
    map: &std::collections::BTreeMap<K, V>,
    mut write: impl FnMut(&mut Vec<u8>, &V),
) {
    let mut object = ObjectWriter::new(out);
    for (key, value) in map {
        write(object.key(key.as_ref()), value);
    }
    object.finish();
}

/// A map whose values may be null (`@sparse`).
pub(crate) fn write_sparse_map<K: AsRef<str>, V>(
    out: &mut Vec<u8>,
    map: &std::collections::BTreeMap<K, Option<V>>,
    mut write: impl FnMut(&mut Vec<u8>, &V),
) {
    write_map(out, map, |out, value| match value {
        Some(value) => write(out, value),
        None => out.extend_from_slice(b"null"),
    });
}

/// A timestamp as epoch seconds: an integer, or a decimal when it has a fraction.
pub(crate) fn write_epoch_seconds(out: &mut Vec<u8>, time: DateTime) {
    if time.subsec_nanos() == 0 {
        write_int(out, time.secs());
    } else {
        write_float(out, time.as_secs_f64());
    }
}

/// A timestamp as an RFC 3339 string.
pub(crate) fn write_date_time(out: &mut Vec<u8>, time: DateTime) {
    write_str(out, &time.to_date_time());
}

/// A timestamp as an IMF-fixdate string.
pub(crate) fn write_http_date(out: &mut Vec<u8>, time: DateTime) {
    write_str(out, &time.to_http_date());
}

/// A response body that does not have the shape the model promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeserializeError {
    path: Vec<String>,
    message: String,
}

impl DeserializeError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        DeserializeError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    fn expected(what: &str, found: &Value) -> Self {
        DeserializeError::new(format!("expected {what}, found {}", kind_of(found)))
    }

    /// Prefixes the path with a member name (errors bubble up from the leaf).
    pub(crate) fn at(mut self, member: &str) -> Self {
        self.path.push(member.to_string());
        self
    }

    fn at_index(mut self, index: usize) -> Self {
        self.path.push(format!("[{index}]"));
        self
    }

    fn at_key(mut self, key: &str) -> Self {
        self.path.push(format!("[{key:?}]"));
        self
    }

    /// Where in the body the problem is, e.g. `AuditImages[1].Bytes` (empty at the top).
    pub fn path(&self) -> String {
        let mut rendered = String::new();
        for segment in self.path.iter().rev() {
            if !rendered.is_empty() && !segment.starts_with('[') {
                rendered.push('.');
            }
            rendered.push_str(segment);
        }
        rendered
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DeserializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "malformed response body: {}", self.message)
        } else {
            write!(
                f,
                "malformed response body at {}: {}",
                self.path(),
                self.message
            )
        }
    }
}

impl std::error::Error for DeserializeError {}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses a body; an empty (or all-whitespace) body reads as `{}`.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, DeserializeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(body).map_err(|e| DeserializeError::new(format!("invalid JSON: {e}")))
}

pub(crate) fn object(value: &Value) -> Result<&Map<String, Value>, DeserializeError> {
    value
        .as_object()
        .ok_or_else(|| DeserializeError::expected("an object", value))
}

pub(crate) fn string(value: &Value) -> Result<String, DeserializeError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(DeserializeError::expected("a string", other)),
    }
}

pub(crate) fn boolean(value: &Value) -> Result<bool, DeserializeError> {
    value
        .as_bool()
        .ok_or_else(|| DeserializeError::expected("a boolean", value))
}

/// An integer of the member's width; fractions and out-of-range values are errors.
pub(crate) fn integer<T: TryFrom<i64>>(value: &Value) -> Result<T, DeserializeError> {
    let wide = value
        .as_i64()
        .ok_or_else(|| DeserializeError::expected("an integer", value))?;
    T::try_from(wide).map_err(|_| {
        DeserializeError::new(format!(
            "integer {wide} is out of range for a {}-bit member",
            8 * std::mem::size_of::<T>()
        ))
    })
}

pub(crate) fn double(value: &Value) -> Result<f64, DeserializeError> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| DeserializeError::expected("a number", value)),
        Value::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => Err(DeserializeError::new(format!(
                "expected a number or \"NaN\"/\"Infinity\"/\"-Infinity\", found the string {s:?}"
            ))),
        },
        other => Err(DeserializeError::expected("a number", other)),
    }
}

pub(crate) fn float(value: &Value) -> Result<f32, DeserializeError> {
    // Narrowing is the point: the model says this member is a 32-bit float.
    double(value).map(|v| v as f32)
}

pub(crate) fn blob(value: &Value) -> Result<Vec<u8>, DeserializeError> {
    let Value::String(encoded) = value else {
        return Err(DeserializeError::expected("a base64 string", value));
    };
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|e| DeserializeError::new(format!("invalid base64: {e}")))
}

/// Epoch seconds, whole or fractional.
pub(crate) fn epoch_seconds(value: &Value) -> Result<DateTime, DeserializeError> {
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(secs), _) => Ok(DateTime::from_secs(secs)),
            (None, Some(secs)) if secs.is_finite() => Ok(DateTime::from_secs_f64(secs)),
            _ => Err(DeserializeError::new(format!(
                "{n} is not a usable epoch-seconds timestamp"
            ))),
        },
        other => Err(DeserializeError::expected(
            "a number of epoch seconds",
            other,
        )),
    }
}

/// An RFC 3339 `date-time` string.
pub(crate) fn date_time(value: &Value) -> Result<DateTime, DeserializeError> {
    let text = string(value)?;
    DateTime::parse_date_time(&text)
        .ok_or_else(|| DeserializeError::new(format!("{text:?} is not an RFC 3339 date-time")))
}

/// An IMF-fixdate `http-date` string.
pub(crate) fn http_date(value: &Value) -> Result<DateTime, DeserializeError> {
    let text = string(value)?;
    DateTime::parse_http_date(&text)
        .ok_or_else(|| DeserializeError::new(format!("{text:?} is not an HTTP date")))
}

/// A list's items read by `item`, each error at its index; nulls dropped unless `keep_null`.
fn items<T>(
    value: &Value,
    keep_null: bool,
    mut item: impl FnMut(&Value) -> Result<T, DeserializeError>,
) -> Result<Vec<T>, DeserializeError> {
    let Value::Array(items) = value else {
        return Err(DeserializeError::expected("an array", value));
    };
    // A loop, not an iterator chain: this is compiled once per item type, and the chain's
    // adapters would be too.
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        if keep_null || !v.is_null() {
            match item(v) {
                Ok(read) => out.push(read),
                Err(e) => return Err(e.at_index(i)),
            }
        }
    }
    Ok(out)
}

/// A map's entries, keys by `key` and values by `read`, each error at its key; entries with
/// null values dropped unless `keep_null`.
fn entries<K: Ord, V>(
    value: &Value,
    keep_null: bool,
    key: impl Fn(&str) -> K,
    mut read: impl FnMut(&Value) -> Result<V, DeserializeError>,
) -> Result<std::collections::BTreeMap<K, V>, DeserializeError> {
    // A loop, as in `items`.
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in object(value)? {
        if keep_null || !v.is_null() {
            let key = key(k);
            match read(v) {
                Ok(read) => {
                    out.insert(key, read);
                }
                Err(e) => return Err(e.at_key(k)),
            }
        }
    }
    Ok(out)
}

/// `None` for a JSON null, else the value read by `read`: an item of a sparse collection.
fn nullable<T>(
    value: &Value,
    read: impl FnOnce(&Value) -> Result<T, DeserializeError>,
) -> Result<Option<T>, DeserializeError> {
    if value.is_null() {
        Ok(None)
    } else {
        read(value).map(Some)
    }
}

/// A dense list: JSON nulls are dropped.
pub(crate) fn list<T>(
    value: &Value,
    item: impl FnMut(&Value) -> Result<T, DeserializeError>,
) -> Result<Vec<T>, DeserializeError> {
    items(value, false, item)
}

/// A sparse list: JSON nulls are kept as `None`.
pub(crate) fn sparse_list<T>(
    value: &Value,
    mut item: impl FnMut(&Value) -> Result<T, DeserializeError>,
) -> Result<Vec<Option<T>>, DeserializeError> {
    items(value, true, |v| nullable(v, &mut item))
}

/// A dense map: entries with null values are dropped.
pub(crate) fn map<K: Ord, V>(
    value: &Value,
    key: impl Fn(&str) -> K,
    read: impl FnMut(&Value) -> Result<V, DeserializeError>,
) -> Result<std::collections::BTreeMap<K, V>, DeserializeError> {
    entries(value, false, key, read)
}

/// A sparse map: null values are kept as `None`.
pub(crate) fn sparse_map<K: Ord, V>(
    value: &Value,
    key: impl Fn(&str) -> K,
    mut read: impl FnMut(&Value) -> Result<V, DeserializeError>,
) -> Result<std::collections::BTreeMap<K, Option<V>>, DeserializeError> {
    entries(value, true, key, |v| nullable(v, &mut read))
}

/// A value with one JSON form under the awsJson defaults (timestamps as epoch seconds, blobs
/// as base64): what [`get`] and [`read_body`] read. The generated structures, unions and enums
/// implement it; a member with another timestamp format is read by its own function instead.
pub(crate) trait ReadJson: Sized {
    /// Whether a collection keeps a JSON null as an item (`@sparse`, `Option` items) rather
    /// than dropping it.
    const KEEPS_NULL: bool = false;

    fn read_json(value: &Value) -> Result<Self, DeserializeError>;
}

macro_rules! read_json_with {
    ($read:expr => $($ty:ty),*) => {
        $(impl ReadJson for $ty {
            fn read_json(value: &Value) -> Result<Self, DeserializeError> {
                $read(value)
            }
        })*
    };
}

read_json_with!(string => String);
read_json_with!(boolean => bool);
read_json_with!(integer => i8, i16, i32, i64);
read_json_with!(float => f32);
read_json_with!(double => f64);
read_json_with!(epoch_seconds => DateTime);
read_json_with!(blob => Vec<u8>);
read_json_with!(super::document::read => super::document::Document);

impl<T: ReadJson> ReadJson for Vec<T> {
    fn read_json(value: &Value) -> Result<Self, DeserializeError> {
        items(value, T::KEEPS_NULL, T::read_json)
    }
}

impl<K: for<'k> From<&'k str> + Ord, V: ReadJson> ReadJson for std::collections::BTreeMap<K, V> {
    fn read_json(value: &Value) -> Result<Self, DeserializeError> {
        entries(value, V::KEEPS_NULL, |k: &str| K::from(k), V::read_json)
    }
}

/// An item or value of a sparse collection: null is `None`.
impl<T: ReadJson> ReadJson for Option<T> {
    const KEEPS_NULL: bool = true;

    fn read_json(value: &Value) -> Result<Self, DeserializeError> {
        nullable(value, T::read_json)
    }
}

/// A member boxed to break a recursion.
impl<T: ReadJson> ReadJson for Box<T> {
    fn read_json(value: &Value) -> Result<Self, DeserializeError> {
        T::read_json(value).map(Box::new)
    }
}

/// The member `key` of `object` (absent or null: `None`).
pub(crate) fn get<T: ReadJson>(
    object: &Map<String, Value>,
    key: &str,
) -> Result<Option<T>, DeserializeError> {
    member(object, &[key], T::read_json)
}

/// A response body read as `T`.
pub(crate) fn read_body<T: ReadJson>(body: &[u8]) -> Result<T, DeserializeError> {
    T::read_json(&parse_body(body)?)
}

/// A member of an object, read under the first of `keys` present; absent or null is `None`.
pub(crate) fn member<T>(
    object: &Map<String, Value>,
    keys: &[&str],
    read: impl FnOnce(&Value) -> Result<T, DeserializeError>,
) -> Result<Option<T>, DeserializeError> {
    match lookup(object, keys) {
        None => Ok(None),
        Some((key, value)) => match read(value) {
            Ok(value) => Ok(Some(value)),
            Err(e) => Err(e.at(key)),
        },
    }
}

/// The value under the first of `keys` present, with that key, unless it is null. (Not
/// generic: one copy serves every member type.)
fn lookup<'a>(object: &'a Map<String, Value>, keys: &[&'a str]) -> Option<(&'a str, &'a Value)> {
    for key in keys {
        if let Some(value) = object.get(*key) {
            return (!value.is_null()).then_some((*key, value));
        }
    }
    None
}

/// A structure's members read one after the other, the first error kept: a generated reader
/// builds the structure with one call per member, no branch on each, and [`Fields::finish`]
/// returns it, or that error. The outcome is the same as stopping at the first error.
pub(crate) struct Fields<'a> {
    object: &'a Map<String, Value>,
    error: Option<DeserializeError>,
}

impl<'a> Fields<'a> {
    /// The members of `value`, which must be an object.
    pub(crate) fn new(value: &'a Value) -> Result<Self, DeserializeError> {
        Ok(Fields {
            object: object(value)?,
            error: None,
        })
    }

    /// [`get`]: `None` when absent, null or (the error kept) unreadable.
    pub(crate) fn get<T: ReadJson>(&mut self, key: &str) -> Option<T> {
        self.member(&[key], T::read_json)
    }

    /// [`member`]: `None` when absent, null or (the error kept) unreadable.
    pub(crate) fn member<T>(
        &mut self,
        keys: &[&str],
        read: impl FnOnce(&Value) -> Result<T, DeserializeError>,
    ) -> Option<T> {
        let (key, value) = lookup(self.object, keys)?;
        match read(value) {
            Ok(value) => Some(value),
            Err(e) => {
                self.fail(e.at(key));
                None
            }
        }
    }

    /// Keeps `error` unless an earlier member failed.
    fn fail(&mut self, error: DeserializeError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// The error of an earlier member, taken: a reader that stops at a missing member reports
    /// it first, as it would have stopped there.
    pub(crate) fn first_error(&mut self) -> Option<DeserializeError> {
        self.error.take()
    }

    /// `value`, unless a member failed.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, DeserializeError> {
        match self.error {
            None => Ok(value),
            Some(e) => Err(e),
        }
    }
}

/// What an error response says about itself.
#[derive(Debug)]
pub(crate) struct ErrorResponse {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    /// The code in `x-amzn-query-error` (`Code;Fault`), sent by query-compatible services.
    pub(crate) query_code: Option<String>,
    pub(crate) status: u16,
    /// The parsed body, or an empty object when it was empty or not JSON.
    pub(crate) body: Value,
}

impl ErrorResponse {
    /// The body read as the modeled error `T`, wrapped in the operation's error `variant`.
    pub(crate) fn read<T: ReadJson, E>(
        &self,
        variant: impl FnOnce(T) -> E,
    ) -> Result<E, DeserializeError> {
        T::read_json(&self.body).map(variant)
    }
}

/// Reads the error code (the `X-Amzn-Errortype` header, else the body's `code`, else its
/// `__type`), the message and the request id from an error response. Never fails: a body that
/// is not JSON just carries no code or message.
pub(crate) fn parse_error(status: u16, headers: &http::HeaderMap, body: &[u8]) -> ErrorResponse {
    let body = parse_body(body)
        .ok()
        .filter(Value::is_object)
        .unwrap_or_else(|| Value::Object(Map::new()));
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let body_str = |key: &str| body.get(key).and_then(Value::as_str);
    let code = header("x-amzn-errortype")
        .or_else(|| body_str("code"))
        .or_else(|| body_str("__type"))
        .map(|raw| sanitize_error_code(raw).to_string())
        .filter(|code| !code.is_empty());
    let message = ["message", "Message", "errorMessage"]
        .iter()
        .find_map(|key| body_str(key))
        .map(str::to_string);
    let request_id = header("x-amzn-requestid").map(str::to_string);
    let query_code = header("x-amzn-query-error")
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    ErrorResponse {
        code,
        message,
        request_id,
        query_code,
        status,
        body,
    }
}

/// `aws.protocoltests#FooError:http://internal/...` → `FooError`: cut at the first `:`, then
/// keep what follows the last `#`.
pub(crate) fn sanitize_error_code(raw: &str) -> &str {
    let raw = raw.split(':').next().unwrap_or(raw);
    raw.rsplit('#').next().unwrap_or(raw).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_the_first_error_as_stopping_there_would() {
        let value: Value =
            serde_json::from_str(r#"{"a": 1, "b": "x", "c": true, "d": null, "m": "hi"}"#)
                .expect("json");
        let mut fields = Fields::new(&value).expect("an object");
        assert_eq!(fields.get::<i32>("a"), Some(1));
        assert_eq!(fields.get::<i32>("b"), None, "unreadable");
        assert_eq!(
            fields.get::<i32>("c"),
            None,
            "unreadable, after the first error"
        );
        assert_eq!(fields.get::<i32>("d"), None, "null");
        assert_eq!(fields.get::<i32>("e"), None, "absent");
        assert_eq!(
            fields.member(&["message", "m"], ReadJson::read_json),
            Some("hi".to_string()),
            "the first key present"
        );
        let first = fields.finish(()).unwrap_err().to_string();
        let stopped = get::<i32>(object(&value).expect("object"), "b").unwrap_err();
        assert_eq!(first, stopped.to_string());
        assert!(first.contains('b'), "{first}");

        let mut fields = Fields::new(&value).expect("an object");
        assert_eq!(fields.get::<i32>("b"), None);
        assert!(fields.first_error().is_some());
        assert!(fields.finish(()).is_ok(), "taken");
        assert!(Fields::new(&Value::Null).is_err());
    }

    fn written(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).expect("the writer emits UTF-8")
    }

    #[test]
    fn integers_are_written_like_display() {
        for value in [0, 7, -7, 10, 42, -100, 1_234_567_890, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            write_int(&mut out, value);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string());
        }
    }

    #[test]
    fn strings_escape_like_serde_json() {
        for s in [
            "plain",
            "quote\" back\\slash",
            "ctl\u{0}\u{1f}\n\r\t\u{8}\u{c}",
            "é🍔",
            "",
        ] {
            let ours = written(|o| write_str(o, s));
            assert_eq!(ours, serde_json::to_string(s).expect("serializes"), "{s:?}");
        }
    }

    #[test]
    fn map_keys_from_data_are_escaped_and_cannot_inject_members() {
        let mut map = std::collections::BTreeMap::new();
        map.insert("we\"ird".to_string(), "v".to_string());
        map.insert("a\":\"injected\",\"b".to_string(), "w".to_string());
        map.insert("back\\slash\u{0}\n".to_string(), "x".to_string());
        let text = written(|o| write_map(o, &map, |o, v| write_str(o, v)));
        let parsed: Map<String, Value> = serde_json::from_str(&text).expect("valid JSON");
        let expected: Map<String, Value> = map
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        assert_eq!(parsed, expected);
    }

    #[test]
    fn document_keys_from_data_are_escaped() {
        use super::super::document::{self, Document};
        let text = r#"{"we\"ird":{"x\":1,\"y":[null,"\u0001"]}}"#;
        let value: Value = serde_json::from_str(text).expect("json");
        let doc: Document = document::read(&value).expect("document");
        let mut out = Vec::new();
        document::write(&mut out, &doc);
        let back: Value = serde_json::from_slice(&out).expect("valid JSON");
        assert_eq!(back, value);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// Any map of any strings (quotes, backslashes, control and non-BMP characters)
            /// is written as JSON that reads back as the same map.
            #[test]
            fn maps_of_arbitrary_strings_round_trip(
                map in prop::collection::btree_map(any::<String>(), any::<String>(), 0..6)
            ) {
                let mut out = Vec::new();
                write_map(&mut out, &map, |o, v| write_str(o, v));
                let parsed: Map<String, Value> = serde_json::from_slice(&out)
                    .map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&out))))?;
                prop_assert_eq!(parsed.len(), map.len());
                for (k, v) in &map {
                    prop_assert_eq!(parsed.get(k).and_then(Value::as_str), Some(v.as_str()));
                }
            }
        }
    }

    #[test]
    fn floats_use_strings_for_non_finite_values() {
        assert_eq!(written(|o| write_float(o, f64::NAN)), "\"NaN\"");
        assert_eq!(written(|o| write_float(o, f32::INFINITY)), "\"Infinity\"");
        assert_eq!(
            written(|o| write_float(o, f64::NEG_INFINITY)),
            "\"-Infinity\""
        );
        assert_eq!(written(|o| write_float(o, 0.1f32)), "0.1");
        assert_eq!(written(|o| write_float(o, 2.5f64)), "2.5");
        assert_eq!(written(|o| write_float(o, 3.0f64)), "3");
    }

    #[test]
    fn float_strings_read_back() {
        assert!(double(&Value::from("NaN")).expect("NaN").is_nan());
        assert_eq!(double(&Value::from("-Infinity")), Ok(f64::NEG_INFINITY));
        assert!(double(&Value::from("nan")).is_err());
    }

    #[test]
    fn blobs_round_trip_through_base64() {
        let out = written(|o| write_blob(o, b"hello\xff"));
        assert_eq!(out, "\"aGVsbG//\"");
        assert_eq!(blob(&Value::from("aGVsbG//")), Ok(b"hello\xff".to_vec()));
        assert!(blob(&Value::from("not base64!")).is_err());
    }

    #[test]
    fn integers_are_range_checked() {
        assert_eq!(integer::<i32>(&Value::from(7)), Ok(7));
        assert!(integer::<i8>(&Value::from(300)).is_err());
        assert!(integer::<i32>(&Value::from(1.5)).is_err());
    }

    #[test]
    fn error_codes_are_sanitized() {
        assert_eq!(
            sanitize_error_code(
                "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/"
            ),
            "FooError"
        );
        assert_eq!(sanitize_error_code("FooError"), "FooError");
        assert_eq!(sanitize_error_code("ns#FooError"), "FooError");
    }

    #[test]
    fn error_code_prefers_header_then_code_then_type() {
        let mut headers = http::HeaderMap::new();
        let body = br#"{"code":"FromCode","__type":"ns#FromType","Message":"m"}"#;
        assert_eq!(
            parse_error(400, &headers, body).code.as_deref(),
            Some("FromCode")
        );
        assert_eq!(
            parse_error(400, &headers, br#"{"__type":"ns#FromType"}"#)
                .code
                .as_deref(),
            Some("FromType")
        );
        headers.insert(
            "x-amzn-errortype",
            http::HeaderValue::from_static("FromHeader:http://x"),
        );
        let parsed = parse_error(400, &headers, body);
        assert_eq!(parsed.code.as_deref(), Some("FromHeader"));
        assert_eq!(parsed.message.as_deref(), Some("m"));
    }

    #[test]
    fn error_with_garbage_body_has_no_code() {
        let parsed = parse_error(500, &http::HeaderMap::new(), b"<html>oops</html>");
        assert_eq!(parsed.code, None);
        assert_eq!(parsed.status, 500);
    }

    #[test]
    fn deserialize_errors_render_their_path() {
        let err = list(&serde_json::json!([{"a": 1}, 5]), |v| object(v).map(|_| ()))
            .map_err(|e| e.at("Items").at("Outer"))
            .unwrap_err();
        assert_eq!(err.path(), "Outer.Items[1]");
        assert_eq!(
            err.to_string(),
            "malformed response body at Outer.Items[1]: expected an object, found a number"
        );
    }

    #[test]
    fn members_may_be_absent_null_or_aliased() {
        let body = serde_json::json!({"Message": "m", "Gone": null, "N": "x"});
        let object = object(&body).expect("object");
        assert_eq!(
            member(object, &["message", "Message"], string),
            Ok(Some("m".into()))
        );
        assert_eq!(member(object, &["Gone"], string), Ok(None));
        assert_eq!(member(object, &["Absent"], string), Ok(None));
        let err = member(object, &["N"], integer::<i32>).unwrap_err();
        assert_eq!(err.path(), "N");
    }

    #[test]
    fn sparse_and_dense_collections_treat_nulls_differently() {
        let list = serde_json::json!(["a", null, "b"]);
        assert_eq!(
            sparse_list(&list, string),
            Ok(vec![Some("a".into()), None, Some("b".into())])
        );
        assert_eq!(
            list_of_strings(&list),
            vec!["a".to_string(), "b".to_string()]
        );
        let map_value = serde_json::json!({"x": 1, "y": null});
        let dense = map(&map_value, str::to_string, integer::<i32>).expect("map");
        assert_eq!(
            dense.into_iter().collect::<Vec<_>>(),
            vec![("x".to_string(), 1)]
        );
        let sparse = sparse_map(&map_value, str::to_string, integer::<i32>).expect("map");
        assert_eq!(sparse.get("y"), Some(&None));
        let err = map(
            &serde_json::json!({"k": "v"}),
            str::to_string,
            integer::<i32>,
        )
        .unwrap_err();
        assert_eq!(err.path(), "[\"k\"]");
        let mut out = Vec::new();
        write_sparse_map(&mut out, &sparse, |out, v| write_int(out, *v));
        assert_eq!(out, br#"{"x":1,"y":null}"#);
    }

    fn list_of_strings(value: &Value) -> Vec<String> {
        list(value, string).expect("list")
    }

    #[test]
    fn timestamps_in_each_format() {
        let whole = DateTime::from_secs(1_398_796_238);
        let fractional = DateTime::from_secs_and_nanos(1_398_796_238, 500_000_000);
        assert_eq!(written(|o| write_epoch_seconds(o, whole)), "1398796238");
        assert_eq!(
            written(|o| write_epoch_seconds(o, fractional)),
            "1398796238.5"
        );
        assert_eq!(
            written(|o| write_date_time(o, whole)),
            "\"2014-04-29T18:30:38Z\""
        );
        assert_eq!(
            written(|o| write_http_date(o, whole)),
            "\"Tue, 29 Apr 2014 18:30:38 GMT\""
        );
        assert_eq!(
            epoch_seconds(&serde_json::json!(1398796238.5)),
            Ok(fractional)
        );
        assert_eq!(epoch_seconds(&serde_json::json!(1398796238)), Ok(whole));
        assert_eq!(date_time(&Value::from("2014-04-29T18:30:38Z")), Ok(whole));
        assert_eq!(
            http_date(&Value::from("Tue, 29 Apr 2014 18:30:38 GMT")),
            Ok(whole)
        );
        assert!(epoch_seconds(&Value::from("1398796238")).is_err());
        assert!(date_time(&Value::from("soon")).is_err());
    }

    #[test]
    fn empty_body_reads_as_empty_object() {
        assert_eq!(parse_body(b"  \n"), Ok(Value::Object(Map::new())));
        assert!(parse_body(b"{\"a\":").is_err());
    }
}
