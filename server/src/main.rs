//! `server` starts the portal. Configuration comes from `PORTAL_*` variables (see README.md); the Leptos
//! site settings come from the workspace Cargo.toml or the `LEPTOS_*` variables cargo-leptos sets.

use anyhow::Context;
use app::services::SystemClock;
use server::startup::{Application, Outside};
use server::{backup, cli, config::Config, telemetry};
use std::sync::Arc;

/// mimalloc rather than glibc's malloc: see server/Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::load()?;
    telemetry::init(config.mode);
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(config).await,
        Some(command @ ("create-admin" | "create-staff")) => {
            let staff = cli::parse_staff_command(command == "create-admin", &args[1..])
                .map_err(|e| anyhow::anyhow!("{e}\n\n{}", cli::USAGE))?;
            cli::create_staff(&config.database_url, staff).await
        }
        Some("verify-audit") => {
            match cli::verify_audit(&config.database_url, config.audit_anchor_key.expose()).await {
                Ok(entries) => {
                    println!("audit log intact: {entries} entries");
                    Ok(())
                }
                Err(e) => {
                    eprintln!("AUDIT LOG BROKEN: {e}");
                    std::process::exit(1);
                }
            }
        }
        Some("backup") => {
            let to =
                cli::flag_value(&args[1..], "--to").map_err(|e| anyhow::anyhow!("{e}\n\n{}", cli::USAGE))?;
            let manifest = backup::backup(&config.database_url, &config.data_dir, to.as_ref()).await?;
            println!("backup in {to}: {} files ({} database)", manifest.files.len(), manifest.database);
            Ok(())
        }
        Some("restore") => {
            let from = cli::flag_value(&args[1..], "--from")
                .map_err(|e| anyhow::anyhow!("{e}\n\n{}", cli::USAGE))?;
            let manifest = backup::restore(&config.database_url, &config.data_dir, from.as_ref())?;
            let entries = cli::verify_audit(&config.database_url, config.audit_anchor_key.expose()).await?;
            println!(
                "restored {} files from {from}; audit log intact: {entries} entries",
                manifest.files.len()
            );
            Ok(())
        }
        Some("rotate-data-key") => rotate_data_key(config).await,
        Some(_) => {
            eprintln!("{}", cli::USAGE);
            std::process::exit(2);
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let leptos_options = leptos::prelude::get_configuration(None)
        .context("reading the Leptos site configuration")?
        .leptos_options;
    tracing::info!(mode = ?config.mode, database = %database_kind(&config.database_url), "starting");

    let outside = Outside { sms: server::sms::from_config(&config), clock: Arc::new(SystemClock) };
    let app = Application::build(config, leptos_options, outside).await?;
    tracing::info!("serving on http://{}", app.local_addr());
    app.run_until(shutdown_signal()).await;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Exit status 1 while anything opens with none of the keys: the previous key cannot be dropped yet.
async fn rotate_data_key(config: Config) -> anyhow::Result<()> {
    let store = server::store::open(&config.database_url).await?;
    let evidence = config.data_dir.join("evidence");
    let rotation = server::key_rotation::rotate(store.as_ref(), &config.sealer(), &evidence).await?;
    store.close().await;
    println!("sealed again under the current key: {} values, {} files", rotation.values, rotation.files);
    if rotation.unreadable.is_empty() {
        println!("everything is under the current key: PORTAL_PREVIOUS_DATA_KEY can be removed");
        return Ok(());
    }
    for what in &rotation.unreadable {
        eprintln!("opens with no configured key: {what}");
    }
    std::process::exit(1);
}

/// The URL may carry a password: log only which engine it names.
fn database_kind(url: &str) -> &str {
    url.split(':').next().unwrap_or("unknown")
}

/// Ctrl-C in a terminal, SIGTERM from a service manager.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing requests in flight");
}
