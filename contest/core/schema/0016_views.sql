-- Views are counted per browser (its first-party id cookie), not per address and agent, and
-- every arrival from outside keeps its source. ``entry_arrivals`` holds one row per browser,
-- entry, local day and source: the share link's network (``?src=``), the ``utm_source`` and
-- the referring site's host. ``staff_browsers`` holds salted keys of browsers that organizers,
-- judges or an entry's author used while signed in, whose views do not count even signed out
-- (keyed apart from ``entry_views.visitor``, so no view can be tied to an account).
    CREATE TABLE entry_arrivals (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        visitor TEXT NOT NULL,
        channel TEXT NOT NULL DEFAULT '',
        utm_source TEXT NOT NULL DEFAULT '',
        referrer TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (entry_id, day, visitor, channel, utm_source, referrer)
    ) WITHOUT ROWID;
    INSERT INTO entry_arrivals (entry_id, day, visitor, channel)
        SELECT entry_id, day, visitor, source
        FROM entry_views WHERE source != '';
    CREATE TABLE staff_browsers (
        key TEXT PRIMARY KEY,
        seen_at TEXT NOT NULL
    ) WITHOUT ROWID;
