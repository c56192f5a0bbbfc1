-- Custom orders (issue 13): a customer's request (what they want, reference photos, how to reach
-- them), the seller's quote, the customer's answer through a magic link, and the order acceptance
-- creates. pending → quoted → accepted | declined | expired; asking for changes sends a quoted
-- request back to pending.
CREATE TABLE custom_requests (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    -- 'Q-1001': what the customer and the seller call it.
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'quoted', 'accepted', 'declined', 'expired')),
    description TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    -- What the customer means to spend, in minor units of the shop's currency; NULL: not said.
    budget INTEGER CHECK (budget IS NULL OR budget >= 0),
    currency TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    -- E.164 (or 'erased:<request id>' once erased).
    customer_phone TEXT NOT NULL,
    customer_email TEXT NOT NULL DEFAULT '',
    -- The quote, once sent: the price of one, the delivery fee, when it can be delivered, notes.
    unit_price INTEGER CHECK (unit_price IS NULL OR unit_price > 0),
    quoted_quantity INTEGER CHECK (quoted_quantity IS NULL OR quoted_quantity > 0),
    delivery_fee INTEGER NOT NULL DEFAULT 0 CHECK (delivery_fee >= 0),
    delivery_time TEXT NOT NULL DEFAULT '',
    quote_notes TEXT NOT NULL DEFAULT '',
    -- 1: once confirmed, the order cannot be cancelled by asking (made to measure).
    no_cancel INTEGER NOT NULL DEFAULT 0 CHECK (no_cancel IN (0, 1)),
    quoted_at TEXT,
    quoted_by TEXT NOT NULL DEFAULT '',
    -- A pending request is answered by then (72 hours) and a quote accepted by then, or it expires.
    expires_at TEXT NOT NULL,
    -- Why it was declined (by either side), or what the customer wants changed.
    reason TEXT NOT NULL DEFAULT '',
    order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    -- The request the customer made of it by asking again (once).
    asked_again_id INTEGER REFERENCES custom_requests (id) ON DELETE SET NULL,
    placed_ip TEXT NOT NULL DEFAULT '',
    erased_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX custom_requests_status ON custom_requests (status, created_at);
CREATE INDEX custom_requests_expires ON custom_requests (expires_at) WHERE status IN ('pending', 'quoted');
CREATE INDEX custom_requests_phone ON custom_requests (customer_phone);

-- Reference photos, checked and stripped like product photos: WebP, a large and a small one.
CREATE TABLE custom_request_photos (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES custom_requests (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    large BLOB NOT NULL,
    small BLOB NOT NULL
);
CREATE INDEX custom_request_photos_request ON custom_request_photos (request_id, position);

-- What happened, in order: asked, quoted, changes asked, accepted, declined, expired.
CREATE TABLE custom_request_events (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES custom_requests (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX custom_request_events_request ON custom_request_events (request_id, id);

-- The customer's magic links to their request: SHA-256 of a random token.
CREATE TABLE custom_request_tokens (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES custom_requests (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX custom_request_tokens_request ON custom_request_tokens (request_id);

-- An order made from an accepted quote: its kind, and whether asking to cancel it ends at confirmation.
ALTER TABLE orders ADD COLUMN kind TEXT NOT NULL DEFAULT 'catalogue' CHECK (kind IN ('catalogue', 'custom'));
ALTER TABLE orders ADD COLUMN no_cancel INTEGER NOT NULL DEFAULT 0 CHECK (no_cancel IN (0, 1));

-- Messages about a request (to the seller and the customer), erased with its personal data.
ALTER TABLE outbox ADD COLUMN custom_request_id INTEGER REFERENCES custom_requests (id) ON DELETE SET NULL;
CREATE INDEX outbox_custom_request ON outbox (custom_request_id) WHERE custom_request_id IS NOT NULL;

-- The storefront takes custom-order requests only when the owner switches it on.
ALTER TABLE shop_settings ADD COLUMN custom_orders INTEGER NOT NULL DEFAULT 0 CHECK (custom_orders IN (0, 1));

-- WhatsApp sign-in (issue 13): a code sent as an authentication template proves a number. An
-- account is an email, a proven number, or both; the seller sees a proven number as verified.
ALTER TABLE whatsapp_settings ADD COLUMN sign_in_template TEXT NOT NULL DEFAULT '';
ALTER TABLE account_codes ADD COLUMN phone TEXT NOT NULL DEFAULT '';
CREATE INDEX account_codes_phone ON account_codes (phone, id) WHERE phone != '';
CREATE TABLE customer_accounts_new (
    id INTEGER PRIMARY KEY,
    -- NULL for an account known only by its WhatsApp number.
    email TEXT UNIQUE COLLATE NOCASE,
    -- E.164, set once proven through WhatsApp; empty until then.
    phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_sign_in_at TEXT,
    CHECK (email IS NOT NULL OR phone != '')
);
INSERT INTO customer_accounts_new (id, email, phone, created_at, last_sign_in_at)
SELECT id, email, phone, created_at, last_sign_in_at FROM customer_accounts;
DROP TABLE customer_accounts;
ALTER TABLE customer_accounts_new RENAME TO customer_accounts;
CREATE UNIQUE INDEX customer_accounts_phone ON customer_accounts (phone) WHERE phone != '';
ALTER TABLE customers ADD COLUMN whatsapp_verified_at TEXT;
