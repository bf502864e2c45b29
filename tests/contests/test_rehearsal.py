"""Rehearsal's pure parts: a moment inside each phase, the typed moment, the signed cookie."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contest.contests.model import Contest
from contest.contests.phases import REHEARSED_PHASES, Phase, moment_in, phase_at
from contest.contests.preview import (
    PREVIEW_LIFETIME,
    PreviewChoice,
    chosen_moment,
    describe,
    read_preview,
    sign_preview,
)
from contest.core.errors import ValidationError
from contest.i18n import using_locale
from tests.conftest import START
from tests.factories import contest_settings, schedule_for

SECRET = "s" * 32


@pytest.mark.parametrize("phase", [Phase.SUBMISSIONS, Phase.VOTING, Phase.JUDGING])
def test_a_phase_moment_falls_inside_that_phase(phase: Phase) -> None:
    schedule = schedule_for(phase, START)
    moment = moment_in(schedule, phase)
    assert phase.value in phase_at(schedule, moment).value


def test_the_results_moment_is_the_announcement() -> None:
    schedule = schedule_for(Phase.SUBMISSIONS, START)
    assert moment_in(schedule, Phase.RESULTS) == schedule.results_at
    assert phase_at(schedule, schedule.results_at) is Phase.RESULTS


def test_phases_without_a_window_of_their_own_have_no_moment() -> None:
    with pytest.raises(ValueError):
        moment_in(schedule_for(Phase.SUBMISSIONS, START), Phase.REVIEW)
    assert Phase.REVIEW not in REHEARSED_PHASES


def test_a_signed_preview_reads_back_until_it_expires() -> None:
    choice = PreviewChoice(7, START + timedelta(days=30))
    cookie = sign_preview(SECRET, choice, now=START)
    assert read_preview(SECRET, cookie, now=START) == choice
    assert read_preview(SECRET, cookie, now=START + PREVIEW_LIFETIME) is None
    assert read_preview("other" * 8, cookie, now=START) is None
    tampered = cookie.replace("7|", "8|", 1)
    assert read_preview(SECRET, tampered, now=START) is None
    assert read_preview(SECRET, "garbage", now=START) is None
    assert read_preview(SECRET, None, now=START) is None


def test_a_typed_moment_is_local_to_the_contest_and_bad_ones_name_the_field() -> None:
    contest = Contest(1, "light", contest_settings(timezone="Asia/Hong_Kong"), START)
    moment = chosen_moment(contest, phase="at", typed="2027-03-12 10:00")
    assert describe(contest, moment)[0] == "Fri 12 Mar 2027, 10:00"
    with using_locale("zh_Hant"):
        when, phase = describe(contest, moment)
        assert (when, str(phase)) == ("2027年3月12日週五 10:00", "結果")
    assert moment.utcoffset() == timedelta(hours=8)
    for typed in ["", "soon", "2027-13-01T10:00", "1900-01-01T10:00", "2027-03-12T10:00+02:00"]:
        with pytest.raises(ValidationError) as error:
            chosen_moment(contest, phase="at", typed=typed)
        assert set(error.value.errors) == {"at"}
