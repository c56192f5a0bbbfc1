-- A photo an order line shows outlives its deletion from the product: it leaves the gallery
-- (removed_at set, no variant) but keeps its renditions, so the order still shows what was bought.
-- Every gallery, card and cart query reads only photos with removed_at NULL.
ALTER TABLE images ADD COLUMN removed_at TEXT;
-- Deleting a photo asks whether an order line shows it.
CREATE INDEX order_lines_image ON order_lines (image_id) WHERE image_id IS NOT NULL;
