//! What a function needs, built once per process (a Lambda cold start, or `rantevou serve`).

use chrono::{DateTime, Utc};
use rantevou_domain::ports::{AppointmentStore, Mailer};
use rantevou_domain::LibraryConfig;
use rantevou_store::DynamoStore;
use std::sync::Arc;

/// The current time: the real clock in production, a fixed one in tests.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The sample configuration shipped in `infra/`, used when none was pushed to the store.
pub const BUILT_IN_CONFIG: &str = include_str!("../../../infra/library.toml");

/// Environment variable that pins the clock (RFC 3339), for replaying fixtures locally.
pub const NOW_ENV: &str = "RANTEVOU_NOW";

/// The functions' dependencies.
#[derive(Clone)]
pub struct Deps {
    /// Where appointments live.
    pub store: Arc<dyn AppointmentStore>,
    /// Where mail goes.
    pub mailer: Arc<dyn Mailer>,
    /// The library's configuration.
    pub config: Arc<LibraryConfig>,
    /// Now.
    pub clock: Clock,
    /// Base URL of the API as patrons reach it (manage links start here), no trailing slash.
    pub public_url: String,
    /// The booking site's origin, allowed by CORS (`None`: same origin only).
    pub allowed_origin: Option<String>,
}

/// Why the dependencies could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DepsError {
    /// The store could not be configured or read.
    #[error("store: {0}")]
    Store(#[from] rantevou_domain::ports::StoreError),
    /// The configuration is invalid.
    #[error("{0}")]
    Config(#[from] rantevou_domain::ConfigError),
    /// A configuration file could not be read.
    #[error("cannot read {path}: {error}")]
    ConfigFile {
        /// The file.
        path: String,
        /// The reason.
        error: std::io::Error,
    },
}

impl Deps {
    /// Dependencies from `config`, `store` and the real clock; URLs from the environment
    /// (`RANTEVOU_PUBLIC_URL`, `RANTEVOU_SITE_ORIGIN`), defaulting to the library's site URL.
    pub fn new(
        config: LibraryConfig,
        store: Arc<dyn AppointmentStore>,
        mailer: Arc<dyn Mailer>,
    ) -> Self {
        let public_url = std::env::var("RANTEVOU_PUBLIC_URL")
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|_| config.library.site_url.clone());
        let allowed_origin = std::env::var("RANTEVOU_SITE_ORIGIN")
            .ok()
            .or_else(|| origin_of(&config.library.site_url));
        Deps {
            store,
            mailer,
            config: Arc::new(config),
            clock: Arc::new(Utc::now),
            public_url,
            allowed_origin,
        }
    }

    /// The Lambda functions' dependencies: the DynamoDB store from the environment
    /// (`RANTEVOU_TABLE`, `AWS_ENDPOINT_URL`), SES v2 mail (`RANTEVOU_SENDER`, else the
    /// library's address; `RANTEVOU_SES_CONFIGURATION_SET`), and the configuration from
    /// `RANTEVOU_CONFIG_FILE` if set, else the one pushed to the table, else the built-in sample.
    pub async fn from_env() -> Result<Self, DepsError> {
        let store = DynamoStore::from_env().await?;
        let source = match std::env::var("RANTEVOU_CONFIG_FILE") {
            Ok(path) => std::fs::read_to_string(&path)
                .map_err(|error| DepsError::ConfigFile { path, error })?,
            Err(_) => match store.load_config().await? {
                Some(source) => source,
                None => {
                    tracing::warn!(
                        "no configuration pushed to the table; using the built-in sample"
                    );
                    BUILT_IN_CONFIG.to_owned()
                }
            },
        };
        let config = LibraryConfig::from_toml_str(&source)?;
        let library = &config.library;
        let mailer = rantevou_mail::SesMailer::from_env(
            library.name.get(library.default_language()),
            &library.email,
        )
        .await;
        let mut deps = Deps::new(config, Arc::new(store), Arc::new(mailer));
        // Local replays of the `events/` fixtures pin the clock to the time they were written
        // for. Never set in AWS (template.yaml does not pass it).
        if let Some(pinned) = std::env::var(NOW_ENV)
            .ok()
            .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
        {
            tracing::warn!(now = %pinned, "clock pinned by {NOW_ENV}");
            let pinned = pinned.with_timezone(&Utc);
            deps.clock = Arc::new(move || pinned);
        }
        Ok(deps)
    }

    /// Now, by the dependencies' clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The manage (cancel) link of an appointment, with its token.
    pub fn manage_url(
        &self,
        id: &rantevou_domain::AppointmentId,
        token: &rantevou_domain::ManageToken,
    ) -> String {
        format!(
            "{}/api/appointments/{id}/cancel?token={}",
            self.public_url,
            token.expose()
        )
    }
}

/// `https://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let scheme_end = url.find("://")? + 3;
    let host_end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    Some(url[..host_end].to_owned())
}
