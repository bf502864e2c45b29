from datetime import UTC, datetime

import pytest

from contest.contests.defaults import default_settings
from contest.contests.form import (
    normalize_hashtag,
    parse_contest_form,
    settings_to_form,
)
from contest.core.errors import ValidationError
from contest.core.forms import FormValues

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def good_form(**changes: str | list[str]) -> FormValues:
    form = settings_to_form(default_settings(NOW, "Europe/London", title="Spring Light"))
    values: dict[str, str | list[str]] = {name: form.getlist(name) for name in _names(form)}
    values |= {"hashtag": "#SpringLight", "categories": "Day\nNight"}
    return FormValues.of(values | changes)


def _names(form: FormValues) -> list[str]:
    return list(form._values)


def test_default_form_round_trips_to_the_same_settings() -> None:
    settings = parse_contest_form(good_form())
    again = parse_contest_form(
        FormValues.of(
            {n: settings_to_form(settings).getlist(n) for n in _names(settings_to_form(settings))}
        )
    )
    assert again == settings
    assert settings.categories == ("Day", "Night")
    assert settings.hashtag == "SpringLight"
    assert settings.timezone == "Europe/London"


def test_dates_are_read_in_the_contest_time_zone() -> None:
    settings = parse_contest_form(
        good_form(timezone="Asia/Hong_Kong", submissions_open="2026-03-05T09:00")
    )
    assert settings.schedule.submissions_open == datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


def test_voting_closing_before_it_opens_is_refused_on_its_field() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_contest_form(
            good_form(voting_open="2026-04-10T09:00", voting_close="2026-04-09T09:00")
        )
    assert caught.value.errors["voting_close"] == "Voting must close after it opens."


def test_zero_weight_criterion_is_refused_with_its_name() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_contest_form(good_form(criterion_1_weight="0"))
    assert "Creativity" in caught.value.errors["criterion_1"]
    assert "more than 0" in caught.value.errors["criterion_1"]


def test_a_rubric_is_required() -> None:
    empty = {f"criterion_{row}_{part}": "" for row in range(6) for part in ("name", "weight")}
    with pytest.raises(ValidationError) as caught:
        parse_contest_form(good_form(**empty))
    assert "criteria" in caught.value.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "ab"),
        ("hashtag", "#two words!"),
        ("timezone", "Mars/Olympus"),
        ("max_entries_per_participant", "0"),
        ("scale_max", "0"),
        ("submissions_open", "next tuesday"),
        ("categories", "Day\nday"),
        ("eligible_affiliations", []),
    ],
)
def test_each_bad_setting_names_its_field(field: str, value: str | list[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_contest_form(good_form(**{field: value}))
    assert field in caught.value.errors


def test_hashtags_are_normalised() -> None:
    assert normalize_hashtag(" #Day And Night ") == "DayAndNight"
