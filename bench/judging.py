"""Benchmark judging in rounds at the size of the largest photo contests.

Run: .venv/bin/python bench/judging.py [--database postgresql://...]   (last line: JSON)

Builds, through the domain (accounts, the contest store, the entry store and moderation, as
the site does; no hand-written SQL), a contest of 20,000 approved entries from 2,000
participants and a panel of 30 jurors, then:

- opens a yes/no round with quorum 3 (60,000 tasks) and times the assignment;
- lets the 30 jurors work at once, each asking for their next photo, looking at it (a random
  pause of up to half a second: a fast juror with one key per decision) and saving a
  decision, 100 times (3,000 of each), and gives the median and p99 of each call's time;
  then the jurors finish the round with no pause at all, which shows how many decisions a
  second the site takes;
- times the close of the complete round with its advance preview (every threshold and a top
  50), advancing the photos every juror kept;
- runs a rating round (stars, quorum 3) on those, advancing the top 50;
- opens a ranking round on them for 10 jurors, lets each order them, and times the Schulze
  ranking of the 50 by the 10 (through ``closing.final_order``, which reads the orders from
  the database, and the method alone).

Goals (issue #19): next photo and save p99 under 20 ms, assignment under 5 s, close and
preview under 2 s, Schulze under 100 ms. The times are the use cases' own, measured in the
process that serves them (the HTTP layer on top adds the same few hundred microseconds to
any page). The machine has two cores; the 30 jurors share one event loop and the database's
one writer, as they would share a worker.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import TypeVar

import anyio
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contest.accounts import users  # noqa: E402
from contest.accounts.users import User  # noqa: E402
from contest.contests import store as contest_store  # noqa: E402
from contest.contests.model import ContestSettings, Criterion  # noqa: E402
from contest.contests.phases import Schedule  # noqa: E402
from contest.core.db import Database  # noqa: E402
from contest.core.security import Passwords  # noqa: E402
from contest.core.storage import LocalStorage  # noqa: E402
from contest.entries import moderation  # noqa: E402
from contest.entries import store as entry_store  # noqa: E402
from contest.entries.text import EntryText  # noqa: E402
from contest.judging.rounds import closing, juror, setup  # noqa: E402
from contest.judging.rounds.model import MAX_RANKED, AdvanceRule  # noqa: E402
from contest.judging.rounds.schulze import schulze  # noqa: E402
from contest.media.photos import process_upload  # noqa: E402

ENTRIES = 20_000
PER_PARTICIPANT = 10
JURORS = 30
QUORUM = 3
DECISIONS_EACH = 100
#: Up to how long a juror looks at a photo before deciding (a random share of it): a yes/no
#: with one key takes a fast juror about a quarter of a second on average.
LOOK_SECONDS = 0.5
RANKED = 50
RANKING_JURORS = 10
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"  # noqa: S105 - the bench's own throw-away accounts
DAY = timedelta(days=1)
T = TypeVar("T")
#: How a juror picks a decision (the bench's stand-in for their eye).
Choose = Callable[[random.Random], float]


async def timed(work: Awaitable[T]) -> tuple[T, float]:
    """The result and the seconds it took."""
    started = time.perf_counter()
    result = await work
    return result, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def photo(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((64, 48), 20 + seed * 7).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


async def account(db: Database, passwords: Passwords, email: str, role: str) -> User:
    user_id = await users.create_user(
        db,
        passwords,
        email=email,
        display_name=email.split("@")[0],
        password=PASSWORD,
        role=role,
        affiliation="student",
        now=NOW,
    )
    return User.from_row(await users.get_user_row(db, user_id))


async def build(db: Database, media: Path, entries: int) -> tuple[object, User, list[User]]:
    """The contest, its organizer and its jurors; ``entries`` submitted and approved."""
    passwords = Passwords(fast=True)
    organizer = await account(db, passwords, "organizer@bench.example", "organizer")
    settings = ContestSettings(
        title="Monuments of the campus",
        theme="The campus's buildings",
        description_md="",
        rules_md="",
        hashtag="CampusMonuments",
        timezone="UTC",
        eligible_affiliations=("student", "staff"),
        max_entries_per_participant=PER_PARTICIPANT,
        schedule=Schedule(
            submissions_open=NOW - DAY,
            submissions_close=NOW + DAY,
            judging_open=NOW + 2 * DAY,
            judging_close=NOW + 9 * DAY,
            voting_open=NOW + 2 * DAY,
            voting_close=NOW + 9 * DAY,
            results_at=NOW + 10 * DAY,
        ),
        categories=(),
        criteria=(Criterion("Composition", 1),),
        is_published=True,
        min_judges_per_entry=1,
    )
    contest = await contest_store.create_contest(db, settings, created_by=organizer.id, now=NOW)
    jurors = []
    for number in range(JURORS):
        judge = await account(db, passwords, f"juror{number}@bench.example", "judge")
        await contest_store.assign_judge(db, contest_id=contest.id, user_id=judge.id)
        jurors.append(judge)
    storage = LocalStorage(media)
    limiter = anyio.CapacityLimiter(2)
    photos = [await process_upload(storage, photo(n), limiter=limiter) for n in range(10)]
    choices = entry_store.Choices(category_id=None, licence="contest")
    ids: list[int] = []
    for person in range(entries // PER_PARTICIPANT):
        author = await account(db, passwords, f"p{person}@bench.example", "participant")
        for n in range(PER_PARTICIPANT):
            text = EntryText(f"Monument {person}-{n}", "", "", ("CampusMonuments",))
            ids.append(
                await entry_store.submit_entry(
                    db,
                    contest=contest,
                    user=author,
                    text=text,
                    choices=choices,
                    photo=photos[n],
                    now=NOW,
                )
            )
    for start in range(0, len(ids), 1000):
        await moderation.moderate(
            db,
            contest=contest,
            entry_ids=ids[start : start + 1000],
            action="approve",
            reason="",
            moderator=organizer,
            now=NOW,
        )
    return contest, organizer, jurors


async def work(
    db: Database,
    round_: object,
    jurors: list[User],
    *,
    decisions: int,
    pause: float,
    choose: Choose,
) -> tuple[list[float], list[float], float]:
    """Every juror at once: next photo, a look at it for up to ``pause`` seconds (a random
    share of it), a decision; ``decisions`` times each. The calls' seconds, and the whole
    run's."""
    next_times: list[float] = []
    save_times: list[float] = []
    pick = random.Random(7)

    async def one(person: User) -> None:
        for _ in range(decisions):
            task, took = await timed(juror.next_task(db, round_, person))  # type: ignore[arg-type]
            next_times.append(took)
            if task is None:  # a quick try with few photos: this juror is done
                return
            if pause:
                await asyncio.sleep(pick.uniform(0, pause))
            value = choose(pick)
            _, took = await timed(juror.decide(db, round_, person, task.id, value, NOW))  # type: ignore[arg-type]
            save_times.append(took)

    _, seconds = await timed(asyncio.gather(*(one(person) for person in jurors)))
    return next_times, save_times, seconds


