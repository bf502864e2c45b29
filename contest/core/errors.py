"""One family of exceptions, each carrying the HTTP status that describes it.

Their messages are the site's sentences (``contest.i18n.N_``: a message id and its
parameters), written in English here and translated into the reader's language where they are
shown."""

from __future__ import annotations

from collections.abc import Mapping

from contest.i18n import N_, Message, Nn_


class ContestError(Exception):
    """Something the user can be told about; the base of the family."""

    status_code = 400
    title: Message = N_("That request could not be handled")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.title)
        self.message: str = message or self.title


class BadRequest(ContestError):
    """The request itself was malformed."""


class ValidationError(ContestError):
    """Form input broke a rule; ``errors`` maps each field to what is wrong with it."""

    status_code = 400
    title = N_("Some fields need another look")

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(str.__str__(error) for error in errors.values()) or self.title)
        self.errors = dict(errors)


class NotSignedIn(ContestError):
    """The page needs an account."""

    status_code = 401
    title = N_("Please sign in to continue")


class Forbidden(ContestError):
    """Signed in, but this is not yours to see or do."""

    status_code = 403
    title = N_("You don't have permission to do that")


class NotFound(ContestError):
    """Nothing lives at that address."""

    status_code = 404
    title = N_("We couldn't find that page")


class Conflict(ContestError):
    """The request clashes with what is already there."""

    status_code = 409
    title = N_("That clashes with something that already exists")


class Gone(ContestError):
    """A link that has expired or was already used."""

    status_code = 410
    title = N_("That link has expired or was already used")


class PayloadTooLarge(ContestError):
    """The request body is over the configured limit."""

    status_code = 413
    title = N_("That upload is too large")


class RateLimited(ContestError):
    """Too many attempts; try again after ``retry_after`` seconds."""

    status_code = 429
    title = N_("Too many attempts")

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            message
            or Nn_(
                "Too many attempts. Please wait %(count)d minute and try again.",
                "Too many attempts. Please wait %(count)d minutes and try again.",
                minutes,
            )
        )
        self.retry_after = retry_after


class Unavailable(ContestError):
    """The database is busy (locked by another process); try again after ``retry_after``."""

    status_code = 503
    title = N_("The site is busy for a moment. Please try again in a few seconds.")

    def __init__(self, retry_after: int = 5, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InsufficientStorage(ContestError):
    """The server's disk is (nearly) full; nothing was stored. Try again after ``retry_after``."""

    status_code = 507
    title = N_(
        "The site is out of storage space for the moment, so nothing was saved. The problem"
        " has been logged; please try again later."
    )

    def __init__(self, retry_after: int = 60, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
