//! Decode and encode a stream of event-stream messages with our framing and with
//! aws-smithy-eventstream, and sign it with our SigV4 message signer and with aws-sigv4's,
//! alternately, and print each one's median throughput or cost per event. Usage:
//!
//!   eventstream-bench [ROUNDS] [REPEATS]
//!
//! The stream: MESSAGES messages, each a 1 KiB payload and three string headers
//! (`:message-type`, `:event-type`, `:content-type`). Decoding is fed in 4 KiB chunks, as
//! `Bytes` arriving from the network: ours through `Decoder::push`, theirs through a
//! `SegmentedBuf<Bytes>` and `MessageFrameDecoder::decode_frame`, as aws-smithy-http's
//! receiver does. Each round times REPEATS passes of each, the order swapped every round; the
//! medians over the rounds are printed, with the ratio ours / theirs (above 1: ours faster).
//! Before timing, both encodings of the stream are checked byte for byte, and each decoder
//! is checked on the other's bytes.
//!
//! Signing (an input event stream, SigV4): the same messages, each wrapped in a signed message
//! and encoded, chained from one initial signature at one signing time. Ours encodes the event,
//! `EventSigner::sign`s the bytes and encodes the result; theirs is
//! `aws_sigv4::event_stream::sign_message` (which encodes the event itself) and
//! aws-smithy-eventstream's `write_message_to`, the previous signature handed on as the SDK's
//! `SigV4MessageSigner` does. A pass signs the whole stream with a new signer (one stream);
//! the median ns per event is printed, with the ratio theirs / ours (above 1: ours faster).
//! Before timing, both signed streams, the final empty message included, are checked byte for
//! byte.

#[allow(dead_code)]
#[path = "../../../../codegen/runtime/datetime.rs"]
mod datetime;
#[allow(dead_code)]
#[path = "../../../../codegen/runtime/event_signing.rs"]
mod event_signing;
#[allow(dead_code)]
#[path = "../../../../codegen/runtime/event_stream.rs"]
mod event_stream;
#[allow(dead_code)]
#[path = "../../../../codegen/runtime/sigv4.rs"]
mod sigv4;

/// runtime/credentials.rs's `Credentials` as far as the signers use it (the rest of that module
/// needs the client's transport and profile files).
mod credentials {
    #[derive(Clone)]
    pub struct Credentials {
        access_key_id: String,
        secret_access_key: String,
    }

    impl Credentials {
        pub fn new(access_key_id: &str, secret_access_key: &str) -> Self {
            Credentials {
                access_key_id: access_key_id.to_string(),
                secret_access_key: secret_access_key.to_string(),
            }
        }

        pub fn access_key_id(&self) -> &str {
            &self.access_key_id
        }

        pub fn secret_access_key(&self) -> &str {
            &self.secret_access_key
        }

        pub fn session_token(&self) -> Option<&str> {
            None
        }
    }
}

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sigv4::event_stream::{sign_empty_message, sign_message};
use aws_sigv4::sign::v4;
use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder, write_message_to};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::event_stream as aws;
use bytes::Bytes;
use bytes_utils::SegmentedBuf;

const MESSAGES: usize = 1000;
const PAYLOAD: usize = 1024;
const CHUNK: usize = 4096;

/// The payload of message `i`: bytes of a simple generator, different per message.
fn payload(i: usize) -> Vec<u8> {
    let mut state = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..PAYLOAD)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

const HEADERS: [(&str, &str); 3] = [
    (":message-type", "event"),
    (":event-type", "Chunk"),
    (":content-type", "application/octet-stream"),
];

fn ours_messages() -> Vec<event_stream::Message> {
    (0..MESSAGES)
        .map(|i| {
            HEADERS.iter().fold(
                event_stream::Message::new(payload(i)),
                |m, (name, value)| {
                    m.with_header(*name, event_stream::HeaderValue::String(value.to_string()))
                },
            )
        })
        .collect()
}

fn their_messages() -> Vec<aws::Message> {
    (0..MESSAGES)
        .map(|i| {
            let headers = HEADERS
                .iter()
                .map(|(name, value)| {
                    aws::Header::new(*name, aws::HeaderValue::String((*value).into()))
                })
                .collect();
            aws::Message::new_from_parts(headers, payload(i))
        })
        .collect()
}

fn encode_ours(messages: &[event_stream::Message], out: &mut Vec<u8>) {
    out.clear();
    for message in messages {
        event_stream::encode(message, out).expect("ours encodes");
    }
}

fn encode_theirs(messages: &[aws::Message], out: &mut Vec<u8>) {
    out.clear();
    for message in messages {
        write_message_to(message, out).expect("theirs encodes");
    }
}

