//! `POST /api/appointments`: book a slot. Every field at fault is reported at once (422); a
//! slot someone else holds is 409 `slot-taken`; an `Idempotency-Key` makes a retry answer 200
//! with the first appointment; provider `"any"` books the first free provider. And
//! `GET /api/challenge`: the bot check the booking carries solved.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use rantevou_app::Booking;
use rantevou_http::input::{idempotency_key, CreateBody};
use rantevou_http::request::path;
use rantevou_http::{body, respond, serve, ApiError, Function};

/// Serves `POST /api/appointments`.
pub async fn handle(req: Request, booking: &Booking) -> Response<Body> {
    let ctx = booking.context();
    serve(req, ctx, Function::CreateAppointment, |req| async move {
        if path(&req) == "/api/challenge" {
            if req.method() != Method::GET {
                return Err(ApiError::MethodNotAllowed);
            }
            let challenge = booking.challenge().ok_or(ApiError::NotFound)?;
            return Ok(respond::json(StatusCode::OK, &challenge));
        }
        if req.method() != Method::POST {
            return Err(ApiError::MethodNotAllowed);
        }
        let key = idempotency_key(&req)?;
        let body: CreateBody = body::json(&req)?;
        let language = body.language(&req, ctx.config.library.default_language());
        match booking.book(body.into_request(key)).await {
            Ok(booked) => Ok(respond::booked(booked, ctx.config.library.timezone)),
            Err(e) => Err(ApiError::of_booking(e, language)),
        }
    })
    .await
}
