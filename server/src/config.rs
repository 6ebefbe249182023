//! Configuration from defaults, an optional TOML file (`PORTAL_CONFIG_FILE`) and `PORTAL_*` environment
//! variables, in that order. Secrets are wrapped so they never reach a log line.

use app::domain::workflow::TimeLimits;
use serde::Deserialize;
use std::{fmt, net::SocketAddr, path::PathBuf};

/// Development-only secret values; production refuses to start with them.
const DEV_SESSION_SECRET: &str = "development-only-session-secret-not-for-production";
const DEV_DATA_KEY: &str = "development-only-data-key-not-for-production";
const DEV_AUDIT_ANCHOR_KEY: &str = "development-only-audit-anchor-key-not-for-production";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Development,
    Production,
}

/// A value that must not be printed: `Debug` shows only that it is set.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub mode: Mode,
    pub listen_addr: SocketAddr,
    /// `sqlite://…` (embedded default) or `postgres://…`.
    pub database_url: String,
    /// Where the SQLite file and uploaded documents live.
    pub data_dir: PathBuf,
    /// Signs session tokens.
    pub session_secret: Secret,
    /// Seals personal data and uploaded files; also keys the lookup hashes unless `lookup_key` is set.
    pub data_key: Secret,
    /// During a key rotation (`server rotate-data-key`): the key being replaced, still accepted for
    /// opening what it sealed.
    pub previous_data_key: Option<Secret>,
    /// Keys the hashes of personal identifiers (phone numbers, ID numbers) and of SMS codes. Those hashes
    /// cannot be recomputed (the values are not kept in the clear), so this key never rotates: once the
    /// data key changes it must be set to the key the lookups were made with, the first data key.
    pub lookup_key: Option<Secret>,
    /// Signs the audit anchors (copies of the audit chain's head); kept apart from the database and from
    /// the other keys, so that whoever can write the database cannot forge an anchor.
    pub audit_anchor_key: Secret,
    /// How often each instance anchors the audit chain's head (when it moved).
    pub audit_anchor_seconds: u64,
    /// How often each instance deletes uploaded files nothing refers to (`uploads::sweep`).
    pub file_sweep_seconds: u64,
    /// The SMS gateway: HTTP POST of JSON to this URL. Unset in development: codes go to the log.
    pub sms_gateway_url: Option<String>,
    pub sms_gateway_token: Option<Secret>,
    /// Development only: also append every message (number and text) to this file, so that local
    /// browser tests can read the code.
    pub sms_dev_outbox_file: Option<PathBuf>,
    /// The gateway's template id for verification codes.
    pub sms_code_template: String,
    /// The gateway's template id for 代办 consent codes (params `code`, `helper`).
    pub sms_proxy_template: String,
    /// Per-IP budget for requesting SMS codes: a burst, refilled one every `sms_ip_refill_seconds`.
    pub sms_ip_burst: u32,
    pub sms_ip_refill_seconds: u64,
    /// Per-IP request budget: a burst, refilled at one request per `rate_limit_refill_ms`.
    pub rate_limit_burst: u32,
    pub rate_limit_refill_ms: u64,
    /// The TLS proxies in front of the server, comma separated (addresses or networks such as
    /// `10.0.0.0/8`): only connections from these may name the client in `Forwarded` or
    /// `X-Forwarded-For`. Empty: every connection is the client itself.
    pub trusted_proxies: String,
    /// Set `Secure` on cookies (on by default outside development).
    pub secure_cookies: bool,
    /// Share of cases (percent) the county draws for a re-check home visit.
    pub recheck_share_percent: u32,
    /// Pages of the public recipient list one IP address may load per minute.
    pub list_pages_per_minute: u32,
    /// Fraud reports one IP address may file per hour (counted in memory only).
    pub reports_per_hour: u32,
    /// Uploads are refused while less than this much disk space (MiB) would stay free.
    pub min_free_disk_mb: u64,
    /// Objections one client may file per hour (counted in memory only, like reports).
    pub objections_per_hour: u32,
    /// Objections one notice entry takes in 24 hours from everyone together; more are refused.
    pub objections_per_entry_per_day: u32,
    /// Receipt codes one IP address may try per 15 minutes (reports and their receipts).
    pub receipt_checks_per_quarter_hour: u32,
    /// How often queued status messages are sent.
    pub sms_worker_interval_ms: u64,
    /// The gateway's template id for status updates.
    pub sms_status_template: String,
    /// Application drafts untouched for this many days are deleted.
    pub draft_retention_days: u32,
    /// Working-day limits per kind of assistance (`[time_limits]` in the TOML file).
    pub time_limits: TimeLimits,
    /// Review periods, phase-out limit and the cost of working deducted from income (`[review_rules]`;
    /// the defaults are placeholders each county replaces).
    pub review_rules: app::domain::register::ReviewRules,
    /// 先行救助: the township's limit and the working days to complete the file (`[emergency]`;
    /// placeholders like the review periods).
    pub emergency: app::domain::emergency::EmergencyRules,
    /// Thresholds and visit deadlines of the monitoring's warnings (`[warning_rules]`; placeholders).
    pub warning_rules: app::domain::monitoring::WarningRules,
    /// Calls a department's credential may make per minute (per instance: a department's system is one
    /// client, and several instances only multiply an already small budget).
    pub api_calls_per_minute: u32,
    /// How often the published statistics are recomputed; 0 computes them on every request (tests,
    /// small development databases).
    pub statistics_refresh_seconds: u64,
    /// Requests served at once; more are answered 503 at once rather than queued.
    pub max_concurrent_requests: usize,
    /// A request still unanswered after this long is answered 503.
    pub request_timeout_seconds: u64,
    /// A connection that has not sent a whole request head within this long is closed: one idle between
    /// requests, or a client sending its head slowly to hold connections open.
    pub connection_idle_seconds: u64,
    /// Threads that serve connections, each with a runtime of its own (`serving.rs`; SQLite only, the
    /// README says when it pays); 0 serves them on the shared runtime.
    pub serving_threads: usize,
    /// How long a rendered public page is served from memory (`web::page_cache`); 0 renders every time.
    pub page_cache_seconds: u64,
    /// Public and status pages rendered at once (those the page cache keeps, when it is on); more wait
    /// their turn in arrival order. 0: twice the cores with SQLite, no bound with PostgreSQL.
    pub concurrent_renders: usize,
    /// A TrueType font with Chinese glyphs for the PDFs and the receipt image (Debian's
    /// fonts-wqy-microhei by default); without it those files answer 503 and the rest serves on.
    pub document_font: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Development,
            listen_addr: "127.0.0.1:3000".parse().expect("valid literal address"),
            database_url: "sqlite://data/portal.db".into(),
            data_dir: PathBuf::from("data"),
            session_secret: Secret::new(DEV_SESSION_SECRET),
            data_key: Secret::new(DEV_DATA_KEY),
            previous_data_key: None,
            lookup_key: None,
            audit_anchor_key: Secret::new(DEV_AUDIT_ANCHOR_KEY),
            audit_anchor_seconds: 3600,
            file_sweep_seconds: 3600,
            sms_gateway_url: None,
            sms_gateway_token: None,
            sms_dev_outbox_file: None,
            sms_code_template: "SMS_VERIFICATION_CODE".into(),
            sms_proxy_template: "SMS_PROXY_CONSENT".into(),
            sms_ip_burst: 10,
            sms_ip_refill_seconds: 60,
            rate_limit_burst: 120,
            rate_limit_refill_ms: 100,
            trusted_proxies: String::new(),
            secure_cookies: false,
            draft_retention_days: 30,
            sms_worker_interval_ms: 2000,
            list_pages_per_minute: 20,
            reports_per_hour: 5,
            objections_per_hour: 5,
            min_free_disk_mb: 1024,
            objections_per_entry_per_day: 10,
            receipt_checks_per_quarter_hour: 10,
            recheck_share_percent: 10,
            sms_status_template: "SMS_STATUS_UPDATE".into(),
            time_limits: TimeLimits::default(),
            review_rules: app::domain::register::ReviewRules::default(),
            emergency: app::domain::emergency::EmergencyRules::default(),
            warning_rules: app::domain::monitoring::WarningRules::default(),
            api_calls_per_minute: 120,
            statistics_refresh_seconds: 300,
            max_concurrent_requests: 512,
            request_timeout_seconds: 30,
            connection_idle_seconds: 30,
            serving_threads: 0,
            page_cache_seconds: 5,
            concurrent_renders: 0,
            document_font: PathBuf::from("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    File { path: String, source: std::io::Error },
    #[error("invalid configuration: {0}")]
    Invalid(String),
    #[error("refusing to start in production mode: {0}")]
    UnsafeForProduction(String),
    #[error(
        "refusing to serve {0} in development mode: its secrets are public and SMS codes go to the log, so it \
         answers this machine only (127.0.0.1 or ::1). To serve others, set PORTAL_MODE=production with \
         PORTAL_SESSION_SECRET, PORTAL_DATA_KEY, PORTAL_SMS_GATEWAY_URL and PORTAL_SECURE_COOKIES=true \
         (README, Configuration)"
    )]
    DevelopmentBeyondLoopback(std::net::SocketAddr),
}

