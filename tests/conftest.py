"""Shared fixtures: an app per test with its own database, media folder and clock."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest
from starlette.testclient import TestClient

from contest.accounts.users import User, get_user_row
from contest.app import create_app
from contest.config import Config
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.voting.clicks import mailbox_key
from tests import postgres
from tests.oidc.provider import OidcProvider, running_provider

T = TypeVar("T")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, moment: datetime = START) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class Site:
    """A running app for one test: an HTTP client plus direct access to its database."""

    def __init__(self, client: TestClient, clock: FakeClock, config: Config) -> None:
        self.client = client
        self.clock = clock
        self.config = config

    @property
    def db(self) -> Database:
        return self.client.app.state.services.db  # type: ignore[attr-defined,no-any-return]

    @property
    def passwords(self) -> Passwords:
        return self.client.app.state.services.passwords  # type: ignore[attr-defined,no-any-return]

    @property
    def storage(self) -> LocalStorage:
        """The app's media storage (where the factories' photos go)."""
        return self.client.app.state.services.storage  # type: ignore[attr-defined,no-any-return]

    def run(self, work: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Run an async function on the app's event loop (where its database lives), e.g.
        ``site.run(add_contest, site.db, "voting", now=site.clock())``."""
        return self.client.portal.call(partial(work, *args, **kwargs))  # type: ignore[union-attr]

    def user(self, user_id: int) -> User:
        """The account with that id, as the domain's functions take it."""
        return User.from_row(self.run(get_user_row, self.db, user_id))

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Query the database as the app sees it."""
        return [dict(row) for row in self.run(self.db.fetch_all, sql, params)]

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        """Change the database behind the app's back (to set up a situation)."""

        async def work() -> None:
            async with self.db.transaction() as tx:
                await tx.execute(sql, params)

        self.run(work)

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.run(self.db.fetch_value, sql, params)

    def add_user(
        self,
        role: str = "participant",
        email: str = "pat@uni.edu",
        *,
        name: str = "Pat Lee",
        affiliation: str = "student",
        department: str = "CIVL",
        password: str = PASSWORD,
    ) -> int:
        from contest.accounts.users import create_user

        async def work() -> int:
            return await create_user(
                self.db,
                self.passwords,
                email=email,
                display_name=name,
                password=password,
                role=role,
                affiliation=affiliation,
                department=department,
                now=self.clock(),
            )

        return self.run(work)

    def csrf(self, path: str) -> str:
        """The CSRF token from the form on a page."""
        page = self.client.get(path)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match, f"no form token on {path} ({page.status_code})"
        return match.group(1)

    def post(self, path: str, data: dict[str, Any], *, form_page: str | None = None, **kw: Any):  # type: ignore[no-untyped-def]
        """Submit a form the way a browser would: with the token from its page."""
        token = self.csrf(form_page or path)
        return self.client.post(path, data={**data, "csrf_token": token}, **kw)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        response = self.post(
            "/sign-in", {"email": email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 303, response.text

    def voter_key(self, user_id: int) -> str:
        """The key an account's likes are stored under: its mailbox's, as email voters'."""
        email = self.value("SELECT email FROM users WHERE id = ?", (user_id,))
        secret = self.client.app.state.services.config.secret_key  # type: ignore[attr-defined]
        key = mailbox_key(secret, email)
        assert key is not None
        return key

    def sign_in_as(self, role: str, email: str | None = None) -> int:
        """Create an account with that role and sign in with it; return its id."""
        email = email or f"{role}@uni.edu"
        user_id = self.add_user(role, email, name=f"{role.title()} Person")
        self.sign_in(email)
        return user_id


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On PostgreSQL, skip the tests of SQLite's own machinery."""
    if postgres.on_postgres():
        skip = pytest.mark.skip(reason="tests SQLite itself; this run uses PostgreSQL")
        for item in items:
            if item.get_closest_marker("sqlite_only"):
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def postgres_template() -> Iterator[None]:
    """On PostgreSQL, the migrated template every test's database is copied from."""
    if postgres.on_postgres():
        postgres.make_template()
        yield
        postgres.drop_template()
    else:
        yield


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str | None]:
    """The test's own PostgreSQL database when the suite runs on PostgreSQL, else None."""
    if postgres.on_postgres():
        with postgres.fresh_database() as url:
            postgres.remember_media_folder(url, tmp_path / "media")
            yield url
    else:
        yield None


@pytest.fixture
def config(tmp_path: Path, database_url: str | None) -> Config:
    return Config(
        data_dir=tmp_path,
        database_url=database_url,
        base_url="http://testserver",
        secret_key="test-secret-key",
        draw_cards_ahead=False,  # tests that want it say so: it is CPU in the background
    )


@pytest.fixture
def client_address() -> tuple[str, int]:
    """Where the test client's requests come from (a test may say an IP address instead)."""
    return ("testclient", 50000)


@pytest.fixture
def site(config: Config, clock: FakeClock, client_address: tuple[str, int]) -> Iterator[Site]:
    app = create_app(config, clock=clock, fast_passwords=True)
    with TestClient(app, client=client_address) as client:
        yield Site(client, clock, config)


@pytest.fixture
async def db(tmp_path: Path, database_url: str | None) -> Any:
    database = await Database.open(database_url or tmp_path / "test.db")
    yield database
    await database.close()


@pytest.fixture
def passwords() -> Passwords:
    return Passwords(fast=True)


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    """A media folder of the test's own."""
    return LocalStorage(tmp_path / "media")


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """The real OpenID provider on localhost (tests/oidc/provider.py), one for the whole run
    (about a second to start): skipped without Node or node_modules/oidc-provider, failed
    instead with CONTEST_REQUIRE_OIDC=1."""
    with running_provider() as provider:
        yield provider
