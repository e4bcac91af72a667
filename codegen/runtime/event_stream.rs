//! The `application/vnd.amazon.eventstream` framing of event-stream operations: the binary
//! messages both ways of a stream, included only in crates that have such operations.
//!
//! A message on the wire, every integer big-endian:
//!
//! ```text
//! total length u32 | headers length u32 | prelude CRC u32 | headers | payload | message CRC u32
//! ```
//!
//! The prelude CRC covers the two lengths, the message CRC everything before it; both are
//! CRC-32 (IEEE). A header is its name's length (u8), the name (UTF-8, 1 to 255 bytes), a value
//! type (u8) and the value: 0 true and 1 false (no bytes), 2 an i8, 3 an i16, 4 an i32, 5 an
//! i64, 6 bytes and 7 a UTF-8 string (each a u16 length, then the bytes), 8 a timestamp (i64
//! milliseconds since the epoch), 9 a UUID (16 bytes).
//!
//! [`encode`] writes one message; a [`Decoder`] is fed the stream's chunks as they arrive and
//! hands back whole messages. The decoder trusts no length before its CRC: the prelude's CRC is
//! checked before the total length is believed, the limits before anything is buffered for the
//! message, and the message's CRC before its headers are read. A payload is a slice of the
//! received bytes, not a copy.

use std::fmt;

use bytes::{Bytes, BytesMut};

/// The prelude: the total length, the headers length and the CRC of those eight bytes.
const PRELUDE_LEN: usize = 12;
/// The message CRC at the end.
const CRC_LEN: usize = 4;
/// The shortest message: a prelude and a message CRC, no headers, no payload.
pub const MIN_MESSAGE_LEN: usize = PRELUDE_LEN + CRC_LEN;
/// The largest payload: 16 MiB.
pub const MAX_PAYLOAD_LEN: usize = 16 * 1024 * 1024;
/// The largest headers section: 128 KiB.
pub const MAX_HEADERS_LEN: usize = 128 * 1024;
/// The largest message: the largest payload and headers section, with prelude and CRC.
pub const MAX_MESSAGE_LEN: usize = MIN_MESSAGE_LEN + MAX_HEADERS_LEN + MAX_PAYLOAD_LEN;
/// The longest header name, in bytes (its length is one byte).
pub const MAX_HEADER_NAME_LEN: usize = 255;
/// The longest string or byte-array header value, in bytes.
pub const MAX_HEADER_VALUE_LEN: usize = i16::MAX as usize;

const TYPE_TRUE: u8 = 0;
const TYPE_FALSE: u8 = 1;
const TYPE_BYTE: u8 = 2;
const TYPE_INT16: u8 = 3;
const TYPE_INT32: u8 = 4;
const TYPE_INT64: u8 = 5;
const TYPE_BYTE_ARRAY: u8 = 6;
const TYPE_STRING: u8 = 7;
const TYPE_TIMESTAMP: u8 = 8;
const TYPE_UUID: u8 = 9;

/// One event-stream message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    pub headers: Vec<Header>,
    pub payload: Bytes,
}

impl Message {
    /// A message with this payload and no headers.
    pub fn new(payload: impl Into<Bytes>) -> Self {
        Message {
            headers: Vec::new(),
            payload: payload.into(),
        }
    }

    /// The message with one more header.
    pub fn with_header(mut self, name: impl Into<String>, value: HeaderValue) -> Self {
        self.headers.push(Header::new(name, value));
        self
    }

    /// The value of the first header of this name.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        (self.headers.iter())
            .find(|header| header.name == name)
            .map(|header| &header.value)
    }
}

/// One header of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: HeaderValue,
}

impl Header {
    pub fn new(name: impl Into<String>, value: HeaderValue) -> Self {
        Header {
            name: name.into(),
            value,
        }
    }
}

/// A header's value: one of the ten types (the two booleans are one variant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    Bool(bool),
    Byte(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    ByteArray(Bytes),
    String(String),
    /// Milliseconds since the Unix epoch.
    Timestamp(i64),
    Uuid([u8; 16]),
}

impl HeaderValue {
    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// The bytes of a byte-array value.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            HeaderValue::ByteArray(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// A boolean value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            HeaderValue::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The value type byte on the wire.
    pub fn type_code(&self) -> u8 {
        match self {
            HeaderValue::Bool(true) => TYPE_TRUE,
            HeaderValue::Bool(false) => TYPE_FALSE,
            HeaderValue::Byte(_) => TYPE_BYTE,
            HeaderValue::Int16(_) => TYPE_INT16,
            HeaderValue::Int32(_) => TYPE_INT32,
            HeaderValue::Int64(_) => TYPE_INT64,
            HeaderValue::ByteArray(_) => TYPE_BYTE_ARRAY,
            HeaderValue::String(_) => TYPE_STRING,
            HeaderValue::Timestamp(_) => TYPE_TIMESTAMP,
            HeaderValue::Uuid(_) => TYPE_UUID,
        }
    }

    /// The bytes of a string or byte-array value (what its u16 length counts).
    fn variable(&self) -> Option<&[u8]> {
        match self {
            HeaderValue::ByteArray(bytes) => Some(bytes),
            HeaderValue::String(text) => Some(text.as_bytes()),
            _ => None,
        }
    }

