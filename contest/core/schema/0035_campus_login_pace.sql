-- Sign-ins begun from one network address are paced (contest/accounts/campus/flow.py): each
-- begun sign-in is a row until it finishes or ten minutes pass.
ALTER TABLE campus_logins ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX campus_logins_address ON campus_logins(address, created_at);
