-- Outgoing webhooks: the owner's endpoints, and their deliveries in the outbox beside mail.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    -- The events it receives, space-separated (order.placed order.status_changed …).
    events TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- The signing secret: kept as it is because every delivery is signed with it; shown once.
    secret TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- A delivery is an outbox row on the webhook channel: kind is the event, to_addr the endpoint's
-- address when it was queued, body_text the exact JSON sent, event_id the id a receiver drops
-- repeats by (the same on every attempt and resend).
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'webhook'));
ALTER TABLE outbox ADD COLUMN endpoint_id INTEGER REFERENCES webhook_endpoints (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN event_id TEXT NOT NULL DEFAULT '';
-- The HTTP status the endpoint last answered with.
ALTER TABLE outbox ADD COLUMN response_status INTEGER;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
CREATE INDEX outbox_endpoint ON outbox (endpoint_id, id) WHERE endpoint_id IS NOT NULL;
