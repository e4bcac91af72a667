//! SigV4 signing of the messages of an input event stream, included only in crates that have
//! event-stream operations.
//!
//! Every event the client sends, already encoded as an event-stream message, travels as the
//! payload of an outer message with two headers: `:chunk-signature` (a byte array, the 32 raw
//! bytes of the signature) and `:date` (a timestamp, the signing time in whole seconds). The
//! string to sign is
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD
//! <amz date: YYYYMMDDTHHMMSSZ>
//! <YYYYMMDD>/<region>/<service>/aws4_request
//! <previous signature, hex>
//! <hex SHA-256 of the `:date` header as encoded alone>
//! <hex SHA-256 of the payload>
//! ```
//!
//! signed with the request signer's key for that date, region and service. The first message's
//! previous signature is the initial HTTP request's; each signature is the next one's previous.
//! The stream ends with one more signed message whose payload is empty ([`EventSigner::end`]).
//! The signing key is derived once per date, not per message.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::credentials::Credentials;
use super::event_stream::{FrameError, Header, HeaderValue, MAX_PAYLOAD_LEN, Message};
use super::sigv4::{HexDigest, SigningTime, derive_key, format_time, hex};

const ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
/// The header carrying a message's signature.
pub(crate) const CHUNK_SIGNATURE: &str = ":chunk-signature";
/// The header carrying a message's signing time.
pub(crate) const DATE: &str = ":date";
/// The last second a signature can carry, 9999-12-31T23:59:59Z: its date has four digits for
/// the year. Later times are signed as this one, times before 1970 as 1970-01-01T00:00:00Z, so
/// that `:date` and the string to sign always agree.
const LAST_SECOND: u64 = 253_402_300_799;

/// Signs the messages of one event stream, in order.
pub(crate) struct EventSigner {
    credentials: Credentials,
    region: String,
    service: String,
    /// The signature the next message chains from.
    previous: HexDigest,
    /// The date (`YYYYMMDD`) and an HMAC keyed with that date's signing key.
    key: Option<(String, Hmac<Sha256>)>,
}

impl fmt::Debug for EventSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSigner")
            .field("region", &self.region)
            .field("service", &self.service)
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

impl EventSigner {
    /// A signer for the stream of the request signed with `initial_signature` (the
    /// `signature` of [`Signer::sign_with`](super::sigv4::Signer::sign_with)'s result), with
    /// the same credentials, region and service.
    pub(crate) fn new(
        credentials: &Credentials,
        region: &str,
        service: &str,
        initial_signature: &HexDigest,
    ) -> Self {
        EventSigner {
            credentials: credentials.clone(),
            region: region.to_string(),
            service: service.to_string(),
            previous: initial_signature.clone(),
            key: None,
        }
    }

    /// Wraps one encoded event in a message signed at `time`. An event longer than the
    /// largest payload is refused, and the chain is left as it was.
    pub(crate) fn sign(
        &mut self,
        encoded_event: Bytes,
        time: SystemTime,
    ) -> Result<Message, FrameError> {
        if encoded_event.len() > MAX_PAYLOAD_LEN {
            return Err(FrameError::PayloadTooLong {
                len: encoded_event.len(),
            });
        }
        Ok(self.wrap(encoded_event, time))
    }

    /// The signed empty message that ends the stream.
    pub(crate) fn end(mut self, time: SystemTime) -> Message {
        self.wrap(Bytes::new(), time)
    }

    fn wrap(&mut self, payload: Bytes, time: SystemTime) -> Message {
        let seconds = time
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .min(LAST_SECOND);
        // At most 253_402_300_799_000: an i64 holds it.
        let millis = seconds as i64 * 1000;
        let time = format_time(UNIX_EPOCH + Duration::from_secs(seconds));
        let date_hash = hex(&Sha256::digest(date_header(millis)).into());
        let payload_hash = hex(&Sha256::digest(&payload).into());
        let signature = self.signature(&time, &date_hash, &payload_hash);
        self.previous = hex(&signature);
        Message {
            headers: vec![
                Header::new(
                    CHUNK_SIGNATURE,
                    HeaderValue::ByteArray(Bytes::copy_from_slice(&signature)),
                ),
                Header::new(DATE, HeaderValue::Timestamp(millis)),
            ],
            payload,
        }
    }

