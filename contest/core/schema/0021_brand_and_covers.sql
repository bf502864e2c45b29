-- A contest's cover photo: one of its entries, or a photo uploaded for the cover alone.
-- An entry that goes leaves no cover (SET NULL); a withdrawn or rejected one is not shown.
CREATE TABLE contest_covers (
    contest_id INTEGER PRIMARY KEY REFERENCES contests(id) ON DELETE CASCADE,
    entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL,
    display_key TEXT,
    display_width INTEGER,
    display_height INTEGER,
    thumb_key TEXT,
    thumb_width INTEGER,
    thumb_height INTEGER,
    alt_text TEXT NOT NULL DEFAULT '',
    chosen_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    chosen_at TEXT NOT NULL,
    CHECK (entry_id IS NULL OR display_key IS NULL)
);
CREATE INDEX contest_covers_entry ON contest_covers(entry_id);
