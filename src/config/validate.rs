//! Checks of values that parse but make no sense.

use tokio_cron_scheduler::{Job, JobSchedulerError};

use super::{Config, ConfigError, err};

/// Whether `cron` is a schedule the scheduler accepts (six fields, seconds first).
fn check_cron(cron: &str) -> Result<(), JobSchedulerError> {
    Job::new_async(cron, |_, _| Box::pin(async {})).map(|_| ())
}

impl Config {
    /// Checks values that parse but make no sense; names the first bad key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let listen = self.listen_addr()?;
        self.trusted_proxies()?;
        self.admin_allow()?;
        if self.admin_listen_addr()?.is_some_and(|a| a == listen) {
            return Err(err("server.admin_listen", "must differ from server.listen (or be empty)"));
        }
        let url = &self.server.public_url;
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return Err(err("server.public_url", "must start with http:// or https://"));
        }
        for origin in &self.server.cors_origins {
            if !crate::domain::cors::is_origin(origin) {
                return Err(err(
                    "server.cors_origins",
                    format!("{origin:?} is not a web origin like \"https://shop.example\" (scheme and host, no path)"),
                ));
            }
        }
        if self.server.max_body_kb < 16 {
            return Err(err("server.max_body_kb", "must be at least 16"));
        }
        if self.database.pool_size < 2 {
            // A job reads through one connection while it records its run through another.
            return Err(err("database.pool_size", "must be at least 2"));
        }
        if self.database.cache_kb < 64 {
            return Err(err("database.cache_kb", "must be at least 64"));
        }
        if self.session.idle_minutes < 1 || self.session.absolute_hours < 1 {
            return Err(err("session", "idle_minutes and absolute_hours must be at least 1"));
        }
        if self.security.login_max_failures == 0 {
            return Err(err("security.login_max_failures", "must be at least 1"));
        }
        if self.security.login_lock_minutes < 1 || self.security.invite_hours < 1 {
            return Err(err("security", "login_lock_minutes and invite_hours must be at least 1"));
        }
        if !self.mail.smtp_url.is_empty() {
            lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(self.mail.smtp_url.expose())
                .map_err(|_| err("mail.smtp_url", "not a valid smtp:// or smtps:// URL"))?;
        }
        if !self.mail.from.is_empty() && self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(err("mail.from", "not a valid address like \"Shop <shop@example.com>\""));
        }
        if self.mail.max_attempts == 0 || self.mail.retry_base_secs < 1 {
            return Err(err("mail", "max_attempts and retry_base_secs must be at least 1"));
        }
        if self.whatsapp.max_attempts == 0 || self.whatsapp.retry_base_secs < 1 || self.whatsapp.timeout_secs == 0 {
            return Err(err("whatsapp", "max_attempts, retry_base_secs and timeout_secs must be at least 1"));
        }
        let api = &self.whatsapp.api_base;
        if !(api.starts_with("https://") || api.starts_with("http://")) {
            return Err(err(
                "whatsapp.api_base",
                "must start with https:// (or http:// for a stand-in on this machine)",
            ));
        }
        if self.webhooks.max_attempts == 0 || self.webhooks.retry_base_secs < 1 || self.webhooks.timeout_secs == 0 {
            return Err(err("webhooks", "max_attempts, retry_base_secs and timeout_secs must be at least 1"));
        }
        for (key, cron) in [
            ("jobs.backup", &self.jobs.backup),
            ("jobs.purge", &self.jobs.purge),
            ("jobs.expire_drafts", &self.jobs.expire_drafts),
            ("jobs.follow_ups", &self.jobs.follow_ups),
        ] {
            if !cron.is_empty() && check_cron(cron).is_err() {
                return Err(err(key, format!("{cron:?} is not a cron schedule with seconds, like \"0 30 3 * * *\"")));
            }
        }
        if !(1..=100).contains(&self.uploads.max_image_mb) || !(1..=500).contains(&self.uploads.max_image_megapixels) {
            return Err(err("uploads", "max_image_mb must be 1 to 100 and max_image_megapixels 1 to 500"));
        }
        let o = &self.orders;
        if [o.cart_days, o.draft_hours, o.link_days].iter().any(|n| *n < 1)
            || o.placements_per_hour < 0
            || o.duplicate_minutes < 0
        {
            return Err(err(
                "orders",
                "cart_days, draft_hours and link_days must be at least 1, placements_per_hour at least 0",
            ));
        }
        if self.backup.keep == 0 {
            return Err(err("backup.keep", "must be at least 1"));
        }
        if log_filter(&self.log.level).is_none() {
            return Err(err("log.level", "not a level such as info, debug or souk=debug"));
        }
        Ok(())
    }
}

/// A log filter: a level (`info`), targets with levels (`souk=debug,actix_web=warn`), or both.
/// (A target-and-level list, not `EnvFilter`'s span and field filters, which brought a second
/// regular-expression engine into the binary.)
pub fn log_filter(text: &str) -> Option<tracing_subscriber::filter::Targets> {
    const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];
    let level = |l: &str| LEVELS.contains(&l.to_ascii_lowercase().as_str());
    let target =
        |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-'));
    // `Targets` itself takes any word as a target (so "warning" would turn every line off).
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let known = |p: &&str| match p.split_once('=') {
        Some((t, l)) => target(t.trim()) && level(l.trim()),
        None => level(p),
    };
    if !parts.iter().all(known) {
        return None;
    }
    parts.iter().map(|p| p.replace(' ', "")).collect::<Vec<_>>().join(",").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::log_filter;

    #[test]
    fn a_log_filter_is_levels_and_target_levels_only() {
        for good in ["info", "WARN", "souk=debug", "info, actix_web=warn", "souk::web = trace,off", "tokio-cron=error"]
        {
            assert!(log_filter(good).is_some(), "{good}");
        }
        for bad in ["", "warning", "souk", "souk[request]=debug", "souk{id=1}=debug", "info,", "souk=loud", "=info"] {
            assert!(log_filter(bad).is_none(), "{bad}");
        }
    }
}
