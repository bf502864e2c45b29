    ALTER TABLE contests ADD COLUMN licence_text TEXT NOT NULL DEFAULT
        'The organizers may show this photo, credited to you, in the contest and its promotion.';
    ALTER TABLE contests ADD COLUMN description_required INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        participant_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description TEXT NOT NULL DEFAULT '',
        alt_text TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
        rejection_reason TEXT,
        licence TEXT NOT NULL CHECK (licence IN ('contest', 'cc-by-4.0')),
        consent_own_work INTEGER NOT NULL CHECK (consent_own_work = 1),
        consent_people INTEGER NOT NULL CHECK (consent_people = 1),
        captured_at TEXT,
        camera TEXT,
        original_sha256 TEXT NOT NULL,
        dhash TEXT NOT NULL,
        image_format TEXT NOT NULL,
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        thumb_key TEXT NOT NULL,
        thumb_width INTEGER NOT NULL,
        thumb_height INTEGER NOT NULL,
        display_key TEXT NOT NULL,
        display_width INTEGER NOT NULL,
        display_height INTEGER NOT NULL,
        master_key TEXT,
        source_key TEXT,
        source_orientation INTEGER NOT NULL DEFAULT 1,
        near_duplicate_of INTEGER REFERENCES entries(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        moderated_at TEXT,
        moderated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        CHECK (master_key IS NOT NULL OR source_key IS NOT NULL),
        UNIQUE (contest_id, participant_id, original_sha256)
    );
    CREATE INDEX entries_contest_status ON entries(contest_id, status);
    CREATE INDEX entries_participant ON entries(participant_id);
    CREATE INDEX entries_pending_master ON entries(id) WHERE master_key IS NULL;
    CREATE TABLE entry_hashtags (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        tag TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 50),
        PRIMARY KEY (entry_id, tag)
    );
    CREATE INDEX entry_hashtags_tag ON entry_hashtags(tag);
    CREATE TABLE uploads (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        photo TEXT NOT NULL,
        keys TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
