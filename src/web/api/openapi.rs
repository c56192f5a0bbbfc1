//! `/api/v1/openapi.json`: the OpenAPI 3.1 description of exactly the routes in `api/mod.rs`. The
//! tests check real responses against its schemas.

use actix_web::HttpResponse;
use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The document itself: the public routes, then the admin API's.
pub fn spec() -> Value {
    let mut doc = public();
    let admin = admin();
    for (key, target) in [("paths", "/paths"), ("schemas", "/components/schemas")] {
        if let (Some(Value::Object(from)), Some(Value::Object(to))) = (admin.get(key).cloned(), doc.pointer_mut(target))
        {
            to.extend(from);
        }
    }
    doc
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
        "paths": {
            "/shop": {"get": {
                "summary": "The shop: name, currency, how orders are delivered and paid",
                "responses": {"200": {"description": "The shop", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shop"}}}}}
            }},
            "/products": {"get": {
                "summary": "Products for sale, newest first",
                "parameters": [
                    {"name": "cursor", "in": "query", "required": false, "schema": {"type": "string"}, "description": "The `next` of the previous page."},
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

/// The admin API's routes and the schemas only they use (API tokens).
fn admin() -> Value {
    let mut paths = admin_paths();
    let mut schemas = admin_schemas();
    if let (Some(p), Some(s), Value::Object(cp), Value::Object(cs)) =
        (paths.as_object_mut(), schemas.as_object_mut(), customer_paths(), customer_schemas())
    {
        p.extend(cp);
        s.extend(cs);
    }
    json!({"paths": paths, "schemas": schemas})
}

/// The admin API's customers.
fn customer_paths() -> Value {
    json!({
        "/admin/customers": {"get": {
            "summary": "Customers (one per WhatsApp number), as the admin's list: search, filters, sorts",
            "security": [{"apiToken": []}],
            "parameters": [
                {"name": "q", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Part of a name, phone or email (a phone number is matched whole, local numbers with the shop's country code)"},
                {"name": "tag", "in": "query", "required": false, "schema": {"type": "string"}},
                {"name": "open", "in": "query", "required": false, "schema": {"enum": ["", "0", "1"]}, "description": "1: only customers with an order neither delivered, cancelled nor returned"},
                {"name": "sort", "in": "query", "required": false, "schema": {"enum": ["last_order", "value", "orders"], "default": "last_order"}},
                {"name": "cursor", "in": "query", "required": false, "schema": {"type": "string"}, "description": "The `next` of the previous page"},
                {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}
            ],
            "responses": {
                "200": {"description": "A page of customers", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminCustomerList"}}}},
                "400": error_response("A parameter this API does not know, or a value it does not accept (`error.fields` names it)"),
                "401": error_response("No working API token")
            }
        }},
        "/admin/customers/{id}": {"get": {
            "summary": "One customer with their figures, notes, tags and latest 50 orders",
            "security": [{"apiToken": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {
                "200": {"description": "The customer", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminCustomer"}}}},
                "401": error_response("No working API token"),
                "404": error_response("No customer has this id")
            }
        }}
    })
}

fn customer_schemas() -> Value {
    let money = json!({"type": "integer", "description": "Minor units of `currency` (paise, cents)."});
    let base = json!({
        "id": {"type": "integer"}, "phone": {"type": "string", "description": "E.164"}, "name": {"type": "string", "description": "As their latest order gave it"},
        "email": {"type": ["string", "null"]}, "order_count": {"type": "integer", "minimum": 0},
        "open_orders": {"type": "integer", "minimum": 0},
        "lifetime_value": {"type": "integer", "minimum": 0, "description": "Totals of confirmed orders not cancelled or returned, in minor units"},
        "currency": {"type": "string"}, "last_order_at": {"type": ["string", "null"], "format": "date-time"},
        "created_at": {"type": "string", "format": "date-time"}
    });
    let required = json!([
        "id",
        "phone",
        "name",
        "email",
        "order_count",
        "open_orders",
        "lifetime_value",
        "currency",
        "last_order_at",
        "created_at"
    ]);
    let mut full = base.clone();
    if let Value::Object(f) = &mut full {
        f.insert("note".into(), json!({"type": "string"}));
        f.insert("tags".into(), json!({"type": "array", "items": {"type": "string"}}));
        f.insert(
            "average_order".into(),
            json!({"type": ["integer", "null"], "description": "Lifetime value over its orders, in minor units"}),
        );
        f.insert("record".into(), json!({"type": "object", "additionalProperties": false,
            "required": ["delivered", "cancelled", "returned", "failed_delivery", "refused_cod"],
            "properties": {"delivered": {"type": "integer"}, "cancelled": {"type": "integer"}, "returned": {"type": "integer"},
                           "failed_delivery": {"type": "integer"}, "refused_cod": {"type": "integer"}}}));
        f.insert(
            "orders".into(),
            json!({"type": "array", "items": {"type": "object", "additionalProperties": false,
            "required": ["code", "status", "payment_status", "total", "created_at"],
            "properties": {"code": {"type": "string"}, "status": {"$ref": "#/components/schemas/Status"},
                           "payment_status": {"$ref": "#/components/schemas/PaymentStatus"}, "total": money,
                           "created_at": {"type": "string", "format": "date-time"}}}}),
        );
    }
    let mut full_required = required.clone();
    if let Value::Array(r) = &mut full_required {
        r.extend(["note", "tags", "average_order", "record", "orders"].map(|k| json!(k)));
    }
    json!({
        "AdminCustomerList": {
            "type": "object", "required": ["customers", "next"], "additionalProperties": false,
            "properties": {
                "customers": {"type": "array", "items": {"type": "object", "additionalProperties": false, "required": required, "properties": base}},
                "next": {"type": ["string", "null"]}
            }
        },
        "AdminCustomer": {"type": "object", "additionalProperties": false, "required": full_required, "properties": full}
    })
}

fn admin_paths() -> Value {
    json!({
            "/admin/orders": {"get": {
                "summary": "Orders, newest first, filtered like the order desk's All tab",
                "security": [{"apiToken": []}],
                "parameters": [
                    {"name": "status", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/Status"}},
                    {"name": "payment_status", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/PaymentStatus"}},
                    {"name": "payment", "in": "query", "required": false, "schema": {"type": "string"}, "description": "A payment method's id"},
                    {"name": "delivery", "in": "query", "required": false, "schema": {"type": "string"}, "description": "A delivery method's id"},
                    {"name": "channel", "in": "query", "required": false, "schema": {"enum": ["web", "whatsapp", "instagram", "facebook", "phone", "walk_in", "other"]}},
                    {"name": "tag", "in": "query", "required": false, "schema": {"type": "string"}},
                    {"name": "from", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}, "description": "Placed on or after this day, in the shop's time zone"},
                    {"name": "to", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}, "description": "Placed on or before this day, in the shop's time zone"},
                    {"name": "q", "in": "query", "required": false, "schema": {"type": "string"}, "description": "An order code, or part of a customer's name, email or phone (a phone number is matched whole, local numbers with the shop's country code)"},
                    {"name": "cursor", "in": "query", "required": false, "schema": {"type": "string"}, "description": "The `next` of the previous page"},
                    {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}
                ],
                "responses": {
                    "200": {"description": "A page of orders", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminOrderList"}}}},
                    "400": error_response("A parameter this API does not know, or a value it does not accept (`error.fields` names it)"),
                    "401": error_response("No working API token (missing, unknown or revoked: the answer does not say which)")
                }
            }},
            "/admin/orders/{code}": {"get": {
                "summary": "One order with its items, payments, timeline and the statuses it may move to",
                "security": [{"apiToken": []}],
                "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "The order", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminOrder"}}}},
                    "401": error_response("No working API token"),
                    "404": error_response("No order has this code")
                }
            }},
            "/admin/orders/{code}/transitions": {"post": {
                "summary": "Move the order one step of its lifecycle (write scope)",
                "description": "The same checks as the order desk: confirming commits stock (or names the short lines), shipping needs a courier and tracking number, a failed delivery a reason, cancelling after confirmation restocks. With an `Idempotency-Key`, repeating the same body gets the stored answer; the same key with another body is refused with 422.",
                "security": [{"apiToken": []}],
                "parameters": [
                    {"name": "code", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 200}}
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TransitionRequest"}}}},
                "responses": {
                    "200": {"description": "Moved; the order as it is now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminOrder"}}}},
                    "400": error_response("A malformed Idempotency-Key"),
                    "401": error_response("No working API token"),
                    "403": error_response("The token can only read"),
                    "404": error_response("No order has this code"),
                    "409": error_response("Not allowed from the order's status (`error.allowed` lists the statuses it may move to), or stock is short (`error.lines`)"),
                    "422": error_response("Fields to correct (`error.fields`), an unreadable body, or a reused Idempotency-Key")
                }
            }},
            "/admin/orders/{code}/payments": {"post": {
                "summary": "Record a payment or a refund (write scope)",
                "description": "The payment status follows from the recorded rows. More than the balance needs `over_balance`. With an `Idempotency-Key`, a retry records nothing twice.",
                "security": [{"apiToken": []}],
                "parameters": [
                    {"name": "code", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 200}}
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PaymentRequest"}}}},
                "responses": {
                    "201": {"description": "Recorded; the order as it is now", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminOrder"}}}},
                    "400": error_response("A malformed Idempotency-Key"),
                    "401": error_response("No working API token"),
                    "403": error_response("The token can only read"),
                    "404": error_response("No order has this code"),
                    "422": error_response("Fields to correct (`error.fields`): an amount of 0 or more than the balance, an unknown method, a reference that is not one")
                }
            }}
    })
}

fn admin_schemas() -> Value {
    let money = json!({"type": "integer", "description": "Minor units of `currency` (paise, cents)."});
    json!({
                "AdminOrderList": {
                    "type": "object", "required": ["orders", "next"], "additionalProperties": false,
                    "properties": {
                        "orders": {"type": "array", "items": {
                            "type": "object", "additionalProperties": false,
                            "required": ["code", "status", "payment_status", "channel", "customer", "currency", "total", "paid", "payment_method", "delivery_method", "units", "created_at"],
                            "properties": {
                                "code": {"type": "string"}, "status": {"$ref": "#/components/schemas/Status"},
                                "payment_status": {"$ref": "#/components/schemas/PaymentStatus"}, "channel": {"type": "string"},
                                "customer": {"type": "object", "required": ["name", "phone"], "additionalProperties": false,
                                             "properties": {"name": {"type": "string"}, "phone": {"type": "string"}}},
                                "currency": {"type": "string"}, "total": money, "paid": money,
                                "payment_method": {"type": "string", "description": "Its name"},
                                "delivery_method": {"type": "string", "description": "Its name"},
                                "units": {"type": "integer", "minimum": 0},
                                "created_at": {"type": "string", "format": "date-time"}
                            }
                        }},
                        "next": {"type": ["string", "null"], "description": "The cursor of the next page; null on the last"}
                    }
                },
                "AdminOrder": admin_order(),
                "TransitionRequest": {
                    "type": "object", "required": ["to"], "additionalProperties": false,
                    "properties": {
                        "to": {"$ref": "#/components/schemas/Status"},
                        "reason": {"type": "string", "description": "Why (needed to cancel; the customer reads it)"},
                        "courier": {"type": "string", "description": "For shipped: the courier's name (one of the shop's couriers gets its tracking link)"},
                        "tracking_number": {"type": "string", "description": "For shipped: spaces are removed; a web address is refused"},
                        "failed_reason": {"enum": ["customer_unavailable", "wrong_address", "refused", "other"], "description": "For failed_delivery"},
                        "cash_collected": {"type": ["integer", "null"], "minimum": 1, "description": "For delivered: cash taken at the door, in minor units"},
                        "restock": {"type": "array", "items": {"type": "string"}, "description": "For returned: the SKUs of the lines whose units go back into stock"},
                        "reviewed": {"type": "boolean", "default": false, "description": "For confirmed: an order the review rules flagged (`flags`) needs this, and the caller is recorded as its reviewer"}
                    }
                },
                "PaymentRequest": {
                    "type": "object", "required": ["amount", "method"], "additionalProperties": false,
                    "properties": {
                        "kind": {"enum": ["payment", "refund"], "default": "payment"},
                        "amount": {"type": "integer", "minimum": 1, "description": "Minor units"},
                        "method": {"type": "string", "description": "A payment method's id"},
                        "reference": {"type": "string", "maxLength": 100, "description": "UPI or bank reference, transaction hash; empty is \"cash\" for cash on delivery"},
                        "over_balance": {"type": "boolean", "default": false, "description": "Record more than the balance on purpose"}
                    }
                }
    })
}

/// An order as the admin API shows it.
fn admin_order() -> Value {
    let money = json!({"type": "integer", "description": "Minor units of `currency` (paise, cents)."});
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["code", "status", "payment_status", "allowed_transitions", "channel", "currency", "subtotal", "delivery_fee", "discount", "total", "paid", "balance", "customer", "delivery", "payment", "items", "tags", "payments", "timeline", "created_at"],
        "properties": {
            "code": {"type": "string"}, "status": {"$ref": "#/components/schemas/Status"},
            "payment_status": {"$ref": "#/components/schemas/PaymentStatus"},
            "allowed_transitions": {"type": "array", "items": {"$ref": "#/components/schemas/Status"}},
            "channel": {"type": "string"}, "currency": {"type": "string"},
            "subtotal": money, "delivery_fee": money, "discount": money, "total": money,
            "paid": {"type": "integer", "description": "Payments less refunds, in minor units"},
            "balance": {"type": "integer", "minimum": 0, "description": "Still to pay, in minor units"},
            "customer": {"type": "object", "required": ["name", "phone", "email"], "additionalProperties": false,
                         "properties": {"name": {"type": "string"}, "phone": {"type": "string"}, "email": {"type": ["string", "null"]}}},
            "delivery": {"type": "object", "required": ["method", "name", "address"], "additionalProperties": false, "properties": {
                "method": {"type": "string"}, "name": {"type": "string"},
                "address": {"type": ["object", "null"], "properties": {
                    "line1": {"type": "string"}, "line2": {"type": "string"}, "city": {"type": "string"},
                    "region": {"type": "string"}, "postal_code": {"type": "string"}, "country": {"type": "string"}}}
            }},
            "payment": {"type": "object", "required": ["method", "name", "kind"], "additionalProperties": false,
                        "properties": {"method": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"}}},
            "discount_code": {"type": ["string", "null"]},
            "note": {"type": "string", "description": "The customer's note"},
            "cancel_reason": {"type": ["string", "null"]},
            "tracking": {"type": ["object", "null"], "required": ["courier", "number", "url"], "additionalProperties": false,
                         "properties": {"courier": {"type": "string"}, "number": {"type": "string"}, "url": {"type": ["string", "null"]}}},
            "failed_reason": {"type": ["string", "null"]},
            "items": {"type": "array", "items": {
                "type": "object", "required": ["sku", "title", "options", "unit_price", "quantity", "line_total"], "additionalProperties": false,
                "properties": {"sku": {"type": "string"}, "title": {"type": "string"}, "options": {"type": "string"},
                               "unit_price": money, "quantity": {"type": "integer", "minimum": 1}, "line_total": money}
            }},
            "tags": {"type": "array", "items": {"type": "string"}},
            "flags": {"type": "array", "description": "Why the review rules flagged it when it was placed; confirming needs `reviewed` until someone has", "items": {
                "type": "object", "required": ["rule", "reason"], "additionalProperties": false,
                "properties": {"rule": {"enum": ["failed", "first_cod", "velocity", "postcode"]}, "reason": {"type": "string"}}
            }},
            "reviewed": {"type": ["object", "null"], "required": ["at", "by"], "additionalProperties": false,
                         "properties": {"at": {"type": "string", "format": "date-time"}, "by": {"type": "string"}}},
            "payments": {"type": "array", "items": {
                "type": "object", "required": ["kind", "amount", "method", "reference", "recorded_by", "at"], "additionalProperties": false,
                "properties": {"kind": {"enum": ["payment", "refund"]}, "amount": money, "method": {"type": "string"},
                               "reference": {"type": "string"}, "recorded_by": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}
            }},
            "timeline": {"type": "array", "items": {
                "type": "object", "required": ["kind", "from", "status", "note", "detail", "by", "at"], "additionalProperties": false,
                "properties": {"kind": {"enum": ["status", "payment", "edit", "note", "message", "link"]},
                               "from": {"type": ["string", "null"]}, "status": {"type": "string"},
                               "note": {"type": "string"}, "detail": {"type": "string"}, "by": {"type": "string"},
                               "at": {"type": "string", "format": "date-time"}}
            }},
            "created_at": {"type": "string", "format": "date-time"},
            "expires_at": {"type": ["string", "null"], "format": "date-time"},
            "confirmed_at": {"type": ["string", "null"], "format": "date-time"},
            "shipped_at": {"type": ["string", "null"], "format": "date-time"},
            "delivered_at": {"type": ["string", "null"], "format": "date-time"}
        }
    })
}

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(spec())
}
