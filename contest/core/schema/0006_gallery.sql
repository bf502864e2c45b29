    ALTER TABLE entries ADD COLUMN credit TEXT NOT NULL DEFAULT 'name'
        CHECK (credit IN ('name', 'initials'));
    ALTER TABLE entries ADD COLUMN share_card_key TEXT;
    CREATE TABLE entry_views (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        visitor TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (entry_id, day, visitor)
    ) WITHOUT ROWID;
    CREATE TABLE share_clicks (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        network TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX share_clicks_entry ON share_clicks(entry_id, network);
    CREATE TABLE voter_links (
        token_hash TEXT PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
