"""Walks a person through a form, one step at a time: the conversation, without the database.

The state of a draft is its answers plus a small cursor (where we are, the table row being
filled, options ticked so far). Every transition bumps ``cursor["n"]``; buttons carry it, so a
press on a button from an earlier step is recognised instead of answering the wrong question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.events import Button, FileRef
from bot.forms.definition import FormDefinition
from bot.forms.fields import Answer, Env, Field, Group, Invalid, MultiChoice
from bot.i18n import N_
from bot.text import fold

REVIEW, CONFIRM = "_review", "_confirm"
# Typed words that navigate, for channels without buttons (Zalo) and people who type.
WORDS = {
    "back": ("quay lai", "tro lai", "back"),
    "skip": ("bo qua", "skip"),
    "cancel": ("huy", "/cancel", "cancel", "de sau"),
    "done": ("xong", "done", "finish", "hoan thanh"),
    "add": ("them", "add", "them dong"),
    "submit": ("gui", "nop", "submit", "send"),
    "yes": ("co", "yes", "dong y", "xac nhan", "ok"),
}
VERB = re.compile(r"^([a-z]+)(\d*)$")
REMOVAL = re.compile(r"(?:xoa|remove|delete)\s+(\d+)")


@dataclass
class Step:
    """What a transition produced: the text and buttons to show, and whether the form ended."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    finished: str | None = None  # "submit" (confirmed) or "cancel" (draft kept)


