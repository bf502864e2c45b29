"""Contest settings and the rules that turn the organizer's form into them."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from contest.accounts.users import AFFILIATIONS
from contest.contests.calendar_shift import next_title, shift_by_a_year
from contest.contests.language_form import parse_texts, texts_to_form
from contest.contests.model import (
    CAMPUS_SIGN_IN,
    MAX_NETWORK_NAME,
    PEOPLES_CHOICE_BASES,
    SCORE_METHODS,
    TIE_BREAKS,
    VOTING_MODES,
    ContestSettings,
    Criterion,
)
from contest.contests.phases import Schedule
from contest.contests.texts import ContestTexts
from contest.core.clock import local_input_value, parse_local_input, zone
from contest.core.errors import ValidationError
from contest.core.forms import FormValues
from contest.i18n import N_, Message

RUBRIC_ROWS = 6
MAX_TITLE = 120
MAX_THEME = 120
MAX_CRITERION_LENGTH = 80
MAX_CATEGORIES = 20
MAX_CATEGORY_LENGTH = 40
MAX_DESCRIPTION = 5_000
MAX_RULES = 20_000
MAX_ENTRIES_LIMIT = 50
MAX_LICENCE = 2_000
_HASHTAG = re.compile(r"^[^\W_][\w]{1,49}$")


def normalize_hashtag(text: str) -> str:
    """``#Day and Night`` -> ``DayandNight``: the tag without its ``#`` or spaces."""
    return re.sub(r"\s+", "", text.strip()).lstrip("#")


def too_long(label: Message, length: int, limit: int) -> Message:
    """Why a text is refused for its length: ``The title is 130 characters long; ...``."""
    return N_(
        "%(label)s is %(length)d characters long; keep it under %(limit)d.",
        label=label,
        length=length,
        limit=limit,
    )


def _text(form: FormValues, name: str, label: Message, limit: int, errors: dict[str, str]) -> str:
    value = form.get(name).strip()
    if len(value) > limit:
        errors[name] = too_long(label, len(value), limit)
    return value


def _whole_number(
    form: FormValues, name: str, low: int, high: int, errors: dict[str, str], message: Message
) -> int:
    try:
        number = int(form.get(name).strip())
    except ValueError:
        errors[name] = message
        return low
    if not low <= number <= high:
        errors[name] = message
    return number


def _categories(form: FormValues, errors: dict[str, str]) -> tuple[str, ...]:
    names: list[str] = []
    for line in form.get("categories").splitlines():
        name = line.strip()
        if not name:
            continue
        if len(name) > MAX_CATEGORY_LENGTH:
            errors["categories"] = N_(
                "Keep each category under %(limit)d characters.", limit=MAX_CATEGORY_LENGTH
            )
        elif name.casefold() in (existing.casefold() for existing in names):
            errors["categories"] = N_("The category “%(name)s” is listed twice.", name=name)
        names.append(name)
    if len(names) > MAX_CATEGORIES:
        errors["categories"] = N_("Use at most %(limit)d categories.", limit=MAX_CATEGORIES)
    return tuple(names)


def _criteria(form: FormValues, errors: dict[str, str]) -> tuple[Criterion, ...]:
    criteria: list[Criterion] = []
    for row in range(RUBRIC_ROWS):
        name = form.get(f"criterion_{row}_name").strip()
        weight_text = form.get(f"criterion_{row}_weight").strip()
        if not name and not weight_text:
            continue
        field = f"criterion_{row}"
        if not name:
            errors[field] = N_("Give this criterion a name, or clear its weight.")
            continue
        try:
            weight = float(weight_text or "1")
        except ValueError:
            errors[field] = N_(
                "The weight of “%(name)s” must be a number such as 1 or 0.5.", name=name
            )
            continue
        if not 0 < weight <= 100:
            errors[field] = N_(
                "“%(name)s” has weight %(weight)s: a criterion must weigh more than 0"
                " (at most 100). Remove it if it should not count.",
                name=name,
                weight=weight_text,
            )
            continue
        if any(c.name.casefold() == name.casefold() for c in criteria):
            errors[field] = N_("The criterion “%(name)s” is listed twice.", name=name)
            continue
        criteria.append(Criterion(name, weight))
    if not criteria and not any(key.startswith("criterion_") for key in errors):
        errors["criteria"] = N_("Add at least one judging criterion with a weight above 0.")
    return tuple(criteria)


