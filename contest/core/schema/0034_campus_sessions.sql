-- A session begun through a campus provider remembers which, so signing out can offer to
-- sign out of the campus too (OpenID Connect RP-initiated logout). NULL: email and password.
ALTER TABLE sessions ADD COLUMN campus_provider TEXT;
