"""The OpenID provider the campus sign-in tests talk to (tests/oidc/provider.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.oidc.provider import OidcProvider, running_provider


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """One provider for the whole run (about a second to start): skipped without Node or
    node_modules/oidc-provider, failed instead with CONTEST_REQUIRE_OIDC=1."""
    with running_provider() as provider:
        yield provider
