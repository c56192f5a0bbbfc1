-- Drops: a secret early-access link per product (stored only as its hash) lets its holders buy early.
ALTER TABLE products ADD COLUMN early_access_hash BLOB;
