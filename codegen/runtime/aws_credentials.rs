//! Hands any `aws_credential_types::provider::ProvideCredentials` (for example the provider
//! chain of the `aws-config` crate) to this client. Behind the `aws-credential-types` feature.

use super::credentials::{Credentials, CredentialsError, ProvideCredentials};
use super::transport::BoxFuture;

/// Wraps a provider from the AWS SDK's `aws-credential-types` crate.
#[derive(Debug)]
pub struct AwsCredentialsProvider<P>(P);

impl<P> AwsCredentialsProvider<P> {
    pub fn new(provider: P) -> Self {
        AwsCredentialsProvider(provider)
    }
}

impl<P> ProvideCredentials for AwsCredentialsProvider<P>
where
    P: aws_credential_types::provider::ProvideCredentials + 'static,
{
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let theirs = self.0.provide_credentials().await.map_err(|e| {
                CredentialsError::new(format!("the aws-credential-types provider failed: {e}"))
            })?;
            let mut ours = Credentials::new(
                theirs.access_key_id(),
                theirs.secret_access_key(),
                theirs.session_token().map(str::to_string),
            );
            if let Some(expires) = theirs.expiry() {
                ours = ours.with_expiry(expires);
            }
            Ok(ours)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn adapts_sdk_credentials_with_expiry() {
        let expires = std::time::UNIX_EPOCH + std::time::Duration::from_secs(2_000_000_000);
        let sdk = aws_credential_types::Credentials::new(
            "AKSDK",
            "SSDK",
            Some("TSDK".into()),
            Some(expires),
            "test",
        );
        let ours = AwsCredentialsProvider::new(sdk)
            .provide_credentials()
            .await
            .expect("adapts");
        assert_eq!(
            (
                ours.access_key_id(),
                ours.secret_access_key(),
                ours.session_token()
            ),
            ("AKSDK", "SSDK", Some("TSDK"))
        );
        assert_eq!(ours.expires(), Some(expires));
    }
}
