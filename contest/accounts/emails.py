"""Email addresses: their syntax, the one spelling we store, the mailbox behind aliases, and
throw-away domains."""

from __future__ import annotations

import re

import disposable_email_domains

#: Deliberately narrower than RFC 5322: no commas, semicolons, quotes or brackets, which could
#: turn one address into several recipients or break a mail header.
_EMAIL = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9._+'-]{0,63})@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$"
)
GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
#: Disposable-mail services, from the community-kept list (a throw-away address makes one
#: person many voters); its allow-list names the look-alikes that are real providers.
DISPOSABLE_DOMAINS = frozenset(disposable_email_domains.blocklist) - frozenset(
    disposable_email_domains.allowlist
)


def normalize_email(email: str) -> str:
    """The one spelling of an address we store and compare: trimmed, lower case."""
    return email.strip().lower()


def email_error(email: str) -> str | None:
    """What is wrong with an email address, or None."""
    if not email:
        return "Enter your email address."
    if len(email) > 254 or not _EMAIL.match(email):
        return "Enter an email address such as name@university.edu."
    return None


def mailbox(address: str) -> str:
    """One spelling per mailbox of a valid address: lower case, no +alias, no dots in Gmail."""
    local, domain = address.strip().lower().rsplit("@", 1)
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def is_throwaway(address: str) -> bool:
    """Whether the address belongs to a disposable-mail service (or one of its subdomains)."""
    labels = address.strip().lower().rsplit("@", 1)[-1].split(".")
    return any(".".join(labels[i:]) in DISPOSABLE_DOMAINS for i in range(len(labels) - 1))
