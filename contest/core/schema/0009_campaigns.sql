    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('invite', 'voting', 'results')),
        subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
        body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX campaigns_contest ON campaigns(contest_id, id);
    CREATE TABLE campaign_recipients (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        mailbox TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        line INTEGER,
        status TEXT NOT NULL DEFAULT 'listed'
            CHECK (status IN ('listed', 'queued', 'unsubscribed')),
        outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
        queued_at TEXT,
        UNIQUE (campaign_id, mailbox)
    );
    CREATE INDEX campaign_recipients_status ON campaign_recipients(campaign_id, status);
    CREATE INDEX campaign_recipients_outbox ON campaign_recipients(outbox_id);
    CREATE INDEX campaign_recipients_mailbox ON campaign_recipients(mailbox);
    CREATE TABLE campaign_problems (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        text TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX campaign_problems_campaign ON campaign_problems(campaign_id, line);
    CREATE TABLE campaign_sends (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        is_test INTEGER NOT NULL CHECK (is_test IN (0, 1)),
        actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        subject TEXT NOT NULL,
        queued INTEGER NOT NULL CHECK (queued >= 0),
        skipped_unsubscribed INTEGER NOT NULL DEFAULT 0,
        skipped_bad INTEGER NOT NULL DEFAULT 0,
        test_recipient TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX campaign_sends_campaign ON campaign_sends(campaign_id, id);
    CREATE TABLE unsubscribe_links (
        token_hash TEXT PRIMARY KEY,
        mailbox TEXT NOT NULL,
        campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE unsubscribes (
        mailbox TEXT PRIMARY KEY,
        campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
        at TEXT NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;
