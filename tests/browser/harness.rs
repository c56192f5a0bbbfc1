//! A real headless Chromium driven through chromedriver. Skips loudly when no browser is
//! installed, and fails instead when SOUK_REQUIRE_BROWSER=1 (CI sets it).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn find(candidates: &[&str], env: &str) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// Starts chromedriver and a headless Chromium; `None` (after a loud message) when none is installed.
pub async fn launch(test: &str) -> Option<Browser> {
    launch_with(test, &[]).await
}

/// A browser whose pages see `prefers-color-scheme: dark`, as on a phone in dark mode.
pub async fn launch_dark(test: &str) -> Option<Browser> {
    launch_with(test, &["--force-dark-mode"]).await
}

async fn launch_with(test: &str, extra: &[&str]) -> Option<Browser> {
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"], "SOUK_CHROMIUM");
    let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"], "SOUK_CHROMEDRIVER");
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        if std::env::var("SOUK_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!(
                "SOUK_REQUIRE_BROWSER=1 but chromium or chromedriver is missing (apt-get install chromium chromium-driver)"
            );
        }
        eprintln!(
            "\n*** SKIPPED browser test {test}: chromium and chromium-driver are not installed. ***\n*** Install them (apt-get install chromium chromium-driver) to run it. ***\n"
        );
        return None;
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start listening");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=412,915",
    ]
    .iter()
    .chain(extra)
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.path().display())])
    .collect::<Vec<_>>();
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), serde_json::json!({ "binary": chromium, "args": args }));
    let client = ClientBuilder::rustls()
        .expect("rustls client")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a chromium session");
    Some(Browser { client, driver: child, _profile: profile })
}

/// axe-core's script: `SOUK_AXE_JS`, or what `.ci/run` installs under `target/axe`. Without it the
/// accessibility checks are skipped loudly, or fail when SOUK_REQUIRE_BROWSER=1.
fn axe_source() -> Option<String> {
    let path = std::env::var("SOUK_AXE_JS").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/axe/node_modules/axe-core/axe.min.js")
    });
    match std::fs::read_to_string(&path) {
        Ok(src) => Some(src),
        Err(_) if std::env::var("SOUK_REQUIRE_BROWSER").as_deref() == Ok("1") => {
            panic!(
                "SOUK_REQUIRE_BROWSER=1 but axe-core is missing at {} (npm install --prefix target/axe axe-core@4)",
                path.display()
            )
        }
        Err(_) => {
            eprintln!("\n*** SKIPPED accessibility check: axe-core not found at {} ***\n", path.display());
            None
        }
    }
}

/// Runs axe-core on the current page; panics listing every violation, whatever its impact (minor
/// ones too: the pages are meant to be clean, not merely free of serious problems).
pub async fn assert_accessible(b: &Client, what: &str) {
    let Some(axe) = axe_source() else { return };
    b.execute(&format!("{axe}\nreturn true;"), vec![]).await.expect("axe-core loads");
    let script = "const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
          .then(r => done(r.violations.map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
          .catch(e => done(['axe failed: ' + e]));";
    let found = b.execute_async(script, vec![]).await.expect("axe-core runs");
    let found: Vec<String> = serde_json::from_value(found).unwrap_or_default();
    assert!(found.is_empty(), "accessibility problems on {what}:\n{}", found.join("\n"));
}

/// The Nu Html Checker (the W3C's validator) and a Java to run it: `SOUK_VNU_JAR`, or what
/// `.ci/run` installs under `target/axe`. Without them the check is skipped loudly, or fails when
/// SOUK_REQUIRE_BROWSER=1.
fn vnu() -> Option<(PathBuf, PathBuf)> {
    let jar = std::env::var("SOUK_VNU_JAR").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/axe/node_modules/vnu-jar/build/dist/vnu.jar")
    });
    let java = find(&["/usr/bin/java"], "SOUK_JAVA");
    match java {
        Some(java) if jar.is_file() => Some((java, jar)),
        _ if std::env::var("SOUK_REQUIRE_BROWSER").as_deref() == Ok("1") => panic!(
            "SOUK_REQUIRE_BROWSER=1 but the HTML checker is missing: {} and java (apt-get install default-jre-headless; npm install --prefix target/axe vnu-jar)",
            jar.display()
        ),
        _ => {
            eprintln!("\n*** SKIPPED HTML validation: java or vnu.jar not found ({}) ***\n", jar.display());
            None
        }
    }
}

/// Checks pages, as (name, HTML the server sent), with the Nu Html Checker in one run; panics
/// listing every error and warning with the page it is on.
pub fn assert_valid_html(pages: &[(String, String)]) {
    let Some((java, jar)) = vnu() else { return };
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = pages
        .iter()
        .enumerate()
        .map(|(i, (_, html))| {
            let path = dir.path().join(format!("page-{i}.html"));
            std::fs::write(&path, html).unwrap();
            path
        })
        .collect();
    let out = Command::new(java)
        .arg("-jar")
        .arg(jar)
        .args(["--format", "gnu", "--exit-zero-always"])
        .args(&files)
        .output()
        .expect("the HTML checker runs");
    // Lines look like `"file:/tmp/…/page-3.html":1.84-1.87: error: …`.
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    let named: Vec<String> = report
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let page = l.split("/page-").nth(1).and_then(|rest| rest.split(".html").next()?.parse::<usize>().ok());
            let what = l.split_once("\":").map_or(l, |(_, rest)| rest);
            format!("{}:{what}", page.and_then(|i| pages.get(i)).map_or("?", |(name, _)| name.as_str()))
        })
        .collect();
    assert!(named.is_empty(), "HTML problems:\n{}", named.join("\n"));
}
