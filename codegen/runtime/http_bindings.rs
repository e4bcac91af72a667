//! HTTP bindings of the REST protocols (restJson1): a request's path from its URI pattern and
//! labels, its query string, and header values (lists, quoted where needed), and header lists
//! read back from responses. Everything written is escaped: a label or query value can never
//! add a segment, a parameter or a header line of its own; a value that cannot be sent (an
//! empty label, a header value with a line break) is an error naming its member.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;

use super::datetime::DateTime;
use super::json::DeserializeError;
use super::sigv4::percent_encode;
use super::validation::ValidationError;

/// A value the caller set that cannot be put in the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BindingError {
    /// The input member, as the model names it.
    pub(crate) member: &'static str,
    pub(crate) reason: &'static str,
}

impl fmt::Display for BindingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.member, self.reason)
    }
}

impl std::error::Error for BindingError {}

/// A value that cannot be sent is reported like a violated constraint of its member.
impl From<BindingError> for ValidationError {
    fn from(error: BindingError) -> Self {
        ValidationError::unsendable(error.member, error.reason)
    }
}

/// A request URI built from an `@http` pattern: its path segments in order, then its query
/// parameters (the pattern's literal ones first, then the bound members').
#[derive(Debug, Default)]
pub(crate) struct Uri {
    path: Vec<u8>,
    query: Vec<u8>,
}

impl Uri {
    pub(crate) fn new() -> Uri {
        Uri::default()
    }

    /// A literal segment of the pattern, as written (the generator checked it).
    pub(crate) fn literal(&mut self, segment: &str) -> &mut Uri {
        self.path.push(b'/');
        self.path.extend_from_slice(segment.as_bytes());
        self
    }

    /// The `@httpLabel` `member`'s value, percent-encoded: a `/` in it is `%2F` unless the
    /// label is greedy (`{Key+}`), where it separates segments, each encoded (and kept as they
    /// are, empty or dot segments included, as an S3 key needs). An empty value, or a plain
    /// label of `.` or `..` (a dot-segment that servers and proxies collapse), would change the
    /// path's shape: an error.
    pub(crate) fn label(
        &mut self,
        member: &'static str,
        value: &str,
        greedy: bool,
    ) -> Result<&mut Uri, BindingError> {
        if value.is_empty() {
            return Err(BindingError {
                member,
                reason: "is bound to the URI and must not be empty",
            });
        }
        if !greedy && matches!(value, "." | "..") {
            return Err(BindingError {
                member,
                reason: "is bound to a URI segment and must not be `.` or `..`",
            });
        }
        self.path.push(b'/');
        percent_encode(value.as_bytes(), greedy, &mut self.path);
        Ok(self)
    }

    /// A query parameter, key and value percent-encoded (`None`: the key alone, as a pattern's
    /// `?list` writes it).
    pub(crate) fn query(&mut self, key: &str, value: Option<&str>) -> &mut Uri {
        self.query
            .push(if self.query.is_empty() { b'?' } else { b'&' });
        percent_encode(key.as_bytes(), false, &mut self.query);
        if let Some(value) = value {
            self.query.push(b'=');
            percent_encode(value.as_bytes(), false, &mut self.query);
        }
        self
    }

    /// The path and query as the request's URI.
    pub(crate) fn into_uri(self) -> http::Uri {
        // Always ASCII without spaces (see `finish`), which `Uri` takes.
        http::Uri::try_from(self.finish()).unwrap_or_else(|_| http::Uri::from_static("/"))
    }

    /// The path (`/` when the pattern has no segments) and query.
    pub(crate) fn finish(self) -> String {
        let mut out = if self.path.is_empty() {
            b"/".to_vec()
        } else {
            self.path
        };
        out.extend_from_slice(&self.query);
        // Only ASCII was pushed: the generator checked literal segments against RFC 3986
        // (`codegen::http::parse_uri`), and everything else is percent-encoded.
        String::from_utf8(out).unwrap_or_default()
    }
}

