"""Campus providers as the operator configures them, and the claims they send mapped to the
site's affiliation and department."""

from __future__ import annotations

import pytest

from contest.accounts.campus.providers import Provider, providers_from_environ
from contest.config import Config

GOOD = {
    "CONTEST_OIDC_PROVIDERS": "campus, alumni",
    "CONTEST_OIDC_CAMPUS_ISSUER": "https://login.uni.example/",
    "CONTEST_OIDC_CAMPUS_CLIENT_ID": "photo-contest",
    "CONTEST_OIDC_CAMPUS_CLIENT_SECRET": "s3cret",
    "CONTEST_OIDC_CAMPUS_LABEL": "HKU Portal",
    "CONTEST_OIDC_CAMPUS_AFFILIATION_CLAIM": "eduPersonAffiliation",
    "CONTEST_OIDC_ALUMNI_ISSUER": "http://127.0.0.1:5556",
    "CONTEST_OIDC_ALUMNI_CLIENT_ID": "contest",
    "CONTEST_OIDC_ALUMNI_CLIENT_SECRET": "other",
}


def test_each_provider_is_read_with_its_defaults_and_its_secret_kept_out_of_logs() -> None:
    campus, alumni = providers_from_environ(GOOD)
    assert (campus.key, campus.label, campus.issuer) == (
        "campus",
        "HKU Portal",
        "https://login.uni.example/",  # as the provider names itself, its "/" kept
    )
    assert (campus.scopes, campus.affiliation_claim, campus.department_claim) == (
        "openid email profile",
        "eduPersonAffiliation",
        "department",
    )
    assert (alumni.label, alumni.issuer) == ("Alumni", "http://127.0.0.1:5556")
    assert "s3cret" not in repr(campus)
    assert Config.from_environ(GOOD).campus_providers == (campus, alumni)
    assert providers_from_environ({}) == ()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"CONTEST_OIDC_PROVIDERS": "Campus"}, "is not a provider key"),
        ({"CONTEST_OIDC_PROVIDERS": "campus,campus"}, "names 'campus' twice"),
        ({"CONTEST_OIDC_CAMPUS_CLIENT_SECRET": ""}, "CONTEST_OIDC_CAMPUS_CLIENT_SECRET is not set"),
        ({"CONTEST_OIDC_CAMPUS_ISSUER": "http://login.uni.example"}, "must be an https://"),
        ({"CONTEST_OIDC_CAMPUS_SCOPES": "email profile"}, "must include openid"),
        ({"CONTEST_OIDC_CAMPUS_TRUST_EMAIL": "1"}, "TRUST_EMAIL=1 needs"),
        ({"CONTEST_OIDC_CAMPUS_PROMPT": "none"}, "PROMPT may be login or select_account"),
    ],
)
def test_a_wrong_setting_stops_the_site_naming_the_variable(
    change: dict[str, str], said: str
) -> None:
    with pytest.raises(ValueError, match=said):
        providers_from_environ(GOOD | change)


@pytest.mark.parametrize(
    ("sent", "affiliation"),
    [
        ("student", "student"),
        (["member", "student"], "student"),
        (["student", "staff"], "staff"),
        ("Faculty", "staff"),
        (["employee@uni.example"], "staff"),
        ("alum", "alumni"),
        ("affiliate", "other"),
        ([], None),
        (None, None),
    ],
)
def test_claims_map_to_the_sites_affiliation(sent: object, affiliation: str | None) -> None:
    provider = Provider("campus", "Campus", "https://x.example", "id", "secret")
    claims = {} if sent is None else {"affiliation": sent}
    assert provider.affiliation(claims) == affiliation


def test_the_department_is_the_first_one_sent() -> None:
    provider = Provider("c", "C", "https://x.example", "id", "s", department_claim="ou")
    assert provider.department({"ou": ["History", "Arts"]}) == "History"
    assert provider.department({"ou": "  "}) is None and provider.department({}) is None


def test_a_provider_kept_to_the_campus_domains_takes_only_their_addresses() -> None:
    [campus, _] = providers_from_environ(
        GOOD
        | {
            "CONTEST_OIDC_CAMPUS_DOMAINS": "hku.hk, @connect.hku.hk",
            "CONTEST_OIDC_CAMPUS_TRUST_EMAIL": "1",
            "CONTEST_OIDC_CAMPUS_PROMPT": "login",
        }
    )
    assert (campus.domains, campus.trust_email, campus.prompt) == (
        ("hku.hk", "connect.hku.hk"),
        True,
        "login",
    )
    assert campus.takes_address("mei@hku.hk") and campus.takes_address("mei@EEE.HKU.HK")
    assert not campus.takes_address("mei@gmail.com")
    assert not campus.takes_address("mei@nothku.hk")
    assert not campus.takes_address("mei@hku.hk", hosted_domain="gmail.com")
    assert Provider("c", "C", "https://x.example", "i", "s").takes_address("anyone@gmail.com")
