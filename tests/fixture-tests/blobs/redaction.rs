//! `@sensitive` data never appears in `Debug` output: members, lists and maps of sensitive
//! items, a sensitive structure printed on its own, and a union's sensitive member.

use blobs::operation::upload::UploadInput;
use blobs::types::{Choice, Credential};

const SECRET: &str = "hunter2";

#[test]
fn lists_and_maps_of_sensitive_items_are_redacted() {
    let input = UploadInput::builder()
        .data(b"d".to_vec())
        .secret_chunks(SECRET.as_bytes().to_vec())
        .secret_tags("k", SECRET.as_bytes().to_vec())
        .chunks(b"visible".to_vec())
        .build();
    let text = format!("{input:?}");
    assert!(!text.contains(&format!("{:?}", SECRET.as_bytes())), "{text}");
    assert!(text.contains("secret_chunks: Some(\"*** Sensitive Data Redacted ***\")"), "{text}");
    assert!(text.contains("secret_tags: Some(\"*** Sensitive Data Redacted ***\")"), "{text}");
    // What is not sensitive is printed.
    assert!(text.contains(&format!("{:?}", b"visible")), "{text}");
    let builder = UploadInput::builder().secret_chunks(SECRET.as_bytes().to_vec());
    assert!(!format!("{builder:?}").contains(&format!("{:?}", SECRET.as_bytes())));
}

#[test]
fn a_sensitive_structure_printed_on_its_own_is_redacted() {
    let credential = Credential::builder().user("alice").pin(SECRET).build();
    let text = format!("{credential:?}");
    assert!(!text.contains(SECRET) && !text.contains("alice"), "{text}");
    let text = format!("{:?}", Credential::builder().user("alice").pin(SECRET));
    assert!(!text.contains(SECRET) && !text.contains("alice"), "{text}");
}

#[test]
fn a_unions_sensitive_member_is_redacted_and_the_others_are_not() {
    let hidden = format!("{:?}", Choice::Hidden(SECRET.as_bytes().to_vec()));
    assert_eq!(hidden, "Choice::Hidden(\"*** Sensitive Data Redacted ***\")");
    let plain = format!("{:?}", Choice::Plain("shown".into()));
    assert_eq!(plain, "Choice::Plain(\"shown\")");
}
