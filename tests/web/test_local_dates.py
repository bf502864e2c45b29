"""Every date a person reads is in the contest's (or the site's) time zone, written one way.

The moment used throughout is half past five in the afternoon in UTC, which is already the
next day, half past one at night, in Hong Kong: a page that prints the stored UTC text (or
slices its day off) shows the 14th where a reader in Hong Kong lived the 15th.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jinja2 import nodes

from contest.accounts.users import User
from contest.config import Config
from contest.contests.model import Contest
from contest.contests.phases import Phase
from contest.core import outbox
from contest.core.outbox import SmtpSettings
from contest.web.rendering import TEMPLATES_DIR, build_templates
from tests.conftest import Site
from tests.core.test_outbox import FakeSMTP
from tests.factories import (
    add_account,
    add_contest,
    add_device_like,
    add_entry,
    add_invitation,
    add_judge,
    add_published_results,
    add_reply,
    add_unsubscribe,
    add_view,
    add_voided_like,
    photo_taken,
)

NEAR_MIDNIGHT = datetime(2026, 5, 14, 17, 30, tzinfo=UTC)
HONG_KONG = "Asia/Hong_Kong"
#: The stored text of NEAR_MIDNIGHT, or its UTC day, as pages used to print them.
RAW = ("2026-05-14T17:30", "2026-05-14 17:30", "2026-05-14")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The site's configured zone (CONTEST_TIMEZONE) is Hong Kong's."""
    return Config(
        data_dir=tmp_path,
        base_url="http://testserver",
        secret_key="test-secret-key",
        default_timezone=HONG_KONG,
    )


@pytest.fixture
def organizer(site: Site) -> User:
    """An organizer, signed in, at NEAR_MIDNIGHT."""
    site.clock.moment = NEAR_MIDNIGHT
    return site.user(site.sign_in_as("organizer", "lib@uni.edu"))


def contest_in(site: Site, phase: Phase, tz_name: str = HONG_KONG, **overrides: Any) -> Contest:
    return site.run(add_contest, site.db, phase, now=site.clock(), timezone=tz_name, **overrides)


def author(site: Site) -> User:
    return site.run(add_account, site.db, site.passwords, email="ann@uni.edu", now=site.clock())


def page(site: Site, path: str) -> str:
    """A page, which must not print NEAR_MIDNIGHT as stored or as its UTC day."""
    response = site.client.get(path)
    assert response.status_code == 200, response.text
    for raw in RAW:
        assert raw not in response.text
    return response.text


def test_a_reply_is_dated_by_the_contests_day(site: Site, organizer: User) -> None:
    contest = contest_in(site, Phase.VOTING)
    entry = site.run(
        add_entry,
        site.db,
        site.storage,
        contest,
        author(site),
        moderator=organizer,
        now=site.clock(),
    )
    site.run(add_reply, site.db, entry, organizer, now=NEAR_MIDNIGHT)
    assert "Organizer Person, 15 May</footer>" in page(site, f"/entries/{entry}")


def test_the_date_a_photo_was_taken_is_the_cameras_own(site: Site, organizer: User) -> None:
    """EXIF keeps the camera's local time and no zone: it is shown as the camera wrote it,
    never converted (as UTC it would turn into the 15th in Hong Kong)."""
    contest = contest_in(site, Phase.JUDGING)
    ann = author(site)

    def entry(title: str, status: str) -> int:
        photo = photo_taken("2026:05:14 23:30:00", seed=len(title))
        return site.run(
            add_entry,
            site.db,
            site.storage,
            contest,
            ann,
            title=title,
            photo=photo,
            status=status,
            moderator=organizer,
            now=site.clock(),
        )

    approved, _ = entry("Night reading", "approved"), entry("Late stacks", "pending")
    assert "· taken 14 May" in page(site, f"/manage/contests/{contest.id}/moderation")
    judge = site.run(add_judge, site.db, site.passwords, contest, email="judge@uni.edu")
    site.client.cookies.clear()
    site.sign_in(judge.email)
    score = page(site, f"/judging/{contest.id}/entries/{approved}")
    assert "<dt>Taken</dt><dd>14 May</dd>" in score


def test_an_invitation_expires_in_the_contests_zone(site: Site, organizer: User) -> None:
    contest = contest_in(site, Phase.SUBMISSIONS)
    sent = NEAR_MIDNIGHT - timedelta(days=7)  # invitations last a week
    site.run(add_invitation, site.db, contest, organizer, email="jo@uni.edu", now=sent)
    judges = page(site, f"/manage/contests/{contest.id}/judges")
    assert "jo@uni.edu · waiting, expires 15 May 01:30" in judges