/// A header value from the `@httpHeader` `member`: any text without control characters other
/// than tab (a line break would start a header of its own). Non-ASCII text is sent as UTF-8.
pub(crate) fn header_value(
    member: &'static str,
    text: &str,
) -> Result<http::HeaderValue, BindingError> {
    if text.chars().any(|c| c.is_control() && c != '\t') {
        return Err(BindingError {
            member,
            reason: "is sent as a header and must not contain control characters",
        });
    }
    http::HeaderValue::from_bytes(text.as_bytes()).map_err(|_| BindingError {
        member,
        reason: "is sent as a header and is not a valid header value",
    })
}

/// A list member's items as one header value: comma-separated, an item quoted (`"a,b"`, with
/// `\"` and `\\` escaped) when it has a comma or a double quote, or space at either end. (For
/// timestamps, see [`header_dates`].) An empty list is `""`, which reads back as one empty
/// item: callers leave the header out instead.
pub(crate) fn header_list(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        let item = item.as_ref();
        if i > 0 {
            out.push_str(", ");
        }
        let quote = item.contains([',', '"'])
            || item.starts_with([' ', '\t'])
            || item.ends_with([' ', '\t']);
        if quote {
            out.push('"');
            for c in item.chars() {
                if matches!(c, '"' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(item);
        }
    }
    out
}

/// Timestamps as one header value: HTTP dates (`Mon, 16 Dec 2019 23:48:18 GMT`) joined by
/// `, ` unquoted, as the REST protocols send them; their own commas are read back by
/// [`split_http_dates`].
pub(crate) fn header_dates(dates: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let mut out = String::new();
    for (i, date) in dates.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(date.as_ref());
    }
    out
}

/// A header list of HTTP dates read back: each date has one comma of its own, so the value is
/// cut at every second comma. `None` when the commas do not pair up.
pub(crate) fn split_http_dates(value: &str) -> Option<Vec<String>> {
    let pieces: Vec<&str> = value.split(',').collect();
    if !pieces.len().is_multiple_of(2) {
        return None;
    }
    Some(
        pieces
            .chunks(2)
            .map(|pair| format!("{},{}", pair[0].trim_start(), pair[1].trim_end()))
            .collect(),
    )
}

/// A header list read back: items split at commas outside double quotes, each trimmed, quoted
/// ones unquoted (`\x` is `x`). `None` when a quote is not closed or text follows one.
pub(crate) fn split_header_list(value: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        let mut item = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => item.push(chars.next()?),
                    c => item.push(c),
                }
            }
            while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
            match chars.next() {
                None => {
                    items.push(item);
                    return Some(items);
                }
                Some(',') => items.push(item),
                Some(_) => return None,
            }
        } else {
            let mut at_comma = false;
            for c in chars.by_ref() {
                if c == ',' {
                    at_comma = true;
                    break;
                }
                item.push(c);
            }
            items.push(item.trim_end_matches([' ', '\t']).to_string());
            if !at_comma {
                return Some(items);
            }
        }
    }
}

/// A value as the text a label, query parameter or header carries: numbers in their shortest
/// form (`NaN`, `Infinity` and `-Infinity` spelled out), booleans as `true` / `false`.
pub(crate) trait ToText {
    fn to_text(&self) -> String;
}

impl ToText for String {
    fn to_text(&self) -> String {
        self.clone()
    }
}

impl ToText for bool {
    fn to_text(&self) -> String {
        self.to_string()
    }
}

macro_rules! integer_text {
    ($($ty:ty),*) => {
        $(impl ToText for $ty {
            fn to_text(&self) -> String {
                self.to_string()
            }
        })*
    };
}
integer_text!(i8, i16, i32, i64);

macro_rules! float_text {
    ($($ty:ty),*) => {
        $(impl ToText for $ty {
            fn to_text(&self) -> String {
                if self.is_nan() {
                    "NaN".to_string()
                } else if self.is_infinite() {
                    if *self > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
                } else {
                    self.to_string()
                }
            }
        })*
    };
}
float_text!(f32, f64);

/// A timestamp as epoch seconds text: an integer, or a decimal when it has a fraction.
pub(crate) fn epoch_seconds_text(time: DateTime) -> String {
    if time.subsec_nanos() == 0 {
        time.secs().to_string()
    } else {
        time.as_secs_f64().to_string()
    }
}

