"""The catalogs match the code: every message extracted, every one translated, in vi and en."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES, LOCALES_DIR

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "plural": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


SOURCES = re.compile(r"^\[python: (\w+)/\*\*\.py\]$", re.MULTILINE)


def messages_in_code() -> set[str | tuple[str, str]]:
    """What ``make i18n`` extracts: the packages babel.cfg names."""
    found = set()
    for package in SOURCES.findall((ROOT / "babel.cfg").read_text()):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def catalog(locale: str):
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as stream:
        return read_po(stream, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_exactly_the_messages_in_the_code(locale):
    in_catalog = {m.id for m in catalog(locale) if m.id}
    code = messages_in_code()
    assert sorted(map(str, code - in_catalog)) == [], "run 'make i18n' and translate"
    assert sorted(map(str, in_catalog - code)) == [], "obsolete entries: run 'make i18n'"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_with_the_same_placeholders(locale):
    for message in catalog(locale):
        if not message.id:
            continue
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        assert all(translations), f"{locale}: untranslated {message.id!r}"
        assert "fuzzy" not in message.flags, f"{locale}: fuzzy {message.id!r}"
        expected = set(PLACEHOLDER.findall(source[-1]))
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) == expected, f"{locale}: {message.id!r}"


def test_vietnamese_is_written_with_diacritics():
    texts = " ".join(
        s
        for m in catalog("vi")
        if m.id
        for s in (m.string if isinstance(m.string, tuple) else (m.string,))
    )
    for word in ("Hạn nộp", "Văn phòng Sở", "mã mời", "Đã nộp"):
        assert word in texts
