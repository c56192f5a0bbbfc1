-- Orders move stock all day; the storefront's pages should not be thrown away for each one.
-- A change of on-hand or reserved units moves the storefront version only when what a page shows
-- changes: sold out, "only N left" (N up to 5, domain::catalog::FEW), or plenty. Any other column
-- named in an UPDATE moves it as before (a new column must be added to this list; a unit test
-- checks that every column but on_hand and reserved is here).
DROP TRIGGER variants_upd;
CREATE TRIGGER variants_upd AFTER UPDATE OF id, product_id, position, sku, option1, option2, option3,
    price, compare_at_price, track_stock, allow_backorder, max_per_order, barcode, weight_grams ON variants
BEGIN UPDATE storefront_version SET n = n + 1; END;
CREATE TRIGGER variants_stock_upd AFTER UPDATE OF on_hand, reserved ON variants
WHEN NEW.track_stock = 1 AND min(max(OLD.on_hand - OLD.reserved, 0), 6) != min(max(NEW.on_hand - NEW.reserved, 0), 6)
BEGIN UPDATE storefront_version SET n = n + 1; END;

-- Carts and orders by variant (a product's deletion and the doctor's reservation check).
CREATE INDEX cart_lines_variant ON cart_lines (variant_id);
CREATE INDEX order_lines_variant ON order_lines (variant_id);
-- The hourly purge finds expired magic links.
CREATE INDEX order_tokens_expires ON order_tokens (expires_at);

-- (0007's comment on checkout_settings.whatsapp_template also names {name} and {link}: only
-- {code}, {items}, {total}, {delivery} and {payment} are filled in, so that no personal data
-- travels in a wa.me link.)