def _schedule(form: FormValues, tz_name: str, errors: dict[str, str]) -> Schedule | None:
    moments: dict[str, datetime] = {}
    for name in SCHEDULE_LABELS:
        text = form.get(name)
        if not text.strip():
            errors[name] = N_(
                "Choose the date and time when %(moment)s.", moment=SCHEDULE_LABELS[name]
            )
            continue
        try:
            moments[name] = parse_local_input(text, tz_name)
        except ValueError:
            errors[name] = N_("Use a date and time such as 2026-05-15 18:00.")
    if len(moments) != len(SCHEDULE_LABELS):
        return None
    schedule = Schedule(**moments)
    errors.update(schedule.problems())
    return schedule


SCHEDULE_LABELS = {
    "submissions_open": N_("submissions open"),
    "submissions_close": N_("submissions close"),
    "judging_open": N_("judging starts"),
    "judging_close": N_("judging ends"),
    "voting_open": N_("public voting opens"),
    "voting_close": N_("public voting closes"),
    "results_at": N_("the results are announced"),
}
#: Each date's label on the form and the "move every date" page: ``When judging starts``.
SCHEDULE_FIELD_LABELS = {
    "submissions_open": N_("When submissions open"),
    "submissions_close": N_("When submissions close"),
    "judging_open": N_("When judging starts"),
    "judging_close": N_("When judging ends"),
    "voting_open": N_("When public voting opens"),
    "voting_close": N_("When public voting closes"),
    "results_at": N_("When the results are announced"),
}


