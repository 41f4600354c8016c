"""Buttons as numbered options, for channels that have no buttons (Zalo, the terminal sandbox).

Every button of an answer gets one number, counted across all of its replies; a button the core
also understands as a typed word (a form's "back", "done") shows that word instead, so a number
typed as an answer (how many teachers? 3) never presses a navigation button by accident.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.events import Button, Reply


@dataclass(frozen=True)
class Numbered:
    # Each reply's text followed by its options, one per line.
    texts: list[str]
    # What typing 1, 2, ... presses.
    payloads: list[str]
    # False for an answer without buttons (a confirmation): the options shown before still hold.
    replaces_options: bool


def number_options(replies: Sequence[Reply]) -> Numbered:
    texts, payloads = [], []
    for reply in replies:
        lines = [reply.text]
        for button in reply.all_buttons():
            if button.typed is None:
                payloads.append(button.payload)
            lines.append(f"  [{_key(button, len(payloads))}] {button.label}")
        texts.append("\n".join(lines))
    return Numbered(texts, payloads, any(reply.buttons for reply in replies))


def _key(button: Button, number: int) -> str:
    return button.typed if button.typed is not None else str(number)


def pressed(text: str, payloads: Sequence[str]) -> str | None:
    """The payload of the option whose number was typed, if that is what was typed."""
    typed = text.strip()
    if typed.isdigit() and 1 <= int(typed) <= len(payloads):
        return payloads[int(typed) - 1]
    return None
