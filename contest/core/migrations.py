"""Named, forward-only schema migrations, applied in order at start-up, never edited once shipped.

Invariants live in the schema: foreign keys everywhere, CHECK constraints on roles, dates and
weights, UNIQUE where a duplicate would be a bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STATEMENT_END = re.compile(r";\s*\n(?=\s*(?:CREATE|ALTER|INSERT|DROP|UPDATE|DELETE)\b)")


@dataclass(frozen=True)
class Migration:
    """One named step: SQL statements separated by blank-line-free semicolons."""

    name: str
    sql: str

    def statements(self) -> list[str]:
        """The migration's statements, one by one.

        A statement ends at a semicolon that closes its line and is followed by the next
        statement's keyword, so trigger bodies (``BEGIN ...; END``) stay whole.
        """
        parts = _STATEMENT_END.split(self.sql)
        return [part.strip().rstrip(";").strip() for part in parts if part.strip()]


ACCOUNTS = Migration(
    "0001_accounts",
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
        role TEXT NOT NULL CHECK (role IN ('organizer', 'judge', 'participant')),
        affiliation TEXT NOT NULL DEFAULT 'other'
            CHECK (affiliation IN ('student', 'staff', 'alumni', 'other')),
        department TEXT NOT NULL DEFAULT '',
        password_hash TEXT NOT NULL,
        disabled_at TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE auth_failures (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX auth_failures_account ON auth_failures(account, at);
    CREATE INDEX auth_failures_address ON auth_failures(address, at);
    CREATE TABLE password_resets (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE INDEX outbox_unsent ON outbox(sent_at, id)
    """,
)

CONTESTS = Migration(
    "0002_contests",
    """
    CREATE TABLE contests (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL CHECK (length(title) BETWEEN 3 AND 120),
        theme TEXT NOT NULL DEFAULT '',
        description_md TEXT NOT NULL DEFAULT '',
        rules_md TEXT NOT NULL DEFAULT '',
        hashtag TEXT NOT NULL,
        timezone TEXT NOT NULL,
        eligible_affiliations TEXT NOT NULL,
        max_entries_per_participant INTEGER NOT NULL CHECK (max_entries_per_participant >= 1),
        submissions_open TEXT NOT NULL,
        submissions_close TEXT NOT NULL,
        judging_open TEXT NOT NULL,
        judging_close TEXT NOT NULL,
        voting_open TEXT NOT NULL,
        voting_close TEXT NOT NULL,
        results_at TEXT NOT NULL,
        award_champion INTEGER NOT NULL DEFAULT 1,
        award_runners_up INTEGER NOT NULL DEFAULT 2 CHECK (award_runners_up BETWEEN 0 AND 2),
        award_peoples_choice INTEGER NOT NULL DEFAULT 1,
        award_per_category INTEGER NOT NULL DEFAULT 0,
        allow_multiple_awards INTEGER NOT NULL DEFAULT 0,
        scale_min INTEGER NOT NULL DEFAULT 1,
        scale_max INTEGER NOT NULL DEFAULT 10,
        is_published INTEGER NOT NULL DEFAULT 0,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (submissions_open < submissions_close),
        CHECK (judging_open < judging_close),
        CHECK (voting_open < voting_close),
        CHECK (submissions_close <= judging_open),
        CHECK (judging_close <= results_at AND voting_close <= results_at),
        CHECK (scale_min < scale_max)
    );
    CREATE TABLE categories (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        position INTEGER NOT NULL,
        UNIQUE (contest_id, name)
    );
    CREATE TABLE rubric_criteria (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        weight REAL NOT NULL CHECK (weight > 0),
        position INTEGER NOT NULL,
        UNIQUE (contest_id, name)
    );
    CREATE TABLE contest_judges (
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (contest_id, user_id)
    );
    CREATE TABLE invitations (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('organizer', 'judge')),
        contest_id INTEGER REFERENCES contests(id) ON DELETE CASCADE,
        invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        accepted_at TEXT,
        accepted_by INTEGER REFERENCES users(id) ON DELETE SET NULL
    )
    """,
)

