-- Background work done once however many workers run (`contest serve --workers N`, several
-- hosts). A pending master is claimed on its entry before it is made: a worker sets both
-- columns in a conditional UPDATE only one process wins, and clears them when it is done; a
-- worker that died mid-master loses its claim once `master_claimed_until` has passed.
-- Whole rounds of work (the file sweep, the upload sweep, the share-card backlog) are held
-- under a named lease (core/claims.py): one holder at a time, until `held_until` passes.
ALTER TABLE entries ADD COLUMN master_claimed_by TEXT;
ALTER TABLE entries ADD COLUMN master_claimed_until TEXT;
CREATE TABLE leases (
    name TEXT NOT NULL PRIMARY KEY,
    holder TEXT NOT NULL,
    held_until TEXT NOT NULL
)
