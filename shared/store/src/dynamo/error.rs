//! DynamoDB failures mapped to the port's typed errors, in one place.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use rantevou_domain::ports::StoreError;

/// Error codes DynamoDB uses to ask callers to slow down.
const THROTTLING: [&str; 4] = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "ThrottlingError",
];

/// Maps an error code (of a service error or a transaction cancellation reason).
pub fn from_code(code: &str) -> StoreError {
    if THROTTLING.contains(&code) || code == "ProvisionedThroughputExceeded" {
        StoreError::Throttled
    } else if matches!(
        code,
        "TransactionConflictException" | "TransactionConflict" | "TransactionInProgressException"
    ) {
        StoreError::Conflict
    } else {
        StoreError::Unavailable(format!("dynamodb: {code}"))
    }
}

/// Maps any SDK error: network and timeouts are `Unavailable`, service errors by code.
pub fn from_sdk<E: ProvideErrorMetadata, R>(e: SdkError<E, R>) -> StoreError {
    classify(&e)
}

/// [`from_sdk`] on a borrowed error.
pub fn classify<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> StoreError {
    match e {
        SdkError::ServiceError(service) => {
            from_code(service.err().code().unwrap_or("UnknownError"))
        }
        SdkError::TimeoutError(_) => StoreError::Unavailable("dynamodb: timed out".into()),
        SdkError::DispatchFailure(_) => {
            StoreError::Unavailable("dynamodb: could not connect".into())
        }
        SdkError::ResponseError(_) => {
            StoreError::Unavailable("dynamodb: unreadable response".into())
        }
        SdkError::ConstructionFailure(_) => StoreError::Unavailable("dynamodb: bad request".into()),
        _ => StoreError::Unavailable("dynamodb: request failed".into()),
    }
}
