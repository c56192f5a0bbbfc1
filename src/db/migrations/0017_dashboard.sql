-- 0017_dashboard
-- The dashboard adds up a period's orders from an index alone (placing time, status, total,
-- why cancelled), and finds the orders shipped in a period with their confirmation times.
CREATE INDEX orders_dashboard ON orders (created_at, status, total, cancel_reason);
CREATE INDEX orders_shipped ON orders (shipped_at, confirmed_at) WHERE shipped_at IS NOT NULL;

-- Flagged orders nobody has reviewed yet, found without reading the others (the desk's Review tab
-- and its count, on every list page).
ALTER TABLE orders ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1));
UPDATE orders SET flagged = 1 WHERE id IN (SELECT order_id FROM order_flags);
CREATE INDEX orders_to_review ON orders (created_at) WHERE flagged = 1 AND reviewed_at IS NULL;
