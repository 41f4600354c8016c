"""What the flow (the state machine) and the prompts (its wording) share: where in a form a
draft can be, what one step produces, and the words that stand for buttons.

A leaf of the forms engine, as aiogram-dialog's examples keep their state ids in a leaf
``states.py``: the flow imports the prompts to show a step, and both import this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.events import Button
from bot.forms.definition import FormDefinition
from bot.forms.fields import Env
from bot.i18n import N_
from bot.text import fold

# Where a draft can be besides a field's key: the review of every answer, the confirmation.
REVIEW, CONFIRM = "_review", "_confirm"


@dataclass(frozen=True)
class Verb:
    """A navigation button, as a person can also type it (on Zalo, or out of habit)."""

    typed: str  # msgid: the word a channel without buttons shows in place of a number
    words: tuple[str, ...]  # what typing means this verb, folded; the translations of `typed`


VERBS = {
    "back": Verb(N_("back"), ("quay lai", "tro lai", "back")),
    "skip": Verb(N_("skip"), ("bo qua", "skip")),
    "cancel": Verb(N_("cancel"), ("huy", "/cancel", "cancel", "de sau")),
    "done": Verb(N_("done"), ("xong", "done", "finish", "hoan thanh")),
    "add": Verb(N_("add"), ("them", "add", "them dong")),
    "submit": Verb(N_("submit"), ("gui", "nop", "submit", "send")),
    "yes": Verb(N_("yes"), ("co", "yes", "dong y", "xac nhan", "ok")),
}
# Removing a table's row takes "remove 2" typed out: a bare number is too easily typed meaning
# the row to look at. TYPED_REMOVAL is what the button shows; REMOVAL reads it, folded.
TYPED_REMOVAL = N_("remove {number}")
REMOVAL = re.compile(r"(?:xoa|remove|delete)\s+(\d+)")


def typed_verb(text: str | None, *, at_review: bool, in_table: bool) -> tuple[str, int | None]:
    """The verb a typed text stands for and its number (a row, an answer), or ``("", None)``
    when it is an answer. A bare number is an answer, except on the review screen, where it
    is the answer to change."""
    typed = fold(text or "")
    for verb, spec in VERBS.items():
        if typed in spec.words:
            return verb, None
    removal = REMOVAL.fullmatch(typed)
    if removal and in_table:
        return "remove", int(removal.group(1)) - 1
    if typed.isdigit() and at_review:
        return "edit", int(typed) - 1
    return "", None


@dataclass
class Step:
    """What a transition produced: the text and buttons to show, and whether the form ended."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    finished: str | None = None  # "submit" (confirmed) or "cancel" (draft kept)


@dataclass
class FlowState:
    """A draft in a form: its answers plus a small cursor (where it is, the table row being
    filled, options ticked so far). ``cursor["n"]`` counts the transitions: buttons carry it,
    so a press on a button of an earlier step is recognised, not taken for this one's."""

    form: FormDefinition
    draft_id: int
    answers: dict[str, Any]
    cursor: dict[str, Any]
    env: Env
