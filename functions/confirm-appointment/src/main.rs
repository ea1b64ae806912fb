//! The `confirm-appointment` Lambda: started once, then every request through `handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    use rantevou_wiring::{lambda, Wiring};
    lambda::run_http(
        rantevou_http::Function::ConfirmAppointment,
        |w: &Wiring<_>| w.confirming(),
        |req, confirming| async move { confirm_appointment::handle(req, &confirming).await },
    )
    .await
}
