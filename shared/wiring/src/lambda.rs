//! A Lambda's start, the one way for every function: JSON logs, the settings, one AWS
//! configuration load, the DynamoDB store; then the library configuration (from
//! `RANTEVOU_CONFIG_FILE` or the table). Without a configuration the function fails closed:
//! HTTP functions answer 503 `not-configured` and the scheduled one fails its run, each logging
//! why, and they try the table again on the next event, so a configuration pushed after the
//! deploy is picked up without a restart. Once configured, a warm function asks the table for
//! the configuration's version at most once a minute ([`in_force::CHECK_EVERY`]) and takes up
//! a new one when it changed: a push is in force everywhere within a minute, no redeploy.

use crate::in_force::{Derived, InForce, CHECK_EVERY};
use crate::settings::{Settings, SettingsError};
use crate::wiring::{Mail, NoKeys, Wiring};
use crate::{clock, keys, library, logging};
use rantevou_app::{Context, Links};
use rantevou_domain::ports::{ConfigSource, StoreError};
use rantevou_domain::LibraryConfig;
use rantevou_store::DynamoStore;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

/// Why a function has no library configuration to work with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unconfigured {
    /// None was pushed to the table (and no file is named).
    #[error("no library configuration: push one with `rantevou config push`")]
    Missing,
    /// The configuration (file or table) cannot be read or is not valid.
    #[error("the library configuration cannot be used: {0}")]
    Invalid(String),
    /// The table could not be read; try again.
    #[error("the configuration could not be read: {0}")]
    Store(StoreError),
    /// This function makes manage links and was given no keys (or they cannot be read).
    #[error("{0}")]
    Keys(String),
}

impl From<NoKeys> for Unconfigured {
    fn from(e: NoKeys) -> Self {
        Unconfigured::Keys(e.to_string())
    }
}

/// Why a Lambda did not start at all.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A setting is missing or unusable.
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

/// A started Lambda: settings and clients built once; the configuration in force loaded on
/// demand and kept current.
pub struct Lambda {
    settings: Settings,
    sdk: aws_config::SdkConfig,
    store: Arc<DynamoStore>,
    wiring: InForce<Wiring<DynamoStore>>,
    /// The value CloudFront's `X-Origin-Verify` must carry (read once, when set).
    #[cfg(feature = "http")]
    origin: tokio::sync::OnceCell<String>,
}

impl Lambda {
    /// Starts: logs, settings, one AWS configuration load, the store; and a first attempt at
    /// the library configuration, so that the first request does not wait for it.
    pub async fn start() -> Result<&'static Lambda, StartError> {
        logging::init();
        let settings = Settings::from_env()?;
        let table = settings.table()?.to_owned();
        if let Some(now) = settings.now {
            tracing::warn!(now = %now, "clock pinned by RANTEVOU_NOW");
        }
        let sdk = lambda_sdk_config().await;
        let store = Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table));
        // A configuration file is read once; the table's is checked for a new version.
        let every = settings.config_file.is_none().then_some(CHECK_EVERY);
        // The process lives as long as the Lambda's sandbox: leaking keeps the handlers'
        // references `'static` without a lock per request.
        let lambda: &'static Lambda = Box::leak(Box::new(Lambda {
            settings,
            sdk,
            store,
            wiring: InForce::new(every),
            #[cfg(feature = "http")]
            origin: tokio::sync::OnceCell::new(),
        }));
        if let Err(e) = lambda.wiring().await {
            tracing::error!(error = %e, "not configured yet");
        }
        Ok(lambda)
    }

    /// The wiring of the configuration in force (loaded until it can be, then kept current).
    async fn wiring(&self) -> Result<crate::in_force::Current<Wiring<DynamoStore>>, Unconfigured> {
        self.wiring
            .get(
                Instant::now(),
                || self.store.config_version(),
                || async {
                    let (wiring, version) =
                        aws_wiring(&self.settings, &self.sdk, Arc::clone(&self.store)).await?;
                    // A Lambda counts what happens (a staff command does not: its stdout is
                    // its output).
                    let clock = Arc::clone(&wiring.context().clock);
                    let metrics = Arc::new(crate::emf::Emf::stdout(clock));
                    Ok((wiring.with_metrics(metrics), version))
                },
            )
            .await
    }

    /// The use case `build` makes from the wiring in force, built again only when a new
    /// configuration was taken up.
    async fn use_case<U, B>(&self, built: &Derived<U>, build: &B) -> Result<Arc<U>, Unconfigured>
    where
        B: Fn(&Wiring<DynamoStore>) -> Result<U, NoKeys>,
    {
        let wiring = self.wiring().await?;
        built
            .get(wiring.generation, || build(&wiring.value))
            .await
            .map_err(Unconfigured::from)
    }
}