async def rank_all(db: Database, ranking: object, jurors: list[User]) -> None:
    pick = random.Random(11)
    for person in jurors:
        tasks = [
            int(row["id"])
            for row in await db.fetch_all(
                "SELECT id FROM round_tasks WHERE round_id = ? AND juror_id = ?",
                (ranking.id, person.id),  # type: ignore[attr-defined]
            )
        ]
        pick.shuffle(tasks)
        await juror.rank(db, ranking, person, tasks, NOW)  # type: ignore[arg-type]


def plan(kind: str, quorum: int, jurors: list[User]) -> setup.RoundPlan:
    return setup.RoundPlan(
        kind=kind,
        quorum=quorum,
        jurors=tuple(person.id for person in jurors),
        opens_at=NOW,
        closes_at=NOW + 7 * DAY,
    )


def yes_thirty_percent(pick: random.Random) -> float:
    return float(pick.random() < 0.3)


def stars(pick: random.Random) -> float:
    return float(pick.randint(1, 5))


async def finish(db: Database, round_: object, jurors: list[User], choose: Choose) -> float:
    """Every juror decides all they have left, as fast as the server answers; decisions/s."""
    made, seconds = 0, 0.0
    while True:
        _, saves, took = await work(db, round_, jurors, decisions=10**9, pause=0, choose=choose)
        made, seconds = made + len(saves), seconds + took
        if not saves:
            return made / seconds if seconds else 0.0


