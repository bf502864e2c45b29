import pytest

from contest.core.errors import ValidationError
from contest.voting.email_voters import normalize_voter_email, sign_voter, verified_voter, voter_key


@pytest.mark.parametrize(
    ("typed", "mailbox"),
    [
        ("Ann.Lee+contest@Gmail.com", "annlee@gmail.com"),
        ("a.n.n.lee@googlemail.com", "annlee@gmail.com"),
        ("ann.lee+x@uni.edu", "ann.lee@uni.edu"),
        (" ANN@UNI.EDU ", "ann@uni.edu"),
    ],
)
def test_aliases_of_one_mailbox_are_one_voter(typed: str, mailbox: str) -> None:
    assert normalize_voter_email(typed) == mailbox


@pytest.mark.parametrize(
    "address", ["x@mailinator.com", "y@yopmail.com", "z@eu.mailinator.com", "nope"]
)
def test_throw_away_and_bad_addresses_are_refused(address: str) -> None:
    with pytest.raises(ValidationError):
        normalize_voter_email(address)


def test_voter_key_hides_the_address_and_the_cookie_cannot_be_forged() -> None:
    key = voter_key("secret", "ann@uni.edu")
    assert "ann" not in key and key == voter_key("secret", "ann@uni.edu")
    cookie = sign_voter("secret", 7, key)
    assert verified_voter("secret", cookie, 7) == key
    assert verified_voter("secret", cookie, 8) is None
    assert verified_voter("other-secret", cookie, 7) is None
    forged = cookie.replace(key, voter_key("secret", "bob@uni.edu"))
    assert verified_voter("secret", forged, 7) is None


@pytest.mark.parametrize("cookie", ["²|key|mac", "7|key|mäc", "7|key|\udcff"])
def test_a_cookie_with_odd_characters_is_simply_not_a_voter(cookie: str) -> None:
    assert verified_voter("secret", cookie, 7) is None