    /// The signature of the next message, chained from the previous one.
    fn signature(
        &mut self,
        time: &SigningTime,
        date_header_hash: &HexDigest,
        payload_hash: &HexDigest,
    ) -> [u8; 32] {
        let mut mac = self.keyed(time.date());
        let pieces = string_to_sign(
            time,
            &self.region,
            &self.service,
            &self.previous,
            date_header_hash,
            payload_hash,
        );
        for piece in pieces {
            mac.update(piece);
        }
        mac.finalize().into_bytes().into()
    }

    /// An HMAC keyed with `date`'s signing key, derived only when the date changes.
    fn keyed(&mut self, date: &str) -> Hmac<Sha256> {
        match &self.key {
            Some((cached, mac)) if cached == date => mac.clone(),
            _ => {
                let key = derive_key(
                    self.credentials.secret_access_key(),
                    date,
                    &self.region,
                    &self.service,
                );
                let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
                    .expect("HMAC accepts keys of any length");
                self.key = Some((date.to_string(), mac.clone()));
                mac
            }
        }
    }
}

/// The string to sign, in pieces (fed to the HMAC without being joined).
fn string_to_sign<'a>(
    time: &'a SigningTime,
    region: &'a str,
    service: &'a str,
    previous: &'a HexDigest,
    date_header_hash: &'a HexDigest,
    payload_hash: &'a HexDigest,
) -> [&'a [u8]; 15] {
    [
        ALGORITHM.as_bytes(),
        b"\n",
        time.date_time().as_bytes(),
        b"\n",
        time.date().as_bytes(),
        b"/",
        region.as_bytes(),
        b"/",
        service.as_bytes(),
        b"/aws4_request\n",
        previous.as_str().as_bytes(),
        b"\n",
        date_header_hash.as_str().as_bytes(),
        b"\n",
        payload_hash.as_str().as_bytes(),
    ]
}

