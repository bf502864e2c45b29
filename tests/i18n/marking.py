"""Finds the words a person could read that are not marked for translation, and the marked
messages the catalogs lack, in templates and modules.

``python -m tests.i18n.marking templates/manage/results.html contest/judging`` lists both for
those files (all of them when none is named); the catalog tests assert the lists are empty.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from contest.i18n import LOCALE_DIR, LOCALES

ROOT = Path(__file__).resolve().parents[2]
CHINESE = [code for code in LOCALES if code != "en"]
#: Modules whose output is for the people who run the site (the command line) or is the demo's
#: own example content, which stay English.
ENGLISH_ONLY = ("contest/cli/", "contest/demo/")
#: Words that are the same in every language here: formats, protocols, the networks' names.
SAME_IN_EVERY_LANGUAGE = frozenset(
    {
        "CSV", "JSON", "PDF", "PNG", "JPEG", "JPG", "WebP", "SVG", "QR", "URL", "SMTP", "ID",
        "HTML", "UTF", "GB18030", "Big5", "Excel", "OK", "Facebook", "Instagram", "Weibo",
        "WeChat", "X", "LinkedIn", "Threads", "Bluesky", "Mastodon", "WhatsApp", "IMG_1234",
        "alt", "og", "A4", "JavaScript", "Markdown", "Schulze",
    }
)  # fmt: skip
#: Attributes whose values people read (or hear).
READ_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "aria-label", "label"})
_WORD = re.compile(r"(?<![#\w])(?:[A-Za-z][A-Za-z_0-9']+|[A-Za-z]\b)")
#: Page titles end with this; base.html puts the library's name (translated default) there.
TITLE_SUFFIX = "· Photo contests"
#: Attribute text a tag's ``{% if %}`` leaves outside the tag once Jinja is taken out.
_ATTRIBUTE_DEBRIS = re.compile(r'^(?:\s*[\w-]+="[^"]*")+\s*$')

_JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
_TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_RAW_BLOCK = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)


def _english_words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text) if word not in SAME_IN_EVERY_LANGUAGE]


class _ReadableText(HTMLParser):
    """Collects text nodes and read attributes, skipping scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        values = dict(attrs)
        for name, value in attrs:
            described = (values.get("name") or values.get("property") or "").rsplit(":", 1)[-1]
            read = described in ("description", "title", "alt")
            if value and (name in READ_ATTRIBUTES or (name == "content" and read)):
                self.found.append(value)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.found.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        text = data.replace(TITLE_SUFFIX, " ").strip()
        if not self._skipping and text and not _ATTRIBUTE_DEBRIS.match(text):
            self.found.append(text)


def unmarked_in_template(path: Path) -> list[str]:
    """Readable text of a template outside ``{% trans %}`` and ``{{ }}``."""
    source = _RAW_BLOCK.sub(" ", path.read_text(encoding="utf-8"))
    source = _JINJA.sub(" ", _TRANS_BLOCK.sub(" ", source))
    reader = _ReadableText()
    reader.feed(source)
    return [text for text in reader.found if _english_words(text)]


def _name(node: ast.AST) -> str:
    """The name a call or base class is written with: ``Invalid``, ``errors.Invalid``."""
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def _error_classes() -> set[str]:
    """The names of the ContestError family, wherever a module defines one."""
    names = {"ContestError"}
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in (ROOT / "contest").rglob("*.py")]
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {_name(base) for base in node.bases}
                    if bases & names:
                        names.add(node.name)
                        grew = True
    return names


def _literal(node: ast.AST | None) -> bool:
    """A sentence written in place: a string literal with a word, or any f-string."""
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(_english_words(node.value))
    )


def unmarked_in_module(path: Path, error_classes: set[str]) -> list[str]:
    """Sentences a module gives people without ``N_``: an error raised with a literal, a
    field's error written in place, a mail's subject or body."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in error_classes and node.args and _literal(node.args[0]):
                found.append(f"{path.name}:{node.lineno} {name}(...)")
            if name in error_classes and node.args and isinstance(node.args[0], ast.Dict):
                for value in node.args[0].values:
                    if _literal(value):
                        found.append(f"{path.name}:{node.lineno} {name}({{...}})")
            if name == "queue_mail":
                for keyword in node.keywords:
                    if keyword.arg in ("subject", "body") and _literal(keyword.value):
                        found.append(f"{path.name}:{node.lineno} queue_mail({keyword.arg}=...)")
        if isinstance(node, ast.Assign) and _literal(node.value):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and getattr(target.value, "id", "") in (
                    "errors",
                    "problems",
                ):
                    found.append(f"{path.name}:{node.lineno} {target.value.id}[...] = ...")  # type: ignore[attr-defined]
    return found


def marked_messages(path: Path) -> set[str]:
    """The msgids pybabel extracts from a file, as babel.cfg says."""
    method = "jinja2" if path.suffix == ".html" else "python"
    options = {"trimmed": "true"} if method == "jinja2" else {}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Nn_": (1, 2)}
    return {
        message if isinstance(message, str) else message[0]
        for _, message, _, _ in extract_from_file(method, path, keywords=keywords, options=options)
    }


def catalog_ids(locale: str) -> set[str]:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=locale)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}


def translatable_files(named: Iterable[str] = ()) -> Iterator[Path]:
    """Every template and module a person reads words of (or those named, folders opened)."""
    roots = [ROOT / name for name in named] or [ROOT / "templates", ROOT / "contest"]
    for root in roots:
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            relative = path.relative_to(ROOT).as_posix()
            if path.suffix in (".html", ".py") and not relative.startswith(ENGLISH_ONLY):
                yield path


def report(named: Iterable[str] = ()) -> dict[str, list[str]]:
    """For each file with something left: its unmarked text and its messages not translated."""
    error_classes = _error_classes()
    translated = {locale: catalog_ids(locale) for locale in CHINESE}
    left: dict[str, list[str]] = {}
    for path in translatable_files(named):
        if path.suffix == ".html":
            problems = [f"unmarked: {text!r}" for text in unmarked_in_template(path)]
        else:
            problems = [f"unmarked: {text}" for text in unmarked_in_module(path, error_classes)]
        marked = marked_messages(path)
        for locale in CHINESE:
            problems += [f"not in {locale}: {m!r}" for m in sorted(marked - translated[locale])]
        if problems:
            left[path.relative_to(ROOT).as_posix()] = problems
    return left


if __name__ == "__main__":
    for name, problems in report(sys.argv[1:]).items():
        print(name)
        for problem in problems:
            print("   ", problem)
