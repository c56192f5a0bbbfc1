//! The admin API's part of `/api/v1/openapi.json`: its routes (orders, customers, products) and the
//! schemas only they use, merged into the document by `openapi::spec`.

use serde_json::{Value, json};

use super::openapi::error_response;

/// The admin API's routes and the schemas only they use (API tokens).
pub(super) fn admin() -> Value {
    let mut paths = admin_paths();
    let mut schemas = admin_schemas();
    for (more_paths, more_schemas) in [(customer_paths(), customer_schemas()), (product_paths(), product_schemas())] {
        if let (Some(p), Some(s), Value::Object(mp), Value::Object(ms)) =
            (paths.as_object_mut(), schemas.as_object_mut(), more_paths, more_schemas)
        {
            p.extend(mp);
            s.extend(ms);
        }
    }
    json!({"paths": paths, "schemas": schemas})
}

/// The admin API's products.
fn product_paths() -> Value {
    let write_responses = |ok: &str, code: &str| {
        json!({
            code: {"description": ok, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminProduct"}}}},
            "400": error_response("A malformed Idempotency-Key"),
            "401": error_response("No working API token"),
            "403": error_response("The token can only read"),
            "422": error_response("Fields to correct, by the request's paths (`error.fields`, e.g. `variants[1].price`), an unreadable body, or a reused Idempotency-Key; nothing was saved")
        })
    };
    let key = json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 200}});
    let slug = json!({"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}});
    let mut update = write_responses("Changed; the product as it is now", "200");
    update["404"] = error_response("No product has this slug");
    json!({
        "/admin/products": {"post": {
            "summary": "Create a product with its variants and their stock (write scope)",
            "description": "The CSV importer's rules: the product form's checks, SKUs unique in the shop, collections named by title (one not found is created), stock set through the ledger. A new variant tracks stock unless `track_stock` is false. With an `Idempotency-Key`, a retry creates nothing twice.",
            "security": [{"apiToken": []}],
            "parameters": [key],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProductChange"}}}},
            "responses": write_responses("Created", "201")
        }},
        "/admin/products/{slug}": {
            "get": {
                "summary": "One product in any status, with its variants' stock on hand, reserved and available",
                "security": [{"apiToken": []}],
                "parameters": [slug],
                "responses": {
                    "200": {"description": "The product", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdminProduct"}}}},
                    "401": error_response("No working API token"),
                    "404": error_response("No product has this slug")
                }
            },
            "patch": {
                "summary": "Change a product (write scope): what the body names changes, the rest stays",
                "description": "Variants are matched by SKU: a named one changes, a new SKU is added, `remove: true` deletes one (refused while open orders hold units of it), variants not named stay as they are. `on_hand` sets the units on hand through the stock ledger. `collections`, when given, is the whole list. Photos are never touched.",
                "security": [{"apiToken": []}],
                "parameters": [slug, key],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ProductChange"}}}},
                "responses": update
            }
        }
    })
}

fn product_schemas() -> Value {
    let money = json!({"type": "integer", "description": "Minor units of `currency` (paise, cents)."});
    let nullable_money =
        json!({"type": ["integer", "null"], "minimum": 0, "description": "Minor units; null for none"});
    let options = json!({"type": "object", "additionalProperties": {"type": "string"}, "description": "Option name → value, for the product's option names"});
    json!({
        "ProductChange": {
            "type": "object", "additionalProperties": false,
            "properties": {
                "slug": {"type": "string", "maxLength": 100, "description": "Lower-case letters, digits and single dashes; made from the title when left out on create"},
                "title": {"type": "string", "minLength": 1, "maxLength": 200},
                "status": {"enum": ["draft", "active", "archived"], "description": "A new product is a draft unless this says otherwise"},
                "description": {"type": "string", "maxLength": 20000, "description": "Markdown"},
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 30},
                "seo_title": {"type": "string", "maxLength": 70},
                "seo_description": {"type": "string", "maxLength": 160},
                "publish_at": {"type": ["string", "null"], "format": "date-time", "description": "A scheduled drop: on sale from this time; null clears it"},
                "options": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 3, "description": "Option names, like Size and Colour"},
                "collections": {"type": "array", "items": {"type": "string"}, "description": "Collection titles: the product is in exactly these"},
                "variants": {"type": "array", "maxItems": 100, "items": {
                    "type": "object", "required": ["sku"], "additionalProperties": false,
                    "properties": {
                        "sku": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_./-]+$"},
                        "options": options,
                        "price": {"type": "integer", "minimum": 0, "description": "Minor units; needed for a new variant"},
                        "compare_at_price": nullable_money,
                        "track_stock": {"type": "boolean", "description": "True for a new variant unless this says otherwise"},
                        "allow_backorder": {"type": "boolean"},
                        "max_per_order": {"type": ["integer", "null"], "minimum": 1, "maximum": 10000},
                        "barcode": {"type": "string", "maxLength": 64},
                        "weight_grams": {"type": ["integer", "null"], "minimum": 0, "maximum": 1000000},
                        "on_hand": {"type": "integer", "minimum": 0, "maximum": 1000000, "description": "Units on hand, set through the stock ledger; left out, stock stays (0 for a new variant)"},
                        "remove": {"type": "boolean", "default": false, "description": "Delete this variant"}
                    }
                }}
            }
        },
        "AdminProduct": {
            "type": "object", "additionalProperties": false,
            "required": ["slug", "title", "status", "description", "tags", "seo_title", "seo_description", "publish_at", "options", "collections", "currency", "url", "images", "variants", "updated_at"],
            "properties": {
                "slug": {"type": "string"}, "title": {"type": "string"}, "status": {"enum": ["draft", "active", "archived"]},
                "description": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
                "seo_title": {"type": "string"}, "seo_description": {"type": "string"},
                "publish_at": {"type": ["string", "null"], "format": "date-time"},
                "options": {"type": "array", "items": {"type": "string"}},
                "collections": {"type": "array", "items": {"type": "string"}},
                "currency": {"type": "string"},
                "url": {"type": ["string", "null"], "description": "The storefront page; null unless active"},
                "images": {"type": "array", "items": {"type": "object", "required": ["url", "alt", "sku"], "additionalProperties": false, "properties": {
                    "url": {"type": "string"}, "alt": {"type": "string"}, "sku": {"type": ["string", "null"], "description": "The variant the photo shows; null for any"}
                }}},
                "variants": {"type": "array", "items": {
                    "type": "object", "additionalProperties": false,
                    "required": ["sku", "options", "price", "compare_at_price", "track_stock", "allow_backorder", "max_per_order", "barcode", "weight_grams", "on_hand", "reserved", "available"],
                    "properties": {
                        "sku": {"type": "string"}, "options": options, "price": money, "compare_at_price": nullable_money,
                        "track_stock": {"type": "boolean"}, "allow_backorder": {"type": "boolean"},
                        "max_per_order": {"type": ["integer", "null"]}, "barcode": {"type": "string"},
                        "weight_grams": {"type": ["integer", "null"]},
                        "on_hand": {"type": "integer"}, "reserved": {"type": "integer", "minimum": 0, "description": "Units held by open orders"},
                        "available": {"type": ["integer", "null"], "minimum": 0, "description": "On hand less reserved; null when stock is not tracked"}
                    }
                }},
                "updated_at": {"type": "string"}
            }
        }
    })
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
                {"name": "cursor", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^([0-9a-f]{2})+$"}, "description": "The `next` of the previous page"},
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
                    {"name": "cursor", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^([0-9a-f]{2})+$"}, "description": "The `next` of the previous page"},
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
        "required": ["code", "status", "payment_status", "allowed_transitions", "channel", "kind", "currency", "subtotal", "delivery_fee", "discount", "total", "paid", "balance", "customer", "delivery", "payment", "items", "tags", "payments", "timeline", "created_at"],
        "properties": {
            "code": {"type": "string"}, "status": {"$ref": "#/components/schemas/Status"},
            "payment_status": {"$ref": "#/components/schemas/PaymentStatus"},
            "allowed_transitions": {"type": "array", "items": {"$ref": "#/components/schemas/Status"}},
            "channel": {"type": "string"},
            "kind": {"enum": ["catalogue", "custom"], "description": "custom: made from an accepted custom-order quote (its one line has no variant)"},
            "currency": {"type": "string"},
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
