    ALTER TABLE contests ADD COLUMN voting_mode TEXT NOT NULL DEFAULT 'accounts'
        CHECK (voting_mode IN ('accounts', 'email', 'device'));
    ALTER TABLE contests ADD COLUMN hide_counts INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE likes (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('vote', 'pick')),
        user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        address TEXT NOT NULL,
        created_at TEXT NOT NULL,
        voided_at TEXT,
        void_reason TEXT,
        PRIMARY KEY (entry_id, voter)
    ) WITHOUT ROWID;
    CREATE INDEX likes_voter ON likes(voter);
    CREATE TABLE like_events (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL,
        voter TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('vote', 'pick')),
        action TEXT NOT NULL CHECK (action IN ('like', 'unlike', 'void')),
        address TEXT NOT NULL,
        reason TEXT,
        actor_id INTEGER,
        at TEXT NOT NULL
    );
    CREATE INDEX like_events_entry ON like_events(entry_id, id);
    CREATE TRIGGER like_events_never_change BEFORE UPDATE ON like_events
    BEGIN
        SELECT RAISE(ABORT, 'like_events is append-only');
    END;
    CREATE TRIGGER like_events_never_vanish BEFORE DELETE ON like_events
    BEGIN
        SELECT RAISE(ABORT, 'like_events is append-only');
    END;
