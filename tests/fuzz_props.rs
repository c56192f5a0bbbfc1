//! The fuzz targets on stable (issue 14): every input kept in `fuzz/seeds/<target>/` and
//! `fuzz/regressions/<target>/` replayed, then each target driven by property tests: arbitrary
//! bytes, the seeds mutated, and inputs shaped like the real thing (a form body, an order's JSON,
//! Markdown made of the characters that matter). The bodies, with the promises they check, are
//! `souk::fuzzing`; `fuzz/run` runs the same functions under libFuzzer on nightly.
//!
//! The random choices are the same on every run (seed 20261202); `PROPTEST_RNG_SEED=<n>` and
//! `PROPTEST_CASES=<n>` explore further. A failure prints the smallest input found: save it as a
//! file in `fuzz/regressions/<target>/` and it is replayed here from then on.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};
use souk::fuzzing;

/// The files kept for a target: its seeds, then the inputs that once broke it.
fn kept(name: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(name)) else { continue };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        paths.sort();
        files.extend(paths.into_iter().map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        }));
    }
    files
}

#[test]
fn every_target_has_a_fuzz_binary_and_seeds() {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).unwrap();
    for (name, _) in fuzzing::TARGETS {
        let source = std::fs::read_to_string(fuzz.join("fuzz_targets").join(format!("{name}.rs"))).unwrap();
        assert!(source.contains(&format!("souk::fuzzing::{name}(data)")), "fuzz_targets/{name}.rs");
        assert!(manifest.contains(&format!("name = \"{name}\"")), "fuzz/Cargo.toml has no [[bin]] {name}");
        assert!(!kept(name).is_empty(), "fuzz/seeds/{name}/ is empty");
    }
}

#[test]
fn kept_inputs_replay_cleanly() {
    let mut broken = Vec::new();
    for (name, run) in fuzzing::TARGETS {
        for (path, bytes) in kept(name) {
            if catch_unwind(AssertUnwindSafe(|| run(&bytes))).is_err() {
                broken.push(path.display().to_string());
            }
        }
    }
    assert!(broken.is_empty(), "these kept inputs fail again: {broken:#?}");
}

fn config(cases: u32) -> Config {
    let seed = std::env::var("PROPTEST_RNG_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261202);
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(cases);
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

/// A kept input with a few bytes overwritten, some inserted, and maybe cut short.
fn mutated(name: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let seeds: Vec<Vec<u8>> = kept(name).into_iter().map(|(_, b)| b).collect();
    let edits = proptest::collection::vec((any::<usize>(), any::<u8>(), any::<bool>()), 0..6);
    (0..seeds.len(), edits, proptest::option::of(any::<usize>())).prop_map(move |(i, edits, cut)| {
        let mut bytes = seeds[i].clone();
        for (at, byte, insert) in edits {
            let at = at % (bytes.len() + 1);
            if insert || at == bytes.len() {
                bytes.insert(at, byte);
            } else {
                bytes[at] = byte;
            }
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % (bytes.len() + 1));
        }
        bytes
    })
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..300)
}

/// Text as people type it into a field: any characters, with the awkward ones made likely.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,30}",
        "(?s)[ \\t\\n\\r\\x00\\x7f\u{200b}\u{202e}a-zA-Z0-9+()&=%;:,.\"'<>-]{0,30}",
        Just(String::new()),
        "[a-z ]{1,12}",
    ]
}

fn phone_text() -> impl Strategy<Value = String> {
    prop_oneof!["[+0-9 ()./-]{0,24}", "\\+?[0-9]{6,16}", "(00|0|\\+)[1-9][0-9 ]{6,14}", typed()]
}

