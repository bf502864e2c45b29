    ALTER TABLE contests ADD COLUMN min_judges_per_entry INTEGER NOT NULL DEFAULT 2
        CHECK (min_judges_per_entry BETWEEN 1 AND 20);
    ALTER TABLE contests ADD COLUMN score_method TEXT NOT NULL DEFAULT 'zscore'
        CHECK (score_method IN ('zscore', 'raw'));
    ALTER TABLE contests ADD COLUMN tie_break TEXT NOT NULL DEFAULT 'raw_mean'
        CHECK (tie_break IN ('raw_mean', 'top_criterion', 'earliest'));
    ALTER TABLE contests ADD COLUMN results_published_at TEXT;
    CREATE TABLE reviews (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        judge_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (entry_id, judge_id)
    );
    CREATE INDEX reviews_judge ON reviews(judge_id);
    CREATE TABLE review_scores (
        entry_id INTEGER NOT NULL,
        judge_id INTEGER NOT NULL,
        criterion_id INTEGER NOT NULL REFERENCES rubric_criteria(id) ON DELETE CASCADE,
        value REAL NOT NULL CHECK (value BETWEEN 0 AND 100),
        PRIMARY KEY (entry_id, judge_id, criterion_id),
        FOREIGN KEY (entry_id, judge_id) REFERENCES reviews(entry_id, judge_id) ON DELETE CASCADE
    );
    CREATE TABLE conflicts (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        judge_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        reason TEXT NOT NULL,
        declared_at TEXT NOT NULL,
        PRIMARY KEY (entry_id, judge_id)
    );
    CREATE TABLE awards (
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        award TEXT NOT NULL,
        entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL,
        citation TEXT NOT NULL DEFAULT '',
        override_reason TEXT,
        decided_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (contest_id, award)
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER REFERENCES contests(id) ON DELETE CASCADE,
        actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL,
        at TEXT NOT NULL
    );
