//! Issue 14, part 1: admin two-factor sign-in. An admin enrols an authenticator app (a QR code and
//! its key, confirmed by a code), keeps ten recovery codes, then signs in with the password and a
//! code; a code is accepted once, a recovery code once; wrong codes count in the sign-in throttle;
//! the owner can require it for everyone; `souk admin reset-2fa` is the way back for a lost phone.

mod common;

use chrono::Duration;
use common::*;
use reqwest::{Client, StatusCode};
use souk::domain::two_factor::code_at;

const PAGE: &str = "/admin/account/two-factor";

/// The key shown for typing by hand, decoded.
fn secret_on(page: &str) -> Vec<u8> {
    let at = page.find("class=\"secret\">").expect("the key is shown") + "class=\"secret\">".len();
    let text: String = page[at..page[at..].find('<').unwrap() + at].chars().filter(|c| !c.is_whitespace()).collect();
    totp_rs::Secret::try_from_base32(text).unwrap().as_bytes().to_vec()
}

fn now(app: &TestApp) -> u64 {
    app.state.clock.now().timestamp() as u64
}

/// Signs in with the password; returns the page that follows (the code's page for two-factor).
async fn password(app: &TestApp, client: &Client) -> (StatusCode, String) {
    let res = app.login_as(client, OWNER_EMAIL, OWNER_PASSWORD).await;
    (res.status(), res.text().await.unwrap())
}

