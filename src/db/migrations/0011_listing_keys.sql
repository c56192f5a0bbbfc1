-- Collection pages sort, page and count a collection's products on sale without reading every
-- product row: each membership keeps its product's status, lowest price and age, kept equal to
-- the product's by the triggers below (`souk doctor` checks them with the cards).
ALTER TABLE collection_products ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE collection_products ADD COLUMN price INTEGER NOT NULL DEFAULT 0;
ALTER TABLE collection_products ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
UPDATE collection_products SET (status, price, created_at) =
    (SELECT p.status, p.price_min, p.created_at FROM products p WHERE p.id = collection_products.product_id);
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
