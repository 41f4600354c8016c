"""Text helpers shared by search and typed answers."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


# Kept: the same option labels are folded for every typed choice and every cell of a table.
@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, accent-free form, so "Hùng Vương" matches "hung vuong"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return " ".join(bare.lower().split())


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at paragraph, line or word boundaries."""
    pieces = []
    while len(text) > limit:
        cut = _last_boundary(text, limit)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text or not pieces else pieces


def _last_boundary(text: str, limit: int) -> int:
    for separator in ("\n\n", "\n", " "):
        position = text.rfind(separator, 0, limit)
        if position > limit // 2:
            return position
    return limit
