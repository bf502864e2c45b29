-- What changed, for the other processes and hosts of one site (`contest serve --workers N`):
-- each keeps caches of its own, and forgets what a row here names (core/changes.py). Rows are
-- kept a few minutes, then pruned; `key` says which one of a topic's things changed.
CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    key TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX changes_by_age ON changes (at);
