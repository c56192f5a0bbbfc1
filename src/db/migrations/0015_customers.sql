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

-- Earlier orders: one customer per number, named as its latest order.
INSERT INTO customers (phone, name, email, created_at, updated_at)
SELECT o.customer_phone,
       (SELECT l.customer_name FROM orders l WHERE l.customer_phone = o.customer_phone ORDER BY l.created_at DESC, l.id DESC LIMIT 1),
       coalesce((SELECT l.customer_email FROM orders l WHERE l.customer_phone = o.customer_phone AND l.customer_email != ''
                 ORDER BY l.created_at DESC, l.id DESC LIMIT 1), ''),
       min(o.created_at), max(o.created_at)
FROM orders o GROUP BY o.customer_phone;
UPDATE orders SET customer_id = (SELECT c.id FROM customers c WHERE c.phone = orders.customer_phone);
UPDATE customers SET
    order_count = (SELECT count(*) FROM orders o WHERE o.customer_id = customers.id),
    lifetime_value = (SELECT coalesce(sum(total), 0) FROM orders o WHERE o.customer_id = customers.id
        AND o.status IN ('confirmed', 'processing', 'ready_to_ship', 'shipped', 'delivered')),
    open_orders = (SELECT count(*) FROM orders o WHERE o.customer_id = customers.id
        AND o.status NOT IN ('delivered', 'cancelled', 'returned')),
    last_order_at = (SELECT max(created_at) FROM orders o WHERE o.customer_id = customers.id);

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
INSERT INTO order_tag_counts (tag, n) SELECT tag, count(*) FROM order_tags GROUP BY tag;
CREATE INDEX order_tag_counts_n ON order_tag_counts (n);
CREATE TRIGGER order_tags_count_ins AFTER INSERT ON order_tags BEGIN
    INSERT INTO order_tag_counts (tag, n) VALUES (new.tag, 1) ON CONFLICT (tag) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER order_tags_count_del AFTER DELETE ON order_tags BEGIN
    UPDATE order_tag_counts SET n = n - 1 WHERE tag = old.tag;
    DELETE FROM order_tag_counts WHERE tag = old.tag AND n <= 0;
END;
