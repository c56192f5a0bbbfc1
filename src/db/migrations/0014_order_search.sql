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
INSERT INTO order_status_counts (status, n) SELECT status, count(*) FROM orders GROUP BY status;
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
INSERT INTO order_search (order_search) VALUES ('rebuild');
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