    /// Its length on the wire after the type byte.
    fn encoded_len(&self) -> usize {
        match self {
            HeaderValue::Bool(_) => 0,
            HeaderValue::Byte(_) => 1,
            HeaderValue::Int16(_) => 2,
            HeaderValue::Int32(_) => 4,
            HeaderValue::Int64(_) | HeaderValue::Timestamp(_) => 8,
            HeaderValue::ByteArray(bytes) => 2 + bytes.len(),
            HeaderValue::String(text) => 2 + text.len(),
            HeaderValue::Uuid(_) => 16,
        }
    }

    /// Writes the type byte and the value (its length already checked).
    fn write(&self, out: &mut Vec<u8>) {
        out.push(self.type_code());
        match self {
            HeaderValue::Bool(_) => {}
            HeaderValue::Byte(value) => out.extend_from_slice(&value.to_be_bytes()),
            HeaderValue::Int16(value) => out.extend_from_slice(&value.to_be_bytes()),
            HeaderValue::Int32(value) => out.extend_from_slice(&value.to_be_bytes()),
            HeaderValue::Int64(value) | HeaderValue::Timestamp(value) => {
                out.extend_from_slice(&value.to_be_bytes())
            }
            HeaderValue::ByteArray(_) | HeaderValue::String(_) => {
                let bytes = self.variable().unwrap_or_default();
                let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(bytes);
            }
            HeaderValue::Uuid(bytes) => out.extend_from_slice(bytes),
        }
    }
}

/// Why a message could not be encoded or a stream decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrameError {
    /// The prelude's CRC does not match its two lengths, which therefore cannot be trusted.
    PreludeCrc { computed: u32, stated: u32 },
    /// The message's CRC does not match its bytes.
    MessageCrc { computed: u32, stated: u32 },
    /// A total length below the 16 bytes of prelude and message CRC.
    MessageTooShort { total: u32 },
    /// A total length above [`MAX_MESSAGE_LEN`].
    MessageTooLong { total: usize },
    /// A headers section above [`MAX_HEADERS_LEN`].
    HeadersTooLong { len: usize },
    /// A headers length that does not fit inside the total length.
    HeadersOutsideMessage { headers: u32, total: u32 },
    /// A payload above [`MAX_PAYLOAD_LEN`].
    PayloadTooLong { len: usize },
    /// A header name of 0 bytes, or (encoding) more than 255.
    HeaderNameLength { len: usize },
    /// A header name that is not UTF-8.
    HeaderNameUtf8,
    /// A value type byte other than 0 to 9.
    HeaderValueType { code: u8 },
    /// A string or byte-array value above [`MAX_HEADER_VALUE_LEN`].
    HeaderValueTooLong { name: String, len: usize },
    /// A string value that is not UTF-8.
    HeaderValueUtf8 { name: String },
    /// The header starting `offset` bytes into the headers section runs past its end.
    HeaderTruncated { offset: usize },
    /// The stream ended inside a message: `buffered` bytes of a message of `expected` bytes
    /// (unknown while fewer than the prelude's 12 have arrived).
    Truncated {
        buffered: usize,
        expected: Option<usize>,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::PreludeCrc { computed, stated } => write!(
                f,
                "event-stream prelude CRC mismatch: the prelude says {stated:#010x}, its bytes give {computed:#010x}"
            ),
            FrameError::MessageCrc { computed, stated } => write!(
                f,
                "event-stream message CRC mismatch: the message says {stated:#010x}, its bytes give {computed:#010x}"
            ),
            FrameError::MessageTooShort { total } => write!(
                f,
                "event-stream message length {total} is below the minimum of {MIN_MESSAGE_LEN} bytes (prelude and message CRC)"
            ),
            FrameError::MessageTooLong { total } => write!(
                f,
                "event-stream message of {total} bytes exceeds the {MAX_MESSAGE_LEN}-byte limit (16 MiB payload, 128 KiB headers, prelude and CRC)"
            ),
            FrameError::HeadersTooLong { len } => write!(
                f,
                "event-stream headers of {len} bytes exceed the 128 KiB limit"
            ),
            FrameError::HeadersOutsideMessage { headers, total } => write!(
                f,
                "event-stream headers length {headers} does not fit in a message of {total} bytes"
            ),
            FrameError::PayloadTooLong { len } => write!(
                f,
                "event-stream payload of {len} bytes exceeds the 16 MiB limit"
            ),
            FrameError::HeaderNameLength { len } => write!(
                f,
                "event-stream header name of {len} bytes (a name has 1 to {MAX_HEADER_NAME_LEN})"
            ),
            FrameError::HeaderNameUtf8 => write!(f, "event-stream header name is not UTF-8"),
            FrameError::HeaderValueType { code } => write!(
                f,
                "event-stream header value type {code} is not one of the ten (0 to 9)"
            ),
            FrameError::HeaderValueTooLong { name, len } => write!(
                f,
                "event-stream header `{name}`: value of {len} bytes exceeds the {MAX_HEADER_VALUE_LEN}-byte limit"
            ),
            FrameError::HeaderValueUtf8 { name } => {
                write!(f, "event-stream header `{name}`: string value is not UTF-8")
            }
            FrameError::HeaderTruncated { offset } => write!(
                f,
                "event-stream header at offset {offset} of the headers runs past their end"
            ),
            FrameError::Truncated {
                buffered,
                expected: Some(expected),
            } => write!(
                f,
                "event stream ended inside a message: {buffered} of its {expected} bytes arrived"
            ),
            FrameError::Truncated {
                buffered,
                expected: None,
            } => write!(
                f,
                "event stream ended inside a message: {buffered} bytes arrived, fewer than its {PRELUDE_LEN}-byte prelude"
            ),
        }
    }
}

impl std::error::Error for FrameError {}

