-- The shop's look, set in the admin: a short introduction on the home page, an accent colour
-- (#rrggbb, empty for Souk's own) and a logo.
ALTER TABLE shop_settings ADD COLUMN intro TEXT NOT NULL DEFAULT '';
ALTER TABLE shop_settings ADD COLUMN accent_color TEXT NOT NULL DEFAULT '';
-- The logo's URL part (a hash of its bytes), empty when there is none.
ALTER TABLE shop_settings ADD COLUMN logo_version TEXT NOT NULL DEFAULT '';
CREATE TABLE shop_logo (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    webp BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL
);

-- Photo URLs (/img/{id}/{width}) are cached as immutable, so an id must never be given twice:
-- without AUTOINCREMENT SQLite reuses the highest id after it is deleted. New photos take the id
-- after the highest ever given (db::catalog::insert_image).
CREATE TABLE image_ids (n INTEGER NOT NULL);
INSERT INTO image_ids (n) SELECT coalesce(max(id), 0) FROM images;
CREATE TRIGGER images_high_water AFTER INSERT ON images
BEGIN UPDATE image_ids SET n = max(n, NEW.id); END;
