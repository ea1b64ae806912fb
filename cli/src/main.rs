//! `rantevou`: the whole service in one local process (`serve`), and staff tasks.

use clap::{Parser, Subcommand};
use rantevou::{config_cmd, serve};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "rantevou",
    version,
    about = "Book consultations with the library"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site at / and the API at /api, with SQLite and an outbox folder: no AWS.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Folder for the database and the outbox (created if missing).
        #[arg(long, default_value = ".data")]
        data: PathBuf,
        /// The library's configuration.
        #[arg(long, default_value = "infra/library.toml")]
        config: PathBuf,
        /// Folder of the static booking site.
        #[arg(long, default_value = "site")]
        site: PathBuf,
        /// Serve without the per-client rate and connection limits (for load tests).
        #[arg(long)]
        no_rate_limit: bool,
        /// The address patrons reach this server at (the links in mail use it; its host is
        /// served too), e.g. http://192.168.1.20:8080. Required with --addr 0.0.0.0:….
        #[arg(long)]
        public_url: Option<String>,
    },
    /// The library configuration: check a file, or push it to the DynamoDB table.
    Config {
        #[command(subcommand)]
        action: config_cmd::Action,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    rantevou_wiring::logging::init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            addr,
            data,
            config,
            site,
            no_rate_limit,
            public_url,
        } => {
            serve::run(serve::Options {
                addr,
                data,
                config,
                site,
                rate_limits: !no_rate_limit,
                public_url,
            })
            .await
        }
        Command::Config { action } => config_cmd::run(action).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rantevou: {message}");
            ExitCode::FAILURE
        }
    }
}
