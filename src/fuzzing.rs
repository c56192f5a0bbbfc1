//! The fuzz targets' bodies (issue 14): each takes arbitrary bytes, drives one parser or builder
//! that reads what strangers send, and panics when it misbehaves: a panic inside the code under
//! test, or a broken promise checked here (a phone number that is not E.164, a link that is not
//! safe in a URL, HTML that could run script). `fuzz/` runs them under libFuzzer on nightly
//! (`cargo fuzz run <name>`); `tests/fuzz_props.rs` runs the same functions on stable as property
//! tests, and every input kept in `fuzz/regressions/<name>/` as a regression test.
//! Nothing in the shop calls this module.

use crate::domain::checkout::{
    self, Address, CheckoutInput, CheckoutSettings, DeliveryKind, DeliveryMethod, PaymentKind, PaymentMethod, Zone,
};
use crate::domain::shop::{ShopSettings, normalize_phone};
use crate::domain::{catalog, product_csv, product_form, search as product_search, whatsapp};

/// A target's body: arbitrary bytes in, a panic when something is wrong.
pub type Target = fn(&[u8]);

/// Every target, by the name `cargo fuzz run` takes, with its body.
pub const TARGETS: &[(&str, Target)] = &[
    ("phone", phone),
    ("product_csv", product_csv),
    ("checkout_form", checkout_form),
    ("api_order_body", api_order_body),
    ("whatsapp_message", whatsapp_message),
    ("markdown", markdown),
    ("image", image),
    ("search", search),
];

/// Country calling codes a shop may be set to ("" is a shop without one).
const COUNTRIES: &[&str] = &["", "91", "1", "44", "234", "254", "49", "33", "55", "971", "880", "62"];

/// The first byte picks a country; the rest, as text, is the number typed.
pub fn phone(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let cc = COUNTRIES[usize::from(pick) % COUNTRIES.len()];
    let raw = String::from_utf8_lossy(rest);
    if let Ok(e164) = normalize_phone(&raw, cc) {
        check_e164(&e164, &raw);
        // Typed with +, every digit is kept, but for a trunk 0 right after the country code
        // ("+44 (0)20…", "+44 020…").
        if raw.trim_start().starts_with('+') {
            let typed: String = raw.chars().filter(char::is_ascii_digit).collect();
            let kept = &e164[1..];
            let trunk_dropped = (1..=3).any(|p| {
                typed.len() == kept.len() + 1
                    && typed[..p] == kept[..p]
                    && typed.as_bytes()[p] == b'0'
                    && typed[p + 1..] == kept[p..]
            });
            assert!(typed == kept || trunk_dropped, "{raw:?} -> {e164}: digits lost");
        }
        // A normalised number reads the same whatever the shop's country: it is international.
        for other in [cc, "", "91", "1"] {
            assert_eq!(normalize_phone(&e164, other).as_deref(), Ok(e164.as_str()), "{raw:?} -> {e164} in +{other}");
        }
    }
}

