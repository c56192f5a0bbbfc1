//! Issue 14, part 1: an admin turns two-factor sign-in on from a phone, keeps the recovery codes,
//! signs out and signs back in with the password and a code from the app, is refused that code
//! replayed, and signs in with a recovery code; every new page passes axe-core and the HTML checker.

use super::common::*;
use super::{fill, harness, heading, submit_and_wait};
use chrono::Duration;
use souk::domain::two_factor::code_at;

fn secret_on(page: &str) -> Vec<u8> {
    let at = page.find("class=\"secret\">").expect("the key is shown") + "class=\"secret\">".len();
    let text: String = page[at..page[at..].find('<').unwrap() + at].chars().filter(|c| !c.is_whitespace()).collect();
    totp_rs::Secret::try_from_base32(text).unwrap().as_bytes().to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_turns_on_two_factor_and_signs_in_with_a_code() {
    let Some(chromium) = harness::launch("an_admin_turns_on_two_factor_and_signs_in_with_a_code").await else {
        return;
    };
    let b = &chromium.client;
    b.set_window_size(390, 844).await.unwrap();
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    // Made now: turning two-factor on later ends the owner's other sessions, this client's among them.
    let staff = app.staff().await;
    let now = || app.state.clock.now().timestamp() as u64;

    b.goto(&app.url("/admin/login")).await.unwrap();
    fill(b, "#f-email", OWNER_EMAIL).await;
    fill(b, "#f-password", OWNER_PASSWORD).await;
    submit_and_wait(b, "form[action='/admin/login']").await;
    b.goto(&app.url("/admin/account/two-factor")).await.unwrap();
    assert_eq!(heading(b).await, "Two-factor sign-in");
    harness::assert_accessible(b, "the enrolment page").await;
    let secret = secret_on(&b.source().await.unwrap());
    fill(b, "#f-code", "000000").await;
    submit_and_wait(b, "form[action='/admin/account/two-factor']").await;
    harness::assert_accessible(b, "a wrong enrolment code").await;
    fill(b, "#f-code", &code_at(&secret, now()).unwrap()).await;
    submit_and_wait(b, "form[action='/admin/account/two-factor']").await;
    assert_eq!(heading(b).await, "Your recovery codes");
    let page = b.source().await.unwrap();
    let recovery: Vec<String> =
        page.split("<li><code>").skip(1).map(|s| s[..s.find('<').unwrap()].to_string()).collect();
    assert_eq!(recovery.len(), 10);
    harness::assert_accessible(b, "the recovery codes").await;

    // Signed out, the password alone is not enough.
    submit_and_wait(b, "form.signout").await;
    fill(b, "#f-email", OWNER_EMAIL).await;
    fill(b, "#f-password", OWNER_PASSWORD).await;
    submit_and_wait(b, "form[action='/admin/login']").await;
    assert_eq!(heading(b).await, "Two-factor sign-in");
    harness::assert_accessible(b, "the code's step").await;
    app.state.clock.advance(Duration::seconds(30));
    let used = code_at(&secret, now()).unwrap();
    fill(b, "#f-code", &used).await;
    submit_and_wait(b, "form[action='/admin/login/code']").await;
    assert_eq!(heading(b).await, "Dashboard");

    // Signed out again: the same code, replayed within its 30 seconds, is refused; a recovery
    // code (typed with spaces around, in capitals) signs in, once.
    submit_and_wait(b, "form.signout").await;
    fill(b, "#f-email", OWNER_EMAIL).await;
    fill(b, "#f-password", OWNER_PASSWORD).await;
    submit_and_wait(b, "form[action='/admin/login']").await;
    fill(b, "#f-code", &used).await;
    submit_and_wait(b, "form[action='/admin/login/code']").await;
    assert_eq!(heading(b).await, "Two-factor sign-in");
    assert!(b.source().await.unwrap().contains("used already"), "the replay is refused");
    harness::assert_accessible(b, "a replayed code").await;
    fill(b, "#f-code", &format!(" {} ", recovery[3].to_uppercase())).await;
    submit_and_wait(b, "form[action='/admin/login/code']").await;
    assert_eq!(heading(b).await, "Dashboard");
    assert_eq!(app.count("SELECT count(*) FROM recovery_codes WHERE used_at IS NOT NULL"), 1);

    // The pages' HTML, through HTTP: the enrolment of a staff member, the codes, the step, "on".
    let mut pages = vec![(
        "the enrolment page".to_string(),
        app.get_as(&staff, "/admin/account/two-factor").await.text().await.unwrap(),
    )];
    let staff_secret = secret_on(&pages[0].1);
    let wrong = app.submit_as(&staff, "/admin/account/two-factor", "/admin/account/two-factor", &[("code", "1")]).await;
    pages.push(("a wrong code".into(), wrong.text().await.unwrap()));
    let code = code_at(&staff_secret, now()).unwrap();
    let codes =
        app.submit_as(&staff, "/admin/account/two-factor", "/admin/account/two-factor", &[("code", &code)]).await;
    pages.push(("the recovery codes".into(), codes.text().await.unwrap()));
    pages.push(("two-factor on".into(), app.get_as(&staff, "/admin/account/two-factor").await.text().await.unwrap()));
    let c = browser();
    let step = app.login_as(&c, OWNER_EMAIL, OWNER_PASSWORD).await;
    pages.push(("the code's step".into(), step.text().await.unwrap()));
    let refused = app.submit_as(&c, "/admin/login", "/admin/login/code", &[("code", "123456")]).await;
    pages.push(("a code refused".into(), refused.text().await.unwrap()));
    // The owner's HTTP client signs in again, with a code, for the users page.
    app.login_as(&app.client, OWNER_EMAIL, OWNER_PASSWORD).await;
    app.state.clock.advance(Duration::seconds(30));
    let res = app
        .submit_as(&app.client, "/admin/login", "/admin/login/code", &[("code", &code_at(&secret, now()).unwrap())])
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    pages.push(("/admin/users".into(), app.page("/admin/users").await.1));
    harness::assert_valid_html(&pages);
}
