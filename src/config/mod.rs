//! Configuration: built-in defaults, `config.toml`, `SOUK_SECTION__KEY` environment overrides and `*_FILE` secrets.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

mod net;
mod outgoing;
mod validate;
pub use net::IpNet;
pub use outgoing::{WebhooksConfig, WhatsAppConfig};
pub use validate::log_filter;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub data: DataConfig,
    pub database: DatabaseConfig,
    pub session: SessionConfig,
    pub security: SecurityConfig,
    pub mail: MailConfig,
    pub webhooks: WebhooksConfig,
    pub whatsapp: WhatsAppConfig,
    pub jobs: JobsConfig,
    pub backup: BackupConfig,
    pub uploads: UploadsConfig,
    pub orders: OrdersConfig,
    pub log: LogConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub listen: String,
    pub public_url: String,
    pub trusted_proxies: Vec<String>,
    pub max_body_kb: usize,
    pub workers: usize,
    pub shutdown_timeout_secs: u64,
    pub page_cache_mb: usize,
    /// Web origins ("https://mysite.example") whose pages may call the public JSON API from a
    /// browser; none by default. The admin API is never offered to browsers.
    pub cors_origins: Vec<String>,
    /// A second address that alone serves the admin and the admin API (a LAN address, a tunnel's
    /// loopback port); empty: the admin is on `listen`. Elsewhere `/admin` answers 404.
    pub admin_listen: String,
    /// Networks (addresses or CIDR ranges) the admin answers; empty: any. Elsewhere `/admin` is 404.
    pub admin_allow: Vec<String>,
    /// `Strict-Transport-Security: max-age` on answers over HTTPS, in seconds; 0: not sent.
    pub hsts_max_age_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            public_url: String::new(),
            trusted_proxies: Vec::new(),
            max_body_kb: 256,
            workers: 0,
            shutdown_timeout_secs: 10,
            page_cache_mb: 32,
            cors_origins: Vec::new(),
            admin_listen: String::new(),
            admin_allow: Vec::new(),
            hsts_max_age_secs: 15_552_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataConfig {
    pub dir: PathBuf,
    pub max_db_mb: u64,
}

