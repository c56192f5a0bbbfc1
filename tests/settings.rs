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

/// Issue 3 (look): the shop's introduction, accent colour and logo, set in the admin, reach the
/// storefront; a colour that would be hard to read is adjusted, a bad one or a non-image refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_gives_the_shop_its_look() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let profile = |accent: &'static str| {
        vec![
            ("name", "Asha's Kitchen"),
            ("currency", "INR"),
            ("intro", "Pickles and papads from our kitchen in Jaipur.\r\nDelivered across Rajasthan."),
            ("accent_color", accent),
        ]
    };
    let res = app.submit("/admin/settings", "/admin/settings", &profile("pink")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("like #0f766e"));
    assert_eq!(
        app.submit("/admin/settings", "/admin/settings", &profile("#FFFF00")).await.status(),
        StatusCode::SEE_OTHER
    );

    let (_, home) = app.page("/").await;
    assert!(
        home.contains("Pickles and papads from our kitchen in Jaipur.<br />\nDelivered across Rajasthan."),
        "{home}"
    );
    assert!(home.contains("<meta property=\"og:description\" content=\"Pickles and papads"));
    assert!(home.contains(&format!("<link rel=\"canonical\" href=\"{}/\">", app.base)));
    assert!(home.contains("<link rel=\"stylesheet\" href=\"/theme/ffff00.css\">"));
    let res = app.get("/theme/ffff00.css").await;
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let css = res.text().await.unwrap();
    // Yellow text on a white page cannot be read: the light scheme gets a darker yellow, the dark
    // scheme keeps it, with dark text on yellow buttons.
    assert!(!css.starts_with(":root{--accent:#ffff00"), "{css}");
    assert!(css.contains("(prefers-color-scheme: dark){:root{--accent:#ffff00;--accent-ink:#1c1917}}"), "{css}");

    // A logo: an image with transparency is kept as WebP; a text file is refused, nothing changed.
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let app = &app;
        async move {
            let html = app.page("/admin/settings").await.1;
            let form = reqwest::multipart::Form::new()
                .text("csrf", csrf_from(&html).unwrap())
                .part("logo", reqwest::multipart::Part::bytes(bytes).file_name(name));
            app.client.post(app.url("/admin/settings/logo")).multipart(form).send().await.unwrap()
        }
    };
    upload("logo.png", b"not an image".to_vec()).await;
    assert!(app.page("/admin/settings").await.1.contains("The logo was not changed. logo.png is not a JPEG"));
    let png = {
        let img = image::RgbaImage::from_fn(1200, 300, |x, _| image::Rgba([200, 30, 90, (x % 256) as u8]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    assert_eq!(upload("logo.png", png).await.status(), StatusCode::SEE_OTHER);
    let (_, home) = app.page("/").await;
    let at = home.find("src=\"/logo/").expect("the logo in the header");
    let url = home[at + 5..].split('"').next().unwrap().to_string();
    // 1200×300 shown 40 high: the page keeps a 160-pixel place for it before it loads.
    assert!(home[at..].starts_with(&format!("src=\"{url}\" alt=\"\" width=\"160\" height=\"40\"")));
    let res = app.get(&url).await;
    assert_eq!(res.headers()["content-type"], "image/webp");
    let logo = image::load_from_memory(&res.bytes().await.unwrap()).unwrap();
    assert_eq!((logo.width(), logo.height()), (320, 80), "fitted to twice the header's height");
    assert!(logo.color().has_alpha(), "transparency kept");
    assert!(home.contains(&format!("<meta property=\"og:image\" content=\"{}{url}\">", app.base)));
    assert_eq!(
        app.submit("/admin/settings", "/admin/settings", &profile("#ffff00")).await.status(),
        StatusCode::SEE_OTHER
    );
    let home = app.page("/").await.1;
    assert!(
        home.contains(&format!("src=\"{url}\" alt=\"\" width=\"160\" height=\"40\"")),
        "saving the profile keeps the logo, and its size"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'settings.update' AND detail LIKE '%logo%'"),
        0
    );

    let html = app.page("/admin/settings").await.1;
    let res = app
        .client
        .post(app.url("/admin/settings/logo/remove"))
        .form(&[("csrf", csrf_from(&html).unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!app.page("/").await.1.contains("/logo/"));
    assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'settings.logo'"), 2);
    // Saving the profile again keeps the accent and does not bring a removed logo back.
    assert_eq!(
        app.submit("/admin/settings", "/admin/settings", &profile("#be185d")).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(app.page("/").await.1.contains("/theme/be185d.css"));
}

/// Issue 11 (regression): the home page's introduction is Markdown, rendered and made safe like a
/// collection's description (it was shown with its asterisks); its line breaks stay, and link
/// previews get it as plain text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_introduction_is_rendered_as_markdown() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let intro = "**Pickles** and *papads* from [our kitchen](https://example.com/about).\r\nNo <script>alert(1)</script> here, nor [this](javascript:alert(1)).\r\n\r\n- Jaipur\r\n- Ajmer";
    let res = app
        .submit(
            "/admin/settings",
            "/admin/settings",
            &[("name", "Asha's Kitchen"), ("currency", "INR"), ("intro", intro)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, home) = app.page("/").await;
    assert!(home.contains("<strong>Pickles</strong> and <em>papads</em>"), "{home}");
    assert!(home.contains("<a href=\"https://example.com/about\">our kitchen</a>"), "{home}");
    assert!(home.contains("<li>Jaipur</li>"), "{home}");
    assert!(!home.contains("**Pickles**"), "no Markdown shown as typed");
    assert!(home.contains("&lt;script&gt;") && !home.contains("javascript:"), "made safe like descriptions");
    assert!(home.contains("our kitchen</a>.<br />\nNo"), "a typed line break stays: {home}");
    assert!(
        home.contains("<meta name=\"description\" content=\"Pickles and papads from our kitchen. No"),
        "previews get plain text: {home}"
    );
}
