//! The subcommands behind `souk`: serve, admin accounts, backup, restore, doctor.

use std::io::BufRead;
use std::path::Path;

use crate::app::{Actor, accounts};
use crate::config::Config;
use crate::db::{self, Db, backup, users};
use crate::domain::auth::{Role, hash_password, validate_account};
use crate::error::AppError;

pub fn init_logging(level: &str) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| crate::config::log_filter(&v))
        // The scheduler announces every job it creates at info; its warnings are what matter.
        .or_else(|| crate::config::log_filter(&format!("{level},tokio_cron_scheduler=warn")))
        .unwrap_or_else(|| tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO));
    // Colour only on a terminal: journald and log files get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi);
    let _ = tracing_subscriber::registry().with(fmt).with(filter).try_init();
}

/// Binds the configured address and serves until SIGTERM or SIGINT.
pub async fn serve(config: Config) -> Result<(), String> {
    let addr = config.listen_addr().map_err(|e| e.to_string())?;
    let listener = std::net::TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let running = crate::start(listener, config).await.map_err(|e| e.to_string())?;
    tracing::info!("Souk {} is serving the shop at http://{}", env!("CARGO_PKG_VERSION"), running.addr);
    if running.state.config.server.public_url.is_empty() && running.addr.ip().is_unspecified() {
        tracing::warn!(
            "server.public_url is empty: links printed here and sent by email use {}; set it to the address customers use, e.g. https://shop.example.com",
            running.state.base_url
        );
    }
    if let Some(url) = &running.setup_url {
        tracing::warn!(
            "First run: no owner account yet. Open this link within {} hour to create it (a new link is printed at each start until then): {url}",
            accounts::SETUP_HOURS
        );
    }
    running.run().await.map_err(|e| e.to_string())
}

/// Opens the database for an account command: a new one is created; an existing one must already
/// have this souk's schema (only `serve` migrates, so a running server of another version is safe).
fn open(config: &Config) -> Result<Db, String> {
    let path = config.db_path();
    if !path.is_file() {
        return Db::open_with(&path, &crate::db_options(config, 2)).map_err(|e| e.to_string());
    }
    let (db, version) = open_existing(config)?;
    if version != db::SCHEMA_VERSION {
        return Err(format!(
            "{} has schema version {version}, this souk expects {}: run `souk serve` of this version once to migrate it",
            path.display(),
            db::SCHEMA_VERSION
        ));
    }
    Ok(db)
}

