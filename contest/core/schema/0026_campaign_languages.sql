-- Campaign mail in its readers' languages: a campaign's main language (its subject and body are
-- written in it, and anyone whose language is unknown reads them), an optional version in the
-- other language (Chinese next to English, or English next to Chinese), each list row's
-- language from its file (NULL: not given), and each bad row's reason as a message to translate
-- where it is shown (JSON: msgid and parameters; NULL for rows stored before).
ALTER TABLE campaigns ADD COLUMN locale TEXT NOT NULL DEFAULT 'en'
    CHECK (locale IN ('en', 'zh_Hant', 'zh_Hans'));
ALTER TABLE campaigns ADD COLUMN other_subject TEXT NOT NULL DEFAULT ''
    CHECK (length(other_subject) <= 200);
ALTER TABLE campaigns ADD COLUMN other_body TEXT NOT NULL DEFAULT ''
    CHECK (length(other_body) <= 10000);
ALTER TABLE campaign_recipients ADD COLUMN locale TEXT
    CHECK (locale IS NULL OR locale IN ('en', 'zh_Hant', 'zh_Hans'));
ALTER TABLE campaign_problems ADD COLUMN reason_message TEXT;
