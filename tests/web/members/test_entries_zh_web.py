"""The entry form's refusals and the mail that acknowledges an entry, in the entrant's language."""
# ruff: noqa: RUF001 -- Chinese pages use full-width punctuation

from __future__ import annotations

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest
from tests.web.members.test_entries_web import ENTRY, photo_bytes, submit

HONG_KONG = "zh-HK,zh;q=0.9,en;q=0.8"
MAINLAND = "zh-CN,zh;q=0.9"


def a_contest(site: Site, **settings: object) -> str:
    contest = site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock(), **settings)
    return contest.slug


def test_field_errors_are_in_traditional_chinese_for_a_hong_kong_browser(site: Site) -> None:
    slug = a_contest(site, categories=("Day", "Night"))
    site.sign_in_as("participant", "pat@uni.edu")
    site.client.headers["Accept-Language"] = HONG_KONG

    refused = submit(site, slug, photo_bytes(), title="IMG_1234", consent_own_work="")

    assert refused.status_code == 400
    assert "「IMG_1234」看來是相機的檔案名稱。" in refused.text
    assert "請確認這張相片是你親自拍攝的。" in refused.text
    assert "looks like a camera file name" not in refused.text
    assert "Confirm that you took this photo yourself." not in refused.text


def test_an_ineligible_account_is_told_why_in_simplified_chinese(site: Site) -> None:
    slug = a_contest(site, eligible_affiliations=("staff",))
    site.sign_in_as("participant", "pat@uni.edu")  # a student
    site.client.headers["Accept-Language"] = MAINLAND

    page = site.client.get(f"/contests/{slug}/enter").text

    assert "本次比赛仅面向：教职工。你的账户登记身份为学生。" in page
    assert "This contest is open to" not in page


def test_the_acknowledgement_is_mailed_in_the_language_of_the_entry_form(site: Site) -> None:
    slug = a_contest(site, categories=("Day", "Night"))
    site.sign_in_as("participant", "pat@uni.edu")
    site.client.headers["Accept-Language"] = MAINLAND

    sent = submit(site, slug, photo_bytes(), title="夜读时光")

    assert sent.status_code == 303
    [mail] = site.rows("SELECT subject, body, locale FROM outbox WHERE subject LIKE '%夜读时光%'")
    assert mail["locale"] == "zh_Hans"
    assert mail["subject"] == "我们已收到你的照片“夜读时光”"
    assert "主办方会尽快审核" in mail["body"] and "Thank you" not in mail["body"]
    assert ENTRY["title"] not in mail["body"]
