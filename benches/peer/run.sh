#!/usr/bin/env bash
# The generated Lambda client (restJson1) against the official aws-sdk-lambda, side by side, in
# one run of this script (BENCHMARKS.md, section 6). Usage, from anywhere:
#
#   bash benches/peer/run.sh
#
# 1. Generates the whole Lambda crate (every operation the generator supports) from
#    ../shared/models-restjson1/lambda.json
#    into target/lambda-bench/lambda, with the xtask CLI built in its own target dir.
# 2. Builds benches/peer/ours-bench (our client, in-memory transport) in release, Cargo's default
#    release settings, into target/lambda-bench/target.
# 3. Builds ../shared/peer-bench (aws-sdk-lambda, in-memory connector) into target/peer-bench
#    (a no-op once built).
# 4. Per call: runs `ours-bench lambda-invoke` and `peer-bench lambda-invoke` alternately, ROUNDS
#    times (the order swapped every round), and prints each one's median ns/call and the ratio
#    peer / ours per round and its median. Both print the median of 15 batches of 5000 calls.
# 5. Clean build time: the generated crate alone vs aws-sdk-lambda alone (default features off,
#    `rt-tokio`: no HTTP client, no TLS), each as the only dependency of an empty library crate
#    under target/lambda-bench/, each from an empty target dir, in turn (the order rotated every
#    round), for each profile in PROFILES; the generated crate twice: like the SDK, with
#    `default-features = false` (no built-in HTTPS transport), and with its default features
#    (hyper, rustls, ...); and each of ours (default features off) and the SDK under a library
#    that calls every operation (the generated functions are `#[inline]`: compiled where
#    called). Prints wall and CPU (user + sys) seconds and the ratios to the SDK.
#
# Knobs (environment): ROUNDS (default 7), CALLS (5000), BATCHES (15), BUILD_ROUNDS (2),
# PROFILES ("release debug"), SKIP_BUILDS=1 to stop after the per-call comparison.
# Needs network access the first time (crates.io); downloads happen before anything is timed.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bench="$root/target/lambda-bench"
model="$root/../shared/models-restjson1/lambda.json"
peer_manifest="$root/../shared/peer-bench/Cargo.toml"
rounds="${ROUNDS:-7}"
calls="${CALLS:-5000}"
batches="${BATCHES:-15}"
build_rounds="${BUILD_ROUNDS:-2}"
profiles="${PROFILES:-release debug}"
mkdir -p "$bench"

echo "== machine"
echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/\t//')"
echo "$(rustc --version); $(cargo --version)"
dirty=$(git -C "$root" diff --quiet HEAD -- codegen || echo ' (codegen/ has uncommitted changes)')
echo "repository: $(git -C "$root" rev-parse --short HEAD)$dirty"

# --- 1. Generate the Lambda crate ------------------------------------------------------------
# `cargo xtask codegen` with a model and an output dir; the xtask binary gets its own target
# dir so this does not disturb the workspace's target/debug. --locked: never rewrites Cargo.lock.
echo "== generating the Lambda crate into target/lambda-bench/lambda"
if ! cargo run --quiet --locked -p xtask --target-dir "$bench/xtask" -- \
  codegen --model "$model" --all-operations --out "$bench/lambda" > "$bench/codegen.log" 2>&1; then
  cat "$bench/codegen.log"; exit 1
fi
grep -E '^(not supported|generated crate)' "$bench/codegen.log"

# --- 2. Build ours-bench ---------------------------------------------------------------------
# Its Cargo.lock starts as a copy of the repository's, so the generated crate's dependencies
# have the versions the project tests with (Cargo drops the entries it does not need).
ours_crate="$root/benches/peer/ours-bench"
[ -f "$ours_crate/Cargo.lock" ] || cp "$root/Cargo.lock" "$ours_crate/Cargo.lock"
echo "== building ours-bench (release)"
cargo build --quiet --release --manifest-path "$ours_crate/Cargo.toml" --target-dir "$bench/target"
ours="$bench/target/release/ours-bench"

