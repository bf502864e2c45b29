"""The scripts hold no sentences: every word they write comes from the page
(``templates/_script_words.html``), rendered in the reader's language."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from contest.i18n import using_locale
from contest.web.rendering import build_templates

SCRIPTS = sorted((Path(__file__).resolve().parents[2] / "static").rglob("*.js"))
#: A sentence a person reads: two words with a space between, or a word ending as a sentence
#: does ("Uploading…", "Saved."); selectors, header names and event names are neither.
_SENTENCE = re.compile(r"[A-Za-z]{2,}[,;:]?\s+[A-Za-z]{2,}|[A-Za-z]{2,}\s*(?:…|\.\.\.|[.!?])\s*$")
#: A label a person reads: one capitalised word ("Liked"), or a count's words ("{n} likes").
_LABEL = re.compile(r"^[A-Z][a-z]+$|\{\w+\}\s*[A-Za-z]{2,}|[A-Za-z]{2,}\s*\{\w+\}")
#: Literals that are code, though they look like words: a directive and a request header.
CODE = frozenset({"use strict", "Accept"})


def string_literals(source: str) -> list[str]:
    """The string and template literals of a script, its comments left out (regular
    expression literals hold no quotes in these scripts, so they pass as code)."""
    found: list[str] = []
    index, size = 0, len(source)
    while index < size:
        char = source[index]
        if source.startswith("//", index):
            index = source.find("\n", index)
            index = size if index == -1 else index
        elif source.startswith("/*", index):
            end = source.find("*/", index + 2)
            index = size if end == -1 else end + 2
        elif char in "\"'`":
            start, index = index + 1, index + 1
            while index < size and source[index] != char:
                index += 2 if source[index] == "\\" else 1
            found.append(source[start:index])
            index += 1
        else:
            index += 1
    return found


def english_sentences(source: str) -> list[str]:
    """The literals of a script that read as English sentences."""
    return [
        text
        for text in string_literals(source)
        if text not in CODE and (_SENTENCE.search(text) or _LABEL.search(text))
    ]


def test_the_literal_finder_sees_sentences_but_not_code_or_comments() -> None:
    source = """
    // "Copy link" in a comment is not shown to anyone
    /* nor "this one here" */
    "use strict";
    var a = "Link copied", b = 'Uploading…', c = `Saved.`, d = "input[name=action]";
    var e = word("liked", "Liked"), f = "{n} likes", g = "unlike", h = "[data-like-count]";
    fetch(url, { method: "POST", headers: { "Accept": "application/json" } });
    el.textContent = "\\"quoted\\" words here";
    """
    assert english_sentences(source) == [
        "Link copied",
        "Uploading…",
        "Saved.",
        "Liked",
        "{n} likes",
        '\\"quoted\\" words here',
    ]


@pytest.mark.parametrize("script", SCRIPTS, ids=[path.name for path in SCRIPTS])
def test_no_script_writes_an_english_sentence_of_its_own(script: Path) -> None:
    assert english_sentences(script.read_text(encoding="utf-8")) == []


def _script_words(page: str) -> dict[str, str]:
    tag = page.split('<template id="script-words"', 1)[1].split(">", 1)[0]
    return {
        name: html.unescape(value) for name, value in re.findall(r'data-([\w-]+)="([^"]*)"', tag)
    }


def _rendered_words(locale: str) -> dict[str, str]:
    """The words template as the pages that load a script include it, in that locale."""
    with using_locale(locale):
        return _script_words(build_templates().env.get_template("_script_words.html").render())


def test_every_word_a_script_reads_is_on_the_page_in_the_readers_language() -> None:
    english = _rendered_words("en")
    chinese = _rendered_words("zh_Hant")
    simplified = _rendered_words("zh_Hans")
    wanted = {"link-copied", "uploading", "uploading-percent", "upload-failed", "not-a-photo"}
    assert wanted <= english.keys() and english.keys() == chinese.keys() == simplified.keys()
    for source in SCRIPTS:
        script = source.read_text(encoding="utf-8")
        for name in re.findall(r'\bword\("(\w+)"\)|(?<![\w/])words\.(\w+)', script):
            attribute = re.sub(r"[A-Z]", lambda m: "-" + m[0].lower(), name[0] or name[1])
            assert attribute in english, (source.name, attribute)
    assert english["link-copied"] == "Link copied" and chinese["link-copied"] == "已複製連結"
    assert chinese["uploading-percent"] == "上載中… {percent}"
    assert simplified["upload-failed"] == "上传失败。请检查网络连接后再试。"
    assert english["one"] == "{n} like" and chinese["many"] == "{n} 個讚"
    for words in (chinese, simplified):
        left = [re.sub(r"\{\w+\}", "", value) for value in words.values()]
        assert not [value for value in left if re.search(r"[A-Za-z]{2,}", value)]
