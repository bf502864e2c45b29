-- The departments organizers list, so people choose one instead of typing it: a short code
-- (what users.department holds, upper-case, unique) and a full name (unique, ignoring case).
-- Ids are never reused (a stale form never reaches a newer department).
    CREATE TABLE departments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        code TEXT NOT NULL UNIQUE COLLATE NOCASE
            CHECK (length(code) BETWEEN 1 AND 16 AND code COLLATE BINARY = upper(code)),
        name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 80),
        created_at TEXT NOT NULL
    );
