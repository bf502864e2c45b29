"""Which locale a browser gets, the catalogs compiled at first use, and templates rendered in
the locale of the moment (plurals through the catalog's plural forms)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from contest import i18n
from contest.i18n import (
    current_locale,
    html_lang,
    negotiate,
    translations,
    using_locale,
    written_date,
)
from contest.web.rendering import build_templates


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("zh-HK", "zh_Hant"),
        ("zh-TW,en;q=0.5", "zh_Hant"),
        ("zh-MO", "zh_Hant"),
        ("zh-Hant-HK", "zh_Hant"),
        ("zh-CN", "zh_Hans"),
        ("zh-SG", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("zh-Hans-HK", "zh_Hans"),
        ("en-GB,zh-HK;q=0.8", "en"),
        ("fr, zh-Hant;q=0.3", "zh_Hant"),
        ("en;q=0, zh-CN", "zh_Hans"),
        ("zh-HK;q=0.2, en;q=0.9", "en"),
        ("fr, de", "DEFAULT"),
        ("", "DEFAULT"),
        ("*", "DEFAULT"),
        ("zh-HK;q=nonsense, ;;, -", "DEFAULT"),
    ],
)
def test_negotiate_picks_the_first_offered_language_by_quality(header: str, locale: str) -> None:
    assert negotiate(header, "DEFAULT") == locale


def test_a_huge_header_is_read_only_in_its_first_ranges() -> None:
    assert negotiate("fr, " * 10_000 + "zh-HK", "en") == "en"


def test_html_lang_is_the_bcp47_tag() -> None:
    assert [html_lang(code) for code in ("en", "zh_Hant", "zh_Hans", "xx")] == [
        "en",
        "zh-Hant",
        "zh-Hans",
        "en",
    ]


def test_catalogs_are_compiled_once_and_english_needs_none() -> None:
    assert translations("zh_Hant") is translations("zh_Hant")
    assert translations("zh_Hant").gettext("Sign in") == "登入"
    assert translations("zh_Hans").gettext("Sign in") == "登录"
    assert translations("en").gettext("Sign in") == "Sign in"
    assert translations("../etc").gettext("Sign in") == "Sign in"


def test_chinese_dates_are_written_as_chinese_readers_write_them() -> None:
    moment = datetime(2026, 5, 15, 18, 0)
    assert written_date(moment, "zh_Hant", with_time=True) == "5月15日 18:00"
    assert written_date(moment, "zh_Hans", with_year=True) == "2026年5月15日"


def test_the_shared_environment_renders_in_the_locale_of_the_moment() -> None:
    env = build_templates().env
    template = env.from_string(
        '{{ _("Sign in") }} {% trans name="<b>" %}Hi {{ name }}{% endtrans %}'
    )
    assert template.render() == "Sign in Hi &lt;b&gt;"
    with using_locale("zh_Hant"):
        assert template.render().startswith("登入 ")
    assert current_locale.get() == "en"


def test_plurals_go_through_the_catalogs_plural_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = Catalog(locale="zh_Hant")
    catalog.add(("%(num)s entry", "%(num)s entries"), ("%(num)s 件作品",))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    chinese = Translations(compiled)
    monkeypatch.setattr(
        i18n, "translations", lambda locale: chinese if locale == "zh_Hant" else Translations()
    )
    env = build_templates().env
    template = env.from_string(
        "{% trans num=n %}{{ num }} entry{% pluralize %}{{ num }} entries{% endtrans %}"
    )
    assert [template.render(n=n) for n in (1, 7)] == ["1 entry", "7 entries"]
    with using_locale("zh_Hant"):
        assert [template.render(n=n) for n in (1, 7)] == ["1 件作品", "7 件作品"]
