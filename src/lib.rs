//! Souk: a whole small shop in one binary. `start` is the one boot path for `main` and the tests.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod images;
pub mod jobs;
pub mod mail;
pub mod views;
pub mod web;
pub mod webhooks;
pub mod whatsapp;

use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, RwLock};

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer};
use tokio::sync::{Notify, watch};
use tokio_cron_scheduler::JobScheduler;

use crate::config::{Config, IpNet};
use crate::db::Db;
use crate::domain::shop::ShopSettings;

/// Everything a request handler or job needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    shop: Arc<RwLock<ShopSettings>>,
    pub csrf_key: Arc<Vec<u8>>,
    /// The key order links are derived from for placements with a one-time key (`app::orders`).
    pub link_key: Arc<Vec<u8>>,
    pub mail_wake: Arc<Notify>,
    pub heartbeat: Arc<AtomicI64>,
    pub proxies: Arc<Vec<IpNet>>,
    /// The admin's own listener (`server.admin_listen`), when it has one: elsewhere `/admin` is 404.
    pub admin_addr: Option<SocketAddr>,
    /// The networks the admin answers (`server.admin_allow`); empty: any.
    pub admin_allow: Arc<Vec<IpNet>>,
    pub base_url: Arc<String>,
    /// CPU-heavy work (password hashing: 19 MiB for tens of milliseconds; resizing photos): one per core at a time.
    pub cpu: Arc<tokio::sync::Semaphore>,
    /// Rendered storefront pages (`web::page_cache`).
    pub pages: Arc<web::page_cache::PageCache>,
    /// The time every storefront rule goes by (drops, carts, links); tests move it forward.
    pub clock: domain::clock::Clock,
    /// Checkout forms that placed nothing, kept for the page they redirect to (issue 11).
    pub checkout_forms: Arc<web::form_stash::FormStash>,
    /// The dashboard's figures until the orders change (`web::admin::dashboard::Cache`).
    pub dashboard: Arc<web::admin::dashboard::Cache>,
    /// Admin API reads counted for the audit log, written once a second (`app::api_tokens::ReadTally`).
    pub api_reads: Arc<app::api_tokens::ReadTally>,
    /// The storefront's search index, built at the first search (`app::search`).
    pub search: Arc<app::search::Searcher>,
}

impl AppState {
    /// The shop profile, kept in memory so every page renders it without a query.
    pub fn shop(&self) -> ShopSettings {
        self.shop.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces the in-memory profile after the database row changed.
    pub fn set_shop(&self, s: ShopSettings) {
        *self.shop.write().unwrap_or_else(|p| p.into_inner()) = s;
    }

    /// What placing an order needs of the running shop.
    pub fn order_env(&self) -> app::orders::Env {
        app::orders::Env { cfg: self.config.orders.clone(), link_key: self.link_key.clone(), clock: self.clock.clone() }
    }

    /// Why mail cannot be sent right now; `None` when it is configured.
    pub fn mail_problem(&self) -> Option<&'static str> {
        mail::not_configured_reason(&self.config.mail, &self.shop())
    }

