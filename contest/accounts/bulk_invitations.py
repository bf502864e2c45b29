"""Inviting many judges (to a contest's panel) or participants at once from a list: a preview
of what each row will do and of every bad row, then sending, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from contest.accounts import departments, invitations, site_settings
from contest.accounts.emails import mailbox
from contest.accounts.invitation_lists import FIELD, Person, Problem, list_readings, read_people
from contest.accounts.languages import mail_locale
from contest.accounts.users import User
from contest.core import audit_log
from contest.core.clock import from_db, to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import ValidationError
from contest.core.outbox import queue_mail
from contest.core.text_encodings import Reading
from contest.i18n import N_, Nn_, current_locale, known, using_locale, written_date

ROLES = ("judge", "participant")
#: What a row of the list does once sent.
INVITE = "invite"
JOIN_PANEL = "join_panel"
BECOME_JUDGE = "become_judge"
SKIP = "skip"


@dataclass(frozen=True)
class Step:
    """What sending does for one good row, in words for the preview."""

    person: Person
    action: str
    note: str
    user_id: int | None = None


@dataclass
class Plan:
    """The preview of a list: the steps of its good rows and its bad rows, by line."""

    role: str
    contest_id: int | None
    contest_title: str
    text: str
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: An uploaded file's text as read (first) and the other ways it reads; empty when pasted.
    readings: list[Reading] = field(default_factory=list)

    def count(self, action: str) -> int:
        """How many rows do that."""
        return sum(1 for step in self.steps if step.action == action)

    @property
    def to_send(self) -> int:
        """How many rows send a message (all but the skipped ones)."""
        return len(self.steps) - self.count(SKIP)

    @property
    def ready(self) -> bool:
        """Whether the list may be sent: no bad row, and someone to write to."""
        return not self.problems and self.to_send > 0


class BulkRefused(ValidationError):
    """A list with bad rows: nothing was sent; ``plan`` says what to fix."""

    def __init__(self, plan: Plan) -> None:
        count = len(plan.problems)
        refusal = Nn_(
            "Nothing was sent: %(count)d row of the list needs another look.",
            "Nothing was sent: %(count)d rows of the list need another look.",
            count,
        )
        super().__init__({FIELD: refusal})
        self.plan = plan


@dataclass(frozen=True)
class _Known:
    """What the database already holds about the list's mailboxes."""

    accounts: dict[str, Row]
    waiting: dict[str, datetime]
    panel: frozenset[int]
    entrants: frozenset[int]
    department_codes: dict[str, str]


def _marks(count: int) -> str:
    return ", ".join("?" * count)


async def _known(
    db: Database | Transaction,
    people: list[Person],
    *,
    role: str,
    contest_id: int | None,
    now: datetime,
) -> _Known:
    """The accounts, waiting invitations, panel and listed departments the rows meet."""
    boxes = [person.mailbox for person in people] or [""]
    emails = [person.email for person in people] or [""]
    rows = await db.fetch_all(
        f"SELECT * FROM users WHERE mailbox IN ({_marks(len(boxes))})"  # noqa: S608
        f" OR email IN ({_marks(len(emails))}) ORDER BY id",
        (*boxes, *emails),
    )
    accounts: dict[str, Row] = {}
    for row in rows:
        accounts.setdefault(str(row["mailbox"] or row["email"]), row)
        accounts.setdefault(str(row["email"]), row)
    pending = await db.fetch_all(
        "SELECT email, expires_at FROM invitations WHERE accepted_at IS NULL AND expires_at > ?"
        " AND role = ? AND coalesce(contest_id, 0) = ?",
        (to_db(now), role, contest_id or 0),
    )
    waiting = {mailbox(str(row["email"])): from_db(row["expires_at"]) for row in pending}
    panel = await db.fetch_all(
        "SELECT user_id FROM contest_judges WHERE contest_id = ?", (contest_id or 0,)
    )
    entrants = await db.fetch_all(
        "SELECT DISTINCT participant_id FROM entries WHERE contest_id = ?", (contest_id or 0,)
    )
    listed = await departments.list_departments(db)
    codes = {d.code: d.code for d in listed} | {
        departments.folded_name(d.name): d.code for d in listed
    }
    return _Known(
        accounts,
        waiting,
        frozenset(int(r["user_id"]) for r in panel),
        frozenset(int(r["participant_id"]) for r in entrants),
        codes,
    )


