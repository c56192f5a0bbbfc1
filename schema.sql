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

CREATE VIRTUAL TABLE product_search USING fts5 (
    title, description, skus, tags,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

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