/// The AWS configuration of a Lambda: the region and the credentials Lambda puts in the
/// environment, nothing else tried (no profile, no instance metadata, no STS: neither exists
/// in a Lambda, and their code stays out of the binary).
async fn lambda_sdk_config() -> aws_config::SdkConfig {
    use aws_config::environment::{
        EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
    };
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(EnvironmentVariableRegionProvider::new())
        .credentials_provider(EnvironmentVariableCredentialsProvider::new())
        .load()
        .await
}

#[cfg(feature = "http")]
impl Lambda {
    /// Whether `req` may be served: with no origin secret set (local runs), always; else only
    /// with CloudFront's header. `Err` when the secret cannot be read (tried again next time).
    async fn admits(&self, req: &lambda_http::Request) -> Result<bool, Unconfigured> {
        let Some(id) = &self.settings.origin_secret else {
            return Ok(true);
        };
        let expected = self
            .origin
            .get_or_try_init(|| keys::secret_text(&self.sdk, id))
            .await
            .map_err(Unconfigured::Keys)?;
        let sent = req
            .headers()
            .get(crate::origin::HEADER)
            .map(|v| v.as_bytes());
        Ok(crate::origin::came_through_cloudfront(sent, expected))
    }
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// Runs a scheduled (non-HTTP) function: every event (the schedule's tick, an SES event) calls
/// `handle` with the use case `build` makes and the event. Without a configuration the run
/// fails (an error in the logs and the metrics).
pub async fn run_scheduled<U, B, H, Fut, O>(
    build: B,
    handle: H,
) -> Result<(), lambda_runtime::Error>
where
    U: Send + Sync + 'static,
    B: Fn(&Wiring<DynamoStore>) -> Result<U, NoKeys> + Send + Sync + 'static,
    H: Fn(Arc<U>, serde_json::Value) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, String>> + Send,
    O: serde::Serialize,
{
    let lambda = Lambda::start().await?;
    let (built, build, handle) = (leak(Derived::new()), leak(build), leak(handle));
    let _ = lambda.use_case(built, build).await;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<serde_json::Value>| async move {
            match lambda.use_case(built, build).await {
                Ok(use_case) => handle(use_case, event.payload).await,
                Err(e) => {
                    tracing::error!(error = %e, "not configured; nothing done");
                    Err(e.to_string())
                }
            }
        },
    ))
    .await
}

/// Runs an HTTP function: every request goes to `handle` with the use case `build` makes;
/// without a configuration every request answers 503 `not-configured` (or 503 `unavailable`
/// when the table could not be read).
#[cfg(feature = "http")]
pub async fn run_http<U, B, H, Fut>(
    function: rantevou_http::Function,
    build: B,
    handle: H,
) -> Result<(), lambda_http::Error>
where
    U: Send + Sync + 'static,
    B: Fn(&Wiring<DynamoStore>) -> Result<U, NoKeys> + Send + Sync + 'static,
    H: Fn(lambda_http::Request, Arc<U>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = lambda_http::Response<lambda_http::Body>> + Send,
{
    let lambda = Lambda::start().await?;
    let (built, build, handle) = (leak(Derived::new()), leak(build), leak(handle));
    // Built now when the configuration is there, so that the first request does not wait.
    let _ = lambda.use_case(built, build).await;
    lambda_http::run(lambda_http::service_fn(move |req| async move {
        match lambda.admits(&req).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(
                    function = function.name(),
                    "a request that did not come through CloudFront"
                );
                let detail = "requests to the API go through the site's own address".to_owned();
                return Ok(rantevou_http::ApiError::Forbidden { detail }.to_response());
            }
            Err(e) => {
                return Ok(rantevou_http::not_configured(
                    &req,
                    function,
                    &e.to_string(),
                ))
            }
        }
        let answer = match lambda.use_case(built, build).await {
            Ok(use_case) => handle(req, use_case).await,
            Err(Unconfigured::Store(e)) => {
                tracing::error!(error = %e, "configuration not read");
                rantevou_http::ApiError::Unavailable.to_response()
            }
            // Logged there, with the request id.
            Err(e) => rantevou_http::not_configured(&req, function, &e.to_string()),
        };
        Ok::<_, std::convert::Infallible>(answer)
    }))
    .await
}

