    ALTER TABLE auth_failures ADD COLUMN device TEXT;
    CREATE INDEX auth_failures_device ON auth_failures(device, at);
    CREATE TABLE account_notices (
        account TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('lockout', 'sign_up')),
        sent_at TEXT NOT NULL,
        PRIMARY KEY (account, kind)
    );
    CREATE TABLE reset_requests (
        id INTEGER PRIMARY KEY,
        mailbox TEXT NOT NULL,
        address TEXT NOT NULL,
        granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
        at TEXT NOT NULL
    );
    CREATE INDEX reset_requests_mailbox ON reset_requests(mailbox, granted, at);
    CREATE INDEX reset_requests_address ON reset_requests(address, at);
