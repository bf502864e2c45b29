"""Results: the ranking from judges' scores, proposed awards, overrides, publishing, exports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from contest.accounts.users import User
from contest.contests.model import Contest, ContestSettings
from contest.core.audit_log import record
from contest.core.clock import to_db
from contest.core.db import Database, Row
from contest.core.errors import Conflict, ValidationError
from contest.i18n import N_
from contest.judging.aggregation import EntryResult, aggregate
from contest.judging.award_labels import (
    NO_LIKES_YET,
    PEOPLES_CHOICE,
    PEOPLES_CHOICE_LABEL,
    award_slots,
    second_prize_warning,
    skip_reason,
)
from contest.judging.panel import criteria_of
from contest.judging.rounds.outcome import ROUNDS_NOT_OVER, Outcome, outcome
from contest.voting import tallies

MAX_CITATION = 1_000
MAX_OVERRIDE_REASON = 500


@dataclass(frozen=True)
class Standing:
    """An approved entry with its result and who made it (for organizers' eyes only)."""

    entry: Row
    result: EntryResult
    scores: dict[int, dict[int, float]]  # judge id -> criterion id -> value
    likes: int | None = None
    outside_likes: int | None = None  # the latest reading from a social network, if any


@dataclass(frozen=True)
class Skip:
    """An entry the ranking passed over for an award, and why."""

    entry_id: int
    title: str
    reason: str


@dataclass
class Award:
    """One award: the proposal from the ranking and, if organizers changed it, their decision.

    ``skipped`` lists the entries ranked above the proposal that the rule "one judged prize
    per person" passed over; ``warning`` says when the winner's author holds another judges'
    award although that rule is on (an organizer's choice); ``likes`` is People's Choice's
    count.
    """

    key: str
    label: str
    proposed: int | None
    entry_id: int | None
    override_reason: str | None = None
    citation: str = ""
    note: str = ""
    skipped: list[Skip] = field(default_factory=list)
    warning: str = ""
    likes: int | None = None


@dataclass(frozen=True)
class Results:
    """Everything on the ranking page."""

    standings: list[Standing]
    judges: list[Row]
    criteria: list[Row]
    awards: list[Award]
    published_at: str | None
    by_entry: dict[int, Standing] = field(default_factory=dict)
    #: A contest judged in rounds: how far they went (its ranking is the last round's order);
    #: None for a contest judged in a single stage by the rubric.
    rounds: Outcome | None = None


async def _score_table(db: Database, contest: Contest) -> dict[tuple[int, int], dict[int, float]]:
    rows = await db.fetch_all(
        "SELECT review_scores.* FROM review_scores"
        " JOIN entries ON entries.id = review_scores.entry_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved'",
        (contest.id,),
    )
    table: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for row in rows:
        table[(row["judge_id"], row["entry_id"])][row["criterion_id"]] = row["value"]
    return table


async def published_at(db: Database, contest_id: int) -> str | None:
    """When the contest's results were published, or None."""
    value = await db.fetch_value(
        "SELECT results_published_at FROM contests WHERE id = ?", (contest_id,)
    )
    return None if value is None else str(value)


def _peoples_choice(
    decided: dict[str, Row],
    most_liked: int | None,
    by_entry: dict[int, Standing],
    settings: ContestSettings,
) -> Award:
    """People's Choice goes to the most liked photo; it is not the judges' to override."""
    award = Award(PEOPLES_CHOICE, PEOPLES_CHOICE_LABEL, most_liked, most_liked)
    award.note = tallies.peoples_choice_note(settings)
    if most_liked is None:
        award.note = NO_LIKES_YET
    if PEOPLES_CHOICE in decided:
        award.entry_id = decided[PEOPLES_CHOICE]["entry_id"]
        award.citation = decided[PEOPLES_CHOICE]["citation"]
    standing = by_entry.get(award.entry_id) if award.entry_id is not None else None
    if standing is not None:
        award.likes = standing.outside_likes if tallies.counts_outside(settings) else standing.likes
    return award


def _skip_reason(
    standing: Standing,
    others: dict[str, int],
    by_entry: dict[int, Standing],
    labels: dict[str, str],
) -> str | None:
    """Why the rule "one judged prize per person" passes this entry over, if it does: its
    author's other photo (or this one) already holds another judges' award."""
    author = standing.entry["participant_id"]
    for key, entry_id in others.items():
        holder = by_entry.get(entry_id)
        if key in labels and holder is not None and holder.entry["participant_id"] == author:
            return skip_reason(standing.entry["author_name"], labels[key], entry_id)
    return None


def _second_prize_warnings(awards: list[Award], by_entry: dict[int, Standing]) -> None:
    """Warn on each judges' award whose winner's author holds another one (organizers chose
    so, or decided it before the rule was on)."""
    for award in awards:
        standing = by_entry.get(award.entry_id) if award.entry_id is not None else None
        if standing is None:
            continue
        also = [
            other.label
            for other in awards
            if other is not award
            and other.entry_id in by_entry
            and by_entry[other.entry_id].entry["participant_id"] == standing.entry["participant_id"]
        ]
        if also:
            award.warning = second_prize_warning(standing.entry["author_name"], also)


def propose(
    contest: Contest,
    standings: list[Standing],
    categories: list[Row],
    decided: dict[str, Row] | None = None,
    most_liked: int | None = None,
) -> list[Award]:
    """Awards as the ranking proposes them around the organizers' decisions.

    Decided awards keep their winner; every other award goes to the best-ranked entry still
    free. Two separate rules say what is free:

    - per photo (unless ``allow_multiple_awards``): a photo holding another award is not, so
      with "one award per photo" an overridden champion is not also a runner-up;
    - per person (``one_judged_prize_per_person``): an entry whose author holds another
      judges' award (champion, runner-up, best in a category) is not; each entry it passes
      over is listed on the award with the reason.

    People's Choice is the public's: it goes to the most liked photo whatever the judges
    gave, and holding it does not count as a judged prize.
    """
    settings = contest.settings
    decided = decided or {}
    by_entry = {s.entry["id"]: s for s in standings}
    ranked = [s for s in standings if s.result.ranked]
    slots = award_slots(contest, categories)
    judged = dict(slots)
    holders = {key: row["entry_id"] for key, row in decided.items() if row["entry_id"] is not None}
    awards: list[Award] = []
    for key, label in slots:
        pool = ranked
        if key.startswith("category_"):
            category_id = int(key.removeprefix("category_"))
            pool = [s for s in ranked if s.entry["category_id"] == category_id]
        others = {other: entry_id for other, entry_id in holders.items() if other != key}
        proposal, skipped = None, []
        for standing in pool:
            if not settings.allow_multiple_awards and standing.entry["id"] in others.values():
                continue
            reason = (
                _skip_reason(standing, others, by_entry, judged)
                if settings.one_judged_prize_per_person
                else None
            )
            if reason is None:
                proposal = standing.entry["id"]
                break
            skipped.append(Skip(standing.entry["id"], standing.entry["title"], reason))
        award = Award(key, label, proposal, proposal, skipped=skipped)
        if key in decided:
            award.entry_id = decided[key]["entry_id"]
            award.override_reason = decided[key]["override_reason"]
            award.citation = decided[key]["citation"]
            award.proposed = award.entry_id if award.override_reason is None else proposal
            if award.override_reason is None:  # confirmed, maybe before the rule was on
                passed = [skip.entry_id for skip in skipped]
                if award.entry_id in passed:
                    award.skipped = skipped[: passed.index(award.entry_id)]
        if award.entry_id is not None:
            holders[key] = award.entry_id
        awards.append(award)
    if settings.one_judged_prize_per_person:
        _second_prize_warnings(awards, by_entry)
    if settings.award_peoples_choice:
        awards.append(_peoples_choice(decided, most_liked, by_entry, settings))
    return awards


async def compute(db: Database, contest: Contest) -> Results:
    """The ranking, every judge's scores, and the awards as proposed and decided."""
    settings = contest.settings
    criteria = await criteria_of(db, contest.id)
    weights = {row["id"]: row["weight"] for row in criteria}
    entries = await db.fetch_all(
        "SELECT entries.*, users.display_name AS author_name,"
        " users.department AS author_department,"
        " users.email AS author_email, categories.name AS category_name FROM entries"
        " JOIN users ON users.id = entries.participant_id"
        " LEFT JOIN categories ON categories.id = entries.category_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' ORDER BY entries.id",
        (contest.id,),
    )
    rounds = await outcome(db, contest.id)
    table = {} if rounds else await _score_table(db, contest)
    results = (
        rounds.entry_results([row["id"] for row in entries])
        if rounds
        else aggregate(
            table,
            weights,
            [row["id"] for row in entries],
            method=settings.score_method,
            min_judges=settings.min_judges_per_entry,
            tie_break=settings.tie_break,
        )
    )
    rows = {row["id"]: row for row in entries}
    tally = await tallies.tallies(db, contest.id)
    outside = await tallies.outside_tallies(db, contest.id)
    standings = [
        Standing(
            entry=rows[result.entry_id],
            result=result,
            scores={judge: table[(judge, result.entry_id)] for judge in result.raw_totals},
            likes=tally.get(result.entry_id, 0),
            outside_likes=outside.get(result.entry_id),
        )
        for result in results
    ]
    categories = await db.fetch_all(
        "SELECT id, name FROM categories WHERE contest_id = ? ORDER BY position", (contest.id,)
    )
    decided = {
        row["award"]: row
        for row in await db.fetch_all("SELECT * FROM awards WHERE contest_id = ?", (contest.id,))
    }
    awards = propose(
        contest, standings, categories, decided, await tallies.peoples_choice_for(db, contest)
    )
    # The panel now, and anyone who scored before leaving it: their scores still count.
    judges = await db.fetch_all(
        "SELECT id, display_name FROM users WHERE id IN ("
        "   SELECT user_id FROM contest_judges WHERE contest_id = ?"
        "   UNION SELECT judge_id FROM review_scores JOIN entries ON entries.id = entry_id"
        "   WHERE entries.contest_id = ?)"
        " ORDER BY display_name, id",
        (contest.id, contest.id),
    )
    return Results(
        standings,
        judges,
        criteria,
        awards,
        await published_at(db, contest.id),
        by_entry={s.entry["id"]: s for s in standings},
        rounds=rounds,
    )


async def decide_award(
    db: Database,
    *,
    contest: Contest,
    award_key: str,
    entry_id: int | None,
    reason: str,
    citation: str,
    actor: User,
    now: datetime,
) -> None:
    """Set an award's winner and citation; choosing other than the proposal needs a reason."""
    results = await compute(db, contest)
    if results.rounds is not None and not results.rounds.finished:
        # A winner saved now would outlive the ranking the last round will propose.
        raise ValidationError({"award": ROUNDS_NOT_OVER})
    award = next((a for a in results.awards if a.key == award_key), None)
    if award is None:
        raise ValidationError({"award": N_("There is no such award in this contest.")})
    if entry_id is not None and entry_id not in results.by_entry:
        raise ValidationError({"entry_id": N_("Choose an approved entry of this contest.")})
    reason, citation = " ".join(reason.split()), citation.strip()
    overriding = entry_id != award.proposed
    if overriding and not reason:
        raise ValidationError(
            {"reason": N_("Give the reason for choosing differently from the ranking.")}
        )
    if len(reason) > MAX_OVERRIDE_REASON or len(citation) > MAX_CITATION:
        raise ValidationError(
            {"citation": N_("Keep the reason and citation short (under 500 and 1,000 characters).")}
        )
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO awards (contest_id, award, entry_id, citation, override_reason,"
            " decided_by, decided_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (contest_id, award) DO UPDATE SET"
            " entry_id = excluded.entry_id, citation = excluded.citation,"
            " override_reason = excluded.override_reason, decided_by = excluded.decided_by,"
            " decided_at = excluded.decided_at",
            (
                contest.id,
                award_key,
                entry_id,
                citation,
                reason if overriding else None,
                actor.id,
                to_db(now),
            ),
        )
        if overriding:
            await record(
                tx,
                contest_id=contest.id,
                actor_id=actor.id,
                action="override",
                details=(  # in English, as the log keeps every line
                    f"{str.__str__(award.label)}: entry #{entry_id} instead of "
                    + (f"#{award.proposed}" if award.proposed is not None else "none proposed")
                    + f". Reason: {reason}"
                ),
                now=now,
            )


async def publish(db: Database, *, contest: Contest, actor: User, now: datetime) -> None:
    """Fix the awards as they stand and make the winners page public at the announcement time."""
    closes = max(contest.schedule.judging_close, contest.schedule.voting_close)
    if now < closes:
        raise Conflict(N_("Publish the results once judging and public voting have both closed."))
    results = await compute(db, contest)
    if results.rounds is not None and not results.rounds.finished:
        raise Conflict(ROUNDS_NOT_OVER)
    async with db.transaction() as tx:
        for award in results.awards:
            if award.key == PEOPLES_CHOICE and award.entry_id is None:
                continue
            await tx.execute(
                "INSERT INTO awards (contest_id, award, entry_id, citation, override_reason,"
                " decided_by, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (contest_id, award) DO NOTHING",
                (
                    contest.id,
                    award.key,
                    award.entry_id,
                    award.citation,
                    award.override_reason,
                    actor.id,
                    to_db(now),
                ),
            )
        await tx.execute(
            "UPDATE contests SET results_published_at = ? WHERE id = ?", (to_db(now), contest.id)
        )
        await record(
            tx,
            contest_id=contest.id,
            actor_id=actor.id,
            action="publish",
            details="Results published",
            now=now,
        )
