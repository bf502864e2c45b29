import re

from contest.contests import store as contest_store
from contest.contests.form import settings_to_form
from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import DAY, add_contest


def contest_form(site: Site, **changes: str) -> dict[str, str | list[str]]:
    """The new-contest form as the page prefills it, with a title, hashtag and changes."""
    page = site.client.get("/manage/contests/new").text
    values: dict[str, str | list[str]] = {}
    for name, value in re.findall(
        r'<input id="[^"]*" name="([^"]+)" type="(?:text|number|datetime-local)" value="([^"]*)"',
        page,
    ):
        values[name] = value
    for name, value in re.findall(
        r'<input id="[^"]*" name="(criterion_\d_\w+)" value="([^"]*)"', page
    ):
        values[name] = value
    values["timezone"] = "UTC"
    values["eligible_affiliations"] = ["student", "staff"]
    values["award_champion"] = "on"
    values["award_peoples_choice"] = "on"
    values["award_runners_up"] = "2"
    values["licence_text"] = "The library may show the photo with credit."
    values["score_method"] = "zscore"
    values["tie_break"] = "raw_mean"
    values["voting_mode"] = "accounts"
    return (
        values
        | {"title": "Spring Light", "hashtag": "#SpringLight", "categories": "Day\nNight"}
        | changes
    )