ENTRIES = Migration(
    "0003_entries",
    """
    ALTER TABLE contests ADD COLUMN licence_text TEXT NOT NULL DEFAULT
        'The organizers may show this photo, credited to you, in the contest and its promotion.';
    ALTER TABLE contests ADD COLUMN description_required INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        participant_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description TEXT NOT NULL DEFAULT '',
        alt_text TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
        rejection_reason TEXT,
        licence TEXT NOT NULL CHECK (licence IN ('contest', 'cc-by-4.0')),
        consent_own_work INTEGER NOT NULL CHECK (consent_own_work = 1),
        consent_people INTEGER NOT NULL CHECK (consent_people = 1),
        captured_at TEXT,
        camera TEXT,
        original_sha256 TEXT NOT NULL,
        dhash TEXT NOT NULL,
        image_format TEXT NOT NULL,
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        thumb_key TEXT NOT NULL,
        thumb_width INTEGER NOT NULL,
        thumb_height INTEGER NOT NULL,
        display_key TEXT NOT NULL,
        display_width INTEGER NOT NULL,
        display_height INTEGER NOT NULL,
        master_key TEXT,
        source_key TEXT,
        source_orientation INTEGER NOT NULL DEFAULT 1,
        near_duplicate_of INTEGER REFERENCES entries(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        moderated_at TEXT,
        moderated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        CHECK (master_key IS NOT NULL OR source_key IS NOT NULL),
        UNIQUE (contest_id, participant_id, original_sha256)
    );
    CREATE INDEX entries_contest_status ON entries(contest_id, status);
    CREATE INDEX entries_participant ON entries(participant_id);
    CREATE INDEX entries_pending_master ON entries(id) WHERE master_key IS NULL;
    CREATE TABLE entry_hashtags (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        tag TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 50),
        PRIMARY KEY (entry_id, tag)
    );
    CREATE INDEX entry_hashtags_tag ON entry_hashtags(tag);
    CREATE TABLE uploads (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        photo TEXT NOT NULL,
        keys TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
)

JUDGING = Migration(
    "0004_judging",
    """
    ALTER TABLE contests ADD COLUMN min_judges_per_entry INTEGER NOT NULL DEFAULT 2
        CHECK (min_judges_per_entry BETWEEN 1 AND 20);
    ALTER TABLE contests ADD COLUMN score_method TEXT NOT NULL DEFAULT 'zscore'
        CHECK (score_method IN ('zscore', 'raw'));
    ALTER TABLE contests ADD COLUMN tie_break TEXT NOT NULL DEFAULT 'raw_mean'
        CHECK (tie_break IN ('raw_mean', 'top_criterion', 'earliest'));
    ALTER TABLE contests ADD COLUMN results_published_at TEXT;
    CREATE TABLE reviews (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        judge_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (entry_id, judge_id)
    );
    CREATE INDEX reviews_judge ON reviews(judge_id);
    CREATE TABLE review_scores (
        entry_id INTEGER NOT NULL,
        judge_id INTEGER NOT NULL,
        criterion_id INTEGER NOT NULL REFERENCES rubric_criteria(id) ON DELETE CASCADE,
        value REAL NOT NULL CHECK (value BETWEEN 0 AND 100),
        PRIMARY KEY (entry_id, judge_id, criterion_id),
        FOREIGN KEY (entry_id, judge_id) REFERENCES reviews(entry_id, judge_id) ON DELETE CASCADE
    );
    CREATE TABLE conflicts (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        judge_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        reason TEXT NOT NULL,
        declared_at TEXT NOT NULL,
        PRIMARY KEY (entry_id, judge_id)
    );
    CREATE TABLE awards (
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        award TEXT NOT NULL,
        entry_id INTEGER REFERENCES entries(id) ON DELETE SET NULL,
        citation TEXT NOT NULL DEFAULT '',
        override_reason TEXT,
        decided_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (contest_id, award)
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER REFERENCES contests(id) ON DELETE CASCADE,
        actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL,
        at TEXT NOT NULL
    )
    """,
)

LIKES = Migration(
    "0005_likes",
    """
    ALTER TABLE contests ADD COLUMN voting_mode TEXT NOT NULL DEFAULT 'accounts'
        CHECK (voting_mode IN ('accounts', 'email', 'device'));
    ALTER TABLE contests ADD COLUMN hide_counts INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE likes (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('vote', 'pick')),
        user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        address TEXT NOT NULL,
        created_at TEXT NOT NULL,
        voided_at TEXT,
        void_reason TEXT,
        PRIMARY KEY (entry_id, voter)
    ) WITHOUT ROWID;
    CREATE INDEX likes_voter ON likes(voter);
    CREATE TABLE like_events (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL,
        voter TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('vote', 'pick')),
        action TEXT NOT NULL CHECK (action IN ('like', 'unlike', 'void')),
        address TEXT NOT NULL,
        reason TEXT,
        actor_id INTEGER,
        at TEXT NOT NULL
    );
    CREATE INDEX like_events_entry ON like_events(entry_id, id);
    CREATE TRIGGER like_events_never_change BEFORE UPDATE ON like_events
    BEGIN
        SELECT RAISE(ABORT, 'like_events is append-only');
    END;
    CREATE TRIGGER like_events_never_vanish BEFORE DELETE ON like_events
    BEGIN
        SELECT RAISE(ABORT, 'like_events is append-only');
    END
    """,
)

GALLERY = Migration(
    "0006_gallery",
    """
    ALTER TABLE entries ADD COLUMN credit TEXT NOT NULL DEFAULT 'name'
        CHECK (credit IN ('name', 'initials'));
    ALTER TABLE entries ADD COLUMN share_card_key TEXT;
    CREATE TABLE entry_views (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        visitor TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (entry_id, day, visitor)
    ) WITHOUT ROWID;
    CREATE TABLE share_clicks (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        network TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX share_clicks_entry ON share_clicks(entry_id, network);
    CREATE TABLE voter_links (
        token_hash TEXT PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    )
    """,
)

REPLIES = Migration(
    "0007_replies",
    """
    CREATE TABLE replies (
        id INTEGER PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
        created_at TEXT NOT NULL
    );
    CREATE INDEX replies_entry ON replies(entry_id, id)
    """,
)

SIGNATURES = Migration(
    "0008_like_signatures",
    """
    ALTER TABLE likes ADD COLUMN signature TEXT NOT NULL DEFAULT '';
    CREATE INDEX likes_address ON likes(address, created_at)
    """,
)

CAMPAIGNS = Migration(
    "0009_campaigns",
    """
    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        contest_id INTEGER NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('invite', 'voting', 'results')),
        subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
        body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX campaigns_contest ON campaigns(contest_id, id);
    CREATE TABLE campaign_recipients (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        mailbox TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        line INTEGER,
        status TEXT NOT NULL DEFAULT 'listed'
            CHECK (status IN ('listed', 'queued', 'unsubscribed')),
        outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
        queued_at TEXT,
        UNIQUE (campaign_id, mailbox)
    );
    CREATE INDEX campaign_recipients_status ON campaign_recipients(campaign_id, status);
    CREATE INDEX campaign_recipients_outbox ON campaign_recipients(outbox_id);
    CREATE INDEX campaign_recipients_mailbox ON campaign_recipients(mailbox);
    CREATE TABLE campaign_problems (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        text TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX campaign_problems_campaign ON campaign_problems(campaign_id, line);
    CREATE TABLE campaign_sends (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        is_test INTEGER NOT NULL CHECK (is_test IN (0, 1)),
        actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        subject TEXT NOT NULL,
        queued INTEGER NOT NULL CHECK (queued >= 0),
        skipped_unsubscribed INTEGER NOT NULL DEFAULT 0,
        skipped_bad INTEGER NOT NULL DEFAULT 0,
        test_recipient TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX campaign_sends_campaign ON campaign_sends(campaign_id, id);
    CREATE TABLE unsubscribe_links (
        token_hash TEXT PRIMARY KEY,
        mailbox TEXT NOT NULL,
        campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE unsubscribes (
        mailbox TEXT PRIMARY KEY,
        campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
        at TEXT NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT
    """,
)

COUNTED_LIKES = Migration(
    "0010_counted_likes",
    """
    CREATE VIEW counted_likes AS
        SELECT * FROM likes WHERE kind = 'vote' AND voided_at IS NULL
    """,
)

MIGRATIONS: tuple[Migration, ...] = (
    ACCOUNTS,
    CONTESTS,
    ENTRIES,
    JUDGING,
    LIKES,
    GALLERY,
    REPLIES,
    SIGNATURES,
    CAMPAIGNS,
    COUNTED_LIKES,
)
