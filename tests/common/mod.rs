//! TestApp: the real server on 127.0.0.1:0 against a temporary data folder, spoken to over HTTP.
#![allow(dead_code)]

pub mod process;
pub mod shop;
pub mod smtp;

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use reqwest::{Client, Response, StatusCode, redirect};
use souk::AppState;
use souk::config::Config;

pub const OWNER_EMAIL: &str = "asha@example.com";
pub const OWNER_PASSWORD: &str = "tamarind-lanterns-42";

pub struct TestApp {
    pub base: String,
    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub client: Client,
    pub dir: tempfile::TempDir,
    pub config: Config,
    pub setup_url: Option<String>,
    pub state: AppState,
    handle: ServerHandle,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        drop(stop);
    }
}

pub fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(redirect::Policy::none()).build().unwrap()
}

/// A config for tests: a fresh data folder, a fast scheduler-independent setup.
pub fn test_config(dir: &std::path::Path) -> Config {
    let mut c = Config::default();
    c.data.dir = dir.to_path_buf();
    c.server.workers = 2;
    c.server.shutdown_timeout_secs = 1;
    c.log.level = "warn".into();
    c
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(dir.path());
        tweak(&mut config);
        Self::spawn_in(dir, config).await
    }

    /// A shop filled by `souk demo` before the server starts.
    pub async fn spawn_demo() -> TestApp {
        Self::spawn_demo_with(|_| {}).await
    }

    /// A shop filled by `souk demo`, with `tweak` applied to the config.
    pub async fn spawn_demo_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(dir.path());
        tweak(&mut config);
        let db = souk::db::Db::open(&config.db_path(), 5000, 0, 2).unwrap();
        db.write_blocking(|tx| souk::demo::fill(tx, false).map_err(souk::error::AppError::Conflict)).unwrap();
        drop(db);
        Self::spawn_in(dir, config).await
    }

    pub async fn spawn_in(dir: tempfile::TempDir, config: Config) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let running = souk::start(listener, config.clone()).await.expect("server starts");
        let base = format!("http://{}", running.addr);
        let setup_url = running.setup_url.clone();
        let state = running.state.clone();
        let handle = running.handle();
        let task = Some(tokio::spawn(running.run()));
        TestApp { base, client: browser(), dir, config, setup_url, state, handle, task }
    }

    /// Stops the server gracefully and waits until it released the data folder, which is returned.
    pub async fn stop(mut self) -> tempfile::TempDir {
        self.handle.stop(true).await;
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.get_as(&self.client, path).await
    }

    pub async fn get_as(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// GET a page and return its status and HTML.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let res = self.get(path).await;
        (res.status(), res.text().await.unwrap())
    }

    /// Opens `form_page` like a browser, then posts `fields` to `action` with the page's CSRF token.
    pub async fn submit_as(&self, client: &Client, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let html = self.get_as(client, form_page).await.text().await.unwrap();
        let token = csrf_from(&html).unwrap_or_else(|| panic!("no csrf token on {form_page}"));
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        client.post(self.url(action)).form(&all).send().await.unwrap()
    }

    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        self.submit_as(&self.client, form_page, action, fields).await
    }

    /// Completes first-run setup as the owner; the client is then signed in.
    pub async fn setup_owner(&self) {
        let url = self.setup_url.clone().expect("a setup link on first run");
        let path = url.strip_prefix(&self.base).unwrap().to_string();
        let token = path.split("token=").nth(1).unwrap().to_string();
        let res = self
            .submit(
                &path,
                "/admin/setup",
                &[
                    ("token", &token),
                    ("shop_name", "Asha's Kitchen"),
                    ("name", "Asha"),
                    ("email", OWNER_EMAIL),
                    ("password", OWNER_PASSWORD),
                    ("confirm", OWNER_PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "setup should succeed");
    }

    pub async fn login_as(&self, client: &Client, email: &str, password: &str) -> Response {
        self.submit_as(client, "/admin/login", "/admin/login", &[("email", email), ("password", password)]).await
    }

    /// A direct connection to the shop's database, for seeding and checking what was stored.
    pub fn db(&self) -> rusqlite::Connection {
        let c = rusqlite::Connection::open(self.config.db_path()).unwrap();
        c.busy_timeout(Duration::from_secs(5)).unwrap();
        c
    }

    /// The first column of every row, as numbers (ids, positions).
    pub fn ints(&self, sql: &str) -> Vec<i64> {
        let db = self.db();
        let mut stmt = db.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.db().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Invites ravi@example.com as staff (as the signed-in owner) and accepts the invitation in a
    /// browser of his own; returns that browser, signed in.
    pub async fn staff(&self) -> Client {
        let invite = [("email", "ravi@example.com"), ("role", "staff")];
        let html = self.submit("/admin/users", "/admin/users/invite", &invite).await.text().await.unwrap();
        let at = html.find("/admin/invite?token=").expect("the invitation link");
        let link = html[at..][..html[at..].find('"').unwrap()].to_string();
        let token = link.split("token=").nth(1).unwrap().to_string();
        let staff = browser();
        let pw = "saffron-bicycle-77";
        let fields = [("token", token.as_str()), ("name", "Ravi"), ("password", pw), ("confirm", pw)];
        let res = self.submit_as(&staff, &link, "/admin/invite", &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "the invitation is accepted");
        staff
    }

    /// `souk doctor` on this shop's data folder: its exit code and what it printed.
    pub fn doctor(&self) -> (i32, String) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_souk"))
            .arg("doctor")
            .current_dir(self.dir.path())
            .env("SOUK_DATA__DIR", &self.config.data.dir)
            .env_remove("SOUK_CONFIG")
            .output()
            .unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// The CSRF token in a page's first form.
pub fn csrf_from(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")?;
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}

/// The `Set-Cookie` header that sets `name`, whole (value and attributes).
pub fn set_cookie(res: &Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

pub fn location(res: &Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// Polls `check` every 50 ms until it returns true or `secs` pass.
pub async fn eventually(secs: u64, mut check: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check()
}

/// Posts every body to `POST /api/v1/orders` at once, each from its own client, and returns the
/// answers (status and JSON body) in the order of the bodies.
pub async fn place_all_at_once(app: &TestApp, bodies: Vec<serde_json::Value>) -> Vec<(StatusCode, serde_json::Value)> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let (client, url) = (Client::new(), app.url("/api/v1/orders"));
            tokio::spawn(async move {
                let res = client.post(url).json(&body).send().await.unwrap();
                (res.status(), res.json::<serde_json::Value>().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    answers
}
