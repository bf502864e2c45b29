"""The pace anonymous browsers keep in device voting, and why a like was refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.core.clock import to_db
from contest.core.db import Connection
from contest.core.errors import RateLimited
from contest.i18n import N_


@dataclass(frozen=True)
class DeviceLimits:
    """The pace anonymous browsers must keep in device voting.

    A campus reaches the site from one address: many browsers, each liking a few photos at a
    person's pace. A script mints a new browser a second, or likes from one browser faster
    than anyone looks at photos. So the limits are on *new* browsers per address per minute
    and on likes per browser per minute; an hourly cap per address stays as a backstop, far
    above what a campus reaches. Only device likes count against them: accounts and email
    voters are people already, and a network listed as shared gets ten times the room.
    """

    new_devices_per_minute: int = 10
    likes_per_device_minute: int = 20
    likes_per_address_hour: int | None = 5000

    def shared(self) -> DeviceLimits:
        """The limits for a network the organizers listed as shared by many people."""
        return DeviceLimits(self.new_devices_per_minute * 10, self.likes_per_device_minute, None)


#: Why a like was refused, as the like review explains it to organizers.
REFUSAL_RULES = {
    "new_devices": N_("too many new browsers from one network address within a minute"),
    "device_pace": N_("one browser liking faster than a person looks at photos"),
    "address_hour": N_("the network address reached its hourly cap of anonymous likes"),
}


class LikeRefused(RateLimited):
    """A device like refused by one of the pace rules (``REFUSAL_RULES``), recorded for the
    like review."""

    def __init__(self, rule: str, retry_after: int, message: str) -> None:
        super().__init__(retry_after, message)
        self.rule = rule


def keep_device_pace(
    connection: Connection,
    *,
    device: str,
    address: str,
    limits: DeviceLimits,
    now: datetime,
) -> None:
    """Refuse (``LikeRefused``) an anonymous browser's like that breaks one of the
    ``DeviceLimits``, on the writer's thread inside the like's transaction."""
    minute_ago, at = to_db(now - timedelta(minutes=1)), to_db(now)
    known = connection.execute("SELECT 1 FROM devices WHERE device = ?", (device,)).fetchone()
    if known is None:
        (fresh,) = connection.execute(
            "SELECT count(*) FROM devices WHERE address = ? AND first_at > ?",
            (address, minute_ago),
        ).fetchone()
        if fresh >= limits.new_devices_per_minute:
            raise LikeRefused(
                rule="new_devices",
                retry_after=60,
                message=N_(
                    "Many new browsers are liking from your network just now."
                    " Please try again in a minute."
                ),
            )
        connection.execute(
            "INSERT INTO devices (device, address, first_at) VALUES (?, ?, ?)",
            (device, address, at),
        )
    (paced,) = connection.execute(
        "SELECT count(*) FROM likes WHERE voter = ? AND created_at > ?", (device, minute_ago)
    ).fetchone()
    if paced >= limits.likes_per_device_minute:
        raise LikeRefused(
            rule="device_pace",
            retry_after=60,
            message=N_("You are liking very fast. Please slow down a little."),
        )
    if limits.likes_per_address_hour is not None:
        (recent,) = connection.execute(
            "SELECT count(*) FROM likes WHERE address = ? AND created_at > ?"
            " AND voter LIKE 'device:%'",
            (address, to_db(now - timedelta(hours=1))),
        ).fetchone()
        if recent >= limits.likes_per_address_hour:
            raise LikeRefused(
                rule="address_hour",
                retry_after=3600,
                message=N_("Too many likes from your network in the last hour. Please try later."),
            )