# --- 3. Build peer-bench ---------------------------------------------------------------------
echo "== building peer-bench (release; several minutes the first time)"
cargo build --quiet --release --locked --manifest-path "$peer_manifest" \
  --target-dir "$root/target/peer-bench"
peer="$root/target/peer-bench/release/peer-bench"

# --- 4. Per call, alternately ----------------------------------------------------------------
# `RESULT lambda invoke: median <ns> ns/call ...` -> <ns>
median_of_run() { "$@" lambda-invoke "$calls" "$batches" | awk '/^RESULT/ {print $5}'; }
# The median of the numbers given as arguments.
median() {
  printf '%s\n' "$@" | sort -g |
    awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}
# A / B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "== per call: lambda invoke, $rounds rounds, each run $batches batches x $calls calls"
ours_all=(); peer_all=(); ratio_all=()
for round in $(seq 1 "$rounds"); do
  if (( round % 2 )); then
    o=$(median_of_run "$ours"); p=$(median_of_run "$peer")
  else
    p=$(median_of_run "$peer"); o=$(median_of_run "$ours")
  fi
  r=$(ratio "$p" "$o")
  printf 'round %d: ours %6d ns/call, aws-sdk-lambda %6d ns/call, peer/ours %5.2f\n' \
    "$round" "$o" "$p" "$r"
  ours_all+=("$o"); peer_all+=("$p"); ratio_all+=("$r")
done
ratios_sorted=$(printf '%s\n' "${ratio_all[@]}" | sort -g | tr '\n' ' ')
printf 'MEDIAN ours %s ns/call, aws-sdk-lambda %s ns/call;' \
  "$(median "${ours_all[@]}")" "$(median "${peer_all[@]}")"
printf ' ratio peer/ours median %s (per round, sorted: %s)\n' "$(median "${ratio_all[@]}")" "$ratios_sorted"

[ "${SKIP_BUILDS:-0}" = 1 ] && exit 0

# --- 5. Clean build time ---------------------------------------------------------------------
# Two empty library crates, each with a single dependency. The SDK's Cargo.lock starts as a copy
# of peer-bench's (the aws-sdk-lambda release measured above), ours as the repository's.
make_crate() { # DIR DEPENDENCY-LINE LOCKFILE
  rm -rf "$1"; mkdir -p "$1/src"; : > "$1/src/lib.rs"; cp "$3" "$1/Cargo.lock"
  cat > "$1/Cargo.toml" <<TOML
[package]
name = "$(basename "$1")"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
$2
TOML
  cargo fetch --quiet --manifest-path "$1/Cargo.toml" # downloads before any timing
}
make_crate "$bench/build-ours" "lambda = { path = \"$bench/lambda\", default-features = false }" \
  "$root/Cargo.lock"
make_crate "$bench/build-ours-default" "lambda = { path = \"$bench/lambda\" }" "$root/Cargo.lock"
make_crate "$bench/build-sdk" \
  'aws-sdk-lambda = { version = "1", default-features = false, features = ["rt-tokio"] }' \
  "$root/../shared/peer-bench/Cargo.lock"
# The same two dependencies again, each under a library that calls every operation, so that
# every operation's code is compiled whichever crate compiles it: the generated crate's
# functions are `#[inline]`, compiled where they are called (README, "Choices"). One source
# serves both: the operations' method names are the same snake_case in both clients.
make_crate "$bench/build-ours-calls" \
  "lambda = { path = \"$bench/lambda\", default-features = false }" "$root/Cargo.lock"
make_crate "$bench/build-sdk-calls" \
  'aws-sdk-lambda = { version = "1", default-features = false, features = ["rt-tokio"] }' \
  "$root/../shared/peer-bench/Cargo.lock"