/// Decodes the chunks with ours; returns the messages' count and payload bytes.
fn decode_ours(chunks: &[Bytes], mut each: impl FnMut(event_stream::Message)) -> usize {
    let mut decoder = event_stream::Decoder::new();
    let mut count = 0;
    for chunk in chunks {
        decoder.push(chunk);
        while let Some(message) = decoder.next_message().expect("ours decodes") {
            count += 1;
            each(message);
        }
    }
    decoder.finish().expect("ours: whole stream");
    count
}

/// Decodes the chunks with theirs, as aws-smithy-http's receiver does.
fn decode_theirs(chunks: &[Bytes], mut each: impl FnMut(aws::Message)) -> usize {
    let mut decoder = MessageFrameDecoder::new();
    let mut buffer = SegmentedBuf::new();
    let mut count = 0;
    for chunk in chunks {
        buffer.push(chunk.clone());
        while let DecodedFrame::Complete(message) =
            decoder.decode_frame(&mut buffer).expect("theirs decodes")
        {
            count += 1;
            each(message);
        }
    }
    assert_eq!(bytes::Buf::remaining(&buffer), 0, "theirs: whole stream");
    count
}

fn chunks(stream: &[u8]) -> Vec<Bytes> {
    let stream = Bytes::copy_from_slice(stream);
    (0..stream.len())
        .step_by(CHUNK)
        .map(|at| stream.slice(at..(at + CHUNK).min(stream.len())))
        .collect()
}

/// Ours and theirs describe the same message.
fn same(ours: &event_stream::Message, theirs: &aws::Message) -> bool {
    ours.payload == theirs.payload()
        && ours.headers.len() == theirs.headers().len()
        && ours.headers.iter().zip(theirs.headers()).all(|(o, t)| {
            o.name == t.name().as_str()
                && o.value.as_str() == t.value().as_string().ok().map(|s| s.as_str())
        })
}

fn check(ours: &[event_stream::Message], theirs: &[aws::Message]) -> Vec<u8> {
    let (mut ours_bytes, mut their_bytes) = (Vec::new(), Vec::new());
    encode_ours(ours, &mut ours_bytes);
    encode_theirs(theirs, &mut their_bytes);
    assert_eq!(
        ours_bytes.len(),
        their_bytes.len(),
        "encoded lengths differ"
    );
    assert!(
        ours_bytes == their_bytes,
        "our encoding differs from aws-smithy-eventstream's"
    );
    // Each decoder on the other's bytes (the same bytes, as just checked), message by message.
    let stream = chunks(&their_bytes);
    let mut decoded = Vec::new();
    assert_eq!(decode_ours(&stream, |m| decoded.push(m)), MESSAGES);
    assert!(
        decoded.iter().zip(theirs).all(|(o, t)| same(o, t)),
        "ours decodes differently"
    );
    let mut index = 0;
    decode_theirs(&chunks(&ours_bytes), |t| {
        assert!(
            same(&ours[index], &t),
            "theirs decodes message {index} differently"
        );
        index += 1;
    });
    assert_eq!(index, MESSAGES);
    ours_bytes
}

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const SERVICE: &str = "transcribe";
/// The initial request's signature the chain starts from.
const SEED: [u8; 32] = [0x9d; 32];

fn signing_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_767_323_045)
}

/// Our signed stream: each event encoded, signed and the signed message encoded; with `end`,
/// the final empty message too.
fn sign_ours(
    messages: &[event_stream::Message],
    credentials: &credentials::Credentials,
    time: SystemTime,
    end: bool,
    out: &mut Vec<u8>,
) {
    out.clear();
    let seed = sigv4::hex(&SEED);
    let mut signer = event_signing::EventSigner::new(credentials, REGION, SERVICE, &seed);
    for message in messages {
        let mut event = Vec::with_capacity(PAYLOAD + 128);
        event_stream::encode(message, &mut event).expect("ours encodes the event");
        let signed = signer.sign(Bytes::from(event), time).expect("ours signs");
        event_stream::encode(&signed, out).expect("ours encodes the signed message");
    }
    if end {
        event_stream::encode(&signer.end(time), out).expect("ours encodes the end");
    }
}

/// Theirs, as aws-runtime's `SigV4MessageSigner` drives aws-sigv4.
fn sign_theirs(
    messages: &[aws::Message],
    params: &v4::SigningParams<'_, ()>,
    end: bool,
    out: &mut Vec<u8>,
) {
    out.clear();
    let mut previous = sigv4::hex(&SEED).as_str().to_string();
    for message in messages {
        let (signed, signature) = sign_message(message, &previous, params)
            .expect("theirs signs")
            .into_parts();
        write_message_to(&signed, out).expect("theirs encodes the signed message");
        previous = signature;
    }
    if end {
        let (signed, _) = sign_empty_message(&previous, params)
            .expect("theirs signs the end")
            .into_parts();
        write_message_to(&signed, out).expect("theirs encodes the end");
    }
}