def _judge_step(person: Person, known: _Known) -> Step | str:
    """What a judge list's row does, or why it cannot."""
    account = known.accounts.get(person.mailbox) or known.accounts.get(person.email)
    if account is None:
        if person.mailbox in known.waiting:
            until = known.waiting[person.mailbox]
            return N_(
                "already invited to judge this contest (the link works until %(until)s)",
                until=written_date(until, current_locale.get()),
            )
        note = N_("no account yet: invited to judge, with a link to sign up")
        return Step(person, INVITE, note)
    user_id, role = int(account["id"]), account["role"]
    if account["disabled_at"] is not None:
        return N_("the account of %(email)s is disabled", email=account["email"])
    if role == "organizer":
        return N_("already an organizer (organizers do not sit on panels)")
    if role == "judge" and user_id in known.panel:
        return N_("already a judge of this contest")
    if role == "judge":
        note = N_("has a judge account: joins the panel and is told")
        return Step(person, JOIN_PANEL, note, user_id)
    if user_id in known.entrants:
        return N_("has an entry in this contest, so cannot judge it")
    note = N_("has a participant account: becomes a judge, joins the panel and is told")
    return Step(person, BECOME_JUDGE, note, user_id)


def _participant_step(person: Person, known: _Known) -> Step | str:
    """What a participant list's row does, or why it cannot."""
    account = known.accounts.get(person.mailbox) or known.accounts.get(person.email)
    if account is None:
        if person.mailbox in known.waiting:
            note = N_("already invited and the link still works: nothing sent")
            return Step(person, SKIP, note)
        return Step(person, INVITE, N_("no account yet: invited, with a link to sign up"))
    if account["disabled_at"] is not None:
        return N_("the account of %(email)s is disabled", email=account["email"])
    if account["role"] != "participant":
        if account["role"] == "organizer":
            return N_("already has an organizer account; change roles on the People page")
        return N_("already has a judge account; change roles on the People page")
    return Step(person, SKIP, N_("already has an account: nothing sent"), int(account["id"]))


def _with_department(person: Person, known: _Known) -> Person | str:
    """The person with their department as a listed code, or why it is not on the list."""
    if not person.department or not known.department_codes:
        return person
    code = known.department_codes.get(person.department) or known.department_codes.get(
        departments.folded_name(person.department)
    )
    if code is None:
        return N_(
            "the department “%(department)s” is not on the list of departments",
            department=person.department,
        )
    return replace(person, department=code)


async def _contest_title(db: Database | Transaction, role: str, contest_id: int | None) -> str:
    """The title of a judge list's contest (checked), or empty for participants."""
    if role not in ROLES:
        raise ValidationError({"role": N_("Invite judges or participants.")})
    if role == "participant":
        return ""
    title = await db.fetch_value("SELECT title FROM contests WHERE id = ?", (contest_id or 0,))
    if title is None:
        raise ValidationError({"contest_id": N_("Choose a contest from the list.")})
    return str(title)


async def plan_invitations(
    db: Database | Transaction,
    source: str | bytes,
    *,
    role: str,
    contest_id: int | None,
    now: datetime,
    encoding: str = "",
) -> Plan:
    """What sending the list would do: each good row's step and each bad row's reason; a file
    is read in ``encoding`` if given, else as it reads best (``Plan.readings`` has the others)."""
    title = await _contest_title(db, role, contest_id)
    readings: list[Reading] = []
    text = source if isinstance(source, str) else ""
    if isinstance(source, bytes):
        readings = list_readings(source, encoding=encoding)
        text = readings[0].text
    people, problems = read_people(text)
    plan = Plan(role, contest_id if role == "judge" else None, title, text, problems=problems)
    plan.readings = readings
    known = await _known(db, people, role=role, contest_id=plan.contest_id, now=now)
    decide = _judge_step if role == "judge" else _participant_step
    for person in people:
        outcome = _with_department(person, known)
        step = decide(outcome, known) if isinstance(outcome, Person) else outcome
        if isinstance(step, Step):
            plan.steps.append(step)
        else:
            plan.problems.append(Problem(person.line, person.text or person.email, step))
    plan.problems.sort(key=lambda problem: problem.line)
    return plan


