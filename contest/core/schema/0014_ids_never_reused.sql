-- rebuilds tables: run with foreign keys off
-- Ids that leave the database (in links, the like log, the audit log) are never reused:
-- AUTOINCREMENT never hands out a number again, even that of the newest row once deleted.
-- SQLite adds it only by rebuilding a table (its documented procedure: new table, copy,
-- drop, rename, indexes). The counters start above every number already given out,
-- including those the like log and the audit log still mention.
    CREATE TABLE users_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
        role TEXT NOT NULL CHECK (role IN ('organizer', 'judge', 'participant')),
        affiliation TEXT NOT NULL DEFAULT 'other'
            CHECK (affiliation IN ('student', 'staff', 'alumni', 'other')),
        department TEXT NOT NULL DEFAULT '',
        password_hash TEXT NOT NULL,
        disabled_at TEXT,
        created_at TEXT NOT NULL
    );
    INSERT INTO users_new SELECT * FROM users;
    DROP TABLE users;
    ALTER TABLE users_new RENAME TO users;
    CREATE TABLE contests_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL CHECK (length(title) BETWEEN 3 AND 120),
        theme TEXT NOT NULL DEFAULT '',
        description_md TEXT NOT NULL DEFAULT '',
        rules_md TEXT NOT NULL DEFAULT '',
        hashtag TEXT NOT NULL,
        timezone TEXT NOT NULL,
        eligible_affiliations TEXT NOT NULL,
        max_entries_per_participant INTEGER NOT NULL CHECK (max_entries_per_participant >= 1),
        submissions_open TEXT NOT NULL,
        submissions_close TEXT NOT NULL,
        judging_open TEXT NOT NULL,
        judging_close TEXT NOT NULL,
        voting_open TEXT NOT NULL,
        voting_close TEXT NOT NULL,
        results_at TEXT NOT NULL,
        award_champion INTEGER NOT NULL DEFAULT 1,
        award_runners_up INTEGER NOT NULL DEFAULT 2 CHECK (award_runners_up BETWEEN 0 AND 2),
        award_peoples_choice INTEGER NOT NULL DEFAULT 1,
        award_per_category INTEGER NOT NULL DEFAULT 0,
        allow_multiple_awards INTEGER NOT NULL DEFAULT 0,
        scale_min INTEGER NOT NULL DEFAULT 1,
        scale_max INTEGER NOT NULL DEFAULT 10,
        is_published INTEGER NOT NULL DEFAULT 0,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, licence_text TEXT NOT NULL DEFAULT
        'The organizers may show this photo, credited to you, in the contest and its promotion.', description_required INTEGER NOT NULL DEFAULT 1, min_judges_per_entry INTEGER NOT NULL DEFAULT 2
        CHECK (min_judges_per_entry BETWEEN 1 AND 20), score_method TEXT NOT NULL DEFAULT 'zscore'
        CHECK (score_method IN ('zscore', 'raw')), tie_break TEXT NOT NULL DEFAULT 'raw_mean'
        CHECK (tie_break IN ('raw_mean', 'top_criterion', 'earliest')), results_published_at TEXT, voting_mode TEXT NOT NULL DEFAULT 'accounts'
        CHECK (voting_mode IN ('accounts', 'email', 'device')), hide_counts INTEGER NOT NULL DEFAULT 0,
        CHECK (submissions_open < submissions_close),
        CHECK (judging_open < judging_close),
        CHECK (voting_open < voting_close),
        CHECK (submissions_close <= judging_open),
        CHECK (judging_close <= results_at AND voting_close <= results_at),
        CHECK (scale_min < scale_max)
    );
    INSERT INTO contests_new SELECT * FROM contests;
    DROP TABLE contests;
    ALTER TABLE contests_new RENAME TO contests;
    CREATE TABLE entries_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
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
        moderated_by INTEGER REFERENCES users(id) ON DELETE SET NULL, credit TEXT NOT NULL DEFAULT 'name'
        CHECK (credit IN ('name', 'initials')), share_card_key TEXT, master_attempts INTEGER NOT NULL DEFAULT 0
        CHECK (master_attempts >= 0), master_retry_at TEXT, master_error TEXT,
        CHECK (master_key IS NOT NULL OR source_key IS NOT NULL),
        UNIQUE (contest_id, participant_id, original_sha256)
    );
    INSERT INTO entries_new SELECT * FROM entries;
    DROP TABLE entries;
    ALTER TABLE entries_new RENAME TO entries;
    CREATE INDEX entries_contest_status ON entries(contest_id, status);
    CREATE INDEX entries_participant ON entries(participant_id);
    CREATE INDEX entries_pending_master ON entries(id) WHERE master_key IS NULL;
    CREATE TABLE replies_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
        created_at TEXT NOT NULL
    );
    INSERT INTO replies_new SELECT * FROM replies;
    DROP TABLE replies;
    ALTER TABLE replies_new RENAME TO replies;
    CREATE INDEX replies_entry ON replies(entry_id, id);
    CREATE TABLE campaigns_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('invite', 'voting', 'results')),
        subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
        body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    INSERT INTO campaigns_new SELECT * FROM campaigns;
    DROP TABLE campaigns;
    ALTER TABLE campaigns_new RENAME TO campaigns;
    CREATE INDEX campaigns_contest ON campaigns(contest_id, id);
    INSERT INTO sqlite_sequence (name, seq)
        SELECT 'entries', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'entries');
    UPDATE sqlite_sequence
        SET seq = max(seq, (SELECT coalesce(max(entry_id), 0) FROM like_events))
        WHERE name = 'entries';
