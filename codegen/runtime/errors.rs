//! Error types every generated crate shares: errors the model does not describe, and
//! builders missing a required member.

use std::fmt;

use super::json::ErrorResponse;

/// An error response whose code the model does not list for the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unhandled {
    code: Option<String>,
    message: Option<String>,
    status: u16,
    request_id: Option<String>,
}

impl Unhandled {
    /// The error code the service sent (namespace and `:` suffix removed), if any.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The HTTP status code of the response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `x-amzn-RequestId` header, if the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl From<ErrorResponse> for Unhandled {
    fn from(response: ErrorResponse) -> Self {
        Unhandled {
            code: response.code,
            message: response.message,
            status: response.status,
            request_id: response.request_id,
        }
    }
}

impl fmt::Display for Unhandled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (HTTP {})",
            self.code.as_deref().unwrap_or("unknown error"),
            self.status
        )?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Unhandled {}

/// A builder was asked to build without a member the model marks `@required`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    shape: &'static str,
    member: &'static str,
}

impl BuildError {
    pub(crate) fn missing(shape: &'static str, member: &'static str) -> Self {
        BuildError { shape, member }
    }

    /// The structure being built.
    pub fn shape(&self) -> &str {
        self.shape
    }

    /// The required member that was not set (its model name).
    pub fn member(&self) -> &str {
        self.member
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot build {}: required member {} was not set",
            self.shape, self.member
        )
    }
}

impl std::error::Error for BuildError {}

/// A missing required member found by a builder is a validation failure of that member.
impl From<BuildError> for super::validation::ValidationError {
    fn from(error: BuildError) -> Self {
        super::validation::ValidationError::required(error.member)
    }
}

/// What an operation's error enum asks of the error a variant wraps: the enum's `code`,
/// `is_throttling`, `is_retryable`, `request_id` and `is_server_fault` defer to it. Modeled
/// errors implement it in `error.rs` from their shape's traits.
pub(crate) trait Wrapped: std::error::Error + 'static {
    /// The error code: a modeled error's shape name, or what the service sent.
    fn code(&self) -> Option<&str> {
        None
    }

    /// The service blamed itself.
    fn is_server_fault(&self) -> bool {
        false
    }

    /// The service asked the client to slow down.
    fn is_throttling(&self) -> bool {
        self.code().is_some_and(super::retry::is_throttling_code)
    }

    /// The same request may succeed later.
    fn is_retryable(&self) -> bool {
        self.is_throttling() || self.is_server_fault()
    }

    /// The `x-amzn-RequestId` of the response, where the error keeps it.
    fn request_id(&self) -> Option<&str> {
        None
    }
}

impl Wrapped for Unhandled {
    fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// A 5xx.
    fn is_server_fault(&self) -> bool {
        self.status >= 500
    }

    /// A throttling code, or HTTP 429.
    fn is_throttling(&self) -> bool {
        self.code().is_some_and(super::retry::is_throttling_code) || self.status == 429
    }

    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl Wrapped for super::transport::TransportError {
    fn is_retryable(&self) -> bool {
        super::transport::TransportError::is_retryable(self)
    }
}

impl Wrapped for super::validation::ValidationError {}
impl Wrapped for super::credentials::CredentialsError {}
impl Wrapped for super::sigv4::SigningError {}
impl Wrapped for super::json::DeserializeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unhandled_displays_code_status_message_and_request_id() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-amzn-requestid", http::HeaderValue::from_static("req-1"));
        let response = super::super::json::parse_error(
            418,
            &headers,
            br#"{"__type":"ns#Teapot","message":"short and stout"}"#,
        );
        let unhandled = Unhandled::from(response);
        assert_eq!(
            unhandled.to_string(),
            "Teapot (HTTP 418): short and stout (request id req-1)"
        );
        let bare = Unhandled::from(super::super::json::parse_error(
            503,
            &http::HeaderMap::new(),
            b"",
        ));
        assert_eq!(bare.to_string(), "unknown error (HTTP 503)");
    }

    #[test]
    fn build_error_names_shape_and_member() {
        let err = BuildError::missing("LivenessOutputConfig", "S3Bucket");
        assert_eq!(
            err.to_string(),
            "cannot build LivenessOutputConfig: required member S3Bucket was not set"
        );
    }
}
