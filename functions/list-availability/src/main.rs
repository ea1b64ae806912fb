//! The `list-availability` Lambda: started once, then every request through `handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    use rantevou_wiring::{lambda, Wiring};
    lambda::run_http(
        rantevou_http::Function::ListAvailability,
        |w: &Wiring<_>| Ok(w.free_slots()),
        |req, slots| async move { list_availability::handle(req, &slots).await },
    )
    .await
}
