    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
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
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE auth_failures (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX auth_failures_account ON auth_failures(account, at);
    CREATE INDEX auth_failures_address ON auth_failures(address, at);
    CREATE TABLE password_resets (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE INDEX outbox_unsent ON outbox(sent_at, id);