/// Appends `message` to `out`. On an error (a limit exceeded) nothing is written.
pub fn encode(message: &Message, out: &mut Vec<u8>) -> Result<(), FrameError> {
    let mut headers_len = 0;
    for header in &message.headers {
        let name = header.name.len();
        if name == 0 || name > MAX_HEADER_NAME_LEN {
            return Err(FrameError::HeaderNameLength { len: name });
        }
        if let Some(bytes) = header.value.variable()
            && bytes.len() > MAX_HEADER_VALUE_LEN
        {
            return Err(FrameError::HeaderValueTooLong {
                name: header.name.clone(),
                len: bytes.len(),
            });
        }
        headers_len += 1 + name + 1 + header.value.encoded_len();
    }
    if headers_len > MAX_HEADERS_LEN {
        return Err(FrameError::HeadersTooLong { len: headers_len });
    }
    if message.payload.len() > MAX_PAYLOAD_LEN {
        return Err(FrameError::PayloadTooLong {
            len: message.payload.len(),
        });
    }
    // Within the limits, both lengths fit in a u32.
    let total = MIN_MESSAGE_LEN + headers_len + message.payload.len();
    out.reserve(total);
    let start = out.len();
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(headers_len as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    for header in &message.headers {
        out.push(header.name.len() as u8);
        out.extend_from_slice(header.name.as_bytes());
        header.value.write(out);
    }
    out.extend_from_slice(&message.payload);
    let message_crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&message_crc.to_be_bytes());
    Ok(())
}

/// Decodes a stream of messages from the chunks it arrives in.
///
/// ```text
/// decoder.push(&chunk);
/// while let Some(message) = decoder.next_message()? { ... }
/// // at the end of the stream:
/// decoder.finish()?;
/// ```
///
/// Drained like this after every chunk, it holds at most one message (within the limits) and
/// one chunk. An error is final: the stream cannot be resynchronised, so every later call
/// returns the same error and further chunks are dropped.
#[derive(Debug, Default)]
pub struct Decoder {
    buffer: BytesMut,
    /// The total length of the message at the front of `buffer`, once its prelude is checked.
    expected: Option<usize>,
    error: Option<FrameError>,
}

impl Decoder {
    pub fn new() -> Self {
        Decoder::default()
    }

    /// Appends the next chunk of the stream.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.error.is_none() {
            self.buffer.extend_from_slice(chunk);
        }
    }

    /// The bytes received and not yet handed back as messages.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// The next whole message, or `None` until more of the stream arrives.
    pub fn next_message(&mut self) -> Result<Option<Message>, FrameError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        self.decode().inspect_err(|error| {
            self.error = Some(error.clone());
            self.buffer.clear();
            self.expected = None;
        })
    }

    /// At the end of the stream: an error if it ended inside a message (or had failed).
    pub fn finish(&self) -> Result<(), FrameError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        if self.buffer.is_empty() {
            return Ok(());
        }
        let expected = self.expected.or_else(|| {
            (self.buffer.len() >= PRELUDE_LEN).then(|| read_u32(&self.buffer, 0) as usize)
        });
        Err(FrameError::Truncated {
            buffered: self.buffer.len(),
            expected,
        })
    }

    fn decode(&mut self) -> Result<Option<Message>, FrameError> {
        let total = match self.expected {
            Some(total) => total,
            None => {
                if self.buffer.len() < PRELUDE_LEN {
                    return Ok(None);
                }
                let total = check_prelude(&self.buffer[..PRELUDE_LEN])?;
                self.expected = Some(total);
                total
            }
        };
        if self.buffer.len() < total {
            // Within the limits (checked): room for the rest of the message, in one allocation.
            self.buffer.reserve(total - self.buffer.len());
            return Ok(None);
        }
        self.expected = None;
        let (body, crc) = self.buffer[..total].split_at(total - CRC_LEN);
        let computed = crc32fast::hash(body);
        let stated = read_u32(crc, 0);
        if computed != stated {
            return Err(FrameError::MessageCrc { computed, stated });
        }
        let frame = self.buffer.split_to(total).freeze();
        read_frame(frame).map(Some)
    }
}

/// `bytes[at..at + 4]` as a big-endian u32 (the caller has checked the length).
fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_be_bytes(word)
}

/// Checks a prelude's CRC and lengths against the limits; returns the total length.
fn check_prelude(prelude: &[u8]) -> Result<usize, FrameError> {
    let computed = crc32fast::hash(&prelude[..8]);
    let stated = read_u32(prelude, 8);
    if computed != stated {
        return Err(FrameError::PreludeCrc { computed, stated });
    }
    let total = read_u32(prelude, 0);
    let headers = read_u32(prelude, 4);
    if (total as usize) < MIN_MESSAGE_LEN {
        return Err(FrameError::MessageTooShort { total });
    }
    if total as usize > MAX_MESSAGE_LEN {
        return Err(FrameError::MessageTooLong {
            total: total as usize,
        });
    }
    if headers as usize > MAX_HEADERS_LEN {
        return Err(FrameError::HeadersTooLong {
            len: headers as usize,
        });
    }
    let Some(payload) = (total as usize - MIN_MESSAGE_LEN).checked_sub(headers as usize) else {
        return Err(FrameError::HeadersOutsideMessage { headers, total });
    };
    if payload > MAX_PAYLOAD_LEN {
        return Err(FrameError::PayloadTooLong { len: payload });
    }
    Ok(total as usize)
}

