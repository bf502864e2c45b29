"""Organizer page for the list of departments: add, rename, remove, import a CSV and merge the
values people typed before the list."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.accounts import department_import, departments
from contest.core.csv_files import ImportRefused
from contest.core.errors import NotFound, ValidationError
from contest.core.forms import FormValues, whole_number
from contest.i18n import N_, Message, Nn_
from contest.web.context import (
    now,
    read_form,
    read_upload_form,
    redirect,
    require_user,
    services,
)
from contest.web.rendering import render

TEMPLATE = "manage/departments.html"
#: What the page says after each change without a count (the redirect names it).
NOTICES: dict[str, Message] = {
    "added": N_("Department added."),
    "changed": N_("Department saved."),
    "removed": N_("Department removed."),
}


def _notice(request: Request) -> str:
    """The message of the change just made, from the redirect's query (counts as numbers)."""
    done = request.query_params.get("done", "")
    counts = {
        key: whole_number(request.query_params.get(key, "0")) or 0 for key in ("a", "r", "u", "n")
    }
    moved = counts["n"]
    if done == "changed" and moved:
        return Nn_(
            "Department saved. %(count)d person moved to the new code.",
            "Department saved. %(count)d people moved to the new code.",
            moved,
        )
    if done == "removed" and moved:
        return Nn_(
            "Department removed. %(count)d person keeps its code, now unlisted: merge them into"
            " another department below.",
            "Department removed. %(count)d people keep its code, now unlisted: merge them into"
            " another department below.",
            moved,
        )
    if done == "imported":
        return N_(
            "Imported the file: %(added)d added, %(renamed)d renamed, %(unchanged)d unchanged.",
            added=counts["a"],
            renamed=counts["r"],
            unchanged=counts["u"],
        )
    if done == "merged":
        return Nn_(
            "Merged: %(count)d person now has the department.",
            "Merged: %(count)d people now have the department.",
            moved,
        )
    return NOTICES.get(done, "")


async def _page(request: Request, *, status_code: int = 200, **context: Any) -> Response:
    """The page, with whatever a failed form adds (its values and errors)."""
    db = services(request).db
    page: dict[str, Any] = {
        "listed": await departments.listed_with_people(db),
        "unlisted": await departments.unlisted_values(db),
        "history": await departments.history(db),
        "notice": _notice(request) if status_code == 200 else "",
        "editing": None,
        "edit_form": FormValues(),
        "edit_errors": {},
        "import_errors": {},
        "problems": [],
        "more_problems": 0,
        "merge_form": FormValues(),
        "merge_errors": {},
        "limits": {
            "bytes": department_import.MAX_IMPORT_BYTES // 1024,
            "rows": department_import.MAX_IMPORT_ROWS,
            "code": departments.MAX_CODE,
            "name": departments.MAX_NAME,
            "merge": departments.MAX_MERGE_VALUES,
        },
    }
    page.update(context)
    return await render(request, TEMPLATE, page, status_code=status_code)


async def departments_page(request: Request) -> Response:
    """The list, and adding a department to it."""
    user = await require_user(request, "organizer")
    if request.method == "GET":
        return await _page(request)
    form = await read_form(request)
    try:
        await departments.add_department(
            services(request).db,
            code=form.get("code"),
            name=form.get("name"),
            actor_id=user.id,
            now=now(request),
        )
    except ValidationError as error:
        return await _page(request, status_code=400, form=form, errors=error.errors)
    return redirect(request, "departments", query={"done": "added"})


async def change_department(request: Request) -> Response:
    """Rename a department (code, name or both), or remove it."""
    user = await require_user(request, "organizer")
    form = await read_form(request)
    db = services(request).db
    department_id = whole_number(form.get("department_id"))
    if department_id is None:
        raise NotFound(N_("That department is not on the list any more."))
    action = form.get("action")
    if action == "remove":
        held = await departments.remove_department(
            db, department_id, actor_id=user.id, now=now(request)
        )
        return redirect(request, "departments", query={"done": "removed", "n": held})
    if action != "save":
        raise ValidationError({"action": N_("Choose whether to save or remove the department.")})
    try:
        moved = await departments.change_department(
            db,
            department_id,
            code=form.get("code"),
            name=form.get("name"),
            actor_id=user.id,
            now=now(request),
        )
    except ValidationError as error:
        return await _page(
            request,
            status_code=400,
            editing=department_id,
            edit_form=form,
            edit_errors=error.errors,
        )
    return redirect(request, "departments", query={"done": "changed", "n": moved})


async def import_departments(request: Request) -> Response:
    """Import a CSV file of codes and names (all or nothing)."""
    user = await require_user(request, "organizer")
    _, data = await read_upload_form(request, departments.FILE_FIELD)
    try:
        summary = await department_import.import_csv(
            services(request).db, data, actor_id=user.id, now=now(request)
        )
    except ImportRefused as error:
        return await _page(
            request,
            status_code=400,
            import_errors=error.errors,
            problems=error.problems,
            more_problems=error.more,
        )
    except ValidationError as error:
        return await _page(request, status_code=400, import_errors=error.errors)
    counts = {"a": len(summary.added), "r": len(summary.renamed), "u": summary.unchanged}
    return redirect(request, "departments", query={"done": "imported", **counts})


async def merge_departments(request: Request) -> Response:
    """Give the people holding the ticked unlisted values a listed department."""
    user = await require_user(request, "organizer")
    form = await read_form(request)
    try:
        changed = await departments.merge_values(
            services(request).db,
            form.getlist("values"),
            code=form.get("into"),
            actor_id=user.id,
            now=now(request),
        )
    except ValidationError as error:
        errors = {"into" if key == "code" else key: text for key, text in error.errors.items()}
        return await _page(request, status_code=400, merge_form=form, merge_errors=errors)
    return redirect(request, "departments", query={"done": "merged", "n": changed})


routes = [
    Route("/manage/departments", departments_page, methods=["GET", "POST"], name="departments"),
    Route(
        "/manage/departments/import",
        import_departments,
        methods=["POST"],
        name="import_departments",
    ),
    Route(
        "/manage/departments/merge", merge_departments, methods=["POST"], name="merge_departments"
    ),
    Route(
        "/manage/departments/change",
        change_department,
        methods=["POST"],
        name="change_department",
    ),
]
