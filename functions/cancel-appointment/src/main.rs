//! The `cancel-appointment` Lambda: started once, then every request through `handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    use rantevou_wiring::{lambda, Wiring};
    lambda::run_http(
        rantevou_http::Function::CancelAppointment,
        |w: &Wiring<_>| {
            Ok(cancel_appointment::Managing {
                cancelling: w.cancelling(),
                rescheduling: w.rescheduling()?,
            })
        },
        |req, managing| async move { cancel_appointment::handle(req, &managing).await },
    )
    .await
}
