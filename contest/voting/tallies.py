"""What the likes add up to: People's Choice tallies (stored, and replayed from the log), the
winner, and which photos a voter likes. Reads only; likes are written in ``likes``."""

from __future__ import annotations

from collections import defaultdict

from contest.contests.model import Contest, ContestSettings
from contest.core.db import Database
from contest.i18n import N_, Message

PEOPLES_CHOICE_RULE = N_("the most likes; a tie goes to the photo that reached its total first")

#: Each approved entry's latest outside reading (the latest read, then the last typed), as a
#: query on ``entries`` joined to ``external_like_readings AS readings``.
LATEST_READING = (
    "readings.id = (SELECT latest.id FROM external_like_readings AS latest"
    " WHERE latest.entry_id = entries.id ORDER BY latest.read_at DESC, latest.id DESC LIMIT 1)"
)

#: An entry's People's Choice likes and its Library picks, as subqueries of a query on
#: ``entries``: one definition of what counts, for the gallery, the dashboard and the report.
ENTRY_LIKES = "(SELECT count(*) FROM counted_likes WHERE counted_likes.entry_id = entries.id)"
ENTRY_PICKS = (
    "(SELECT count(*) FROM likes WHERE likes.entry_id = entries.id AND likes.kind = 'pick')"
)
#: An entry's latest outside reading (None if never read) and its contest's network, likewise.
ENTRY_OUTSIDE_LIKES = (
    "(SELECT readings.likes FROM external_like_readings AS readings"
    " WHERE readings.entry_id = entries.id ORDER BY readings.read_at DESC, readings.id DESC"
    " LIMIT 1)"
)
ENTRY_NETWORK = "(SELECT external_network FROM contests WHERE contests.id = entries.contest_id)"


async def liked_by(
    db: Database, voter_key: str, entry_ids: list[int], *, aliases: tuple[str, ...] = ()
) -> set[int]:
    """Which of these entries the voter currently likes: under their key or a key of theirs
    from before (``Voter.aliases``, whose likes join the key at their next click), and a
    browser that a person used shows that person's likes."""
    if not entry_ids:
        return set()
    if voter_key.startswith("device:"):
        person = await db.fetch_value("SELECT person FROM devices WHERE device = ?", (voter_key,))
        voter_key = person or voter_key
    keys = (voter_key, *aliases)
    rows = await db.fetch_all(
        f"SELECT entry_id FROM likes WHERE voter IN ({', '.join('?' * len(keys))})"  # noqa: S608
        f" AND voided_at IS NULL AND entry_id IN ({', '.join('?' * len(entry_ids))})",
        (*keys, *entry_ids),
    )
    return {row["entry_id"] for row in rows}


async def tallies(db: Database, contest_id: int) -> dict[int, int]:
    """People's Choice likes per approved entry of the contest (entries with none included)."""
    rows = await db.fetch_all(
        "SELECT entries.id, count(likes.voter) AS likes FROM entries"
        " LEFT JOIN counted_likes AS likes ON likes.entry_id = entries.id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' GROUP BY entries.id",
        (contest_id,),
    )
    return {row["id"]: row["likes"] for row in rows}


async def tallies_from_log(db: Database, contest_id: int) -> dict[int, int]:
    """The same tallies rebuilt by replaying the append-only log: they must always match."""
    events = await db.fetch_all(
        "SELECT like_events.* FROM like_events JOIN entries ON entries.id = like_events.entry_id"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' ORDER BY like_events.id",
        (contest_id,),
    )
    state: dict[tuple[int, str], str] = {}
    for event in events:
        if event["kind"] != "vote":
            continue
        key = (event["entry_id"], event["voter"])
        if event["action"] == "like":
            state[key] = "counted"
        elif event["action"] == "unlike":
            state.pop(key, None)
        else:
            state[key] = "voided"
    counts: dict[int, int] = defaultdict(int)
    for entry_id in await tallies(db, contest_id):
        counts[entry_id] = 0
    for (entry_id, _), status in state.items():
        if status == "counted":
            counts[entry_id] += 1
    return dict(counts)


