"""The "done" notices a redirect carries to the next page: set by ``with_notice`` as a
short-lived cookie naming one of ``NOTICES`` (never text from a request), shown once by
``base.html`` and forgotten by ``rendering``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from contest.i18n import N_, Message
from contest.web.context import services, set_private_cookie

#: The "done" notices a redirect may carry to the next page (by key, so no text from a
#: request is ever shown): set by ``with_notice``, shown once by ``base.html``.
NOTICE_COOKIE = "contest_notice"
NOTICES: dict[str, Message] = {
    "moderated": N_("Done: the entries are moderated."),
    "replied": N_("Done: your reply is posted and mailed to the author."),
    "award_saved": N_("Done: the award is saved."),
    "published": N_("Done: the results are published."),
    "conflict_declared": N_("Done: the conflict is recorded and the entry has left your queue."),
    "reading_recorded": N_("Done: the reading is recorded; the latest reading counts."),
    "readings_imported": N_("Done: every reading of the file is recorded."),
    "logo_saved": N_("Done: the new logo is in the header of every page."),
    "logo_removed": N_("Done: the logo is removed; the header shows the site's name."),
    "cover_saved": N_("Done: the cover photo is saved."),
    "cover_removed": N_("Done: the contest has no cover photo now."),
    "preview_stopped": N_("Done: the preview is over; pages show the real time again."),
    "judges_invited": N_("Done: the list is sent; invitations wait in the outbox for the mail."),
    "participants_invited": N_("Done: the invitations are queued; each link works for 7 days."),
    "settings_saved": N_("Done: the settings are saved."),
    "scores_saved": N_("Done: your scores are saved."),
    "campus_linked": N_(
        "Done: your campus account is linked to this account; sign in with either from now on."
    ),
    "campus_other_account": N_(
        "That campus account was already linked to another account here: you are now signed"
        " in to that one."
    ),
    "round_undone": N_("Undone: the photo is back as it was before your last decision."),
    "round_nothing_to_undo": N_("There is nothing left to undo in this round."),
    "round_marked": N_("Done: your favourite and flag are saved."),
    "round_order_saved": N_("Done: your order is saved."),
    "round_conflict_moved": N_(
        "Done: your conflict is recorded, and the photo went to another juror."
    ),
    "round_conflict_kept": N_(
        "Done: your conflict is recorded. No other juror of the round may take the photo;"
        " the organizers see it is one juror short."
    ),
}
NOTICE_SECONDS = 60
#: Notices that report, rather than confirm something done: shown without the "done" colour.
PLAIN_NOTICES = frozenset({"round_nothing_to_undo", "round_conflict_kept"})


def with_notice(request: Request, response: Response, key: str) -> Response:
    """The response (a redirect) carrying one of ``NOTICES`` to the next page shown."""
    if key not in NOTICES:
        raise KeyError(f"unknown notice {key!r}")
    set_private_cookie(request, response, NOTICE_COOKIE, key, max_age=NOTICE_SECONDS)
    return response


def pending_notice(request: Request) -> Message | None:
    """The notice a redirect left for this page, if it names a known one."""
    return NOTICES.get(request.cookies.get(NOTICE_COOKIE, ""))


def pending_notice_is_plain(request: Request) -> bool:
    """Whether that notice reports rather than confirms (``PLAIN_NOTICES``)."""
    return request.cookies.get(NOTICE_COOKIE, "") in PLAIN_NOTICES


def clear_notice(request: Request, response: Response) -> None:
    """Forget the notice once a page has shown it."""
    if NOTICE_COOKIE in request.cookies:
        response.delete_cookie(
            NOTICE_COOKIE, httponly=True, samesite="lax", secure=services(request).config.https
        )
