"""Application settings: one frozen Config with documented defaults, read only when asked."""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from contest.core.outbox import SmtpSettings

MEGABYTE = 1024 * 1024

#: Environment variables understood by :meth:`Config.from_environ`, with what each sets.
ENVIRONMENT = {
    "CONTEST_DATA_DIR": "folder for the database, the secret key and media (default ./var)",
    "CONTEST_DATABASE": "SQLite database file (default DATA_DIR/contest.db)",
    "CONTEST_MEDIA_DIR": "folder for photo files (default DATA_DIR/media)",
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
}


@dataclass(frozen=True)
class Config:
    """Everything the application needs to know about its surroundings."""

    data_dir: Path = Path("var")
    database_path: Path | None = None
    media_dir: Path | None = None
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
    #: The media worker draws each approved entry's share card ahead of its first share.
    draw_cards_ahead: bool = True
    debug: bool = False

    @property
    def database(self) -> Path:
        """The SQLite database file."""
        return self.database_path or self.data_dir / "contest.db"

    @property
    def media(self) -> Path:
        """The folder that holds photo files."""
        return self.media_dir or self.data_dir / "media"

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
        return cls(
            data_dir=path("CONTEST_DATA_DIR") or Path("var"),
            database_path=path("CONTEST_DATABASE"),
            media_dir=path("CONTEST_MEDIA_DIR"),
            base_url=env.get("CONTEST_BASE_URL", cls.base_url),
            secret_key=env.get("CONTEST_SECRET_KEY") or None,
            allowed_hosts=hosts,
            default_timezone=env.get("CONTEST_TIMEZONE", "UTC"),
            max_body_bytes=int(float(env.get("CONTEST_MAX_UPLOAD_MB", "25")) * MEGABYTE),
            min_free_bytes=int(float(env.get("CONTEST_MIN_FREE_MB", "200")) * MEGABYTE),
            smtp=smtp,
            mail_from=env.get("CONTEST_MAIL_FROM", cls.mail_from),
            gallery_cache_seconds=float(env.get("CONTEST_GALLERY_CACHE_SECONDS", "1")),
            draw_cards_ahead=env.get("CONTEST_DRAW_CARDS_AHEAD", "1") != "0",
        )
