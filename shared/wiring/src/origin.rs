//! No way around CloudFront: in AWS, CloudFront adds a secret header (`X-Origin-Verify`, its
//! value a Secrets Manager secret the stack generates) to every request it sends to the API,
//! and the HTTP functions refuse a request without it (403), so the API's own `execute-api`
//! address, which skips CloudFront and its web ACL, serves nothing. Locally (no
//! `RANTEVOU_ORIGIN_SECRET`) nothing is checked.

use subtle::ConstantTimeEq;

/// The header CloudFront adds.
pub const HEADER: &str = "x-origin-verify";

/// Whether a request whose `X-Origin-Verify` header is `sent` came through CloudFront, whose
/// value is `expected`: equal, compared in constant time.
pub fn came_through_cloudfront(sent: Option<&[u8]>, expected: &str) -> bool {
    sent.is_some_and(|sent| bool::from(sent.ct_eq(expected.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::came_through_cloudfront;

    #[test]
    fn only_the_secret_value_passes() {
        let expected = "s3cr3t-value-of-48-letters-and-digits-0123456789";
        assert!(came_through_cloudfront(Some(expected.as_bytes()), expected));
        assert!(!came_through_cloudfront(None, expected));
        assert!(!came_through_cloudfront(Some(b""), expected));
        assert!(!came_through_cloudfront(Some(b"s3cr3t"), expected));
        let longer = format!("{expected}x");
        assert!(!came_through_cloudfront(Some(longer.as_bytes()), expected));
    }
}
