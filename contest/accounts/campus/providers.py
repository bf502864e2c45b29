"""The campus identity providers a site trusts, as its operator configures them.

Each provider is named by a short key (``CONTEST_OIDC_PROVIDERS=campus,alumni``) and set by
``CONTEST_OIDC_<KEY>_*`` variables: the issuer (discovery is read from it), the client id and
secret the campus registered for this site, the scopes, the sign-in button's label, and the
claims that carry a person's affiliation and department, which campuses name differently
(``eduPersonAffiliation`` under Shibboleth, a custom claim under Entra ID or Okta).

``DOMAINS`` keeps a provider to the campus's own addresses: a provider such as Google signs in
anyone with an account there, and "campus sign-in required" would mean nothing without it.
``TRUST_EMAIL`` is for a provider that never says an address is verified although it manages
the addresses itself (Entra ID for its own tenant): allowed only together with ``DOMAINS``.
``PROMPT=login`` makes the provider ask for the password at every sign-in (shared computers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: A provider's key: it is part of environment variable names and of the sign-in address.
KEY = re.compile(r"[a-z][a-z0-9]{0,19}")
#: Loopback issuers may use plain HTTP (a provider on the same machine, the tests' own);
#: every other issuer must use HTTPS, or tokens and codes would cross the network in clear.
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
#: Claim values that make a campus account staff; "student" makes it a student; anything
#: "alum" or "alumni" makes alumni; anything else (affiliate, member alone) "other".
STAFF_VALUES = frozenset({"staff", "faculty", "employee"})
STUDENT_VALUES = frozenset({"student"})
ALUMNI_VALUES = frozenset({"alum", "alumni"})


@dataclass(frozen=True)
class Provider:
    """One campus identity provider."""

    key: str
    label: str
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    scopes: str = "openid email profile"
    affiliation_claim: str = "affiliation"
    department_claim: str = "department"
    #: The campus's mail domains (lower-case): addresses elsewhere are refused (none: any).
    domains: tuple[str, ...] = ()
    #: Whether the provider's addresses count as verified without it saying so.
    trust_email: bool = False
    #: Sent as the request's ``prompt`` (``login``: the password at every sign-in).
    prompt: str | None = None

    def takes_address(self, email: str, hosted_domain: object = None) -> bool:
        """Whether an address (and Google's ``hd`` claim, when sent) is the campus's own."""
        if not self.domains:
            return True
        domain = email.rsplit("@", 1)[-1].lower()
        if hosted_domain is not None and str(hosted_domain).lower() not in self.domains:
            return False
        return any(domain == ours or domain.endswith(f".{ours}") for ours in self.domains)

    def affiliation(self, claims: Mapping[str, object]) -> str | None:
        """The site's affiliation for these claims (``staff``, ``student``, ``other``), or
        None when the provider sent no affiliation at all (the account keeps its own)."""
        values = {
            str(value).strip().lower() for value in _as_list(claims.get(self.affiliation_claim))
        }
        values = {value.split("@", 1)[0] for value in values if value}  # scoped: staff@uni.edu
        if not values:
            return None
        if values & STAFF_VALUES:
            return "staff"
        if values & STUDENT_VALUES:
            return "student"
        if values & ALUMNI_VALUES:
            return "alumni"
        return "other"

    def department(self, claims: Mapping[str, object]) -> str | None:
        """The department the provider sent, or None."""
        sent = claims.get(self.department_claim)
        values = [str(value).strip() for value in _as_list(sent) if str(value).strip()]
        return values[0] if values else None


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def providers_from_environ(env: Mapping[str, str]) -> tuple[Provider, ...]:
    """The providers ``CONTEST_OIDC_PROVIDERS`` names; ValueError saying which variable is
    missing or wrong (the site refuses to start rather than half-work)."""
    keys = [key.strip() for key in env.get("CONTEST_OIDC_PROVIDERS", "").split(",") if key.strip()]
    return tuple(_provider(key, env) for key in _checked_keys(keys))


def _checked_keys(keys: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for key in keys:
        if not KEY.fullmatch(key):
            raise ValueError(
                f"CONTEST_OIDC_PROVIDERS: {key!r} is not a provider key"
                " (lower-case letters and digits, starting with a letter, at most 20)"
            )
        if key in seen:
            raise ValueError(f"CONTEST_OIDC_PROVIDERS names {key!r} twice")
        seen.append(key)
    return seen


def _provider(key: str, env: Mapping[str, str]) -> Provider:
    prefix = f"CONTEST_OIDC_{key.upper()}_"

    def required(name: str) -> str:
        value = env.get(prefix + name, "").strip()
        if not value:
            raise ValueError(f"{prefix}{name} is not set (provider {key!r})")
        return value

    issuer = required("ISSUER")  # exactly as the provider names itself (a "/" included)
    check_issuer(issuer, f"{prefix}ISSUER")
    scopes = env.get(prefix + "SCOPES", "").strip() or "openid email profile"
    if "openid" not in scopes.split():
        raise ValueError(f"{prefix}SCOPES must include openid: {scopes!r}")
    domains = tuple(
        domain.strip().lower().lstrip("@")
        for domain in env.get(prefix + "DOMAINS", "").split(",")
        if domain.strip()
    )
    trust_email = env.get(prefix + "TRUST_EMAIL", "") == "1"
    if trust_email and not domains:
        raise ValueError(f"{prefix}TRUST_EMAIL=1 needs {prefix}DOMAINS: the campus's own domains")
    prompt = env.get(prefix + "PROMPT", "").strip() or None
    if prompt not in (None, "login", "select_account"):
        raise ValueError(f"{prefix}PROMPT may be login or select_account: {prompt!r}")
    return Provider(
        key=key,
        label=env.get(prefix + "LABEL", "").strip() or key.capitalize(),
        issuer=issuer,
        client_id=required("CLIENT_ID"),
        client_secret=required("CLIENT_SECRET"),
        scopes=scopes,
        affiliation_claim=env.get(prefix + "AFFILIATION_CLAIM", "").strip() or "affiliation",
        department_claim=env.get(prefix + "DEPARTMENT_CLAIM", "").strip() or "department",
        domains=domains,
        trust_email=trust_email,
        prompt=prompt,
    )


def check_issuer(issuer: str, name: str) -> None:
    """ValueError unless the issuer is an https address (or http on this machine)."""
    parts = urlsplit(issuer)
    local = parts.scheme == "http" and parts.hostname in LOOPBACK
    if not parts.hostname or not (parts.scheme == "https" or local):
        raise ValueError(f"{name} must be an https:// address (http only on this machine)")
