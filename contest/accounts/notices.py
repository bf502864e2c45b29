"""The mails that tell an account's owner what someone tried with their address (a sign-up,
wrong passwords), written in the current locale: the caller renders them inside
``using_locale`` with the owner's language."""

from __future__ import annotations

from contest.i18n import N_, Nn_


def sign_up_notice(email: str, sign_in_link: str) -> tuple[str, str]:
    """The subject and body telling an address's owner that someone tried to sign up with it."""
    subject = str(N_("Someone tried to sign up with your address"))
    if sign_in_link:
        body = N_(
            "Hello,\n\nSomeone tried to sign up for the photo contests with your address"
            " (%(email)s), which already has an account, so no new account was made.\n\nIf it"
            " was you, sign in with your password, or reset your password there if you have"
            ' forgotten it ("Forgot your password?"):\n%(link)s\n\nIf it was not you, ignore'
            " this message: nothing has changed.\n",
            email=email,
            link=sign_in_link,
        )
    else:
        body = N_(
            "Hello,\n\nSomeone tried to sign up for the photo contests with your address"
            " (%(email)s), which already has an account, so no new account was made.\n\nIf it"
            " was you, sign in with your password, or reset your password there if you have"
            ' forgotten it ("Forgot your password?") on the site\'s sign-in page.\n\nIf it was'
            " not you, ignore this message: nothing has changed.\n",
            email=email,
        )
    return subject, str(body)


def lockout_notice(
    recipient: str, failures: int, minutes: int, sign_in_link: str
) -> tuple[str, str]:
    """The subject and body telling an account's owner that signing in from other browsers is
    paused after ``failures`` wrong passwords."""
    subject = str(N_("Someone tried to sign in to your account"))
    tried = Nn_(
        "Someone tried to sign in to your photo contest account (%(email)s) with a wrong"
        " password %(count)d time in a row.",
        "Someone tried to sign in to your photo contest account (%(email)s) with a wrong"
        " password %(count)d times in a row.",
        failures,
        email=recipient,
    )
    paused = Nn_(
        "To protect your account, signing in from other browsers is paused for %(count)d minute.",
        "To protect your account, signing in from other browsers is paused for %(count)d minutes.",
        minutes,
    )
    usual = N_(
        "Signing in from your usual browser (one where you have signed in before) still works."
    )
    if sign_in_link:
        advice = N_(
            "If it was you, just wait or use your usual browser. If it was not you, your"
            " password held; if you think someone may know it, choose a new one with"
            ' "Forgot your password?"\n%(link)s',
            link=sign_in_link,
        )
    else:
        advice = N_(
            "If it was you, just wait or use your usual browser. If it was not you, your"
            " password held; if you think someone may know it, choose a new one with"
            ' "Forgot your password?" on the sign-in page.'
        )
    hello = N_("Hello,")
    body = f"{hello}\n\n{tried}\n{paused}\n\n{usual}\n\n{advice}\n"
    return subject, body
