//! The AWS "standard" retry mode: which failures are retried, exponential backoff with full
//! jitter, and a token bucket that stops retries when a service keeps failing.

use std::sync::Mutex;
use std::time::Duration;

/// How many attempts, and how long to wait between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryConfig {
    /// Three attempts; backoff base one second, capped at twenty (the AWS SDK defaults).
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryConfig {
    /// No retries: one attempt.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Default::default()
        }
    }

    /// Total attempts, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff base: attempt `n` waits a random time up to `base * 2^(n-1)`.
    pub fn with_initial_backoff(mut self, base: Duration) -> Self {
        self.initial_backoff = base;
        self
    }

    /// The longest wait between attempts.
    pub fn with_max_backoff(mut self, cap: Duration) -> Self {
        self.max_backoff = cap;
        self
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before retry number `retry` (1 for the first retry): full jitter,
    /// `random(0..1) * min(cap, base * 2^(retry - 1))`.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(
            1u32.checked_shl(retry.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        exp.min(self.max_backoff).mul_f64(fastrand::f64())
    }
}

/// Error codes the AWS SDKs treat as throttling.
pub(crate) const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Whether an error code means throttling.
pub(crate) fn is_throttling_code(code: &str) -> bool {
    THROTTLING_CODES.contains(&code)
}

/// HTTP statuses retried as transient.
const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// Error codes retried as transient whatever their status (the AWS SDKs').
const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];

/// Why a failed attempt may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryKind {
    Throttling,
    Transient,
    Timeout,
}

/// Classifies an error response: throttling codes, modeled `@retryable` codes (`retryable`) and
/// transient statuses are retried; other errors (any 4xx such as `InvalidParameterException`)
/// are not.
pub(crate) fn classify_response(
    status: u16,
    code: Option<&str>,
    retryable: &[&str],
) -> Option<RetryKind> {
    if let Some(code) = code {
        if THROTTLING_CODES.contains(&code) {
            return Some(RetryKind::Throttling);
        }
        if retryable.contains(&code) || TRANSIENT_CODES.contains(&code) {
            return Some(RetryKind::Transient);
        }
    }
    if status == 429 {
        return Some(RetryKind::Throttling);
    }
    TRANSIENT_STATUSES
        .contains(&status)
        .then_some(RetryKind::Transient)
}

/// The retry quota shared by every request of a client: retries cost tokens (more for
/// timeouts), successes pay them back, and an empty bucket means no more retries.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    tokens: Mutex<u32>,
}

const INITIAL_TOKENS: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const SUCCESS_REFUND: u32 = 1;

impl Default for TokenBucket {
    fn default() -> Self {
        TokenBucket {
            tokens: Mutex::new(INITIAL_TOKENS),
        }
    }
}

impl TokenBucket {
    /// Takes the cost of a retry, or refuses it. Returns what was taken.
    pub(crate) fn acquire(&self, kind: RetryKind) -> Option<u32> {
        let cost = if kind == RetryKind::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *tokens < cost {
            return None;
        }
        *tokens -= cost;
        Some(cost)
    }

    /// A request succeeded: refund what its retries took, or a token for a first-try success.
    pub(crate) fn success(&self, taken: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let refund = if taken == 0 { SUCCESS_REFUND } else { taken };
        *tokens = (*tokens + refund).min(INITIAL_TOKENS);
    }

    /// Tokens left for retries.
    pub(crate) fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_transient_and_client_errors() {
        assert_eq!(
            classify_response(400, Some("ThrottlingException"), &[]),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            classify_response(400, Some("SlowDown"), &[]),
            Some(RetryKind::Throttling)
        );
        assert_eq!(
            classify_response(503, None, &[]),
            Some(RetryKind::Transient)
        );
        assert_eq!(
            classify_response(500, Some("InternalServerError"), &[]),
            Some(RetryKind::Transient)
        );
        assert_eq!(
            classify_response(400, Some("InvalidParameterException"), &[]),
            None
        );
        assert_eq!(
            classify_response(400, Some("Busy"), &["Busy"]),
            Some(RetryKind::Transient)
        );
        assert_eq!(classify_response(501, None, &[]), None);
        assert_eq!(classify_response(404, None, &[]), None);
    }

    #[test]
    fn backoff_is_jittered_exponential_and_capped() {
        let config = RetryConfig::default();
        for retry in 1..=10 {
            let cap = Duration::from_secs(1 << (retry - 1)).min(Duration::from_secs(20));
            for _ in 0..50 {
                assert!(config.backoff(retry) <= cap);
            }
        }
        let waits: std::collections::BTreeSet<Duration> =
            (0..20).map(|_| config.backoff(3)).collect();
        assert!(waits.len() > 1, "jitter varies the waits");
        assert!(
            config.backoff(100) <= Duration::from_secs(20),
            "no overflow for huge attempt numbers"
        );
    }

    #[test]
    fn bucket_drains_refuses_and_refills() {
        let bucket = TokenBucket::default();
        let mut taken = 0;
        while let Some(cost) = bucket.acquire(RetryKind::Transient) {
            taken += cost;
        }
        assert_eq!(taken, 500);
        assert_eq!(
            bucket.acquire(RetryKind::Throttling),
            None,
            "an empty bucket stops retries"
        );
        bucket.success(5);
        assert_eq!(bucket.available(), 5);
        assert_eq!(bucket.acquire(RetryKind::Timeout), None, "timeouts cost 10");
        bucket.success(0);
        assert_eq!(bucket.available(), 6);
    }

    #[test]
    fn attempts_are_at_least_one() {
        assert_eq!(
            RetryConfig::default().with_max_attempts(0).max_attempts(),
            1
        );
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
    }
}