async fn code(app: &TestApp, client: &Client, typed: &str) -> reqwest::Response {
    app.submit_as(client, "/admin/login", "/admin/login/code", &[("code", typed)]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_enrols_and_signs_in_with_a_code_or_a_recovery_code() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;

    // A session signed in with the password alone, elsewhere.
    let elsewhere = browser();
    assert_eq!(app.login_as(&elsewhere, OWNER_EMAIL, OWNER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&elsewhere, "/admin/orders").await.status(), StatusCode::OK);

    // Enrolling: the same key until it is confirmed; a wrong code is refused.
    let (status, page) = app.page(PAGE).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg") && page.contains("aria-label=\"QR code to scan with an authenticator app\""));
    let secret = secret_on(&page);
    assert_eq!(secret.len(), 20, "160 bits");
    assert_eq!(secret_on(&app.page(PAGE).await.1), secret, "a reload keeps the key");
    let res = app.submit(PAGE, PAGE, &[("code", "000000")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("That code is not right"));
    let first = code_at(&secret, now(&app)).unwrap();
    let res = app.submit(PAGE, PAGE, &[("code", &first)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = res.text().await.unwrap();
    let recovery: Vec<String> =
        page.split("<li><code>").skip(1).map(|s| s[..s.find('<').unwrap()].to_string()).collect();
    assert_eq!(recovery.len(), 10, "{page}");
    assert_eq!(app.count("SELECT count(*) FROM recovery_codes WHERE used_at IS NULL"), 10);
    let stored: Vec<u8> = app.db().query_row("SELECT code_hash FROM recovery_codes LIMIT 1", [], |r| r.get(0)).unwrap();
    assert!(!recovery.iter().any(|c| c.as_bytes() == stored.as_slice()), "kept as hashes");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'user.2fa_on'"), 1);
    // Turning it on ends every other session (it was signed in without a code).
    assert_eq!(app.get_as(&elsewhere, "/admin/orders").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/admin/orders").await.status(), StatusCode::OK, "this one goes on");
    // New recovery codes need a code too.
    let res = app.submit(PAGE, "/admin/account/two-factor/recovery-codes", &[("code", "000000")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT count(*) FROM recovery_codes WHERE used_at IS NULL"), 10, "unchanged");

    // Signing in: the password leads to the code's step, not into the admin.
    let c = browser();
    let (status, page) = password(&app, &c).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Two-factor sign-in") && page.contains("action=\"/admin/login/code\""));
    assert_eq!(app.get_as(&c, "/admin/orders").await.status(), StatusCode::SEE_OTHER, "not signed in yet");
    // The code that confirmed the enrolment is used: it cannot sign in (a replay).
    let res = code(&app, &c, &first).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("used already"));
    app.state.clock.advance(Duration::seconds(30));
    let next = code_at(&secret, now(&app)).unwrap();
    let res = code(&app, &c, &next).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin");
    assert_eq!(app.get_as(&c, "/admin/orders").await.status(), StatusCode::OK);
    // The same code again, from another browser: refused.
    let other = browser();
    password(&app, &other).await;
    assert_eq!(code(&app, &other, &next).await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A recovery code works once, typed in any case.
    let r = browser();
    password(&app, &r).await;
    let res = code(&app, &r, &recovery[0].to_uppercase()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again = browser();
    password(&app, &again).await;
    assert_eq!(code(&app, &again, &recovery[0]).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT count(*) FROM recovery_codes WHERE used_at IS NULL"), 9);

    // Wrong codes count in the sign-in throttle: a few more and signing in pauses.
    let t = browser();
    password(&app, &t).await;
    let mut paused = false;
    for _ in 0..6 {
        let res = code(&app, &t, "123456").await;
        if res.status() == StatusCode::SEE_OTHER {
            let page = app.get_as(&t, &location(&res)).await.text().await.unwrap();
            assert!(page.contains("signing in is paused"), "{page}");
            paused = true;
            break;
        }
    }
    assert!(paused, "wrong codes lock signing in");
    let (status, page) = password(&app, &browser()).await;
    assert_ne!(status, StatusCode::SEE_OTHER);
    assert!(page.contains("paused") || page.contains("Too many"), "the password alone does not get past the pause");
    assert!(app.count("SELECT count(*) FROM audit_log WHERE action = 'login.2fa_failed'") >= 3);
    assert_eq!(app.count(&format!("SELECT count(*) FROM audit_log WHERE detail LIKE '%{}%'", recovery[1])), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_requires_it_and_the_cli_resets_a_lost_phone() {
    let app = TestApp::spawn_with(|c| c.server.trusted_proxies = vec!["127.0.0.1".into()]).await;
    app.setup_owner().await;
    let staff = app.staff().await;
    assert_eq!(app.get_as(&staff, "/admin/orders").await.status(), StatusCode::OK);
    let res = app.submit("/admin/users", "/admin/users/two-factor", &[("required", "on")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT require_two_factor FROM admin_security"), 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'settings.require_2fa' AND detail = 'on'"), 1);
    // The owner has no two-factor either: the next page is the enrolment.
    let res = app.get("/admin/users").await;
    assert_eq!(location(&res), PAGE);

    // Without two-factor, only enrolling is open.
    let res = app.get_as(&staff, "/admin/orders").await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, PAGE.to_string()));
    // Over HTTPS (as the trusted proxy says) the flash that says why is a Secure cookie.
    let res = staff.get(app.url("/admin/orders")).header("x-forwarded-proto", "https").send().await.unwrap();
    assert_eq!(location(&res), PAGE);
    let cookies: Vec<&str> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("souk_flash=")), "{cookies:?}");
    assert!(cookies.iter().all(|c| c.contains("; Secure")), "{cookies:?}");
    let page = app.get_as(&staff, PAGE).await.text().await.unwrap();
    assert!(page.contains("requires two-factor sign-in"));
    let secret = secret_on(&page);
    let res = app.submit_as(&staff, PAGE, PAGE, &[("code", &code_at(&secret, now(&app)).unwrap())]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.get_as(&staff, "/admin/orders").await.status(), StatusCode::OK);
    // Required, it cannot be turned off.
    app.state.clock.advance(Duration::seconds(30));
    let res = app
        .submit_as(&staff, PAGE, "/admin/account/two-factor/off", &[("code", &code_at(&secret, now(&app)).unwrap())])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The owner enrols too; then loses the phone: the CLI turns it off.
    let page = app.page(PAGE).await.1;
    let owner_secret = secret_on(&page);
    assert_eq!(
        app.submit(PAGE, PAGE, &[("code", &code_at(&owner_secret, now(&app)).unwrap())]).await.status(),
        StatusCode::OK
    );
    let (status, users) = app.page("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        users.contains("id=\"f-require\" type=\"checkbox\" name=\"required\" value=\"on\" checked"),
        "the rule shows as on"
    );
    assert_eq!(users.matches("<td>On</td>").count(), 2, "both have it on");
    let config = app.config.clone();
    let dir = app.stop().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_souk"))
        .args(["admin", "reset-2fa", "--email", OWNER_EMAIL])
        .current_dir(dir.path())
        .env("SOUK_DATA__DIR", &config.data.dir)
        .env_remove("SOUK_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Two-factor sign-in is off for"));
    let app = TestApp::spawn_in(dir, config).await;
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'user.2fa_reset' AND actor = 'cli' AND detail LIKE 'was on; 1 session(s) ended'"),
        1
    );
    // The password alone signs in, and the rule sends the owner to enrol again.
    let c = browser();
    let res = app.login_as(&c, OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app.get_as(&c, "/admin/orders").await;
    assert_eq!(location(&res), PAGE);
}
