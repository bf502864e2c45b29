    ALTER TABLE outbox ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));
    ALTER TABLE outbox ADD COLUMN sending_at TEXT;
