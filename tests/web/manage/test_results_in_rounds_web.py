"""The results page of a contest judged in rounds: it waits for the last round, then ranks by
it and proposes the awards from it."""

from __future__ import annotations

from contest.judging.rounds import closing
from tests.conftest import Site
from tests.web.manage.test_rounds_web import build, decide_all, open_round


def test_the_results_wait_for_the_last_round_then_rank_and_propose_by_it(site: Site) -> None:
    b = build(site, photos=4, jurors=3)
    round_ = open_round(site, b, quorum=3)
    e0, e1, e2, e3 = b.entries
    decide_all(site, b, round_, {e0: 1, e1: 3, e2: 2, e3: 2})
    path = f"/manage/contests/{b.contest.id}/results"

    waiting = site.client.get(path)
    assert waiting.status_code == 200
    assert "Judged in rounds, and not over yet" in waiting.text
    assert 'id="publish-reason">Judging in rounds is not over' in waiting.text
    assert "They close" not in waiting.text
    refused = site.post(f"/manage/contests/{b.contest.id}/results/publish", {"confirm": "yes"})
    assert refused.status_code == 409
    assert "Not published: Judging in rounds is not over" in refused.text
    assert site.value("SELECT results_published_at FROM contests") is None

    site.run(closing.close, site.db, round_, rule=None, actor=b.organizer, now=site.clock())
    ranked = site.client.get(path)
    assert "Judged in rounds: the ranking is the last round" in ranked.text
    assert "Yes in the last round" in ranked.text
    # Three yes first; the two photos with two yes share place 2 and are named a tie.
    assert f"Proposed by the ranking: #{e1} Stacks at dusk 1" in ranked.text
    assert f"#{e2} Stacks at dusk 2 (rank 2)" in ranked.text
    assert f"#{e3} Stacks at dusk 3 (rank 2)" in ranked.text
    assert f"#{e0} Stacks at dusk 0 (rank 4)" in ranked.text
    assert 'id="publish-reason">Judging and public voting have not both closed yet.' in ranked.text