fn open_existing(config: &Config) -> Result<(Db, i64), String> {
    let path = config.db_path();
    if !path.is_file() {
        return Err(format!("no database at {}", path.display()));
    }
    Db::open_existing(&path, &crate::db_options(config, 2)).map_err(|e| e.to_string())
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("New password: ")
        .map_err(|e| format!("cannot prompt for a password ({e}); use --password-stdin"))?;
    let again = rpassword::prompt_password("Again: ").map_err(|e| e.to_string())?;
    if first != again {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

pub fn admin_create(
    config: &Config,
    email: &str,
    role: Role,
    name: Option<&str>,
    from_stdin: bool,
) -> Result<(), String> {
    let name = name.map(str::to_string).unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string());
    let db = open(config)?;
    let password = read_password(from_stdin)?;
    let errors = validate_account(&name, email, &password, &password);
    if let Some((field, msg)) = errors.iter().next() {
        return Err(format!("{field}: {msg}"));
    }
    let hash = hash_password(&password);
    let (email, name) = (email.trim().to_string(), name.trim().to_string());
    db.write_blocking(|tx| {
        let user = match accounts::create_user(tx, &email, &name, role, &hash) {
            Err(e) if users::is_duplicate(&e) => {
                return Err(AppError::Conflict(format!("{email} already has an account")));
            }
            other => other?,
        };
        Actor::cli().record(tx, "user.create", &user.email, role.as_str())?;
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    println!("Created {} account {email}.", role.as_str());
    Ok(())
}

pub fn admin_reset_password(config: &Config, email: &str, from_stdin: bool) -> Result<(), String> {
    // The database is checked first, so nobody types a password for a command that cannot run.
    let db = open(config)?;
    let password = read_password(from_stdin)?;
    if let Err(msg) = accounts::check_new_password(&password, email) {
        return Err(format!("password: {msg}"));
    }
    let hash = hash_password(&password);
    db.write_blocking(|tx| accounts::set_password(tx, &Actor::cli(), email, &hash)).map_err(|e| match e {
        AppError::NotFound => format!("no account has the email {email}"),
        other => other.to_string(),
    })?;
    println!("Password changed for {email}; every session of the account was ended.");
    Ok(())
}

/// `souk admin reset-2fa`: two-factor off for an account whose phone is lost.
pub fn admin_reset_2fa(config: &Config, email: &str) -> Result<(), String> {
    let db = open(config)?;
    let found =
        db.write_blocking(|tx| crate::app::two_factor::reset(tx, email, &Actor::cli())).map_err(|e| e.to_string())?;
    if !found {
        return Err(format!("no account has the email {email}"));
    }
    println!("Two-factor sign-in is off for {email}: they sign in with the password, and can turn it on again.");
    Ok(())
}

/// `souk admin token`: prints a new API token (on stdout alone, so a script can capture it).
pub fn admin_token(config: &Config, email: &str, scope: &str, name: &str) -> Result<(), String> {
    let db = open(config)?;
    let now = chrono::Utc::now();
    let made = db
        .write_blocking(|tx| Ok(crate::app::api_tokens::create(tx, email, name, scope, &Actor::cli(), now)))
        .map_err(|e| e.to_string())?;
    match made {
        Ok(t) => {
            eprintln!("API token “{}” for {email} ({scope}). It is shown only now:", t.name);
            println!("{}", t.token);
            Ok(())
        }
        Err(crate::app::api_tokens::Refused::Invalid(errors)) => {
            Err(errors.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; "))
        }
        Err(crate::app::api_tokens::Refused::Failed(e)) => Err(e.to_string()),
    }
}

pub fn backup(config: &Config, file: &Path) -> Result<(), String> {
    let (db, version) = open_existing(config)?;
    let conn = db.conn().map_err(|e| e.to_string())?;
    backup::backup_to(&conn, file)?;
    drop(conn);
    let target = file.display().to_string();
    // The audit table's shape is known only for this souk's schema.
    if version == db::SCHEMA_VERSION {
        db.write_blocking(|tx| Ok(Actor::cli().record(tx, "backup", &target, "souk backup")?))
            .map_err(|e| e.to_string())?;
    }
    println!("Backed up {} to {target}.", config.db_path().display());
    Ok(())
}

pub fn restore(config: &Config, file: &Path) -> Result<(), String> {
    let version = backup::check_backup_file(file)?;
    let _lock = db::lock_data_dir(&config.data.dir)?;
    let kept = backup::restore(&config.db_path(), &config.backup_dir(), file)?;
    // No server runs (we hold the lock), so bringing an older backup's schema up to date is safe.
    let db = Db::open_with(&config.db_path(), &crate::db_options(config, 2)).map_err(|e| e.to_string())?;
    let detail = format!("from schema version {version}");
    let target = file.display().to_string();
    db.write_blocking(|tx| Ok(Actor::cli().record(tx, "restore", &target, &detail)?)).map_err(|e| e.to_string())?;
    println!("Restored {} from {target}.", config.db_path().display());
    if let Some(k) = kept {
        println!("The replaced database was kept at {}.", k.display());
    }
    Ok(())
}

/// Prints one line per check; fails when any check finds a problem.
pub fn doctor(config: &Config) -> Result<(), String> {
    let (db, version) = open_existing(config)?;
    let conn = db.conn().map_err(|e| e.to_string())?;
    let mut problems = 0;
    let mut report = |ok: bool, warn_only: bool, what: String| {
        let tag = if ok {
            "ok     "
        } else if warn_only {
            "warning"
        } else {
            "PROBLEM"
        };
        if !ok && !warn_only {
            problems += 1;
        }
        println!("{tag} {what}");
    };
    let q = |sql: &str| -> Result<String, String> {
        conn.query_row(sql, [], |r| r.get::<_, String>(0)).map_err(|e| e.to_string())
    };
    let integrity = q("PRAGMA integrity_check")?;
    report(integrity == "ok", false, format!("integrity check: {integrity}"));
    let fk: i64 =
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    report(fk == 0, false, format!("foreign keys: {fk} broken references"));
    let mode = q("PRAGMA journal_mode")?;
    report(mode == "wal", false, format!("journal mode: {mode}"));
    report(
        version == db::SCHEMA_VERSION,
        false,
        format!("schema version {version} (this souk: {})", db::SCHEMA_VERSION),
    );
    if version != db::SCHEMA_VERSION {
        // The checks below read tables of this souk's schema.
        return Err(format!(
            "{problems} problem(s) found; the remaining checks need schema version {}",
            db::SCHEMA_VERSION
        ));
    }
    let owner = users::owner_exists(&conn).map_err(|e| e.to_string())?;
    report(
        owner,
        true,
        if owner {
            "an owner account exists".into()
        } else {
            "no owner account: start the server and use its setup link".into()
        },
    );
    let drift = db::catalog::ledger_mismatches(&conn).map_err(|e| e.to_string())?;
    report(
        drift.is_empty(),
        false,
        match drift.first() {
            None => "stock on hand equals the stock ledger for every variant".into(),
            Some((sku, on_hand, sum)) => format!(
                "stock of {} variant(s) differs from the ledger, e.g. {sku}: {on_hand} on hand, ledger says {sum}",
                drift.len()
            ),
        },
    );
    let stale = db::catalog::card_mismatches(&conn).map_err(|e| e.to_string())?;
    report(
        stale.is_empty(),
        false,
        match stale.first() {
            None => "product cards agree with their variants and photos".into(),
            Some(slug) => format!("{} product card(s) are stale, e.g. {slug}", stale.len()),
        },
    );
    let held = db::orders::reservation_mismatches(&conn).map_err(|e| e.to_string())?;
    report(
        held.is_empty(),
        false,
        match held.first() {
            None => "reserved stock equals what unconfirmed orders hold, and nothing is oversold".into(),
            Some((sku, reserved, orders, on_hand)) => format!(
                "reservations of {} variant(s) disagree with their orders or exceed stock, e.g. {sku}: {reserved} reserved, orders hold {orders}, {on_hand} on hand",
                held.len()
            ),
        },
    );
    let figures = db::payments::payment_figures(&conn).map_err(|e| e.to_string())?;
    let off: Vec<_> = figures
        .iter()
        .filter(|f| {
            f.paid != f.received - f.refunded
                || f.status != crate::domain::payments::status(f.total, f.received, f.refunded)
        })
        .collect();
    report(
        off.is_empty(),
        false,
        match off.first() {
            None => "every order's payment status agrees with its payments and refunds".into(),
            Some(f) => format!(
                "{} order(s) disagree with their payment rows, e.g. {}: {} with {} kept, rows say {} received and {} refunded",
                off.len(),
                f.code,
                f.status.as_str(),
                f.paid,
                f.received,
                f.refunded
            ),
        },
    );
    let committed = db::desk::commitment_mismatches(&conn).map_err(|e| e.to_string())?;
    report(
        committed.is_empty(),
        false,
        match committed.first() {
            None => "confirmed orders hold no reservation, and their committed units agree with their status".into(),
            Some(code) => format!("{} order(s) hold stock in two ways at once, e.g. {code}", committed.len()),
        },
    );
    let counted = db::order_lists::count_mismatches(&conn).map_err(|e| e.to_string())?;
    report(
        counted.is_empty(),
        false,
        match counted.first() {
            None => "the order desk's counts per status agree with the orders".into(),
            Some((status, kept, n)) => format!("the desk counts {kept} {status} order(s), there are {n}"),
        },
    );
    let (figures, unlinked) = db::customers::mismatches(&conn).map_err(|e| e.to_string())?;
    report(
        figures.is_empty() && unlinked.is_empty(),
        false,
        match (figures.first(), unlinked.first()) {
            (None, None) => {
                "every order belongs to the customer of its number, and customers' figures agree with their orders"
                    .into()
            }
            (Some(phone), _) => {
                format!("{} customer(s) have figures that differ from their orders, e.g. {phone}", figures.len())
            }
            (None, Some(code)) => {
                format!("{} order(s) are not linked to the customer of their number, e.g. {code}", unlinked.len())
            }
        },
    );
    // Erased orders keep their amounts and items and their customer link (a placeholder number):
    // they pass the checks above, and are counted here so that nobody takes them for damage.
    let erased = db::privacy::erased_count(&conn).map_err(|e| e.to_string())?;
    report(true, false, format!("{erased} order(s) had their personal data erased (kept for the figures)"));
    let indexed = db::order_lists::search_index_ok(&conn).map_err(|e| e.to_string())?;
    report(
        indexed,
        false,
        if indexed {
            "the order search index agrees with the orders".into()
        } else {
            "the order search index disagrees with the orders; rebuild it: sqlite3 souk.db \"INSERT INTO order_search (order_search) VALUES ('rebuild')\"".into()
        },
    );
    let (pending, failed) = db::outbox::backlog(&conn).map_err(|e| e.to_string())?;
    report(failed == 0, true, format!("outbox: {pending} waiting, {failed} failed"));
    let age = backup::newest_age(&config.backup_dir());
    let fresh = age.is_some_and(|a| a.as_secs() < 2 * 86_400);
    report(
        fresh,
        true,
        match age {
            Some(a) => format!("newest backup is {} hours old", a.as_secs() / 3600),
            None => "no backup in the backups folder yet".into(),
        },
    );
    if problems > 0 { Err(format!("{problems} problem(s) found")) } else { Ok(()) }
}

/// `bulk`: (products, variants each) for a large shop instead of the 40-product demo. `history`:
/// orders to add, to the catalogue just made or (alone) to the shop's own.
pub fn demo(
    config: &Config,
    with_photos: bool,
    bulk: Option<(usize, usize)>,
    history: Option<crate::demo::History>,
) -> Result<(), String> {
    let db = open(config)?;
    if bulk.is_some() || history.is_none() {
        let made = db
            .write_blocking(|tx| {
                match bulk {
                    Some((products, variants)) => crate::demo::fill_bulk(tx, products, variants),
                    None => crate::demo::fill(tx, with_photos),
                }
                .map_err(AppError::Conflict)
            })
            .map_err(|e| e.to_string())?;
        println!("Added a demo catalogue of {made} products. Start the shop with `souk` and open it in a browser.");
    }
    if let Some(h) = history {
        let added = db
            .write_blocking(|tx| crate::demo::fill_orders(tx, h).map_err(AppError::Conflict))
            .map_err(|e| e.to_string())?;
        println!("Added {added} demo orders from {} customers.", h.customers.min(added));
    }
    Ok(())
}