/// ns per event of `repeats` passes of `run` over `events` events.
fn per_event(events: usize, repeats: usize, mut run: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..repeats {
        run();
    }
    start.elapsed().as_secs_f64() * 1e9 / (events * repeats) as f64
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// MB/s (10^6 bytes) of `repeats` passes of `run` over `bytes` bytes.
fn throughput(bytes: usize, repeats: usize, mut run: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..repeats {
        run();
    }
    (bytes * repeats) as f64 / start.elapsed().as_secs_f64() / 1e6
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("a number"));
    let rounds = args.next().unwrap_or(31);
    let repeats = args.next().unwrap_or(20);

    let ours = ours_messages();
    let theirs = their_messages();
    let stream = check(&ours, &theirs);
    println!(
        "cross-check: {MESSAGES} messages ({PAYLOAD}-byte payload, 3 string headers), {} bytes, \
         encoded byte-identically by both; each decoder reads the other's stream",
        stream.len()
    );
    let input = chunks(&stream);
    let len = stream.len();

    let mut results: [[Vec<f64>; 2]; 2] = Default::default(); // [decode, encode][ours, theirs]
    let mut out = Vec::with_capacity(len);
    for round in 0..rounds {
        for side in [round % 2, 1 - round % 2] {
            let decode = match side {
                0 => throughput(len, repeats, || {
                    black_box(decode_ours(black_box(&input), |m| {
                        black_box(m);
                    }));
                }),
                _ => throughput(len, repeats, || {
                    black_box(decode_theirs(black_box(&input), |m| {
                        black_box(m);
                    }));
                }),
            };
            results[0][side].push(decode);
        }
        for side in [round % 2, 1 - round % 2] {
            let encode = match side {
                0 => throughput(len, repeats, || {
                    encode_ours(black_box(&ours), black_box(&mut out))
                }),
                _ => throughput(len, repeats, || {
                    encode_theirs(black_box(&theirs), black_box(&mut out))
                }),
            };
            results[1][side].push(encode);
        }
    }
    for (what, [ours, theirs]) in ["decode", "encode"].iter().zip(&mut results) {
        let mut ratios: Vec<f64> = ours.iter().zip(theirs.iter()).map(|(o, t)| o / t).collect();
        let (o, t, r) = (median(ours), median(theirs), median(&mut ratios));
        println!(
            "RESULT {what}: ours {o:.0} MB/s, aws-smithy-eventstream {t:.0} MB/s, \
             ours/theirs {r:.2} (median of {rounds} rounds x {repeats} passes, per-round ratio median)"
        );
    }

    // Signing.
    let credentials = credentials::Credentials::new(ACCESS_KEY_ID, SECRET);
    let identity: Identity =
        aws_credential_types::Credentials::new(ACCESS_KEY_ID, SECRET, None, None, "bench").into();
    let time = signing_time();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name(SERVICE)
        .time(time)
        .settings(())
        .build()
        .expect("signing params");
    let (mut ours_signed, mut their_signed) = (Vec::new(), Vec::new());
    sign_ours(&ours, &credentials, time, true, &mut ours_signed);
    sign_theirs(&theirs, &params, true, &mut their_signed);
    assert_eq!(
        ours_signed.len(),
        their_signed.len(),
        "signed lengths differ"
    );
    assert!(
        ours_signed == their_signed,
        "our signed stream differs from aws-sigv4's"
    );
    println!(
        "cross-check: the same {MESSAGES} messages signed (SigV4, one chain, one signing time) \
         and the final empty message, {} bytes, byte-identical from both",
        ours_signed.len()
    );
    let mut signing: [Vec<f64>; 2] = Default::default(); // [ours, theirs], ns per event
    for round in 0..rounds {
        for side in [round % 2, 1 - round % 2] {
            let ns = match side {
                0 => per_event(MESSAGES, repeats, || {
                    sign_ours(
                        black_box(&ours),
                        &credentials,
                        time,
                        false,
                        black_box(&mut out),
                    )
                }),
                _ => per_event(MESSAGES, repeats, || {
                    sign_theirs(black_box(&theirs), &params, false, black_box(&mut out))
                }),
            };
            signing[side].push(ns);
        }
    }
    let [ours_ns, theirs_ns] = &mut signing;
    let mut ratios: Vec<f64> = ours_ns
        .iter()
        .zip(theirs_ns.iter())
        .map(|(o, t)| t / o)
        .collect();
    let (o, t, r) = (median(ours_ns), median(theirs_ns), median(&mut ratios));
    println!(
        "RESULT sign: ours {o:.0} ns/event, aws-sigv4 {t:.0} ns/event, theirs/ours {r:.2} \
         ({MESSAGES} events of {PAYLOAD} bytes, each encoded, signed and the signed message \
         encoded; median of {rounds} rounds x {repeats} passes, per-round ratio median)"
    );
}
