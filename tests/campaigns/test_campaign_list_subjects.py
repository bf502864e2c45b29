"""The campaign list shows each subject as its recipients read it, placeholders filled."""

from contest.campaigns.text import DEFAULTS
from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_campaign, add_contest


def test_campaign_list_fills_the_contests_placeholders_in_subjects(site: Site) -> None:
    now = site.clock()
    contest = site.run(
        add_contest, site.db, Phase.SUBMISSIONS, now=now, title="Day & Night at the Library"
    )
    site.sign_in_as("organizer", "olive@uni.edu")
    olive = site.user(site.value("SELECT id FROM users WHERE email = 'olive@uni.edu'"))
    site.run(add_campaign, site.db, contest, olive, addresses="pat@uni.edu", now=now)
    assert DEFAULTS["invite"][0] == "Take part in {contest}"
    campaign_id = site.value("SELECT max(id) FROM campaigns")
    site.execute(
        "UPDATE campaigns SET subject = ? WHERE id = ?",
        ("{name}: {hashtag} {{braces}} in {contest}", campaign_id),
    )
    site.run(add_campaign, site.db, contest, olive, addresses="sam@uni.edu", now=now)

    html = site.client.get(f"/manage/contests/{contest.id}/campaigns").text

    assert "Take part in Day &amp; Night at the Library</a>" in html
    hashtag = contest.settings.hashtag
    assert f"{{name}}: #{hashtag} {{braces}} in Day &amp; Night at the Library</a>" in html
    assert "{contest}" not in html
