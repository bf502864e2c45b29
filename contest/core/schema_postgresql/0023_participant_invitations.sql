-- PostgreSQL's version of 0023_participant_invitations: the same change to the invitations
-- table, made in place (SQLite changes a CHECK only by rebuilding the table).
ALTER TABLE invitations DROP CONSTRAINT invitations_role_check;
ALTER TABLE invitations ADD CONSTRAINT invitations_role_check
    CHECK (role IN ('organizer', 'judge', 'participant'));
ALTER TABLE invitations ADD COLUMN display_name TEXT NOT NULL DEFAULT ''
    CHECK (length(display_name) <= 80);
ALTER TABLE invitations ADD COLUMN department TEXT NOT NULL DEFAULT ''
    CHECK (length(department) <= 40);
CREATE INDEX invitations_by_email ON invitations (email);
