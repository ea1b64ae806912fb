//! DynamoDB failures mapped to the port's typed errors, in one place: service errors by code,
//! and a cancelled transaction by its per-item reasons.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use rantevou_domain::ports::StoreError;

/// Error codes DynamoDB uses to ask callers to slow down.
const THROTTLING: [&str; 5] = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "ProvisionedThroughputExceeded",
    "RequestLimitExceeded",
    "ThrottlingError",
];

/// Maps an error code (of a service error or a transaction cancellation reason).
pub fn from_code(code: &str) -> StoreError {
    if THROTTLING.contains(&code) {
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

/// Whether a conditional `UpdateItem` or `PutItem` failed its condition.
pub fn is_condition_failure<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    matches!(e, SdkError::ServiceError(s) if s.err().code() == Some("ConditionalCheckFailedException"))
}

/// Why a transaction was refused, decoded from its per-item cancellation reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The conditions of these items (indexes into the transaction) failed; nothing was written.
    Conditions(Vec<usize>),
    /// The same `ClientRequestToken` came with another payload: a retry of a request made before.
    TokenReused,
    /// Anything else, typed.
    Failed(StoreError),
}

/// Decodes a failed `TransactWriteItems`.
pub fn refusal(
    e: &SdkError<TransactWriteItemsError, aws_smithy_runtime_api::http::Response>,
) -> Refusal {
    let SdkError::ServiceError(service) = e else {
        return Refusal::Failed(classify(e));
    };
    match service.err() {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => {
            let reasons = cancelled.cancellation_reasons();
            let failed: Vec<usize> = reasons
                .iter()
                .enumerate()
                .filter(|(_, r)| r.code() == Some("ConditionalCheckFailed"))
                .map(|(i, _)| i)
                .collect();
            if !failed.is_empty() {
                return Refusal::Conditions(failed);
            }
            let code = reasons
                .iter()
                .filter_map(|r| r.code())
                .find(|c| *c != "None")
                .unwrap_or("TransactionCanceled");
            Refusal::Failed(from_code(code))
        }
        TransactWriteItemsError::IdempotentParameterMismatchException(_) => Refusal::TokenReused,
        other => Refusal::Failed(from_code(other.code().unwrap_or("UnknownError"))),
    }
}
