//! Where generation's time goes, file by file: for the whole official Rekognition model, each
//! generated Rust file is built (`emit`), parsed by syn (`parse`) and pretty-printed by
//! prettyplease (`print`, which includes spacing the items and putting back the deferred doc
//! comments) on one thread, as `codegen::format` does on each of its threads. Prints
//! the CPU time of each step per file (operation modules summed), the best of six rounds, and
//! the file's token count. Run: `cargo run --release -p benches --example generation_by_file`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use codegen::emit::Output;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Default, Clone, Copy)]
struct Cost {
    emit: Duration,
    parse: Duration,
    print: Duration,
    tokens: usize,
    bytes: usize,
}

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/models/rekognition.json");
    let text = std::fs::read_to_string(&path).expect("the official model beside the repository");
    let model = codegen::model::Model::parse(&path, &text).expect("parses");
    let partitions = codegen::endpoints::Partitions::bundled().expect("bundled partitions");
    let mut best: Option<BTreeMap<String, Cost>> = None;
    for _ in 0..6 {
        // A fresh IR each round: its documentation is converted on first use, during emit.
        let krate = codegen::Generator::new()
            .partitions(partitions.clone())
            .build_ir(&model)
            .expect("builds the IR");
        let plan = codegen::emit::plan(&krate);
        let mut round: BTreeMap<String, Cost> = BTreeMap::new();
        for (path, part) in &plan {
            let start = Instant::now();
            let (output, deferred) = codegen::render::collect(|| codegen::emit::emit(&krate, part));
            let Output::Rust(tokens) = output.expect("emits") else {
                continue;
            };
            let emitted = Instant::now();
            let count = count_tokens(tokens.clone());
            let counted = Instant::now();
            let file: syn::File = syn::parse2(tokens).expect("parses");
            let parsed = Instant::now();
            let printed =
                codegen::render::print(file, &deferred).expect("every deferred doc block is there");
            let done = Instant::now();
            let key = if path.starts_with("src/operation/") {
                "src/operation/* (summed)".to_string()
            } else {
                path.clone()
            };
            let cost = round.entry(key).or_default();
            cost.emit += emitted - start;
            cost.parse += parsed - counted;
            cost.print += done - parsed;
            cost.tokens += count;
            cost.bytes += printed.len();
        }
        let total = |r: &BTreeMap<String, Cost>| -> Duration {
            r.values().map(|c| c.emit + c.parse + c.print).sum()
        };
        if best.as_ref().is_none_or(|b| total(&round) < total(b)) {
            best = Some(round);
        }
    }
    let best = best.expect("six rounds");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>9} {:>10}",
        "file", "emit ms", "parse ms", "print ms", "tokens", "bytes"
    );
    let mut sum = Cost::default();
    for (path, c) in &best {
        println!(
            "{path:<28} {:>8.1} {:>8.1} {:>8.1} {:>9} {:>10}",
            ms(c.emit),
            ms(c.parse),
            ms(c.print),
            c.tokens,
            c.bytes
        );
        sum.emit += c.emit;
        sum.parse += c.parse;
        sum.print += c.print;
        sum.tokens += c.tokens;
        sum.bytes += c.bytes;
    }
    println!(
        "{:<28} {:>8.1} {:>8.1} {:>8.1} {:>9} {:>10}",
        "total (one thread)",
        ms(sum.emit),
        ms(sum.parse),
        ms(sum.print),
        sum.tokens,
        sum.bytes
    );
}

/// Tokens in a stream, a group's delimiters counting as one.
fn count_tokens(tokens: proc_macro2::TokenStream) -> usize {
    tokens
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Group(group) => 1 + count_tokens(group.stream()),
            _ => 1,
        })
        .sum()
}
