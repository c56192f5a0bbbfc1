-- The current schema as one readable file. The migrations in src/db/migrations/ are the source of truth;
-- a test keeps this file equal to the migrated schema.

-- 0001_accounts
CREATE TABLE shop_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    currency_minor_units INTEGER NOT NULL CHECK (currency_minor_units BETWEEN 0 AND 4),
    country_calling_code TEXT NOT NULL,
    whatsapp_number TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    address TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE server_keys (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_tokens (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('setup', 'invite')),
    token_hash BLOB NOT NULL UNIQUE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until TEXT
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);

-- 0002_outbox_jobs
CREATE TABLE outbox (
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
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY,
    job TEXT NOT NULL,
    trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('running', 'ok', 'error')),
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);

-- 0003_catalog
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description_md TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
    -- Lower-case, comma-separated.
    tags TEXT NOT NULL DEFAULT '',
    seo_title TEXT NOT NULL DEFAULT '',
    seo_description TEXT NOT NULL DEFAULT '',
    -- Option names, e.g. 'Size' and 'Colour'; empty when unused.
    option1 TEXT NOT NULL DEFAULT '',
    option2 TEXT NOT NULL DEFAULT '',
    option3 TEXT NOT NULL DEFAULT '',
    -- A drop: not buyable before this time (NULL: buyable once active).
    publish_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX products_status ON products (status, created_at);

CREATE TABLE variants (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sku TEXT NOT NULL UNIQUE COLLATE NOCASE,
    option1 TEXT NOT NULL DEFAULT '',
    option2 TEXT NOT NULL DEFAULT '',
    option3 TEXT NOT NULL DEFAULT '',
    -- Minor units of the shop's currency.
    price INTEGER NOT NULL CHECK (price >= 0),
    compare_at_price INTEGER CHECK (compare_at_price IS NULL OR compare_at_price >= 0),
    -- Always the sum of this variant's stock_ledger rows.
    on_hand INTEGER NOT NULL DEFAULT 0,
    -- Units held by placed, unconfirmed orders.
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    track_stock INTEGER NOT NULL DEFAULT 1 CHECK (track_stock IN (0, 1)),
    allow_backorder INTEGER NOT NULL DEFAULT 0 CHECK (allow_backorder IN (0, 1)),
    max_per_order INTEGER CHECK (max_per_order IS NULL OR max_per_order > 0),
    barcode TEXT NOT NULL DEFAULT '',
    weight_grams INTEGER CHECK (weight_grams IS NULL OR weight_grams >= 0)
);
CREATE INDEX variants_product ON variants (product_id, position);