@dataclass
class Flow:
    form: FormDefinition
    draft_id: int
    answers: dict[str, Any]
    cursor: dict[str, Any]
    env: Env

    # ---- entry points ------------------------------------------------------------------------

    @classmethod
    def begin(cls, form: FormDefinition, draft_id: int, env: Env) -> Flow:
        flow = cls(form, draft_id, {}, {"n": 0}, env)
        flow._go(form.visible({})[0].key)
        return flow

    def carry_forward(self, old_version: int) -> str:
        """Keep the answers a newer version of the form still accepts; resume where one is due."""
        kept = {
            f.key: self.answers[f.key]
            for f in self.form.fields
            if f.key in self.answers and f.accepts(self.answers[f.key], self.env)
        }
        self.answers.clear()
        self.answers.update(kept)
        missing = self.form.missing(kept)
        self.cursor.clear()
        self.cursor["n"] = 0
        self._go(missing[0].key if missing else REVIEW)
        return self.env.t(
            N_(
                "This form was updated after you started it (version {old} → {new}). Your answers "
                "were kept where they still fit; please check the rest."
            ),
            old=old_version,
            new=self.form.version,
        )

    def show(self, note: str = "") -> Step:
        step = self._prompt()
        step.text = f"{note}\n\n{step.text}" if note else step.text
        return step

    def press(self, payload_verb: str, turn: int) -> Step:
        if turn != self.cursor["n"]:
            return self.show(
                self.env.t(
                    N_("That button belongs to an earlier question. Here is the current one:")
                )
            )
        verb, number = VERB.match(payload_verb).groups() if VERB.match(payload_verb) else ("", "")
        return self._act(verb, int(number) if number else None, Answer())

    def give(self, text: str | None, file: FileRef | None) -> Step:
        """Typed text or a file: an answer, or a navigation word."""
        verb, number = self._typed_verb(text) if file is None else ("", None)
        return self._act(verb, number, Answer(text=text, file=file))

    # ---- dispatch ----------------------------------------------------------------------------

    def _act(self, verb: str, number: int | None, answer: Answer) -> Step:
        if verb == "cancel":
            return Step(self.env.t(self.form.kept), finished="cancel")
        at = self.cursor["at"]
        try:
            if at == REVIEW:
                return self._at_review(verb, number)
            if at == CONFIRM:
                return self._at_confirm(verb)
            current = self.form.field(at)
            if isinstance(current, Group):
                return self._in_group(current, verb, number, answer)
            return self._at_field(current, verb, number, answer)
        except Invalid as problem:
            return self.show(problem.text(self.env.t))

    def _typed_verb(self, text: str | None) -> tuple[str, int | None]:
        typed = fold(text or "")
        for verb, words in WORDS.items():
            if typed in words:
                return verb, None
        removal = REMOVAL.fullmatch(typed)
        if removal and self._in_group_menu():
            return "remove", int(removal.group(1)) - 1
        if typed.isdigit() and self.cursor["at"] == REVIEW:
            return "edit", int(typed) - 1
        return "", None

    # ---- plain fields ------------------------------------------------------------------------

    def _at_field(self, current: Field, verb: str, number: int | None, answer: Answer) -> Step:
        if verb == "back":
            return self._back_from(current.key)
        if verb == "skip":
            return self._skip(current)
        if isinstance(current, MultiChoice):
            return self._multi(current, verb, number, answer)
        chosen = Answer(option=number) if verb == "option" else answer
        self.answers[current.key] = current.read(chosen, self.env)
        return self._advance(current.key)

    def _multi(self, current: MultiChoice, verb: str, number: int | None, answer: Answer) -> Step:
        picked = self.cursor.get("picked", self.answers.get(current.key, []))
        if verb == "done":
            self.answers[current.key] = current.finish(picked)
            self.cursor.pop("picked", None)
            return self._advance(current.key)
        chosen = Answer(option=number) if verb == "option" else answer
        self.cursor["picked"] = current.read_toggle(picked, chosen, self.env)
        return self._turn()

    def _skip(self, current: Field) -> Step:
        if not current.optional:
            raise Invalid(N_("This question cannot be skipped."))
        self.answers.pop(current.key, None)
        return self._advance(current.key)

    def _back_from(self, key: str) -> Step:
        visible = [f.key for f in self.form.visible(self.answers)]
        index = visible.index(key) if key in visible else 0
        if self.cursor.get("review_after") or index == 0:
            note = "" if index else self.env.t(N_("This is the first question."))
            return self._go(REVIEW if self.cursor.get("review_after") else key, note)
        return self._go(visible[index - 1])

    def _advance(self, key: str) -> Step:
        if self.cursor.pop("review_after", False):
            return self._go(REVIEW)
        visible = [f.key for f in self.form.visible(self.answers)]
        later = visible[visible.index(key) + 1 :] if key in visible else []
        return self._go(later[0] if later else REVIEW)

    # ---- repeatable tables -------------------------------------------------------------------

    def _in_group_menu(self) -> bool:
        at = self.cursor["at"]
        return (
            at not in (REVIEW, CONFIRM)
            and isinstance(self.form.field(at), Group)
            and "sub" not in self.cursor
        )

    def _in_group(self, group: Group, verb: str, number: int | None, answer: Answer) -> Step:
        if "sub" in self.cursor:
            return self._group_row(group, verb, number, answer)
        rows = self.answers.setdefault(group.key, [])
        if verb == "add" or (verb == "" and answer.text is not None and not rows):
            if len(rows) >= group.max_items:
                raise Invalid(N_("At most {count} rows fit here."), count=group.max_items)
            self.cursor.update(sub=group.fields[0].key, row={})
            # A first typed answer starts the first row, so a person who just types is not stuck.
            return self._group_row(group, verb, number, answer) if verb == "" else self._turn()
        if verb == "remove" and number is not None and 0 <= number < len(rows):
            rows.pop(number)
            return self._turn()
        if verb in ("done", "skip"):
            if len(rows) < group.min_items:
                raise Invalid(N_("Please add at least {count} row(s)."), count=group.min_items)
            return self._advance(group.key)
        if verb == "back":
            return self._back_from(group.key)
        raise Invalid(N_("Please press Add, Remove or Done (or type: them, xoa 2, xong)."))

    def _group_row(self, group: Group, verb: str, number: int | None, answer: Answer) -> Step:
        keys = [f.key for f in group.fields]
        current = group.fields[keys.index(self.cursor["sub"])]
        row = self.cursor["row"]
        if verb == "back":
            position = keys.index(current.key)
            if position == 0:
                self.cursor.pop("sub")
                self.cursor.pop("row")
                return self._turn()
            return self._turn(sub=keys[position - 1])
        if verb == "skip":
            if not current.optional:
                raise Invalid(N_("This question cannot be skipped."))
        else:
            chosen = Answer(option=number) if verb == "option" else answer
            row[current.key] = current.read(chosen, self.env)
        position = keys.index(current.key)
        if position + 1 < len(keys):
            return self._turn(sub=keys[position + 1])
        self.answers.setdefault(group.key, []).append(row)
        self.cursor.pop("sub")
        self.cursor.pop("row")
        return self._turn()

    # ---- review and confirmation -------------------------------------------------------------

    def _at_review(self, verb: str, number: int | None) -> Step:
        visible = self.form.visible(self.answers)
        if verb == "edit" and number is not None and 0 <= number < len(visible):
            self.cursor["review_after"] = True
            return self._go(visible[number].key)
        if verb == "submit":
            missing = self.form.missing(self.answers)
            if missing:
                note = self.env.t(N_("Some required answers are missing. Please answer this one:"))
                return self._go(missing[0].key, note)
            return self._go(CONFIRM)
        raise Invalid(N_("Type the number of an answer to change it, or press Submit."))

    def _at_confirm(self, verb: str) -> Step:
        if verb == "yes":
            return Step("", finished="submit")
        if verb == "back":
            return self._go(REVIEW)
        raise Invalid(N_("Please confirm with Yes, or go back to the review."))

    def back_to_review(self, note: str) -> Step:
        """After a confirmation the caller cannot accept (``note`` says why): the review again,
        so the person changes the answer at fault."""
        return self._go(REVIEW, note)

    # ---- moving and showing ------------------------------------------------------------------

    def _go(self, at: str, note: str = "") -> Step:
        for transient in ("sub", "row", "picked"):
            self.cursor.pop(transient, None)
        self.cursor["at"] = at
        return self._turn(note=note)

    def _turn(self, sub: str | None = None, note: str = "") -> Step:
        if sub is not None:
            self.cursor["sub"] = sub
        self.cursor["n"] += 1
        return self.show(note)

    def _prompt(self) -> Step:
        from bot.forms import prompts  # the wording lives apart from the state machine

        return prompts.render(self)
