"""Email addresses: their syntax, the one spelling we store, the mailbox behind aliases, and
throw-away domains."""

from __future__ import annotations

import re

#: Deliberately narrower than RFC 5322: no commas, semicolons, quotes or brackets, which could
#: turn one address into several recipients or break a mail header.
_EMAIL = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9._+'-]{0,63})@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$"
)
GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
#: Common disposable-mail services; a throw-away address makes one person many voters.
DISPOSABLE_DOMAINS = frozenset(
    {
        "mailinator.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "sharklasers.com",
        "10minutemail.com",
        "10minutemail.net",
        "temp-mail.org",
        "tempmail.com",
        "tempmail.net",
        "yopmail.com",
        "yopmail.net",
        "trashmail.com",
        "getnada.com",
        "dispostable.com",
        "maildrop.cc",
        "throwawaymail.com",
        "fakeinbox.com",
        "mintemail.com",
        "mohmal.com",
        "emailondeck.com",
        "spamgourmet.com",
        "mailnesia.com",
        "tempr.email",
        "discard.email",
        "moakt.com",
        "burnermail.io",
        "inboxkitten.com",
        "mailcatch.com",
        "trashmail.de",
    }
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
    domain = address.strip().lower().rsplit("@", 1)[-1]
    return domain in DISPOSABLE_DOMAINS or any(domain.endswith("." + d) for d in DISPOSABLE_DOMAINS)
