#!/usr/bin/env bash
# Our event-stream framing (codegen/runtime/event_stream.rs) against aws-smithy-eventstream, and
# our event-stream message signing (codegen/runtime/event_signing.rs) against aws-sigv4's, side by
# side in one process. Usage, from anywhere:
#
#   bash benches/peer/eventstream/run.sh [ROUNDS] [REPEATS]
#
# Builds benches/peer/eventstream in release (Cargo's default release settings, its own
# Cargo.lock, --locked) into target/peer-eventstream under the repository root, then runs it:
# it checks that both encode the test stream (1000 messages, 1 KiB payload, three string
# headers) to the same bytes and that each decodes the other's, then times decoding (fed in
# 4 KiB chunks) and encoding, ours and theirs alternately, ROUNDS rounds (default 31) of
# REPEATS passes (default 20), and prints the median MB/s of each and the ratio ours/theirs.
# Then signing: it checks that both sign the same 1000 messages (SigV4, one chain from one
# initial signature, one signing time, the final empty message included) to the same bytes,
# times signing them (ours: encode the event, EventSigner::sign, encode the signed message;
# theirs: aws_sigv4::event_stream::sign_message and aws-smithy-eventstream's encoder) alternately
# in the same rounds and passes, and prints the median ns per event of each and the ratio
# theirs/ours (above 1: ours faster).
# Needs network access the first time (crates.io).
set -euo pipefail

root="$(cd "$(dirname "$0")/../../.." && pwd)"
crate="$root/benches/peer/eventstream"
target="$root/target/peer-eventstream"

echo "== machine"
echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/\t//')"
echo "$(rustc --version); $(cargo --version)"
runtime="codegen/runtime/event_stream.rs codegen/runtime/event_signing.rs codegen/runtime/sigv4.rs codegen/runtime/datetime.rs"
# shellcheck disable=SC2086 # the file list is split on purpose
dirty=$([ -z "$(git -C "$root" status --porcelain -- $runtime)" ] ||
  echo ' (a runtime module measured here is uncommitted or changed)')
echo "repository: $(git -C "$root" rev-parse --short HEAD)$dirty"
version() { awk -v name="$1" '$0 == "name = \"" name "\"" {getline; print $3}' "$crate/Cargo.lock" | tr -d '"'; }
echo "aws-smithy-eventstream $(version aws-smithy-eventstream); aws-sigv4 $(version aws-sigv4)"

echo "== building (release)"
cargo build --quiet --release --locked --manifest-path "$crate/Cargo.toml" --target-dir "$target"

echo "== running"
"$target/release/eventstream-bench" "$@"
