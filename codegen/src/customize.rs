//! Service customizations: behaviour the AWS SDKs add to a few services that their models do
//! not express, each documented by the service and keyed here on its `aws.api#service`
//! `sdkId`, never on a shape name. The IR records them on the operations; the protocol's
//! emitter writes them.
//!
//! - **API Gateway** (`sdkId` `API Gateway`): every request asks for JSON with
//!   `Accept: application/json`, as the service requires of its clients.
//! - **Glacier** (`sdkId` `Glacier`): every request names the API version in
//!   `X-Amz-Glacier-Version` (the service's `version`); an `accountId` label left unset or empty
//!   is `-`, "the account of the credentials"; an upload (`UploadArchive`,
//!   `UploadMultipartPart`: the operations whose input has the `checksum` member bound to
//!   `x-amz-sha256-tree-hash`) carries the body's SHA-256 tree hash and its linear SHA-256 in
//!   `X-Amz-Sha256-Tree-Hash` and `X-Amz-Content-Sha256` when the caller does not give them.

use crate::http::HttpOperation;

/// One customization of one operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Customization {
    /// A header every request carries (unless a member sets it).
    Header { name: String, value: String },
    /// A URI label member whose value, unset or empty, is `value`.
    LabelDefault { member: String, value: String },
    /// Glacier's checksums of the body: `x-amz-sha256-tree-hash` (1 MiB chunks, hashed in
    /// pairs up to one root) and `x-amz-content-sha256`.
    TreeHash,
}

/// The customizations of an operation of the service with `sdk_id` and API `version`.
pub fn operation(
    sdk_id: Option<&str>,
    version: &str,
    http: Option<&HttpOperation>,
) -> Vec<Customization> {
    let mut out = Vec::new();
    match sdk_id {
        Some("API Gateway") => out.push(Customization::Header {
            name: "accept".into(),
            value: "application/json".into(),
        }),
        Some("Glacier") => {
            out.push(Customization::Header {
                name: "x-amz-glacier-version".into(),
                value: version.into(),
            });
            let Some(http) = http else { return out };
            if http.input.labels.iter().any(|l| l == "accountId") {
                out.push(Customization::LabelDefault {
                    member: "accountId".into(),
                    value: "-".into(),
                });
            }
            let uploads = http
                .input
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("x-amz-sha256-tree-hash"));
            if uploads && matches!(http.input.body, crate::http::Body::Payload(_)) {
                out.push(Customization::TreeHash);
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_services_are_customized() {
        assert!(operation(Some("Lambda"), "2015-03-31", None).is_empty());
        assert!(operation(None, "1", None).is_empty());
        assert_eq!(
            operation(Some("API Gateway"), "2015-07-09", None),
            [Customization::Header {
                name: "accept".into(),
                value: "application/json".into()
            }]
        );
        assert_eq!(
            operation(Some("Glacier"), "2012-06-01", None),
            [Customization::Header {
                name: "x-amz-glacier-version".into(),
                value: "2012-06-01".into()
            }]
        );
    }
}
