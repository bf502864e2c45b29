-- A database that `contest copy-data` is filling: while this table holds a row the site refuses
-- to start on it (half a site must never be served), and copy-data may write into it again.
-- The copy sets the row before its first row of data and removes it only once every table
-- and photo file has been checked against the source.
CREATE TABLE copy_in_progress (
    source TEXT NOT NULL,
    started_at TEXT NOT NULL
);
