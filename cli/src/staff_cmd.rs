//! The librarian's commands: the agenda, cancelling, the video-call link, closures, the export,
//! and a patron's data. The same on a local data folder (`--data`, as `rantevou serve` keeps
//! it) and on DynamoDB (`RANTEVOU_TABLE` and the AWS environment), through the application
//! layer's staff operations.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use clap::{Args, Subcommand};
use rantevou_app::{Links, Staff};
use rantevou_domain::appointment::{Appointment, Status};
use rantevou_domain::LibraryConfig;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the data is: a local data folder, or the DynamoDB table (every command's options).
#[derive(Args, Debug, Clone)]
pub struct Target {
    /// The local data folder: the database, the outbox and the keys (`serve`: default .data,
    /// created if missing). Staff commands without it work on the DynamoDB table
    /// `RANTEVOU_TABLE` in the AWS environment (with `RANTEVOU_KEYS_SECRET`).
    #[arg(long, global = true)]
    pub data: Option<PathBuf>,
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
    },
    /// The closures added so far.
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
    /// The appointments of a range as CSV on standard output (UTF-8 with a BOM, for
    /// spreadsheet programs).
    Export {
        /// First date, YYYY-MM-DD.
        #[arg(long)]
        from: NaiveDate,
        /// Last date, inclusive.
        #[arg(long)]
        to: NaiveDate,
    },
    /// A patron's data: export or erase.
    Patron {
        #[command(subcommand)]
        action: PatronAction,
    },
}

/// The staff operations over `target`.
async fn staff(target: &Target) -> Result<Staff, String> {
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
            wiring.staff().map_err(|e| e.to_string())
        }
        None => {
            let hint = |e: rantevou_wiring::SettingsError| {
                format!("{e} (or give --data for a local data folder)")
            };
            let settings = rantevou_wiring::Settings::from_env().map_err(hint)?;
            let table = settings.table().map_err(hint)?.to_owned();
            let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            let store = Arc::new(rantevou_store::DynamoStore::new(
                aws_sdk_dynamodb::Client::new(&sdk),
                table,
            ));
            let wiring = rantevou_wiring::lambda::aws_wiring(&settings, &sdk, store)
                .await
                .map_err(|e| e.to_string())?;
            wiring.staff().map_err(|e| e.to_string())
        }
    }
}

