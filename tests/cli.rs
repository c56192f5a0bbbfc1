//! The `souk` binary itself: config errors, check-config, admin accounts, doctor, serve and SIGTERM (issue 2).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn souk(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_souk"));
    cmd.current_dir(dir)
        .env("SOUK_DATA__DIR", dir.join("data"))
        .env("SOUK_LOG__LEVEL", "info")
        .env_remove("SOUK_CONFIG")
        .env_remove("RUST_LOG");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn version_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(souk(dir.path()).arg("--version"));
    assert_eq!(code, 0);
    assert!(out.starts_with(&format!("souk {}", env!("CARGO_PKG_VERSION"))));
    let (code, out, _) = run(souk(dir.path()).arg("--help"));
    assert_eq!(code, 0);
    for sub in ["serve", "check-config", "admin", "backup", "restore", "doctor"] {
        assert!(out.contains(sub), "help lists {sub}");
    }
}

#[test]
fn config_errors_are_one_line_naming_the_key_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // (environment, config.toml, the key the error must name)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 5] = [
        (&[("SOUK_SERVER__LISTEN", "not-an-address")], "", "server.listen"),
        (&[("SOUK_BACKUP__KEEP", "lots")], "", "backup.keep"),
        (&[], "[server]\nlisen = \"x\"\n", "lisen"),
        (&[], "[mail]\nsmtp_url = \"ftp://nope\"\n", "mail.smtp_url"),
        (&[], "[server]\ncors_origins = [\"https://blog.example/feed\"]\n", "server.cors_origins"),
    ];
    for (env, file, key) in cases {
        let path = dir.path().join("config.toml");
        std::fs::write(&path, file).unwrap();
        let (code, out, err) = run(souk(dir.path()).arg("check-config").envs(env.iter().copied()));
        assert_eq!(code, 2, "{key}: {err}");
        assert!(out.is_empty());
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(err.contains(key) && err.starts_with("config error"), "{err}");
        assert!(!err.contains("panicked"));
    }
    let (code, _, err) = run(souk(dir.path()).args(["--config", "missing.toml", "check-config"]));
    assert_eq!(code, 2);
    assert!(err.contains("missing.toml"));
}

#[test]
fn check_config_prints_the_effective_config_with_secrets_masked() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("smtp_url");
    std::fs::write(&secret, "smtps://shop:s3cret-pass@smtp.example.com:465\n").unwrap();
    let (code, out, _) = run(souk(dir.path())
        .arg("check-config")
        .env("SOUK_MAIL__SMTP_URL_FILE", &secret)
        .env("SOUK_SERVER__LISTEN", "0.0.0.0:9090"));
    assert_eq!(code, 0);
    assert!(out.contains("listen = \"0.0.0.0:9090\""), "{out}");
    assert!(out.contains("smtp_url = \"***\""));
    assert!(!out.contains("s3cret-pass"));
}