def test_results_are_published_in_the_contests_zone(site: Site, organizer: User) -> None:
    contest = contest_in(site, Phase.RESULTS)
    site.run(add_published_results, site.db, contest, organizer, now=NEAR_MIDNIGHT)
    results = page(site, f"/manage/contests/{contest.id}/results")
    assert "Published 15 May 2026 01:30." in results


def test_campaigns_and_their_sends_are_dated_in_the_contests_zone(
    site: Site, organizer: User
) -> None:
    contest = contest_in(site, Phase.SUBMISSIONS)
    site.run(add_unsubscribe, site.db, contest, organizer, email="sam@uni.edu", now=NEAR_MIDNIGHT)
    campaigns = page(site, f"/manage/contests/{contest.id}/campaigns")
    assert '<span class="hint">15 May 01:30</span>' in campaigns  # written
    assert "<td>15 May 01:30</td>" in campaigns  # sent, in the log
    assert "UTC" not in campaigns
    campaign_id = site.value("SELECT id FROM campaigns")
    one = page(site, f"/manage/contests/{contest.id}/campaigns/{campaign_id}")
    assert "<td>15 May 01:30</td>" in one


def test_likes_voids_and_views_are_dated_in_the_contests_zone(site: Site, organizer: User) -> None:
    contest = contest_in(site, Phase.JUDGING_AND_VOTING, voting_mode="device")
    entry = site.run(
        add_entry,
        site.db,
        site.storage,
        contest,
        author(site),
        moderator=organizer,
        now=site.clock(),
    )
    for i in range(15):  # fifteen voters from one address: flagged for review
        site.run(
            add_device_like,
            site.db,
            contest,
            entry,
            browser=f"b{i}",
            address="10.0.0.9",
            now=NEAR_MIDNIGHT,
        )
    site.run(
        add_voided_like, site.db, contest, entry, "someone", organizer=organizer, now=NEAR_MIDNIGHT
    )
    site.run(add_view, site.db, contest, entry, now=NEAR_MIDNIGHT)
    likes = page(site, f"/manage/contests/{contest.id}/likes")
    assert likes.count("<td>15 May 01:30</td>") == 15
    assert "· 15 May 01:30 · Burst from one address" in likes
    assert "<tr><td>15 May</td><td>1</td></tr>" in likes  # the day of the view


def queue_mail_at(site: Site, moment: datetime) -> None:
    """A password reset asked for at ``moment`` (its mail waits in the outbox)."""
    site.clock.moment = moment
    site.add_user("participant", "pat@uni.edu")
    site.post("/password/forgot", {"email": "pat@uni.edu"})
    site.clock.moment = NEAR_MIDNIGHT


