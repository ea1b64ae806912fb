//! `rantevou`: the whole service in one local process (`serve`), and staff tasks.

use clap::{Parser, Subcommand};
use rantevou::{config_cmd, import_ea, serve, staff_cmd};
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
    #[command(flatten)]
    target: staff_cmd::Target,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site at / and the API at /api, with SQLite and an outbox folder: no AWS.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Folder of the static booking site.
        #[arg(long, default_value = "site")]
        site: PathBuf,
        /// Serve without the per-client rate and connection limits (for load tests).
        #[arg(long)]
        no_rate_limit: bool,
        /// Seconds between the scheduler's runs (pending and timed mail, the waiting list's
        /// notices), 1 to 60.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=60))]
        scheduler_every: u64,
    },
    /// The library configuration: check a file, or push it to the DynamoDB table.
    Config {
        #[command(subcommand)]
        action: config_cmd::Action,
    },
    /// Bring a library over from another booking system (a dry run unless --apply).
    Import {
        #[command(subcommand)]
        source: import_ea::Source,
    },
    #[command(flatten)]
    Staff(staff_cmd::Action),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to standard error, so that a command's own output (a table, CSV, JSON) stays
    // clean; `serve` logs its requests, the other commands only what went wrong.
    rantevou_wiring::logging::init_stderr(if matches!(cli.command, Command::Serve { .. }) {
        "info"
    } else {
        "warn"
    });
    let result = match cli.command {
        Command::Serve {
            addr,
            site,
            no_rate_limit,
            scheduler_every,
        } => {
            let target = cli.target;
            if target.stack.is_some() {
                eprintln!(
                    "rantevou: --stack names the deployed table; `serve` runs locally on --data"
                );
                return ExitCode::from(2);
            }
            serve::run(serve::Options {
                addr,
                data: target.data.unwrap_or_else(|| PathBuf::from(".data")),
                config: target.config,
                site,
                rate_limits: !no_rate_limit,
                public_url: target.public_url,
                scheduler_every: std::time::Duration::from_secs(scheduler_every),
            })
            .await
        }
        Command::Config { action } => config_cmd::run(action, cli.target.stack.as_deref()).await,
        Command::Import { source } => import_ea::run(source, cli.target).await,
        Command::Staff(action) => staff_cmd::run(action, cli.target).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rantevou: {message}");
            ExitCode::FAILURE
        }
    }
}
