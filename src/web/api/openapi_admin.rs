//! The admin API's part of `/api/v1/openapi.json`: its routes (orders, customers) and the
//! schemas only they use, merged into the document by `openapi::spec`.

use serde_json::{Value, json};

use super::openapi::error_response;

/// The admin API's routes and the schemas only they use (API tokens).
pub(super) fn admin() -> Value {
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