/// A whole frame whose prelude and CRCs are checked: its headers and payload.
fn read_frame(frame: Bytes) -> Result<Message, FrameError> {
    let headers_end = PRELUDE_LEN + read_u32(&frame, 4) as usize;
    let headers = read_headers(&frame, headers_end)?;
    let payload = frame.slice(headers_end..frame.len() - CRC_LEN);
    Ok(Message { headers, payload })
}

/// The headers of `frame[PRELUDE_LEN..end]`, in one pass.
fn read_headers(frame: &Bytes, end: usize) -> Result<Vec<Header>, FrameError> {
    let section = &frame[..end];
    let mut headers = Vec::new();
    let mut at = PRELUDE_LEN;
    while at < end {
        let start = at;
        let truncated = || FrameError::HeaderTruncated {
            offset: start - PRELUDE_LEN,
        };
        let name_len = usize::from(section[at]);
        at += 1;
        if name_len == 0 {
            return Err(FrameError::HeaderNameLength { len: 0 });
        }
        let name = section.get(at..at + name_len).ok_or_else(truncated)?;
        let name = std::str::from_utf8(name)
            .map_err(|_| FrameError::HeaderNameUtf8)?
            .to_owned();
        at += name_len;
        let code = *section.get(at).ok_or_else(truncated)?;
        at += 1;
        let value = match code {
            TYPE_TRUE => HeaderValue::Bool(true),
            TYPE_FALSE => HeaderValue::Bool(false),
            TYPE_BYTE => HeaderValue::Byte(i8::from_be_bytes(
                take(section, &mut at).ok_or_else(truncated)?,
            )),
            TYPE_INT16 => HeaderValue::Int16(i16::from_be_bytes(
                take(section, &mut at).ok_or_else(truncated)?,
            )),
            TYPE_INT32 => HeaderValue::Int32(i32::from_be_bytes(
                take(section, &mut at).ok_or_else(truncated)?,
            )),
            TYPE_INT64 => HeaderValue::Int64(i64::from_be_bytes(
                take(section, &mut at).ok_or_else(truncated)?,
            )),
            TYPE_TIMESTAMP => HeaderValue::Timestamp(i64::from_be_bytes(
                take(section, &mut at).ok_or_else(truncated)?,
            )),
            TYPE_UUID => HeaderValue::Uuid(take(section, &mut at).ok_or_else(truncated)?),
            TYPE_BYTE_ARRAY | TYPE_STRING => {
                let len = usize::from(u16::from_be_bytes(
                    take(section, &mut at).ok_or_else(truncated)?,
                ));
                if len > MAX_HEADER_VALUE_LEN {
                    return Err(FrameError::HeaderValueTooLong { name, len });
                }
                if at + len > end {
                    return Err(truncated());
                }
                let range = at..at + len;
                at += len;
                if code == TYPE_BYTE_ARRAY {
                    HeaderValue::ByteArray(frame.slice(range))
                } else {
                    match std::str::from_utf8(&section[range]) {
                        Ok(text) => HeaderValue::String(text.to_owned()),
                        Err(_) => return Err(FrameError::HeaderValueUtf8 { name }),
                    }
                }
            }
            code => return Err(FrameError::HeaderValueType { code }),
        };
        headers.push(Header { name, value });
    }
    Ok(headers)
}

