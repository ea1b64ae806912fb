//! `rantevou import easyappointments`: a library's settings and future bookings brought over
//! from Easy!Appointments' REST API. A dry run first, always (the default): the proposed
//! `library.toml` written, and what would happen said line by line, nothing stored. `--apply`
//! then puts the configuration in force (the local file the service is served with, or the
//! deployed table) and brings every future appointment over through the booking write, so
//! that an overlap is refused and a second run brings nothing twice.

mod appointments;
mod client;
mod closures;
mod model;
mod plan;
mod report;
mod times;
mod toml_out;

use crate::staff_cmd::Target;
use clap::{Args, Subcommand};
use rantevou_app::{CarriedOver, Importing, Links};
use rantevou_domain::LibraryConfig;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Subcommand, Debug)]
pub enum Source {
    /// From Easy!Appointments 1.6 (its REST API v1): services, providers, working plans and
    /// their exceptions, unavailabilities, blocked periods, and the future appointments.
    Easyappointments(EaArgs),
}

#[derive(Args, Debug)]
pub struct EaArgs {
    /// Easy!Appointments' base address, e.g. https://booking.lib.example.org.
    #[arg(long)]
    url: String,
    /// An admin's user name (with --password, or EA_PASSWORD in the environment).
    #[arg(long)]
    user: Option<String>,
    /// The admin's password (EA_PASSWORD keeps it out of the shell's history).
    #[arg(long, env = "EA_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Easy!Appointments' API token instead of a user (or EA_TOKEN).
    #[arg(long, env = "EA_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Where the proposed configuration is written.
    #[arg(long, default_value = "library-from-ea.toml")]
    out: PathBuf,
    /// Where patrons will reach rantevou (the links in mail); default --public-url, or
    /// http://127.0.0.1:8080.
    #[arg(long)]
    site_url: Option<String>,
    /// Only say what would happen (the default).
    #[arg(long, conflicts_with = "apply")]
    dry_run: bool,
    /// Put the configuration in force and bring the future appointments over.
    #[arg(long)]
    apply: bool,
    /// With --apply: put this configuration in force instead of a fresh proposal (the dry
    /// run's file as you checked and edited it; its service and provider ids as proposed).
    #[arg(long = "use", value_name = "FILE", requires = "apply")]
    use_file: Option<PathBuf>,
    /// With --apply: mail each patron brought over once, "your appointment is now managed
    /// here", with its link (and, from then on, its reminders and video-call link mail).
    #[arg(long, requires = "apply")]
    notify: bool,
}

/// The credentials: the flags, else the environment.
fn auth(args: &EaArgs) -> Result<client::Auth, String> {
    if let Some(user) = &args.user {
        let password = args
            .password
            .clone()
            .filter(|p| !p.is_empty())
            .ok_or("--user needs --password, or the password in EA_PASSWORD".to_owned())?;
        return Ok(client::Auth::Basic {
            user: user.clone(),
            password,
        });
    }
    match args.token.clone().filter(|t| !t.is_empty()) {
        Some(token) => Ok(client::Auth::Token(token)),
        None => Err(
            "say how to sign in to Easy!Appointments: --user NAME with --password (or \
             EA_PASSWORD), or --token (or EA_TOKEN)"
                .into(),
        ),
    }
}