def test_the_outbox_follows_the_latest_contests_zone(
    site: Site, organizer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    contest_in(site, Phase.SUBMISSIONS, "Europe/London")
    contest_in(site, Phase.SUBMISSIONS, HONG_KONG)
    queue_mail_at(site, NEAR_MIDNIGHT)
    FakeSMTP.reset()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    site.run(
        outbox.deliver_waiting,
        site.db,
        smtp=SmtpSettings("mail"),
        sender="s@u.edu",
        now=NEAR_MIDNIGHT + timedelta(minutes=1),
    )
    mail = page(site, "/manage/outbox")
    assert "queued 15 May 01:30 ·" in mail and "sent 15 May 01:31" in mail
    assert "Times are in Asia/Hong Kong" in mail


def test_without_a_contest_the_outbox_uses_the_configured_zone(site: Site, organizer: User) -> None:
    queue_mail_at(site, NEAR_MIDNIGHT)
    assert "queued 15 May 01:30 ·" in page(site, "/manage/outbox")


def test_an_organizer_chooses_the_sites_zone(site: Site, organizer: User) -> None:
    contest_in(site, Phase.SUBMISSIONS, HONG_KONG)
    queue_mail_at(site, NEAR_MIDNIGHT)
    settings = site.client.get("/manage/settings").text
    assert '<option value="" selected>As the latest contest (now Asia/Hong Kong)</option>' in (
        settings
    )
    fields = {"signup_domains": "", "shared_networks": ""}
    refused = site.post("/manage/settings", fields | {"timezone": "Mars/Olympus_Mons"})
    assert refused.status_code == 400
    assert "is not a time zone" in refused.text
    assert "queued 15 May 01:30 ·" in page(site, "/manage/outbox")  # nothing was saved

    saved = site.post("/manage/settings", fields | {"timezone": "Europe/London"})
    assert saved.status_code == 200
    assert '<option value="Europe/London" selected>' in saved.text
    assert "queued 14 May 18:30 ·" in page(site, "/manage/outbox")  # summer time in London

    site.post("/manage/settings", fields | {"timezone": ""})  # back to following the contests
    assert "queued 15 May 01:30 ·" in page(site, "/manage/outbox")


# Templates

DATE_FILTERS = {"local_time", "local_date", "calendar_date"}
#: Slicing a stored timestamp (``[:10]`` its UTC day, ``[:16]`` its UTC minute) or unpicking
#: its "T": dates are written by the date filters, never cut out of stored text.
RAW_SOURCE = re.compile(
    r"""\[\s*:\s*(?:10|13|16|19)\s*\]|replace\(\s*["']T["']|isoformat|strftime"""
)
#: (template, printed timestamp) pairs known and left to whoever owns them, each with a reason.
ALLOWED: set[tuple[str, str]] = set()


def _is_timestamp(name: str) -> bool:
    return name == "at" or name.endswith("_at")


def _name(node: nodes.Node) -> str:
    if isinstance(node, nodes.Getattr):
        return f"{_name(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_name(node.node)}[{node.arg.value!r}]"
    return node.name if isinstance(node, nodes.Name) else "…"


def _printed_timestamps(node: nodes.Node | None) -> Iterator[str]:
    """The stored timestamps (``x.created_at``, ``row.at``) an expression prints without a
    date filter; conditions (``if x.sent_at``) and calls' arguments print nothing."""
    if isinstance(node, nodes.Filter):
        if node.name not in DATE_FILTERS:  # `| e`, `| replace(...)` still print the value
            yield from _printed_timestamps(node.node)
    elif isinstance(node, nodes.CondExpr):
        yield from _printed_timestamps(node.expr1)
        yield from _printed_timestamps(node.expr2)
    elif isinstance(node, nodes.Concat):
        for part in node.nodes:
            yield from _printed_timestamps(part)
    elif isinstance(node, nodes.Getitem):
        if isinstance(node.arg, nodes.Const) and _is_timestamp(str(node.arg.value)):
            yield _name(node)
        else:  # a slice of a timestamp is part of one
            yield from _printed_timestamps(node.node)
    elif isinstance(node, nodes.Getattr) and _is_timestamp(node.attr):
        yield _name(node)
    elif isinstance(node, nodes.Name) and _is_timestamp(node.name):
        yield node.name


def raw_dates(name: str, source: str) -> list[str]:
    """Where a template writes a stored timestamp itself instead of through a date filter."""
    found = [
        f"{name}:{source.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for match in RAW_SOURCE.finditer(source)
    ]
    tree = build_templates().env.parse(source)
    for output in tree.find_all(nodes.Output):
        for part in output.nodes:
            for printed in _printed_timestamps(part):
                if (name, printed) not in ALLOWED:
                    found.append(f"{name}:{part.lineno}: {printed} printed without a date filter")
    return found


#: What the check must catch, and what it must let pass, so that an empty result means something.
RAW_SAMPLES = [
    "{{ r.created_at[:10] }}",
    '{{ row.at[:16] | replace("T", " ") }}',
    "{{ message.sent_at }}",
    '{{ "expires " ~ inv.expires_at }}',
    "{{ 'sent' if m.sent_at else m.queued_at | e }}",
    "{{ row['created_at'] }}",
]
FINE_SAMPLES = [
    "{{ m.sent_at | local_time(tz) }}",
    "{% if person.disabled_at %}disabled{% endif %}",
    '{{ "accepted" if inv.accepted_at else inv.expires_at | local_date(tz) }}',
    "{{ entry.description[:160] }}",
    "{{ e.captured_at | calendar_date }}",
]


def test_no_template_prints_a_raw_timestamp() -> None:
    assert all(raw_dates("t.html", sample) for sample in RAW_SAMPLES)
    assert not any(raw_dates("t.html", sample) for sample in FINE_SAMPLES)
    templates = sorted(TEMPLATES_DIR.rglob("*.html"))
    assert len(templates) > 30
    found = [
        problem
        for path in templates
        for problem in raw_dates(path.relative_to(TEMPLATES_DIR).as_posix(), path.read_text())
    ]
    assert found == []