impl Config {
    /// Whether the database is SQLite (the settings that hold for one back end only ask this).
    pub fn uses_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// How many pages are rendered at once (0: no bound). SQLite reads take microseconds, so a render
    /// is work for a core: two a core keep the cores busy while some wait for a read. PostgreSQL's reads
    /// cross the network, and a bound by cores would leave the machine idle while they travel.
    pub fn render_places(&self) -> usize {
        match self.concurrent_renders {
            0 if self.uses_sqlite() => 2 * std::thread::available_parallelism().map_or(1, |n| n.get()),
            set => set,
        }
    }

    /// The key of the lookup hashes: the data key until a rotation sets it apart.
    pub fn lookup_key(&self) -> &str {
        self.lookup_key.as_ref().unwrap_or(&self.data_key).expose()
    }

    /// Seals with the data key, opens with it or the previous one.
    pub fn sealer(&self) -> app::sealing::Sealer {
        let previous: Vec<&str> = self.previous_data_key.iter().map(Secret::expose).collect();
        app::sealing::Sealer::with_previous(self.data_key.expose(), &previous)
    }

    /// The proxies allowed to name the client (checked when the configuration was loaded).
    pub fn trusted_proxies(&self) -> crate::web::client::TrustedProxies {
        let networks = crate::web::client::parse_networks(&self.trusted_proxies).unwrap_or_default();
        crate::web::client::TrustedProxies::new(networks)
    }