    /// Wakes the mail sender; call after committing a transaction that queued mail.
    pub fn wake_mailer(&self) {
        self.mail_wake.notify_one();
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    DataDir(String),
    #[error(transparent)]
    Open(#[from] db::OpenError),
    #[error("database: {0}")]
    Db(#[from] error::AppError),
    #[error("scheduler: {0}")]
    Scheduler(#[from] tokio_cron_scheduler::JobSchedulerError),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
}

/// A started shop: the HTTP server, the scheduler, the mail sender and the webhook sender.
pub struct Running {
    pub addr: SocketAddr,
    /// The first-run setup link, while no owner account exists.
    pub setup_url: Option<String>,
    pub state: AppState,
    server: Server,
    scheduler: JobScheduler,
    shutdown: watch::Sender<bool>,
    sender: tokio::task::JoinHandle<()>,
    hooks: tokio::task::JoinHandle<()>,
    whatsapp: tokio::task::JoinHandle<()>,
    reads: tokio::task::JoinHandle<()>,
    _lock: std::fs::File,
}

impl Running {
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the server stops (SIGTERM/SIGINT or `handle().stop()`), then stops the background work.
    pub async fn run(mut self) -> std::io::Result<()> {
        let served = self.server.await;
        let _ = self.shutdown.send(true);
        let _ = self.scheduler.shutdown().await;
        let _ = self.sender.await;
        let _ = self.hooks.await;
        let _ = self.whatsapp.await;
        let _ = self.reads.await;
        tracing::info!("stopped");
        served
    }
}

/// Opens the data folder and database, starts the scheduler and mail sender, and binds the server.
/// The database options the config names, with `pool_size` connections (the CLI needs two).
pub fn db_options(config: &Config, pool_size: u32) -> db::Options {
    let d = &config.database;
    db::Options {
        busy_timeout_ms: d.busy_timeout_ms,
        max_db_mb: config.data.max_db_mb,
        pool_size,
        mmap_mb: d.mmap_mb,
        cache_kb: d.cache_kb,
    }
}

pub async fn start(listener: TcpListener, config: Config) -> Result<Running, StartError> {
    config.validate()?;
    let lock = db::lock_data_dir(&config.data.dir).map_err(StartError::DataDir)?;
    let db = Db::open_with(&config.db_path(), &db_options(&config, config.database.pool_size))?;
    let (shop, csrf_key, link_key, setup_token) = db
        .write(|tx| {
            db::jobs::close_interrupted(tx, &db::now())?;
            Ok((
                db::settings::get(tx)?,
                db::settings::server_key(tx, "csrf")?,
                db::settings::server_key(tx, "order-links")?,
                app::accounts::issue_setup_token(tx)?,
            ))
        })
        .await?;
    // The phone rules are read, and the shop's country's patterns compiled, on first use: do it
    // before the first checkout.
    let cc = shop.country_calling_code.clone();
    std::thread::spawn(move || domain::phone::normalize_phone(&domain::phone::example_phone(&cc), &cc));
    let addr = listener.local_addr()?;
    let base_url = match config.server.public_url.trim_end_matches('/') {
        "" => format!("http://{addr}"),
        url => url.to_string(),
    };
    let admin_listener = match config.admin_listen_addr()? {
        Some(a) => Some(TcpListener::bind(a).map_err(|e| {
            StartError::Io(std::io::Error::new(e.kind(), format!("cannot listen on {a} (server.admin_listen): {e}")))
        })?),
        None => None,
    };
    let admin_addr = admin_listener.as_ref().map(|l| l.local_addr()).transpose()?;
    // The setup link opens the admin: on its own address when it has one.
    let admin_base = admin_addr.map_or_else(|| base_url.clone(), |a| format!("http://{a}"));
    let setup_url = setup_token.map(|t| format!("{admin_base}/admin/setup?token={t}"));
    let pages = Arc::new(web::page_cache::PageCache::open(db.path(), config.server.page_cache_mb));
    let state = AppState {
        db,
        pages,
        clock: domain::clock::Clock::default(),
        checkout_forms: Arc::default(),
        dashboard: Arc::default(),
        api_reads: Arc::default(),
        search: Arc::default(),
        proxies: Arc::new(config.trusted_proxies()?),
        admin_addr,
        admin_allow: Arc::new(config.admin_allow()?),
        config: Arc::new(config),
        shop: Arc::new(RwLock::new(shop)),
        csrf_key: Arc::new(csrf_key),
        link_key: Arc::new(link_key),
        mail_wake: Arc::new(Notify::new()),
        heartbeat: Arc::new(AtomicI64::new(0)),
        base_url: Arc::new(base_url),
        cpu: Arc::new(tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()))),
    };
    let (shutdown, shutdown_rx) = watch::channel(false);
    let shop = state.shop.clone();
    let site = mail::Site {
        base: state.base_url.to_string(),
        link_days: state.config.orders.link_days,
        clock: state.clock.clone(),
    };
    let sender = tokio::spawn(mail::run_sender(
        state.db.clone(),
        state.config.mail.clone(),
        site,
        move || shop.read().unwrap_or_else(|p| p.into_inner()).clone(),
        state.mail_wake.clone(),
        shutdown_rx.clone(),
    ));
    let hooks =
        tokio::spawn(webhooks::run_sender(state.db.clone(), state.config.webhooks.clone(), shutdown_rx.clone()));
    let links = whatsapp::Links { base: state.base_url.to_string(), days: state.config.orders.link_days };
    let whatsapp = tokio::spawn(whatsapp::run_sender(
        state.db.clone(),
        state.config.whatsapp.clone(),
        links,
        state.clock.clone(),
        shutdown_rx.clone(),
    ));
    let reads = tokio::spawn(write_api_reads(state.db.clone(), state.api_reads.clone(), shutdown_rx));
    let scheduler =
        jobs::start(state.db.clone(), state.config.clone(), state.clock.clone(), state.heartbeat.clone()).await?;
    let server = build_server(listener, admin_listener, state.clone())?;
    Ok(Running { addr, setup_url, state, server, scheduler, shutdown, sender, hooks, whatsapp, reads, _lock: lock })
}

/// Writes the counted admin API reads to the audit log once a second, and a last time at shutdown.
async fn write_api_reads(db: db::Db, reads: Arc<app::api_tokens::ReadTally>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let stop = tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => false,
            _ = shutdown.changed() => true,
        };
        if !reads.is_empty() {
            let taken = Arc::new(reads.take());
            let entries = taken.clone();
            if let Err(e) = db.write(move |tx| app::api_tokens::ReadTally::write(tx, &entries)).await {
                // Counted again: they go out with the next ones.
                tracing::warn!("API reads not written to the audit log yet: {e}");
                reads.restore(Arc::try_unwrap(taken).unwrap_or_else(|shared| (*shared).clone()));
            }
        }
        if stop {
            break;
        }
    }
}

fn build_server(listener: TcpListener, admin: Option<TcpListener>, state: AppState) -> std::io::Result<Server> {
    let workers = match state.config.server.workers {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        n => n,
    };
    let timeout = state.config.server.shutdown_timeout_secs;
    let data = actix_web::web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .configure(|cfg| web::configure(cfg, &data))
            .wrap(actix_web::middleware::from_fn(web::middleware::admin_gate))
            .wrap(actix_web::middleware::from_fn(web::middleware::cookies))
            .wrap(actix_web::middleware::from_fn(web::middleware::render_errors))
            .wrap(actix_web::middleware::from_fn(web::middleware::cors))
            .wrap(actix_web::middleware::from_fn(web::middleware::security_headers))
            .wrap(actix_web::middleware::Compress::default())
            .wrap(actix_web::middleware::from_fn(web::middleware::request_context))
    })
    .workers(workers)
    .shutdown_timeout(timeout)
    .listen(listener)?;
    let server = match admin {
        Some(l) => server.listen(l)?,
        None => server,
    };
    Ok(server.run())
}