/// Text sent base64 (a `@mediaType` string in a header, a blob in the query string).
pub(crate) fn base64_text(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The header `prefix` + `key` of an `@httpPrefixHeaders` map `member`: the key is caller
/// data, so one that is not a header name token is an error, never a header of another name.
pub(crate) fn prefixed_name(
    member: &'static str,
    prefix: &str,
    key: &str,
) -> Result<http::HeaderName, BindingError> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if key.is_empty() && prefix.is_empty() || !key.bytes().all(token) {
        return Err(BindingError {
            member,
            reason: "has a key that is not a header name",
        });
    }
    http::HeaderName::from_bytes(format!("{prefix}{key}").as_bytes()).map_err(|_| BindingError {
        member,
        reason: "has a key that is not a header name",
    })
}

/// A value read back from a label, query parameter or header's text (trimmed of spaces).
pub(crate) trait FromText: Sized {
    fn from_text(text: &str) -> Option<Self>;
}

impl FromText for String {
    fn from_text(text: &str) -> Option<Self> {
        Some(text.to_string())
    }
}

impl FromText for bool {
    fn from_text(text: &str) -> Option<Self> {
        match text.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

macro_rules! integer_from_text {
    ($($ty:ty),*) => {
        $(impl FromText for $ty {
            fn from_text(text: &str) -> Option<Self> {
                text.trim().parse().ok()
            }
        })*
    };
}
integer_from_text!(i8, i16, i32, i64);

macro_rules! float_from_text {
    ($($ty:ty),*) => {
        $(impl FromText for $ty {
            fn from_text(text: &str) -> Option<Self> {
                match text.trim() {
                    "NaN" => Some(<$ty>::NAN),
                    "Infinity" => Some(<$ty>::INFINITY),
                    "-Infinity" => Some(<$ty>::NEG_INFINITY),
                    // Rust's parser also takes `inf` and `nan`, which the wire never means.
                    number if number.bytes().any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') => None,
                    number => number.parse().ok(),
                }
            }
        })*
    };
}
float_from_text!(f32, f64);

/// Epoch seconds text (`1576540098` or `1576540098.52`) read back.
pub(crate) fn epoch_seconds(text: &str) -> Option<DateTime> {
    let text = text.trim();
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return None;
    }
    if let Ok(secs) = text.parse::<i64>() {
        return Some(DateTime::from_secs(secs));
    }
    let secs: f64 = text.parse().ok()?;
    secs.is_finite().then(|| DateTime::from_secs_f64(secs))
}

/// An HTTP date read back.
pub(crate) fn http_date(text: &str) -> Option<DateTime> {
    DateTime::parse_http_date(text.trim())
}

/// An RFC 3339 date-time read back.
pub(crate) fn date_time(text: &str) -> Option<DateTime> {
    DateTime::parse_date_time(text.trim())
}

/// Base64 text read back as bytes.
pub(crate) fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}

/// Base64 text read back as a UTF-8 string (a `@mediaType` string header).
pub(crate) fn base64_string(text: &str) -> Option<String> {
    String::from_utf8(base64_bytes(text)?).ok()
}

/// The text of header `name` in a response, its lines joined by `, ` as RFC 9110 allows;
/// `None` when absent. A value that is not UTF-8 is an error.
fn header_text<'h>(
    headers: &'h http::HeaderMap,
    name: &http::HeaderName,
) -> Result<Option<std::borrow::Cow<'h, str>>, DeserializeError> {
    let utf8 = |value: &'h http::HeaderValue| {
        std::str::from_utf8(value.as_bytes())
            .map_err(|_| DeserializeError::new(format!("header {name}: the value is not UTF-8")))
    };
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    let first = utf8(first)?;
    let Some(second) = values.next() else {
        // One line, the usual case: no copy.
        return Ok(Some(std::borrow::Cow::Borrowed(first)));
    };
    let mut text = format!("{first}, {}", utf8(second)?);
    for value in values {
        text.push_str(", ");
        text.push_str(utf8(value)?);
    }
    Ok(Some(std::borrow::Cow::Owned(text)))
}

