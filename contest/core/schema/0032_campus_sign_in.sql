-- Campus sign-in (contest/accounts/campus/): an account may be reached through the campus's
-- OpenID Connect provider. campus_identities links the provider's person (issuer and subject,
-- which never change, unlike an email address) to one account. campus_logins holds a sign-in
-- between leaving for the provider and coming back: its state (kept hashed), the PKCE
-- verifier and nonce it must match, the browser it began in (hashed), and where to go after.
CREATE TABLE campus_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX campus_identities_user ON campus_identities(user_id);
CREATE TABLE campus_logins (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    browser_hash TEXT NOT NULL,
    next_path TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX campus_logins_created ON campus_logins(created_at);