calls_source() { # CRATE
  echo "//! Calls every Lambda operation once, polled once: compiles every operation's code."
  echo "#![allow(deprecated)] // InvokeAsync is deprecated in the model, and so in both clients."
  echo "use std::future::Future;"
  echo "pub async fn call_every_operation(client: &$1::Client) {"
  for file in "$bench"/lambda/src/operation/*.rs; do
    echo "    let _ = client.$(basename "$file" .rs)().send().await;"
  done
  echo "}"
  echo "pub fn poll_every_operation(client: &$1::Client) {"
  echo "    let mut future = std::pin::pin!(call_every_operation(client));"
  echo "    let _ = future.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));"
  echo "}"
}
calls_source lambda > "$bench/build-ours-calls/src/lib.rs"
calls_source aws_sdk_lambda > "$bench/build-sdk-calls/src/lib.rs"
echo "   operations called by the calling crates: $(ls "$bench"/lambda/src/operation/*.rs | wc -l)"
sdk_version=$(awk '/^name = "aws-sdk-lambda"/ {getline; print $3}' "$bench/build-sdk/Cargo.lock" | tr -d '"')
# Distinct crates in a crate's tree, build scripts' dependencies included (the crate itself too).
crates() {
  cargo tree --quiet --manifest-path "$1/Cargo.toml" -e normal,build --prefix none |
    sed 's/ (\*)$//' | sort -u | wc -l
}
echo "== clean builds: generated lambda crate vs aws-sdk-lambda $sdk_version" \
  "(default features off, rt-tokio); ours also with its default features (built-in HTTPS client);" \
  "each also under a crate that calls every operation"
echo "   crates in the tree: ours $(crates "$bench/build-ours") (default features off)," \
  "$(crates "$bench/build-ours-default") (default features), aws-sdk-lambda $(crates "$bench/build-sdk")"

# Prints "<wall> <cpu>" seconds of a clean build of crate DIR in PROFILE.
clean_build() { # DIR PROFILE
  local flag=(); [ "$2" = release ] && flag=(--release)
  rm -rf "$1/target"
  /usr/bin/time -f '%e %U %S' -o "$1/time.txt" \
    cargo build --quiet "${flag[@]}" --manifest-path "$1/Cargo.toml"
  awk '{printf "%.1f %.1f\n", $1, $2 + $3}' "$1/time.txt"
}
# The builds, each timed in turn every round (the order rotated), and the pairs compared.
builds=(ours sdk default ours-calls sdk-calls)
dir_of() { case $1 in ours) echo build-ours ;; sdk) echo build-sdk ;; default) echo build-ours-default ;;
  ours-calls) echo build-ours-calls ;; sdk-calls) echo build-sdk-calls ;; esac; }
for profile in $profiles; do
  declare -A wall=() cpu=()
  for round in $(seq 1 "$build_rounds"); do
    shift_by=$(( (round - 1) % ${#builds[@]} ))
    order=("${builds[@]:$shift_by}" "${builds[@]:0:$shift_by}")
    line="clean $profile build, round $round (order: ${order[*]}):"
    for which in "${order[@]}"; do
      read -r w c <<< "$(clean_build "$bench/$(dir_of "$which")" "$profile")"
      wall[$which]+="$w "; cpu[$which]+="$c "
      line+=" $which $w s ($c s CPU);"
    done
    echo "$line"
  done
  compare() { # OURS SDK LABEL
    # shellcheck disable=SC2086
    local ow os oc cs
    ow=$(median ${wall[$1]}); os=$(median ${wall[$2]}); oc=$(median ${cpu[$1]}); cs=$(median ${cpu[$2]})
    printf 'BUILD %s: %s %.1f s, aws-sdk-lambda %.1f s wall, ours/sdk %s (CPU %.1f s vs %.1f s, %s)\n' \
      "$profile" "$3" "$ow" "$os" "$(ratio "$ow" "$os")" "$oc" "$cs" "$(ratio "$oc" "$cs")"
  }
  compare ours sdk "ours (default features off)"
  compare default sdk "ours (default features)"
  compare ours-calls sdk-calls "calling every operation: ours (default features off)"
  unset wall cpu
done
