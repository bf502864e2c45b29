"""What a person tells about themselves on an account (name, affiliation, department,
password), with the checks their forms run and the words those checks answer with."""

from __future__ import annotations

from contest.i18n import N_, Message

AFFILIATIONS = ("student", "staff", "alumni", "other")
AFFILIATION_LABELS: dict[str, str] = {
    "student": N_("Student"),
    "staff": N_("Staff"),
    "alumni": N_("Alumni"),
    "other": N_("Other"),
}
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_NAME = 80
MAX_DEPARTMENT = 40


def password_error(password: str) -> Message | None:
    """What is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD:
        return N_("Use at least %(least)d characters for your password.", least=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return N_("Use at most %(most)d characters for your password.", most=MAX_PASSWORD)
    return None


#: What a department field offered as a list says when the value is not on it.
NOT_LISTED = N_("Choose your department from the list, or “Not listed” if it is not there.")


def department_error(value: str, departments: frozenset[str] = frozenset()) -> Message | None:
    """What is wrong with a department as typed or chosen, or None: with a list (the listed
    codes, upper-case), it must be one of them or empty ("not listed"); without, any short
    text is kept, upper-cased, as before there were lists."""
    department = value.strip()
    if len(department) > MAX_DEPARTMENT:
        return N_("Keep the department under %(most)d characters.", most=MAX_DEPARTMENT)
    if departments and department and department.upper() not in departments:
        return NOT_LISTED
    return None


def profile_errors(
    fields: dict[str, str], departments: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Problems with a display name, affiliation and department (one of ``departments``, the
    listed codes, when the organizers keep a list)."""
    errors: dict[str, str] = {}
    name = fields.get("display_name", "").strip()
    if not name:
        errors["display_name"] = N_("Enter the name to show with your photos.")
    elif len(name) > MAX_NAME:
        errors["display_name"] = N_("Keep your name under %(most)d characters.", most=MAX_NAME)
    if fields.get("affiliation", "") not in AFFILIATIONS:
        errors["affiliation"] = N_("Choose student, staff, alumni or other.")
    if problem := department_error(fields.get("department", ""), departments):
        errors["department"] = problem
    return errors
