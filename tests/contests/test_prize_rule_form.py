"""The form's prize rules, and a refused form shown again with the locked rules as stored."""

from dataclasses import replace

from contest.contests.form import (
    form_fields,
    parse_contest_form,
    settings_to_form,
    with_settings_kept,
)
from tests.contests.test_form import good_form


def test_one_judged_prize_per_person_is_ticked_by_default_and_may_be_unticked() -> None:
    settings = parse_contest_form(good_form())
    assert settings.one_judged_prize_per_person and not settings.allow_multiple_awards
    assert settings_to_form(settings).get("one_judged_prize_per_person") == "on"
    unticked = parse_contest_form(good_form(one_judged_prize_per_person=""))
    assert not unticked.one_judged_prize_per_person
    assert settings_to_form(unticked).get("one_judged_prize_per_person") == ""


def test_a_refused_form_shows_the_locked_rules_as_stored_and_the_rest_as_typed() -> None:
    stored = parse_contest_form(good_form())
    posted = good_form(
        title="Typed title", award_runners_up="1", criterion_0_name="Forged", categories="X"
    )
    shown = with_settings_kept(posted, stored, ("award_runners_up", "criteria"))
    assert shown.get("title") == "Typed title" and shown.get("categories") == "X"
    assert shown.get("award_runners_up") == "2"
    assert shown.get("criterion_0_name") == "Relevance to the theme"
    assert parse_contest_form(shown) == replace(stored, title="Typed title", categories=("X",))
    assert form_fields("criteria")[:2] == ["criterion_0_name", "criterion_0_weight"]


def test_a_precise_weight_survives_the_edit_form_so_a_locked_rubric_is_not_changed() -> None:
    """After publishing, the form posts the rubric back as it shows it: a weight shown rounded
    would read as a change to a locked rule and be refused."""
    settings = parse_contest_form(good_form(criterion_1_weight="0.3333333"))
    shown = settings_to_form(settings)
    assert shown.get("criterion_1_weight") == "0.3333333"
    assert parse_contest_form(shown) == settings
