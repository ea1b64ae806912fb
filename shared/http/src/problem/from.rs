//! Each use case's error, and the store's, as an [`ApiError`]: the other half of the one
//! mapping (see [`super`]).

use super::{ApiError, FieldProblem};
use rantevou_app::texts::fill;
use rantevou_app::{
    texts, BookError, CancelError, ConfirmError, FetchError, FreeSlotsError, RescheduleError,
    ResendError, StaffError, WaitlistError,
};
use rantevou_domain::appointment::NotConfirmable;
use rantevou_domain::availability::MAX_RANGE_DAYS;
use rantevou_domain::patron::FieldCode;
use rantevou_domain::ports::StoreError;
use rantevou_domain::Language;

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::SlotTaken => ApiError::SlotTaken,
            StoreError::IdempotencyMismatch => ApiError::IdempotencyKeyReused,
            StoreError::NotBooked => ApiError::NotFound,
            StoreError::Throttled => ApiError::TooManyRequests {
                retry_after_secs: 1,
            },
            StoreError::Conflict | StoreError::Changed | StoreError::Unavailable(_) => {
                tracing::error!(error = %e, "store unavailable");
                ApiError::Unavailable
            }
            StoreError::Corrupt(_) => {
                tracing::error!(error = %e, "corrupt data in the store");
                ApiError::Internal
            }
            // Only a booking meets these, and it answers them itself (BookError).
            StoreError::PatronLimit
            | StoreError::ChallengeUsed
            | StoreError::Undeliverable
            | StoreError::MailCapped => {
                tracing::error!(error = %e, "a patron limit reached the HTTP layer unmapped");
                ApiError::Internal
            }
        }
    }
}

impl From<FreeSlotsError> for ApiError {
    fn from(e: FreeSlotsError) -> Self {
        match e {
            FreeSlotsError::UnknownService | FreeSlotsError::UnknownProvider => ApiError::NotFound,
            FreeSlotsError::RangeReversed => {
                ApiError::bad_param("to", "invalid", "to must not be before from")
            }
            FreeSlotsError::RangeTooLong(days) => ApiError::bad_param(
                "to",
                "too_long",
                format!("the range covers {days} days; at most {MAX_RANGE_DAYS} are allowed"),
            ),
            FreeSlotsError::Store(e) => e.into(),
        }
    }
}

impl ApiError {
    /// A booking's refusal, field messages in `language`.
    pub fn of_booking(e: BookError, language: Language) -> Self {
        match e {
            BookError::Invalid(errors) => {
                ApiError::Validation(FieldProblem::all(&errors, language))
            }
            BookError::UnknownService | BookError::UnknownProvider => ApiError::NotFound,
            BookError::SlotTaken => ApiError::SlotTaken,
            BookError::TooManyActive { max } => {
                let code = FieldCode::TooManyActive;
                let message = fill(
                    texts(language).field_message("customer.email", code),
                    "max",
                    max,
                );
                ApiError::Validation(vec![FieldProblem::new(
                    "customer.email",
                    code.to_string(),
                    message,
                )])
            }
            BookError::IdempotencyKeyReused => ApiError::IdempotencyKeyReused,
            BookError::Store(e) => e.into(),
        }
    }
}

impl ApiError {
    /// A waiting list's refusal, field messages in `language`.
    pub fn of_waitlist(e: WaitlistError, language: Language) -> Self {
        match e {
            WaitlistError::Invalid(errors) => {
                ApiError::Validation(FieldProblem::all(&errors, language))
            }
            WaitlistError::UnknownService | WaitlistError::NotFound => ApiError::NotFound,
            WaitlistError::TooMany { max } => {
                let message = fill(&texts(language).field.email_waitlist_full, "max", max);
                ApiError::Validation(vec![FieldProblem::new("email", "too_many", message)])
            }
            WaitlistError::DayFull { max } => {
                let message = fill(&texts(language).field.date_waitlist_full, "max", max);
                ApiError::Validation(vec![FieldProblem::new("date", "full", message)])
            }
            WaitlistError::Store(e) => e.into(),
        }
    }

    /// A move's refusal, field messages in `language`.
    pub fn of_move(e: RescheduleError, language: Language) -> Self {
        match e {
            RescheduleError::NotFound => ApiError::NotFound,
            RescheduleError::Invalid(errors) => {
                ApiError::Validation(FieldProblem::all(&errors, language))
            }
            RescheduleError::SlotTaken => ApiError::SlotTaken,
            RescheduleError::Changed => ApiError::Changed,
            RescheduleError::TooLate { cutoff_minutes } => ApiError::TooLate { cutoff_minutes },
            RescheduleError::TooManyMoves { max } => ApiError::TooManyMoves { max },
            RescheduleError::MailCapped => ApiError::TooManyMails,
            RescheduleError::Store(e) => e.into(),
        }
    }

    /// A resend's refusal, field messages in `language`.
    pub fn of_resend(e: ResendError, language: Language) -> Self {
        match e {
            ResendError::Invalid(errors) => {
                ApiError::Validation(FieldProblem::all(&errors, language))
            }
            ResendError::Store(e) => e.into(),
        }
    }
}

impl From<FetchError> for ApiError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::NotFound => ApiError::NotFound,
            FetchError::Store(e) => e.into(),
        }
    }
}

impl From<CancelError> for ApiError {
    fn from(e: CancelError) -> Self {
        match e {
            CancelError::NotFound => ApiError::NotFound,
            CancelError::TooLate { cutoff_minutes, .. } => ApiError::TooLate { cutoff_minutes },
            CancelError::Lapsed { .. } => ApiError::HoldExpired,
            CancelError::Changed { .. } => ApiError::Changed,
            CancelError::Store(e) => e.into(),
        }
    }
}

impl From<ConfirmError> for ApiError {
    fn from(e: ConfirmError) -> Self {
        match e {
            ConfirmError::NotFound => ApiError::NotFound,
            ConfirmError::NotConfirmable { reason, .. } => match reason {
                NotConfirmable::Lapsed => ApiError::HoldExpired,
                NotConfirmable::Cancelled => ApiError::Cancelled,
            },
            ConfirmError::Store(e) => e.into(),
        }
    }
}

impl From<StaffError> for ApiError {
    fn from(e: StaffError) -> Self {
        match e {
            StaffError::NotFound(_) | StaffError::NoClosure(_) | StaffError::NoProvider(_) => {
                ApiError::NotFound
            }
            StaffError::AlreadyCancelled(_) => ApiError::Cancelled,
            StaffError::NotUpcoming { .. } | StaffError::NotApplicable { .. } => {
                ApiError::Conflict {
                    detail: e.to_string(),
                }
            }
            StaffError::Invalid { field, message } => {
                ApiError::Validation(vec![FieldProblem::new(field, "invalid", message)])
            }
            // Said at the first date, where the console's form has it.
            StaffError::DuplicateClosure { .. } => {
                ApiError::Validation(vec![FieldProblem::new("from", "duplicate", e.to_string())])
            }
            StaffError::Forbidden(what) => ApiError::Forbidden {
                detail: format!("not allowed: {what}"),
            },
            StaffError::Store(e) => e.into(),
        }
    }
}
