"""Full-page screenshots of the site's main pages, phone and desktop, from a fresh demo.

Run: make screenshots   (or .venv/bin/python bench/screenshots.py [FOLDER], default
var/screenshots; the last line printed is a JSON summary)

In FOLDER it makes a fresh data folder (``data/``, replaced on each run) and seeds the demo
(``contest demo``). The demo's second contest, "Spring Light at the Library", is judging and
voting now: its judge scores every entry, its calendar moves a week earlier (so judging and
voting have closed and the announcement time has passed) and the demo organizer publishes the
results, all through the domain's own functions. A participant who has not entered yet is added
(the demo participants have used all their entries in the contest taking submissions). Then
``contest serve`` runs on a free port, and Chromium (Debian's, driven by Playwright) takes
``phone-NAME.png`` (390x844) and ``desktop-NAME.png`` (1366x900) of each page: home, contest,
gallery, entry and winners as a visitor, the entry form as the new participant, the results
and the dashboard as the demo organizer. The server is stopped however the run ends. A page
that does not answer 200 is taken all the same, listed, and makes the exit status 1.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from contest.accounts.users import User, create_user, get_user_row
from contest.config import Config
from contest.contests import store as contest_store
from contest.contests.calendar_shift import shift_by_days
from contest.contests.model import Contest
from contest.core.clock import utcnow
from contest.core.db import Database
from contest.core.security import Passwords
from contest.demo import contests as demo
from contest.judging import panel, results, winners

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
ORGANIZER = next(a for a in demo.DEMO_ACCOUNTS if a.role == "organizer")
NEWCOMER = ("newcomer@example.edu", "newcomer-demo", "Nia Newcomer")
STARTUP_SECONDS = 30.0


@dataclass(frozen=True)
class Site:
    """What the pages' addresses need: the finished contest and the one taking submissions."""

    finished_slug: str
    finished_id: int
    entry_id: int
    open_slug: str


def _contest_command() -> list[str]:
    script = Path(sys.executable).parent / "contest"
    return [str(script)] if script.exists() else [sys.executable, "-m", "contest.cli"]


def _free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


async def _user_by_email(db: Database, email: str) -> User:
    user_id = await db.fetch_value("SELECT id FROM users WHERE email = ?", (email,))
    return User.from_row(await get_user_row(db, int(user_id)))


async def _score_everything(db: Database, contest: Contest, judge: User) -> None:
    """The demo judge scores every approved entry, each a little differently."""
    criteria = await panel.criteria_of(db, contest.id)
    low, high = contest.settings.scale_min, contest.settings.scale_max
    now = utcnow()
    standings = (await results.compute(db, contest)).standings
    for index, standing in enumerate(standings):
        scores = {
            row["id"]: float(max(low, high - (index + position) % (high - low + 1)))
            for position, row in enumerate(criteria)
        }
        await panel.save_review(
            db,
            contest=contest,
            judge=judge,
            entry_id=standing.entry["id"],
            scores=scores,
            note="",
            now=now,
        )


async def _finish_contest(db: Database) -> Contest:
    """Score the judging demo contest, move its calendar a week back, publish its results."""
    contest = await contest_store.get_contest_by_slug(
        db, demo.JUDGING_SLUG, include_unpublished=True
    )
    organizer = await _user_by_email(db, ORGANIZER.email)
    if await results.published_at(db, contest.id) is None:
        if contest.schedule.judging_is_open(utcnow()):
            judge = await _user_by_email(db, "judge@example.edu")
            await _score_everything(db, contest, judge)
        days = (contest.schedule.results_at - utcnow()).days + 2
        if days > 0:
            contest = await contest_store.update_contest(
                db,
                contest.id,
                replace(
                    contest.settings,
                    schedule=shift_by_days(
                        contest.settings.schedule, -days, contest.settings.timezone
                    ),
                ),
                now=utcnow(),
                actor_id=organizer.id,
            )
        await results.publish(db, contest=contest, actor=organizer, now=utcnow())
    return contest


async def _prepare(config: Config) -> Site:
    db = await Database.open(config.database)
    try:
        finished = await _finish_contest(db)
        announced = await winners.public_winners(db, finished, now=utcnow())
        if not announced:
            raise RuntimeError("the finished demo contest shows no winners")
        await create_user(
            db,
            Passwords(),
            email=NEWCOMER[0],
            display_name=NEWCOMER[2],
            password=NEWCOMER[1],
            role="participant",
            affiliation="student",
            department="COMP",
            now=utcnow(),
        )
        return Site(finished.slug, finished.id, int(announced[0]["entry_id"]), demo.DEMO_SLUG)
    finally:
        await db.close()


def _wait_until_answering(server: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - our own http
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not answer {url} in {STARTUP_SECONDS:.0f} s")
        time.sleep(0.2)


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "/sign-in" in page.url:
        raise RuntimeError(f"could not sign in as {email}")


def _capture(
    browser: Browser, base_url: str, site: Site, folder: Path, failed: list[str]
) -> list[Path]:
    """Each page at each size; a page that does not answer 200 is taken all the same (it
    shows the error) and listed in ``failed``."""
    visitor_pages = {
        "home": "/",
        "contest": f"/contests/{site.finished_slug}",
        "gallery": f"/contests/{site.finished_slug}/gallery",
        "entry": f"/entries/{site.entry_id}",
        "winners": f"/contests/{site.finished_slug}/winners",
    }
    signed_in: list[tuple[tuple[str, str], dict[str, str]]] = [
        ((NEWCOMER[0], NEWCOMER[1]), {"entry-form": f"/contests/{site.open_slug}/enter"}),
        (
            (ORGANIZER.email, ORGANIZER.password),
            {
                "results": f"/manage/contests/{site.finished_id}/results",
                "dashboard": f"/manage/contests/{site.finished_id}/dashboard",
            },
        ),
    ]
    taken: list[Path] = []
    for size, options in VIEWPORTS.items():
        for account, pages in [(None, visitor_pages), *signed_in]:
            context = browser.new_context(base_url=base_url, **options)
            try:
                page = context.new_page()
                if account is not None:
                    _sign_in(page, *account)
                for name, path in pages.items():
                    answer = page.goto(path, wait_until="networkidle")
                    if answer is None or answer.status != 200:
                        status = answer.status if answer else "no answer"
                        failed.append(f"{size}-{name}: {path} answered {status}")
                    target = folder / f"{size}-{name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    taken.append(target)
            finally:
                context.close()
    return taken


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else ROOT / "var" / "screenshots").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    shutil.rmtree(data, ignore_errors=True)
    for old in folder.glob("*.png"):
        old.unlink()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = os.environ | {"CONTEST_DATA_DIR": str(data), "CONTEST_BASE_URL": base_url}
    env.pop("CONTEST_DATABASE", None)
    env.pop("CONTEST_MEDIA_DIR", None)
    command = _contest_command()
    subprocess.run([*command, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    site = asyncio.run(_prepare(Config.from_environ(env)))
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    failed: list[str] = []
    try:
        _wait_until_answering(server, base_url + "/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                taken = _capture(browser, base_url, site, folder, failed)
            finally:
                browser.close()
    finally:
        _stop(server)
        log.close()
    print(f"Screenshots in {folder}:")
    for path in taken:
        print(f"  {path.name}")
    summary: dict[str, Any] = {"screenshots": len(taken), "folder": str(folder)}
    if failed:
        print(f"Pages that did not answer 200 (the server's log is {folder / 'server.log'}):")
        for line in failed:
            print(f"  {line}")
        summary["failed"] = failed
    print(json.dumps(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
