"""Campaign lists not in UTF-8 through the web: the organizer confirms how the file reads."""

import re
from typing import Any

import pytest

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_contest
from tests.web.manage.test_campaigns_web import campaign_page, create


@pytest.fixture
def contest_id(site: Site) -> int:
    """A published contest taking submissions."""
    return site.run(add_contest, site.db, Phase.SUBMISSIONS, now=site.clock()).id


CHINESE_LIST = "name,email\n李明,li.ming@uni.edu\n王芳,wang.fang@uni.edu\n"


def confirm(site: Site, contest_id: int, page: str, encoding: str) -> Any:
    """Press Preview again on the confirm page, with the reading chosen."""
    file_data = re.findall(r'name="file_data" value="([^"]*)"', page)[0]
    return create(site, contest_id, file=b"", file_data=file_data, encoding=encoding)


def test_a_gb18030_list_is_read_as_chinese_once_the_organizer_confirms_it(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    response = create(site, contest_id, file=CHINESE_LIST.encode("gb18030"))
    assert response.status_code == 200
    assert 'Read as Chinese (Simplified, GB18030): <span class="sample">李明 · 王芳' in (
        response.text
    )
    assert "Read as Chinese (Traditional, Big5)" in response.text
    assert 'value="gb18030" aria-describedby="encoding-hint" checked' in response.text
    assert site.value("SELECT count(*) FROM campaigns") == 0

    confirmed = confirm(site, contest_id, response.text, "gb18030")
    assert confirmed.status_code == 303, confirmed.text
    assert "Hello 李明," in site.client.get(confirmed.headers["location"]).text
    assert site.rows("SELECT email, name FROM campaign_recipients ORDER BY id") == [
        {"email": "li.ming@uni.edu", "name": "李明"},
        {"email": "wang.fang@uni.edu", "name": "王芳"},
    ]


def test_the_organizer_can_choose_another_reading_of_the_file(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    big5 = CHINESE_LIST.replace("李明", "陳大文").encode("cp950")
    response = create(site, contest_id, file=big5)
    assert 'Read as Chinese (Traditional, Big5): <span class="sample">陳大文 · 王芳' in (
        response.text
    )
    confirmed = confirm(site, contest_id, response.text, "cp1252")
    assert confirmed.status_code == 303
    names = [row["name"] for row in site.rows("SELECT name FROM campaign_recipients")]
    assert names == [big5.split(b"\n")[1].split(b",")[0].decode("cp1252"), "¤ýªÚ"]


def test_a_big5_file_added_later_is_confirmed_before_anything_is_added(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    create(site, contest_id, pasted="pat@uni.edu")
    page = campaign_page(site, contest_id)
    big5 = "email,name\nchan@uni.edu,陳大文\n".encode("cp950")
    data = {"addresses": "", "csrf_token": site.csrf(page)}
    files = {"file": ("hk.csv", big5, "text/csv")}
    asked = site.client.post(page + "/addresses", data=data, files=files)
    assert asked.status_code == 200 and "check how the file was read" in asked.text
    assert 'value="cp950" aria-describedby="encoding-hint" checked' in asked.text
    assert site.value("SELECT count(*) FROM campaign_recipients") == 1
    file_data = re.findall(r'name="file_data" value="([^"]*)"', asked.text)[0]
    data |= {"file_data": file_data, "encoding": "cp950", "csrf_token": site.csrf(page)}
    added = site.client.post(
        page + "/addresses", data=data, files={"file": ("", b"")}, follow_redirects=False
    )
    assert added.status_code == 303
    assert site.value("SELECT name FROM campaign_recipients WHERE email = 'chan@uni.edu'") == (
        "陳大文"
    )


def test_a_utf8_file_needs_no_confirmation_and_a_mangled_carried_file_is_refused(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    response = create(site, contest_id, file=CHINESE_LIST.encode())
    assert response.status_code == 303
    assert site.value("SELECT name FROM campaign_recipients ORDER BY id") == "李明"
    refused = create(site, contest_id, file=b"", file_data="@@not base64", encoding="gb18030")
    assert refused.status_code == 400 and "did not come back whole" in refused.text
    assert site.value("SELECT count(*) FROM campaigns") == 1
