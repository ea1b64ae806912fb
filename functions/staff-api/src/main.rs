//! The `staff-api` Lambda: started once, then every request through `handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    use rantevou_wiring::{lambda, Wiring};
    lambda::run_http(
        rantevou_http::Function::StaffApi,
        |w: &Wiring<_>| w.staff(),
        |req, staff| async move { staff_api::handle(req, &staff).await },
    )
    .await
}
