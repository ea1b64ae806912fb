//! `GET /api/appointments/{id}?token=…`: an appointment, for whoever holds its token.
//! A wrong token and an unknown id answer the same 404.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use rantevou_http::view::AppointmentView;
use rantevou_http::{request, respond, ApiError, Deps};

/// Serves `GET /api/appointments/{id}`.
pub async fn handle(req: Request, deps: &Deps) -> Response<Body> {
    rantevou_http::serve(req, deps, "get-appointment", |req| async move {
        if req.method() != Method::GET {
            return Err(ApiError::MethodNotAllowed);
        }
        let token = request::query(&req, "token")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::bad_param(
                    "token",
                    "required",
                    "the manage token from the confirmation email is required",
                )
            })?;
        let id = request::appointment_id(&req).ok_or(ApiError::NotFound)?;
        let appointment = deps
            .store
            .get(id, deps.now())
            .await?
            .filter(|a| a.token_hash.verify(&token))
            .ok_or(ApiError::NotFound)?;
        Ok(respond::json(
            StatusCode::OK,
            &AppointmentView::of(&appointment, deps.config.library.timezone),
        ))
    })
    .await
}
