"""Every organizer route is refused to participants, judges and visitors."""

import re

import pytest
from starlette.routing import Route

from contest.campaigns import drafts
from contest.campaigns.lists import MailingList
from contest.judging.rounds import setup
from contest.judging.rounds.setup import RoundPlan
from tests.conftest import Site
from tests.factories import DAY, add_account, add_contest, add_entry, add_judge


def organizer_routes(site: Site) -> list[tuple[str, str]]:
    """Every (method, path) under /manage, with ids filled in."""
    found = []
    for route in site.client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path.startswith("/manage"):
            path = re.sub(r"\{[a-z_]+:int\}", "1", route.path).replace("{fmt:str}", "csv")
            path = path.replace("{table:str}", "entries")
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    found.append((method, path))
    return found


@pytest.fixture
def routes(site: Site) -> list[tuple[str, str]]:
    async def create() -> None:
        contest = await add_contest(site.db, now=site.clock())
        await drafts.create_campaign(
            site.db,
            contest_id=contest.id,
            kind="voting",
            subject="Vote",
            body="Vote here: {link}",
            listing=MailingList(),
            author_id=None,
            now=site.clock(),
        )
        # A ranking round, so every page and download of a round has one to show.
        organizer = await add_account(
            site.db, site.passwords, email="round-org@uni.edu", role="organizer"
        )
        author = await add_account(site.db, site.passwords, email="round-author@uni.edu")
        await add_entry(site.db, site.storage, contest, author, moderator=organizer)
        juror = await add_judge(site.db, site.passwords, contest, email="round-juror@uni.edu")
        plan = RoundPlan("ranking", 1, (juror.id,), site.clock(), site.clock() + DAY)
        await setup.open_round(
            site.db, contest=contest, plan=plan, actor=organizer, now=site.clock()
        )
        async with site.db.transaction() as tx:  # the entry's mails: these tests count new ones
            await tx.execute("DELETE FROM outbox")

    site.run(create)
    found = organizer_routes(site)
    assert len(found) >= 10
    return found


@pytest.mark.parametrize("role", ["participant", "judge"])
def test_other_roles_get_403_on_every_organizer_route(
    site: Site, routes: list[tuple[str, str]], role: str
) -> None:
    site.sign_in_as(role)
    token = site.csrf("/")
    for method, path in routes:
        response = site.client.request(
            method,
            path,
            data={"csrf_token": token, "email": "x@uni.edu"} if method == "POST" else None,
        )
        assert response.status_code == 403, (method, path)
        assert "This page is for organizers" in response.text
    assert site.value("SELECT count(*) FROM invitations") == 0
    assert site.value("SELECT count(*) FROM outbox") == 0
    assert site.value("SELECT count(*) FROM contests") == 1


def test_visitors_are_sent_to_sign_in_or_refused(site: Site, routes: list[tuple[str, str]]) -> None:
    token = site.csrf("/sign-in")
    for method, path in routes:
        if method == "GET":
            response = site.client.get(path, follow_redirects=False)
            assert response.status_code == 303, path
            assert "/sign-in?next=" in response.headers["location"]
        else:
            response = site.client.post(path, data={"csrf_token": token})
            assert response.status_code == 401, path


def test_organizer_reaches_every_organizer_page(site: Site, routes: list[tuple[str, str]]) -> None:
    site.sign_in_as("organizer")
    for method, path in routes:
        if method == "GET":
            response = site.client.get(path)
            assert response.status_code == 200, path
            if response.headers["content-type"].startswith("text/html"):
                title = response.text.split("<title>")[1].split("</title>")[0]
                assert "<" not in title and title.strip(), (path, title)
