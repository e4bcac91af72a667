//! The change report on real Rekognition releases (`../shared/models-history/`): what each
//! update means for the face-liveness operations.

use std::path::PathBuf;

use codegen::diff::{Severity, diff};
use codegen::model::Model;

fn model(name: &str) -> Model {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    let path = if name == "latest" {
        root.join("models/rekognition.json")
    } else {
        root.join(format!("models-history/rekognition-{name}.json"))
    };
    Model::load(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (../shared must be beside the repository)",
            path.display()
        )
    })
}

#[test]
fn the_challenge_release_adds_challenge_preferences_and_challenge_without_breaking() {
    let report = diff(
        &model("2025-05-20"),
        &model("2025-06-06"),
        None,
        &codegen::default_operations(),
    )
    .expect("diff");
    let lines: Vec<String> = report
        .changes
        .iter()
        .map(|c| format!("{} {} {}", c.severity, c.subject, c.what))
        .collect();
    assert_eq!(
        lines,
        [
            "NOTE com.amazonaws.rekognition#Challenge shape added",
            "NOTE com.amazonaws.rekognition#ChallengePreference shape added",
            "NOTE com.amazonaws.rekognition#ChallengeType shape added",
            "NOTE com.amazonaws.rekognition#CreateFaceLivenessSessionRequestSettings$ChallengePreferences member added",
            "NOTE com.amazonaws.rekognition#GetFaceLivenessSessionResultsResponse$Challenge member added",
            // ChallengePreference's `Versions` (the lists and strings have no type of their own).
            "NOTE com.amazonaws.rekognition#Versions shape added",
        ],
        "{}",
        report.markdown()
    );
    assert!(!report.major());
    assert!(report.changes.iter().all(|c| c.severity == Severity::Note));
    assert_eq!(report.endpoint_rules, None);
}

#[test]
fn the_august_release_changes_only_the_endpoint_rules() {
    let report = diff(
        &model("2025-06-06"),
        &model("2025-08-28"),
        None,
        &codegen::default_operations(),
    )
    .expect("diff");
    assert!(report.changes.is_empty(), "{}", report.markdown());
    assert_eq!(report.endpoint_rules, Some((43, 39)));
}

#[test]
fn the_whole_model_diff_from_may_to_october_is_stable() {
    let report = diff(
        &model("2025-05-20"),
        &model("latest"),
        None,
        &codegen::Operations::All,
    )
    .expect("diff");
    insta::assert_snapshot!(report.markdown());
}
