    ALTER TABLE replies ADD COLUMN outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL;
    ALTER TABLE replies ADD COLUMN edited_at TEXT;
    ALTER TABLE outbox ADD COLUMN send_after TEXT;