    /// Loads from the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        Self::from_environment(std::env::vars())
    }

    /// Loads with `vars` as the environment, so that tests need not touch the process environment.
    /// Every `PORTAL_<SETTING>` variable sets the setting of that name in lower case (the README's
    /// table); `DATABASE_URL` is read too, as hosting platforms set it. The `config` crate layers them and
    /// turns their text into numbers, booleans and addresses as each field asks.
    pub fn from_environment(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let mut settings = std::collections::HashMap::new();
        let mut database_url = None;
        for (name, value) in vars {
            if name == "DATABASE_URL" {
                database_url = Some(value);
            } else if name.starts_with(ENV_PREFIX) && !NOT_SETTINGS.contains(&name.as_str()) {
                settings.insert(name, value);
            }
        }
        if let Some(url) = database_url {
            settings.entry("PORTAL_DATABASE_URL".to_string()).or_insert(url);
        }
        let file = settings.remove("PORTAL_CONFIG_FILE");
        let mut layers = ::config::Config::builder();
        if let Some(path) = file {
            if let Err(source) = std::fs::metadata(&path) {
                return Err(ConfigError::File { path, source });
            }
            layers = layers.add_source(::config::File::new(&path, ::config::FileFormat::Toml));
        }
        let environment = ::config::Environment::with_prefix("PORTAL").source(Some(settings));
        let layered = layers.add_source(environment).build().map_err(invalid)?;
        let secure_cookies_set = layered.get::<bool>("secure_cookies").is_ok();
        let mut config: Config = layered.try_deserialize().map_err(invalid)?;
        if !secure_cookies_set {
            config.secure_cookies = config.mode == Mode::Production;
        }
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        self.check_limits()?;
        crate::web::client::parse_networks(&self.trusted_proxies)
            .map_err(|e| ConfigError::Invalid(format!("trusted_proxies: {e}")))?;
        if self.previous_data_key.is_some() && self.lookup_key.is_none() {
            return Err(ConfigError::Invalid(
                "PORTAL_PREVIOUS_DATA_KEY is set: set PORTAL_LOOKUP_KEY to the key the lookups were made with \
                 (the first data key), or phone and ID numbers stop being found"
                    .into(),
            ));
        }
        if self.mode == Mode::Development && !self.listen_addr.ip().is_loopback() {
            return Err(ConfigError::DevelopmentBeyondLoopback(self.listen_addr));
        }
        if self.mode == Mode::Production {
            self.check_production()?;
        }
        Ok(())
    }

    /// Budgets, periods and time limits: none may be zero, percentages at most 100.
    fn check_limits(&self) -> Result<(), ConfigError> {
        if self.rate_limit_burst == 0
            || self.rate_limit_refill_ms == 0
            || self.sms_ip_burst == 0
            || self.sms_ip_refill_seconds == 0
        {
            return Err(ConfigError::Invalid("rate limits must be positive".into()));
        }
        if self.draft_retention_days == 0
            || self.max_concurrent_requests == 0
            || self.request_timeout_seconds == 0
            || self.connection_idle_seconds == 0
            || self.sms_worker_interval_ms == 0
            || self.audit_anchor_seconds == 0
            || self.file_sweep_seconds == 0
            || self.list_pages_per_minute == 0
            || self.reports_per_hour == 0
            || self.objections_per_hour == 0
            || self.objections_per_entry_per_day == 0
            || self.receipt_checks_per_quarter_hour == 0
            || self.api_calls_per_minute == 0
            || self.time_limits.acceptance == 0
            || self.time_limits.notice_days == 0
        {
            return Err(ConfigError::Invalid("retention and time limits must be positive".into()));
        }
        let review = &self.review_rules;
        if review.basic_living_months == 0
            || review.identification_months == 0
            || review.phase_out_max_months == 0
            || review.employment_cost_share_percent > 100
        {
            return Err(ConfigError::Invalid(
                "review periods and the phase-out limit must be positive, the cost of working a percentage"
                    .into(),
            ));
        }
        let emergency = &self.emergency;
        if emergency.township_limit_months_of_standard == 0 || emergency.working_days_to_complete_file == 0 {
            return Err(ConfigError::Invalid(
                "the emergency limit and the working days to complete the file must be positive".into(),
            ));
        }
        if self.recheck_share_percent > 100 {
            return Err(ConfigError::Invalid("the re-check share is a percentage (0 to 100)".into()));
        }
        Ok(())
    }

    /// Production refuses the development secrets and the development message outbox.
    fn check_production(&self) -> Result<(), ConfigError> {
        let secret = self.session_secret.expose();
        if secret == DEV_SESSION_SECRET || secret.len() < 32 {
            return Err(ConfigError::UnsafeForProduction(
                "PORTAL_SESSION_SECRET must be set to a random value of at least 32 characters".into(),
            ));
        }
        let key = self.data_key.expose();
        if key == DEV_DATA_KEY || key.len() < 32 {
            return Err(ConfigError::UnsafeForProduction(
                "PORTAL_DATA_KEY must be set to a random value of at least 32 characters".into(),
            ));
        }
        let anchor = self.audit_anchor_key.expose();
        if anchor == DEV_AUDIT_ANCHOR_KEY || anchor.len() < 32 || anchor == key || anchor == secret {
            return Err(ConfigError::UnsafeForProduction(
                "PORTAL_AUDIT_ANCHOR_KEY must be set to a random value of at least 32 characters, different \
                 from the other secrets"
                    .into(),
            ));
        }
        if self.sms_dev_outbox_file.is_some() {
            return Err(ConfigError::UnsafeForProduction(
                "PORTAL_SMS_DEV_OUTBOX_FILE writes messages to disk and is for development only".into(),
            ));
        }
        if self.sms_gateway_url.is_none() {
            return Err(ConfigError::UnsafeForProduction(
                "PORTAL_SMS_GATEWAY_URL must be set: without it codes are only written to the log".into(),
            ));
        }
        if !self.secure_cookies {
            return Err(ConfigError::UnsafeForProduction("cookies must be Secure in production".into()));
        }
        Ok(())
    }
}

