-- Carts, checkout settings, delivery and payment methods, discount codes, orders and their magic links.

-- How the shop takes orders (one row).
CREATE TABLE checkout_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- Order codes are this prefix and a number: ORD-1001.
    order_prefix TEXT NOT NULL,
    -- 'whatsapp': orders start as drafts until the seller hears from the customer; 'direct': pending.
    flow TEXT NOT NULL CHECK (flow IN ('whatsapp', 'direct')),
    require_email INTEGER NOT NULL CHECK (require_email IN (0, 1)),
    -- The WhatsApp message; {code}, {items}, {total}, {delivery}, {payment}, {name} and {link} are filled in.
    whatsapp_template TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO checkout_settings (id, order_prefix, flow, require_email, whatsapp_template, updated_at)
VALUES (1, 'ORD-', 'whatsapp', 0,
        'Hello! I just placed order {code}:' || char(10) || '{items}' || char(10) || 'Total: {total}' || char(10) || 'Delivery: {delivery}' || char(10) || 'Payment: {payment}',
        '2000-01-01T00:00:00.000Z');

CREATE TABLE delivery_methods (
    id INTEGER PRIMARY KEY,
    -- The name integrations use: 'pickup', 'standard'.
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- 'pickup': no address, no fee; 'flat': one fee; 'zones': a fee by city, region or postal code.
    kind TEXT NOT NULL CHECK (kind IN ('pickup', 'flat', 'zones')),
    fee INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),
    -- Free when the subtotal (after discount) reaches this; NULL: never free.
    free_over INTEGER CHECK (free_over IS NULL OR free_over >= 0),
    -- Shown at checkout and on the order: where to pick up, how long delivery takes.
    details TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- For a 'zones' method: the first zone (by position) whose list names the customer's city, region
-- or a prefix of the postal code sets the fee; an address no zone names cannot use the method.
CREATE TABLE delivery_zones (
    id INTEGER PRIMARY KEY,
    method_id INTEGER NOT NULL REFERENCES delivery_methods (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- Comma-separated, compared without case: 'Mumbai, Thane, 400'.
    areas TEXT NOT NULL,
    fee INTEGER NOT NULL CHECK (fee >= 0),
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX delivery_zones_method ON delivery_zones (method_id, position);

CREATE TABLE payment_methods (
    id INTEGER PRIMARY KEY,
    -- The name integrations use: 'cod', 'bank', 'upi', 'crypto', or the seller's own.
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('cod', 'bank', 'upi', 'crypto', 'other')),
    name TEXT NOT NULL,
    -- What the customer must do (bank details, where to send proof); shown on the order.
    instructions TEXT NOT NULL DEFAULT '',
    -- The UPI ID (VPA) for 'upi'; the wallet address for 'crypto'.
    account TEXT NOT NULL DEFAULT '',
    -- For 'crypto': the URI scheme of the coin, e.g. 'bitcoin', 'ethereum', 'litecoin'.
    network TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE discount_codes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind TEXT NOT NULL CHECK (kind IN ('percent', 'fixed')),
    -- Whole percent (1 to 100) for 'percent'; minor units for 'fixed'.
    value INTEGER NOT NULL CHECK (value > 0),
    min_subtotal INTEGER NOT NULL DEFAULT 0 CHECK (min_subtotal >= 0),
    starts_at TEXT,
    ends_at TEXT,
    -- NULL: no limit.
    max_uses INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
    max_uses_per_customer INTEGER CHECK (max_uses_per_customer IS NULL OR max_uses_per_customer > 0),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

-- A shopper's cart, found by an opaque cookie whose SHA-256 is kept here.
-- A variant's own photos lead its cart and order lines.
CREATE INDEX images_variant ON images (variant_id) WHERE variant_id IS NOT NULL;

CREATE TABLE carts (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX carts_expires ON carts (expires_at);

CREATE TABLE cart_lines (
    cart_id INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id INTEGER NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    -- The unit price the shopper last saw, so a change can be pointed out.
    seen_price INTEGER NOT NULL,
    -- The early-access token's hash, when added through one before its drop opened.
    access_hash BLOB,
    added_at TEXT NOT NULL,
    PRIMARY KEY (cart_id, variant_id)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'awaiting_payment', 'confirmed', 'processing',
        'ready_to_ship', 'shipped', 'delivered', 'failed_delivery', 'cancelled', 'returned')),
    payment_status TEXT NOT NULL DEFAULT 'unpaid' CHECK (payment_status IN ('unpaid', 'paid', 'refunded')),
    channel TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'whatsapp', 'instagram', 'facebook', 'phone',
        'walk_in', 'other')),
    currency TEXT NOT NULL,
    subtotal INTEGER NOT NULL,
    delivery_fee INTEGER NOT NULL,
    discount INTEGER NOT NULL,
    total INTEGER NOT NULL,
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
    -- A draft not acknowledged by then is cancelled with reason 'expired'.
    expires_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX orders_phone ON orders (customer_phone, created_at);
CREATE INDEX orders_status ON orders (status, created_at);
CREATE INDEX orders_expires ON orders (expires_at) WHERE status = 'draft';
CREATE INDEX orders_ip ON orders (placed_ip, created_at);

-- What was bought, copied from the catalogue at placement so later edits never change a past order.
CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    variant_id INTEGER REFERENCES variants (id) ON DELETE SET NULL,
    product_slug TEXT NOT NULL,
    sku TEXT NOT NULL,
    title TEXT NOT NULL,
    -- 'M / Blue'.
    options TEXT NOT NULL DEFAULT '',
    unit_price INTEGER NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    line_total INTEGER NOT NULL,
    -- The photo shown at placement (no foreign key: the order keeps its reference if the photo goes).
    image_id INTEGER,
    -- Units held for this line: reserved at placement, deducted at confirmation (0 when stock is not tracked).
    reserved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order ON order_lines (order_id, id);

-- The status timeline.
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- Magic links: the SHA-256 of a random token; scope 'view' or 'manage'.
CREATE TABLE order_tokens (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    scope TEXT NOT NULL CHECK (scope IN ('view', 'manage')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX order_tokens_order ON order_tokens (order_id);

CREATE TABLE discount_redemptions (
    discount_id INTEGER NOT NULL REFERENCES discount_codes (id) ON DELETE CASCADE,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    customer_phone TEXT NOT NULL,
    amount INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (discount_id, order_id)
);
CREATE INDEX discount_redemptions_phone ON discount_redemptions (discount_id, customer_phone);

-- One-time keys of checkout forms and API requests: a retry gets the order it made.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL CHECK (scope IN ('form', 'api')),
    key TEXT NOT NULL,
    -- SHA-256 of the request it came with: the same key with another request is refused.
    request_hash BLOB NOT NULL,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    -- The cart that placed it (form): only that browser gets the order back.
    cart_id INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
