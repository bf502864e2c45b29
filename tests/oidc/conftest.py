"""The campus sign-in tests' site: real time (the provider's tokens carry it), the real
provider on localhost as its one campus provider, and a browser at the provider."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from contest.accounts.campus.providers import Provider
from contest.app import create_app
from contest.config import Config
from tests.conftest import FakeClock, Site
from tests.oidc.campus_pages import BASE
from tests.oidc.provider import OidcProvider


@pytest.fixture
def clock() -> FakeClock:
    """The real time: the provider's tokens carry it, and the site checks them against it."""
    return FakeClock(datetime.now(UTC))


@pytest.fixture
def campus(oidc_provider: OidcProvider) -> Provider:
    return oidc_provider.as_campus("Campus account")


@pytest.fixture
def config(tmp_path: Path, database_url: str | None, campus: Provider) -> Config:
    return Config(
        data_dir=tmp_path,
        database_url=database_url,
        base_url=BASE,
        secret_key="test-secret-key",
        draw_cards_ahead=False,
        campus_providers=(campus,),
    )


@pytest.fixture
def site(config: Config, clock: FakeClock) -> Iterator[Site]:
    app = create_app(config, clock=clock, fast_passwords=True)
    with TestClient(app, base_url=BASE) as client:
        yield Site(client, clock, config)


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    """The person's browser at the provider (its own cookies: the provider's session)."""
    with httpx.Client(timeout=10) as http:
        yield http
