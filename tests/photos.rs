//! Product photos: upload from the admin, validation, metadata stripping, serving (issue 3).

mod common;

use std::io::Cursor;

use common::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 200) as u8, (y % 200) as u8, 120]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A JPEG carrying an EXIF block with a marker standing in for GPS coordinates.
fn jpeg_with_exif() -> Vec<u8> {
    let img = image::RgbImage::from_fn(900, 600, |x, _| image::Rgb([(x % 250) as u8, 80, 60]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    let jpeg = out.into_inner();
    let mut payload = b"Exif\0\0MM\0*\0\0\0\x08\0\0\0\0\0\0".to_vec();
    payload.extend_from_slice(b"GPS 12.9716N 77.5946E SECRET-LOCATION");
    let len = (payload.len() + 2) as u16;
    let mut with = jpeg[..2].to_vec();
    with.extend_from_slice(&[0xFF, 0xE1]);
    with.extend_from_slice(&len.to_be_bytes());
    with.extend_from_slice(&payload);
    with.extend_from_slice(&jpeg[2..]);
    with
}

/// A small valid PNG whose header claims 20000×20000 pixels.
fn png_bomb() -> Vec<u8> {
    let mut bytes = png(1, 1);
    bytes[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let mut crc = 0xFFFF_FFFFu32;
    for &b in &bytes[12..29] {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    bytes[29..33].copy_from_slice(&(!crc).to_be_bytes());
    bytes
}

async fn app_with_product(tweak: impl FnOnce(&mut souk::config::Config)) -> (TestApp, String) {
    let app = TestApp::spawn_with(tweak).await;
    app.setup_owner().await;
    let res = app
        .submit(
            "/admin/products/new",
            "/admin/products/new",
            &[("title", "Kantha Throw"), ("status", "active"), ("v0_sku", "KT-1"), ("v0_price", "2499")],
        )
        .await;
    (app, location(&res))
}

async fn upload(app: &TestApp, product: &str, files: Vec<(&str, Vec<u8>)>, with_csrf: bool) -> reqwest::Response {
    let html = app.page(product).await.1;
    let mut form = Form::new().text("alt", "Kantha throw, folded");
    if with_csrf {
        form = form.text("csrf", csrf_from(&html).unwrap());
    }
    for (name, bytes) in files {
        form = form.part("photos", Part::bytes(bytes).file_name(name.to_string()));
    }
    app.client.post(app.url(&format!("{product}/images"))).multipart(form).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_are_uploaded_resized_and_served_without_metadata() {
    let (app, product) = app_with_product(|_| {}).await;
    let res =
        upload(&app, &product, vec![("front.png", png(1500, 1800)), ("camera.jpg", jpeg_with_exif())], true).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&product).await;
    assert!(html.contains("2 photo(s) added."));
    assert_eq!(app.count("SELECT count(*) FROM images"), 2);
    assert_eq!(app.count("SELECT count(*) FROM image_renditions"), 6);

    let (_, page) = app.page("/p/kantha-throw").await;
    let id: i64 = app.db().query_row("SELECT id FROM images ORDER BY position LIMIT 1", [], |r| r.get(0)).unwrap();
    assert!(
        page.contains(&format!("srcset=\"/img/{id}/320 320w, /img/{id}/640 640w, /img/{id}/1280 1280w\"")),
        "{page}"
    );
    assert!(page.contains("alt=\"Kantha throw, folded\""));
    assert!(page.contains(&format!("property=\"og:image\" content=\"{}/img/{id}/1280\"", app.base)));

    let res = app.get(&format!("/img/{id}/640")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/webp");
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 640);

    let blobs: Vec<Vec<u8>> = app
        .db()
        .prepare("SELECT data FROM image_renditions")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for b in blobs {
        let text = String::from_utf8_lossy(&b);
        assert!(!text.contains("SECRET-LOCATION") && !text.contains("Exif"), "metadata never survives");
    }
    assert_eq!(app.get("/img/999/640").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_stores_nothing_and_says_why() {
    let (app, product) = app_with_product(|c| c.uploads.max_image_mb = 1).await;
    let res = upload(
        &app,
        &product,
        vec![("good.png", png(300, 300)), ("photo.jpg", b"just some text, not a picture".to_vec())],
        true,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&product).await;
    assert!(html.contains("Nothing was uploaded. photo.jpg is not a JPEG, PNG or WebP image."), "{html}");

    upload(&app, &product, vec![("huge.png", png_bomb())], true).await;
    let (_, html) = app.page(&product).await;
    assert!(html.contains("huge.png is 20000×20000 pixels; the most is 50 megapixels."));

    let noise: Vec<u8> = (0..1_500_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    upload(&app, &product, vec![("big.png", noise)], true).await;
    let (_, html) = app.page(&product).await;
    assert!(html.contains("big.png is 2 MB; the most is 1 MB."), "{html}");
    assert_eq!(app.count("SELECT count(*) FROM images"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_without_the_csrf_token_is_refused() {
    let (app, product) = app_with_product(|_| {}).await;
    let res = upload(&app, &product, vec![("front.png", png(100, 100))], false).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM images"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_can_be_described_reordered_and_deleted() {
    let (app, product) = app_with_product(|_| {}).await;
    upload(&app, &product, vec![("a.png", png(200, 200)), ("b.png", png(210, 200)), ("c.png", png(220, 200))], true)
        .await;
    let ids = app.ints("SELECT id FROM images ORDER BY position");
    let last = format!("{product}/images/{}", ids[2]);
    app.submit(&product, &last, &[("alt", "Close-up of the stitching"), ("position", "1")]).await;
    let order = app.ints("SELECT id FROM images ORDER BY position");
    assert_eq!(order, [ids[2], ids[0], ids[1]]);
    let alt: String = app.db().query_row("SELECT alt FROM images WHERE id = ?1", [ids[2]], |r| r.get(0)).unwrap();
    assert_eq!(alt, "Close-up of the stitching");
    app.submit(&product, &format!("{product}/images/{}", ids[0]), &[("alt", ""), ("position", "2"), ("delete", "1")])
        .await;
    assert_eq!(app.count("SELECT count(*) FROM images"), 2);
    assert_eq!(app.count("SELECT count(*) FROM image_renditions"), 6);
    // Deleting the photo the listing shows moves the card to the next one.
    app.submit(&product, &format!("{product}/images/{}", ids[2]), &[("alt", ""), ("position", "1"), ("delete", "1")])
        .await;
    assert_eq!(app.ints("SELECT image_id FROM products"), [ids[1]]);
    assert!(souk::db::catalog::card_mismatches(&app.db()).unwrap().is_empty());
    let (_, home) = app.page("/").await;
    assert!(home.contains(&format!("/img/{}/640", ids[1])));
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'product.photo%'"), 4);
    // The newest photo was deleted; a new one never takes its id, since browsers keep photo URLs
    // for a year (immutable) and would go on showing the deleted picture.
    upload(&app, &product, vec![("d.png", png(230, 200))], true).await;
    let newest = *app.ints("SELECT id FROM images ORDER BY id").last().unwrap();
    assert!(newest > ids[2], "a new photo gets a new id: {newest} after {ids:?}");
    assert_eq!(app.get(&format!("/img/{}/640", ids[2])).await.status(), StatusCode::NOT_FOUND);
}

#[test]
fn the_demo_draws_a_photo_for_every_product() {
    let dir = tempfile::tempdir().unwrap();
    let db = souk::db::Db::open(&dir.path().join("souk.db"), 5000, 0, 2).unwrap();
    db.write_blocking(|tx| souk::demo::fill(tx, true).map_err(souk::error::AppError::Conflict)).unwrap();
    let conn = db.conn().unwrap();
    let missing: i64 = conn
        .query_row(
            "SELECT count(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.product_id = p.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(missing, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_tied_to_a_variant_leads_the_gallery_when_that_variant_is_chosen() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let res = app
        .submit(
            "/admin/products/new",
            "/admin/products/new",
            &[
                ("title", "Leaf Scarf"),
                ("status", "active"),
                ("option1", "Colour"),
                ("v0_o1", "Saffron"),
                ("v0_sku", "LS-S"),
                ("v0_price", "650"),
                ("v1_o1", "Leaf"),
                ("v1_sku", "LS-L"),
                ("v1_price", "650"),
            ],
        )
        .await;
    let product = location(&res);
    upload(&app, &product, vec![("saffron.png", png(300, 300)), ("leaf.png", png(310, 300))], true).await;
    let ids = app.ints("SELECT id FROM images ORDER BY position");
    let leaf_variant = app.ints("SELECT id FROM variants WHERE sku = 'LS-L'")[0].to_string();
    let (_, form) = app.page(&product).await;
    assert!(form.contains("<option value=\"\">Any variant</option>"));
    app.submit(
        &product,
        &format!("{product}/images/{}", ids[1]),
        &[("alt", "Leaf green"), ("position", "2"), ("variant", &leaf_variant)],
    )
    .await;

    let first_img = |html: &str| {
        let gallery = &html[html.find("class=\"gallery\"").unwrap()..];
        let src = &gallery[gallery.find("src=\"").unwrap() + 5..];
        src[..src.find('"').unwrap()].to_string()
    };
    let (_, saffron) = app.page("/p/leaf-scarf?variant=LS-S").await;
    assert_eq!(first_img(&saffron), format!("/img/{}/640", ids[0]));
    let (_, leaf) = app.page("/p/leaf-scarf?variant=LS-L").await;
    assert_eq!(first_img(&leaf), format!("/img/{}/640", ids[1]), "the leaf photo leads for the leaf scarf");
    // A variant of another product is not accepted.
    app.submit(
        &product,
        &format!("{product}/images/{}", ids[0]),
        &[("alt", ""), ("position", "1"), ("variant", "999999")],
    )
    .await;
    assert_eq!(app.count(&format!("SELECT count(*) FROM images WHERE id = {} AND variant_id IS NULL", ids[0])), 1);
}

/// Issue 3: WebP from a phone is taken like JPEG and PNG.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webp_photo_is_taken() {
    let (app, product) = app_with_product(|_| {}).await;
    let rgba = image::RgbaImage::from_fn(700, 500, |x, y| image::Rgba([(x % 256) as u8, (y % 256) as u8, 60, 255]));
    let webp = webp::Encoder::from_rgba(rgba.as_raw(), 700, 500).encode(80.0).to_vec();
    let res = upload(&app, &product, vec![("phone.webp", webp)], true).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM images"), 1);
    let (w, h): (i64, i64) =
        app.db().query_row("SELECT width, height FROM images", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((w, h), (700, 500));
    let id = app.count("SELECT id FROM images");
    let small = image::load_from_memory(&app.get(&format!("/img/{id}/320")).await.bytes().await.unwrap()).unwrap();
    assert_eq!(small.width(), 320);
}

/// Issue 14, part 10: a photo of every size of one colour, not only of one SKU.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_can_show_every_variant_with_one_option_value() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let id: i64 =
        app.db().query_row("SELECT id FROM products WHERE slug = 'chikankari-cotton-kurta'", [], |r| r.get(0)).unwrap();
    let edit = format!("/admin/products/{id}");
    let html = app.page(&edit).await.1;
    let mut form = Form::new().text("csrf", csrf_from(&html).unwrap()).text("alt", "Kurta");
    for name in ["indigo.png", "rust.png"] {
        form = form.part("photos", Part::bytes(png(600, 750)).file_name(name.to_string()));
    }
    let res = app.client.post(app.url(&format!("{edit}/images"))).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let photos = app.ints(&format!("SELECT id FROM images WHERE product_id = {id} ORDER BY position"));
    // The form offers each value of each option; the second photo shows every size in Rust.
    let (_, page) = app.page(&edit).await;
    assert!(
        page.contains("value=\"o:1:Rust\"") && page.contains("Every variant with this Colour"),
        "the choice is offered"
    );
    let fields = [("alt", "Kurta in rust"), ("position", "2"), ("variant", "o:1:Rust")];
    let res = app.submit(&edit, &format!("{edit}/images/{}", photos[1]), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app.page(&edit).await.1.contains("value=\"o:1:Rust\" selected"));
    // Every size in rust opens with it; indigo keeps the seller's order.
    for (size, first) in [("S", photos[1]), ("XL", photos[1])] {
        let page = app.get(&format!("/p/chikankari-cotton-kurta?o1={size}&o2=Rust")).await.text().await.unwrap();
        let gallery = &page[page.find("class=\"gallery\"").unwrap()..];
        assert!(
            gallery.find(&format!("/img/{first}/")) < gallery.find(&format!("/img/{}/", photos[0])),
            "{size} in rust"
        );
    }
    let page = app.get("/p/chikankari-cotton-kurta?o1=M&o2=Indigo").await.text().await.unwrap();
    let gallery = &page[page.find("class=\"gallery\"").unwrap()..];
    assert!(gallery.find(&format!("/img/{}/", photos[0])) < gallery.find(&format!("/img/{}/", photos[1])));
    // The script's data: the rust variants name the photo, the indigo ones do not.
    let json = &page[page.find("id=\"variants\"").unwrap()..];
    let json: serde_json::Value =
        serde_json::from_str(&json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()]).unwrap();
    for v in json.as_array().unwrap() {
        let rust = v["sku"].as_str().unwrap().ends_with("-RUS");
        assert_eq!(v["images"].as_array().unwrap().contains(&serde_json::json!(photos[1])), rust, "{v}");
    }
}
