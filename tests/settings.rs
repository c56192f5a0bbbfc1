//! The shop profile in the admin, and the storefront layout that shows it (issue 2).

mod common;

use common::*;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_edits_the_shop_profile_and_the_storefront_shows_it() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let res = app
        .submit(
            "/admin/settings",
            "/admin/settings",
            &[
                ("name", "Asha's Kitchen"),
                ("currency", "inr"),
                ("currency_minor_units", ""),
                ("country_calling_code", "91"),
                ("whatsapp_number", "098765 43210"),
                ("contact_email", "hello@ashas.example"),
                ("address", "12 MG Road, Bengaluru"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/admin/settings").await;
    assert!(html.contains("Settings saved."));
    assert!(html.contains("value=\"+919876543210\""), "the number is stored in E.164");
    let (cur, minor): (String, i64) = app
        .db()
        .query_row("SELECT currency, currency_minor_units FROM shop_settings", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((cur.as_str(), minor), ("INR", 2));
    let detail: String =
        app.db().query_row("SELECT detail FROM audit_log WHERE action = 'settings.update'", [], |r| r.get(0)).unwrap();
    assert!(detail.contains("whatsapp_number") && detail.contains("currency"), "{detail}");

    let (_, store) = app.page("/").await;
    assert!(store.contains("https://wa.me/919876543210"));
    assert!(store.contains("12 MG Road, Bengaluru"));
    assert!(store.contains("hello@ashas.example"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_settings_come_back_with_a_message_at_each_field() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let res = app
        .submit(
            "/admin/settings",
            "/admin/settings",
            &[
                ("name", ""),
                ("currency", "RUPEES"),
                ("country_calling_code", "91"),
                ("whatsapp_number", "12"),
                ("contact_email", "not-an-email"),
                ("address", "<script>alert(1)</script>"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for msg in ["Enter the shop&#39;s name", "three-letter ISO currency code", "like +91", "like shop@example.com"] {
        assert!(html.contains(msg) || html.contains(&msg.replace("&#39;", "'")), "missing {msg}");
    }
    assert!(html.contains("&lt;script&gt;"), "what was typed is shown back, escaped");
    assert!(!html.contains("<script>alert(1)</script>"));
    let name: String = app.db().query_row("SELECT name FROM shop_settings", [], |r| r.get(0)).unwrap();
    assert_eq!(name, "Asha's Kitchen", "nothing was saved");
}