pub async fn run(action: Action, target: Target) -> Result<(), String> {
    let staff = staff(&target).await?;
    let config = staff.context().config.clone();
    let tz = config.library.timezone;
    let err = |e: rantevou_app::StaffError| e.to_string();
    match action {
        Action::Agenda { from, to, provider } => {
            let today = staff.context().now().with_timezone(&tz).date_naive();
            let from = from.unwrap_or(today);
            let to = to.unwrap_or(from);
            let list = staff
                .agenda(from, to, provider.as_deref())
                .await
                .map_err(err)?;
            print!("{}", agenda_table(&list, &config, staff.context().now()));
            if list.is_empty() {
                println!("No appointments from {from} to {to}.");
            }
        }
        Action::Cancel { id, reason } => {
            let a = staff.cancel(&id, &reason).await.map_err(err)?;
            println!(
                "Cancelled {} ({} {}); {}",
                a.id,
                local(a.start, tz),
                a.patron.customer.name,
                mail_state(&a)
            );
        }
        Action::SendLink { id, url } => {
            let a = staff.send_link(&id, &url).await.map_err(err)?;
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
        Action::Closure { action } => closure(&staff, action, tz).await?,
        Action::Export { from, to } => {
            let list = staff.agenda(from, to, None).await.map_err(err)?;
            let mut out = std::io::stdout().lock();
            export_csv(&mut out, &list, &config).map_err(|e| e.to_string())?;
            out.flush().map_err(|e| e.to_string())?;
        }
        Action::Patron { action } => match action {
            PatronAction::Export { email } => {
                let list = staff.patron_appointments(&email).await.map_err(err)?;
                let json = serde_json::json!({
                    "email": email,
                    "exported_at": staff.context().now(),
                    "appointments": list.iter().map(|a| patron_json(a, tz)).collect::<Vec<_>>(),
                });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?
                );
            }
            PatronAction::Erase { email, reason } => {
                let report = staff.erase_patron(&email, &reason).await.map_err(err)?;
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

async fn closure(staff: &Staff, action: ClosureAction, tz: Tz) -> Result<(), String> {
    let err = |e: rantevou_app::StaffError| e.to_string();
    match action {
        ClosureAction::Add { from, to, name } => {
            let added = staff
                .add_closure(from, to.unwrap_or(from), &name)
                .await
                .map_err(err)?;
            let c = &added.closure;
            println!(
                "Closed {} to {} ({}): id {}. Those days are no longer offered.",
                c.from, c.to, c.name, c.id
            );
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
        }
        ClosureAction::Remove { id } => {
            staff.remove_closure(&id).await.map_err(err)?;
            println!("Removed closure {id}; its days are offered again.");
        }
    }
    Ok(())
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

fn status(a: &Appointment) -> &'static str {
    match a.status {
        Status::Held { .. } => "held",
        Status::Booked => "booked",
        Status::Cancelled { .. } => "cancelled",
    }
}

/// Whether the video-call link went: `sent`, `due HH:MM`, or `none` (staff send it).
fn link_state(a: &Appointment, tz: Tz) -> String {
    match (&a.meeting.url, a.meeting.due) {
        (None, _) => "none".into(),
        (Some(_), None) => "sent".into(),
        (Some(_), Some(due)) => format!("due {}", due.with_timezone(&tz).format("%d/%m %H:%M")),
    }
}

/// `failed: reason`, `pending`, or `ok`.
fn mail_state(a: &Appointment) -> String {
    match (&a.delivery.failure, a.pending_mail.is_empty()) {
        (Some(reason), _) => format!("mail FAILED: {reason}"),
        (None, false) => "mail pending".into(),
        (None, true) => "mail ok".into(),
    }
}

fn cell(text: &str, width: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let count = one_line.chars().count();
    if count > width {
        let cut: String = one_line.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{one_line}{}", " ".repeat(width - count))
    }
}

/// The agenda as a fixed-width table (widths in characters, so Greek lines up).
pub fn agenda_table(list: &[Appointment], config: &LibraryConfig, now: DateTime<Utc>) -> String {
    let tz = config.library.timezone;
    let several = config.providers.len() > 1;
    let mut out = String::new();
    if list.is_empty() {
        return out;
    }
    let mut header = format!("{}  ", cell("TIME", 16));
    if several {
        header.push_str(&format!("{}  ", cell("PROVIDER", 10)));
    }
    header.push_str(&format!(
        "{}  {}  {}  {}  {}  {}\n",
        cell("PATRON", 24),
        cell("TOPIC", 30),
        cell("STATUS", 9),
        cell("LINK", 13),
        cell("MAIL", 14),
        "ID"
    ));
    out.push_str(&header);
    for a in list {
        let mut row = format!("{}  ", cell(&local(a.start, tz), 16));
        if several {
            row.push_str(&format!("{}  ", cell(a.provider.as_str(), 10)));
        }
        let status = if a.is_booked() && a.end <= now {
            "past"
        } else {
            status(a)
        };
        row.push_str(&format!(
            "{}  {}  {}  {}  {}  {}\n",
            cell(a.patron.customer.name.as_str(), 24),
            cell(a.patron.notes.as_str(), 30),
            cell(status, 9),
            cell(&link_state(a, tz), 13),
            cell(&mail_state(a).replace("mail ", ""), 14),
            a.id
        ));
        out.push_str(&row);
    }
    out
}

/// The export: one row per appointment, times in the library's zone, UTF-8 with a BOM.
pub fn export_csv(
    out: &mut impl Write,
    list: &[Appointment],
    config: &LibraryConfig,
) -> Result<(), csv::Error> {
    let tz = config.library.timezone;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "date",
        "start",
        "end",
        "service",
        "provider",
        "status",
        "name",
        "email",
        "phone",
        "topic",
        "language",
        "meeting_link",
        "link_sent",
        "mail",
        "cancelled_at",
        "cancel_reason",
    ])?;
    for a in list {
        let (cancelled_at, reason) = match &a.status {
            Status::Cancelled { at, reason } => (local(*at, tz), reason.as_str().to_owned()),
            _ => (String::new(), String::new()),
        };
        let start = a.start.with_timezone(&tz);
        w.write_record([
            a.id.to_string(),
            start.format("%Y-%m-%d").to_string(),
            start.format("%H:%M").to_string(),
            a.end.with_timezone(&tz).format("%H:%M").to_string(),
            a.service.to_string(),
            a.provider.to_string(),
            status(a).to_owned(),
            a.patron.customer.name.to_string(),
            a.patron.customer.email.to_string(),
            a.patron
                .customer
                .phone
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            a.patron.notes.to_string(),
            a.patron.language.code().to_owned(),
            a.meeting.url.clone().unwrap_or_default(),
            (a.meeting.url.is_some() && a.meeting.due.is_none()).to_string(),
            mail_state(a),
            cancelled_at,
            reason,
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Everything stored about one appointment of the patron.
fn patron_json(a: &Appointment, tz: Tz) -> serde_json::Value {
    let (cancelled_at, reason) = match &a.status {
        Status::Cancelled { at, reason } => (Some(*at), Some(reason.as_str())),
        _ => (None, None),
    };
    serde_json::json!({
        "id": a.id.to_string(),
        "service": a.service.to_string(),
        "provider": a.provider.to_string(),
        "start": a.start.with_timezone(&tz).to_rfc3339(),
        "end": a.end.with_timezone(&tz).to_rfc3339(),
        "status": status(a),
        "name": a.patron.customer.name.to_string(),
        "email": a.patron.customer.email.to_string(),
        "phone": a.patron.customer.phone.as_ref().map(ToString::to_string),
        "topic": a.patron.notes.to_string(),
        "language": a.patron.language.code(),
        "booked_at": a.created_at,
        "cancelled_at": cancelled_at,
        "cancel_reason": reason,
        "meeting_link": a.meeting.url,
        "consent": a.consent.as_ref().map(|c| serde_json::json!({
            "terms_url": c.terms_url,
            "privacy_url": c.privacy_url,
            "accepted_at": c.at,
        })),
        "kept_until": a.expires_at,
    })
}
