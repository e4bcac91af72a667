// SigV4 signatures checked against the reference implementation (`aws-sigv4`), recomputed
// from the secret the server knows; shared by the loopback servers of `tests/tests` and of
// the fixture behaviour tests (which `include!` this file).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Checks the request's `Authorization` header: a SigV4 signature by one of `keys` (access
/// key id, secret, session token) for `signing_name`, equal to what `aws-sigv4` computes for the
/// headers it says it signed, as received.
pub fn verify(
    parts: &http::request::Parts,
    body: &[u8],
    keys: &[(&str, &str, Option<&str>)],
    signing_name: &str,
) -> Result<(), String> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let authorization = header("authorization").ok_or("no Authorization header")?;
    let rest = authorization
        .strip_prefix("AWS4-HMAC-SHA256 Credential=")
        .ok_or("not SigV4")?;
    let (credential, rest) = rest
        .split_once(", SignedHeaders=")
        .ok_or("no SignedHeaders")?;
    let (signed_headers, signature) = rest.split_once(", Signature=").ok_or("no Signature")?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key, _date, region, service, "aws4_request"] = scope.as_slice() else {
        return Err(format!("bad credential scope {credential}"));
    };
    let Some(&(_, secret, token)) = keys.iter().find(|(id, _, _)| id == access_key) else {
        return Err(format!("unknown access key {access_key}"));
    };
    if header("x-amz-security-token") != token {
        return Err("wrong or missing session token".into());
    }
    if *service != signing_name {
        return Err(format!(
            "wrong signing name {service}, expected {signing_name}"
        ));
    }
    let amz_date = header("x-amz-date").ok_or("no X-Amz-Date")?;
    let time = parse_amz_date(amz_date).ok_or("bad X-Amz-Date")?;

    let identity: aws_smithy_runtime_api::client::identity::Identity =
        aws_credential_types::Credentials::new(
            *access_key,
            secret,
            token.map(str::to_string),
            None,
            "loopback",
        )
        .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(aws_sigv4::http_request::SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    // Only what the client says it signed, as received (Host included).
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter(|(name, _)| signed_headers.split(';').any(|s| s == name.as_str()))
        .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or("")))
        .collect();
    if !signed_headers
        .split(';')
        .all(|s| parts.headers.contains_key(s))
    {
        return Err(format!(
            "signed headers {signed_headers} are not all present"
        ));
    }
    // Origin-form over HTTP/1.1, absolute over HTTP/2: the path and query either way.
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let uri = format!("http://{}{path}", header("host").ok_or("no Host")?);
    let signable = aws_sigv4::http_request::SignableRequest::new(
        parts.method.as_str(),
        &uri,
        headers.into_iter(),
        // A streamed body is signed as `UNSIGNED-PAYLOAD`, and says so; an input event stream
        // as `STREAMING-AWS4-HMAC-SHA256-EVENTS` (its messages are signed one by one).
        if header("x-amz-content-sha256") == Some("UNSIGNED-PAYLOAD") {
            aws_sigv4::http_request::SignableBody::UnsignedPayload
        } else if let Some(events @ "STREAMING-AWS4-HMAC-SHA256-EVENTS") =
            header("x-amz-content-sha256")
        {
            aws_sigv4::http_request::SignableBody::Precomputed(events.to_string())
        } else {
            aws_sigv4::http_request::SignableBody::Bytes(body)
        },
    )
    .map_err(|e| e.to_string())?;
    let (_, expected) = aws_sigv4::http_request::sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    if expected != signature {
        return Err(format!(
            "signature mismatch: expected {expected}, got {signature}"
        ));
    }
    Ok(())
}

/// `YYYYMMDDTHHMMSSZ`.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let digits = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (y, mo, d) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (h, mi, s) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    // Days from civil (Howard Hinnant).
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy.rem_euclid(400);
    let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = u64::try_from(days * 86_400 + h * 3600 + mi * 60 + s).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}