fn check_e164(e164: &str, raw: &str) {
    let digits = e164.strip_prefix('+').unwrap_or_else(|| panic!("{raw:?} -> {e164:?}: no +"));
    assert!(
        (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0'),
        "{raw:?} -> {e164:?} is not E.164"
    );
}

/// The bytes as a product CSV file, read and checked as the importer does (parse, then the product
/// form's rules for each product, each problem placed back on the file): never a panic; every
/// problem on a line of the file; every product accepted has a title, a slug, and rows with a SKU
/// and a price from 0.
pub fn product_csv(data: &[u8]) {
    let lines = data.split(|&b| b == b'\n').count() + 1;
    let on_a_line = |e: &product_csv::CsvError| {
        assert!((1..=lines).contains(&e.line), "{e} is past the file's {lines} lines");
        assert!(!e.message.is_empty());
    };
    let products = match product_csv::parse(data) {
        Ok(products) => products,
        Err(errors) => return errors.iter().for_each(on_a_line),
    };
    for mut p in products {
        assert!(!p.lines.is_empty() && p.lines.len() == p.input.rows.len() && p.lines.len() == p.on_hand.len());
        for (row, on_hand) in p.input.rows.iter_mut().zip(&p.on_hand) {
            assert!(*on_hand >= 0);
            row.stock = on_hand.to_string();
        }
        match product_form::validate(&p.input, 2) {
            Ok(v) => {
                assert!(!v.title.trim().is_empty() && catalog::is_slug(&v.slug), "{v:?}");
                assert!(!v.rows.is_empty() && v.rows.iter().all(|r| !r.sku.is_empty() && r.price >= 0), "{v:?}");
            }
            Err(e) => {
                let placed = product_csv::place_errors(&p, &e);
                assert!(!placed.is_empty(), "{e:?} placed nowhere");
                placed.iter().for_each(on_a_line);
            }
        }
    }
}

/// A shop with each kind of delivery and payment, for the checkout targets.
fn shop() -> (ShopSettings, CheckoutSettings, Vec<DeliveryMethod>, Vec<PaymentMethod>) {
    let shop = ShopSettings { country_calling_code: "91".into(), ..ShopSettings::default() };
    let settings = CheckoutSettings {
        order_prefix: "SK".into(),
        whatsapp_flow: true,
        require_email: false,
        whatsapp_template: String::new(),
    };
    let method = |id, code: &str, kind, fee, zones| DeliveryMethod {
        id,
        code: code.into(),
        name: code.into(),
        kind,
        fee,
        free_over: Some(500_000),
        details: String::new(),
        zones,
    };
    let zone = |name: &str, areas: &[&str], fee| Zone {
        name: name.into(),
        areas: areas.iter().map(|a| a.to_string()).collect(),
        fee,
    };
    let deliveries = vec![
        method(1, "pickup", DeliveryKind::Pickup, 0, vec![]),
        method(2, "courier", DeliveryKind::Flat, 9_900, vec![]),
        method(
            3,
            "zones",
            DeliveryKind::Zones,
            0,
            vec![zone("Jaipur", &["jaipur", "302"], 5_000), zone("Rest", &["*"], 15_000)],
        ),
    ];
    let payment = |id, code: &str, kind| PaymentMethod {
        id,
        code: code.into(),
        kind,
        name: code.into(),
        instructions: String::new(),
        account: "souk@upi".into(),
        network: String::new(),
        explorer_url: String::new(),
    };
    let payments = vec![payment(1, "cod", PaymentKind::Cod), payment(2, "upi", PaymentKind::Upi)];
    (shop, settings, deliveries, payments)
}

/// Checks a checkout's customer part the way the form and the API both do, and the promises of
/// what it accepts: clean, bounded text, an E.164 phone, an address only for a delivery.
fn check_customer(input: &CheckoutInput) {
    let (shop, settings, deliveries, payments) = shop();
    let Ok(c) = checkout::validate_customer(input, &shop, &settings, &deliveries, &payments) else { return };
    let clean = |s: &str, multiline| s.chars().all(|ch| !ch.is_control() || (multiline && ch == '\n')) && s.trim() == s;
    assert!(!c.name.is_empty() && c.name.chars().count() <= 100 && clean(&c.name, false), "name {:?}", c.name);
    check_e164(&c.phone, &input.phone);
    assert!(c.note.chars().count() <= 1000 && clean(&c.note, true), "note {:?}", c.note);
    let delivery = deliveries.iter().find(|d| d.code == c.delivery_code).expect("a delivery the shop has");
    assert!(payments.iter().any(|p| p.code == c.payment_code), "payment {:?}", c.payment_code);
    if delivery.needs_address() {
        assert!(!c.address.line1.is_empty() && !c.address.city.is_empty(), "{:?}", c.address);
        let fee = delivery.fee_for(&c.address, 10_000);
        assert!(fee.as_ref().is_ok_and(|f| *f >= 0), "{fee:?}");
    } else {
        assert_eq!(c.address, Address::default());
    }
    if let Some(code) = &c.discount_code {
        assert!(!code.is_empty() && code.chars().count() <= 40 && code.to_uppercase() == *code);
    }
}

/// The bytes as the checkout form's body (`application/x-www-form-urlencoded`).
pub fn checkout_form(data: &[u8]) {
    if let Ok(input) = serde_urlencoded::from_bytes::<CheckoutInput>(data) {
        check_customer(&input);
    }
}

/// The bytes as `POST /api/v1/orders`'s body.
pub fn api_order_body(data: &[u8]) {
    match crate::web::api::read_order_body(data) {
        Ok((input, items)) => {
            assert!((1..=crate::domain::orders::MAX_LINES).contains(&items.len()));
            check_customer(&input);
        }
        Err(crate::web::api::BodyError::Unreadable(message)) => assert!(!message.is_empty()),
        Err(crate::web::api::BodyError::Items) => {}
    }
}

/// Parts split at 0xFF: the seller's template, the order code, items, total, delivery and payment
/// names, the shop's number. The wa.me link is plain ASCII, carries the message cleaned and cut to
/// [`whatsapp::MAX_TEXT`] characters, and decodes back to exactly that.
pub fn whatsapp_message(data: &[u8]) {
    let mut parts = data.split(|&b| b == 0xFF).map(String::from_utf8_lossy);
    let mut next = || parts.next().unwrap_or_default().into_owned();
    let (template, code, items, total, delivery, payment, number) =
        (next(), next(), next(), next(), next(), next(), next());
    let message = checkout::whatsapp_message(&template, &code, &items, &total, &delivery, &payment);
    let Some(url) = whatsapp::link(&number, &message) else {
        assert!(!number.chars().any(|c| c.is_ascii_digit()));
        return;
    };
    let (head, text) = url.split_once("?text=").expect("a text parameter");
    let digits = head.strip_prefix("https://wa.me/").expect("a wa.me link");
    assert!(!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()), "{head}");
    assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)), "unsafe in a URL: {text}");
    let mut decoded = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: String = [bytes.next(), bytes.next()].into_iter().flatten().map(char::from).collect();
            decoded.push(u8::from_str_radix(&hex, 16).expect("%XX"));
        } else {
            decoded.push(b);
        }
    }
    let decoded = String::from_utf8(decoded).expect("the text decodes to UTF-8");
    assert_eq!(decoded, whatsapp::clean_text(&message));
    assert!(decoded.chars().count() <= whatsapp::MAX_TEXT);
    assert!(decoded.chars().all(|c| !c.is_control() || c == '\n'));
}