async def peoples_choice(db: Database, contest_id: int) -> int | None:
    """The entry with the most likes; a tie goes to the one that reached its total first.

    An entry reached its total when the last of its counted likes was given: the log's event
    ids order likes exactly, even several in one second.
    """
    rows = await db.fetch_all(
        "SELECT likes.entry_id, count(DISTINCT likes.voter) AS likes, max(events.id) AS reached"
        " FROM counted_likes AS likes JOIN entries ON entries.id = likes.entry_id"
        " JOIN like_events AS events ON events.entry_id = likes.entry_id"
        "  AND events.voter = likes.voter AND events.action = 'like'"
        " WHERE entries.contest_id = ? AND entries.status = 'approved' GROUP BY likes.entry_id"
        " ORDER BY likes DESC, reached, likes.entry_id LIMIT 1",
        (contest_id,),
    )
    return rows[0]["entry_id"] if rows else None


def counts_outside(settings: ContestSettings) -> bool:
    """Whether People's Choice counts the likes read from a social network."""
    return settings.peoples_choice_basis == "external"


def peoples_choice_rule(settings: ContestSettings) -> Message:
    """How People's Choice is decided under the contest's basis, in words."""
    if counts_outside(settings):
        return N_(
            "the most likes on %(network)s at each photo's latest reading; a tie goes to the"
            " photo whose readings showed that total first",
            network=settings.external_network,
        )
    return PEOPLES_CHOICE_RULE


def peoples_choice_award(settings: ContestSettings) -> Message:
    """What People's Choice rewards, in a list of awards: "the most liked photo"."""
    if counts_outside(settings):
        return N_("the photo with the most likes on %(network)s", network=settings.external_network)
    return N_("the most liked photo")


def peoples_choice_basis(settings: ContestSettings) -> Message:
    """What People's Choice counts, for a report: "likes on Instagram: the latest reading…"."""
    if counts_outside(settings):
        return N_(
            "likes on %(network)s: the latest reading of each photo, typed in by organizers,"
            " decides; likes on this site are shown but do not count",
            network=settings.external_network,
        )
    return N_("likes on this site, one per voter per photo")


def peoples_choice_note(settings: ContestSettings) -> Message:
    """How People's Choice was decided, for organizers: the likes it counts and the rule."""
    if counts_outside(settings):
        return N_(
            "Decided by %(network)s likes: %(rule)s.",
            network=settings.external_network,
            rule=peoples_choice_rule(settings),
        )
    return N_("Decided by public likes: %(rule)s.", rule=peoples_choice_rule(settings))


def peoples_choice_wording(settings: ContestSettings) -> str:
    """What the award was for, naming the count it used: "Most likes", "Most Facebook likes"."""
    if counts_outside(settings):
        return N_("Most %(network)s likes", network=settings.external_network)
    return N_("Most likes")


async def outside_tallies(db: Database, contest_id: int) -> dict[int, int]:
    """The latest outside reading per approved entry of the contest (entries never read left
    out)."""
    rows = await db.fetch_all(
        "SELECT entries.id, readings.likes FROM entries"  # noqa: S608 - fixed SQL
        " JOIN external_like_readings AS readings ON readings.entry_id = entries.id"
        f" WHERE entries.contest_id = ? AND entries.status = 'approved' AND {LATEST_READING}",
        (contest_id,),
    )
    return {row["id"]: row["likes"] for row in rows}


async def peoples_choice_outside(db: Database, contest_id: int) -> int | None:
    """The entry with the most outside likes at its latest reading (none with 0); a tie goes
    to the one whose readings showed that total first, then to the earlier entry."""
    rows = await db.fetch_all(
        "SELECT entries.id, readings.likes,"  # noqa: S608 - fixed SQL
        " (SELECT min(earlier.read_at) FROM external_like_readings AS earlier"
        "   WHERE earlier.entry_id = entries.id AND earlier.likes >= readings.likes) AS reached"
        " FROM entries JOIN external_like_readings AS readings ON readings.entry_id = entries.id"
        f" WHERE entries.contest_id = ? AND entries.status = 'approved' AND {LATEST_READING}"
        " AND readings.likes > 0 ORDER BY readings.likes DESC, reached, entries.id LIMIT 1",
        (contest_id,),
    )
    return rows[0]["id"] if rows else None


async def peoples_choice_for(db: Database, contest: Contest) -> int | None:
    """People's Choice under the contest's basis: likes on this site or the latest outside
    readings."""
    if counts_outside(contest.settings):
        return await peoples_choice_outside(db, contest.id)
    return await peoples_choice(db, contest.id)
