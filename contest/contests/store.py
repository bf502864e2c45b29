"""Contests: their settings, categories, rubric and awards, validated before they are stored."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from contest.accounts.users import AFFILIATIONS
from contest.contests.audit_words import describe_changes
from contest.contests.calendar_shift import (
    MAX_SHIFT_DAYS,
    SHIFT_DAYS_MESSAGE,
    shift_by_days,
    shift_problem,
)
from contest.contests.form import SCHEDULE_LABELS
from contest.contests.model import (
    Contest,
    ContestSettings,
    Criterion,
    result_rule_locked,
)
from contest.contests.phases import Schedule
from contest.contests.slugs import fallback_slug, slug_taken, slugify, unique_slug
from contest.contests.texts import ContestTexts
from contest.core import audit_log
from contest.core.clock import from_db, to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import NotFound, ValidationError
from contest.i18n import N_

SCHEDULE_FIELDS = tuple(SCHEDULE_LABELS)
RUBRIC_LOCKED = N_(
    "Judges have started scoring, so the criteria and the scale can no longer change"
    " (their weights still can)."
)
NO_SUCH_CONTEST = N_("There is no such contest.")


def _columns(settings: ContestSettings) -> dict[str, Any]:
    schedule = settings.schedule
    return {
        "title": settings.title,
        "theme": settings.theme,
        "description_md": settings.description_md,
        "rules_md": settings.rules_md,
        "hashtag": settings.hashtag,
        "timezone": settings.timezone,
        "eligible_affiliations": ",".join(settings.eligible_affiliations),
        "max_entries_per_participant": settings.max_entries_per_participant,
        **{name: to_db(getattr(schedule, name)) for name in SCHEDULE_FIELDS},
        "award_champion": int(settings.award_champion),
        "award_runners_up": settings.award_runners_up,
        "award_peoples_choice": int(settings.award_peoples_choice),
        "award_per_category": int(settings.award_per_category),
        "allow_multiple_awards": int(settings.allow_multiple_awards),
        "one_judged_prize_per_person": int(settings.one_judged_prize_per_person),
        "scale_min": settings.scale_min,
        "scale_max": settings.scale_max,
        "is_published": int(settings.is_published),
        "licence_text": settings.licence_text,
        "description_required": int(settings.description_required),
        "min_judges_per_entry": settings.min_judges_per_entry,
        "score_method": settings.score_method,
        "tie_break": settings.tie_break,
        "voting_mode": settings.voting_mode,
        "hide_counts": int(settings.hide_counts),
        "campus_sign_in_for": settings.campus_sign_in_for,
        "peoples_choice_basis": settings.peoples_choice_basis,
        "external_network": settings.external_network,
        "main_locale": settings.texts.main_locale,
    }


async def _replace_lists(tx: Transaction, contest_id: int, settings: ContestSettings) -> None:
    """Store categories and criteria; existing rows keep their ids so later links survive."""
    await _sync_named_rows(
        tx, "categories", contest_id, [(name, {}) for name in settings.categories]
    )
    await _sync_named_rows(
        tx,
        "rubric_criteria",
        contest_id,
        [(criterion.name, {"weight": criterion.weight}) for criterion in settings.criteria],
    )
    await tx.execute("DELETE FROM contest_texts WHERE contest_id = ?", (contest_id,))
    for locale, field, text in settings.texts.items:
        await tx.execute(
            "INSERT INTO contest_texts (contest_id, locale, field, text) VALUES (?, ?, ?, ?)",
            (contest_id, locale, field, text),
        )


async def _sync_named_rows(
    tx: Transaction, table: str, contest_id: int, wanted: list[tuple[str, dict[str, Any]]]
) -> None:
    names = [name for name, _ in wanted]
    existing = {
        row["name"]: row["id"]
        for row in await tx.fetch_all(
            f"SELECT id, name FROM {table} WHERE contest_id = ?",  # noqa: S608 - fixed names
            (contest_id,),
        )
    }
    for name, row_id in existing.items():
        if name not in names:
            await tx.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))  # noqa: S608
    for position, (name, extra) in enumerate(wanted):
        columns = {"name": name, "position": position, **extra}
        if name in existing:
            assignments = ", ".join(f"{column} = ?" for column in columns)
            await tx.execute(
                f"UPDATE {table} SET {assignments} WHERE id = ?",  # noqa: S608
                (*columns.values(), existing[name]),
            )
        else:
            names_sql = ", ".join(["contest_id", *columns])
            marks = ", ".join("?" * (len(columns) + 1))
            await tx.execute(
                f"INSERT INTO {table} ({names_sql}) VALUES ({marks})",  # noqa: S608
                (contest_id, *columns.values()),
            )


async def create_contest(
    db: Database, settings: ContestSettings, *, created_by: int | None, now: datetime
) -> Contest:
    """Store a new contest with a unique ASCII slug and return it: made from its title, else
    from its English title, else ``contest-<id>`` (a Chinese-only title)."""
    columns = _columns(settings)
    base = slugify(settings.title) or slugify(settings.texts.get("en", "title"))
    async with db.transaction() as tx:
        # A title with no ASCII waits for its id under a slug no title makes (uppercase).
        slug = await unique_slug(tx, base) if base else f"NEW-{to_db(now)}"
        columns |= {"slug": slug, "created_by": created_by}
        columns |= {"created_at": to_db(now), "updated_at": to_db(now)}
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        contest_id = await tx.insert(
            f"INSERT INTO contests ({names}) VALUES ({marks})",  # noqa: S608 - fixed names
            tuple(columns.values()),
        )
        if not base:
            slug = await unique_slug(tx, fallback_slug(contest_id))
            await tx.execute("UPDATE contests SET slug = ? WHERE id = ?", (slug, contest_id))
        await _replace_lists(tx, contest_id, settings)
    return await get_contest(db, contest_id)


async def update_contest(
    db: Database,
    contest_id: int,
    settings: ContestSettings,
    *,
    now: datetime,
    actor_id: int | None = None,
    slug: str | None = None,
) -> Contest:
    """Store new settings for an existing contest, and what changed, by whom, in the
    contest's audit log. Its address changes only when a new ``slug`` is given (already
    checked by ``slugs.clean_slug``; one another contest has is refused).

    Once the results are published, the rules that decided them (``result_rules``) are
    fixed: a change to any of them is refused (ValidationError naming each) and nothing is
    stored.
    """
    columns = _columns(settings) | {"updated_at": to_db(now)}
    assignments = ", ".join(f"{name} = ?" for name in columns)
    await _ensure_rubric_kept(db, contest_id, settings)
    async with db.transaction() as tx:
        row = await tx.fetch_one("SELECT * FROM contests WHERE id = ?", (contest_id,))
        if row is None:
            raise NotFound(NO_SUCH_CONTEST)
        before = (await _assemble(tx, row)).settings
        changed = before.changed(settings)
        if row["results_published_at"] is not None:
            _ensure_result_rules_kept(before, changed)
        new_slug = slug if slug and slug != row["slug"] else None
        if new_slug and await slug_taken(tx, new_slug, other_than=contest_id):
            raise ValidationError(
                {
                    "slug": N_(
                        "Another contest has the address “%(slug)s”; choose another.",
                        slug=new_slug,
                    )
                }
            )
        await tx.execute(
            f"UPDATE contests SET {assignments} WHERE id = ?",  # noqa: S608 - fixed names
            (*columns.values(), contest_id),
        )
        await _replace_lists(tx, contest_id, settings)
        details = describe_changes(before, settings) if changed else ""
        if new_slug:
            await tx.execute("UPDATE contests SET slug = ? WHERE id = ?", (new_slug, contest_id))
            moved = f"Address: {row['slug']} → {new_slug}."
            details = f"{details} {moved}" if details else f"Settings changed. {moved}"
        if details:
            await audit_log.record(
                tx,
                contest_id=contest_id,
                actor_id=actor_id,
                action="settings",
                details=details,
                now=now,
            )
    return await get_contest(db, contest_id)


def _ensure_result_rules_kept(before: ContestSettings, changed: list[str]) -> None:
    """Refuse a change to a rule that decided the published results, naming each one."""
    refused: dict[str, str] = {
        name: result_rule_locked(name) for name in before.result_rules() if name in changed
    }
    if refused:
        raise ValidationError(refused)


async def locked_rules(db: Database, contest_id: int) -> tuple[str, ...]:
    """The settings that can no longer change because the results were decided under them
    and are published (none before that)."""
    published = await db.fetch_value(
        "SELECT results_published_at FROM contests WHERE id = ?", (contest_id,)
    )
    if published is None:
        return ()
    return (await get_contest(db, contest_id)).settings.result_rules()


async def _ensure_rubric_kept(db: Database, contest_id: int, settings: ContestSettings) -> None:
    """Once a judge has scored, the criteria and the scale are fixed: changing them would make
    every stored review incomplete or off the scale."""
    scored = await db.fetch_value(
        "SELECT 1 FROM review_scores JOIN entries ON entries.id = review_scores.entry_id"
        " WHERE entries.contest_id = ?"
        " UNION ALL SELECT 1 FROM round_task_scores"  # a rubric round's scores alike
        " JOIN round_tasks ON round_tasks.id = round_task_scores.task_id"
        " JOIN rounds ON rounds.id = round_tasks.round_id WHERE rounds.contest_id = ?"
        " LIMIT 1",
        (contest_id, contest_id),
    )
    if not scored:
        return
    current = await get_contest(db, contest_id)

    def fixed(chosen: ContestSettings) -> tuple[list[str], int, int]:
        return [c.name for c in chosen.criteria], chosen.scale_min, chosen.scale_max

    if fixed(current.settings) != fixed(settings):
        raise ValidationError({"criteria": RUBRIC_LOCKED})


async def _assemble(db: Database | Transaction, row: Row) -> Contest:
    categories = await db.fetch_all(
        "SELECT name FROM categories WHERE contest_id = ? ORDER BY position", (row["id"],)
    )
    criteria = await db.fetch_all(
        "SELECT name, weight FROM rubric_criteria WHERE contest_id = ? ORDER BY position",
        (row["id"],),
    )
    texts = await db.fetch_all(
        "SELECT locale, field, text FROM contest_texts WHERE contest_id = ? ORDER BY locale, field",
        (row["id"],),
    )
    schedule = Schedule(**{name: from_db(row[name]) for name in SCHEDULE_FIELDS})
    settings = ContestSettings(
        title=row["title"],
        theme=row["theme"],
        description_md=row["description_md"],
        rules_md=row["rules_md"],
        hashtag=row["hashtag"],
        timezone=row["timezone"],
        eligible_affiliations=tuple(
            a for a in AFFILIATIONS if a in row["eligible_affiliations"].split(",")
        ),
        max_entries_per_participant=row["max_entries_per_participant"],
        schedule=schedule,
        categories=tuple(category["name"] for category in categories),
        criteria=tuple(Criterion(c["name"], c["weight"]) for c in criteria),
        scale_min=row["scale_min"],
        scale_max=row["scale_max"],
        award_champion=bool(row["award_champion"]),
        award_runners_up=row["award_runners_up"],
        award_peoples_choice=bool(row["award_peoples_choice"]),
        award_per_category=bool(row["award_per_category"]),
        allow_multiple_awards=bool(row["allow_multiple_awards"]),
        one_judged_prize_per_person=bool(row["one_judged_prize_per_person"]),
        is_published=bool(row["is_published"]),
        licence_text=row["licence_text"],
        description_required=bool(row["description_required"]),
        min_judges_per_entry=row["min_judges_per_entry"],
        score_method=row["score_method"],
        tie_break=row["tie_break"],
        voting_mode=row["voting_mode"],
        hide_counts=bool(row["hide_counts"]),
        campus_sign_in_for=row["campus_sign_in_for"],
        peoples_choice_basis=row["peoples_choice_basis"],
        external_network=row["external_network"],
        texts=ContestTexts(row["main_locale"], tuple((t[0], t[1], t[2]) for t in texts)),
    )
    return Contest(
        id=row["id"], slug=row["slug"], settings=settings, created_at=from_db(row["created_at"])
    )


async def get_contest(db: Database, contest_id: int) -> Contest:
    """The contest with that id; NotFound if there is none."""
    row = await db.fetch_one("SELECT * FROM contests WHERE id = ?", (contest_id,))
    if row is None:
        raise NotFound(NO_SUCH_CONTEST)
    return await _assemble(db, row)


async def get_contest_by_slug(db: Database, slug: str, *, include_unpublished: bool) -> Contest:
    """The contest at that address; unpublished ones only for those who may see drafts."""
    row = await db.fetch_one("SELECT * FROM contests WHERE slug = ?", (slug,))
    if row is None or (not row["is_published"] and not include_unpublished):
        raise NotFound(NO_SUCH_CONTEST)
    return await _assemble(db, row)


async def list_contests(db: Database, *, include_unpublished: bool) -> list[Contest]:
    """Every contest (drafts only when asked), newest submission window first."""
    rows = await db.fetch_all(
        "SELECT * FROM contests WHERE is_published = 1 OR ? ORDER BY submissions_open DESC",
        (int(include_unpublished),),
    )
    return [await _assemble(db, row) for row in rows]


def split_current_and_past(
    contests: list[Contest], now: datetime
) -> tuple[list[Contest], list[Contest]]:
    """Current contests (soonest deadline first) and the archive (most recent first)."""
    current = sorted(
        (c for c in contests if c.is_current(now)), key=lambda c: c.schedule.results_at
    )
    past = sorted(
        (c for c in contests if not c.is_current(now)),
        key=lambda c: c.schedule.results_at,
        reverse=True,
    )
    return current, past


async def judges_of(db: Database, contest_id: int) -> list[Row]:
    """The accounts assigned to judge the contest."""
    return await db.fetch_all(
        "SELECT users.* FROM contest_judges JOIN users ON users.id = contest_judges.user_id"
        " WHERE contest_judges.contest_id = ? ORDER BY users.display_name",
        (contest_id,),
    )


async def assign_judge(db: Database, *, contest_id: int, user_id: int) -> None:
    """Put a judge account on the contest's panel (idempotent)."""
    async with db.transaction() as tx:
        role = await tx.fetch_value("SELECT role FROM users WHERE id = ?", (user_id,))
        if role != "judge":
            raise NotFound(N_("Only judge accounts can join a panel."))
        await tx.execute(
            "INSERT INTO contest_judges (contest_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (contest_id, user_id),
        )


