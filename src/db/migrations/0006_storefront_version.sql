-- A counter that changes whenever anything a storefront page shows changes, whoever writes it
-- (this server, `souk demo`, another process): the page cache keeps a rendered page only while
-- the counter it was rendered at is current.
CREATE TABLE storefront_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT INTO storefront_version (id, n) VALUES (1, 0);
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
