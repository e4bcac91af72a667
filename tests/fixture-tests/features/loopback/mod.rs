//! The signature-checking loopback server the event-stream fixtures share
//! (`tests/fixture-tests/support/`) and the check of a signed input stream's chain, for the
//! awsJson input event stream of `WatchThings` (the other `features` tests use the simpler
//! JSON server of `support/`).

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../tests/fixture-tests/support/server.rs"
));

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../tests/fixture-tests/support/chain.rs"
));

include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../tests/fixture-tests/support/cli.rs"
));
