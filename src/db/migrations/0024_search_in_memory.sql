-- Storefront search is an index in memory (app::search), built from the products on sale and
-- built again when this counter has moved: when a product's words or status change, or a SKU.
-- Orders, stock and prices leave it alone. The FTS5 table it replaces goes.
CREATE TABLE search_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO search_version (id, n) VALUES (1, 0);
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
DROP TABLE product_search;
