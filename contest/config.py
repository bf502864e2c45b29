"""Application settings: one frozen Config with documented defaults, read only when asked."""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from contest.accounts.campus.providers import Provider, providers_from_environ
from contest.core.db import is_postgres_url, sqlite_path
from contest.core.outbox import SmtpSettings
from contest.core.s3_storage import S3Settings

MEGABYTE = 1024 * 1024

#: Environment variables understood by :meth:`Config.from_environ`, with what each sets.
ENVIRONMENT = {
    "CONTEST_DATA_DIR": "folder for the database, the secret key and media (default ./var)",
    "CONTEST_DATABASE": "SQLite database file, or a postgresql://user:password@host/name URL"
    " (default DATA_DIR/contest.db)",
    "CONTEST_MEDIA_DIR": "folder for photo files (default DATA_DIR/media), or an S3-compatible"
    " bucket: s3://bucket/prefix",
    "CONTEST_MEDIA_PUBLIC_URL": "http(s) address (a CDN or the bucket's) that serves the photo"
    " files by key; pages link there instead of /media (default unset)",
    "AWS_ENDPOINT_URL": "S3-compatible server of an s3:// media bucket (default: AWS itself)",
    "AWS_ACCESS_KEY_ID": "access key of the media bucket (default: obstore's usual sources)",
    "AWS_SECRET_ACCESS_KEY": "secret key of the media bucket",
    "AWS_REGION": "region of the media bucket (default us-east-1)",
    "CONTEST_S3_ALLOW_HTTP": "1 to allow plain HTTP to the bucket (default: only for an"
    " http:// AWS_ENDPOINT_URL)",
    "CONTEST_BASE_URL": "public address used in absolute links (default http://127.0.0.1:8000)",
    "CONTEST_SECRET_KEY": "signing key; generated and kept in DATA_DIR/secret_key if unset",
    "CONTEST_ALLOWED_HOSTS": "comma-separated host names accepted (default: the base URL's host)",
    "CONTEST_TIMEZONE": "default time zone for new contests (default UTC)",
    "CONTEST_MAX_UPLOAD_MB": "largest upload accepted, in MB (default 25); other forms: 512 KB",
    "CONTEST_MIN_FREE_MB": "uploads are refused (507) below this free space on the media"
    " disk, in MB (default 200; 0 = no floor)",
    "CONTEST_SMTP_HOST": "mail server; without it mail waits in the outbox (default unset)",
    "CONTEST_SMTP_PORT": "mail server port (default 587)",
    "CONTEST_SMTP_USER": "mail server user name (default unset)",
    "CONTEST_SMTP_PASSWORD": "mail server password (default unset)",
    "CONTEST_SMTP_STARTTLS": "1 to use STARTTLS (default 1)",
    "CONTEST_MAIL_FROM": "sender address of outgoing mail (default contest@localhost)",
    "CONTEST_GALLERY_CACHE_SECONDS": "how stale gallery like counts may be (default 1; 0 = off)",
    "CONTEST_OIDC_PROVIDERS": "campus sign-in: comma-separated keys of OpenID Connect providers,"
    " each set by CONTEST_OIDC_<KEY>_ISSUER, _CLIENT_ID, _CLIENT_SECRET and optional _LABEL,"
    " _SCOPES, _AFFILIATION_CLAIM, _DEPARTMENT_CLAIM, _DOMAINS, _TRUST_EMAIL, _PROMPT"
    " (default: none)",
}


