"""The library's brand in Site settings: stored, shown on every page, organizers only."""

import io
import re
from collections.abc import Callable

from PIL import Image

from tests.conftest import Site

PAGE = "/manage/settings"
BRAND = {
    "brand_name": "City Library Photo Contests",
    "brand_accent": "#8a1538",
    "brand_header": "#003b2f",
    "brand_contact": "library@uni.edu",
    "brand_privacy_url": "https://uni.edu/privacy",
}


def _settings(site: Site) -> dict[str, str]:
    rows = site.rows("SELECT key, value FROM settings WHERE key LIKE 'brand_%'")
    return {row["key"]: row["value"] for row in rows}


def _logo_png() -> bytes:
    image = Image.new("RGBA", (300, 80), (0, 0, 0, 0))
    image.paste((255, 255, 255, 255), (5, 5, 75, 75))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _upload_logo(site: Site, data: bytes, name: str = "logo.png", action: str = "upload"):  # type: ignore[no-untyped-def]
    token = site.csrf(PAGE)
    return site.client.post(
        PAGE + "/logo",
        data={"csrf_token": token, "action": action},
        files={"logo": (name, data, "image/png")},
        follow_redirects=False,
    )


def test_the_default_brand_is_the_plain_one_and_links_no_brand_stylesheet(site: Site) -> None:
    page = site.client.get("/")
    assert "<title>Photo contests</title>" in page.text
    assert 'class="brand" href="http://testserver/">Photo contests</a>' in page.text
    assert "/brand.css" not in page.text
    assert "Privacy policy" not in page.text


def test_an_organizer_sets_the_brand_and_every_page_shows_it(site: Site) -> None:
    site.sign_in_as("organizer")
    saved = site.post(PAGE, BRAND)
    assert saved.status_code == 200 and "Saved." in saved.text
    assert _settings(site) == BRAND
    assert 'value="#8a1538"' in saved.text
    site.client.cookies.clear()
    for path in ("/", "/sign-in", "/no-such-page"):
        page = site.client.get(path)
        assert 'og:site_name" content="City Library Photo Contests"' in page.text, path
        assert '<a href="mailto:library@uni.edu">Contact library@uni.edu</a>' in page.text
        assert '<a href="https://uni.edu/privacy">Privacy policy</a>' in page.text
        assert "/brand.css?v=8a1538003b2f" in page.text
    assert (
        "<title>Sign in · City Library Photo Contests</title>" in site.client.get("/sign-in").text
    )
    css = site.client.get("/brand.css")
    assert css.headers["content-type"].startswith("text/css")
    assert css.text == ":root { --accent: #8a1538; --night: #003b2f; }\n"


def test_a_colour_too_light_for_white_text_is_refused_with_its_ratio_keeping_what_was_typed(
    site: Site,
) -> None:
    site.sign_in_as("organizer")
    typed = BRAND | {"brand_accent": "#7fb2ff", "brand_privacy_url": "javascript:alert(1)"}
    refused = site.post(PAGE, typed)
    assert refused.status_code == 400
    assert re.search(r"The accent colour #7fb2ff has a contrast of 1\.86:1", refused.text)
    assert "Try a darker colour, such as #" in refused.text
    assert "privacy policy&#39;s link as a web address" in refused.text
    assert 'value="#7fb2ff"' in refused.text
    assert 'value="City Library Photo Contests"' in refused.text
    assert _settings(site) == {}


def test_an_organizer_uploads_a_logo_shown_in_the_header_with_the_site_name_as_alt(
    site: Site,
) -> None:
    site.sign_in_as("organizer")
    site.post(PAGE, BRAND)
    uploaded = _upload_logo(site, _logo_png())
    assert uploaded.status_code == 303
    stored = site.value("SELECT value FROM settings WHERE key = 'brand_logo'")
    key = re.search(r'"key": "([^"]+)"', stored).group(1)  # type: ignore[union-attr]
    assert key.endswith(".png") and site.storage.exists(key)
    page = site.client.get(uploaded.headers["location"])
    assert "Done: the new logo is in the header of every page." in page.text
    assert (
        f'<img class="brand-logo" src="http://testserver/media/{key}"'
        ' alt="City Library Photo Contests" width="300" height="80">'
    ) in page.text
    image = site.client.get(f"/media/{key}")
    assert image.headers["content-type"] == "image/png"
    removed = _upload_logo(site, b"", action="remove")
    assert removed.status_code == 303
    assert site.value("SELECT value FROM settings WHERE key = 'brand_logo'") is None
    assert not site.storage.exists(key)
    assert "brand-logo" not in site.client.get("/").text


def test_an_svg_logo_is_refused_on_the_settings_page_and_nothing_is_stored(site: Site) -> None:
    site.sign_in_as("organizer")
    refused = _upload_logo(site, b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg")
    assert refused.status_code == 400
    assert "SVG images are not accepted" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert _settings(site) == {}
    assert site.storage.all_keys() == []


def test_only_organizers_change_the_brand_and_every_form_needs_its_token(site: Site) -> None:
    site.sign_in_as("participant")
    token = site.csrf("/")
    assert site.client.post(PAGE, data={**BRAND, "csrf_token": token}).status_code == 403
    files = {"logo": ("logo.png", _logo_png(), "image/png")}
    response = site.client.post(PAGE + "/logo", data={"csrf_token": token}, files=files)
    assert response.status_code == 403
    site.client.cookies.clear()
    site.sign_in_as("organizer", "boss@uni.edu")
    assert site.client.post(PAGE, data=BRAND).status_code == 400
    response = site.client.post(PAGE + "/logo", data={"action": "upload"}, files=files)
    assert response.status_code == 400
    assert _settings(site) == {}


def test_the_gallery_page_carries_the_brand_too(
    site: Site, make_entries: Callable[..., list[int]]
) -> None:
    make_entries()
    slug = site.value("SELECT slug FROM contests")
    site.sign_in_as("organizer", "boss@uni.edu")
    site.post(PAGE, BRAND)
    site.client.cookies.clear()
    gallery = site.client.get(f"/contests/{slug}/gallery")
    assert gallery.status_code == 200
    assert 'og:site_name" content="City Library Photo Contests"' in gallery.text
    assert '<a href="https://uni.edu/privacy">Privacy policy</a>' in gallery.text
