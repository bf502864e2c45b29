    ALTER TABLE entries ADD COLUMN master_attempts INTEGER NOT NULL DEFAULT 0
        CHECK (master_attempts >= 0);
    ALTER TABLE entries ADD COLUMN master_retry_at TEXT;
    ALTER TABLE entries ADD COLUMN master_error TEXT;
