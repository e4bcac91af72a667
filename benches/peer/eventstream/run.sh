#!/usr/bin/env bash
# Our event-stream framing (codegen/runtime/event_stream.rs) against aws-smithy-eventstream,
# side by side in one process. Usage, from anywhere:
#
#   bash benches/peer/eventstream/run.sh [ROUNDS] [REPEATS]
#
# Builds benches/peer/eventstream in release (Cargo's default release settings, its own
# Cargo.lock, --locked) into target/peer-eventstream under the repository root, then runs it:
# it checks that both encode the test stream (1000 messages, 1 KiB payload, three string
# headers) to the same bytes and that each decodes the other's, then times decoding (fed in
# 4 KiB chunks) and encoding, ours and theirs alternately, ROUNDS rounds (default 31) of
# REPEATS passes (default 20), and prints the median MB/s of each and the ratio ours/theirs.
# Needs network access the first time (crates.io).
set -euo pipefail

root="$(cd "$(dirname "$0")/../../.." && pwd)"
crate="$root/benches/peer/eventstream"
target="$root/target/peer-eventstream"

echo "== machine"
echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/\t//')"
echo "$(rustc --version); $(cargo --version)"
dirty=$([ -z "$(git -C "$root" status --porcelain -- codegen/runtime/event_stream.rs)" ] ||
  echo ' (codegen/runtime/event_stream.rs is uncommitted or changed)')
echo "repository: $(git -C "$root" rev-parse --short HEAD)$dirty"
echo "aws-smithy-eventstream $(awk '/^name = "aws-smithy-eventstream"/ {getline; print $3}' "$crate/Cargo.lock" | tr -d '"')"

echo "== building (release)"
cargo build --quiet --release --locked --manifest-path "$crate/Cargo.toml" --target-dir "$target"

echo "== running"
"$target/release/eventstream-bench" "$@"