impl Default for DataConfig {
    fn default() -> Self {
        Self { dir: PathBuf::from("./data"), max_db_mb: 0 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub busy_timeout_ms: u64,
    pub pool_size: u32,
    /// How much of the database file is read through a memory map, in MiB (0: none).
    pub mmap_mb: u64,
    /// Each connection's own page cache, in KiB.
    pub cache_kb: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self { busy_timeout_ms: 5000, pool_size: 8, mmap_mb: 256, cache_kb: 2000 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self { idle_minutes: 720, absolute_hours: 168 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    pub login_max_failures: u32,
    pub login_lock_minutes: i64,
    pub invite_hours: i64,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self { login_max_failures: 5, login_lock_minutes: 15, invite_hours: 72 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    pub smtp_url: Secret,
    pub from: String,
    pub timeout_secs: u64,
    pub max_attempts: u32,
    pub retry_base_secs: i64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: Secret::default(),
            from: String::new(),
            timeout_secs: 15,
            max_attempts: 8,
            retry_base_secs: 30,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    pub backup: String,
    pub purge: String,
    pub expire_drafts: String,
    /// Payment reminders, review requests and the seller's daily summary, as they fall due.
    pub follow_ups: String,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            backup: "0 30 3 * * *".into(),
            purge: "0 17 * * * *".into(),
            expire_drafts: "0 */5 * * * *".into(),
            follow_ups: "0 */10 * * * *".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    pub keep: usize,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self { keep: 7 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UploadsConfig {
    pub max_image_mb: usize,
    pub max_image_megapixels: u64,
}

impl Default for UploadsConfig {
    fn default() -> Self {
        Self { max_image_mb: 15, max_image_megapixels: 50 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrdersConfig {
    pub cart_days: i64,
    pub draft_hours: i64,
    /// Direct flow: pending orders not confirmed in this many hours are cancelled; 0 never.
    pub pending_hours: i64,
    pub link_days: i64,
    pub placements_per_hour: i64,
    pub duplicate_minutes: i64,
}

impl Default for OrdersConfig {
    fn default() -> Self {
        Self {
            cart_days: 30,
            draft_hours: 48,
            pending_hours: 72,
            link_days: 90,
            placements_per_hour: 10,
            duplicate_minutes: 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { level: "info".into() }
    }
}

/// A secret string: never printed by `Debug`, masked when the config is shown.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.0.is_empty() { "" } else { "***" })
    }
}

/// A configuration problem, shown to the operator as one line naming the key.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "config error: {}", self.message)
        } else {
            write!(f, "config error: {}: {}", self.key, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

fn err(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError { key: key.into(), message: message.into() }
}

impl Config {
    /// Loads defaults, then the file (if given, it must exist), then `SOUK_*` variables from `env`.
    pub fn load(path: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = path {
            if !path.is_file() {
                return Err(err("", format!("config file {} not found", path.display())));
            }
            fig = fig.merge(Toml::file_exact(path));
        }
        for (name, value) in env.into_iter().filter(|(k, _)| k.starts_with("SOUK_") && k.contains("__")) {
            let (var, from_file) = match name.strip_suffix("_FILE") {
                Some(var) => (var, true),
                None => (name.as_str(), false),
            };
            let key = var["SOUK_".len()..].to_lowercase().replace("__", ".");
            if from_file {
                let secret = std::fs::read_to_string(&value)
                    .map_err(|e| err(&key, format!("cannot read {name}={value}: {e}")))?;
                fig = fig.merge(Serialized::default(&key, secret.trim_end_matches(['\r', '\n'])));
            } else {
                // Like figment's own Env provider: "8080" becomes a number, "[..]" an array.
                let Ok(parsed) = value.parse::<figment::value::Value>();
                fig = fig.merge(Serialized::default(&key, parsed));
            }
        }
        let config: Config = fig.extract().map_err(figment_error)?;
        config.validate()?;
        Ok(config)
    }

    /// The address to listen on, or the error naming `server.listen`.
    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.server.listen.parse().map_err(|_| {
            err("server.listen", format!("{:?} is not an address like 127.0.0.1:8080", self.server.listen))
        })
    }

    pub fn db_path(&self) -> PathBuf {
        self.data.dir.join("souk.db")
    }

    pub fn backup_dir(&self) -> PathBuf {
        self.data.dir.join("backups")
    }

    /// The effective configuration as TOML, with secrets masked.
    pub fn to_masked_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot print config: {e}\n"))
    }
}

fn figment_error(e: figment::Error) -> ConfigError {
    let key = e.path.join(".");
    let source = e
        .metadata
        .as_ref()
        .map(|m| match &m.source {
            Some(src) => format!(" (in {src})"),
            None => format!(" (in {})", m.name),
        })
        .unwrap_or_default();
    ConfigError { key, message: format!("{}{source}", e.kind) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn env_overrides_and_ignores_unrelated_souk_vars() {
        let c = Config::load(
            None,
            env(&[
                ("SOUK_SERVER__LISTEN", "0.0.0.0:9000"),
                ("SOUK_BACKUP__KEEP", "3"),
                ("SOUK_REQUIRE_BROWSER", "1"),
                ("HOME", "/root"),
            ]),
        )
        .unwrap();
        assert_eq!(c.server.listen, "0.0.0.0:9000");
        assert_eq!(c.backup.keep, 3);
    }

    #[test]
    fn unknown_key_and_bad_value_name_the_key() {
        let e = Config::load(None, env(&[("SOUK_SERVER__LISTN", "x")])).unwrap_err();
        assert!(e.to_string().contains("listn"), "{e}");
        let e = Config::load(None, env(&[("SOUK_SERVER__LISTEN", "nowhere")])).unwrap_err();
        assert_eq!(e.key, "server.listen");
        let e = Config::load(None, env(&[("SOUK_BACKUP__KEEP", "many")])).unwrap_err();
        assert_eq!(e.key, "backup.keep", "{e}");
        let e = Config::load(None, env(&[("SOUK_JOBS__BACKUP", "every day")])).unwrap_err();
        assert_eq!(e.key, "jobs.backup");
    }

    #[test]
    fn secret_from_file_is_masked() {
        let dir = std::env::temp_dir().join(format!("souk-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("smtp");
        std::fs::write(&f, "smtp://user:hunter2hunter2@127.0.0.1:2525\n").unwrap();
        let c = Config::load(None, env(&[("SOUK_MAIL__SMTP_URL_FILE", f.to_str().unwrap())])).unwrap();
        assert_eq!(c.mail.smtp_url.expose(), "smtp://user:hunter2hunter2@127.0.0.1:2525");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(!c.to_masked_toml().contains("hunter2"));
    }

    #[test]
    fn shipped_config_toml_equals_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml");
        let loaded = Config::load(Some(&path), Vec::new()).unwrap();
        assert_eq!(loaded, Config::default(), "config.toml must show every key at its built-in default");
        let text = std::fs::read_to_string(&path).unwrap();
        let table: toml::Table = text.parse().unwrap();
        let defaults: toml::Table = toml::to_string(&Config::default()).unwrap().parse().unwrap();
        for (section, keys) in &defaults {
            let shipped =
                table.get(section).and_then(|s| s.as_table()).unwrap_or_else(|| panic!("[{section}] missing"));
            for key in keys.as_table().unwrap().keys() {
                assert!(shipped.contains_key(key), "config.toml lacks {section}.{key}");
            }
        }
    }
}
