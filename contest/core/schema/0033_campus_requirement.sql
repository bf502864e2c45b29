-- A contest may ask for campus sign-in (contest/accounts/campus/) to enter photos, to like
-- them, or both: only accounts linked to a campus identity may then do so.
ALTER TABLE contests ADD COLUMN campus_sign_in_for TEXT NOT NULL DEFAULT ''
    CHECK (campus_sign_in_for IN ('', 'entering', 'voting', 'both'));
