//! `souk demo`: fills an empty shop with a believable catalogue, made here (no downloads), and
//! (`--orders`, in `demo/orders.rs`) gives it an order history.

mod orders;

pub use orders::{History, fill_orders};

use chrono::{Duration, Utc};
use rusqlite::Connection;

use crate::app::Actor;
use crate::db::{self, catalog, settings};
use crate::domain::catalog::{ProductStatus, slugify};

struct Line {
    collection: &'static str,
    items: &'static [&'static str],
    /// Base price in rupees.
    price: i64,
    sizes: &'static [&'static str],
    colours: &'static [&'static str],
    blurb: &'static str,
}

const LINES: &[Line] = &[
    Line {
        collection: "Kurtas & Tops",
        items: &[
            "Hand-block Printed Kurta",
            "Chikankari Cotton Kurta",
            "Ikat Short Kurti",
            "Linen Tunic",
            "Khadi Shirt",
            "Kalamkari Top",
            "Bandhani Kurta",
        ],
        price: 1299,
        sizes: &["S", "M", "L", "XL"],
        colours: &["Indigo", "Rust"],
        blurb: "Soft, breathable cotton, cut for everyday comfort. Hand-finished by artisans we know by name.",
    },
    Line {
        collection: "Sarees",
        items: &[
            "Chanderi Silk Saree",
            "Kota Doria Saree",
            "Mul Cotton Saree",
            "Banarasi Silk Saree",
            "Jamdani Saree",
            "Tussar Silk Saree",
        ],
        price: 3499,
        sizes: &[],
        colours: &["Mustard", "Teal", "Maroon"],
        blurb: "Six yards of handloom, with a running blouse piece. Dry clean for the first wash.",
    },
    Line {
        collection: "Jewellery",
        items: &[
            "Oxidised Jhumkas",
            "Silver Toe Rings",
            "Terracotta Necklace",
            "Brass Cuff",
            "Kundan Studs",
            "Beaded Anklet",
            "Temple Pendant",
        ],
        price: 499,
        sizes: &[],
        colours: &[],
        blurb: "Light enough to wear all day; nickel-free and gift-boxed.",
    },
    Line {
        collection: "Home & Living",
        items: &[
            "Dhurrie Rug",
            "Block-print Cushion Cover",
            "Brass Diya Set",
            "Jute Table Runner",
            "Blue Pottery Vase",
            "Kantha Throw",
            "Copper Bottle",
        ],
        price: 899,
        sizes: &[],
        colours: &["Natural", "Indigo"],
        blurb: "Made in small batches, so each piece differs a little from the photo.",
    },
    Line {
        collection: "Bags",
        items: &[
            "Canvas Tote",
            "Embroidered Potli",
            "Leather Sling Bag",
            "Jute Shopper",
            "Mirror-work Clutch",
            "Kantha Laptop Sleeve",
        ],
        price: 749,
        sizes: &[],
        colours: &["Black", "Tan"],
        blurb: "Roomy, sturdy, and lined inside, with an inner pocket for your phone.",
    },
    Line {
        collection: "Gifts",
        items: &[
            "Masala Chai Gift Box",
            "Handmade Soap Trio",
            "Festive Sweets Hamper",
            "Scented Candle Pair",
            "Spice Sampler",
            "Rakhi Set",
            "Gift Card",
        ],
        price: 399,
        sizes: &[],
        colours: &[],
        blurb: "Wrapped and ready to give, with a handwritten note if you ask on WhatsApp.",
    },
];

