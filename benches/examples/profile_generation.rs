//! Generates the whole official Rekognition model a few times, for profiling.

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/models/rekognition.json");
    let text = std::fs::read_to_string(&path).expect("the official model beside the repository");
    for _ in 0..5 {
        let model = codegen::model::Model::parse(&path, &text).expect("parses");
        let generated = codegen::generate(&model, &codegen::Operations::All).expect("generates");
        std::hint::black_box(generated.files.len());
    }
}