/// The `N` bytes at `*at`, moving past them; `None` past the end.
fn take<const N: usize>(bytes: &[u8], at: &mut usize) -> Option<[u8; N]> {
    let value = bytes.get(*at..*at + N)?.try_into().ok()?;
    *at += N;
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn encoded(message: &Message) -> Vec<u8> {
        let mut out = Vec::new();
        encode(message, &mut out).expect("encodes");
        out
    }

    /// Feeds `bytes` in chunks of the given sizes (cycled), draining after each: the messages,
    /// then the first error (of `next_message` or, at the end, `finish`).
    fn decode_chunked(bytes: &[u8], sizes: &[usize]) -> (Vec<Message>, Option<FrameError>) {
        let mut decoder = Decoder::new();
        let mut messages = Vec::new();
        let mut rest = bytes;
        let mut sizes = sizes.iter().cycle();
        while !rest.is_empty() {
            let size = (*sizes.next().unwrap_or(&1)).clamp(1, rest.len());
            let (chunk, tail) = rest.split_at(size);
            rest = tail;
            decoder.push(chunk);
            loop {
                match decoder.next_message() {
                    Ok(Some(message)) => messages.push(message),
                    Ok(None) => break,
                    Err(error) => return (messages, Some(error)),
                }
            }
            // Drained: what is left is less than one whole message.
            let pending = decoder.expected.unwrap_or(PRELUDE_LEN);
            assert!(decoder.buffered() < pending.max(PRELUDE_LEN));
        }
        (messages, decoder.finish().err())
    }

    fn decode_all(bytes: &[u8]) -> Result<Vec<Message>, FrameError> {
        match decode_chunked(bytes, &[bytes.len().max(1)]) {
            (messages, None) => Ok(messages),
            (_, Some(error)) => Err(error),
        }
    }

    /// The prelude of a message claiming these lengths, with a correct CRC.
    fn prelude(total: u32, headers: u32) -> Vec<u8> {
        let mut bytes = total.to_be_bytes().to_vec();
        bytes.extend_from_slice(&headers.to_be_bytes());
        let crc = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&crc.to_be_bytes());
        bytes
    }

    /// A frame of these header and payload bytes with correct lengths and CRCs.
    fn frame(headers: &[u8], payload: &[u8]) -> Vec<u8> {
        let total = MIN_MESSAGE_LEN + headers.len() + payload.len();
        let mut bytes = prelude(total as u32, headers.len() as u32);
        bytes.extend_from_slice(headers);
        bytes.extend_from_slice(payload);
        let crc = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&crc.to_be_bytes());
        bytes
    }

    // --- Known answers ------------------------------------------------------------------------

    #[test]
    fn the_empty_message_is_sixteen_known_bytes() {
        let bytes = hex("000000100000000005c248eb7d98c8ff");
        assert_eq!(encoded(&Message::default()), bytes);
        assert_eq!(decode_all(&bytes), Ok(vec![Message::default()]));
    }

    /// aws-c-event-stream's test vectors (as aws-smithy-eventstream ships them).
    const NO_HEADERS: &str =
        "0000002400000000516356ad616e6f746865722074657374207061796c6f61648df80e65";
    const EMPTY_PAYLOAD: &str = "0000001f0000000f172dc2ab0b736f6d652d6865616465720301f4933c5cad";
    const ALL_HEADERS: &str = "000000960000007a8bb495fb0474727565000566616c736501046279746502320573686f7274034e2003696e74040007a120046c6f6e67050000000ba43b740005627974657306000a736f6d6520627974657303737472070008736f6d65207374720474696d6508000000012a05f200047575696409b79bc914de214e13b8b2bc47e85b7f0b736f6d65207061796c6f616401a05860";

    fn all_headers_message() -> Message {
        Message::new(&b"some payload"[..])
            .with_header("true", HeaderValue::Bool(true))
            .with_header("false", HeaderValue::Bool(false))
            .with_header("byte", HeaderValue::Byte(50))
            .with_header("short", HeaderValue::Int16(20_000))
            .with_header("int", HeaderValue::Int32(500_000))
            .with_header("long", HeaderValue::Int64(50_000_000_000))
            .with_header(
                "bytes",
                HeaderValue::ByteArray(Bytes::from_static(b"some bytes")),
            )
            .with_header("str", HeaderValue::String("some str".into()))
            .with_header("time", HeaderValue::Timestamp(5_000_000_000))
            .with_header(
                "uuid",
                HeaderValue::Uuid(hex("b79bc914de214e13b8b2bc47e85b7f0b").try_into().unwrap()),
            )
    }

    #[test]
    fn the_reference_vectors_decode_to_their_messages_and_encode_to_their_bytes() {
        let cases = [
            (NO_HEADERS, Message::new(&b"another test payload"[..])),
            (
                EMPTY_PAYLOAD,
                Message::default().with_header("some-header", HeaderValue::Int16(500)),
            ),
            (ALL_HEADERS, all_headers_message()),
        ];
        for (bytes, message) in cases {
            let bytes = hex(bytes);
            assert_eq!(decode_all(&bytes), Ok(vec![message.clone()]));
            assert_eq!(encoded(&message), bytes);
        }
        // All three in one stream, one byte at a time.
        let stream: Vec<u8> = [NO_HEADERS, EMPTY_PAYLOAD, ALL_HEADERS]
            .iter()
            .flat_map(|h| hex(h))
            .collect();
        let (messages, error) = decode_chunked(&stream, &[1]);
        assert_eq!((messages.len(), error), (3, None));
    }

    #[test]
    fn the_reference_invalid_vectors_are_refused() {
        // Each is the all-headers vector with bytes changed and the CRCs left as they were:
        // the CRC is checked first, so each fails there (or ends short of its length).
        let crc_mismatch = [
            // Header name length 0xff.
            "000000960000007a8bb495fb0474727565000566616c736501ff6279746502320573686f7274034e2003696e74040007a120046c6f6e67050000000ba43b740005627974657306000a736f6d6520627974657303737472070008736f6d65207374720474696d6508000000012a05f200047575696409b79bc914de214e13b8b2bc47e85b7f0b736f6d65207061796c6f616401a05860",
            // String value length 0xffff.
            "000000960000007a8bb495fb0474727565000566616c736501046279746502320573686f7274034e2003696e74040007a120046c6f6e67050000000ba43b740005627974657306000a736f6d652062797465730373747207ffff736f6d65207374720474696d6508000000012a05f200047575696409b79bc914de214e13b8b2bc47e85b7f0b736f6d65207061796c6f616401a05860",
            // Value type 0x60.
            "000000960000007a8bb495fb0474727565000566616c736501046279746560320573686f7274034e2003696e74040007a120046c6f6e67050000000ba43b740005627974657306000a736f6d6520627974657303737472070008736f6d65207374720474696d6508000000012a05f200047575696409b79bc914de214e13b8b2bc47e85b7f0b736f6d65207061796c6f616401a05860",
            // Message CRC 0xdeadbeef.
            "000000960000007a8bb495fb0474727565000566616c736501046279746502320573686f7274034e2003696e74040007a120046c6f6e67050000000ba43b740005627974657306000a736f6d6520627974657303737472070008736f6d65207374720474696d6508000000012a05f200047575696409b79bc914de214e13b8b2bc47e85b7f0b736f6d65207061796c6f6164deadbeef",
        ];
        for bytes in crc_mismatch {
            let error = decode_all(&hex(bytes)).unwrap_err();
            assert!(matches!(error, FrameError::MessageCrc { .. }), "{error}");
        }
        // Prelude CRC 0xdeadbeef.
        let bytes = hex(&ALL_HEADERS.replace("8bb495fb", "deadbeef"));
        let error = decode_all(&bytes).unwrap_err();
        assert!(
            matches!(
                error,
                FrameError::PreludeCrc {
                    stated: 0xdeadbeef,
                    ..
                }
            ),
            "{error}"
        );
        assert_eq!(
            error.to_string(),
            "event-stream prelude CRC mismatch: the prelude says 0xdeadbeef, its bytes give 0x8bb495fb"
        );
        // Headers of 77 bytes in a message of 89: refused from the prelude alone.
        let bytes = hex(
            "000000590000004d584c4ffe0474727565000566616c736501046279746502320573686f7274034e2003696e74040007a120046c6f6e67050000000ba43b740005627974657306000a736f6d652062797465730373747207ff",
        );
        assert_eq!(
            decode_all(&bytes),
            Err(FrameError::HeadersOutsideMessage {
                headers: 77,
                total: 89
            })
        );
        // Messages of 93 (0x5d) bytes with a wrong message CRC: one with a long name (and 30
        // bytes more after it), one with a string value cut off.
        for bytes in [
            "0000005d0000004dadcce93e0474727565006605616c736501046279746502320573685d0ba43b740005627974657306000a736f6d65206279746573037374720705616c736501046279746502320573686f7274034e2003696e74040007a120046c6f6e670500005d0ba43b74000562797465730600ff00000000",
            "0000005d0000004dadcce93e0474727565000566616c736501046279746502320573686f7274034e2003696e74040007a120046c6f6e67050000000ba43b740005627974657306000a736f6d652062797465730373747207ff00000000",
        ] {
            let error = decode_all(&hex(bytes)).unwrap_err();
            assert!(matches!(error, FrameError::MessageCrc { .. }), "{error}");
        }
    }

    #[test]
    fn headers_are_looked_up_by_name() {
        let message = all_headers_message();
        assert_eq!(
            message.header("str").and_then(HeaderValue::as_str),
            Some("some str")
        );
        assert_eq!(
            message.header("bytes").and_then(HeaderValue::as_bytes),
            Some(&b"some bytes"[..])
        );
        assert_eq!(
            message.header("false").and_then(HeaderValue::as_bool),
            Some(false)
        );
        assert_eq!(message.header("byte").and_then(HeaderValue::as_str), None);
        assert_eq!(message.header("missing"), None);
        let codes: Vec<u8> = message
            .headers
            .iter()
            .map(|h| h.value.type_code())
            .collect();
        assert_eq!(codes, (0..10).collect::<Vec<u8>>());
    }

    // --- Limits -------------------------------------------------------------------------------

    #[test]
    fn the_largest_message_round_trips_and_one_byte_more_is_refused() {
        // Four headers of 1 + 1 + 1 + 2 + 32763 bytes: exactly 128 KiB.
        let value = HeaderValue::ByteArray(Bytes::from(vec![7u8; 32_763]));
        let mut message = Message::new(vec![1u8; MAX_PAYLOAD_LEN]);
        for name in ["a", "b", "c", "d"] {
            message = message.with_header(name, value.clone());
        }
        let bytes = encoded(&message);
        assert_eq!(bytes.len(), MAX_MESSAGE_LEN);
        assert_eq!(
            decode_chunked(&bytes, &[1 << 20]),
            (vec![message.clone()], None)
        );

        let mut longer = message.clone();
        longer.payload = Bytes::from(vec![1u8; MAX_PAYLOAD_LEN + 1]);
        assert_eq!(
            encode(&longer, &mut Vec::new()),
            Err(FrameError::PayloadTooLong {
                len: MAX_PAYLOAD_LEN + 1
            })
        );
        let mut more_headers = message;
        more_headers.headers[0].value = HeaderValue::ByteArray(Bytes::from(vec![7u8; 32_764]));
        assert_eq!(
            encode(&more_headers, &mut Vec::new()),
            Err(FrameError::HeadersTooLong {
                len: MAX_HEADERS_LEN + 1
            })
        );
    }

    #[test]
    fn the_encoder_refuses_bad_names_and_long_values_and_writes_nothing() {
        let mut out = b"kept".to_vec();
        let cases = [
            (
                Message::default().with_header("", HeaderValue::Bool(true)),
                FrameError::HeaderNameLength { len: 0 },
            ),
            (
                Message::default().with_header("n".repeat(256), HeaderValue::Bool(true)),
                FrameError::HeaderNameLength { len: 256 },
            ),
            (
                Message::default().with_header("s", HeaderValue::String("x".repeat(32_768))),
                FrameError::HeaderValueTooLong {
                    name: "s".into(),
                    len: 32_768,
                },
            ),
        ];
        for (message, error) in cases {
            assert_eq!(encode(&message, &mut out), Err(error));
            assert_eq!(out, b"kept");
        }
        // The longest name and value are fine.
        let message = Message::default()
            .with_header("n".repeat(255), HeaderValue::String("x".repeat(32_767)));
        assert_eq!(decode_all(&encoded(&message)), Ok(vec![message]));
    }

    #[test]
    fn length_fields_out_of_bounds_are_refused_with_their_message() {
        let cases: [(u32, u32, FrameError, &str); 5] = [
            (
                15,
                0,
                FrameError::MessageTooShort { total: 15 },
                "event-stream message length 15 is below the minimum of 16 bytes (prelude and message CRC)",
            ),
            (
                20_000_000,
                0,
                FrameError::MessageTooLong { total: 20_000_000 },
                "event-stream message of 20000000 bytes exceeds the 16908304-byte limit (16 MiB payload, 128 KiB headers, prelude and CRC)",
            ),
            (
                1_000_000,
                131_073,
                FrameError::HeadersTooLong { len: 131_073 },
                "event-stream headers of 131073 bytes exceed the 128 KiB limit",
            ),
            (
                100,
                85,
                FrameError::HeadersOutsideMessage {
                    headers: 85,
                    total: 100,
                },
                "event-stream headers length 85 does not fit in a message of 100 bytes",
            ),
            (
                16_800_000,
                0,
                FrameError::PayloadTooLong { len: 16_799_984 },
                "event-stream payload of 16799984 bytes exceeds the 16 MiB limit",
            ),
        ];
        for (total, headers, error, text) in cases {
            let mut decoder = Decoder::new();
            decoder.push(&prelude(total, headers));
            assert_eq!(decoder.next_message(), Err(error.clone()));
            assert_eq!(error.to_string(), text);
        }
        // The headers may fill the whole message.
        let mut decoder = Decoder::new();
        decoder.push(&prelude(100, 84));
        assert_eq!(decoder.next_message(), Ok(None));
    }

    #[test]
    fn header_errors_are_found_after_the_crc_and_named() {
        let cases: [(&[u8], FrameError, &str); 6] = [
            (
                b"\x00",
                FrameError::HeaderNameLength { len: 0 },
                "event-stream header name of 0 bytes (a name has 1 to 255)",
            ),
            (
                b"\x01a\x0c",
                FrameError::HeaderValueType { code: 12 },
                "event-stream header value type 12 is not one of the ten (0 to 9)",
            ),
            (
                b"\x01a\x00\x05abc",
                FrameError::HeaderTruncated { offset: 3 },
                "event-stream header at offset 3 of the headers runs past their end",
            ),
            (
                b"\x01a\x07\x00\x02\xff\xfe",
                FrameError::HeaderValueUtf8 { name: "a".into() },
                "event-stream header `a`: string value is not UTF-8",
            ),
            (
                b"\x01a\x06\x80\x00",
                FrameError::HeaderValueTooLong {
                    name: "a".into(),
                    len: 32_768,
                },
                "event-stream header `a`: value of 32768 bytes exceeds the 32767-byte limit",
            ),
            (
                b"\x02\xc3\x28\x00",
                FrameError::HeaderNameUtf8,
                "event-stream header name is not UTF-8",
            ),
        ];
        for (headers, error, text) in cases {
            assert_eq!(
                decode_all(&frame(headers, b"payload")),
                Err(error.clone()),
                "{text}"
            );
            assert_eq!(error.to_string(), text);
        }
        // A value that runs past the headers into the payload.
        assert_eq!(
            decode_all(&frame(b"\x01a\x04\x00\x00", b"\x00\x01")),
            Err(FrameError::HeaderTruncated { offset: 0 })
        );
    }

    #[test]
    fn an_error_is_final() {
        let mut decoder = Decoder::new();
        decoder.push(&hex("000000100000000005c248eb7d98c8fe"));
        let error = decoder.next_message().unwrap_err();
        assert!(matches!(
            error,
            FrameError::MessageCrc {
                stated: 0x7d98c8fe,
                ..
            }
        ));
        decoder.push(&encoded(&Message::default()));
        assert_eq!(decoder.buffered(), 0);
        assert_eq!(decoder.next_message(), Err(error.clone()));
        assert_eq!(decoder.finish(), Err(error));
    }

    #[test]
    fn finish_reports_where_the_stream_stopped() {
        let bytes = encoded(&all_headers_message());
        let mut decoder = Decoder::new();
        decoder.push(&bytes[..5]);
        assert_eq!(decoder.next_message(), Ok(None));
        let error = decoder.finish().unwrap_err();
        assert_eq!(
            error,
            FrameError::Truncated {
                buffered: 5,
                expected: None
            }
        );
        assert_eq!(
            error.to_string(),
            "event stream ended inside a message: 5 bytes arrived, fewer than its 12-byte prelude"
        );
        decoder.push(&bytes[5..100]);
        assert_eq!(decoder.next_message(), Ok(None));
        let error = decoder.finish().unwrap_err();
        assert_eq!(
            error.to_string(),
            "event stream ended inside a message: 100 of its 150 bytes arrived"
        );
        decoder.push(&bytes[100..]);
        assert!(decoder.next_message().unwrap().is_some());
        assert_eq!(decoder.finish(), Ok(()));
    }

    #[test]
    fn a_payload_is_a_slice_of_the_received_bytes() {
        let message = Message::new(vec![9u8; 4096])
            .with_header("k", HeaderValue::ByteArray(Bytes::from_static(b"v")));
        let mut decoder = Decoder::new();
        decoder.push(&encoded(&message));
        let decoded = decoder.next_message().unwrap().unwrap();
        // The header is 1 + 1 + 1 + 2 + 1 bytes: the value is the last of them.
        let frame_start = decoded.payload.as_ptr() as usize - PRELUDE_LEN - 6;
        let value = decoded.header("k").and_then(HeaderValue::as_bytes).unwrap();
        assert_eq!(
            value.as_ptr() as usize,
            frame_start + PRELUDE_LEN + 5,
            "the value is not copied either"
        );
        assert_eq!(decoded, message);
    }

    // --- Properties ---------------------------------------------------------------------------

    fn header_value() -> impl Strategy<Value = HeaderValue> {
        prop_oneof![
            any::<bool>().prop_map(HeaderValue::Bool),
            any::<i8>().prop_map(HeaderValue::Byte),
            any::<i16>().prop_map(HeaderValue::Int16),
            any::<i32>().prop_map(HeaderValue::Int32),
            any::<i64>().prop_map(HeaderValue::Int64),
            proptest::collection::vec(any::<u8>(), 0..64)
                .prop_map(|v| HeaderValue::ByteArray(v.into())),
            "(?s).{0,24}".prop_map(HeaderValue::String),
            any::<i64>().prop_map(HeaderValue::Timestamp),
            any::<[u8; 16]>().prop_map(HeaderValue::Uuid),
        ]
    }

    fn message() -> impl Strategy<Value = Message> {
        (
            proptest::collection::vec(("(?s).{1,16}", header_value()), 0..8),
            proptest::collection::vec(any::<u8>(), 0..2048),
        )
            .prop_map(|(headers, payload)| Message {
                headers: headers
                    .into_iter()
                    .map(|(name, value)| Header { name, value })
                    .collect(),
                payload: payload.into(),
            })
    }

    fn chunk_sizes() -> impl Strategy<Value = Vec<usize>> {
        proptest::collection::vec(prop_oneof![1usize..16, 1usize..5000], 1..16)
    }

    proptest! {
        /// Any messages, any header types, names and values: encode, then decode from the
        /// stream cut into any chunks, gives them back.
        #[test]
        fn messages_round_trip_in_any_chunks(
            messages in proptest::collection::vec(message(), 1..5),
            sizes in chunk_sizes(),
        ) {
            let mut stream = Vec::new();
            for message in &messages {
                encode(message, &mut stream).unwrap();
            }
            let (decoded, error) = decode_chunked(&stream, &sizes);
            prop_assert_eq!(error, None);
            prop_assert_eq!(decoded, messages);
        }

        /// Random bytes in random chunks: no panic; messages or an error.
        #[test]
        fn random_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..4096),
            sizes in chunk_sizes(),
        ) {
            let _ = decode_chunked(&bytes, &sizes);
        }

        /// Random headers and payload bytes inside a frame whose CRCs are right (so the header
        /// parser sees them): no panic, and what decodes re-encodes to the same bytes.
        #[test]
        fn random_headers_in_a_valid_frame_decode_exactly_or_error(
            headers in proptest::collection::vec(any::<u8>(), 0..256),
            payload in proptest::collection::vec(any::<u8>(), 0..64),
            sizes in chunk_sizes(),
        ) {
            let bytes = frame(&headers, &payload);
            let (messages, error) = decode_chunked(&bytes, &sizes);
            if error.is_none() {
                prop_assert_eq!(messages.len(), 1);
                prop_assert_eq!(encoded(&messages[0]), bytes);
            } else {
                prop_assert!(messages.is_empty());
            }
        }

        /// Changing any one byte of a valid frame: an error (a CRC), never another message.
        #[test]
        fn any_single_byte_change_is_an_error(
            message in message(),
            index in any::<proptest::sample::Index>(),
            flip in 1u8..=255,
            sizes in chunk_sizes(),
        ) {
            let mut bytes = encoded(&message);
            let at = index.index(bytes.len());
            bytes[at] ^= flip;
            let (messages, error) = decode_chunked(&bytes, &sizes);
            prop_assert!(messages.is_empty());
            let error = error.expect("an error");
            prop_assert!(
                matches!(error, FrameError::PreludeCrc { .. } | FrameError::MessageCrc { .. }),
                "{}", error
            );
        }

        /// A prelude (CRC right) claiming more than the limits: refused before any of it is
        /// buffered, however much data follows.
        #[test]
        fn huge_length_claims_are_refused_without_allocating(
            claim in prop_oneof![
                ((MAX_MESSAGE_LEN as u32 + 1)..=u32::MAX, any::<u32>()),
                ((MIN_MESSAGE_LEN as u32)..=MAX_MESSAGE_LEN as u32, (MAX_HEADERS_LEN as u32 + 1)..=u32::MAX),
                ((MIN_MESSAGE_LEN as u32 + MAX_PAYLOAD_LEN as u32 + 16)..=MAX_MESSAGE_LEN as u32, 0u32..16),
                (0u32..MIN_MESSAGE_LEN as u32, any::<u32>()),
            ],
            tail in proptest::collection::vec(any::<u8>(), 0..512),
        ) {
            let (total, headers) = claim;
            let mut decoder = Decoder::new();
            decoder.push(&prelude(total, headers));
            decoder.push(&tail);
            prop_assert!(decoder.next_message().is_err());
            prop_assert!(decoder.buffer.capacity() < 4096, "{}", decoder.buffer.capacity());
            decoder.push(&tail);
            prop_assert!(decoder.buffer.capacity() < 4096);
        }

        /// A stream cut anywhere but between messages: `finish` reports it truncated.
        #[test]
        fn a_truncated_stream_fails_to_finish(
            messages in proptest::collection::vec(message(), 1..4),
            cut in any::<proptest::sample::Index>(),
            sizes in chunk_sizes(),
        ) {
            let mut stream = Vec::new();
            let mut ends = vec![0];
            for message in &messages {
                encode(message, &mut stream).unwrap();
                ends.push(stream.len());
            }
            let cut = cut.index(stream.len());
            let (decoded, error) = decode_chunked(&stream[..cut], &sizes);
            let whole = ends.iter().filter(|end| **end <= cut).count() - 1;
            prop_assert_eq!(&decoded[..], &messages[..whole]);
            if ends.contains(&cut) {
                prop_assert_eq!(error, None);
            } else {
                let is_truncated = matches!(error, Some(FrameError::Truncated { buffered, .. }) if buffered == cut - ends[whole]);
                prop_assert!(is_truncated, "{:?}", error);
            }
        }
    }
}
