"""How a draft moves between the steps of its form: to a field, the next one, back, the review.

Every move bumps the turn (``cursor["n"]``) and shows where the draft now is; the flow and the
steps of a table end with one of these moves.
"""

from __future__ import annotations

from bot.forms import prompts
from bot.forms.steps import REVIEW, FlowState, Step
from bot.i18n import N_


class Walk(FlowState):
    def show(self, note: str = "") -> Step:
        step = prompts.render(self)
        step.text = f"{note}\n\n{step.text}" if note else step.text
        return step

    def go(self, at: str, note: str = "") -> Step:
        for transient in ("sub", "row", "picked", "upload", "pending"):
            self.cursor.pop(transient, None)
        self.cursor["at"] = at
        return self.turn(note=note)

    def turn(self, sub: str | None = None, note: str = "") -> Step:
        """A new turn at the same place (or at the table row's question ``sub``)."""
        if sub is not None:
            self.cursor["sub"] = sub
        self.cursor["n"] += 1
        return self.show(note)

    def advance(self, key: str) -> Step:
        """Past the field ``key``: to the next field asked, or back to the review it came from."""
        if self.cursor.pop("review_after", False):
            return self.go(REVIEW)
        visible = [f.key for f in self.form.visible(self.answers)]
        later = visible[visible.index(key) + 1 :] if key in visible else []
        return self.go(later[0] if later else REVIEW)

    def back_from(self, key: str) -> Step:
        visible = [f.key for f in self.form.visible(self.answers)]
        index = visible.index(key) if key in visible else 0
        if self.cursor.get("review_after") or index == 0:
            note = "" if index else self.env.t(N_("This is the first question."))
            return self.go(REVIEW if self.cursor.get("review_after") else key, note)
        return self.go(visible[index - 1])
