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


SECOND = timedelta(seconds=1)
SUBMISSIONS_CLOSE = "Submissions must close after they open."
JUDGING_OPEN = "Judging can start only once submissions have closed."
JUDGING_CLOSE = "Judging must close after it opens."
VOTING_OPEN = "Voting cannot open before submissions do."
VOTING_CLOSE = "Voting must close after it opens."
RESULTS_AT = "Announce the results after judging and voting have closed."


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # Submissions must close strictly after they open: a zero-length window is refused.
        ({"submissions_close": T0}, {"submissions_close": SUBMISSIONS_CLOSE}),
        ({"submissions_close": T0 - SECOND}, {"submissions_close": SUBMISSIONS_CLOSE}),
        ({"submissions_close": T0 + SECOND}, {}),
        # Judging may start the moment submissions close, not a second before.
        ({"judging_open": T0 + 14 * DAY}, {}),
        ({"judging_open": T0 + 14 * DAY - SECOND}, {"judging_open": JUDGING_OPEN}),
        # Judging must close strictly after it opens.
        ({"judging_close": T0 + 15 * DAY}, {"judging_close": JUDGING_CLOSE}),
        ({"judging_close": T0 + 15 * DAY + SECOND}, {}),
        # Voting may open with submissions, not a second before.
        ({"voting_open": T0}, {}),
        ({"voting_open": T0 - SECOND}, {"voting_open": VOTING_OPEN}),
        # Voting must close strictly after it opens.
        ({"voting_close": T0 + 17 * DAY}, {"voting_close": VOTING_CLOSE}),
        ({"voting_close": T0 + 17 * DAY + SECOND}, {}),
        # Results may come the moment the later of judging and voting closes.
        ({"results_at": T0 + 24 * DAY}, {}),
        ({"results_at": T0 + 24 * DAY - SECOND}, {"results_at": RESULTS_AT}),
        # ... whichever of the two closes later: here voting (day 24) after judging (day 21),
        ({"results_at": T0 + 22 * DAY}, {"results_at": RESULTS_AT}),
        # and here judging (day 24, one hour in) after voting (day 24).
        (
            {"judging_close": T0 + 24 * DAY + 3600 * SECOND, "results_at": T0 + 24 * DAY},
            {"results_at": RESULTS_AT},
        ),
    ],
)
def test_each_date_order_rule_names_its_field_and_says_what_to_fix(
    overrides: dict[str, datetime], expected: dict[str, str]
) -> None:
    assert schedule(**overrides).problems() == expected


def test_a_calendar_in_reverse_breaks_every_rule_at_once() -> None:
    backwards = Schedule(
        submissions_open=T0,
        submissions_close=T0 - DAY,
        judging_open=T0 - 2 * DAY,
        judging_close=T0 - 3 * DAY,
        voting_open=T0 - 4 * DAY,
        voting_close=T0 - 5 * DAY,
        results_at=T0 - 6 * DAY,
    )
    assert backwards.problems() == {
        "submissions_close": SUBMISSIONS_CLOSE,
        "judging_open": JUDGING_OPEN,
        "judging_close": JUDGING_CLOSE,
        "voting_open": VOTING_OPEN,
        "voting_close": VOTING_CLOSE,
        "results_at": RESULTS_AT,
    }


def test_phase_checks_are_half_open_at_both_ends() -> None:
    plan = schedule()
    assert not plan.submissions_are_open(T0 - SECOND)
    assert plan.judging_is_open(T0 + 15 * DAY) and not plan.judging_is_open(T0 + 15 * DAY - SECOND)
    assert plan.judging_is_open(T0 + 21 * DAY - SECOND) and not plan.judging_is_open(T0 + 21 * DAY)
    assert not plan.voting_is_open(T0 + 17 * DAY - SECOND)
    assert plan.voting_is_open(T0 + 24 * DAY - SECOND)
    assert plan.results_are_out(T0 + 25 * DAY)


@pytest.mark.parametrize(
    ("moment", "utc", "new_york"),
    [
        (
            T0 - 4 * 3600 * SECOND,
            "Submissions open in 4 hours (1 May 09:00)",
            "Submissions open in 4 hours (1 May 05:00)",
        ),
        (
            T0 + 11 * DAY,
            "Submissions close in 3 days (15 May 09:00)",
            "Submissions close in 3 days (15 May 05:00)",
        ),
        (
            T0 + 14 * DAY + 12 * 3600 * SECOND,  # review: judging opens first, voting later
            "Submissions are closed; voting opens 18 May 09:00",
            "Submissions are closed; voting opens 18 May 05:00",
        ),
        (
            T0 + 15 * DAY,  # judging alone
            "The judges are at work; results on 26 May 09:00",
            "The judges are at work; results on 26 May 05:00",
        ),
        (
            T0 + 17 * DAY,  # judging and voting side by side
            "Voting is open until 25 May 09:00",
            "Voting is open until 25 May 05:00",
        ),
        (
            T0 + 21 * DAY,  # voting alone
            "Voting is open until 25 May 09:00",
            "Voting is open until 25 May 05:00",
        ),
        (
            T0 + 24 * DAY,
            "Results will be announced in 1 day",
            "Results will be announced in 1 day",
        ),
        (
            T0 + 24 * DAY + 3600 * SECOND,
            "Results will be announced in 23 hours",
            "Results will be announced in 23 hours",
        ),
        (
            T0 + 25 * DAY,
            "Winners announced on 26 May 2026 09:00",
            "Winners announced on 26 May 2026 05:00",
        ),
    ],
)
def test_every_status_line_in_two_time_zones(moment: datetime, utc: str, new_york: str) -> None:
    plan = schedule()
    assert status_line(plan, moment, "UTC") == utc
    assert status_line(plan, moment, "America/New_York") == new_york


def test_review_after_voting_says_when_judging_starts() -> None:
    plan = schedule(
        voting_open=T0 + 14 * DAY, voting_close=T0 + 15 * DAY, judging_open=T0 + 16 * DAY
    )
    moment = T0 + 15 * DAY + 3600 * SECOND
    assert phase_at(plan, moment) is Phase.REVIEW
    assert status_line(plan, moment, "UTC") == "Submissions are closed; judging starts 17 May 09:00"
    assert status_line(plan, moment, "Asia/Tokyo") == (
        "Submissions are closed; judging starts 17 May 18:00"
    )