/// Elements the seller's Markdown may become, and the attributes they may carry.
const TAGS: &[&str] = &[
    "p",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "blockquote",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];
const ATTRIBUTES: &[&str] = &["href", "src", "alt", "title", "start", "style", "class"];

/// The bytes as a seller's Markdown, rendered both ways: only the elements Markdown makes, no
/// event handlers, and every link and image to http(s), mailto, tel or a relative address, read
/// the way a browser reads it (entities decoded, tabs and line breaks dropped).
pub fn markdown(data: &[u8]) {
    let md = String::from_utf8_lossy(data);
    for html in [catalog::markdown_to_html(&md), catalog::markdown_lines_to_html(&md)] {
        check_html(&html);
    }
    let summary = catalog::plain_summary(&md, 160);
    assert!(summary.chars().count() <= 161, "{summary:?}");
}

fn check_html(html: &str) {
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').unwrap_or_else(|| panic!("an unclosed tag in {html:?}"));
        let tag = &after[..end];
        rest = &after[end + 1..];
        let tag = tag.strip_prefix('/').unwrap_or(tag).trim_end_matches('/').trim_end();
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        assert!(TAGS.contains(&name), "<{name}> in {html:?}");
        while !attrs.trim().is_empty() {
            let (attr, value) = attrs.trim_start().split_once("=\"").unwrap_or_else(|| panic!("<{tag}> in {html:?}"));
            let close = value.find('"').unwrap_or_else(|| panic!("<{tag}> in {html:?}"));
            assert!(ATTRIBUTES.contains(&attr), "{attr}= in {html:?}");
            if attr == "href" || attr == "src" {
                check_url(&value[..close], html);
            }
            attrs = &value[close + 1..];
        }
    }
}