pub async fn run(source: Source, target: Target) -> Result<(), String> {
    let Source::Easyappointments(args) = source;
    let auth = auth(&args)?;
    let client = client::Client::new(&args.url, &auth)?;
    let settings = rantevou_wiring::Settings::from_env().map_err(|e| e.to_string())?;
    let clock = settings.now.map_or_else(
        rantevou_wiring::clock::system,
        rantevou_wiring::clock::pinned,
    );
    let now = clock.now();
    let base = client.base().to_owned();
    eprintln!("Reading Easy!Appointments at {base} …");
    let ea = tokio::task::spawn_blocking(move || client.read())
        .await
        .map_err(|e| format!("the reading stopped: {e}"))??;
    let site_url = args
        .site_url
        .clone()
        .or_else(|| target.public_url.clone())
        .unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let mut report = report::Report::default();
    let mapping = plan::map(&ea, now, &site_url, &mut report)?;
    let proposal = mapping.library.to_toml(&base);
    let (source, config, file) = match &args.use_file {
        Some(file) => {
            let (source, config) = crate::config_cmd::load(file)?;
            (source, config, file)
        }
        None => {
            std::fs::write(&args.out, &proposal)
                .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
            // What EA lacks (an empty address, a name) is said by the loader, key by key.
            let config = match LibraryConfig::from_toml_str(&proposal) {
                Ok(config) => config,
                Err(e) => {
                    print!("{report}");
                    return Err(format!(
                        "the proposal in {out} needs changes before it can be used: {e}; make \
                         them there, then run again with --apply --use {out}",
                        out = args.out.display()
                    ));
                }
            };
            (proposal, config, &args.out)
        }
    };
    let carried = appointments::appointments(&ea, &base, &mapping, &config, now, &mut report);
    print!("{report}");
    println!(
        "\nThe configuration is {} ({} service(s), {} provider(s)); {} future \
         appointment(s) to bring over, {} item(s) that cannot be represented.",
        if args.use_file.is_some() {
            format!("{}, as given", file.display())
        } else {
            format!("proposed in {}", file.display())
        },
        config.services.len(),
        config.providers.len(),
        carried.len(),
        report.cannot_count()
    );
    if !args.apply {
        println!(
            "Dry run: nothing was stored. Check the file (edit it if needed), then run the same \
             command with --apply --use {} (add --notify to mail each patron once).",
            file.display()
        );
        return Ok(());
    }
    let importing = importing(&target, config, &source, clock).await?;
    apply(&importing, &carried, args.notify).await
}

/// The import's use case over the target, the configuration put in force there first.
async fn importing(
    target: &Target,
    config: LibraryConfig,
    source: &str,
    clock: Arc<dyn rantevou_domain::ports::Clock>,
) -> Result<Importing, String> {
    match &target.data {
        Some(data) => {
            let public_url = config.library.site_url.clone();
            let links = Links::same_origin(&public_url).map_err(|e| e.to_string())?;
            let wiring = rantevou_wiring::local::wiring(config, data, links, clock)
                .map_err(|e| e.to_string())?;
            wiring.importing().map_err(|e| e.to_string())
        }
        None => {
            let settings = rantevou_wiring::Settings::from_env().map_err(|e| e.to_string())?;
            let deployed = crate::aws::find(target.stack.as_deref(), &settings).await?;
            let store = deployed.store();
            let version = store
                .save_config(source)
                .await
                .map_err(|e| deployed.store_error(&e))?;
            println!(
                "Configuration pushed to table {} as version {version}.",
                deployed.table
            );
            let settings = deployed.settings(&settings);
            let (wiring, _) =
                rantevou_wiring::lambda::aws_wiring(&settings, &deployed.sdk, Arc::new(store))
                    .await
                    .map_err(|e| format!("{e:?}"))?;
            wiring.importing().map_err(|e| e.to_string())
        }
    }
}

/// Brings each appointment over, saying what became of it.
async fn apply(
    importing: &Importing,
    carried: &[appointments::ToCarry],
    notify: bool,
) -> Result<(), String> {
    let (mut new, mut already, mut refused) = (0, 0, 0);
    println!("\nBringing {} appointment(s) over:", carried.len());
    for c in carried {
        match importing.carry(&c.item, notify).await {
            Ok(CarriedOver::New { appointment, .. }) => {
                new += 1;
                println!("  EA {} → {} brought over", c.ea_id, appointment.id);
            }
            Ok(CarriedOver::Already { appointment, .. }) => {
                already += 1;
                println!(
                    "  EA {} → {} already brought over: left as it is",
                    c.ea_id, appointment.id
                );
            }
            Err(rantevou_app::CarryError::Store(e)) => {
                return Err(format!(
                    "EA {}: the store failed ({e}); {new} brought over so far, nothing of this one \
                     — run the command again to continue",
                    c.ea_id
                ))
            }
            Err(why) => {
                refused += 1;
                println!("  EA {} not brought over: {why}", c.ea_id);
            }
        }
    }
    println!(
        "{new} brought over, {already} already there, {refused} refused{}.",
        if notify && new > 0 {
            "; each new one's patron was mailed the notice"
        } else {
            "; nothing was mailed"
        }
    );
    Ok(())
}
