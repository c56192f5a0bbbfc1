//! `/api/v1/openapi.json`: the OpenAPI 3.1 description of exactly the routes in `api/mod.rs`. The
//! tests check real responses against its schemas.

use actix_web::HttpResponse;
use serde_json::{Value, json};

pub(super) fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The document itself: the public routes, then the admin API's, and the webhooks Souk sends.
pub fn spec() -> Value {
    let mut doc = public();
    for part in [account(), super::openapi_admin::admin(), super::openapi_webhooks::webhooks()] {
        for (key, target) in [("paths", "/paths"), ("schemas", "/components/schemas"), ("webhooks", "/webhooks")] {
            if let (Some(Value::Object(from)), Some(Value::Object(to))) =
                (part.get(key).cloned(), doc.pointer_mut(target))
            {
                to.extend(from);
            }
        }
    }
    if let Some(Value::Object(schemes)) = doc.pointer_mut("/components/securitySchemes") {
        schemes.insert(
            "accountSession".into(),
            json!({"type": "http", "scheme": "bearer",
                "description": "A customer's session token: the value of the `souk_account` cookie set when they sign in at `/account` with an emailed code or link (30 days; signing out ends it)."}),
        );
    }
    doc
}

/// A signed-in customer's orders.
fn account() -> Value {
    json!({
        "paths": {
            "/account/orders": {"get": {
                "summary": "Every order placed with the account's email (guest orders included), newest first",
                "security": [{"accountSession": []}],
                "responses": {
                    "200": {"description": "The account's orders", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AccountOrders"}}}},
                    "401": error_response("No session token, or one that has expired or was signed out")
                }
            }}
        },
        "schemas": {
            "AccountOrders": {
                "type": "object", "required": ["email", "phone", "orders"], "additionalProperties": false,
                "properties": {
                    "email": {"type": ["string", "null"], "format": "email", "description": "null for an account known only by its WhatsApp number"},
                    "phone": {"type": ["string", "null"], "description": "The WhatsApp number the account proved (E.164), if any"},
                    "orders": {"type": "array", "items": {
                        "type": "object", "additionalProperties": false,
                        "required": ["code", "status", "payment_status", "currency", "total", "items", "created_at"],
                        "properties": {
                            "code": {"type": "string"},
                            "status": {"$ref": "#/components/schemas/Status"},
                            "payment_status": {"type": "string", "enum": ["unpaid", "partially_paid", "paid", "refunded"]},
                            "currency": {"type": "string", "minLength": 3, "maxLength": 3},
                            "total": {"type": "integer", "description": "Minor units of `currency`."},
                            "items": {"type": "integer", "minimum": 0, "description": "Units ordered"},
                            "created_at": {"type": "string", "format": "date-time"}
                        }
                    }}
                }
            }
        }
    })
}

/// The public routes: the shop, products, placing and reading a guest's order.
fn public() -> Value {
    let money = json!({"type": "integer", "description": "Minor units of `currency` (paise, cents)."});
    let line_image = json!({"type": ["string", "null"],
        "description": "The photo shown when the order was placed; it stays when the product's photo is deleted"});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Souk shop API",
            "version": "1",
            "description": "Products and guest orders of one Souk shop, and (with an API token) its order desk. Money is in integer minor units with a `currency`; times are RFC 3339 UTC. Errors are `{\"error\": {\"code\", \"message\", \"fields\"?}}`."
        },
        "servers": [{"url": "/api/v1"}],
        "webhooks": {},
        "paths": {
            "/shop": {"get": {
                "summary": "The shop: name, currency, how orders are delivered and paid",
                "responses": {"200": {"description": "The shop", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shop"}}}}}
            }},
            "/products": {"get": {
                "summary": "Products for sale, newest first",
                "parameters": [
                    {"name": "cursor", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}, "description": "The `next` of the previous page."},
                    {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 24}}
                ],
                "responses": {
                    "200": {"description": "A page of products", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProductList"}}}},
                    "400": error_response("The cursor is not valid")
                }
            }},
            "/products/{slug}": {"get": {
                "summary": "One product with its variants",
                "parameters": [{"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "The product", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Product"}}}},
                    "404": error_response("No product for sale has this slug")
                }
            }},
            "/orders": {"post": {
                "summary": "Place an order",
                "description": "Prices, stock, delivery fees and discounts come from the shop; a body naming a price is refused. With an `Idempotency-Key`, repeating the same body gets the same answer, 201 with the same order and the same `tracking_url` (a link revoked since stays revoked); the same key with another body is refused with 422. The same phone ordering the same items again within minutes gets its existing order back with 200 and `tracking_url` null: knowing a phone number and a basket does not open an order.",
                "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 200}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OrderRequest"}}}},
                "responses": {
                    "201": {"description": "Placed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}},
                    "200": {"description": "The same phone's order of the same items, placed within minutes (without `tracking_url`)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}},
                    "400": error_response("A malformed header"),
                    "409": error_response("Sold out: `error.skus` lists what cannot be had in the wanted quantity"),
                    "422": error_response("Fields to correct (`error.fields`), unknown SKUs (`error.skus`), an unreadable body, or a reused Idempotency-Key"),
                    "403": error_response("The shop blocked this phone number (`blocked`): nothing placed"),
                    "413": error_response("The body is larger than an order can be"),
                    "429": {"description": "Too many orders from this address (an IPv6 client counts by its /64)", "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "503": {"description": "The shop is busy or its storage full; try again (same Idempotency-Key)", "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            }},
            "/orders/{code}": {"get": {
                "summary": "A guest's order, read with its magic-link token",
                "security": [{"magicLink": []}],
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Any case"}],
                "responses": {
                    "200": {"description": "The order", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}},
                    "401": error_response("No bearer token"),
                    "404": error_response("The token does not open this order (wrong, expired, revoked or another order's)")
                }
            }},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}}
        },
        "components": {
            "securitySchemes": {
                "magicLink": {"type": "http", "scheme": "bearer", "description": "The token of the order's link (`t=` in `/o/{code}?t=…`)."},
                "apiToken": {"type": "http", "scheme": "bearer", "description": "An API token made by the owner (Settings → API tokens, or `souk admin token`). Read scope answers GET calls; write scope may also move orders and record payments."}
            },
            "schemas": {
                "Error": {
                    "type": "object", "required": ["error"], "additionalProperties": false,
                    "properties": {"error": {
                        "type": "object", "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                            "skus": {"type": "array", "items": {"type": "string"}},
                            "from": {"$ref": "#/components/schemas/Status"},
                            "allowed": {"type": "array", "items": {"$ref": "#/components/schemas/Status"}, "description": "An illegal transition: the statuses the order may move to"},
                            "lines": {"type": "array", "description": "Short stock: the lines that cannot be had", "items": {
                                "type": "object", "required": ["sku", "title", "wanted", "available"],
                                "properties": {"sku": {"type": "string"}, "title": {"type": "string"},
                                               "wanted": {"type": "integer"}, "available": {"type": "integer"}}
                            }}
                        }
                    }}
                },
                "Status": {"enum": ["draft", "pending", "awaiting_payment", "confirmed", "processing", "ready_to_ship", "shipped", "delivered", "failed_delivery", "cancelled", "returned"]},
                "PaymentStatus": {"enum": ["unpaid", "partially_paid", "paid", "refunded"]},
                "Shop": {
                    "type": "object", "required": ["name", "currency", "currency_minor_units", "delivery_methods", "payment_methods"],
                    "properties": {
                        "name": {"type": "string"},
                        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                        "currency_minor_units": {"type": "integer", "minimum": 0, "maximum": 4},
                        "whatsapp_number": {"type": ["string", "null"]},
                        "delivery_methods": {"type": "array", "items": {
                            "type": "object", "required": ["id", "name", "fee", "needs_address"],
                            "properties": {
                                "id": {"type": "string"}, "name": {"type": "string"},
                                "fee": {"type": "integer", "description": "The fee, or the lowest fee of its zones."},
                                "free_over": {"type": ["integer", "null"]},
                                "needs_address": {"type": "boolean"}, "details": {"type": "string"}
                            }
                        }},
                        "payment_methods": {"type": "array", "items": {
                            "type": "object", "required": ["id", "name"],
                            "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                           "kind": {"enum": ["cod", "bank", "upi", "crypto", "other"]}}
                        }}
                    }
                },
                "ProductList": {
                    "type": "object", "required": ["products", "next"],
                    "properties": {
                        "products": {"type": "array", "items": {
                            "type": "object", "required": ["slug", "title", "price", "currency", "image", "available"],
                            "properties": {
                                "slug": {"type": "string"}, "title": {"type": "string"}, "price": money,
                                "currency": {"type": "string"}, "image": {"type": ["string", "null"]},
                                "available": {"type": "boolean", "description": "Something of it can be bought now."}
                            }
                        }},
                        "next": {"type": ["string", "null"]}
                    }
                },
                "Product": {
                    "type": "object", "required": ["slug", "title", "description", "currency", "images", "variants"],
                    "properties": {
                        "slug": {"type": "string"}, "title": {"type": "string"},
                        "description": {"type": "string", "description": "Markdown"},
                        "currency": {"type": "string"},
                        "publish_at": {"type": ["string", "null"], "format": "date-time"},
                        "images": {"type": "array", "items": {"type": "object", "required": ["url", "alt"],
                                   "properties": {"url": {"type": "string"}, "alt": {"type": "string"}}}},
                        "variants": {"type": "array", "items": {
                            "type": "object", "required": ["sku", "options", "price", "available"],
                            "properties": {
                                "sku": {"type": "string"},
                                "options": {"type": "object", "additionalProperties": {"type": "string"}},
                                "price": money,
                                "compare_at_price": {"type": ["integer", "null"]},
                                "available": {"type": ["integer", "null"], "minimum": 0,
                                              "description": "Units that can be bought now; null when not limited (stock not tracked, or backorders)."},
                                "max_per_order": {"type": ["integer", "null"]}
                            }
                        }}
                    }
                },
                "OrderRequest": {
                    "type": "object", "required": ["items", "customer", "delivery", "payment"], "additionalProperties": false,
                    "properties": {
                        "items": {"type": "array", "minItems": 1, "maxItems": 100, "items": {
                            "type": "object", "required": ["sku", "quantity"], "additionalProperties": false,
                            "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1, "maximum": 999}}
                        }},
                        "customer": {"type": "object", "required": ["name", "phone"], "additionalProperties": false,
                            "properties": {"name": {"type": "string", "maxLength": 100},
                                           "phone": {"type": "string", "description": "WhatsApp number; E.164, or local with the shop's country code added"},
                                           "email": {"type": ["string", "null"]}}},
                        "delivery": {"type": "object", "required": ["method"], "additionalProperties": false,
                            "properties": {"method": {"type": "string"},
                                           "address": {"type": "object", "additionalProperties": false, "properties": {
                                               "line1": {"type": "string", "maxLength": 200}, "line2": {"type": ["string", "null"], "maxLength": 200},
                                               "city": {"type": "string", "maxLength": 100}, "region": {"type": ["string", "null"], "maxLength": 100},
                                               "postal_code": {"type": ["string", "null"], "maxLength": 20}, "country": {"type": "string", "pattern": "^[A-Za-z]{2}$"}}}}},
                        "payment": {"type": "object", "required": ["method"], "additionalProperties": false,
                            "properties": {"method": {"type": "string"}}},
                        "discount_code": {"type": ["string", "null"], "maxLength": 40},
                        "note": {"type": ["string", "null"], "maxLength": 1000}
                    }
                },
                "Order": {
                    "type": "object",
                    "required": ["code", "status", "payment_status", "currency", "subtotal", "delivery_fee", "discount", "total", "items", "whatsapp_url", "tracking_url"],
                    "properties": {
                        "code": {"type": "string"},
                        "status": {"enum": ["draft", "pending", "awaiting_payment", "confirmed", "processing", "ready_to_ship", "shipped", "delivered", "failed_delivery", "cancelled", "returned"]},
                        "payment_status": {"enum": ["unpaid", "partially_paid", "paid", "refunded"]},
                        "currency": {"type": "string"},
                        "subtotal": money, "delivery_fee": money, "discount": money, "total": money,
                        "items": {"type": "array", "items": {
                            "type": "object", "required": ["sku", "title", "unit_price", "quantity", "line_total"],
                            "properties": {"sku": {"type": "string"}, "title": {"type": "string"}, "options": {"type": "string"},
                                           "unit_price": money, "quantity": {"type": "integer", "minimum": 1}, "line_total": money, "image": line_image}
                        }},
                        "delivery": {"type": "object", "properties": {"method": {"type": "string"}, "name": {"type": "string"}}},
                        "payment": {"type": "object", "properties": {"method": {"type": "string"}, "name": {"type": "string"}, "instructions": {"type": "string"}}},
                        "created_at": {"type": "string", "format": "date-time"},
                        "whatsapp_url": {"type": ["string", "null"], "description": "wa.me link with the order code, items and total; no personal data"},
                        "tracking_url": {"type": ["string", "null"], "description": "The guest's order page (its magic link); only in the answer to placing, and null when a repeat within minutes was answered with the earlier order"}
                    }
                }
            }
        }
    })
}

/// The methods the document gives a path (relative to `/api/v1`, with `{name}` parameters), in
/// upper case: what a 405 answer's `Allow` lists.
pub fn methods_of(path: &str) -> Vec<String> {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let spec = SPEC.get_or_init(spec);
    spec["paths"][path]
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
    HttpResponse::Ok().json(spec())
}
