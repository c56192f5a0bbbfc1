//! The outgoing webhooks in `/api/v1/openapi.json` (OpenAPI 3.1's `webhooks`): the request Souk
//! sends an endpoint for each event, its signature headers and the body's schema.

use serde_json::{Value, json};

use crate::domain::webhooks::Event;

/// `{"webhooks": {…}, "schemas": {…}}`, merged into the document by `openapi::spec`.
pub(super) fn webhooks() -> Value {
    let mut hooks = serde_json::Map::new();
    for event in Event::ALL {
        let schema = match event {
            Event::OrderPlaced => "WebhookOrderPlaced",
            Event::OrderStatusChanged => "WebhookOrderStatusChanged",
            Event::PaymentRecorded => "WebhookPaymentRecorded",
            Event::CustomerCreated => "WebhookCustomerCreated",
        };
        hooks.insert(
            event.as_str().to_string(),
            json!({"post": {
                "summary": event.describe(),
                "description": "Sent to every endpoint the owner subscribed to this event (Settings › Webhooks), after the change is committed; retried with growing pauses until the endpoint answers 2xx, at most `[webhooks] max_attempts` times (10 by default; the owner can send it again); an address that is or resolves to a private one is not tried again. Check `Souk-Signature` before trusting the body.",
                "parameters": [
                    {"name": "Souk-Signature", "in": "header", "required": true, "schema": {"type": "string", "pattern": "^t=[0-9]+,v1=[0-9a-f]{64}$"},
                     "description": "`t=<unix seconds>,v1=<hex HMAC-SHA256>`, the HMAC keyed with the endpoint's signing secret over `<t>.<raw body>`; refuse a `t` more than five minutes from your clock"},
                    {"name": "Souk-Event-Id", "in": "header", "required": true, "schema": {"type": "string"}, "description": "The same on every retry and resend of one event: drop an id already handled"},
                    {"name": "Souk-Event", "in": "header", "required": true, "schema": {"const": event.as_str()}},
                    {"name": "Souk-Timestamp", "in": "header", "required": true, "schema": {"type": "string"}, "description": "`t` of the signature"},
                    {"name": "Souk-Delivery", "in": "header", "required": true, "schema": {"type": "string"}, "description": "This delivery's number in the owner's list"}
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
                "responses": {"2XX": {"description": "Received: not sent again"}, "default": {"description": "Anything else, or no answer within the timeout: sent again later"}}
            }}),
        );
    }
    hooks.insert(
        crate::domain::webhooks::PING.to_string(),
        json!({"post": {
            "summary": "A test event, sent when the owner presses “Send test event” for this endpoint",
            "description": "Signed and retried like every event; `Souk-Event` is `ping`.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookPing"}}}},
            "responses": {"2XX": {"description": "Received"}, "default": {"description": "Sent again later"}}
        }}),
    );
    let money = json!({"type": "integer", "description": "Minor units of `currency`"});
    let envelope = |event: &str, data: Value| {
        json!({
            "type": "object", "required": ["id", "type", "created_at", "data"], "additionalProperties": false,
            "properties": {
                "id": {"type": "string", "pattern": "^evt_[0-9a-f]{32}$"},
                "type": {"const": event},
                "created_at": {"type": "string", "format": "date-time"},
                "data": data
            }
        })
    };
    let order = json!({"$ref": "#/components/schemas/WebhookOrder"});
    json!({
        "webhooks": hooks,
        "schemas": {
            "WebhookOrder": {
                "type": "object", "additionalProperties": false,
                "required": ["code", "status", "payment_status", "channel", "currency", "subtotal", "delivery_fee", "discount", "total", "paid", "customer", "delivery", "payment", "note", "cancel_reason", "tracking", "items", "created_at"],
                "properties": {
                    "code": {"type": "string"}, "status": {"$ref": "#/components/schemas/Status"},
                    "payment_status": {"$ref": "#/components/schemas/PaymentStatus"}, "channel": {"type": "string"},
                    "currency": {"type": "string"}, "subtotal": money, "delivery_fee": money, "discount": money,
                    "total": money, "paid": money,
                    "customer": {"type": "object", "required": ["id", "name", "phone", "email"], "additionalProperties": false, "properties": {
                        "id": {"type": ["integer", "null"]}, "name": {"type": "string"}, "phone": {"type": "string", "description": "E.164"},
                        "email": {"type": ["string", "null"]}
                    }},
                    "delivery": {"type": "object", "required": ["method", "name", "address"], "additionalProperties": false, "properties": {
                        "method": {"type": "string"}, "name": {"type": "string"},
                        "address": {"type": ["object", "null"], "additionalProperties": {"type": "string"}}
                    }},
                    "payment": {"type": "object", "required": ["method", "name", "kind"], "additionalProperties": false, "properties": {
                        "method": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"}
                    }},
                    "note": {"type": "string"},
                    "cancel_reason": {"type": ["string", "null"]},
                    "tracking": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
                    "items": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                        "required": ["sku", "title", "options", "unit_price", "quantity", "line_total"],
                        "properties": {"sku": {"type": "string"}, "title": {"type": "string"}, "options": {"type": "string"},
                                       "unit_price": money, "quantity": {"type": "integer", "minimum": 1}, "line_total": money}}},
                    "created_at": {"type": "string"}
                }
            },
            "WebhookPing": envelope("ping", json!({"type": "object", "required": ["message", "endpoint"], "additionalProperties": false, "properties": {
                "message": {"type": "string"}, "endpoint": {"type": "string", "description": "The address it was sent to"}
            }})),
            "WebhookOrderPlaced": envelope("order.placed", json!({"type": "object", "required": ["order"], "additionalProperties": false, "properties": {"order": order}})),
            "WebhookOrderStatusChanged": envelope("order.status_changed", json!({"type": "object", "required": ["from", "order"], "additionalProperties": false,
                "properties": {"from": {"$ref": "#/components/schemas/Status"}, "order": order}})),
            "WebhookPaymentRecorded": envelope("payment.recorded", json!({"type": "object", "required": ["payment", "order"], "additionalProperties": false, "properties": {
                "payment": {"type": "object", "required": ["kind", "amount", "method", "reference"], "additionalProperties": false, "properties": {
                    "kind": {"enum": ["payment", "refund"]}, "amount": {"type": "integer", "minimum": 1, "description": "Minor units"},
                    "method": {"type": "string"}, "reference": {"type": "string"}
                }},
                "order": order
            }})),
            "WebhookCustomerCreated": envelope("customer.created", json!({"type": "object", "required": ["customer"], "additionalProperties": false, "properties": {
                "customer": {"type": "object", "required": ["id", "phone", "name", "email", "created_at"], "additionalProperties": false, "properties": {
                    "id": {"type": "integer"}, "phone": {"type": "string", "description": "E.164"}, "name": {"type": "string"},
                    "email": {"type": ["string", "null"]}, "created_at": {"type": "string"}
                }}
            }}))
        }
    })
}
