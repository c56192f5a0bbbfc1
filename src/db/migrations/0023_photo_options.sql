-- A photo can show every variant with one option value (every size of "Madder Red"), not only one
-- SKU: the option's place among the product's options (0 to 2) and its value.
ALTER TABLE images ADD COLUMN option_index INTEGER CHECK (option_index IS NULL OR option_index BETWEEN 0 AND 2);
ALTER TABLE images ADD COLUMN option_value TEXT NOT NULL DEFAULT '';
