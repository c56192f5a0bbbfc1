//! Staff invitations, and what staff may and may not do (issue 2).

mod common;

use common::*;
use reqwest::StatusCode;

const STAFF_PASSWORD: &str = "saffron-bicycle-77";

/// The owner invites `email` as staff; returns the invitation link's path.
async fn invite(app: &TestApp, email: &str) -> String {
    let res = app.submit("/admin/users", "/admin/users/invite", &[("email", email), ("role", "staff")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let at = html.find("/admin/invite?token=").expect("the page shows the link once");
    assert!(html.contains(&format!("value=\"{}/admin/invite?token=", app.base)), "a full link to the shop's address");
    let link = &html[at..];
    link[..link.find('"').unwrap()].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invited_staff_join_and_are_kept_out_of_owner_pages() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let link = invite(&app, "ravi@example.com").await;
    // Mail is not set up: the owner shares the link, which never waits in the outbox.
    assert_eq!(app.count("SELECT count(*) FROM outbox"), 0);

    let staff = browser();
    let (status, html) = {
        let res = app.get_as(&staff, &link).await;
        (res.status(), res.text().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("ravi@example.com"));
    let token = link.split("token=").nth(1).unwrap();
    let res = app
        .submit_as(
            &staff,
            &link,
            "/admin/invite",
            &[("token", token), ("name", "Ravi"), ("password", "short"), ("confirm", "short")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit_as(
            &staff,
            &link,
            "/admin/invite",
            &[("token", token), ("name", "Ravi"), ("password", STAFF_PASSWORD), ("confirm", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&staff, "/admin").await.status(), StatusCode::OK);

    // Staff: no settings, users, audit, jobs or outbox; neither to read nor to change.
    for page in ["/admin/settings", "/admin/checkout", "/admin/users", "/admin/audit", "/admin/jobs", "/admin/outbox"] {
        assert_eq!(app.get_as(&staff, page).await.status(), StatusCode::FORBIDDEN, "{page}");
    }
    let res = app
        .submit_as(&staff, "/admin", "/admin/users/invite", &[("email", "eve@example.com"), ("role", "owner")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM one_time_tokens WHERE email = 'eve@example.com'"), 0);
    let res = app.submit_as(&staff, "/admin", "/admin/settings", &[("name", "Mine now"), ("currency", "USD")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The staff dashboard has no owner links.
    let html = app.get_as(&staff, "/admin").await.text().await.unwrap();
    assert!(!html.contains("href=\"/admin/settings\""));

    // The link worked once.
    let res = app.get_as(&browser(), &link).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The owner removes the staff member, whose session ends at once.
    let id: i64 =
        app.db().query_row("SELECT id FROM users WHERE email = 'ravi@example.com'", [], |r| r.get(0)).unwrap();
    let res = app.submit("/admin/users", &format!("/admin/users/{id}/remove"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&staff, "/admin").await.status(), StatusCode::SEE_OTHER);
    for action in ["user.invite", "user.join", "user.remove"] {
        assert_eq!(app.count(&format!("SELECT count(*) FROM audit_log WHERE action = '{action}'")), 1, "{action}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites_can_be_withdrawn_and_expire() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let link = invite(&app, "mina@example.com").await;
    let id: i64 = app
        .db()
        .query_row("SELECT id FROM one_time_tokens WHERE email = 'mina@example.com'", [], |r| r.get(0))
        .unwrap();
    let res = app.submit("/admin/users", &format!("/admin/invites/{id}/revoke"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&browser(), &link).await.status(), StatusCode::NOT_FOUND);

    let link = invite(&app, "mina@example.com").await;
    app.db()
        .execute("UPDATE one_time_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE purpose = 'invite'", [])
        .unwrap();
    let res = app.get_as(&browser(), &link).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("This link is not valid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_cannot_remove_themselves_or_invite_an_existing_account() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let res = app.submit("/admin/users", "/admin/users/invite", &[("email", OWNER_EMAIL), ("role", "staff")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("already has an account"));
    let res = app.submit("/admin/users", "/admin/users/1/remove", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM users"), 1);
    let (_, html) = app.page("/admin/users").await;
    assert!(html.contains("cannot remove your own account"));
}
