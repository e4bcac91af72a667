//! Generates the whole official Rekognition model ten times, printing each stage's wall time
//! and the median total; also the program to profile (`perf record`). Uses the generator
//! binary's allocator (mimalloc), as the generation benchmark does.

use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/models/rekognition.json");
    let text = std::fs::read_to_string(&path).expect("the official model beside the repository");
    let mut totals = Vec::new();
    for _ in 0..10 {
        let start = Instant::now();
        let model = codegen::model::Model::parse(&path, &text).expect("parses");
        let parsed = start.elapsed();
        let krate = codegen::Generator::new()
            .build_ir(&model)
            .expect("builds the IR");
        let built = start.elapsed();
        let files = codegen::format::format(&krate, codegen::emit::plan(&krate)).expect("formats");
        let formatted = start.elapsed();
        std::hint::black_box(files.len());
        drop((files, krate, model));
        let total = start.elapsed();
        println!(
            "parse {:>6.1} ms · ir (endpoint rules included) {:>5.1} ms · emit and format {:>6.1} ms · drop {:>4.1} ms · total {:>6.1} ms",
            ms(parsed),
            ms(built - parsed),
            ms(formatted - built),
            ms(total - formatted),
            ms(total),
        );
        totals.push(total);
    }
    totals.sort();
    println!("median total {:.1} ms", ms(totals[totals.len() / 2]));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