def parse_contest_form(form: FormValues, *, campus_offered: bool = False) -> ContestSettings:
    """Validated settings from the contest form; ValidationError naming every bad field.
    ``campus_offered``: whether the site has campus sign-in set up (else it cannot be asked)."""
    errors: dict[str, str] = {}
    title = _text(form, "title", N_("The title"), MAX_TITLE, errors)
    if len(title) < 3:
        errors["title"] = N_("Give the contest a title of at least 3 characters.")
    theme = _text(form, "theme", N_("The theme"), MAX_THEME, errors)
    description = _text(form, "description_md", N_("The description"), MAX_DESCRIPTION, errors)
    rules = _text(form, "rules_md", N_("The rules"), MAX_RULES, errors)
    licence_text = _text(form, "licence_text", N_("The licence text"), MAX_LICENCE, errors)
    if not licence_text:
        errors["licence_text"] = N_("Say how the organizers may use the photos entrants send.")
    hashtag = normalize_hashtag(form.get("hashtag"))
    if not _HASHTAG.match(hashtag):
        errors["hashtag"] = N_(
            "Use one word of letters and digits for the hashtag, such as #DayAndNightAtTheLibrary."
        )
    tz_name = form.get("timezone").strip() or "UTC"
    try:
        zone(tz_name)
    except ValueError:
        errors["timezone"] = N_(
            "“%(zone)s” is not a time zone; choose one from the list.", zone=tz_name
        )
        tz_name = "UTC"
    eligible = tuple(a for a in AFFILIATIONS if a in form.getlist("eligible_affiliations"))
    if not eligible:
        errors["eligible_affiliations"] = N_("Tick at least one group of people who may enter.")
    max_entries = _whole_number(
        form,
        "max_entries_per_participant",
        1,
        MAX_ENTRIES_LIMIT,
        errors,
        N_("Allow between 1 and %(limit)d entries per participant.", limit=MAX_ENTRIES_LIMIT),
    )
    scale_min = _whole_number(
        form, "scale_min", 0, 99, errors, N_("Use a whole number from 0 to 99.")
    )
    scale_max = _whole_number(
        form, "scale_max", 1, 100, errors, N_("Use a whole number up to 100.")
    )
    if "scale_min" not in errors and "scale_max" not in errors and scale_min >= scale_max:
        errors["scale_max"] = N_("The top of the scale must be above its bottom.")
    runners_up = _whole_number(form, "award_runners_up", 0, 2, errors, N_("Choose 0, 1 or 2."))
    min_judges = _whole_number(
        form,
        "min_judges_per_entry",
        1,
        20,
        errors,
        N_("Ask for between 1 and 20 judges per entry."),
    )
    score_method = form.get("score_method")
    if score_method not in SCORE_METHODS:
        errors["score_method"] = N_("Choose how judges' scores are combined.")
    voting_mode = form.get("voting_mode") or "accounts"
    if voting_mode not in VOTING_MODES:
        errors["voting_mode"] = N_("Choose who may vote.")
    campus_sign_in_for = form.get("campus_sign_in_for")
    if campus_sign_in_for not in CAMPUS_SIGN_IN:
        errors["campus_sign_in_for"] = N_("Choose what campus sign-in is asked for, if anything.")
    elif campus_sign_in_for and not campus_offered:
        errors["campus_sign_in_for"] = N_(
            "This site has no campus sign-in set up (CONTEST_OIDC_PROVIDERS), so no contest"
            " can ask for it."
        )
    tie_break = form.get("tie_break")
    if tie_break not in TIE_BREAKS:
        errors["tie_break"] = N_("Choose how equal scores are decided.")
    basis, network = _peoples_choice_basis(form, errors)
    categories = _categories(form, errors)
    criteria = _criteria(form, errors)
    schedule = _schedule(form, tz_name, errors)
    texts = parse_texts(
        form,
        main_names={
            "categories": categories,
            "criteria": tuple(criterion.name for criterion in criteria),
        },
        limits={
            "title": MAX_TITLE,
            "theme": MAX_THEME,
            "description_md": MAX_DESCRIPTION,
            "rules_md": MAX_RULES,
            "licence_text": MAX_LICENCE,
            "categories": MAX_CATEGORY_LENGTH,
            "criteria": MAX_CRITERION_LENGTH,
        },
        errors=errors,
    )
    if errors or schedule is None:
        raise ValidationError(errors)
    return ContestSettings(
        title=title,
        theme=theme,
        description_md=description,
        rules_md=rules,
        hashtag=hashtag,
        timezone=tz_name,
        eligible_affiliations=eligible,
        max_entries_per_participant=max_entries,
        schedule=schedule,
        categories=categories,
        criteria=criteria,
        scale_min=scale_min,
        scale_max=scale_max,
        award_champion=form.has("award_champion"),
        award_runners_up=runners_up,
        award_peoples_choice=form.has("award_peoples_choice"),
        award_per_category=form.has("award_per_category"),
        allow_multiple_awards=form.has("allow_multiple_awards"),
        one_judged_prize_per_person=form.has("one_judged_prize_per_person"),
        is_published=form.has("is_published"),
        licence_text=licence_text,
        description_required=form.has("description_required"),
        min_judges_per_entry=min_judges,
        score_method=score_method,
        tie_break=tie_break,
        voting_mode=voting_mode,
        hide_counts=form.has("hide_counts"),
        campus_sign_in_for=campus_sign_in_for,
        peoples_choice_basis=basis,
        external_network=network,
        texts=texts,
    )


def _peoples_choice_basis(form: FormValues, errors: dict[str, str]) -> tuple[str, str]:
    """What People's Choice counts, and the social network's name (needed to count it)."""
    basis = form.get("peoples_choice_basis") or "site"
    if basis not in PEOPLES_CHOICE_BASES:
        errors["peoples_choice_basis"] = N_("Choose which likes People's Choice counts.")
    network = " ".join(form.get("external_network").split())
    if len(network) > MAX_NETWORK_NAME:
        errors["external_network"] = N_(
            "The network's name is %(length)d characters long;"
            " keep it to %(limit)d, such as Facebook.",
            length=len(network),
            limit=MAX_NETWORK_NAME,
        )
    elif basis == "external" and not network:
        errors["external_network"] = N_(
            "Name the social network whose likes People's Choice counts, such as Facebook."
        )
    return basis, network


