//! The librarian's commands: the agenda, cancelling, the video-call link, closures, the export,
//! and a patron's data. The same on a local data folder (`--data`, as `rantevou serve` keeps
//! it) and on the deployed table (`--stack NAME`, or `RANTEVOU_TABLE` and
//! `RANTEVOU_KEYS_SECRET`, with the AWS environment), through the application layer's staff
//! operations.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use clap::{Args, Subcommand};
use rantevou_app::{Links, MailRetry, Staff};
use rantevou_domain::closure::ClosedHours;
use rantevou_domain::staff::Actor;
use rantevou_http::export::{export_csv, export_xlsx};
use rantevou_http::staff::{mail_state, patron_json};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

mod agenda;
pub use agenda::agenda_table;

/// Where the data is: a local data folder, or the DynamoDB table (every command's options).
#[derive(Args, Debug, Clone)]
pub struct Target {
    /// The local data folder: the database, the outbox and the keys (`serve`: default .data,
    /// created if missing). Staff commands without it work on the deployed table: `--stack`,
    /// or `RANTEVOU_TABLE` and `RANTEVOU_KEYS_SECRET`, in the AWS environment.
    #[arg(long, global = true, conflicts_with = "stack")]
    pub data: Option<PathBuf>,
    /// The deployed CloudFormation stack: its outputs name the table and the manage keys'
    /// secret (instead of `RANTEVOU_TABLE` and `RANTEVOU_KEYS_SECRET`).
    #[arg(long, global = true, value_name = "NAME")]
    pub stack: Option<String>,
    /// The library's configuration (local data only; on AWS the pushed one is used).
    #[arg(long, global = true, default_value = "infra/library.toml")]
    pub config: PathBuf,
    /// Where patrons reach the local server (the links in mail use it; `serve` serves its
    /// host too), e.g. http://192.168.1.20:8080; required by `serve --addr 0.0.0.0:…`.
    /// Default http://127.0.0.1:8080 for staff commands on local data.
    #[arg(long, global = true)]
    pub public_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ClosureAction {
    /// Close the library from one date to another (inclusive), at once.
    Add {
        /// First closed date, YYYY-MM-DD.
        #[arg(long)]
        from: NaiveDate,
        /// Last closed date, YYYY-MM-DD (default: --from).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// What it is, e.g. "Staff training".
        #[arg(long)]
        name: String,
        /// Close only from this time of each day, HH:MM (with --to-time).
        #[arg(long, requires = "to_time", value_parser = hh_mm)]
        from_time: Option<NaiveTime>,
        /// Until this time, HH:MM.
        #[arg(long, requires = "from_time", value_parser = hh_mm)]
        to_time: Option<NaiveTime>,
        /// Also cancel the appointments already there, mailing each patron this reason.
        #[arg(long)]
        cancel_reason: Option<String>,
    },
    /// The closures added so far, and the configuration's for the coming year.
    List,
    /// Remove a closure: its days are offered again at once.
    Remove {
        /// The closure's id (see `closure list`).
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum PatronAction {
    /// Everything stored about an address, as JSON (the right of access).
    Export {
        /// The patron's email address.
        email: String,
    },
    /// Erase an address's data: upcoming appointments cancelled (the patron mailed), every
    /// appointment anonymised (the right to erasure).
    Erase {
        /// The patron's email address.
        email: String,
        /// Told to the patron in the cancellation mail.
        #[arg(long, default_value = "")]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum Action {
    /// The appointments of a range, as a table: time, patron, topic, status, link, mail.
    Agenda {
        /// First date, YYYY-MM-DD (default: today).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last date, inclusive (default: --from).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Only this provider's.
        #[arg(long)]
        provider: Option<String>,
    },
    /// Cancel an appointment as staff (no cutoff) and mail the patron.
    Cancel {
        /// The appointment's id.
        id: String,
        /// Why, told to the patron.
        #[arg(long)]
        reason: String,
    },
    /// Set or change an appointment's video-call link and mail it to the patron now.
    SendLink {
        /// The appointment's id.
        id: String,
        /// The link, e.g. https://uom.zoom.us/j/123456789.
        #[arg(long)]
        url: String,
    },
    /// Close days (stored, in force at once), list or remove closures.
    Closure {
        #[command(subcommand)]
        action: ClosureAction,
    },
    /// The appointments of a range on standard output, as CSV (UTF-8 with a BOM, `;` between
    /// cells, for Greek spreadsheets) or XLSX; nothing in them runs as a formula.
    Export {
        /// First date, YYYY-MM-DD.
        #[arg(long)]
        from: NaiveDate,
        /// Last date, inclusive.
        #[arg(long)]
        to: NaiveDate,
        /// csv or xlsx.
        #[arg(long, default_value = "csv", value_parser = ["csv", "xlsx"])]
        format: String,
    },
    /// A patron's data: export or erase.
    Patron {
        #[command(subcommand)]
        action: PatronAction,
    },
    /// Record an SES event about a message (a bounce, a complaint, a delay: EventBridge's
    /// JSON, as the scheduled function receives it), e.g. to replay one it missed.
    MailEvent {
        /// The event's JSON file.
        file: PathBuf,
    },
}

/// The staff operations over `target`, and its scheduler (which records mail events).
async fn use_cases(target: &Target) -> Result<(Staff, MailRetry), String> {
    let clock = rantevou_wiring::clock::system();
    match &target.data {
        Some(data) => {
            let (_, config) = rantevou_wiring::library::config_file(&target.config)?;
            let public_url = target
                .public_url
                .as_deref()
                .unwrap_or("http://127.0.0.1:8080");
            let links = Links::same_origin(public_url).map_err(|e| e.to_string())?;
            let wiring = rantevou_wiring::local::wiring(config, data, links, clock)
                .map_err(|e| e.to_string())?;
            both(wiring.staff(), wiring.mail_retry())
        }
        None => {
            let settings = rantevou_wiring::Settings::from_env().map_err(|e| e.to_string())?;
            let deployed = crate::aws::find(target.stack.as_deref(), &settings).await?;
            // The table first (one small read): a wrong name is said as such.
            use rantevou_domain::ports::ConfigSource;
            deployed
                .store()
                .config_version()
                .await
                .map_err(|e| deployed.store_error(&e))?;
            if deployed.keys_secret.is_none() && settings.keys_file.is_none() {
                return Err(format!(
                    "no manage keys (the mail's links are made with them): give --stack NAME, or \
                     set RANTEVOU_KEYS_SECRET to the stack's {} output",
                    crate::aws::KEYS_OUTPUT
                ));
            }
            let store = Arc::new(deployed.store());
            let settings = deployed.settings(&settings);
            let (wiring, _) = rantevou_wiring::lambda::aws_wiring(&settings, &deployed.sdk, store)
                .await
                .map_err(|e| unconfigured(&deployed, e))?;
            both(wiring.staff(), wiring.mail_retry())
        }
    }
}

fn both(
    staff: Result<Staff, rantevou_wiring::NoKeys>,
    retry: Result<MailRetry, rantevou_wiring::NoKeys>,
) -> Result<(Staff, MailRetry), String> {
    Ok((
        staff.map_err(|e| e.to_string())?,
        retry.map_err(|e| e.to_string())?,
    ))
}

/// Why the deployed service cannot be worked on, as one sentence.
fn unconfigured(
    deployed: &crate::aws::Deployed,
    e: rantevou_wiring::lambda::Unconfigured,
) -> String {
    use rantevou_wiring::lambda::Unconfigured;
    match e {
        Unconfigured::Store(e) => deployed.store_error(&e),
        Unconfigured::Missing => format!(
            "table {} holds no library configuration: push one with `rantevou config push`",
            deployed.table
        ),
        Unconfigured::Keys(why) if why.ends_with("ResourceNotFoundException") => format!(
            "the manage keys' secret {} was not found in region {} (check --stack or \
             RANTEVOU_KEYS_SECRET)",
            deployed.keys_secret.as_deref().unwrap_or(""),
            deployed.region
        ),
        other => other.to_string(),
    }
}

/// The person running a staff command, as the audit record names them.
fn cli_actor() -> Actor {
    let user = rantevou_wiring::Settings::from_env()
        .ok()
        .and_then(|s| s.operator)
        .unwrap_or_else(|| "unknown".into());
    Actor::unrestricted(format!("cli:{user}"))
}

pub async fn run(action: Action, target: Target) -> Result<(), String> {
    let (staff, retry) = use_cases(&target).await?;
    let by = &cli_actor();
    let config = staff.context().config.clone();
    let tz = config.library.timezone;
    let err = command_error;
    match action {
        Action::Agenda { from, to, provider } => {
            let today = staff.context().now().with_timezone(&tz).date_naive();
            let from = from.unwrap_or(today);
            let to = to.unwrap_or(from);
            let list = staff
                .agenda(by, from, to, provider.as_deref())
                .await
                .map_err(err)?;
            print!("{}", agenda_table(&list, &config, staff.context().now()));
            if list.is_empty() {
                println!("No appointments from {from} to {to}.");
            }
        }
        Action::Cancel { id, reason } => {
            let a = staff.cancel(by, &id, &reason).await.map_err(err)?;
            println!(
                "Cancelled {} ({} {}); {}",
                a.id,
                local(a.start, tz),
                a.patron.customer.name,
                mail_state(&a)
            );
        }
        Action::SendLink { id, url } => {
            let a = staff.send_link(by, &id, &url).await.map_err(err)?;
            println!(
                "Link set for {} ({}): {}; {}",
                a.id,
                local(a.start, tz),
                a.meeting.url.as_deref().unwrap_or(""),
                if a.meeting.due.is_none() {
                    "mailed to the patron"
                } else {
                    "the mail failed and will be retried"
                }
            );
        }
        Action::Closure { action } => closure(&staff, by, action, tz).await?,
        Action::MailEvent { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let event: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("{}: not JSON: {e}", file.display()))?;
            match send_pending_mail::feedback_of(&event)
                .map_err(|why| format!("{}: {why}", file.display()))?
            {
                None => println!(
                    "{}: not about an appointment's mail; nothing to record.",
                    file.display()
                ),
                Some(feedback) => {
                    let recorded = retry
                        .record_feedback(&feedback)
                        .await
                        .map_err(|e| e.to_string())?;
                    println!(
                        "{}: recorded ({recorded:?}) for appointment {}.",
                        file.display(),
                        feedback.appointment
                    );
                }
            }
        }
        Action::Export { from, to, format } => {
            let list = staff.export(by, from, to).await.map_err(err)?;
            let lang = config.library.default_language();
            let bytes = if format == "xlsx" {
                export_xlsx(&list, &config, lang).map_err(|e| e.to_string())?
            } else {
                export_csv(&list, &config, lang).map_err(|e| e.to_string())?
            };
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes).map_err(|e| e.to_string())?;
            out.flush().map_err(|e| e.to_string())?;
        }
        Action::Patron { action } => match action {
            PatronAction::Export { email } => {
                let list = staff.patron_export(by, &email).await.map_err(err)?;
                let json = patron_json(&email, &list, staff.context().now(), tz);
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
                );
            }
            PatronAction::Erase { email, reason } => {
                let report = staff.erase_patron(by, &email, &reason).await.map_err(err)?;
                println!(
                    "Cancelled {} upcoming appointment(s), anonymised {}.",
                    report.cancelled, report.anonymised
                );
                if report.waiting_for_mail > 0 {
                    println!(
                        "{} still have a mail to send; run the same command again once it went.",
                        report.waiting_for_mail
                    );
                }
            }
        },
    }
    Ok(())
}

async fn closure(staff: &Staff, by: &Actor, action: ClosureAction, tz: Tz) -> Result<(), String> {
    let err = command_error;
    match action {
        ClosureAction::Add {
            from,
            to,
            name,
            from_time,
            to_time,
            cancel_reason,
        } => {
            let hours = match (from_time, to_time) {
                (Some(f), Some(t)) => Some(
                    ClosedHours::new(f, t)
                        .ok_or_else(|| "--to-time must be after --from-time".to_owned())?,
                ),
                _ => None,
            };
            let added = staff
                .add_closure(
                    by,
                    from,
                    to.unwrap_or(from),
                    hours,
                    &name,
                    cancel_reason.as_deref(),
                )
                .await
                .map_err(err)?;
            let c = &added.closure;
            match c.hours {
                Some(h) => println!(
                    "Closed {} to {}, {}–{} each day ({}): id {}. Those times are no longer offered.",
                    c.from,
                    c.to,
                    h.from.format("%H:%M"),
                    h.to.format("%H:%M"),
                    c.name,
                    c.id
                ),
                None => println!(
                    "Closed {} to {} ({}): id {}. Those days are no longer offered.",
                    c.from, c.to, c.name, c.id
                ),
            }
            if !added.cancelled.is_empty() {
                println!(
                    "Cancelled {} appointment(s) on those days; each patron is mailed the reason:",
                    added.cancelled.len()
                );
                for a in &added.cancelled {
                    println!("  {}  {}", a.id, local(a.start, tz));
                }
            }
            if !added.affected.is_empty() {
                println!(
                    "WARNING: {} appointment(s) already on those days are NOT cancelled; \
                     cancel each with `rantevou cancel ID --reason …` if needed:",
                    added.affected.len()
                );
                for a in &added.affected {
                    println!(
                        "  {}  {}  {}",
                        a.id,
                        local(a.start, tz),
                        a.patron.customer.name
                    );
                }
            }
        }
        ClosureAction::List => {
            let list = staff.closures().await.map_err(err)?;
            if list.is_empty() {
                println!("No closures added (the configuration's own are in library.toml).");
            }
            for c in list {
                println!("{}  {} – {}  {}", c.id, c.from, c.to, c.name);
            }
            let configured = staff.configured_closures();
            if !configured.is_empty() {
                println!("In library.toml (change them there), the coming year:");
            }
            for (_, p) in configured {
                println!("          {} – {}  {}", p.from, p.to, p.name);
            }
        }
        ClosureAction::Remove { id } => {
            staff.remove_closure(by, &id).await.map_err(err)?;
            println!("Removed closure {id}; its days are offered again.");
        }
    }
    Ok(())
}

/// An instant as the commands print it: `2026-12-01 09:00`, in the library's zone.
pub(crate) fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// A time of day as HH:MM.
fn hh_mm(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("{s:?} is not a time as HH:MM"))
}

/// A staff operation's refusal as the command line says it: a bad argument by its option.
fn command_error(e: rantevou_app::StaffError) -> String {
    match e {
        rantevou_app::StaffError::Invalid {
            field: "email",
            message,
        } => format!("EMAIL: {message}"),
        rantevou_app::StaffError::Invalid { field, message } => format!("--{field}: {message}"),
        other => other.to_string(),
    }
}
