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
INSERT INTO review_rules (id) VALUES (1);

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