/// The response header `name` read by `read`; absent is `None`, unreadable an error naming
/// the header. (Generated code names it by a `HeaderName` built at compile time.)
pub(crate) fn header<T>(
    headers: &http::HeaderMap,
    name: &http::HeaderName,
    read: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, DeserializeError> {
    let Some(text) = header_text(headers, name)? else {
        return Ok(None);
    };
    read(&text)
        .map(Some)
        .ok_or_else(|| unreadable(name.as_str(), &text))
}

/// The response header `name` as a list: items split at commas outside quotes (HTTP dates,
/// which hold a comma each, in pairs when `dates`), each read by `read`.
pub(crate) fn header_items<T>(
    headers: &http::HeaderMap,
    name: &http::HeaderName,
    dates: bool,
    read: impl Fn(&str) -> Option<T>,
) -> Result<Option<Vec<T>>, DeserializeError> {
    let Some(text) = header_text(headers, name)? else {
        return Ok(None);
    };
    let items = if dates {
        split_http_dates(&text)
    } else {
        split_header_list(&text)
    }
    .ok_or_else(|| unreadable(name.as_str(), &text))?;
    items
        .iter()
        .map(|item| read(item).ok_or_else(|| unreadable(name.as_str(), item)))
        .collect::<Result<Vec<T>, _>>()
        .map(Some)
}

/// Every response header whose name starts with `prefix` (lower case), keyed by the rest of
/// its name; `None` when there is none.
pub(crate) fn prefix_headers(
    headers: &http::HeaderMap,
    prefix: &str,
) -> Result<Option<BTreeMap<String, String>>, DeserializeError> {
    let mut map = BTreeMap::new();
    for name in headers.keys() {
        if let Some(key) = name.as_str().strip_prefix(prefix)
            && let Some(text) = header_text(headers, name)?
        {
            map.insert(key.to_string(), text.into_owned());
        }
    }
    Ok((!map.is_empty()).then_some(map))
}

fn unreadable(name: &str, text: &str) -> DeserializeError {
    let shown: String = text.chars().take(64).collect();
    DeserializeError::new(format!("header {name}: cannot read {shown:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).expect("hex"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn labels_and_query_values_are_percent_encoded() {
        let mut uri = Uri::new();
        uri.literal("2015-03-31").literal("functions");
        uri.label("FunctionName", "my fn/1é", false).unwrap();
        uri.literal("invocations");
        uri.query("Qualifier", Some("a&b=c"));
        uri.query("list", None);
        assert_eq!(
            uri.finish(),
            "/2015-03-31/functions/my%20fn%2F1%C3%A9/invocations?Qualifier=a%26b%3Dc&list"
        );
        let mut uri = Uri::new();
        uri.label("Key", "a b/c+d", true).unwrap();
        assert_eq!(
            uri.finish(),
            "/a%20b/c%2Bd",
            "a greedy label keeps its slashes"
        );
        assert_eq!(Uri::new().finish(), "/");
    }

    #[test]
    fn labels_that_would_change_the_paths_shape_are_errors_naming_the_member() {
        let error = Uri::new().label("Name", "", false).unwrap_err();
        assert_eq!(error.member, "Name");
        assert!(error.to_string().starts_with("`Name` is bound to the URI"));
        assert!(Uri::new().label("Key", "", true).is_err());
        for dots in [".", ".."] {
            assert!(Uri::new().label("Name", dots, false).is_err(), "{dots:?}");
        }
        // A greedy label keeps its segments as they are, as an S3 key needs.
        for kept in ["/a", "a/", "a//b", "/", "../x/./y"] {
            let mut uri = Uri::new();
            uri.label("Key", kept, true).unwrap();
            assert_eq!(uri.finish(), format!("/{kept}"), "{kept:?}");
        }
        let mut uri = Uri::new();
        uri.label("Name", "/a", false).unwrap();
        assert_eq!(uri.finish(), "/%2Fa", "encoded, not a segment");
    }

    #[test]
    fn header_lists_quote_items_that_need_it_and_read_back() {
        let items = ["a", "b,c", "say \"hi\"", " padded", "back\\slash"];
        let value = header_list(items);
        assert_eq!(value, r#"a, "b,c", "say \"hi\"", " padded", back\slash"#);
        assert_eq!(
            split_header_list(&value).unwrap(),
            ["a", "b,c", "say \"hi\"", " padded", "back\\slash"]
        );
        assert_eq!(split_header_list("1, 2,3").unwrap(), ["1", "2", "3"]);
        assert_eq!(split_header_list("").unwrap(), [""]);
        assert_eq!(split_header_list("a,").unwrap(), ["a", ""]);
        assert_eq!(split_header_list("\"open"), None);
        assert_eq!(split_header_list("\"a\"b"), None);
    }

    #[test]
    fn http_date_lists_are_sent_unquoted_and_read_back_at_every_second_comma() {
        let dates = [
            "Mon, 16 Dec 2019 23:48:18 GMT",
            "Tue, 17 Dec 2019 00:00:00 GMT",
        ];
        let value = header_dates(dates);
        assert_eq!(
            value,
            "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 00:00:00 GMT"
        );
        assert_eq!(split_http_dates(&value).unwrap(), dates);
        assert_eq!(split_http_dates("Mon, 16 Dec 2019, Tue"), None);
    }

    #[test]
    fn header_values_with_line_breaks_are_errors_naming_the_member() {
        let error = header_value("Token", "a\r\nX-Injected: 1").unwrap_err();
        assert_eq!(error.member, "Token");
        assert!(header_value("Token", "a\0b").is_err());
        assert_eq!(
            header_value("Token", "tab\tok é").unwrap().as_bytes(),
            "tab\tok é".as_bytes()
        );
    }

    proptest! {
        /// Whatever a label or query value holds, the URI keeps its shape: one segment per
        /// plain label, one parameter per query call, nothing outside the unreserved set and
        /// `%XX` (and `/` from greedy labels), and decoding gives the value back.
        #[test]
        fn hostile_values_cannot_change_the_uris_shape(
            label in "\\PC{1,20}",
            greedy in "[a-z%?#& ]{1,5}(/[a-z%?#& é]{1,5}){0,3}",
            key in "\\PC{0,10}",
            value in "\\PC{0,20}",
        ) {
            prop_assume!(label != "." && label != "..");
            let mut uri = Uri::new();
            uri.literal("fixed");
            uri.label("Name", &label, false).unwrap();
            uri.label("Key", &greedy, true).unwrap();
            uri.query(&key, Some(&value));
            let text = uri.finish();
            prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%/?&=".contains(&b)), "{}", text);
            let (path, query) = text.split_once('?').expect("one query");
            let segments: Vec<&str> = path.split('/').collect();
            prop_assert_eq!(segments.len(), 3 + greedy.split('/').count());
            prop_assert_eq!(decode(segments[2]), label);
            prop_assert_eq!(decode(&segments[3..].join("/")), greedy);
            let (k, v) = query.split_once('=').expect("one pair");
            prop_assert!(!query[k.len() + 1..].contains(['&', '=']));
            prop_assert_eq!(decode(k), key);
            prop_assert_eq!(decode(v), value);
        }

        /// Any items written as a header list read back as themselves, and the value never
        /// holds a line break of its own.
        #[test]
        fn header_lists_round_trip(items in proptest::collection::vec("[ -~é]{0,12}", 1..6)) {
            let value = header_list(items.iter().map(String::as_str));
            let read = split_header_list(&value).expect("well-formed");
            // Unquoted items are trimmed on reading, as any HTTP list; quoting keeps edges.
            let expected: Vec<String> = items.iter().map(|i| {
                if i.contains([',', '"']) || i.starts_with([' ', '\t']) || i.ends_with([' ', '\t']) {
                    i.clone()
                } else {
                    i.trim().to_string()
                }
            }).collect();
            prop_assert_eq!(read, expected);
            prop_assert!(header_value("List", &value).is_ok());
        }

        /// Any text splits or fails without a panic.
        #[test]
        fn any_header_text_splits_or_fails_cleanly(text in "\\PC{0,40}") {
            let _ = split_header_list(&text);
        }

        /// Any text, quotes, backslashes and commas included, splits as dates or fails; dates
        /// written as a list read back as themselves.
        #[test]
        fn http_date_lists_split_or_fail_cleanly(
            text in "[,\"\\\\ a-zA-Z0-9:]{0,40}",
            seconds in proptest::collection::vec(0i64..=253_402_300_799, 1..5),
        ) {
            if let Some(dates) = split_http_dates(&text) {
                prop_assert!(dates.iter().all(|d| d.matches(',').count() == 1));
            }
            let dates: Vec<String> = seconds
                .iter()
                .map(|&s| super::super::datetime::DateTime::from_secs_and_nanos(s, 0).to_http_date())
                .collect();
            let value = header_dates(dates.iter().map(String::as_str));
            prop_assert_eq!(split_http_dates(&value), Some(dates));
        }

        /// Any text is a header value or an error naming the member; what is accepted has no
        /// control character but tab, so it cannot end the header line.
        #[test]
        fn header_values_never_carry_line_breaks(text in "(\\PC|[\r\n\0\t\u{7f}\u{85}]){0,30}") {
            match header_value("Member", &text) {
                Ok(value) => prop_assert!(!value.as_bytes().iter().any(|b| b.is_ascii_control() && *b != b'\t')),
                Err(e) => prop_assert_eq!(e.member, "Member"),
            }
        }

        /// A prefix-header key is caller data: whatever it holds, the header sent is the
        /// prefix followed by that key, or an error; never another header.
        #[test]
        fn prefix_header_keys_never_name_another_header(key in "(\\PC|[\r\n:\0 ]){0,20}") {
            match prefixed_name("Meta", "x-meta-", &key) {
                Ok(name) => prop_assert_eq!(name.as_str(), format!("x-meta-{}", key.to_ascii_lowercase())),
                Err(e) => prop_assert_eq!(e.member, "Meta"),
            }
        }

        /// Response headers are hostile: any bytes read as any type give a value or an error
        /// naming the header, never a panic; lists split or fail the same way.
        #[test]
        fn response_headers_read_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let mut headers = http::HeaderMap::new();
            if let Ok(value) = http::HeaderValue::from_bytes(&bytes) {
                headers.insert("x-h", value.clone());
                headers.append("x-h", value);
            }
            let named = |e: DeserializeError| e.message().starts_with("header x-h");
            let h = http::HeaderName::from_static("x-h");
            prop_assert!(header(&headers, &h, <i32 as FromText>::from_text).map_or_else(named, |_| true));
            prop_assert!(header(&headers, &h, <f64 as FromText>::from_text).map_or_else(named, |_| true));
            prop_assert!(header(&headers, &h, <bool as FromText>::from_text).map_or_else(named, |_| true));
            prop_assert!(header(&headers, &h, epoch_seconds).map_or_else(named, |_| true));
            prop_assert!(header(&headers, &h, http_date).map_or_else(named, |_| true));
            prop_assert!(header(&headers, &h, base64_string).map_or_else(named, |_| true));
            prop_assert!(header_items(&headers, &h, false, <i64 as FromText>::from_text).map_or_else(named, |_| true));
            prop_assert!(header_items(&headers, &h, true, http_date).map_or_else(named, |_| true));
            prop_assert!(prefix_headers(&headers, "x-").is_ok() || !bytes.is_ascii());
        }

        /// Numbers written as text read back as themselves (NaN as NaN).
        #[test]
        fn numbers_round_trip_through_text(i in any::<i64>(), f in any::<f64>(), g in any::<f32>()) {
            prop_assert_eq!(<i64 as FromText>::from_text(&i.to_text()), Some(i));
            let back = <f64 as FromText>::from_text(&f.to_text()).expect("a float reads back");
            prop_assert!(back == f || (back.is_nan() && f.is_nan()));
            let back = <f32 as FromText>::from_text(&g.to_text()).expect("a float reads back");
            prop_assert!(back == g || (back.is_nan() && g.is_nan()));
        }
    }
}