@dataclass(frozen=True)
class Config:
    """Everything the application needs to know about its surroundings."""

    data_dir: Path = Path("var")
    database_path: Path | None = None
    #: A PostgreSQL server's URL; when set, it is the database instead of a SQLite file.
    database_url: str | None = field(default=None, repr=False)
    media_dir: Path | None = None
    #: Photo files in an S3-compatible bucket instead of ``media_dir`` (s3:// CONTEST_MEDIA_DIR).
    media_s3: S3Settings | None = None
    #: Where pages link photo files: an http(s) address serving them by key (a CDN).
    media_public_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    secret_key: str | None = field(default=None, repr=False)
    allowed_hosts: tuple[str, ...] = ()
    default_timezone: str = "UTC"
    max_body_bytes: int = 25 * MEGABYTE
    #: Uploads are refused while the media folder's disk has less free space than this.
    min_free_bytes: int = 200 * MEGABYTE
    smtp: SmtpSettings | None = None
    mail_from: str = "contest@localhost"
    gallery_cache_seconds: float = 1.0
    #: The campus identity providers people may sign in with (``CONTEST_OIDC_*``).
    campus_providers: tuple[Provider, ...] = ()
    #: The media worker draws each approved entry's share card ahead of its first share.
    draw_cards_ahead: bool = True
    debug: bool = False

    @property
    def database(self) -> str | Path:
        """The database: a PostgreSQL URL, or the SQLite file."""
        return self.database_url or self.database_path or self.data_dir / "contest.db"

    @property
    def media(self) -> Path:
        """The folder that holds photo files (when they are not in a bucket)."""
        return self.media_dir or self.data_dir / "media"

    @property
    def media_location(self) -> Path | S3Settings:
        """Where photo files live: the bucket when one is set, else the folder."""
        return self.media_s3 or self.media

    def __post_init__(self) -> None:
        public = self.media_public_url
        if public is not None and urlsplit(public).scheme not in ("http", "https"):
            raise ValueError(f"CONTEST_MEDIA_PUBLIC_URL must be an http(s) address: {public!r}")

    @property
    def https(self) -> bool:
        """Whether the public address is served over TLS (cookies are then Secure)."""
        return urlsplit(self.base_url).scheme == "https"

    @property
    def hosts(self) -> tuple[str, ...]:
        """Host names the trusted-host check accepts."""
        if self.allowed_hosts:
            return self.allowed_hosts
        host = urlsplit(self.base_url).hostname or "127.0.0.1"
        return (host,) if host not in ("127.0.0.1", "localhost") else ("127.0.0.1", "localhost")

    def absolute_url(self, path: str) -> str:
        """The public address of a site path such as ``/contests/x``."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def with_secret_key(self) -> Config:
        """This config with a secret key: the given one, or one kept in the data folder."""
        if self.secret_key:
            return self
        key_file = self.data_dir / "secret_key"
        if key_file.exists():
            return dataclasses.replace(self, secret_key=key_file.read_text().strip())
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key)
        return dataclasses.replace(self, secret_key=key)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Build a Config from ``CONTEST_*`` environment variables (see ENVIRONMENT)."""
        env = os.environ if environ is None else environ

        def path(name: str) -> Path | None:
            value = env.get(name)
            return Path(value) if value else None

        smtp = None
        if env.get("CONTEST_SMTP_HOST"):
            smtp = SmtpSettings(
                host=env["CONTEST_SMTP_HOST"],
                port=int(env.get("CONTEST_SMTP_PORT", "587")),
                user=env.get("CONTEST_SMTP_USER") or None,
                password=env.get("CONTEST_SMTP_PASSWORD") or None,
                starttls=env.get("CONTEST_SMTP_STARTTLS", "1") != "0",
            )
        hosts = tuple(
            h.strip() for h in env.get("CONTEST_ALLOWED_HOSTS", "").split(",") if h.strip()
        )
        database = env.get("CONTEST_DATABASE", "")
        return cls(
            data_dir=path("CONTEST_DATA_DIR") or Path("var"),
            database_path=sqlite_path(database)
            if database and not is_postgres_url(database)
            else None,
            database_url=database if is_postgres_url(database) else None,
            media_dir=None if _is_bucket(env) else path("CONTEST_MEDIA_DIR"),
            media_s3=_media_bucket(env),
            media_public_url=env.get("CONTEST_MEDIA_PUBLIC_URL") or None,
            base_url=env.get("CONTEST_BASE_URL", cls.base_url),
            secret_key=env.get("CONTEST_SECRET_KEY") or None,
            allowed_hosts=hosts,
            default_timezone=env.get("CONTEST_TIMEZONE", "UTC"),
            max_body_bytes=int(float(env.get("CONTEST_MAX_UPLOAD_MB", "25")) * MEGABYTE),
            min_free_bytes=int(float(env.get("CONTEST_MIN_FREE_MB", "200")) * MEGABYTE),
            smtp=smtp,
            mail_from=env.get("CONTEST_MAIL_FROM", cls.mail_from),
            gallery_cache_seconds=float(env.get("CONTEST_GALLERY_CACHE_SECONDS", "1")),
            campus_providers=providers_from_environ(env),
            draw_cards_ahead=env.get("CONTEST_DRAW_CARDS_AHEAD", "1") != "0",
        )


def _is_bucket(env: Mapping[str, str]) -> bool:
    """Whether CONTEST_MEDIA_DIR names a bucket (s3://...) rather than a folder."""
    return env.get("CONTEST_MEDIA_DIR", "").startswith("s3://")


def _media_bucket(env: Mapping[str, str]) -> S3Settings | None:
    """The media bucket CONTEST_MEDIA_DIR names, with the usual AWS_* settings; None for a
    folder."""
    if not _is_bucket(env):
        return None
    allow_http = env.get("CONTEST_S3_ALLOW_HTTP")
    return S3Settings(
        url=env["CONTEST_MEDIA_DIR"],
        endpoint=env.get("AWS_ENDPOINT_URL") or None,
        access_key_id=env.get("AWS_ACCESS_KEY_ID") or None,
        secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
        region=env.get("AWS_REGION") or None,
        allow_http=None if allow_http is None else allow_http == "1",
    )