async def run(target: str, media: Path, entries: int) -> dict[str, object]:
    db = await Database.open(target)
    try:
        (contest, organizer, jurors), built = await timed(build(db, media, entries))
        print(f"built {entries} approved entries and {JURORS} jurors in {built:.0f} s")

        def opening(kind: str, quorum: int, who: list[User]) -> Awaitable[setup.Opened]:
            return setup.open_round(
                db,
                contest=contest,
                plan=plan(kind, quorum, who),
                actor=organizer,
                now=NOW,  # type: ignore[arg-type]
            )

        # Round 1: yes/no, quorum 3, over every photo.
        opened, assigning = await timed(opening("yes_no", QUORUM, jurors))
        print(
            f"round 1, yes/no, quorum {QUORUM}: {opened.tasks} tasks assigned in"
            f" {assigning:.2f} s ({len(opened.short)} photos short of jurors)"
        )
        next_times, save_times, _ = await work(
            db,
            opened.round,
            jurors,
            decisions=DECISIONS_EACH,
            pause=LOOK_SECONDS,
            choose=yes_thirty_percent,
        )
        figures = {
            name: (1000 * median(times), 1000 * percentile(times, 0.99))
            for name, times in (("next", next_times), ("save", save_times))
        }
        for name, (mid, p99) in figures.items():
            print(
                "  next photo" if name == "next" else "  save decision",
                f"({JURORS} jurors at once, a look of up to {LOOK_SECONDS} s at each photo,"
                f" {len(next_times)} calls): median {mid:.2f} ms, p99 {p99:.2f} ms",
            )
        rate = await finish(db, opened.round, jurors, yes_thirty_percent)
        print(
            f"  the rest of the round decided flat out (no look at all): {rate:.0f} decisions/s"
            " (every save waits for the others': the database has one writer)"
        )
        first = opened.round

        async def close_with_preview() -> tuple[closing.Preview, tuple[int, ...]]:
            shown = await closing.preview(db, first, top_n=RANKED)
            rule = AdvanceRule("threshold", QUORUM)  # every juror said yes
            return shown, await closing.close(db, first, rule=rule, actor=organizer, now=NOW)

        (shown, advanced), closing_time = await timed(close_with_preview())
        print(
            f"  close with the advance preview: {closing_time:.2f} s ({len(shown.standings)}"
            f" photos, thresholds {list(shown.thresholds)}; {len(advanced)} advanced)"
        )
        # Round 2: rating by stars, quorum 3, on what every juror kept; top 50 go on.
        rating = await opening("rating", QUORUM, jurors)
        await finish(db, rating.round, jurors, stars)
        cut = (await closing.preview(db, rating.round, top_n=RANKED)).top
        assert cut is not None
        keep_ties = cut.with_ties <= MAX_RANKED
        await closing.close(
            db,
            rating.round,
            rule=AdvanceRule("top", RANKED, with_ties=keep_ties),
            actor=organizer,
            now=NOW,
        )
        print(
            f"round 2, rating: {rating.entries} photos; the top {RANKED} go on"
            f" ({cut.with_ties if keep_ties else cut.without_ties}, ties at the cut"
            f" {'kept' if keep_ties else 'left out'})"
        )
        # Round 3: ranking by 10 jurors, combined by Schulze.
        ranking = await opening("ranking", RANKING_JURORS, jurors[:RANKING_JURORS])
        await rank_all(db, ranking.round, jurors[:RANKING_JURORS])
        result, through_db = await timed(closing.final_order(db, ranking.round))
        fifty = list(range(1, RANKED + 1))
        ballots = []
        for number in range(RANKING_JURORS):
            order = fifty[:]
            random.Random(number).shuffle(order)
            ballots.append([[entry] for entry in order])
        started = time.perf_counter()
        schulze(fifty, ballots)
        alone = time.perf_counter() - started
        print(
            f"round 3, ranking: Schulze over {len(result.candidates)} photos by"
            f" {RANKING_JURORS} jurors: {1000 * through_db:.1f} ms with the orders read from"
            f" the database; the method alone on exactly {RANKED} photos and {RANKING_JURORS}"
            f" orders: {1000 * alone:.1f} ms"
        )
    finally:
        await db.close()
    return {
        "entries": entries,
        "tasks": opened.tasks,
        "assign_s": round(assigning, 3),
        "next_median_ms": round(figures["next"][0], 2),
        "next_p99_ms": round(figures["next"][1], 2),
        "save_median_ms": round(figures["save"][0], 2),
        "save_p99_ms": round(figures["save"][1], 2),
        "flat_out_decisions_per_s": round(rate),
        "close_preview_s": round(closing_time, 3),
        "ranked": len(result.candidates),
        "schulze_ms": round(1000 * through_db, 1),
        "schulze_method_ms": round(1000 * alone, 1),
        "goals_met": (
            assigning < 5
            and figures["next"][1] < 20
            and figures["save"][1] < 20
            and closing_time < 2
            and through_db < 0.1
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", help="a postgresql:// URL (default: a SQLite file)")
    parser.add_argument("--entries", type=int, default=ENTRIES, help="for a quick try")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        target = args.database or str(Path(folder) / "judging.db")
        summary = asyncio.run(run(target, Path(folder) / "media", args.entries))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
