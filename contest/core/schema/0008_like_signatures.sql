    ALTER TABLE likes ADD COLUMN signature TEXT NOT NULL DEFAULT '';
    CREATE INDEX likes_address ON likes(address, created_at);
