//! The shop's own binary as a separate process on a data folder: for the tests that kill it,
//! fill its disk or run a tool beside it. `SOUK_CRASH_BIN=target/release/souk` swaps in another build.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn binary() -> PathBuf {
    std::env::var_os("SOUK_CRASH_BIN").map(PathBuf::from).unwrap_or_else(|| env!("CARGO_BIN_EXE_souk").into())
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `souk` on `dir`, listening on `port`, mailing through the SMTP server on `smtp_port`, with no
/// per-address order limit (every client here is 127.0.0.1).
pub fn souk(dir: &Path, smtp_port: u16, port: u16) -> Command {
    let mut cmd = Command::new(binary());
    cmd.current_dir(dir)
        .env_remove("SOUK_CONFIG")
        .env("SOUK_DATA__DIR", dir)
        .env("SOUK_SERVER__LISTEN", format!("127.0.0.1:{port}"))
        .env("SOUK_SERVER__WORKERS", "2")
        .env("SOUK_LOG__LEVEL", "warn")
        .env("SOUK_MAIL__SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
        .env("SOUK_MAIL__FROM", "Test Shop <shop@example.com>")
        .env("SOUK_MAIL__RETRY_BASE_SECS", "1")
        .env("SOUK_ORDERS__PLACEMENTS_PER_HOUR", "0")
        .env("SOUK_ORDERS__DUPLICATE_MINUTES", "0");
    cmd
}

/// `souk demo` on `dir` with every product on sale and plenty of stock; the SKUs, in order.
pub fn seed(dir: &Path, products: u32) -> Vec<String> {
    let out = souk(dir, 1, free_port())
        .args(["demo", "--products", &products.to_string(), "--variants", "2", "--no-photos"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = db(dir);
    // Stock moves through the ledger, as `souk doctor` checks.
    c.execute(
        "INSERT INTO stock_ledger (variant_id, delta, reason, actor, at)
         SELECT id, 1000000 - on_hand, 'test', 'test', '2026-01-01T00:00:00.000Z' FROM variants",
        [],
    )
    .unwrap();
    c.execute(
        "UPDATE variants SET on_hand = (SELECT sum(delta) FROM stock_ledger l WHERE l.variant_id = variants.id)",
        [],
    )
    .unwrap();
    c.execute("UPDATE products SET status = 'active', publish_at = NULL", []).unwrap();
    let mut s = c.prepare("SELECT sku FROM variants ORDER BY id").unwrap();
    s.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// A process that is killed (and waited for) when dropped, so a failing test leaves nothing running.
pub struct Running(Child);

impl Running {
    pub fn new(child: Child) -> Running {
        Running(child)
    }

    /// SIGKILL, then wait until it is gone.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Starts the shop (stderr appended to `log`) and waits until it answers `/healthz`.
pub async fn start(mut cmd: Command, log: &Path, port: u16) -> Running {
    let file = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let mut child = Running(cmd.stdout(Stdio::null()).stderr(file).spawn().unwrap());
    let url = format!("http://127.0.0.1:{port}/healthz");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.0.try_wait() {
            panic!("the shop stopped at start ({status}): {}", std::fs::read_to_string(log).unwrap_or_default());
        }
        if reqwest::get(&url).await.is_ok_and(|r| r.status().is_success()) {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the shop did not start: {}", std::fs::read_to_string(log).unwrap_or_default());
}

pub fn db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("souk.db")).unwrap()
}

/// `souk doctor` on the folder (the shop down): it must find nothing wrong.
pub fn doctor(dir: &Path) {
    let out = souk(dir, 1, free_port()).arg("doctor").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "souk doctor:\n{said}");
}

/// Places one order for one of `sku` through the API; its status and JSON answer.
pub async fn place(http: &reqwest::Client, base: &str, sku: &str, n: u64) -> (u16, serde_json::Value) {
    let body = serde_json::json!({
        "items": [{"sku": sku, "quantity": 1}],
        "customer": {"name": "Test Buyer", "phone": format!("+9197{n:08}"), "email": format!("b{n}@example.com")},
        "delivery": {"method": "pickup"},
        "payment": {"method": "cod"},
        "note": "x".repeat(900),
    });
    let res = http.post(format!("{base}/api/v1/orders")).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    let retry = res.headers().get("retry-after").is_some();
    let mut json: serde_json::Value = res.json().await.unwrap();
    json["retry_after_sent"] = retry.into();
    (status, json)
}
