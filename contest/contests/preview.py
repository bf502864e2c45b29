"""Rehearsal: the moment an organizer previews a contest's pages at, chosen and signed.

The choice travels in a short-lived cookie signed with the site's secret (contest, moment,
expiry), so it cannot be forged or stretched; nothing about the contest is stored or changed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_skeleton

from contest.contests.model import Contest
from contest.contests.phases import PHASE_WORDS, REHEARSED_PHASES, Phase, moment_in, phase_at
from contest.core.clock import from_db, local_input_value, parse_local_input, to_db, zone
from contest.core.errors import ValidationError
from contest.core.security import texts_match
from contest.i18n import DEFAULT_LOCALE, N_, Message, current_locale

#: How long a preview lasts unless stopped.
PREVIEW_LIFETIME = timedelta(hours=2)
#: The longest typed date and time taken (``2027-03-12T10:00`` is 16 characters).
TYPED_MAX_LENGTH = 40
#: The choice that means "the date and time typed" rather than a phase's button.
TYPED = "at"


@dataclass(frozen=True)
class PreviewChoice:
    """A contest and the moment its pages are previewed at."""

    contest_id: int
    moment: datetime


def phase_moments(contest: Contest) -> dict[str, datetime]:
    """The moment each rehearsed phase's button previews (a moment inside that phase)."""
    schedule = contest.settings.schedule
    return {phase.value: moment_in(schedule, phase) for phase in REHEARSED_PHASES}


def chosen_moment(contest: Contest, *, phase: str, typed: str) -> datetime:
    """The moment a preview form asks for: a phase's button, or the date and time typed in the
    contest's time zone; ValidationError naming the field otherwise."""
    moments = phase_moments(contest)
    if phase in moments:
        return moments[phase]
    if phase != TYPED:
        raise ValidationError({"at": N_("Choose a phase, or type a date and time.")})
    if not typed.strip():
        raise ValidationError(
            {"at": N_("Type the date and time to preview, e.g. 2027-03-12 10:00.")}
        )
    if len(typed) > TYPED_MAX_LENGTH:
        raise ValidationError({"at": N_("That date and time is too long: use 2027-03-12 10:00.")})
    try:
        return parse_local_input(typed.replace(" ", "T", 1), contest.settings.timezone)
    except ValueError as error:
        raise ValidationError({"at": _not_a_moment(typed, str(error))}) from error


def _not_a_moment(typed: str, reason: str) -> Message:
    """Why a typed date and time is refused, naming the year range or the offset if that is
    what was wrong."""
    if "year" in reason:
        return N_(
            "“%(typed)s” is not a date and time: give a date between the years 2000 and 2200."
            " Use the form 2027-03-12 10:00.",
            typed=typed,
        )
    if "offset" in reason:
        return N_(
            "“%(typed)s” is not a date and time: give a local date and time without an offset."
            " Use the form 2027-03-12 10:00.",
            typed=typed,
        )
    return N_("“%(typed)s” is not a date and time. Use the form 2027-03-12 10:00.", typed=typed)


def _mac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), f"preview|{payload}".encode(), hashlib.sha256).hexdigest()


def sign_preview(secret: str, choice: PreviewChoice, *, now: datetime) -> str:
    """The cookie value for a preview, valid for PREVIEW_LIFETIME from ``now``."""
    payload = f"{choice.contest_id}|{to_db(choice.moment)}|{to_db(now + PREVIEW_LIFETIME)}"
    return f"{payload}|{_mac(secret, payload)}"


def read_preview(secret: str, cookie: str | None, *, now: datetime) -> PreviewChoice | None:
    """The preview a cookie names, if it is genuine and not expired."""
    if not cookie or cookie.count("|") != 3 or len(cookie) > 200:
        return None
    payload, mac = cookie.rsplit("|", 1)
    if not texts_match(_mac(secret, payload), mac):
        return None
    contest_text, moment_text, expires_text = payload.split("|")
    try:
        moment, expires = from_db(moment_text), from_db(expires_text)
    except ValueError:
        return None
    if not contest_text.isdigit() or expires <= now:
        return None
    return PreviewChoice(int(contest_text), moment)


def input_value(contest: Contest, moment: datetime) -> str:
    """The moment as the form's date-and-time field shows it, in the contest's zone."""
    return local_input_value(moment, contest.settings.timezone)


def describe(contest: Contest, moment: datetime) -> tuple[str, str]:
    """The moment as the banner writes it in the reader's language (``Tue 12 Mar 2027, 10:00``,
    ``2027年3月12日週五 10:00``) and its phase in words."""
    local = moment.astimezone(zone(contest.settings.timezone))
    locale = current_locale.get()
    if locale == DEFAULT_LOCALE:
        written = f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"
    else:
        written = f"{format_skeleton('yMMMdEEE', local, locale=locale)} {local:%H:%M}"
    return written, PHASE_WORDS[phase_at(contest.settings.schedule, moment)]


def is_results_phase(contest: Contest, moment: datetime) -> bool:
    """Whether the results are announced at that moment by the calendar."""
    return phase_at(contest.settings.schedule, moment) is Phase.RESULTS
