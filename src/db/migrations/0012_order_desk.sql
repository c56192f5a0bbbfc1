-- The seller's order desk: payments and refunds as rows, what each timeline event is, shipping
-- details, couriers, tags, the seller's message templates, and the order settings the owner
-- changes in the admin (NULL: the config file's value).

-- payment_status gains 'partially_paid' and the order keeps what it received; SQLite cannot change
-- a CHECK, so the table is rebuilt (db::migrate_to runs a migration with foreign keys off and
-- checks them before it commits).
CREATE TABLE orders_new (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'awaiting_payment', 'confirmed', 'processing',
        'ready_to_ship', 'shipped', 'delivered', 'failed_delivery', 'cancelled', 'returned')),
    -- Follows the payment rows (domain::payments::status).
    payment_status TEXT NOT NULL DEFAULT 'unpaid'
        CHECK (payment_status IN ('unpaid', 'partially_paid', 'paid', 'refunded')),
    channel TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'whatsapp', 'instagram', 'facebook', 'phone',
        'walk_in', 'other')),
    currency TEXT NOT NULL,
    subtotal INTEGER NOT NULL,
    delivery_fee INTEGER NOT NULL,
    discount INTEGER NOT NULL,
    total INTEGER NOT NULL,
    -- Payments less refunds, in minor units: the sum of the order's payment rows.
    paid INTEGER NOT NULL DEFAULT 0,
    customer_name TEXT NOT NULL,
    -- E.164.
    customer_phone TEXT NOT NULL,
    customer_email TEXT NOT NULL DEFAULT '',
    delivery_code TEXT NOT NULL,
    delivery_name TEXT NOT NULL,
    delivery_details TEXT NOT NULL DEFAULT '',
    address_line1 TEXT NOT NULL DEFAULT '',
    address_line2 TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    payment_code TEXT NOT NULL,
    payment_kind TEXT NOT NULL,
    payment_name TEXT NOT NULL,
    payment_instructions TEXT NOT NULL DEFAULT '',
    payment_account TEXT NOT NULL DEFAULT '',
    payment_network TEXT NOT NULL DEFAULT '',
    discount_code TEXT,
    note TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT,
    -- Units are reserved while placed and deducted once confirmed (1).
    stock_committed INTEGER NOT NULL DEFAULT 0 CHECK (stock_committed IN (0, 1)),
    -- The lines as 'variant:quantity' sorted, to recognise the same order placed twice.
    lines_key TEXT NOT NULL,
    placed_ip TEXT NOT NULL DEFAULT '',
    -- A draft (or, in the direct flow, a pending order) not acted on by then is cancelled with
    -- reason 'expired'.
    expires_at TEXT,
    -- Shipping, set when the order is shipped: the courier's name, the tracking number and the
    -- tracking link made from the courier's template at that moment.
    courier TEXT NOT NULL DEFAULT '',
    tracking_number TEXT NOT NULL DEFAULT '',
    tracking_url TEXT NOT NULL DEFAULT '',
    -- The latest failed delivery's reason.
    failed_reason TEXT NOT NULL DEFAULT '',
    confirmed_at TEXT,
    shipped_at TEXT,
    delivered_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO orders_new (id, number, code, status, payment_status, channel, currency, subtotal, delivery_fee,
    discount, total, customer_name, customer_phone, customer_email, delivery_code, delivery_name,
    delivery_details, address_line1, address_line2, city, region, postal_code, country, payment_code,
    payment_kind, payment_name, payment_instructions, payment_account, payment_network, discount_code, note,
    cancel_reason, stock_committed, lines_key, placed_ip, expires_at, created_at, updated_at)
SELECT id, number, code, status, payment_status, channel, currency, subtotal, delivery_fee,
    discount, total, customer_name, customer_phone, customer_email, delivery_code, delivery_name,
    delivery_details, address_line1, address_line2, city, region, postal_code, country, payment_code,
    payment_kind, payment_name, payment_instructions, payment_account, payment_network, discount_code, note,
    cancel_reason, stock_committed, lines_key, placed_ip, expires_at, created_at, updated_at
FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_phone ON orders (customer_phone, created_at);
CREATE INDEX orders_status ON orders (status, created_at);
CREATE INDEX orders_expires ON orders (expires_at) WHERE status IN ('draft', 'pending');
CREATE INDEX orders_ip ON orders (placed_ip, created_at);
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_payment ON orders (payment_status, created_at);

-- Units of each line deducted from stock when the order was confirmed, and how many of them
-- have been put back since (a cancellation after confirmation, or a return the seller restocked).
ALTER TABLE order_lines ADD COLUMN committed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN restocked INTEGER NOT NULL DEFAULT 0;

-- What each timeline event is. 'status' events (and their note) are what the customer's page
-- shows; the rest, and every event's detail, are for the seller only.
ALTER TABLE order_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'status'
    CHECK (kind IN ('status', 'payment', 'edit', 'note', 'message', 'link'));
ALTER TABLE order_events ADD COLUMN from_status TEXT;
ALTER TABLE order_events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
ALTER TABLE order_events ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;

-- Money received for an order, and money given back: one row each, never edited.
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('payment', 'refund')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    -- The payment method's code: 'cod', 'bank', 'upi', 'crypto', or the seller's own.
    method TEXT NOT NULL,
    -- A UPI or bank reference, a transaction hash, 'cash'.
    reference TEXT NOT NULL DEFAULT '',
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- Who recorded it, by name, kept when the account is removed.
    recorded_by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX payments_order ON payments (order_id, id);

-- The seller's labels for orders ('gift', 'wholesale'), free text.
CREATE TABLE order_tags (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (order_id, tag)
);
CREATE INDEX order_tags_tag ON order_tags (tag, order_id);

CREATE TABLE couriers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- A link with {tracking} where the tracking number goes; empty: no link.
    tracking_url TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- The seller's own wording of a one-tap WhatsApp message (domain::desk::Template); a template
-- without a row uses the built-in text.
CREATE TABLE message_templates (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- For crypto: a block explorer link with {hash} where the transaction hash goes.
ALTER TABLE payment_methods ADD COLUMN explorer_url TEXT NOT NULL DEFAULT '';

-- Order rules the owner sets in the admin; NULL uses the config file's [orders] value.
ALTER TABLE checkout_settings ADD COLUMN draft_minutes INTEGER CHECK (draft_minutes IS NULL OR draft_minutes > 0);
-- 0: pending orders never expire.
ALTER TABLE checkout_settings ADD COLUMN pending_minutes INTEGER CHECK (pending_minutes IS NULL OR pending_minutes >= 0);
ALTER TABLE checkout_settings ADD COLUMN link_days INTEGER CHECK (link_days IS NULL OR link_days > 0);
ALTER TABLE checkout_settings ADD COLUMN duplicate_minutes INTEGER
    CHECK (duplicate_minutes IS NULL OR duplicate_minutes >= 0);
ALTER TABLE checkout_settings ADD COLUMN placements_per_hour INTEGER
    CHECK (placements_per_hour IS NULL OR placements_per_hour >= 0);
-- Recording the full amount on an awaiting_payment order confirms it.
ALTER TABLE checkout_settings ADD COLUMN paid_confirms INTEGER NOT NULL DEFAULT 0 CHECK (paid_confirms IN (0, 1));

-- Times shown to people are in this IANA zone ('Asia/Kolkata'); the database stays UTC.
ALTER TABLE shop_settings ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
