"""Judging: a judge's blind queue, rubric scores and notes, and declared conflicts of interest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from contest.accounts.languages import mail_locale
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.contests.store import get_contest
from contest.core.audit_log import record
from contest.core.clock import format_local, to_db, zone
from contest.core.db import Database, Row
from contest.core.errors import Conflict, Forbidden, NotFound, ValidationError
from contest.core.forms import FormValues
from contest.core.outbox import queue_mail
from contest.i18n import DEFAULT_LOCALE, N_, Nn_, number, using_locale, written_date

MAX_NOTE = 2_000
MAX_CONFLICT_REASON = 300

#: The only entry fields a judge ever sees: nothing that names or points to the author.
BLIND_COLUMNS = (
    "entries.id, entries.title, entries.description, entries.alt_text, entries.captured_at,"
    " entries.display_key, entries.display_width, entries.display_height,"
    " entries.master_key, entries.thumb_key, entries.thumb_width, entries.thumb_height,"
    " categories.name AS category_name"
)


@dataclass(frozen=True)
class Progress:
    """How far a judge has got: entries scored out of those in their queue."""

    scored: int
    total: int

    @property
    def remaining(self) -> int:
        """Entries still to score."""
        return self.total - self.scored


async def contests_judged_by(db: Database, judge_id: int) -> list[Contest]:
    """The contests on whose panel the judge sits, most recent first."""
    rows = await db.fetch_all(
        "SELECT contest_id FROM contest_judges JOIN contests ON contests.id = contest_id"
        " WHERE user_id = ? ORDER BY contests.judging_open DESC",
        (judge_id,),
    )
    return [await get_contest(db, row["contest_id"]) for row in rows]


async def panel_contest(db: Database, contest_id: int, judge: User) -> Contest:
    """The contest, if this judge sits on its panel; Forbidden otherwise."""
    on_panel = await db.fetch_value(
        "SELECT 1 FROM contest_judges WHERE contest_id = ? AND user_id = ?", (contest_id, judge.id)
    )
    if not on_panel:
        raise Forbidden(N_("You are not on the judging panel of this contest."))
    return await get_contest(db, contest_id)


_QUEUE_FROM = (
    " FROM entries LEFT JOIN categories ON categories.id = entries.category_id"
    " WHERE entries.contest_id = ? AND entries.status = 'approved'"
    " AND entries.participant_id != ?"
    " AND NOT EXISTS (SELECT 1 FROM conflicts WHERE conflicts.entry_id = entries.id"
    "   AND conflicts.judge_id = ?)"
)


async def queue(db: Database, contest: Contest, judge: User) -> list[Row]:
    """The judge's entries: unscored ones first, those with the fewest scores first among them."""
    return await db.fetch_all(
        f"SELECT {BLIND_COLUMNS},"  # noqa: S608 - fixed fragments
        " EXISTS (SELECT 1 FROM reviews WHERE reviews.entry_id = entries.id"
        "   AND reviews.judge_id = ?) AS scored_by_me,"
        " (SELECT count(*) FROM reviews WHERE reviews.entry_id = entries.id) AS review_count"
        f"{_QUEUE_FROM} ORDER BY scored_by_me, review_count, entries.id",
        (judge.id, contest.id, judge.id, judge.id),
    )


async def progress(db: Database, contest: Contest, judge: User) -> Progress:
    """Entries scored by the judge out of those in the judge's queue."""
    rows = await queue(db, contest, judge)
    return Progress(scored=sum(1 for row in rows if row["scored_by_me"]), total=len(rows))


async def entry_for_judge(db: Database, contest: Contest, judge: User, entry_id: int) -> Row:
    """One entry of the judge's queue, blind; NotFound if it is not theirs to score."""
    row = await db.fetch_one(
        f"SELECT {BLIND_COLUMNS}{_QUEUE_FROM} AND entries.id = ?",
        (contest.id, judge.id, judge.id, entry_id),
    )
    if row is None:
        raise NotFound(N_("That entry is not in your judging queue."))
    return row