CREATE TABLE stock_ledger (
    id INTEGER PRIMARY KEY,
    variant_id INTEGER NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    delta INTEGER NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX stock_ledger_variant ON stock_ledger (variant_id, id);

CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description_md TEXT NOT NULL DEFAULT '',
    featured INTEGER NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE collection_products (
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (collection_id, product_id)
);
CREATE INDEX collection_products_product ON collection_products (product_id);

CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    variant_id INTEGER REFERENCES variants (id) ON DELETE SET NULL,
    position INTEGER NOT NULL,
    alt TEXT NOT NULL DEFAULT '',
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX images_product ON images (product_id, position);

CREATE TABLE image_renditions (
    image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    width INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (image_id, width)
);

-- (product_search, an FTS5 table, stood here until 0024 put search in memory.)

-- 0004_early_access
ALTER TABLE products ADD COLUMN early_access_hash BLOB;

-- 0005_product_cards
ALTER TABLE products ADD COLUMN price_min INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN price_max INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN compare_at INTEGER;
ALTER TABLE products ADD COLUMN sold_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN image_id INTEGER;
CREATE INDEX products_listing ON products (status, price_min);

-- 0006_storefront_version
-- A counter that changes whenever anything a storefront page shows changes, whoever writes it
-- (this server, `souk demo`, another process): the page cache keeps a rendered page only while
-- the counter it was rendered at is current.
CREATE TABLE storefront_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
CREATE TRIGGER products_ins AFTER INSERT ON products BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER products_upd AFTER UPDATE ON products BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER products_del AFTER DELETE ON products BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER variants_ins AFTER INSERT ON variants BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER variants_upd AFTER UPDATE ON variants BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER variants_del AFTER DELETE ON variants BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER images_ins AFTER INSERT ON images BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER images_upd AFTER UPDATE ON images BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER images_del AFTER DELETE ON images BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER collections_ins AFTER INSERT ON collections BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER collections_upd AFTER UPDATE ON collections BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER collections_del AFTER DELETE ON collections BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER collection_products_ins AFTER INSERT ON collection_products BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER collection_products_upd AFTER UPDATE ON collection_products BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER collection_products_del AFTER DELETE ON collection_products BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER shop_settings_upd AFTER UPDATE ON shop_settings BEGIN UPDATE storefront_version SET n = n + 1; END;
-- The next drop to open: a cached page is kept only until then.
CREATE INDEX products_publish ON products (publish_at) WHERE publish_at IS NOT NULL;

-- 0007_orders
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

-- 0008_order_upkeep
-- Orders move stock all day; the storefront's pages should not be thrown away for each one.
-- A change of on-hand or reserved units moves the storefront version only when what a page shows
-- changes: sold out, "only N left" (N up to 5, domain::catalog::FEW), or plenty. Any other column
-- named in an UPDATE moves it as before (a new column must be added to this list; a unit test
-- checks that every column but on_hand and reserved is here).
DROP TRIGGER variants_upd;
CREATE TRIGGER variants_upd AFTER UPDATE OF id, product_id, position, sku, option1, option2, option3,
    price, compare_at_price, track_stock, allow_backorder, max_per_order, barcode, weight_grams ON variants
BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER variants_stock_upd AFTER UPDATE OF on_hand, reserved ON variants
WHEN NEW.track_stock = 1 AND min(max(OLD.on_hand - OLD.reserved, 0), 6) != min(max(NEW.on_hand - NEW.reserved, 0), 6)
BEGIN UPDATE storefront_version SET n = n + 1; END;

-- Carts and orders by variant (a product's deletion and the doctor's reservation check).
CREATE INDEX cart_lines_variant ON cart_lines (variant_id);
CREATE INDEX order_lines_variant ON order_lines (variant_id);
-- The hourly purge finds expired magic links.
CREATE INDEX order_tokens_expires ON order_tokens (expires_at);

-- (0007's comment on checkout_settings.whatsapp_template also names {name} and {link}: only
-- {code}, {items}, {total}, {delivery} and {payment} are filled in, so that no personal data
-- travels in a wa.me link.)

-- 0009_shop_look
-- The shop's look, set in the admin: a short introduction on the home page, an accent colour
-- (#rrggbb, empty for Souk's own) and a logo.
ALTER TABLE shop_settings ADD COLUMN intro TEXT NOT NULL DEFAULT '';
ALTER TABLE shop_settings ADD COLUMN accent_color TEXT NOT NULL DEFAULT '';
-- The logo's URL part (a hash of its bytes), empty when there is none.
ALTER TABLE shop_settings ADD COLUMN logo_version TEXT NOT NULL DEFAULT '';
CREATE TABLE shop_logo (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    webp BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL
);

-- Photo URLs (/img/{id}/{width}) are cached as immutable, so an id must never be given twice:
-- without AUTOINCREMENT SQLite reuses the highest id after it is deleted. New photos take the id
-- after the highest ever given (db::catalog::insert_image).
CREATE TABLE image_ids (n INTEGER NOT NULL);
CREATE TRIGGER images_high_water AFTER INSERT ON images
BEGIN UPDATE image_ids SET n = max(n, NEW.id); END;

-- 0010_kept_photos
-- A photo an order line shows outlives its deletion from the product: it leaves the gallery
-- (removed_at set, no variant) but keeps its renditions, so the order still shows what was bought.
-- Every gallery, card and cart query reads only photos with removed_at NULL.
ALTER TABLE images ADD COLUMN removed_at TEXT;
-- Deleting a photo asks whether an order line shows it.
CREATE INDEX order_lines_image ON order_lines (image_id) WHERE image_id IS NOT NULL;

-- 0011_listing_keys
-- Collection pages sort, page and count a collection's products on sale without reading every
-- product row: each membership keeps its product's status, lowest price and age, kept equal to
-- the product's by the triggers below (`souk doctor` checks them with the cards).
ALTER TABLE collection_products ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE collection_products ADD COLUMN price INTEGER NOT NULL DEFAULT 0;
ALTER TABLE collection_products ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
CREATE INDEX collection_products_by_place ON collection_products (collection_id, status, position, product_id);
CREATE INDEX collection_products_by_price ON collection_products (collection_id, status, price, product_id);
CREATE INDEX collection_products_by_age ON collection_products (collection_id, status, created_at, product_id);
CREATE TRIGGER collection_products_keys AFTER INSERT ON collection_products BEGIN
    UPDATE collection_products SET (status, price, created_at) =
        (SELECT p.status, p.price_min, p.created_at FROM products p WHERE p.id = NEW.product_id)
    WHERE collection_id = NEW.collection_id AND product_id = NEW.product_id;
END;
CREATE TRIGGER products_listing_keys AFTER UPDATE OF status, price_min, created_at ON products BEGIN
    UPDATE collection_products SET status = NEW.status, price = NEW.price_min, created_at = NEW.created_at
    WHERE product_id = NEW.id;
END;

-- 0012_order_desk
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

-- 0013_api_tokens
-- API tokens for integrations: made by the owner (admin or `souk admin token`), each acting as one
-- account with a scope, shown once and stored only as a SHA-256 hash; revoked, never deleted, so
-- the audit log's token names keep meaning something.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    token_hash BLOB NOT NULL UNIQUE,
    -- The token's last four characters, to tell tokens apart on the admin page.
    hint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The answers to the admin API's write calls that came with an Idempotency-Key: a retry with the
-- same key and body gets the same answer, and nothing happens twice. Kept a day.
CREATE TABLE api_replies (
    token_id INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (token_id, key)
);
CREATE INDEX api_replies_created ON api_replies (created_at);

-- 0014_order_search
-- Two things the order desk reads on nearly every page, kept by triggers in the transaction of each
-- change instead of worked out from 100,000 orders each time. A migration that rebuilds `orders`
-- must create these triggers again; `souk doctor` checks both against the orders.

-- How many orders are in each status (the admin menu's drafts and active counts, the Active tab's
-- group sizes).
CREATE TABLE order_status_counts (
    status TEXT PRIMARY KEY,
    n INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER orders_count_ins AFTER INSERT ON orders BEGIN
    INSERT INTO order_status_counts (status, n) VALUES (new.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER orders_count_del AFTER DELETE ON orders BEGIN
    UPDATE order_status_counts SET n = n - 1 WHERE status = old.status;
END;
CREATE TRIGGER orders_count_upd AFTER UPDATE OF status ON orders WHEN old.status != new.status BEGIN
    UPDATE order_status_counts SET n = n - 1 WHERE status = old.status;
    INSERT INTO order_status_counts (status, n) VALUES (new.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

-- The desk's search box: any part of an order code, a customer's name, email or phone, found
-- through a trigram index (three characters or more) instead of reading every order.
CREATE VIRTUAL TABLE order_search USING fts5 (
    code, customer_name, customer_email, customer_phone,
    content = 'orders', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER orders_search_ins AFTER INSERT ON orders BEGIN
    INSERT INTO order_search (rowid, code, customer_name, customer_email, customer_phone)
        VALUES (new.id, new.code, new.customer_name, new.customer_email, new.customer_phone);
END;
CREATE TRIGGER orders_search_del AFTER DELETE ON orders BEGIN
    INSERT INTO order_search (order_search, rowid, code, customer_name, customer_email, customer_phone)
        VALUES ('delete', old.id, old.code, old.customer_name, old.customer_email, old.customer_phone);
END;
CREATE TRIGGER orders_search_upd AFTER UPDATE OF code, customer_name, customer_email, customer_phone ON orders BEGIN
    INSERT INTO order_search (order_search, rowid, code, customer_name, customer_email, customer_phone)
        VALUES ('delete', old.id, old.code, old.customer_name, old.customer_email, old.customer_phone);
    INSERT INTO order_search (rowid, code, customer_name, customer_email, customer_phone)
        VALUES (new.id, new.code, new.customer_name, new.customer_email, new.customer_phone);
END;

-- 0015_customers
-- One customer per WhatsApp number (E.164). Orders are linked to theirs by triggers, whatever
-- places or edits them (checkout, API, manual order, an edited phone number, the demo), so orders
-- from the same number are one customer even when the name differs. A customer's name and email
-- are the latest an order gave. Their order figures are worked out again from their orders by
-- triggers in the transaction of each change (the list sorts by them), and `souk doctor` checks
-- them. A migration that rebuilds `orders` must create these triggers again.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    phone TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    -- The seller's notes about this customer (plain text, shown escaped).
    note TEXT NOT NULL DEFAULT '',
    -- Orders placed, in any status.
    order_count INTEGER NOT NULL DEFAULT 0,
    -- The totals of confirmed orders not cancelled or returned, in minor units.
    lifetime_value INTEGER NOT NULL DEFAULT 0,
    -- Orders neither delivered, cancelled nor returned.
    open_orders INTEGER NOT NULL DEFAULT 0,
    last_order_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customers_last_order ON customers (last_order_at);
CREATE INDEX customers_value ON customers (lifetime_value);
CREATE INDEX customers_count ON customers (order_count);

CREATE TABLE customer_tags (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id);

-- The customers list's search box, as the orders': any part of a name, phone or email.
CREATE VIRTUAL TABLE customer_search USING fts5 (
    name, phone, email,
    content = 'customers', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER customers_search_ins AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search (rowid, name, phone, email) VALUES (new.id, new.name, new.phone, new.email);
END;
CREATE TRIGGER customers_search_del AFTER DELETE ON customers BEGIN
    INSERT INTO customer_search (customer_search, rowid, name, phone, email)
        VALUES ('delete', old.id, old.name, old.phone, old.email);
END;
CREATE TRIGGER customers_search_upd AFTER UPDATE OF name, phone, email ON customers BEGIN
    INSERT INTO customer_search (customer_search, rowid, name, phone, email)
        VALUES ('delete', old.id, old.name, old.phone, old.email);
    INSERT INTO customer_search (rowid, name, phone, email) VALUES (new.id, new.name, new.phone, new.email);
END;

ALTER TABLE orders ADD COLUMN customer_id INTEGER REFERENCES customers (id);
CREATE INDEX orders_customer ON orders (customer_id, created_at);

-- A new order finds or makes its customer.
CREATE TRIGGER orders_customer_ins AFTER INSERT ON orders BEGIN
    INSERT INTO customers (phone, name, email, created_at, updated_at)
        VALUES (new.customer_phone, new.customer_name, new.customer_email, new.created_at, new.created_at)
        ON CONFLICT (phone) DO UPDATE SET name = excluded.name,
            email = CASE WHEN excluded.email != '' THEN excluded.email ELSE customers.email END,
            updated_at = excluded.updated_at;
    UPDATE orders SET customer_id = (SELECT id FROM customers WHERE phone = new.customer_phone) WHERE id = new.id;
END;
-- An order whose number is edited moves to that number's customer.
CREATE TRIGGER orders_customer_phone AFTER UPDATE OF customer_phone ON orders
    WHEN old.customer_phone != new.customer_phone BEGIN
    INSERT INTO customers (phone, name, email, created_at, updated_at)
        VALUES (new.customer_phone, new.customer_name, new.customer_email, new.updated_at, new.updated_at)
        ON CONFLICT (phone) DO NOTHING;
    UPDATE orders SET customer_id = (SELECT id FROM customers WHERE phone = new.customer_phone) WHERE id = new.id;
END;
-- A customer's figures follow their orders.
CREATE TRIGGER orders_customer_figures AFTER UPDATE OF status, total, customer_id ON orders BEGIN
    UPDATE customers SET
        order_count = (SELECT count(*) FROM orders o WHERE o.customer_id = customers.id),
        lifetime_value = (SELECT coalesce(sum(total), 0) FROM orders o WHERE o.customer_id = customers.id
            AND o.status IN ('confirmed', 'processing', 'ready_to_ship', 'shipped', 'delivered')),
        open_orders = (SELECT count(*) FROM orders o WHERE o.customer_id = customers.id
            AND o.status NOT IN ('delivered', 'cancelled', 'returned')),
        last_order_at = (SELECT max(created_at) FROM orders o WHERE o.customer_id = customers.id)
    WHERE id IN (old.customer_id, new.customer_id);
END;
CREATE TRIGGER orders_customer_del AFTER DELETE ON orders BEGIN
    UPDATE customers SET
        order_count = (SELECT count(*) FROM orders o WHERE o.customer_id = customers.id),
        lifetime_value = (SELECT coalesce(sum(total), 0) FROM orders o WHERE o.customer_id = customers.id
            AND o.status IN ('confirmed', 'processing', 'ready_to_ship', 'shipped', 'delivered')),
        open_orders = (SELECT count(*) FROM orders o WHERE o.customer_id = customers.id
            AND o.status NOT IN ('delivered', 'cancelled', 'returned')),
        last_order_at = (SELECT max(created_at) FROM orders o WHERE o.customer_id = customers.id)
    WHERE id = old.customer_id;
END;

-- How many orders carry each tag: the tag suggestions on the desk's pages (a GROUP BY over every
-- tagged order cost about 1 ms a page at 100,000 orders).
CREATE TABLE order_tag_counts (
    tag TEXT PRIMARY KEY COLLATE NOCASE,
    n INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX order_tag_counts_n ON order_tag_counts (n);
CREATE TRIGGER order_tags_count_ins AFTER INSERT ON order_tags BEGIN
    INSERT INTO order_tag_counts (tag, n) VALUES (new.tag, 1) ON CONFLICT (tag) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER order_tags_count_del AFTER DELETE ON order_tags BEGIN
    UPDATE order_tag_counts SET n = n - 1 WHERE tag = old.tag;
    DELETE FROM order_tag_counts WHERE tag = old.tag AND n <= 0;
END;

-- 0016_review
-- Fraud review: the owner's rules (each on or off, with its threshold), the reasons an order was
-- flagged when it was placed, who reviewed it, and numbers the seller has blocked.
CREATE TABLE review_rules (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- A number with at least `failed_min` failed deliveries (refused cash on delivery among them).
    failed_on INTEGER NOT NULL DEFAULT 1 CHECK (failed_on IN (0, 1)),
    failed_min INTEGER NOT NULL DEFAULT 2 CHECK (failed_min >= 1),
    -- A number's first cash-on-delivery order above `first_cod_over` (minor units).
    first_cod_on INTEGER NOT NULL DEFAULT 0 CHECK (first_cod_on IN (0, 1)),
    first_cod_over INTEGER NOT NULL DEFAULT 500000 CHECK (first_cod_over >= 0),
    -- More than `velocity_orders` orders from one number, or one address, within `velocity_hours`.
    velocity_on INTEGER NOT NULL DEFAULT 0 CHECK (velocity_on IN (0, 1)),
    velocity_orders INTEGER NOT NULL DEFAULT 3 CHECK (velocity_orders >= 1),
    velocity_hours INTEGER NOT NULL DEFAULT 24 CHECK (velocity_hours >= 1),
    -- Delivery postal codes the seller keeps as risky (normalised, one per line).
    postcodes_on INTEGER NOT NULL DEFAULT 0 CHECK (postcodes_on IN (0, 1)),
    postcodes TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT ''
);

-- Why an order was flagged at placement; it waits in the Review tab until reviewed.
CREATE TABLE order_flags (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    rule TEXT NOT NULL CHECK (rule IN ('failed', 'first_cod', 'velocity', 'postcode')),
    reason TEXT NOT NULL,
    PRIMARY KEY (order_id, rule)
) WITHOUT ROWID;

ALTER TABLE orders ADD COLUMN reviewed_at TEXT;
ALTER TABLE orders ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT '';

ALTER TABLE customers ADD COLUMN blocked_at TEXT;
ALTER TABLE customers ADD COLUMN blocked_reason TEXT NOT NULL DEFAULT '';
-- 0017_dashboard
-- The dashboard adds up a period's orders from an index alone (placing time, status, total,
-- why cancelled), and finds the orders shipped in a period with their confirmation times.
CREATE INDEX orders_dashboard ON orders (created_at, status, total, cancel_reason);
CREATE INDEX orders_shipped ON orders (shipped_at, confirmed_at) WHERE shipped_at IS NOT NULL;

-- Flagged orders nobody has reviewed yet, found without reading the others (the desk's Review tab
-- and its count, on every list page).
ALTER TABLE orders ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1));
CREATE INDEX orders_to_review ON orders (created_at) WHERE flagged = 1 AND reviewed_at IS NULL;

-- 0018_orders_version
-- A number that moves whenever an order or its lines change: the dashboard keeps the figures it
-- added up from the orders only until it moves (adding up 30 days of orders costs tens of
-- milliseconds). It is a version, not a figure: nothing is counted twice. A migration that
-- rebuilds `orders` or `order_lines` must create these triggers again.
CREATE TABLE orders_version (n INTEGER NOT NULL);
CREATE TRIGGER orders_version_ins AFTER INSERT ON orders BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER orders_version_upd AFTER UPDATE ON orders BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER orders_version_del AFTER DELETE ON orders BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER order_lines_version_ins AFTER INSERT ON order_lines BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER order_lines_version_upd AFTER UPDATE ON order_lines BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER order_lines_version_del AFTER DELETE ON order_lines BEGIN UPDATE orders_version SET n = n + 1; END;
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
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
CREATE INDEX outbox_endpoint ON outbox (endpoint_id, id) WHERE endpoint_id IS NOT NULL;
CREATE INDEX outbox_order ON outbox (order_id) WHERE order_id IS NOT NULL;
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
-- Admin two-factor (issue 14): an optional TOTP (RFC 6238) per admin user, ten single-use recovery
-- codes (kept as hashes), the sign-in step that waits for a code after the password, and the
-- owner's rule that every admin user must have it.
ALTER TABLE users ADD COLUMN totp_secret BLOB;
-- The secret shown while enrolling, until a code from the app confirms it.
ALTER TABLE users ADD COLUMN totp_pending BLOB;
ALTER TABLE users ADD COLUMN totp_enabled_at TEXT;
-- The time step of the last code accepted: a code is accepted once (RFC 6238 §5.2).
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
-- A password proven right, waiting for the second factor (5 minutes; the cookie holds the token).
CREATE TABLE login_challenges (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    next TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE admin_security (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    require_two_factor INTEGER NOT NULL DEFAULT 0 CHECK (require_two_factor IN (0, 1))
);
-- A photo can show every variant with one option value (every size of "Madder Red"), not only one
-- SKU: the option's place among the product's options (0 to 2) and its value.
ALTER TABLE images ADD COLUMN option_index INTEGER CHECK (option_index IS NULL OR option_index BETWEEN 0 AND 2);
ALTER TABLE images ADD COLUMN option_value TEXT NOT NULL DEFAULT '';

-- 0024_search_in_memory
-- Storefront search is an index in memory (app::search), built from the products on sale and
-- built again when this counter has moved: when a product's words or status change, or a SKU.
-- Orders, stock and prices leave it alone. The FTS5 table it replaces goes.
CREATE TABLE search_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
CREATE TRIGGER search_products_ins AFTER INSERT ON products BEGIN UPDATE search_version SET n = n + 1; END;
CREATE TRIGGER search_products_upd AFTER UPDATE OF title, description_md, tags, status ON products
WHEN OLD.title IS NOT NEW.title OR OLD.description_md IS NOT NEW.description_md OR OLD.tags IS NOT NEW.tags
     OR OLD.status IS NOT NEW.status
BEGIN UPDATE search_version SET n = n + 1; END;
CREATE TRIGGER search_products_del AFTER DELETE ON products BEGIN UPDATE search_version SET n = n + 1; END;
CREATE TRIGGER search_variants_ins AFTER INSERT ON variants BEGIN UPDATE search_version SET n = n + 1; END;
CREATE TRIGGER search_variants_upd AFTER UPDATE OF sku, product_id ON variants
WHEN OLD.sku IS NOT NEW.sku OR OLD.product_id IS NOT NEW.product_id
BEGIN UPDATE search_version SET n = n + 1; END;
CREATE TRIGGER search_variants_del AFTER DELETE ON variants BEGIN UPDATE search_version SET n = n + 1; END;
