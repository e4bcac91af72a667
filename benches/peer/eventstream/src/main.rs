//! Decode and encode a stream of event-stream messages with our framing and with
//! aws-smithy-eventstream, alternately, and print each one's median throughput. Usage:
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

#[allow(dead_code)]
#[path = "../../../../codegen/runtime/event_stream.rs"]
mod event_stream;

use std::hint::black_box;
use std::time::Instant;

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder, write_message_to};
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
}
