//! `GET /api/appointments/{id}?token=…`: an appointment, for whoever holds its token.
//! A wrong token and an unknown id answer the same 404.

use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};
use rantevou_app::Fetching;
use rantevou_http::{request, respond, serve, ApiError, Function};

/// Serves `GET /api/appointments/{id}`.
pub async fn handle(req: Request, fetching: &Fetching) -> Response<Body> {
    serve(
        req,
        fetching.context(),
        Function::GetAppointment,
        |req| async move {
            if req.method() != Method::GET {
                return Err(ApiError::method_not_allowed(&rantevou_http::request::path(
                    &req,
                )));
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
            let appointment = fetching.fetch(id, &token).await?;
            let tz = fetching.context().config.library.timezone;
            Ok(respond::appointment(&appointment, tz))
        },
    )
    .await
}
