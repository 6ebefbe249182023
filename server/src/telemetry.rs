//! Structured logs: JSON lines in production (for a log collector), readable text in development.

use crate::config::Mode;
use tracing_subscriber::{fmt, EnvFilter};

pub fn init(mode: Mode) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    match mode {
        Mode::Production => builder.json().init(),
        Mode::Development => builder.init(),
    }
}
