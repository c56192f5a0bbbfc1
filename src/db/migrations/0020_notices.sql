-- Notices (issue 13): the owner's choices, one row per order and event sent, addresses that
-- unsubscribed from follow-ups, and the outbox rebuilt to take WhatsApp messages and what a
-- notice needs at sending time.
CREATE TABLE notice_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- The notices switched off, space-separated (order_shipped payment_reminder …).
    off TEXT NOT NULL DEFAULT 'seller_daily_summary',
    reminder_hours INTEGER NOT NULL DEFAULT 24 CHECK (reminder_hours BETWEEN 1 AND 720),
    review_days INTEGER NOT NULL DEFAULT 7 CHECK (review_days BETWEEN 1 AND 90),
    processing_time TEXT NOT NULL DEFAULT '',
    summary_hour INTEGER NOT NULL DEFAULT 8 CHECK (summary_hour BETWEEN 0 AND 23),
    -- The shop's day (YYYY-MM-DD) whose summary was last queued.
    summary_sent_on TEXT NOT NULL DEFAULT ''
);
INSERT INTO notice_settings (id) VALUES (1);

-- At most one message per order and event: the row is written in the transaction that queues
-- the message, and a second attempt finds it. `detail` tells apart what is truly another event
-- (a payment that completes what a part payment began).
CREATE TABLE order_notices (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    notice TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    PRIMARY KEY (order_id, notice, detail)
) WITHOUT ROWID;
-- Orders from before notices existed get no follow-ups: their moment has passed.
INSERT INTO order_notices (order_id, notice, detail, at)
    SELECT id, 'payment_reminder', '', strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM orders;
INSERT INTO order_notices (order_id, notice, detail, at)
    SELECT id, 'review_request', '', strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM orders;

-- Addresses that asked for no more reminders or review requests (List-Unsubscribe).
CREATE TABLE mail_optouts (
    email TEXT PRIMARY KEY COLLATE NOCASE,
    at TEXT NOT NULL
) WITHOUT ROWID;
-- The links in follow-ups: the SHA-256 of a random token, and the address it unsubscribes.
CREATE TABLE unsubscribe_tokens (
    token_hash BLOB PRIMARY KEY,
    email TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

-- WhatsApp Business Cloud API (optional): template messages through the outbox. The access token
-- is kept as it is because every send carries it; the admin never shows it again.
CREATE TABLE whatsapp_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    mode TEXT NOT NULL DEFAULT 'off' CHECK (mode IN ('off', 'also', 'instead')),
    phone_number_id TEXT NOT NULL DEFAULT '',
    access_token TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    -- notice=template lines.
    templates TEXT NOT NULL DEFAULT ''
);
INSERT INTO whatsapp_settings (id) VALUES (1);

-- Order self-service: what a customer asks through the order's link, and the seller's answer.
CREATE TABLE order_requests (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('cancel', 'address', 'return')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'declined')),
    -- The customer's words (why; for an address, anything the courier should know).
    message TEXT NOT NULL DEFAULT '',
    -- For 'address': the new address as JSON.
    address TEXT NOT NULL DEFAULT '',
    -- The seller's reason when declining (or note when approving).
    answer TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    answered_at TEXT
);
CREATE INDEX order_requests_open ON order_requests (status, id);
CREATE INDEX order_requests_order ON order_requests (order_id, id);
CREATE UNIQUE INDEX order_requests_one_open ON order_requests (order_id, kind) WHERE status = 'open';

-- A delivered order's rating by its customer; the seller may publish the comment (reviews).
CREATE TABLE order_ratings (
    order_id INTEGER PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    published_at TEXT
);

-- Ratings show on product pages (an average, and the comments the seller publishes).
CREATE TRIGGER order_ratings_ins AFTER INSERT ON order_ratings BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER order_ratings_upd AFTER UPDATE ON order_ratings BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER order_ratings_del AFTER DELETE ON order_ratings BEGIN UPDATE storefront_version SET n = n + 1; END;

-- What customers may do themselves (one row).
CREATE TABLE self_service (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    cancel_requests INTEGER NOT NULL DEFAULT 1 CHECK (cancel_requests IN (0, 1)),
    return_days INTEGER NOT NULL DEFAULT 7 CHECK (return_days BETWEEN 0 AND 365)
);
INSERT INTO self_service (id) VALUES (1);

-- Requests counted against a rate (a lost link asked for again by address and by order).
CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (key, at);

-- Passwordless customer accounts (optional): an email proven by a one-time code or link; orders
-- are found by that email (and by a WhatsApp number once proven), guest orders included.
CREATE TABLE customer_accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- E.164, set once proven through WhatsApp; empty until then.
    phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_sign_in_at TEXT
);
-- One-time sign-in codes and links: only their SHA-256 is kept; 15 minutes, single use.
CREATE TABLE account_codes (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    code_hash BLOB NOT NULL,
    link_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    -- Wrong codes typed against it; at 5 it stops working.
    wrong INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX account_codes_email ON account_codes (email, id);
CREATE TABLE account_sessions (
    token_hash BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES customer_accounts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX account_sessions_account ON account_sessions (account_id);
CREATE TABLE account_addresses (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES customer_accounts (id) ON DELETE CASCADE,
    line1 TEXT NOT NULL,
    line2 TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX account_addresses_account ON account_addresses (account_id, id);
CREATE INDEX orders_email ON orders (customer_email COLLATE NOCASE, created_at) WHERE customer_email != '';

-- Retention: N days after delivery or cancellation, an order's personal data is erased (amounts and
-- items stay for the figures); 0 keeps everything.
CREATE TABLE privacy (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    erase_after_days INTEGER NOT NULL DEFAULT 0 CHECK (erase_after_days BETWEEN 0 AND 3650)
);
INSERT INTO privacy (id) VALUES (1);
ALTER TABLE orders ADD COLUMN erased_at TEXT;

CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- 1 when the body holds a secret (a one-time link): wiped once the message is sent or given up.
    sensitive INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT,
    channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'webhook', 'whatsapp')),
    endpoint_id INTEGER REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL DEFAULT '',
    response_status INTEGER,
    -- The order a notice is about: its link is made when the message is sent, so no secret waits
    -- in the outbox (the body holds a placeholder).
    order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    order_link INTEGER NOT NULL DEFAULT 0 CHECK (order_link IN (0, 1))
);
INSERT INTO outbox_new (id, kind, to_addr, subject, body_text, body_html, sensitive, status, attempts,
    next_attempt_at, last_error, created_at, sent_at, channel, endpoint_id, event_id, response_status)
SELECT id, kind, to_addr, subject, body_text, body_html, sensitive, status, attempts,
    next_attempt_at, last_error, created_at, sent_at, channel, endpoint_id, event_id, response_status
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
CREATE INDEX outbox_endpoint ON outbox (endpoint_id, id) WHERE endpoint_id IS NOT NULL;
CREATE INDEX outbox_order ON outbox (order_id) WHERE order_id IS NOT NULL;
