-- 0018_orders_version
-- A number that moves whenever an order or its lines change: the dashboard keeps the figures it
-- added up from the orders only until it moves (adding up 30 days of orders costs tens of
-- milliseconds). It is a version, not a figure: nothing is counted twice. A migration that
-- rebuilds `orders` or `order_lines` must create these triggers again.
CREATE TABLE orders_version (n INTEGER NOT NULL);
INSERT INTO orders_version (n) VALUES (0);
CREATE TRIGGER orders_version_ins AFTER INSERT ON orders BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER orders_version_upd AFTER UPDATE ON orders BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER orders_version_del AFTER DELETE ON orders BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER order_lines_version_ins AFTER INSERT ON order_lines BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER order_lines_version_upd AFTER UPDATE ON order_lines BEGIN UPDATE orders_version SET n = n + 1; END;
CREATE TRIGGER order_lines_version_del AFTER DELETE ON order_lines BEGIN UPDATE orders_version SET n = n + 1; END;
