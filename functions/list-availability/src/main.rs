//! The `list-availability` Lambda: clients built once, then every event through `list_availability::handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    rantevou_http::run_lambda(list_availability::handle).await
}