async def review_of(db: Database, entry_id: int, judge_id: int) -> tuple[dict[int, float], str]:
    """The judge's scores (criterion id -> value) and note for an entry, if any."""
    rows = await db.fetch_all(
        "SELECT criterion_id, value FROM review_scores WHERE entry_id = ? AND judge_id = ?",
        (entry_id, judge_id),
    )
    note = await db.fetch_value(
        "SELECT note FROM reviews WHERE entry_id = ? AND judge_id = ?", (entry_id, judge_id)
    )
    return {row["criterion_id"]: row["value"] for row in rows}, note or ""


async def criteria_of(db: Database, contest_id: int) -> list[Row]:
    """The contest's rubric with ids, in order."""
    return await db.fetch_all(
        "SELECT id, name, weight FROM rubric_criteria WHERE contest_id = ? ORDER BY position",
        (contest_id,),
    )


def parse_scores(
    form: FormValues, criteria: list[Row], contest: Contest
) -> tuple[dict[int, float], str, dict[str, str]]:
    """Scores and note from the judge's form, and what is wrong with them."""
    low, high = contest.settings.scale_min, contest.settings.scale_max
    scores: dict[int, float] = {}
    errors: dict[str, str] = {}
    for criterion in criteria:
        field = f"score_{criterion['id']}"
        text = form.get(field).strip()
        try:
            value = float(text)
        except ValueError:
            errors[field] = N_(
                "Give “%(criterion)s” a score from %(low)s to %(high)s.",
                criterion=criterion["name"],
                low=low,
                high=high,
            )
            continue
        if not low <= value <= high:
            errors[field] = N_(
                "Scores for “%(criterion)s” go from %(low)s to %(high)s.",
                criterion=criterion["name"],
                low=low,
                high=high,
            )
            continue
        scores[criterion["id"]] = value
    note = form.get("note").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = N_("Keep the note under %(limit)s characters.", limit=number(MAX_NOTE))
    return scores, note, errors


def check_scores(scores: Mapping[int, float], criteria: list[Row], contest: Contest) -> None:
    """ValidationError unless ``scores`` gives every criterion of the rubric, and only those,
    a score on the contest's scale (the single-stage review and a rubric round alike)."""
    if set(scores) != {row["id"] for row in criteria}:
        raise ValidationError({"scores": N_("Score every criterion of the rubric.")})
    low, high = contest.settings.scale_min, contest.settings.scale_max
    if not all(low <= value <= high for value in scores.values()):
        raise ValidationError(
            {"scores": N_("Scores go from %(low)s to %(high)s.", low=low, high=high)}
        )


def _ensure_judging_open(contest: Contest, now: datetime) -> None:
    if not contest.schedule.judging_is_open(now):
        if now < contest.schedule.judging_open:
            raise Conflict(N_("Judging has not started yet; scores open with the judging phase."))
        raise Conflict(N_("Judging has closed, so scores are now read-only."))


async def save_review(
    db: Database,
    *,
    contest: Contest,
    judge: User,
    entry_id: int,
    scores: dict[int, float],
    note: str,
    now: datetime,
) -> None:
    """Store (or revise) the judge's scores for an entry during the judging phase."""
    _ensure_judging_open(contest, now)
    await entry_for_judge(db, contest, judge, entry_id)
    check_scores(scores, await criteria_of(db, contest.id), contest)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO reviews (entry_id, judge_id, note, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (entry_id, judge_id)"
            " DO UPDATE SET note = excluded.note, updated_at = excluded.updated_at",
            (entry_id, judge.id, note, to_db(now), to_db(now)),
        )
        await tx.execute_many(
            "INSERT INTO review_scores (entry_id, judge_id, criterion_id, value)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (entry_id, judge_id, criterion_id) DO UPDATE SET value = excluded.value",
            [(entry_id, judge.id, criterion, value) for criterion, value in scores.items()],
        )


