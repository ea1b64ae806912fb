//! The `create-appointment` Lambda: started once, then every request through `handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    use rantevou_wiring::{lambda, Wiring};
    lambda::run_http(
        rantevou_http::Function::CreateAppointment,
        |w: &Wiring<_>| {
            Ok(create_appointment::UseCases {
                booking: w.booking()?,
                resending: w.resending()?,
                waitlisting: w.waitlisting()?,
            })
        },
        |req, use_cases| async move { create_appointment::handle(req, &use_cases).await },
    )
    .await
}
