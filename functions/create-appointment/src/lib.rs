//! `POST /api/appointments`: book a slot. Every field at fault is reported at once (422); a
//! slot someone else holds is 409 `slot-taken`; an `Idempotency-Key` makes a retry answer 200
//! with the first appointment; provider `"any"` books the first free provider. And
//! `GET /api/challenge`: the bot check the booking carries solved; and
//! `POST /api/appointments/resend`: a patron's links mailed again, always 202; and the waiting
//! list: `POST /api/waitlist` (202, the same whether the address waited already) and
//! `POST /api/waitlist/confirm` and `POST /api/waitlist/leave` (200), with the mail's link.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use rantevou_app::{Booking, Resending, Waitlisting};
use rantevou_http::input::{idempotency_key, CreateBody, LeaveBody, ResendBody, WaitlistBody};
use rantevou_http::request::path;
use rantevou_http::{body, respond, serve, ApiError, Function};

/// The use cases of this function: booking, and the resend of a patron's links.
#[derive(Clone)]
pub struct UseCases {
    /// Booking (and issuing the bot check).
    pub booking: Booking,
    /// Mailing a patron's links again.
    pub resending: Resending,
    /// The waiting list.
    pub waitlisting: Waitlisting,
}

/// Serves `POST /api/appointments`, `POST /api/appointments/resend` and `GET /api/challenge`.
pub async fn handle(req: Request, uc: &UseCases) -> Response<Body> {
    let ctx = uc.booking.context();
    serve(req, ctx, Function::CreateAppointment, |req| async move {
        let default = ctx.config.library.default_language();
        match (req.method().clone(), path(&req).as_str()) {
            (Method::GET, "/api/challenge") => {
                let challenge = uc.booking.challenge().await.ok_or(ApiError::NotFound)?;
                Ok(respond::json(StatusCode::OK, &challenge))
            }
            (Method::POST, "/api/appointments/resend") => {
                let body: ResendBody = body::json(&req)?;
                let language = body.language(&req, default);
                match uc.resending.resend(body.into_request()).await {
                    // The same answer whatever followed: it tells nothing about bookings.
                    Ok(_) => Ok(respond::accepted()),
                    Err(e) => Err(ApiError::of_resend(e, language)),
                }
            }
            (Method::POST, "/api/waitlist") => {
                let body: WaitlistBody = body::json(&req)?;
                let language = body.language(&req, default);
                match uc.waitlisting.join(body.into_request()).await {
                    Ok(_) => Ok(respond::accepted()),
                    Err(e) => Err(ApiError::of_waitlist(e, language)),
                }
            }
            (Method::POST, "/api/waitlist/confirm") => {
                let body: LeaveBody = body::json(&req)?;
                let id = body.id.parse().map_err(|_| ApiError::NotFound)?;
                match uc.waitlisting.confirm(id, &body.token).await {
                    Ok(()) => Ok(respond::done()),
                    Err(e) => Err(ApiError::of_waitlist(e, default)),
                }
            }
            (Method::POST, "/api/waitlist/leave") => {
                let body: LeaveBody = body::json(&req)?;
                let id = body.id.parse().map_err(|_| ApiError::NotFound)?;
                match uc.waitlisting.leave(id, &body.token).await {
                    Ok(()) => Ok(respond::done()),
                    Err(e) => Err(ApiError::of_waitlist(e, default)),
                }
            }
            (Method::POST, "/api/appointments") => {
                let key = idempotency_key(&req)?;
                let body: CreateBody = body::json(&req)?;
                let language = body.language(&req, default);
                match uc.booking.book(body.into_request(key)).await {
                    Ok(booked) => Ok(respond::booked(booked, ctx.config.library.timezone)),
                    Err(e) => Err(ApiError::of_booking(e, language)),
                }
            }
            _ => Err(ApiError::method_not_allowed(&rantevou_http::request::path(
                &req,
            ))),
        }
    })
    .await
}
