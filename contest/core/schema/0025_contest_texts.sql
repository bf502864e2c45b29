-- A contest in more than one language. Its own columns stay in its main language
-- (contests.main_locale); contest_texts holds what the organizer wrote in the others, one row
-- per language and field. A list (categories, criteria) is one text of lines in the order of
-- the main list. Nothing stored here is ever needed: a missing row falls back to the main text.
ALTER TABLE contests ADD COLUMN main_locale TEXT NOT NULL DEFAULT 'en'
    CHECK (main_locale IN ('en', 'zh_Hant', 'zh_Hans'));
CREATE TABLE contest_texts (
    contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    locale TEXT NOT NULL CHECK (locale IN ('en', 'zh_Hant', 'zh_Hans')),
    field TEXT NOT NULL CHECK (field IN ('title', 'theme', 'description_md', 'rules_md',
        'licence_text', 'categories', 'criteria')),
    text TEXT NOT NULL CHECK (text <> ''),
    PRIMARY KEY (contest_id, locale, field)
) WITHOUT ROWID;