fn one_of(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![proptest::sample::select(options).prop_map(str::to_string), typed()]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn phone(country in any::<u8>(), number in phone_text()) {
        let mut data = vec![country];
        data.extend(number.as_bytes());
        fuzzing::phone(&data);
    }

    #[test]
    fn phone_bytes(data in prop_oneof![bytes(), mutated("phone")]) {
        fuzzing::phone(&data);
    }

    #[test]
    fn whatsapp_message(
        template in prop_oneof![Just(String::new()), "(?s)(\\{code\\}|\\{items\\}|\\{total\\}|\\{delivery\\}|\\{payment\\}|.){0,40}"],
        parts in proptest::collection::vec("(?s).{0,60}", 5),
        number in phone_text(),
        long in 0usize..2,
    ) {
        let mut fields = vec![template];
        fields.extend(parts);
        if long == 1 {
            fields[2] = fields[2].repeat(40);
        }
        fields.push(number);
        let data: Vec<u8> = fields.iter().map(|f| f.as_bytes()).collect::<Vec<_>>().join(&0xFF);
        fuzzing::whatsapp_message(&data);
    }

    #[test]
    fn whatsapp_message_bytes(data in prop_oneof![bytes(), mutated("whatsapp_message")]) {
        fuzzing::whatsapp_message(&data);
    }

    #[test]
    fn markdown(tokens in proptest::collection::vec(prop_oneof![
        proptest::sample::select(&[
            "[", "]", "(", ")", "](", "![", "<", ">", "\"", "'", "`", "*", "_", "~~", "#", "|", "-", "\n", "\t", " ",
            "\n\n", "&", "&#106;", "&#x3A;", "&colon;", "%6A", "\\", "javascript:", "JaVaScRiPt:", "java\tscript:",
            " javascript:", "vbscript:", "data:text/html,", "http://a.b/", "mailto:x@y", "tel:1", "/x", "#top",
            "<script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:x\">", "<!--", "-->", "<![CDATA[",
            "onerror=", "\u{0}", "|:-|", "1. ", "> ", "```",
        ][..]).prop_map(str::to_string),
        "[a-z]{1,5}",
    ], 0..40)) {
        fuzzing::markdown(tokens.concat().as_bytes());
    }

    #[test]
    fn markdown_bytes(data in prop_oneof![bytes(), mutated("markdown")]) {
        fuzzing::markdown(&data);
    }

    #[test]
    fn search(
        products in proptest::collection::vec(proptest::collection::vec(prop_oneof![
            proptest::sample::select(&[
                "silk", "silken", "saree", "kurta", "kurti", "cot", "cotton", "Crème", "creme", "CAFÉ", "e\u{301}",
                "कुर्ता", "सूती", "क़", "।", "SKU-1", "sku-12", "İstanbul", "ß", "|", " ", ",", "-", "\u{0}",
            ][..]).prop_map(str::to_string),
            "[a-z]{1,6}",
            typed(),
        ], 0..12), 0..20),
        query in prop_oneof!["[a-z ]{0,12}", "(silk|kur|cot|crem|café|कु|sku|1|-| ){0,5}", typed()],
    ) {
        let mut text: Vec<String> = products.iter().map(|words| words.join(" ").replace('\n', " ")).collect();
        text.push(query);
        fuzzing::search(text.join("\n").as_bytes());
    }

    #[test]
    fn search_bytes(data in prop_oneof![bytes(), mutated("search")]) {
        fuzzing::search(&data);
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn checkout_form(
        name in typed(), phone in phone_text(), email in one_of(&["asha@example.com", "a@b", "@x.y"]),
        delivery in one_of(&["pickup", "courier", "zones", " zones "]),
        payment in one_of(&["cod", "upi", "bank"]),
        address in proptest::collection::vec(one_of(&["Jaipur", "302001", "IN", "in", "12 MG Road"]), 6),
        discount in one_of(&["diwali10", "ÉTÉ"]), note in "(?s).{0,80}", extra in typed(),
    ) {
        let body = serde_urlencoded::to_string([
            ("name", name), ("phone", phone), ("email", email), ("delivery", delivery),
            ("line1", address[0].clone()), ("line2", address[1].clone()), ("city", address[2].clone()),
            ("region", address[3].clone()), ("postal_code", address[4].clone()), ("country", address[5].clone()),
            ("payment", payment), ("discount_code", discount), ("note", note), ("unknown", extra),
        ]).unwrap();
        fuzzing::checkout_form(body.as_bytes());
    }

    #[test]
    fn checkout_form_bytes(data in prop_oneof![bytes(), mutated("checkout_form")]) {
        fuzzing::checkout_form(&data);
    }

    #[test]
    fn api_order_body(
        items in proptest::collection::vec((typed(), prop_oneof![any::<i64>(), 0i64..5]), 0..4),
        name in typed(), phone in phone_text(), email in proptest::option::of(typed()),
        delivery in one_of(&["pickup", "courier", "zones"]), payment in one_of(&["cod", "upi"]),
        address in proptest::option::of(proptest::collection::vec(one_of(&["Jaipur", "302001", "IN"]), 6)),
        note in proptest::option::of(typed()), float_quantity in any::<bool>(),
    ) {
        let items: Vec<serde_json::Value> = items.into_iter().map(|(sku, q)| {
            let quantity = if float_quantity { serde_json::json!(q as f64) } else { serde_json::json!(q) };
            serde_json::json!({"sku": sku, "quantity": quantity})
        }).collect();
        let address = address.map(|a| serde_json::json!({
            "line1": a[0], "line2": a[1], "city": a[2], "region": a[3], "postal_code": a[4], "country": a[5],
        }));
        let body = serde_json::json!({
            "items": items, "customer": {"name": name, "phone": phone, "email": email},
            "delivery": {"method": delivery, "address": address}, "payment": {"method": payment}, "note": note,
        });
        fuzzing::api_order_body(body.to_string().as_bytes());
    }

    #[test]
    fn api_order_body_bytes(data in prop_oneof![bytes(), mutated("api_order_body")]) {
        fuzzing::api_order_body(&data);
    }

    #[test]
    fn product_csv(rows in proptest::collection::vec(proptest::collection::vec(prop_oneof![
        proptest::sample::select(&[
            "kurta", "Kurta", "active", "draft", "archived", "yes", "no", "maybe", "12.50", "-1", "0", "1e3",
            "9999999999999999", "KUR-S", "S", "Size", "A|B", "2|", "2026-12-24T10:00", "\"", "\"\"", ",", "\n", "",
        ][..]).prop_map(str::to_string),
        typed(),
    ], 0..24), 0..5)) {
        let header = "slug,title,status,description,tags,seo_title,seo_description,publish_at,option1_name,option2_name,option3_name,collections,collection_places,sku,option1,option2,option3,price,compare_at_price,track_stock,allow_backorder,max_per_order,on_hand";
        let mut file = String::from(header);
        for row in rows {
            file.push('\n');
            file.push_str(&row.join(","));
        }
        fuzzing::product_csv(file.as_bytes());
    }

    #[test]
    fn product_csv_bytes(data in prop_oneof![bytes(), mutated("product_csv")]) {
        fuzzing::product_csv(&data);
    }
}

proptest! {
    // Each accepted image is encoded to WebP three times: fewer cases.
    #![proptest_config(config(96))]

    #[test]
    fn image(data in prop_oneof![1 => bytes(), 4 => mutated("image")]) {
        fuzzing::image(&data);
    }
}