const ENV_PREFIX: &str = "PORTAL_";

/// `PORTAL_` variables that are not settings: the file to read, and those of the scripts and the operator's
/// commands. Any other unknown `PORTAL_` variable is refused at start, like an unknown key in the file (a
/// misspelt setting must not be ignored).
const NOT_SETTINGS: [&str; 2] = ["PORTAL_TOOLS_DIR", "PORTAL_NEW_STAFF_PASSWORD"];

fn invalid(e: ::config::ConfigError) -> ConfigError {
    ConfigError::Invalid(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_environment(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn connections_are_served_on_the_shared_runtime_unless_threads_are_set() {
        assert_eq!(load(&[]).unwrap().serving_threads, 0);
        assert_eq!(load(&[("PORTAL_SERVING_THREADS", "3")]).unwrap().serving_threads, 3);
        assert!(load(&[("PORTAL_SERVING_THREADS", "many")]).is_err());
    }

    #[test]
    fn renders_at_once_follow_the_cores_with_sqlite_unless_set() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(load(&[]).unwrap().render_places(), 2 * cores);
        assert_eq!(load(&[("DATABASE_URL", "postgres://portal@db/portal")]).unwrap().render_places(), 0);
        let set = [("DATABASE_URL", "postgres://portal@db/portal"), ("PORTAL_CONCURRENT_RENDERS", "6")];
        assert_eq!(load(&set).unwrap().render_places(), 6);
    }

    #[test]
    fn defaults_are_a_safe_development_setup() {
        let config = load(&[]).unwrap();
        assert_eq!(config.mode, Mode::Development);
        assert!(config.database_url.starts_with("sqlite://"));
        assert_eq!(config.listen_addr.to_string(), "127.0.0.1:3000");
        assert!(!config.secure_cookies);
    }

    #[test]
    fn environment_overrides_defaults() {
        let config = load(&[
            ("DATABASE_URL", "postgres://localhost/portal"),
            ("PORTAL_RATE_LIMIT_BURST", "5"),
            ("PORTAL_LISTEN_ADDR", "127.0.0.1:8080"),
        ])
        .unwrap();
        assert_eq!(config.database_url, "postgres://localhost/portal");
        assert_eq!(config.rate_limit_burst, 5);
        assert_eq!(config.listen_addr.port(), 8080);
    }

    #[test]
    fn the_file_sets_the_register_and_emergency_rules_and_refuses_a_zero_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("portal.toml");
        let file = path.to_str().unwrap();
        let rules =
            "[review_rules]\nphase_out_max_months = 3\n[emergency]\ntownship_limit_months_of_standard = 2\n";
        std::fs::write(&path, rules).unwrap();
        let config = load(&[("PORTAL_CONFIG_FILE", file)]).unwrap();
        assert_eq!(config.review_rules.phase_out_max_months, 3);
        assert_eq!(config.emergency.township_limit_months_of_standard, 2);
        assert_eq!(config.emergency.working_days_to_complete_file, 10, "unset keys keep their defaults");
        std::fs::write(&path, "[emergency]\nworking_days_to_complete_file = 0\n").unwrap();
        assert!(matches!(load(&[("PORTAL_CONFIG_FILE", file)]), Err(ConfigError::Invalid(_))));
    }

    #[test]
    fn development_mode_answers_this_machine_only() {
        for address in ["0.0.0.0:3000", "[::]:3000", "192.168.1.20:3000"] {
            let refused = load(&[("PORTAL_LISTEN_ADDR", address)]).unwrap_err();
            assert!(matches!(refused, ConfigError::DevelopmentBeyondLoopback(_)), "{address}");
            assert!(refused.to_string().contains("PORTAL_MODE=production"), "the message says what to do");
        }
        for address in ["127.0.0.1:3000", "[::1]:3000"] {
            assert!(load(&[("PORTAL_LISTEN_ADDR", address)]).is_ok(), "{address}");
        }
    }

    #[test]
    fn production_refuses_development_secrets() {
        let err = load(&[("PORTAL_MODE", "production")]).unwrap_err();
        assert!(matches!(err, ConfigError::UnsafeForProduction(_)));
        let no_anchor_key = load(&[
            ("PORTAL_MODE", "production"),
            ("PORTAL_SESSION_SECRET", &"k".repeat(40)),
            ("PORTAL_DATA_KEY", &"d".repeat(40)),
            ("PORTAL_AUDIT_ANCHOR_KEY", &"d".repeat(40)),
        ]);
        assert!(matches!(no_anchor_key, Err(ConfigError::UnsafeForProduction(m)) if m.contains("ANCHOR")));
        let no_gateway = load(&[
            ("PORTAL_MODE", "production"),
            ("PORTAL_SESSION_SECRET", &"k".repeat(40)),
            ("PORTAL_DATA_KEY", &"d".repeat(40)),
            ("PORTAL_AUDIT_ANCHOR_KEY", &"a".repeat(40)),
        ]);
        assert!(matches!(no_gateway, Err(ConfigError::UnsafeForProduction(m)) if m.contains("SMS")));
        let ok = load(&[
            ("PORTAL_MODE", "production"),
            ("PORTAL_SESSION_SECRET", &"k".repeat(40)),
            ("PORTAL_DATA_KEY", &"d".repeat(40)),
            ("PORTAL_AUDIT_ANCHOR_KEY", &"a".repeat(40)),
            ("PORTAL_SMS_GATEWAY_URL", "https://sms.example.gov.cn/send"),
        ])
        .unwrap();
        assert!(ok.secure_cookies, "production turns Secure cookies on by default");
    }

    #[test]
    fn a_rotation_keeps_the_lookup_key_apart_from_the_new_data_key() {
        let previous = ("PORTAL_PREVIOUS_DATA_KEY", "the first key");
        let err = load(&[("PORTAL_DATA_KEY", "the second key"), previous]).unwrap_err();
        assert!(err.to_string().contains("PORTAL_LOOKUP_KEY"), "{err}");
        let config =
            load(&[("PORTAL_DATA_KEY", "the second key"), previous, ("PORTAL_LOOKUP_KEY", "the first key")]);
        assert_eq!(config.unwrap().lookup_key(), "the first key");
        assert_eq!(
            load(&[("PORTAL_DATA_KEY", "one key")]).unwrap().lookup_key(),
            "one key",
            "one key for both"
        );
    }

    #[test]
    fn secrets_are_not_printed() {
        let config = load(&[("PORTAL_SESSION_SECRET", "super-secret-value-1234567890")]).unwrap();
        let printed = format!("{config:?}");
        assert!(!printed.contains("super-secret-value"));
        assert!(printed.contains("Secret(***)"));
    }

    #[test]
    fn a_bad_number_is_reported_by_name() {
        let err = load(&[("PORTAL_RATE_LIMIT_BURST", "lots")]).unwrap_err().to_string();
        assert!(err.contains("rate_limit_burst") && err.contains("lots"), "{err}");
    }

    #[test]
    fn a_misspelt_setting_is_refused_and_a_numeric_secret_stays_text() {
        let err = load(&[("PORTAL_RATE_LIMT_BURST", "5")]).unwrap_err().to_string();
        assert!(err.contains("rate_limt_burst"), "{err}");
        assert!(
            load(&[("PORTAL_TOOLS_DIR", "/opt/tools")]).is_ok(),
            "the scripts' own variables are not settings"
        );
        let config =
            load(&[("PORTAL_SMS_GATEWAY_TOKEN", "123456"), ("PORTAL_SMS_CODE_TEMPLATE", "10001")]).unwrap();
        assert_eq!(config.sms_gateway_token.unwrap().expose(), "123456");
        assert_eq!(config.sms_code_template, "10001");
    }

    #[test]
    fn the_environment_overrides_the_file_and_a_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("portal.toml");
        std::fs::write(&path, "rate_limit_burst = 7\npage_cache_seconds = 9\n").unwrap();
        let file = path.to_str().unwrap();
        let config = load(&[("PORTAL_CONFIG_FILE", file), ("PORTAL_RATE_LIMIT_BURST", "8")]).unwrap();
        assert_eq!((config.rate_limit_burst, config.page_cache_seconds), (8, 9));
        let missing = load(&[("PORTAL_CONFIG_FILE", "/nowhere/portal.toml")]).unwrap_err();
        assert!(matches!(missing, ConfigError::File { .. }), "{missing}");
    }
}
