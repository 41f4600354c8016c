"""Walks a person through a form, one step at a time: the conversation, without the database.

A press or a typed answer goes to the step the draft is at: a plain field, a table (see
:mod:`bot.forms.tables`), the review of every answer, or the confirmation. Each ends with a move
(:class:`bot.forms.walk.Walk`) that bumps the turn and shows the next step.
"""

from __future__ import annotations

import re

from bot.events import FileRef
from bot.forms.definition import FormDefinition
from bot.forms.fields import Answer, Env, Field, Group, Invalid, MultiChoice
from bot.forms.steps import CONFIRM, REVIEW, Step, typed_verb
from bot.forms.tables import in_table_menu, table_step
from bot.forms.walk import Walk
from bot.i18n import N_

VERB = re.compile(r"^([a-z]+)(\d*)$")


class Flow(Walk):
    # ---- entry points ------------------------------------------------------------------------

    @classmethod
    def begin(cls, form: FormDefinition, draft_id: int, env: Env) -> Flow:
        flow = cls(form, draft_id, {}, {"n": 0}, env)
        flow.go(form.visible({})[0].key)
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
        self.go(missing[0].key if missing else REVIEW)
        return self.env.t(
            N_(
                "This form was updated after you started it (version {old} → {new}). Your answers "
                "were kept where they still fit; please check the rest."
            ),
            old=old_version,
            new=self.form.version,
        )

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
        verb, number = ("", None)
        if file is None:
            at_review, in_table = self.cursor["at"] == REVIEW, in_table_menu(self)
            verb, number = typed_verb(text, at_review=at_review, in_table=in_table)
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
                return table_step(self, current, verb, number, answer)
            return self._at_field(current, verb, number, answer)
        except Invalid as problem:
            return self.show(problem.text(self.env.t))

    # ---- plain fields ------------------------------------------------------------------------

    def _at_field(self, current: Field, verb: str, number: int | None, answer: Answer) -> Step:
        if verb == "back":
            return self.back_from(current.key)
        if verb == "skip":
            return self._skip(current)
        if isinstance(current, MultiChoice):
            return self._multi(current, verb, number, answer)
        chosen = Answer(option=number) if verb == "option" else answer
        self.answers[current.key] = current.read(chosen, self.env)
        return self.advance(current.key)

    def _multi(self, current: MultiChoice, verb: str, number: int | None, answer: Answer) -> Step:
        picked = self.cursor.get("picked", self.answers.get(current.key, []))
        if verb == "done":
            self.answers[current.key] = current.finish(picked)
            self.cursor.pop("picked", None)
            return self.advance(current.key)
        chosen = Answer(option=number) if verb == "option" else answer
        self.cursor["picked"] = current.read_toggle(picked, chosen, self.env)
        return self.turn()

    def _skip(self, current: Field) -> Step:
        if not current.optional:
            raise Invalid(N_("This question cannot be skipped."))
        self.answers.pop(current.key, None)
        return self.advance(current.key)

    # ---- review and confirmation -------------------------------------------------------------

    def _at_review(self, verb: str, number: int | None) -> Step:
        visible = self.form.visible(self.answers)
        if verb == "edit" and number is not None and 0 <= number < len(visible):
            self.cursor["review_after"] = True
            return self.go(visible[number].key)
        if verb == "submit":
            missing = self.form.missing(self.answers)
            if missing:
                note = self.env.t(N_("Some required answers are missing. Please answer this one:"))
                return self.go(missing[0].key, note)
            return self.go(CONFIRM)
        raise Invalid(N_("Type the number of an answer to change it, or press Submit."))

    def _at_confirm(self, verb: str) -> Step:
        if verb == "yes":
            return Step("", finished="submit")
        if verb == "back":
            return self.go(REVIEW)
        raise Invalid(N_("Please confirm with Yes, or go back to the review."))

    def back_to_review(self, note: str) -> Step:
        """After a confirmation the caller cannot accept (``note`` says why): the review again,
        so the person changes the answer at fault."""
        return self.go(REVIEW, note)
