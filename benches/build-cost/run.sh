#!/usr/bin/env bash
# Build cost of a tiny program that calls create_face_liveness_session on the generated crate:
# clean debug and release build times, distinct crates in its dependency tree, and release
# binary size (as built and stripped). Usage: bash benches/build-cost/run.sh
# It builds in a scratch directory under target/, with its own target dir and no cache.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
scratch="$root/target/build-cost"
rm -rf "$scratch"
mkdir -p "$scratch/src"
cat > "$scratch/Cargo.toml" <<TOML
[package]
name = "tiny"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
rekognition = { path = "$root/generated" }
tokio = { version = "1", features = ["macros", "rt"] }

[workspace]
TOML
cat > "$scratch/src/main.rs" <<'RUST'
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = rekognition::Client::from_env().await?;
    let out = client.create_face_liveness_session().kms_key_id("alias/liveness").send().await?;
    println!("{}", out.session_id);
    Ok(())
}
RUST
cd "$scratch"
cargo fetch --quiet
for profile in debug release; do
  flag=$([ "$profile" = release ] && echo --release || true)
  rm -rf target
  start=$(date +%s.%N)
  cargo build --quiet $flag
  end=$(date +%s.%N)
  printf 'clean %s build: %.1f s\n' "$profile" "$(echo "$end - $start" | bc)"
done
crates=$(cargo tree -e normal --prefix none | sed 's/ (\*)$//' | sort -u | wc -l)
echo "distinct crates (cargo tree -e normal): $crates"
# The same program without `#[tokio::main]` (a hand-built runtime) drops tokio's proc macros.
sed -i 's/features = \["macros", "rt"\]/features = ["rt"]/' Cargo.toml
without=$(cargo tree -e normal --prefix none | sed 's/ (\*)$//' | sort -u | wc -l)
echo "distinct crates without tokio's macros: $without"
size=$(stat -c %s target/release/tiny)
cp target/release/tiny target/release/tiny-stripped && strip target/release/tiny-stripped
stripped=$(stat -c %s target/release/tiny-stripped)
printf 'release binary: %.2f MB as built, %.2f MB stripped\n' "$(echo "$size / 1000000" | bc -l)" "$(echo "$stripped / 1000000" | bc -l)"