/// The `:date` header as the framing encodes it: the name's length, the name, the timestamp
/// type (8) and the milliseconds, big-endian.
fn date_header(millis: i64) -> [u8; 15] {
    let mut out = [0u8; 15];
    out[0] = DATE.len() as u8;
    out[1..6].copy_from_slice(DATE.as_bytes());
    out[6] = 8;
    out[7..].copy_from_slice(&millis.to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::super::event_stream::{Decoder, encode};
    use super::super::sigv4::{Signer, SigningParams};
    use super::*;
    use proptest::prelude::*;

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn digest(text: &str) -> HexDigest {
        hex(&unhex(text).try_into().expect("32 bytes"))
    }

    fn sha256_hex(bytes: &[u8]) -> HexDigest {
        hex(&Sha256::digest(bytes).into())
    }

    fn encoded(message: &Message) -> Vec<u8> {
        let mut out = Vec::new();
        encode(message, &mut out).expect("encodes");
        out
    }

    fn at(seconds: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(seconds, nanos)
    }

    fn signature_of(message: &Message) -> &[u8] {
        message
            .header(CHUNK_SIGNATURE)
            .and_then(HeaderValue::as_bytes)
            .expect("a :chunk-signature header")
    }

    // --- Known answers ------------------------------------------------------------------------

    /// aws-sdk-go's event-stream signer vector (`aws/signer/v4/stream_test.go`): its "headers"
    /// stand for the encoded `:date` header, so it checks the chain below the framing.
    #[test]
    fn matches_the_aws_sdk_go_stream_signer_vector() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        );
        let seed = digest("9d9ab996c81f32c9d4e6fc166c92584f3741d1cb5ce325cd11a77d1f962c8de2");
        let mut signer = EventSigner::new(&credentials, "us-east-1", "transcribe", &seed);
        // 2019-01-27T22:37:54Z.
        let time = format_time(at(1_548_628_674, 0));
        assert_eq!(time.date_time(), "20190127T223754Z");
        let expected = [
            (
                "headers",
                "payload",
                "681a7eaa82891536f24af7ec7e9219ee251ccd9bac2f1b981eab7c5ec8579115",
            ),
            (
                "more headers",
                "more payload",
                "07633d9d4ab4d81634a2164934d1f648c7cbc6839a8cf0773d818127a267e4d6",
            ),
        ];
        for (headers, payload, signature) in expected {
            let bytes = signer.signature(
                &time,
                &sha256_hex(headers.as_bytes()),
                &sha256_hex(payload.as_bytes()),
            );
            signer.previous = hex(&bytes);
            assert_eq!(signer.previous.as_str(), signature);
        }
    }

    /// smithy-rs's aws-sigv4 vector (`event_stream::tests::string_to_sign`): a message with one
    /// string header and "test payload", signed at 123456789.000001234 s with the previous
    /// signature SHA-256("last message sts"). The string to sign is theirs; the signature and
    /// the whole signed message were computed from it with Python's `hmac`, `hashlib` and
    /// `zlib` (and agree with aws-sigv4, as the property test below checks for any input).
    #[test]
    fn matches_the_smithy_rs_string_to_sign_vector() {
        let credentials = Credentials::new("ANOTREAL", "notrealrnrELgWzOk3IfjzDKtFBhDby", None);
        let previous = sha256_hex(b"last message sts");
        let event = encoded(
            &Message::new(&b"test payload"[..])
                .with_header("some-header", HeaderValue::String("value".into())),
        );
        let time = at(123_456_789, 1234);

        let signing_time = format_time(at(123_456_789, 0));
        let text: Vec<u8> = string_to_sign(
            &signing_time,
            "us-east-1",
            "testservice",
            &previous,
            &sha256_hex(&date_header(123_456_789_000)),
            &sha256_hex(&event),
        )
        .concat();
        assert_eq!(
            std::str::from_utf8(&text).expect("ASCII"),
            "AWS4-HMAC-SHA256-PAYLOAD\n\
             19731129T213309Z\n\
             19731129/us-east-1/testservice/aws4_request\n\
             be1f8c7d79ef8e1abc5254a2c70e4da3bfaf4f07328f527444e1fc6ea67273e2\n\
             0c0e3b3bf66b59b976181bd7d401927bbd624107303c713fd1e5f3d3c8dd1b1e\n\
             f2eba0f2e95967ee9fbc6db5e678d2fd599229c0d04b11e4fc8e0f2a02a806c6"
        );

        let mut signer = EventSigner::new(&credentials, "us-east-1", "testservice", &previous);
        let signed = signer.sign(Bytes::from(event), time).expect("signs");
        assert_eq!(
            hex(&signature_of(&signed).try_into().expect("32 bytes")).as_str(),
            "08fed460df836999e1c4137962a3d6ad66a9e8c1bf8e8888e3cbeee26bbf774d"
        );
        assert_eq!(
            encoded(&signed),
            unhex(
                "00000083000000437cb10501103a6368756e6b2d7369676e617475726506002008fed460df8369\
                 99e1c4137962a3d6ad66a9e8c1bf8e8888e3cbeee26bbf774d053a64617465080000001cbe991a\
                 080000003000000014ded9b3920b736f6d652d68656164657207000576616c7565746573742070\
                 61796c6f61643e89b924420f5638"
            )
        );
        let end = signer.end(time);
        assert_eq!(
            hex(&signature_of(&end).try_into().expect("32 bytes")).as_str(),
            "dbe0525115366ab86e102862106d03e6662e7696abe6d172a0daf49e3c472615"
        );
        assert!(end.payload.is_empty());
    }

    #[test]
    fn the_date_header_is_encoded_as_the_framing_writes_it() {
        for millis in [0, 123_456_789_000, 253_402_300_799_000, -1, i64::MIN] {
            let bytes =
                encoded(&Message::default().with_header(DATE, HeaderValue::Timestamp(millis)));
            // Prelude (12 bytes), the one header, the message CRC (4).
            assert_eq!(&bytes[12..bytes.len() - 4], &date_header(millis)[..]);
        }
    }

    #[test]
    fn a_signed_message_carries_signature_then_date_and_the_event_as_payload() {
        let credentials = Credentials::new("AKID", "SECRET", Some("TOKEN".into()));
        let mut signer = EventSigner::new(&credentials, "eu-west-1", "s", &sha256_hex(b"seed"));
        let event = Bytes::from(encoded(&Message::new(&b"identical"[..])));
        let mut signatures = Vec::new();
        for _ in 0..3 {
            let signed = signer
                .sign(event.clone(), at(1_767_323_045, 999_999_999))
                .expect("signs");
            let names: Vec<&str> = signed.headers.iter().map(|h| h.name.as_str()).collect();
            assert_eq!(names, [CHUNK_SIGNATURE, DATE]);
            assert_eq!(signature_of(&signed).len(), 32);
            // Whole seconds: the sub-second part is dropped, as from the amz date.
            assert_eq!(
                signed.header(DATE),
                Some(&HeaderValue::Timestamp(1_767_323_045_000))
            );
            assert_eq!(signed.payload, event);
            assert_eq!(
                hex(&signature_of(&signed).try_into().unwrap()),
                signer.previous
            );
            signatures.push(signature_of(&signed).to_vec());
        }
        // The same event at the same time signs differently each time: the chain moves on.
        assert_ne!(signatures[0], signatures[1]);
        assert_ne!(signatures[1], signatures[2]);
    }

    #[test]
    fn the_signing_key_is_derived_again_when_the_date_changes() {
        let credentials = Credentials::new("AKID", "SECRET", None);
        let seed = sha256_hex(b"seed");
        let before_midnight = at(1_767_311_999, 0); // 2026-01-01T23:59:59Z
        let after_midnight = at(1_767_312_000, 0); // 2026-01-02T00:00:00Z
        let mut chained = EventSigner::new(&credentials, "us-east-1", "s", &seed);
        chained.sign(Bytes::new(), before_midnight).expect("signs");
        assert_eq!(
            chained.key.as_ref().map(|(d, _)| d.as_str()),
            Some("20260101")
        );
        let previous = chained.previous.clone();
        let across = chained.sign(Bytes::new(), after_midnight).expect("signs");
        assert_eq!(
            chained.key.as_ref().map(|(d, _)| d.as_str()),
            Some("20260102")
        );
        // A signer that never saw the first date signs the same.
        let mut fresh = EventSigner::new(&credentials, "us-east-1", "s", &previous);
        assert_eq!(fresh.sign(Bytes::new(), after_midnight), Ok(across));
    }

    /// The initial request's signature, as the request signer returns it, starts the chain, and
    /// aws-sigv4 given the same text (from the `authorization` header) signs the same messages.
    #[test]
    fn the_chain_starts_from_the_request_signature() {
        let credentials = Credentials::new("AKIDEXAMPLE", "SECRET", None);
        let mut request = http::Request::builder()
            .method("POST")
            .uri("https://transcribestreaming.us-east-1.amazonaws.com/stream-transcription")
            .body(Vec::new())
            .expect("request");
        let time = at(1_767_323_045, 0);
        let params = SigningParams {
            credentials: &credentials,
            region: "us-east-1",
            service: "transcribe",
            time,
        };
        let initial = Signer::default()
            .sign(&mut request, &params)
            .expect("signs the request");
        let authorization = request.headers()["authorization"].to_str().expect("ASCII");
        let sent = authorization
            .rsplit("Signature=")
            .next()
            .expect("a signature");
        assert_eq!(sent, initial.signature.as_str());

        let mut signer =
            EventSigner::new(&credentials, "us-east-1", "transcribe", &initial.signature);
        let event = Message::new(&b"audio"[..]);
        let ours = signer
            .sign(Bytes::from(encoded(&event)), time)
            .expect("signs");
        let (theirs, _) = reference::sign(
            &credentials,
            "us-east-1",
            "transcribe",
            sent,
            Some(&event),
            time,
        );
        assert_eq!(encoded(&ours), theirs);
    }

    // --- Hostile input ------------------------------------------------------------------------

    #[test]
    fn an_event_too_large_to_wrap_is_refused_and_the_chain_is_unchanged() {
        let credentials = Credentials::new("AKID", "SECRET", None);
        let seed = sha256_hex(b"seed");
        let time = at(1_767_323_045, 0);
        let mut signer = EventSigner::new(&credentials, "us-east-1", "s", &seed);

        // A valid event whose payload is the largest there is: its encoding is longer still.
        let mut event = Vec::new();
        encode(
            &Message::new(vec![0u8; MAX_PAYLOAD_LEN])
                .with_header(":event-type", HeaderValue::String("Audio".into())),
            &mut event,
        )
        .expect("the event itself is within the limits");
        let len = event.len();
        assert_eq!(
            signer.sign(Bytes::from(event), time),
            Err(FrameError::PayloadTooLong { len })
        );
        assert_eq!(
            signer.sign(Bytes::from(vec![0u8; MAX_PAYLOAD_LEN + 1]), time),
            Err(FrameError::PayloadTooLong {
                len: MAX_PAYLOAD_LEN + 1
            })
        );
        assert_eq!(
            signer.previous, seed,
            "a refused event does not move the chain"
        );

        // Exactly the largest payload: signed, and the signed message encodes.
        let largest = signer
            .sign(Bytes::from(vec![7u8; MAX_PAYLOAD_LEN]), time)
            .expect("the largest payload is signed");
        let bytes = encoded(&largest);
        let mut decoder = Decoder::new();
        decoder.push(&bytes);
        assert_eq!(decoder.next_message(), Ok(Some(largest)));
    }

    #[test]
    fn times_out_of_range_are_clamped() {
        let credentials = Credentials::new("AKID", "SECRET", None);
        let seed = sha256_hex(b"seed");
        let cases = [
            (UNIX_EPOCH - Duration::from_secs(86_400 * 365), 0),
            (UNIX_EPOCH - Duration::from_nanos(1), 0),
            (at(LAST_SECOND, 999_999_999), LAST_SECOND as i64 * 1000),
            (at(LAST_SECOND + 1, 0), LAST_SECOND as i64 * 1000),
            (at(u64::MAX / 4, 0), LAST_SECOND as i64 * 1000),
        ];
        for (time, millis) in cases {
            let mut signer = EventSigner::new(&credentials, "r", "s", &seed);
            let signed = signer.sign(Bytes::new(), time).expect("signs");
            assert_eq!(signed.header(DATE), Some(&HeaderValue::Timestamp(millis)));
            // The same as signing at the clamped time.
            let mut clamped = EventSigner::new(&credentials, "r", "s", &seed);
            let again = clamped
                .sign(Bytes::new(), at(millis as u64 / 1000, 0))
                .expect("signs");
            assert_eq!(signed, again);
        }
        assert_eq!(
            format_time(at(LAST_SECOND, 0)).date_time(),
            "99991231T235959Z"
        );
    }

    proptest! {
        /// Any bytes as the event, any region, service and secret (empty, non-ASCII), any time:
        /// no panic, and the signed message encodes and decodes back to itself.
        #[test]
        fn odd_inputs_sign_and_frame(
            event in proptest::collection::vec(any::<u8>(), 0..4096),
            region in "(?s).{0,40}",
            service in "(?s).{0,40}",
            secret in "(?s).{0,80}",
            seed in any::<[u8; 32]>(),
            seconds in prop_oneof![any::<u64>(), 0u64..LAST_SECOND + 10],
            before_epoch in any::<bool>(),
        ) {
            let credentials = Credentials::new("AKID", secret, None);
            let mut signer = EventSigner::new(&credentials, &region, &service, &hex(&seed));
            let offset = Duration::from_secs(seconds);
            let time = if before_epoch { UNIX_EPOCH.checked_sub(offset) } else { UNIX_EPOCH.checked_add(offset) };
            let time = time.unwrap_or(UNIX_EPOCH);
            let signed = signer.sign(Bytes::from(event.clone()), time).expect("within the limits");
            let end = signer.end(time);
            for message in [signed, end] {
                prop_assert_eq!(signature_of(&message).len(), 32);
                let mut decoder = Decoder::new();
                decoder.push(&encoded(&message));
                prop_assert_eq!(decoder.next_message(), Ok(Some(message)));
            }
        }
    }

    // --- Against aws-sigv4 --------------------------------------------------------------------

    /// aws-sigv4's event-stream signer, with aws-smithy-eventstream's encoder.
    mod reference {
        use super::super::super::event_stream as ours;
        use super::*;
        use aws_credential_types::Credentials as AwsCredentials;
        use aws_sigv4::event_stream::{sign_empty_message, sign_message};
        use aws_sigv4::sign::v4;
        use aws_smithy_eventstream::frame::write_message_to;
        use aws_smithy_runtime_api::client::identity::Identity;
        use aws_smithy_types::DateTime;
        use aws_smithy_types::event_stream as aws;

        fn their_value(value: &ours::HeaderValue) -> aws::HeaderValue {
            match value {
                ours::HeaderValue::Bool(v) => aws::HeaderValue::Bool(*v),
                ours::HeaderValue::Byte(v) => aws::HeaderValue::Byte(*v),
                ours::HeaderValue::Int16(v) => aws::HeaderValue::Int16(*v),
                ours::HeaderValue::Int32(v) => aws::HeaderValue::Int32(*v),
                ours::HeaderValue::Int64(v) => aws::HeaderValue::Int64(*v),
                ours::HeaderValue::ByteArray(v) => aws::HeaderValue::ByteArray(v.clone()),
                ours::HeaderValue::String(v) => aws::HeaderValue::String(v.clone().into()),
                ours::HeaderValue::Timestamp(v) => {
                    aws::HeaderValue::Timestamp(DateTime::from_millis(*v))
                }
                ours::HeaderValue::Uuid(v) => aws::HeaderValue::Uuid(u128::from_be_bytes(*v)),
            }
        }

        fn their_message(message: &Message) -> aws::Message {
            message
                .headers
                .iter()
                .fold(aws::Message::new(message.payload.clone()), |m, header| {
                    m.add_header(aws::Header::new(
                        header.name.clone(),
                        their_value(&header.value),
                    ))
                })
        }

        /// The signed message (`None`: the empty one that ends the stream) as aws-sigv4 signs
        /// it, encoded by aws-smithy-eventstream, and its signature.
        pub(super) fn sign(
            credentials: &Credentials,
            region: &str,
            service: &str,
            previous: &str,
            event: Option<&Message>,
            time: SystemTime,
        ) -> (Vec<u8>, String) {
            let identity: Identity = AwsCredentials::new(
                credentials.access_key_id(),
                credentials.secret_access_key(),
                credentials.session_token().map(str::to_string),
                None,
                "test",
            )
            .into();
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region(region)
                .name(service)
                .time(time)
                .settings(())
                .build()
                .expect("params");
            let output = match event {
                Some(event) => sign_message(&their_message(event), previous, &params),
                None => sign_empty_message(previous, &params),
            };
            let (signed, signature) = output.expect("aws-sigv4 signs").into_parts();
            let mut bytes = Vec::new();
            write_message_to(&signed, &mut bytes).expect("aws-smithy-eventstream encodes");
            (bytes, signature)
        }
    }

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
            // Within what aws-smithy-types' `DateTime` converts back to milliseconds.
            (-1_000_000_000_000_000i64..1_000_000_000_000_000).prop_map(HeaderValue::Timestamp),
            any::<[u8; 16]>().prop_map(HeaderValue::Uuid),
        ]
    }

    fn event() -> impl Strategy<Value = Message> {
        (
            proptest::collection::vec(("(?s).{1,16}", header_value()), 0..6),
            proptest::collection::vec(any::<u8>(), 0..2048),
        )
            .prop_map(|(headers, payload)| Message {
                headers: headers
                    .into_iter()
                    .map(|(name, value)| Header::new(name, value))
                    .collect(),
                payload: payload.into(),
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Random events (headers of every type, payloads up to 2 KiB), signed at random times
        /// within a day that often runs past midnight, with a random region, service, secret
        /// and initial signature: every signed message, the final empty one included, is
        /// byte for byte what aws-sigv4 signs and aws-smithy-eventstream encodes.
        #[test]
        fn the_signed_stream_equals_aws_sigv4s(
            events in proptest::collection::vec(event(), 0..6),
            day in 0u64..60_000,
            start in prop_oneof![0u64..86_400, 86_280u64..86_400],
            steps in proptest::collection::vec((0u64..90, 0u32..1_000_000_000), 7),
            region in prop_oneof![Just("us-east-1".to_string()), "[a-z]{2}-[a-z]{4,8}-[1-9]"],
            service in "[a-z0-9-]{1,16}",
            secret in "[A-Za-z0-9/+]{1,40}",
            token in prop::option::of("[A-Za-z0-9/+=]{1,32}"),
            seed in any::<[u8; 32]>(),
        ) {
            let credentials = Credentials::new("AKIDEXAMPLE", secret, token);
            let initial = hex(&seed);
            let mut signer = EventSigner::new(&credentials, &region, &service, &initial);
            let mut previous = initial.as_str().to_string();
            let mut seconds = day * 86_400 + start;
            let mut times = steps.iter().map(|&(step, nanos)| {
                seconds += step;
                at(seconds, nanos)
            });
            for event in &events {
                let time = times.next().expect("a time per event");
                let ours = signer.sign(Bytes::from(encoded(event)), time).expect("signs");
                let (theirs, signature) =
                    reference::sign(&credentials, &region, &service, &previous, Some(event), time);
                prop_assert_eq!(encoded(&ours), theirs);
                prop_assert_eq!(signer.previous.as_str(), signature.as_str());
                previous = signature;
            }
            let time = times.next().expect("a time for the end");
            let ours = signer.end(time);
            let (theirs, _) = reference::sign(&credentials, &region, &service, &previous, None, time);
            prop_assert_eq!(encoded(&ours), theirs);
        }
    }
}
