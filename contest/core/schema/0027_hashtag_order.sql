-- An entry's hashtags in the order its author wrote them, as a column: the order used to be
-- SQLite's hidden rowid, which PostgreSQL does not have.
ALTER TABLE entry_hashtags ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE entry_hashtags SET position = rowid;
