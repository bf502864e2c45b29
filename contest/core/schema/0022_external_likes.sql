-- Like counts an organizer read from a social network, per entry: each reading is a new row
-- (never an update), with the moment it was read and who typed it. The contest says whether
-- People's Choice counts them, and names the network.
    ALTER TABLE contests ADD COLUMN peoples_choice_basis TEXT NOT NULL DEFAULT 'site' CHECK (peoples_choice_basis IN ('site', 'external'));
    ALTER TABLE contests ADD COLUMN external_network TEXT NOT NULL DEFAULT '' CHECK (length(external_network) <= 40);
    CREATE TABLE external_like_readings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        likes INTEGER NOT NULL CHECK (likes BETWEEN 0 AND 100000000),
        read_at TEXT NOT NULL,
        recorded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        recorded_at TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('form', 'csv'))
    );
    CREATE INDEX external_like_readings_by_entry ON external_like_readings (entry_id, read_at, id);
