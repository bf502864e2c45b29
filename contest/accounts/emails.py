"""Email addresses: their syntax, the one spelling we store, the mailbox behind aliases, and
throw-away domains.

Syntax is checked by the maintained ``email-validator`` (no DNS look-up), so internationalised
addresses such as ``reader@例子.中国`` are accepted. The stored spelling keeps a domain in its
Unicode form for people to read; the mailbox key uses its IDNA (``xn--``) form, so both
spellings of one domain are one mailbox. ASCII addresses keep exactly the keys they had."""

from __future__ import annotations

import functools
import re
import unicodedata

import disposable_email_domains
from email_validator import EmailNotValidError, ValidatedEmail, validate_email

from contest.i18n import N_

MAX_LENGTH = 254
MAX_LOCAL_LENGTH = 64
#: Deliberately narrower than RFC 5322 for the ASCII characters of the part before the @: no
#: commas, semicolons, quotes, brackets or slashes, which could turn one address into several
#: recipients or break a mail header. Letters of other scripts are left to email-validator.
_ASCII_LOCAL = re.compile(r"^[A-Za-z0-9._+'-]*$")
_ASCII_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
BAD_ADDRESS = N_("Enter an email address such as name@university.edu.")
GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
#: Disposable-mail services, from the community-kept list (a throw-away address makes one
#: person many voters); its allow-list names the look-alikes that are real providers.
DISPOSABLE_DOMAINS = frozenset(disposable_email_domains.blocklist) - frozenset(
    disposable_email_domains.allowlist
)


@functools.lru_cache(maxsize=4096)
def _validated(address: str) -> ValidatedEmail | None:
    """email-validator's reading of an address (syntax only, never DNS), or None if invalid."""
    try:
        return validate_email(address, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return None


def _local_error(local: str) -> bool:
    """Whether the part before the @ uses ASCII characters we refuse, or is too long."""
    ascii_only = "".join(character for character in local if character.isascii())
    return (
        not local
        or len(local) > MAX_LOCAL_LENGTH
        or not local[0].isalnum()
        or not _ASCII_LOCAL.match(ascii_only)
    )


def normalize_email(email: str) -> str:
    """The one spelling of an address we store and compare: trimmed, lower case, the domain in
    Unicode (``reader@xn--fsqu00a.xn--fiqs8s`` is stored as ``reader@例子.中国``)."""
    address = email.strip().lower()
    checked = _validated(address) if "@" in address else None
    if checked is None or checked.domain == address.rsplit("@", 1)[1]:
        return address
    return f"{address.rsplit('@', 1)[0]}@{checked.domain}"


def email_error(email: str) -> str | None:
    """What is wrong with an email address, or None."""
    if not email:
        return N_("Enter your email address.")
    if len(email) > MAX_LENGTH or "@" not in email or email != email.strip():
        return BAD_ADDRESS
    checked = _validated(email)
    if (
        checked is None
        or _local_error(email.rsplit("@", 1)[0])
        or not _ASCII_TLD.match(checked.ascii_domain.rsplit(".", 1)[-1].lower())
    ):
        return BAD_ADDRESS
    return None


def ascii_domain(domain: str) -> str:
    """A domain in its lower-case IDNA form (``例子.中国`` → ``xn--fsqu00a.xn--fiqs8s``); an ASCII
    domain (or one that cannot be encoded) only lower-cased."""
    domain = domain.strip().lower()
    if domain.isascii():
        return domain
    checked = _validated(f"a@{domain}")
    return checked.ascii_domain.lower() if checked else domain


def mailbox(address: str) -> str:
    """One spelling per mailbox of a valid address: lower case, no +alias, no dots in Gmail,
    the domain in IDNA form."""
    local, domain = address.strip().lower().rsplit("@", 1)
    local = unicodedata.normalize("NFC", local.split("+", 1)[0])
    domain = ascii_domain(domain)
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def is_throwaway(address: str) -> bool:
    """Whether the address belongs to a disposable-mail service (or one of its subdomains)."""
    labels = ascii_domain(address.strip().rsplit("@", 1)[-1]).split(".")
    return any(".".join(labels[i:]) in DISPOSABLE_DOMAINS for i in range(len(labels) - 1))
