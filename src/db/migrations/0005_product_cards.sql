-- What a product card shows, kept on the product so listings sort and page without per-row
-- subqueries. db::catalog::refresh_card rewrites these in every transaction that changes a
-- product's variants, stock or photos.
ALTER TABLE products ADD COLUMN price_min INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN price_max INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN compare_at INTEGER;
ALTER TABLE products ADD COLUMN sold_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN image_id INTEGER;
UPDATE products SET
    price_min = coalesce((SELECT min(price) FROM variants v WHERE v.product_id = products.id), 0),
    price_max = coalesce((SELECT max(price) FROM variants v WHERE v.product_id = products.id), 0),
    compare_at = (SELECT max(compare_at_price) FROM variants v WHERE v.product_id = products.id AND compare_at_price > price),
    sold_out = NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = products.id
                           AND (v.track_stock = 0 OR v.allow_backorder = 1 OR v.on_hand - v.reserved > 0)),
    image_id = (SELECT i.id FROM images i WHERE i.product_id = products.id ORDER BY i.position, i.id LIMIT 1);
CREATE INDEX products_listing ON products (status, price_min);
