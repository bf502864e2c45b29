from datetime import UTC, datetime, timedelta

import pytest

from contest.contests.phases import Phase, Schedule, phase_at, status_line

DAY = timedelta(days=1)
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def schedule(**overrides: datetime) -> Schedule:
    dates = {
        "submissions_open": T0,
        "submissions_close": T0 + 14 * DAY,
        "judging_open": T0 + 15 * DAY,
        "judging_close": T0 + 21 * DAY,
        "voting_open": T0 + 17 * DAY,
        "voting_close": T0 + 24 * DAY,
        "results_at": T0 + 25 * DAY,
    }
    return Schedule(**(dates | overrides))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (T0 - timedelta(seconds=1), Phase.UPCOMING),
        (T0, Phase.SUBMISSIONS),
        (T0 + 14 * DAY - timedelta(seconds=1), Phase.SUBMISSIONS),
        (T0 + 14 * DAY, Phase.REVIEW),
        (T0 + 15 * DAY, Phase.JUDGING),
        (T0 + 17 * DAY, Phase.JUDGING_AND_VOTING),
        (T0 + 21 * DAY, Phase.VOTING),
        (T0 + 24 * DAY, Phase.AWAITING_RESULTS),
        (T0 + 25 * DAY, Phase.RESULTS),
        (T0 + 400 * DAY, Phase.RESULTS),
    ],
)
def test_phase_over_a_calendar(moment: datetime, expected: Phase) -> None:
    assert phase_at(schedule(), moment) is expected


def test_gap_between_voting_and_judging_is_review_not_awaiting_results() -> None:
    plan = schedule(
        voting_open=T0 + 14 * DAY, voting_close=T0 + 15 * DAY, judging_open=T0 + 16 * DAY
    )
    assert phase_at(plan, T0 + 15 * DAY + timedelta(hours=1)) is Phase.REVIEW


def test_phase_checks_are_half_open_intervals() -> None:
    plan = schedule()
    assert plan.submissions_are_open(T0) and not plan.submissions_are_open(T0 + 14 * DAY)
    assert plan.voting_is_open(T0 + 17 * DAY) and not plan.voting_is_open(T0 + 24 * DAY)
    assert not plan.results_are_out(T0 + 25 * DAY - timedelta(seconds=1))


def test_status_lines_speak_in_the_contest_time_zone() -> None:
    plan = schedule()
    assert status_line(plan, T0 + 11 * DAY, "UTC") == "Submissions close in 3 days (15 May 09:00)"
    assert status_line(plan, T0 + 18 * DAY, "Asia/Hong_Kong") == "Voting is open until 25 May 17:00"
    assert status_line(plan, T0 - 5 * 3600 * timedelta(seconds=1), "UTC").startswith(
        "Submissions open in 5 hours"
    )
    assert status_line(plan, T0 + 30 * DAY, "UTC") == "Winners announced on 26 May 2026 09:00"


def test_calendar_problems_name_the_field_to_fix() -> None:
    plan = schedule(voting_close=T0 + 16 * DAY)  # before voting opens
    assert plan.problems() == {"voting_close": "Voting must close after it opens."}
    early_results = schedule(results_at=T0 + 22 * DAY)
    assert "results_at" in early_results.problems()
    judging_during_submissions = schedule(judging_open=T0 + 3 * DAY)
    assert "judging_open" in judging_during_submissions.problems()
    assert schedule().problems() == {}