def settings_to_form(settings: ContestSettings) -> FormValues:
    """The form as it would be typed to produce these settings (for the edit page)."""
    values: dict[str, str | list[str]] = {
        "title": settings.title,
        "theme": settings.theme,
        "description_md": settings.description_md,
        "rules_md": settings.rules_md,
        "hashtag": f"#{settings.hashtag}" if settings.hashtag else "",
        "timezone": settings.timezone,
        "eligible_affiliations": list(settings.eligible_affiliations),
        "max_entries_per_participant": str(settings.max_entries_per_participant),
        "categories": "\n".join(settings.categories),
        "scale_min": str(settings.scale_min),
        "scale_max": str(settings.scale_max),
        "award_runners_up": str(settings.award_runners_up),
        "licence_text": settings.licence_text,
        "min_judges_per_entry": str(settings.min_judges_per_entry),
        "score_method": settings.score_method,
        "tie_break": settings.tie_break,
        "voting_mode": settings.voting_mode,
        "campus_sign_in_for": settings.campus_sign_in_for,
        "peoples_choice_basis": settings.peoples_choice_basis,
        "external_network": settings.external_network,
        **texts_to_form(settings.texts),
    }
    for name in SCHEDULE_LABELS:
        values[name] = local_input_value(getattr(settings.schedule, name), settings.timezone)
    for row, criterion in enumerate(settings.criteria):
        values[f"criterion_{row}_name"] = criterion.name
        values[f"criterion_{row}_weight"] = f"{criterion.weight:.15g}"
    for flag in (
        "award_champion",
        "award_peoples_choice",
        "award_per_category",
        "allow_multiple_awards",
        "one_judged_prize_per_person",
        "is_published",
        "description_required",
        "hide_counts",
    ):
        if getattr(settings, flag):
            values[flag] = "on"
    return FormValues.of(values)


def copy_settings(settings: ContestSettings) -> ContestSettings:
    """Next year's contest as a copy of this one: the same settings, rubric, awards,
    categories and texts, every date a year later at the same local time, a year at the end
    of the title counted on, and not published."""
    texts = settings.texts.by_locale()
    for by_field in texts.values():
        if "title" in by_field:
            by_field["title"] = next_title(by_field["title"])
    return replace(
        settings,
        title=next_title(settings.title),
        schedule=shift_by_a_year(settings.schedule, settings.timezone),
        is_published=False,
        texts=ContestTexts.of(settings.texts.main_locale, texts),
    )


def copy_form(settings: ContestSettings) -> FormValues:
    """The new-contest form filled in as a copy of a contest with these settings."""
    return settings_to_form(copy_settings(settings))


def form_fields(setting: str) -> list[str]:
    """The names of the form's fields that say a setting (the rubric's rows for "criteria")."""
    if setting == "criteria":
        return [
            f"criterion_{row}_{part}" for row in range(RUBRIC_ROWS) for part in ("name", "weight")
        ]
    if setting == "schedule":
        return list(SCHEDULE_LABELS)
    return [setting]


def with_settings_kept(
    form: FormValues, settings: ContestSettings, kept: tuple[str, ...]
) -> FormValues:
    """The form as typed, but the ``kept`` settings as stored (a refused form shows again
    with the locked rules as they are, not as someone posted them)."""
    stored = settings_to_form(settings)
    locked = {name for setting in kept for name in form_fields(setting)}
    values: dict[str, str | list[str]] = {
        name: form.getlist(name) for name in form.as_dict() if name not in locked
    }
    values |= {name: stored.getlist(name) for name in locked}
    return FormValues.of(values)


#: A new contest's rubric, written in the organizer's language.
