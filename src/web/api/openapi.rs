//! `/api/v1/openapi.json`: the OpenAPI 3.1 description of exactly the routes in `api/mod.rs` and
//! the webhooks Souk sends, kept as the JSON file beside this one and served as it is. The tests
//! check real responses against its schemas, and `.ci/schemathesis` checks the server against it.
//! (It was built by code with serde_json's `json!` until issue 14: 0.45 MiB of machine code for a
//! 52 KB document.)

use actix_web::HttpResponse;
use actix_web::http::header::ContentType;
use serde_json::Value;

/// The document's text.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// The document, parsed once.
fn spec() -> &'static Value {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_str(DOCUMENT).unwrap_or(Value::Null))
}

/// The methods the document gives a path (relative to `/api/v1`, with `{name}` parameters), in
/// upper case: what a 405 answer's `Allow` lists.
pub fn methods_of(path: &str) -> Vec<String> {
    spec()["paths"][path]
        .as_object()
        .map(|ops| {
            ["get", "put", "post", "delete", "patch"]
                .into_iter()
                .filter(|m| ops.contains_key(*m))
                .map(str::to_uppercase)
                .collect()
        })
        .unwrap_or_default()
}

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().content_type(ContentType::json()).body(DOCUMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file is JSON, an OpenAPI 3.1 document, and every `$ref` in it points at a schema it has.
    #[test]
    fn the_document_parses_and_its_references_resolve() {
        let doc: Value = serde_json::from_str(DOCUMENT).expect("openapi.json is JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(r)) = map.get("$ref") {
                        out.push(r);
                    }
                    map.values().for_each(|v| refs(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 50, "{}", found.len());
        for r in found {
            let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{r} is not local"));
            assert!(doc.pointer(pointer).is_some(), "{r} points at nothing");
        }
        assert_eq!(methods_of("/orders/{code}"), ["GET"]);
        assert_eq!(methods_of("/admin/products/{slug}"), ["GET", "PATCH"]);
        assert!(methods_of("/nowhere").is_empty());
    }

    /// Every route the API registers, with its method, is in the document (its 405s read it).
    #[test]
    fn every_route_is_in_the_document() {
        let mut seen = 0;
        for source in [include_str!("mod.rs"), include_str!("admin.rs")] {
            for route in source.split(".route(\"/api/v1").skip(1) {
                let (path, rest) = route.split_once('"').unwrap();
                let method = rest.split_once("web::").unwrap().1.split_once('(').unwrap().0.to_uppercase();
                assert!(methods_of(path).contains(&method), "{method} {path} is not in openapi.json");
                seen += 1;
            }
        }
        assert!(seen >= 16, "{seen}");
    }
}