def _panel_mail(title: str, inviter: str, *, promoted: bool) -> tuple[str, str]:
    """The subject and body telling an existing account it joined a panel (current locale)."""
    subject = N_("You are a judge of %(contest)s", contest=title)
    if promoted:
        body = N_(
            "Hello,\n\n%(inviter)s has added you to the panel of judges of “%(contest)s” on the"
            " photo contest site. Your account is now a judge's account.\n\nSign in with your"
            " usual address and password; the entries to score appear under Judging once"
            " judging opens.\n",
            inviter=inviter,
            contest=title,
        )
    else:
        body = N_(
            "Hello,\n\n%(inviter)s has added you to the panel of judges of “%(contest)s” on the"
            " photo contest site.\n\nSign in with your usual address and password; the entries"
            " to score appear under Judging once judging opens.\n",
            inviter=inviter,
            contest=title,
        )
    return str(subject), str(body)


async def _join_panel(
    tx: Transaction, step: Step, plan: Plan, inviter: User, now: datetime, locale: str
) -> None:
    """Put an existing account on the panel (a participant becomes a judge) and tell them, in
    their language (else ``locale``, the list's)."""
    assert step.user_id is not None and plan.contest_id is not None
    if step.action == BECOME_JUDGE:
        await tx.execute(
            "UPDATE users SET role = 'judge' WHERE id = ? AND role = 'participant'",
            (step.user_id,),
        )
    await tx.execute(
        "INSERT INTO contest_judges (contest_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (plan.contest_id, step.user_id),
    )
    mail_in = await mail_locale(tx, step.user_id, default=locale)
    with using_locale(mail_in):
        subject, body = _panel_mail(
            plan.contest_title, inviter.display_name, promoted=step.action == BECOME_JUDGE
        )
    await queue_mail(
        tx, recipient=step.person.email, subject=subject, body=body, now=now, locale=mail_in
    )


def _summary(plan: Plan) -> str:
    """The audit log's words for a sent list."""
    parts = [f"{plan.count(INVITE)} invited"]
    if plan.role == "judge":
        parts.append(f"{plan.count(JOIN_PANEL) + plan.count(BECOME_JUDGE)} joined the panel")
        parts.append(f"{plan.count(BECOME_JUDGE)} of them participants made judges")
    else:
        parts.append(f"{plan.count(SKIP)} skipped")
    return f"{plan.role.capitalize()}s from a list: " + ", ".join(parts)


async def send_invitations(
    db: Database,
    text: str,
    *,
    role: str,
    contest_id: int | None,
    invited_by: User,
    link_for: invitations.LinkMaker,
    now: datetime,
    locale: str | None = None,
) -> Plan:
    """Send the list as previewed, all or nothing: checked again inside the transaction, so
    a bad row (perhaps one that became bad since the preview) sends nothing (BulkRefused).
    Invitations are written in ``locale`` (else the site's default language); people with an
    account are told in their own."""
    mail_in = known(locale) or await site_settings.default_locale(db)
    async with db.transaction() as tx:
        plan = await plan_invitations(tx, text, role=role, contest_id=contest_id, now=now)
        if plan.problems:
            raise BulkRefused(plan)
        if not plan.ready:
            raise ValidationError({FIELD: N_("Nobody on the list needs an invitation.")})
        contest = (plan.contest_id, plan.contest_title) if plan.contest_id else None
        for step in plan.steps:
            if step.action == INVITE:
                invitee = invitations.Invitee(
                    step.person.email, step.person.name, step.person.department
                )
                await invitations.create(
                    tx,
                    invitee,
                    role=role,
                    contest=contest,
                    invited_by=invited_by,
                    link_for=link_for,
                    now=now,
                    locale=mail_in,
                )
            elif step.action in (JOIN_PANEL, BECOME_JUDGE):
                await _join_panel(tx, step, plan, invited_by, now, mail_in)
        await audit_log.record(
            tx,
            contest_id=plan.contest_id,
            actor_id=invited_by.id,
            action=f"{role}s_invited",
            details=_summary(plan),
            now=now,
        )
    return plan
