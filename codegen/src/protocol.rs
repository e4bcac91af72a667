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

    /// The shape id of its protocol trait (`aws.protocols#restJson1`).
    pub fn trait_id(self) -> &'static str {
        match self {
            Protocol::AwsJson1_1 => "aws.protocols#awsJson1_1",
            Protocol::AwsJson1_0 => "aws.protocols#awsJson1_0",
            Protocol::RestJson1 => "aws.protocols#restJson1",
        }
    }

    /// The protocol's trait on a service shape, in the order the generator prefers them when a
    /// service declares several.
    pub fn of(service: &Shape) -> Option<Protocol> {
        Protocol::ALL
            .into_iter()
            .find(|protocol| service.traits.raw.contains_key(protocol.trait_id()))
    }

    /// Whether the service's event streams need HTTP/2: the trait of the protocol it is
    /// generated for lists the HTTP versions event streams may use (`eventStreamHttp`, which
    /// defaults to its `http` list) and `http/1.1` is not among them, as Polly's `["h2"]` for
    /// `StartSpeechSynthesisStream`. No list (or an empty one) means HTTP/1.1.
    pub fn event_streams_need_http2(service: &Shape) -> bool {
        let Some(settings) =
            Protocol::of(service).and_then(|protocol| service.traits.raw.get(protocol.trait_id()))
        else {
            return false;
        };
        let versions = ["eventStreamHttp", "http"].into_iter().find_map(|key| {
            settings
                .get(key)?
                .as_array()
                .filter(|list| !list.is_empty())
        });
        versions.is_some_and(|versions| !versions.iter().any(|v| v.as_str() == Some("http/1.1")))
    }

    /// Whether members are bound to the HTTP message by `@http` and its member traits.
    pub fn is_rest(self) -> bool {
        match self {
            Protocol::AwsJson1_1 | Protocol::AwsJson1_0 => false,
            Protocol::RestJson1 => true,
        }
    }
}
