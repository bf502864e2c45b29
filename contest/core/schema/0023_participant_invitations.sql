-- rebuilds tables: run with foreign keys off
-- Invitations may bring participants aboard too (invited from a CSV file, with the name and
-- department the organizers gave, offered when the invitation is accepted). SQLite changes a
-- CHECK only by rebuilding the table: new table, copy, drop, rename.
    CREATE TABLE invitations_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        token_hash TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('organizer', 'judge', 'participant')),
        contest_id INTEGER REFERENCES contests(id) ON DELETE CASCADE,
        invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        accepted_at TEXT,
        accepted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        display_name TEXT NOT NULL DEFAULT '' CHECK (length(display_name) <= 80),
        department TEXT NOT NULL DEFAULT '' CHECK (length(department) <= 40)
    );
    INSERT INTO invitations_new (id, token_hash, email, role, contest_id, invited_by, created_at,
        expires_at, accepted_at, accepted_by)
    SELECT id, token_hash, email, role, contest_id, invited_by, created_at, expires_at,
        accepted_at, accepted_by FROM invitations;
    DROP TABLE invitations;
    ALTER TABLE invitations_new RENAME TO invitations;
    CREATE INDEX invitations_by_email ON invitations (email)
