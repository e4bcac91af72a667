//! Which wire protocol a service speaks, read from its protocol trait: a leaf the selection,
//! the IR and the emitters all ask.

use crate::model::Shape;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    AwsJson1_1,
    AwsJson1_0,
    /// Members bound to the HTTP message by `@http` and its member traits, the rest a JSON
    /// body.
    RestJson1,
}

impl Protocol {
    /// Every protocol the generator knows.
    pub const ALL: [Protocol; 3] = [
        Protocol::AwsJson1_1,
        Protocol::AwsJson1_0,
        Protocol::RestJson1,
    ];

    /// The name Smithy gives it (`awsJson1_1`).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::AwsJson1_1 => "awsJson1_1",
            Protocol::AwsJson1_0 => "awsJson1_0",
            Protocol::RestJson1 => "restJson1",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::RestJson1 => "application/json",
        }
    }

    /// The protocol's trait on a service shape, in the order the generator prefers them when a
    /// service declares several.
    pub fn of(service: &Shape) -> Option<Protocol> {
        let raw = &service.traits.raw;
        [
            ("aws.protocols#awsJson1_1", Protocol::AwsJson1_1),
            ("aws.protocols#awsJson1_0", Protocol::AwsJson1_0),
            ("aws.protocols#restJson1", Protocol::RestJson1),
        ]
        .into_iter()
        .find_map(|(name, protocol)| raw.contains_key(name).then_some(protocol))
    }

    /// Whether members are bound to the HTTP message by `@http` and its member traits.
    pub fn is_rest(self) -> bool {
        match self {
            Protocol::AwsJson1_1 | Protocol::AwsJson1_0 => false,
            Protocol::RestJson1 => true,
        }
    }
}