def conflict_reason(reason: str) -> str:
    """A conflict's reason as kept (spaces folded); ValidationError if empty or too long."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": N_("Say briefly why, e.g. “I know the photographer”.")})
    if len(reason) > MAX_CONFLICT_REASON:
        raise ValidationError(
            {"reason": N_("Keep the reason under %(limit)s characters.", limit=MAX_CONFLICT_REASON)}
        )
    return reason


async def declare_conflict(
    db: Database, *, contest: Contest, judge: User, entry_id: int, reason: str, now: datetime
) -> None:
    """Take an entry out of the judge's queue (dropping any scores) and record why."""
    reason = conflict_reason(reason)
    _ensure_judging_open(contest, now)
    await entry_for_judge(db, contest, judge, entry_id)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO conflicts (entry_id, judge_id, reason, declared_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (entry_id, judge.id, reason, to_db(now)),
        )
        await tx.execute(
            "DELETE FROM reviews WHERE entry_id = ? AND judge_id = ?", (entry_id, judge.id)
        )
        await record(
            tx,
            contest_id=contest.id,
            actor_id=judge.id,
            action="conflict",
            details=f"{judge.display_name} declared a conflict on entry #{entry_id}: {reason}",
            now=now,
        )


async def panel_progress(db: Database, contest: Contest) -> list[tuple[Row, Progress]]:
    """Each judge on the panel with how far they have got."""
    judges = await db.fetch_all(
        "SELECT users.* FROM contest_judges JOIN users ON users.id = contest_judges.user_id"
        " WHERE contest_id = ? ORDER BY users.display_name",
        (contest.id,),
    )
    return [(judge, await progress(db, contest, User.from_row(judge))) for judge in judges]


async def entry_coverage(db: Database, contest: Contest) -> list[Row]:
    """Each approved entry with how many judges scored it and how many declared a conflict."""
    return await db.fetch_all(
        "SELECT entries.id, entries.title, entries.thumb_key, entries.thumb_width,"
        " entries.thumb_height,"
        " (SELECT count(*) FROM reviews WHERE reviews.entry_id = entries.id) AS reviews,"
        " (SELECT count(*) FROM conflicts WHERE conflicts.entry_id = entries.id) AS conflicts"
        " FROM entries WHERE contest_id = ? AND status = 'approved' ORDER BY reviews, entries.id",
        (contest.id,),
    )


def _closing_time(contest: Contest, locale: str) -> str:
    """When judging closes, in the contest's zone, as the mail's reader writes dates."""
    close, tz_name = contest.schedule.judging_close, contest.settings.timezone
    if locale == DEFAULT_LOCALE:
        return format_local(close, tz_name, with_year=True)
    local = close.astimezone(zone(tz_name))
    return written_date(local, locale, with_year=True, with_time=True)


def reminder_mail(
    contest: Contest, *, name: str, state: Progress, link: str, locale: str
) -> tuple[str, str]:
    """A reminder's subject and body in the judge's language."""
    with using_locale(locale):
        subject = Nn_(
            "%(count)s photo is waiting for your scores",
            "%(count)s photos are waiting for your scores",
            state.remaining,
            count=number(state.remaining),
        )
        body = N_(
            "Hello %(name)s,\n\nYou have scored %(scored)s of %(total)s entries in"
            " %(contest)s. Judging closes on %(closes)s.\n\nContinue here: %(link)s\n",
            name=name,
            scored=number(state.scored),
            total=number(state.total),
            contest=contest.title,
            closes=_closing_time(contest, locale),
            link=link,
        )
        return str(subject), str(body)


async def remind_judges(db: Database, *, contest: Contest, link: str, now: datetime) -> list[str]:
    """Mail every judge with entries left to score, each in their saved language; return
    their addresses."""
    reminded = []
    async with db.transaction() as tx:
        for judge, state in await panel_progress(db, contest):
            if state.remaining <= 0:
                continue
            locale = await mail_locale(tx, judge["id"])
            subject, body = reminder_mail(
                contest, name=judge["display_name"], state=state, link=link, locale=locale
            )
            await queue_mail(
                tx, recipient=judge["email"], subject=subject, body=body, now=now, locale=locale
            )
            reminded.append(judge["email"])
    return reminded


async def audit_log(db: Database, contest_id: int) -> list[Row]:
    """Overrides, conflicts, publishing and settings changes, oldest first."""
    return await db.fetch_all(
        "SELECT audit_log.*, users.display_name AS actor FROM audit_log"
        " LEFT JOIN users ON users.id = audit_log.actor_id"
        " WHERE contest_id = ? ORDER BY audit_log.id",
        (contest_id,),
    )