/// The AWS wiring of `settings` and the version of its configuration: the library
/// configuration from `RANTEVOU_CONFIG_FILE` or the table, SES for mail, the manage keys from
/// their file or secret (when set); for the functions and for staff commands run against the
/// table.
pub async fn aws_wiring(
    settings: &Settings,
    sdk: &aws_config::SdkConfig,
    store: Arc<DynamoStore>,
) -> Result<(Wiring<DynamoStore>, String), Unconfigured> {
    let (config, version) = match &settings.config_file {
        Some(path) => {
            let (source, config) = library::config_file(path).map_err(Unconfigured::Invalid)?;
            (config, rantevou_store::config_version(&source))
        }
        None => {
            let stored = store
                .load_config()
                .await
                .map_err(Unconfigured::Store)?
                .ok_or(Unconfigured::Missing)?;
            let config = LibraryConfig::from_toml_str(&stored.source)
                .map_err(|e| Unconfigured::Invalid(e.to_string()))?;
            (config, stored.version)
        }
    };
    let links = Links::for_library(
        &config,
        settings.public_url.as_ref().map(|u| u.as_str()),
        settings.site_origin.as_ref().map(|u| u.as_str()),
    )
    .map_err(|e| Unconfigured::Invalid(e.to_string()))?;
    let clock = settings.now.map_or_else(clock::system, clock::pinned);
    #[cfg(feature = "ses")]
    let mail = Mail::Ses {
        sdk: Box::new(sdk.clone()),
        from: library::sender(&config, settings.sender.as_deref()),
        configuration_set: settings.ses_configuration_set.clone(),
    };
    #[cfg(not(feature = "ses"))]
    let mail = Mail::None;
    #[cfg(not(any(feature = "ses", feature = "secrets")))]
    let _ = sdk;
    // Only the functions that make links are given a keys setting (and may read the secret).
    let keys = match (&settings.keys_file, &settings.keys_secret) {
        (Some(path), _) => Some(keys::from_file(path).map_err(Unconfigured::Keys)?),
        #[cfg(feature = "secrets")]
        (None, Some(secret)) => Some(
            keys::from_secret(sdk, secret)
                .await
                .map_err(Unconfigured::Keys)?,
        ),
        // A function built without Secrets Manager makes no links: it has no use for keys.
        #[cfg(not(feature = "secrets"))]
        (None, Some(_)) => None,
        (None, None) => None,
    };
    let ctx = Context::new(Arc::new(config), clock, links);
    let wiring = Wiring::new(ctx, store, mail, keys.map(Arc::new));
    // CalDAV calendars' credentials: a local file when named (staff commands), else
    // Secrets Manager.
    #[cfg(feature = "calendars")]
    let wiring = match &settings.secrets_file {
        Some(path) => {
            wiring.with_calendar_secrets(Arc::new(crate::calendar_fetch::SecretsFile(path.clone())))
        }
        #[cfg(feature = "secrets")]
        None => wiring
            .with_calendar_secrets(Arc::new(crate::calendar_fetch::SecretsManager(sdk.clone()))),
        #[cfg(not(feature = "secrets"))]
        None => wiring,
    };
    Ok((wiring, version))
}
