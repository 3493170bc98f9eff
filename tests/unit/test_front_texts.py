"""The front ends' texts: one dictionary per front end (app/texts.js, admin/texts.js) plus the shared one
(shared/texts.js), each a `const zh = {...}` and a `const en = {...}` with the same keys, in one key style;
and every text a module asks for by a literal key is defined where that module runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

MINIAPP = Path(__file__).resolve().parents[2] / "miniapp"
DICTIONARIES = {
    "shared": MINIAPP / "shared/texts.js",
    "app": MINIAPP / "app/texts.js",
    "admin": MINIAPP / "admin/texts.js",
}
STRING = r'"((?:[^"\\]|\\.)*)"'
ENTRY = re.compile(STRING + r"\s*:\s*" + STRING)
KEY_STYLE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
LITERAL_KEY = re.compile(r"(?<![\w.])t\(\s*\"([^\"]+)\"")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def entries(front_end: str, lang: str) -> list[tuple[str, str]]:
    source = DICTIONARIES[front_end].read_text(encoding="utf-8")
    block = re.search(rf"^const {lang} = \{{\n(.*?)\n\}};$", source, re.S | re.M)
    assert block, f"{front_end}: no `const {lang} = {{...}};` in {DICTIONARIES[front_end].name}"
    return ENTRY.findall(block.group(1))


def keys(front_end: str) -> set[str]:
    return {k for k, _ in entries(front_end, "zh")}


@pytest.mark.parametrize("front_end", DICTIONARIES)
def test_every_zh_text_has_an_en_text_and_back(front_end):
    zh, en = dict(entries(front_end, "zh")), dict(entries(front_end, "en"))
    assert sorted(set(zh) - set(en)) == [], "zh only"
    assert sorted(set(en) - set(zh)) == [], "en only"
    for key in zh:
        assert zh[key].strip() and en[key].strip(), key
        assert set(PLACEHOLDER.findall(zh[key])) == set(PLACEHOLDER.findall(en[key])), key


@pytest.mark.parametrize("front_end", DICTIONARIES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_keys_are_unique_and_in_one_style(front_end, lang):
    found = [k for k, _ in entries(front_end, lang)]
    assert len(found) == len(set(found)), sorted({k for k in found if found.count(k) > 1})
    assert [k for k in found if not KEY_STYLE.match(k)] == []


@pytest.mark.parametrize("front_end", ["app", "admin"])
def test_a_front_end_does_not_redefine_a_shared_text(front_end):
    assert sorted(keys(front_end) & keys("shared")) == []


def test_only_the_dictionaries_register_texts():
    registering = sorted(
        str(p.relative_to(MINIAPP))
        for end in DICTIONARIES
        for p in (MINIAPP / end).rglob("*.js")
        if "register(" in p.read_text(encoding="utf-8") and p.name != "i18n.js"
    )
    assert registering == sorted(str(p.relative_to(MINIAPP)) for p in DICTIONARIES.values())


@pytest.mark.parametrize("front_end", DICTIONARIES)
def test_every_literal_key_a_module_asks_for_is_defined(front_end):
    known = keys(front_end) | keys("shared")
    for module in sorted((MINIAPP / front_end).rglob("*.js")):
        asked = set(LITERAL_KEY.findall(module.read_text(encoding="utf-8")))
        assert sorted(asked - known) == [], module.relative_to(MINIAPP)
