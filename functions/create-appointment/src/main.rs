//! The `create-appointment` Lambda: build the clients once, then serve events with `create_appointment::handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    rantevou_http::logging::init();
    let deps = rantevou_http::Deps::from_env().await?;
    let deps = &deps;
    lambda_http::run(lambda_http::service_fn(move |req| async move {
        Ok::<_, std::convert::Infallible>(create_appointment::handle(req, deps).await)
    }))
    .await
}