async def unassign_judge(db: Database, *, contest_id: int, user_id: int) -> None:
    """Take a judge off the contest's panel."""
    async with db.transaction() as tx:
        await tx.execute(
            "DELETE FROM contest_judges WHERE contest_id = ? AND user_id = ?", (contest_id, user_id)
        )


def schedule_fingerprint(schedule: Schedule) -> str:
    """Every date of a calendar in one text, to tell whether it changed since a page showed it."""
    return " ".join(to_db(getattr(schedule, item.name)) for item in fields(schedule))


DATES_CHANGED = N_(
    "The dates changed since this page showed them (perhaps this move was already made)."
    " Nothing moved: check the dates below, then show the move again."
)


async def shift_dates(
    db: Database,
    contest_id: int,
    days: int,
    *,
    seen: str,
    now: datetime,
    actor_id: int | None = None,
) -> Contest:
    """Move every date of the contest ``days`` later (earlier when negative) at the same local
    time, as an edit would: validated, audited, stored. ``seen`` is the calendar's fingerprint
    when the organizer confirmed; if the dates changed since, nothing moves (ValidationError
    on "days"), so a second click never moves them twice."""
    if days == 0 or abs(days) > MAX_SHIFT_DAYS:
        raise ValidationError({"days": SHIFT_DAYS_MESSAGE})
    contest = await get_contest(db, contest_id)
    settings = contest.settings
    if schedule_fingerprint(settings.schedule) != seen:
        raise ValidationError({"days": DATES_CHANGED})
    schedule = shift_by_days(settings.schedule, days, settings.timezone)
    if problem := shift_problem(schedule):
        raise ValidationError({"days": problem})
    return await update_contest(
        db, contest_id, replace(settings, schedule=schedule), now=now, actor_id=actor_id
    )


async def judges_to_invite_again(db: Database, *, source_id: int, contest_id: int) -> list[Row]:
    """The judge accounts on the source contest's panel that are not on this contest's panel
    yet (a copied contest offers them again)."""
    return await db.fetch_all(
        "SELECT users.* FROM contest_judges JOIN users ON users.id = contest_judges.user_id"
        " WHERE contest_judges.contest_id = ? AND users.role = 'judge'"
        " AND users.id NOT IN (SELECT user_id FROM contest_judges WHERE contest_id = ?)"
        " ORDER BY users.display_name",
        (source_id, contest_id),
    )


async def add_judge_again(db: Database, *, source_id: int, contest_id: int, user_id: str) -> None:
    """Put one of the source contest's judges on this contest's panel; a judge who is not
    offered (already on the panel, or never on the source's) changes nothing."""
    offered = await judges_to_invite_again(db, source_id=source_id, contest_id=contest_id)
    chosen = [row for row in offered if str(row["id"]) == user_id.strip()]
    if chosen:
        await assign_judge(db, contest_id=contest_id, user_id=chosen[0]["id"])