#[test]
fn admin_accounts_from_the_command_line_and_doctor() {
    let dir = tempfile::tempdir().unwrap();
    let create = |email: &str, password: &str| {
        let mut child = souk(dir.path())
            .args(["admin", "create", "--email", email, "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, _, err) = create("owner@example.com", "password123");
    assert_eq!(code, 1);
    assert!(err.contains("too common"), "{err}");
    let (code, out, _) = create("owner@example.com", "tamarind-lanterns-42");
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = create("OWNER@example.com", "tamarind-lanterns-42");
    assert_eq!(code, 1);
    assert!(err.contains("already has an account"));
    // The password never appears in argv: there is no flag for it.
    let (code, _, _) = run(souk(dir.path()).args([
        "admin",
        "create",
        "--email",
        "x@example.com",
        "--password",
        "tamarind-lanterns-42",
    ]));
    assert_eq!(code, 2);

    let mut child = souk(dir.path())
        .args(["admin", "reset-password", "--email", "owner@example.com", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "new-marigold-window-9").unwrap();
    assert!(child.wait().unwrap().success());

    let db = rusqlite::Connection::open(dir.path().join("data/souk.db")).unwrap();
    let actions: Vec<String> = db
        .prepare("SELECT action || ':' || actor FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(actions, ["user.create:cli", "user.password_reset:cli"]);
    let hash: String = db.query_row("SELECT password_hash FROM users", [], |r| r.get(0)).unwrap();
    assert!(souk::domain::auth::verify_password("new-marigold-window-9", &hash));

    // An API token: printed once on stdout alone, stored only as its hash, audited.
    let (code, out, err) = run(souk(dir.path()).args([
        "admin",
        "token",
        "--email",
        "owner@example.com",
        "--scope",
        "write",
        "--name",
        "Courier",
    ]));
    assert_eq!(code, 0, "{err}");
    let token = out.trim();
    assert!(token.starts_with("souk_") && token.len() == 69 && out.lines().count() == 1, "{out}");
    assert!(err.contains("shown only now") && !err.contains(token), "{err}");
    let (scope, stored): (String, Vec<u8>) = db
        .query_row("SELECT scope, token_hash FROM api_tokens WHERE name = 'Courier'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(scope, "write");
    assert_eq!(stored, souk::domain::tokens::hash_token(token));
    let (code, out, err) =
        run(souk(dir.path()).args(["admin", "token", "--email", "nobody@example.com", "--scope", "read"]));
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("No account has the email nobody@example.com"), "{err}");
    let (code, _, _) =
        run(souk(dir.path()).args(["admin", "token", "--email", "owner@example.com", "--scope", "admin"]));
    assert_eq!(code, 2, "clap refuses an unknown scope");

    let (code, out, _) = run(souk(dir.path()).arg("doctor"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok      integrity check: ok"));
    assert!(out.contains("an owner account exists"));
    assert!(out.contains("ok      reserved stock equals what unconfirmed orders hold"), "{out}");
    db.execute_batch("PRAGMA foreign_keys = OFF; INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, ip, user_agent) VALUES (x'01', 999, '', '', '', '');").unwrap();
    let (code, out, _) = run(souk(dir.path()).arg("doctor"));
    assert_eq!(code, 1);
    assert!(out.contains("PROBLEM foreign keys: 1 broken"), "{out}");
    db.execute_batch("DELETE FROM sessions; PRAGMA foreign_keys = ON;").unwrap();

    // A database of another schema version (an older server still running on it): doctor says so,
    // backup copies it, and neither migrates it underneath that server.
    db.pragma_update(None, "user_version", 1).unwrap();
    let (code, out, _) = run(souk(dir.path()).arg("doctor"));
    assert_eq!(code, 1);
    assert!(out.contains("PROBLEM schema version 1"), "{out}");
    let copy = dir.path().join("copy.db");
    let (code, _, err) = run(souk(dir.path()).args(["backup", copy.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    let v: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 1, "not migrated");
    let (code, _, err) =
        run(souk(dir.path()).args(["admin", "reset-password", "--email", "owner@example.com", "--password-stdin"]));
    assert_eq!(code, 1);
    assert!(err.contains("schema version 1"), "{err}");
}

/// `souk demo --orders` (issue 11): an order history on the demo catalogue that `souk doctor`
/// finds consistent (stock, reservations, commitments, payments), without changing what the
/// storefront can sell.
#[test]
fn demo_orders_pass_the_doctor() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(souk(dir.path()).args(["demo", "--orders", "10"]));
    assert_eq!(code, 1, "no catalogue yet");
    assert!(err.contains("no products on sale"), "{err}");
    let (code, _, err) = run(souk(dir.path()).args(["demo", "--products", "50", "--variants", "2"]));
    assert_eq!(code, 0, "{err}");
    let db = rusqlite::Connection::open(dir.path().join("data/souk.db")).unwrap();
    let available = || -> String {
        db.query_row("SELECT group_concat(on_hand - reserved) FROM (SELECT * FROM variants ORDER BY id)", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let before = available();
    let (code, out, err) = run(souk(dir.path()).args(["demo", "--orders", "500", "--customers", "100"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Added 500 demo orders from 100 customers"), "{out}");
    let (code, out, _) = run(souk(dir.path()).arg("doctor"));
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("PROBLEM"), "{out}");
    assert_eq!(available(), before, "the storefront sells what it sold before");

    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM orders"), 500);
    assert_eq!(count("SELECT count(DISTINCT customer_phone) FROM orders"), 100);
    assert_eq!(
        count(
            "SELECT count(*) FROM orders WHERE customer_phone NOT GLOB '+91[6-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'"
        ),
        0
    );
    assert!(count("SELECT count(*) FROM orders WHERE status = 'delivered'") > 250, "most are delivered");
    assert!(count("SELECT count(DISTINCT status) FROM orders") >= 6, "and the rest all along the way");
    assert!(count("SELECT count(DISTINCT channel) FROM orders") >= 5);
    assert!(count("SELECT count(*) FROM payments") > 200);
    assert!(count("SELECT count(*) FROM order_tags") > 10);
    // Each order confirmed and not put back was deducted once by its committed units.
    assert_eq!(
        count(
            "WITH deducted AS (SELECT reason, -sum(delta) AS n FROM stock_ledger WHERE reason LIKE 'Order % confirmed' GROUP BY reason)
             SELECT count(*) FROM orders o LEFT JOIN deducted d ON d.reason = 'Order ' || o.code || ' confirmed'
             WHERE o.stock_committed = 1
               AND coalesce(d.n, 0) != (SELECT sum(committed) FROM order_lines l WHERE l.order_id = o.id)"
        ),
        0
    );
    // A backlog to confirm, added to the same shop.
    let (code, _, err) = run(souk(dir.path()).args(["demo", "--orders", "50", "--backlog"]));
    assert_eq!(code, 0, "{err}");
    assert!(count("SELECT count(*) FROM orders WHERE status = 'pending'") >= 50);
    let (code, out, _) = run(souk(dir.path()).arg("doctor"));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn serve_prints_the_setup_link_answers_health_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = souk(dir.path()).env("SOUK_SERVER__LISTEN", "127.0.0.1:0").stderr(Stdio::piped()).spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut addr, mut setup) = (None, None);
    let mut log = Vec::new();
    while (addr.is_none() || setup.is_none()) && Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            if let Some(at) = line.find("serving the shop at http://") {
                addr = Some(line[at + "serving the shop at http://".len()..].trim().to_string());
            }
            if let Some(at) = line.find("/admin/setup?token=") {
                setup = Some(line[at..].trim().to_string());
            }
            log.push(line);
        }
    }
    let addr = addr.unwrap_or_else(|| panic!("no address in the log: {log:?}"));
    assert!(setup.is_some_and(|s| s.len() > 60), "the setup link is logged");
    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"status\":\"ok\""));
    let page = http_get(&addr, "/admin/setup?token=secret-in-a-query");
    assert!(page.starts_with("HTTP/1.1 404"));

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean exit after SIGTERM: {status:?}");
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
        log.push(line);
    }
    assert!(log.iter().any(|l| l.contains("stopped")), "{log:?}");
    assert!(log.iter().any(|l| l.contains("path=/healthz")), "requests are logged: {log:?}");
    assert!(!log.iter().any(|l| l.contains("secret-in-a-query")), "query strings never reach the log");
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}
