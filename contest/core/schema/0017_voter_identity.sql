-- One person, one voter. Accounts are found by their folded mailbox (aliases and Gmail dots
-- name one person) and confirm their address before their likes count; accounts made before
-- this step are taken as confirmed. A browser a signed-in person used votes as that person.
    ALTER TABLE users ADD COLUMN mailbox TEXT;
    ALTER TABLE users ADD COLUMN email_verified_at TEXT;
    UPDATE users SET email_verified_at = created_at;
    CREATE INDEX users_mailbox ON users(mailbox);
    CREATE TABLE devices (
        device TEXT PRIMARY KEY,
        address TEXT NOT NULL,
        first_at TEXT NOT NULL,
        person TEXT
    ) WITHOUT ROWID;
    CREATE INDEX devices_address ON devices(address, first_at);
    CREATE TABLE like_refusals (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        entry_id INTEGER NOT NULL,
        voter TEXT NOT NULL,
        address TEXT NOT NULL,
        rule TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX like_refusals_contest ON like_refusals(contest_id, at);
    CREATE TABLE sign_up_requests (
        mailbox TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX sign_up_requests_address ON sign_up_requests(address, at);
    CREATE INDEX sign_up_requests_mailbox ON sign_up_requests(mailbox, at);