/// The demo fills only an empty catalogue, so it never mixes with a seller's products.
fn ensure_empty(conn: &Connection) -> Result<(), String> {
    let existing: i64 = conn.query_row("SELECT count(*) FROM products", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    match existing {
        0 => Ok(()),
        n => Err(format!("the catalogue already has {n} products; `souk demo` fills only an empty shop")),
    }
}

/// Option names in order ("Size", then "Colour"), leaving no gap when a line has only colours.
fn option_names(line: &Line) -> [String; 3] {
    let mut names = [(!line.sizes.is_empty()).then_some("Size"), (!line.colours.is_empty()).then_some("Colour")]
        .into_iter()
        .flatten();
    [names.next().unwrap_or("").into(), names.next().unwrap_or("").into(), String::new()]
}

/// A product photo drawn here: a soft two-colour gradient with a woven pattern, 480×600.
fn photo(seed: usize) -> image::DynamicImage {
    const PALETTE: [[u8; 3]; 8] = [
        [38, 70, 143],
        [200, 90, 40],
        [30, 120, 100],
        [180, 50, 80],
        [210, 160, 40],
        [90, 60, 140],
        [60, 130, 180],
        [140, 100, 70],
    ];
    let (a, b) = (PALETTE[seed % 8], PALETTE[(seed * 3 + 1) % 8]);
    let stripe = 12 + (seed % 5) as u32 * 4;
    let img = image::RgbImage::from_fn(480, 600, |x, y| {
        let t = y as f32 / 600.0;
        let weave = if ((x / stripe) + (y / stripe)).is_multiple_of(2) { 1.0 } else { 0.86 };
        let mix = |i: usize| ((f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t) * weave) as u8;
        image::Rgb([mix(0), mix(1), mix(2)])
    });
    image::DynamicImage::ImageRgb8(img)
}

/// Fills an empty catalogue, with drawn photos when `with_photos`; refuses when products already
/// exist. Returns how many products it made.
pub fn fill(conn: &Connection, with_photos: bool) -> Result<usize, String> {
    ensure_empty(conn)?;
    let run = || -> rusqlite::Result<usize> {
        demo_shop(conn)?;
        let start = Utc::now() - Duration::days(60);
        let mut made = 0usize;
        for (li, line) in LINES.iter().enumerate() {
            let cid = catalog::insert_collection(
                conn,
                &slugify(line.collection),
                line.collection,
                line.blurb,
                true,
                li as i64,
                &db::now(),
            )?;
            for (ii, item) in line.items.iter().enumerate() {
                let n = made as i64;
                let created = db::ts(start + Duration::hours(n * 31));
                // One drop a few days ahead, so the demo shows a countdown.
                let publish_at = (li == 0 && ii == 0).then(|| db::ts(Utc::now() + Duration::days(3)));
                let product = catalog::NewProduct {
                    slug: slugify(item),
                    title: item.to_string(),
                    description_md: format!(
                        "{}\n\n- Handmade in India\n- Ships in 2–4 days\n- Easy returns within 7 days",
                        line.blurb
                    ),
                    status: ProductStatus::Active,
                    tags: format!("{},handmade", slugify(line.collection).replace('-', " ")),
                    options: option_names(line),
                    publish_at,
                };
                let pid = catalog::insert_product(conn, &product, &created)?;
                conn.execute("UPDATE products SET created_at = ?1, updated_at = ?1 WHERE id = ?2", (&created, pid))?;
                let price = (line.price + (n % 5) * 100) * 100;
                let sizes: Vec<&str> = if line.sizes.is_empty() { vec![""] } else { line.sizes.to_vec() };
                let colours: Vec<&str> = if line.colours.is_empty() { vec![""] } else { line.colours.to_vec() };
                let mut pos = 0;
                for size in &sizes {
                    for colour in &colours {
                        let code: String = item.split_whitespace().map(|w| w.chars().next().unwrap_or('X')).collect();
                        let sku = [
                            format!("{}{}", code.to_uppercase(), pid),
                            size.to_string(),
                            colour.chars().take(3).collect::<String>().to_uppercase(),
                        ]
                        .into_iter()
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join("-");
                        let variant = catalog::NewVariant {
                            sku,
                            // Values in the order of the names: the first option is never empty.
                            options: {
                                let mut values =
                                    [size.to_string(), colour.to_string()].into_iter().filter(|v| !v.is_empty());
                                [values.next().unwrap_or_default(), values.next().unwrap_or_default(), String::new()]
                            },
                            price: price + if *size == "XL" { 10000 } else { 0 },
                            // A quarter off, from a round "was" price ending in 99.
                            compare_at_price: (n % 4 == 1).then_some((price * 5 / 4) / 10000 * 10000 + 9900),
                            track_stock: line.collection != "Gift Card" && *item != "Gift Card",
                            allow_backorder: line.collection == "Home & Living" && n % 3 == 0,
                            max_per_order: (li == 0 && ii == 0).then_some(2),
                            barcode: String::new(),
                            // Parcel weight in grams, for delivery rates by weight.
                            weight_grams: Some(200 + 50 * ii as i64),
                        };
                        let vid = catalog::insert_variant(conn, pid, pos, &variant)?;
                        // A spread of stock: plenty, a few left, and some sold out.
                        let stock = match (n + pos) % 7 {
                            0 => 0,
                            1 | 2 => 3,
                            _ => 12 + (n + pos) % 20,
                        };
                        if stock > 0 {
                            catalog::adjust_stock(conn, vid, stock, "demo stock", "demo", &created)?;
                        }
                        pos += 1;
                    }
                }
                if with_photos {
                    let processed = crate::images::renditions(&photo(made));
                    catalog::insert_image(conn, pid, &format!("{item}, photographed flat"), &processed, &created)?;
                }
                catalog::add_to_collection(conn, cid, pid)?;
                made += 1;
            }
        }
        checkout_methods(conn)?;
        Actor::cli().record(conn, "demo", "catalogue", &format!("{made} products"))?;
        Ok(made)
    };
    run().map_err(|e| e.to_string())
}

/// Names a shop still called "My Shop" as the demo's, in rupees and on Indian WhatsApp numbers.
fn demo_shop(conn: &Connection) -> rusqlite::Result<()> {
    let mut shop = settings::get(conn)?;
    if shop.name == "My Shop" {
        shop.name = "Souk Demo Bazaar".into();
        shop.currency = "INR".into();
        shop.currency_minor_units = 2;
        shop.country_calling_code = "91".into();
        shop.whatsapp_number = "+919876543210".into();
        shop.address = "Johari Bazaar, Jaipur".into();
        shop.intro = "Hand-block prints, silk and silver from the workshops of Jaipur.\n\nOrder here or on WhatsApp; cash on delivery across India.".into();
        shop.accent_color = "#b45309".into();
        settings::update(conn, &shop, &db::now())?;
        // Silver made to measure: the demo takes custom-order requests.
        settings::set_custom_orders(conn, true, &db::now())?;
    }
    Ok(())
}

/// The demo's ways to get and pay for an order (PRODUCT.md): delivery `pickup` and `standard`,
/// payment `cod`, `bank` and `upi`. Added only where the shop has none yet.
pub fn checkout_methods(conn: &Connection) -> rusqlite::Result<()> {
    use crate::domain::checkout::{DeliveryKind, DeliveryMethod, PaymentKind, PaymentMethod, Zone};
    let none = |table: &str| -> rusqlite::Result<bool> {
        conn.query_row(&format!("SELECT count(*) = 0 FROM {table}"), [], |r| r.get(0))
    };
    if none("delivery_methods")? {
        let pickup = DeliveryMethod {
            id: 0,
            code: "pickup".into(),
            name: "Pick up from the shop".into(),
            kind: DeliveryKind::Pickup,
            fee: 0,
            free_over: None,
            details: "Ready the next day, 11 am to 7 pm.".into(),
            zones: vec![],
        };
        let standard = DeliveryMethod {
            id: 0,
            code: "standard".into(),
            name: "Courier".into(),
            kind: DeliveryKind::Zones,
            fee: 0,
            free_over: Some(150_000),
            details: "2 to 5 days.".into(),
            zones: vec![
                Zone { name: "Same city".into(), areas: vec!["Jaipur".into(), "302".into()], fee: 4_900 },
                Zone {
                    name: "Rajasthan".into(),
                    areas: vec!["Rajasthan".into(), "30".into(), "31".into(), "32".into(), "33".into(), "34".into()],
                    fee: 79_00,
                },
                Zone { name: "Rest of India".into(), areas: (1..=8).map(|d| d.to_string()).collect(), fee: 9_900 },
            ],
        };
        db::checkout::insert_delivery(conn, &pickup, 0)?;
        db::checkout::insert_delivery(conn, &standard, 1)?;
    }
    if none("payment_methods")? {
        let method = |code: &str, kind, name: &str, instructions: &str, account: &str| PaymentMethod {
            id: 0,
            code: code.into(),
            kind,
            name: name.into(),
            instructions: instructions.into(),
            account: account.into(),
            network: String::new(),
            explorer_url: String::new(),
        };
        let methods = [
            method("cod", PaymentKind::Cod, "Cash on delivery", "", ""),
            method(
                "bank",
                PaymentKind::Bank,
                "Bank transfer",
                "Souk Demo Bazaar, account 000111222333, IFSC DEMO0000001. Put the order code in the reference.",
                "",
            ),
            method("upi", PaymentKind::Upi, "UPI", "", "soukdemo@upi"),
        ];
        for (i, m) in methods.iter().enumerate() {
            db::checkout::insert_payment(conn, m, i as i64)?;
        }
    }
    Ok(())
}

/// A large shop for trying Souk at scale and for benchmarks: `products` products of `variants`
/// sizes each, across the demo's collections, stock through the ledger. Refuses a non-empty shop.
pub fn fill_bulk(conn: &Connection, products: usize, variants: usize) -> Result<usize, String> {
    const SIZES: [&str; 8] = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"];
    ensure_empty(conn)?;
    let variants = variants.clamp(1, SIZES.len());
    let run = || -> rusqlite::Result<usize> {
        let now = db::now();
        let collections: Vec<i64> = LINES
            .iter()
            .enumerate()
            .map(|(i, l)| {
                catalog::insert_collection(conn, &slugify(l.collection), l.collection, l.blurb, true, i as i64, &now)
            })
            .collect::<Result<_, _>>()?;
        let start = Utc::now() - Duration::days(365);
        for i in 0..products {
            let line = &LINES[i % LINES.len()];
            let title = format!("{} No. {}", line.items[(i / LINES.len()) % line.items.len()], i + 1);
            let created = db::ts(start + Duration::seconds(i as i64 * 60));
            let product = catalog::NewProduct {
                slug: slugify(&title),
                title: title.clone(),
                description_md: format!("{}\n\n- Handmade in India\n- Ships in 2–4 days", line.blurb),
                status: ProductStatus::Active,
                tags: format!("{},handmade", slugify(line.collection).replace('-', " ")),
                options: [if variants > 1 { "Size".into() } else { String::new() }, String::new(), String::new()],
                publish_at: None,
            };
            let pid = catalog::insert_product(conn, &product, &created)?;
            for (pos, size) in SIZES.iter().take(variants).enumerate() {
                let v = catalog::NewVariant {
                    sku: format!("B{pid}-{size}"),
                    options: [
                        if variants > 1 { size.to_string() } else { String::new() },
                        String::new(),
                        String::new(),
                    ],
                    price: (line.price + (i % 9) as i64 * 100) * 100,
                    track_stock: true,
                    ..Default::default()
                };
                let vid = catalog::insert_variant(conn, pid, pos as i64, &v)?;
                catalog::adjust_stock(conn, vid, ((i + pos) % 30) as i64, "demo stock", "demo", &created)?;
            }
            catalog::add_to_collection(conn, collections[i % collections.len()], pid)?;
        }
        Actor::cli().record(conn, "demo", "catalogue", &format!("{products} products, {variants} variants each"))?;
        checkout_methods(conn)?;
        Ok(products)
    };
    run().map_err(|e| e.to_string())
}