def test_organizer_creates_a_contest_through_the_form(site: Site) -> None:
    site.sign_in_as("organizer")
    data = contest_form(site, is_published="on", rules_md="Be **kind**.")
    response = site.post("/manage/contests/new", data, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("/judges")
    row = site.rows("SELECT slug, title, hashtag, is_published, rules_md FROM contests")[0]
    assert row == {
        "slug": "spring-light",
        "title": "Spring Light",
        "hashtag": "SpringLight",
        "is_published": 1,
        "rules_md": "Be **kind**.",
    }
    assert site.rows("SELECT name FROM categories ORDER BY position") == [
        {"name": "Day"},
        {"name": "Night"},
    ]
    assert [r["name"] for r in site.rows("SELECT name FROM rubric_criteria ORDER BY position")] == [
        "Relevance to the theme",
        "Creativity",
        "Technical quality",
    ]
    page = site.client.get("/contests/spring-light").text
    assert "<strong>kind</strong>" in page and "#SpringLight" in page
    assert "Equal scores go to the higher average raw score" in page  # the published tie rule
    assert "People's Choice goes to the most likes" in page


def test_bad_settings_keep_what_was_typed_and_say_what_is_wrong(site: Site) -> None:
    site.sign_in_as("organizer")
    data = contest_form(
        site,
        title="My Typed Title",
        voting_open="2026-04-10T09:00",
        voting_close="2026-04-01T09:00",
        criterion_0_weight="0",
    )
    response = site.post("/manage/contests/new", data)
    assert response.status_code == 400
    assert "Voting must close after it opens." in response.text
    assert "must weigh more than 0" in response.text
    assert 'value="My Typed Title"' in response.text
    assert 'value="2026-04-01T09:00"' in response.text
    assert site.value("SELECT count(*) FROM contests") == 0


def test_editing_keeps_the_address_and_category_ids(site: Site) -> None:
    site.sign_in_as("organizer")
    site.post("/manage/contests/new", contest_form(site), follow_redirects=False)
    contest_id = site.value("SELECT id FROM contests")
    day_id = site.value("SELECT id FROM categories WHERE name = 'Day'")
    edit_page = f"/manage/contests/{contest_id}/edit"
    assert 'value="Spring Light"' in site.client.get(edit_page).text
    form = settings_to_form(site.run(contest_store.get_contest, site.db, contest_id).settings)
    data = {name: form.getlist(name) for name in form._values}
    data |= {"title": "Spring Light 2026", "categories": "Day\nDusk"}
    response = site.post(edit_page, data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith(
        "/contests/spring-light"
    )
    assert site.value("SELECT title FROM contests") == "Spring Light 2026"
    assert site.value("SELECT id FROM categories WHERE name = 'Day'") == day_id
    assert site.rows("SELECT name FROM categories ORDER BY position") == [
        {"name": "Day"},
        {"name": "Dusk"},
    ]


def test_markdown_is_rendered_without_letting_html_or_scripts_through(site: Site) -> None:
    site.sign_in_as("organizer")
    rules = "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>"
    site.post(
        "/manage/contests/new",
        contest_form(site, rules_md=rules, is_published="on"),
        follow_redirects=False,
    )
    page = site.client.get("/contests/spring-light").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<img src=x" not in page


def test_invited_judge_appears_in_the_outbox_and_on_the_panel(site: Site) -> None:
    site.sign_in_as("organizer")
    site.post("/manage/contests/new", contest_form(site), follow_redirects=False)
    contest_id = site.value("SELECT id FROM contests")
    judges = f"/manage/contests/{contest_id}/judges"
    response = site.post(
        f"{judges}/invite", {"email": "Judge.Ann@uni.edu"}, form_page=judges, follow_redirects=False
    )
    assert response.status_code == 303
    outbox = site.client.get("/manage/outbox").text
    assert "judge.ann@uni.edu" in outbox and "Invitation to judge Spring Light" in outbox
    mail = site.value("SELECT body FROM outbox WHERE recipient = 'judge.ann@uni.edu'")
    link = re.search(r"http://testserver(/invitations/[\w-]+)", mail).group(1)
    assert link not in outbox  # the link acts as the judge: only their mailbox sees it

    site.client.cookies.clear()
    accept = site.client.get(link)
    assert "judge.ann@uni.edu" in accept.text
    response = site.post(
        link,
        {"display_name": "Ann Judge", "password": "judge password", "affiliation": "staff"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "Ann Judge" in site.client.get("/").text
    assert site.rows("SELECT users.email FROM contest_judges JOIN users ON users.id = user_id") == [
        {"email": "judge.ann@uni.edu"}
    ]
    assert site.client.get(link).status_code == 410


def test_bad_invitation_email_is_explained_on_the_judges_page(site: Site) -> None:
    site.sign_in_as("organizer")
    site.post("/manage/contests/new", contest_form(site), follow_redirects=False)
    judges = f"/manage/contests/{site.value('SELECT id FROM contests')}/judges"
    response = site.post(f"{judges}/invite", {"email": "not-an-address"}, form_page=judges)
    assert response.status_code == 400
    assert "Enter an email address" in response.text and 'value="not-an-address"' in response.text
    assert site.value("SELECT count(*) FROM outbox") == 0


def test_home_lists_current_contests_first_and_past_ones_as_archive(site: Site) -> None:
    now = site.clock()
    # Winners announced some 200 days ago, and a contest taking submissions now.
    site.run(add_contest, site.db, Phase.RESULTS, now=now - 200 * DAY, title="Old Autumn")
    site.run(add_contest, site.db, Phase.SUBMISSIONS, now=now, title="Live Spring")
    page = site.client.get("/").text
    assert page.index("Live Spring") < page.index("Past contests") < page.index("Old Autumn")
    assert "Submissions close in 11 days" in page


def test_drafts_are_hidden_from_the_public(site: Site) -> None:
    site.sign_in_as("organizer")
    site.post("/manage/contests/new", contest_form(site), follow_redirects=False)
    assert "Spring Light" in site.client.get("/").text
    site.client.cookies.clear()
    assert "Spring Light" not in site.client.get("/").text
    assert site.client.get("/contests/spring-light").status_code == 404


def test_people_page_changes_roles_and_disables_accounts(site: Site) -> None:
    site.sign_in_as("organizer")
    pat = site.add_user("participant", "pat@uni.edu")
    site.post(
        f"/manage/people/{pat}", {"action": "role", "role": "judge"}, form_page="/manage/people"
    )
    assert site.value("SELECT role FROM users WHERE id = ?", (pat,)) == "judge"
    site.post(f"/manage/people/{pat}", {"action": "disable"}, form_page="/manage/people")
    assert site.value("SELECT disabled_at FROM users WHERE id = ?", (pat,)) is not None


def test_signup_domain_setting_is_saved_and_enforced(site: Site) -> None:
    site.sign_in_as("organizer")
    response = site.post("/manage/settings", {"signup_domains": "uni.edu"})
    assert "Saved." in response.text
    site.client.cookies.clear()
    refused = site.post(
        "/sign-up",
        {
            "display_name": "X",
            "email": "x@gmail.com",
            "affiliation": "student",
            "password": "long password",
        },
    )
    assert refused.status_code == 400 and "@uni.edu" in refused.text


def test_number_fields_carry_their_limits_as_real_attributes(site: Site) -> None:
    site.sign_in_as("organizer")
    page = site.client.get("/manage/contests/new").text
    assert 'min="1" max="50" inputmode="numeric"' in page
    assert "&#34;" not in page
