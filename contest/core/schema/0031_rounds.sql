-- Judging in rounds (contest/judging/rounds/): a quick yes/no round where each photo is seen
-- by a few jurors, a rating round on what survived, a ranking round on the last few dozen.
-- A round's entries are the approved entries (the first round) or those advanced from the one
-- before. Each entry is given to `quorum` of the round's jurors up front, as tasks in each
-- juror's own order. A task holds the juror's current decision, and every decision and undo is
-- also appended to round_decisions, so who decided what, and when, is never lost.
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    number INTEGER NOT NULL CHECK (number >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('yes_no', 'rating', 'ranking')),
    quorum INTEGER NOT NULL CHECK (quorum >= 1),
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    directions TEXT NOT NULL DEFAULT '' CHECK (length(directions) <= 4000),
    show_description INTEGER NOT NULL DEFAULT 0 CHECK (show_description IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    -- How a rating round rates: 1 to 5 stars, or a score per criterion of the contest's
    -- rubric (the task's value is then their weighted mean). NULL for the other kinds.
    scale TEXT CHECK (scale IN ('stars', 'rubric')),
    -- How the organizer advanced its entries when closing it, as they read it.
    advanced_by TEXT,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    UNIQUE (contest_id, number),
    CHECK ((kind = 'rating') = (scale IS NOT NULL))
);
CREATE TABLE round_jurors (
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    juror_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- 0 once the juror dropped out and their unfinished tasks went to others.
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    PRIMARY KEY (round_id, juror_id)
);
CREATE TABLE round_entries (
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    -- 1 once the round closed and the entry went on to the next round.
    advanced INTEGER NOT NULL DEFAULT 0 CHECK (advanced IN (0, 1)),
    PRIMARY KEY (round_id, entry_id)
);
CREATE TABLE round_tasks (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    juror_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The task's place in its juror's queue (each juror sees the photos in an order of their own).
    position INTEGER NOT NULL,
    -- yes/no: 1 or 0, rating: 1 to 5 stars or the weighted mean of the rubric's scores,
    -- ranking: the place the juror gave it (1 = best).
    value REAL,
    decided_at TEXT,
    favourite INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1)),
    flag TEXT CHECK (flag IN ('copyright', 'out_of_scope', 'duplicate')),
    flag_note TEXT CHECK (length(flag_note) <= 300),
    UNIQUE (round_id, entry_id, juror_id)
);
CREATE INDEX round_tasks_waiting ON round_tasks(round_id, juror_id, position)
    -- A juror's next photo: the first undecided task in their order, found without passing
    -- over the thousands they already decided.
    WHERE decided_at IS NULL;
CREATE INDEX round_tasks_queue ON round_tasks(round_id, juror_id, position);
CREATE INDEX round_tasks_entry ON round_tasks(round_id, entry_id);
CREATE TABLE round_task_scores (
    -- A rubric round's scores: the juror's score for each criterion of one task, on the
    -- contest's scale (the task's value is their weighted mean).
    task_id INTEGER NOT NULL REFERENCES round_tasks(id) ON DELETE CASCADE,
    criterion_id INTEGER NOT NULL REFERENCES rubric_criteria(id) ON DELETE CASCADE,
    value REAL NOT NULL,
    PRIMARY KEY (task_id, criterion_id)
);
CREATE TABLE round_decisions (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    task_id INTEGER NOT NULL REFERENCES round_tasks(id) ON DELETE CASCADE,
    juror_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN ('decide', 'undo')),
    -- What the task held after, and before, this line (NULL: undecided).
    value REAL,
    previous REAL,
    -- The decision an undo takes back.
    undoes INTEGER REFERENCES round_decisions(id) ON DELETE CASCADE,
    -- A rubric round's line: the task's scores before it, as JSON (criterion id to score,
    -- empty when it had none), so an undo puts back the scores with the value.
    scores TEXT,
    at TEXT NOT NULL
);
CREATE INDEX round_decisions_juror ON round_decisions(round_id, juror_id, id);
CREATE UNIQUE INDEX round_decisions_undone ON round_decisions(undoes);
