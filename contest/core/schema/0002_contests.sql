    CREATE TABLE contests (
        id INTEGER PRIMARY KEY,
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
        updated_at TEXT NOT NULL,
        CHECK (submissions_open < submissions_close),
        CHECK (judging_open < judging_close),
        CHECK (voting_open < voting_close),
        CHECK (submissions_close <= judging_open),
        CHECK (judging_close <= results_at AND voting_close <= results_at),
        CHECK (scale_min < scale_max)
    );
    CREATE TABLE categories (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        position INTEGER NOT NULL,
        UNIQUE (contest_id, name)
    );
    CREATE TABLE rubric_criteria (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        weight REAL NOT NULL CHECK (weight > 0),
        position INTEGER NOT NULL,
        UNIQUE (contest_id, name)
    );
    CREATE TABLE contest_judges (
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (contest_id, user_id)
    );
    CREATE TABLE invitations (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('organizer', 'judge')),
        contest_id INTEGER REFERENCES contests(id) ON DELETE CASCADE,
        invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        accepted_at TEXT,
        accepted_by INTEGER REFERENCES users(id) ON DELETE SET NULL
    );
