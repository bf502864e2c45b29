-- The language each person reads: an account's saved choice (NULL: none saved yet, so the
-- browser's language or the site's default applies), and the language each queued message was
-- written in, which the Outbox page shows.
ALTER TABLE users ADD COLUMN locale TEXT
    CHECK (locale IS NULL OR locale IN ('en', 'zh_Hant', 'zh_Hans'));
ALTER TABLE outbox ADD COLUMN locale TEXT NOT NULL DEFAULT 'en'
    CHECK (locale IN ('en', 'zh_Hant', 'zh_Hans'));
