//! The `get-appointment` Lambda: started once, then every request through `handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    use rantevou_wiring::{lambda, Wiring};
    lambda::run_http(
        rantevou_http::Function::GetAppointment,
        |w: &Wiring<_>| Ok(w.fetching()),
        |req, fetching| async move { get_appointment::handle(req, &fetching).await },
    )
    .await
}
