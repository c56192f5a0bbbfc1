-- The catalogue: products with up to three options, variants with stock kept through a ledger,
-- collections, images, and the full-text search index.
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

-- Resized copies kept in the database, so a backup is still one file.
CREATE TABLE image_renditions (
    image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    width INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (image_id, width)
);

-- Full-text search over title, description, SKUs and tags; rowid is the product id.
CREATE VIRTUAL TABLE product_search USING fts5 (
    title, description, skus, tags,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
