//! The loopback server the fixture behaviour tests share (`tests/fixture-tests/support/`): it
//! checks every request's SigV4 signature with the reference `aws-sigv4` (the secret is known
//! there), records what it received and answers from a script of `(status, headers, body)`.

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../tests/fixture-tests/support/server.rs"
));

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../tests/fixture-tests/support/cli.rs"
));