fn check_url(value: &str, html: &str) {
    // Only the escapes the renderer writes: any other reference is one a browser would decode.
    const ESCAPES: [(&str, &str); 6] =
        [("&quot;", "\""), ("&lt;", "<"), ("&gt;", ">"), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&")];
    for (at, _) in value.match_indices('&') {
        assert!(ESCAPES.iter().any(|(e, _)| value[at..].starts_with(e)), "a character reference in {value:?}");
    }
    let decoded = ESCAPES.iter().fold(value.to_string(), |v, (e, c)| v.replace(e, c));
    let url: String = decoded.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let url = url.trim_matches(|c: char| c <= ' ').to_ascii_lowercase();
    if let Some((scheme, _)) = url.split_once(':').filter(|(s, _)| !s.contains(['/', '?', '#'])) {
        assert!(matches!(scheme, "http" | "https" | "mailto" | "tel"), "{scheme}: in {html:?}");
    }
}

/// The bytes as an uploaded photo, under small limits: refused, or turned into WebP renditions
/// (never enlarged, so a small photo has fewer than three); never a panic, and never more pixels
/// decoded than the limit allows.
pub fn image(data: &[u8]) {
    let limits = crate::images::Limits { max_bytes: 256 * 1024, max_pixels: 1 };
    if let Ok(processed) = crate::images::process("upload", data, limits) {
        assert!(u64::from(processed.width) * u64::from(processed.height) <= 1_000_000);
        assert!(!processed.renditions.is_empty());
    }
}

/// Lines of text are products (title, description, SKUs and tags split at `|`), the last line the
/// query. Results are products indexed, each once, at most a page; the same query answers the
/// same after another has run (each thread keeps its sums between queries); a product's own title
/// finds it, without the typo retry; and every word of a strict query begins a word of each result.
pub fn search(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines: Vec<&str> = text.split('\n').collect();
    let query = lines.pop().unwrap_or("");
    let docs: Vec<product_search::Doc<'_>> = lines
        .iter()
        .take(64)
        .enumerate()
        .map(|(i, line)| {
            let mut parts = line.splitn(4, '|');
            let mut next = || parts.next().unwrap_or("");
            product_search::Doc { id: i as i64 + 1, title: next(), description: next(), skus: next(), tags: next() }
        })
        .collect();
    let index = product_search::Index::build(docs.iter().copied());
    let limit = 1 + data.len() % 7;
    let first = index.search(query, 0, limit);
    assert!(first.ids.len() <= limit && first.total >= first.ids.len(), "{query:?}: {first:?}");
    let mut ids = first.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), first.ids.len(), "{query:?}: a product twice");
    assert!(ids.iter().all(|id| (1..=docs.len() as i64).contains(id)), "{query:?}: {ids:?}");
    let words = product_search::query_words(query);
    if !first.loose {
        for id in &first.ids {
            let d = docs[*id as usize - 1];
            let all = product_search::query_words_all(&[d.title, d.description, d.skus, d.tags].join(" "));
            for w in &words {
                assert!(all.iter().any(|t| t.starts_with(w.as_str())), "{query:?}: {w:?} not in product {id}");
            }
        }
    }
    for d in &docs {
        let title = product_search::query_words(d.title);
        if !title.is_empty() {
            let hits = index.search(d.title, 0, docs.len());
            assert!(!hits.loose && hits.ids.contains(&d.id), "{:?} does not find itself: {hits:?}", d.title);
        }
    }
    assert_eq!(index.search(query, 0, limit), first, "{query:?} answered differently the second time");
    // Pages are the full order cut in pieces.
    let every = index.search(query, 0, usize::MAX);
    let second = index.search(query, limit, limit);
    assert_eq!(second.ids[..], every.ids[limit.min(every.ids.len())..(2 * limit).min(every.ids.len())], "{query:?}");
}
