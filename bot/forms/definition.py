"""A form is declared: a code, a version and its fields in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.forms.fields import Field
from bot.i18n import N_


@dataclass(frozen=True)
class FormDefinition:
    code: str
    # Bump when the fields change: drafts made under an older version are carried forward.
    version: int
    title: str  # a msgid
    fields: tuple[Field, ...]
    # What its buttons' payloads start with: the route that handles them.
    button_prefix: str = "f"
    # The question before saving; may use {form} and {due}.
    confirm: str = N_("Submit “{form}” now? You can still change it until {due}.")
    # Said when the person puts the form aside: where they will find it again.
    kept: str = N_("Saved as a draft. You can continue any time from the menu.")

    def field(self, key: str) -> Field:
        return next(field for field in self.fields if field.key == key)

    def visible(self, answers: dict[str, Any]) -> list[Field]:
        """The fields asked, given the answers so far (a field may depend on an earlier one)."""
        return [f for f in self.fields if f.show_if is None or f.show_if.holds(answers)]

    def missing(self, answers: dict[str, Any]) -> list[Field]:
        """Required questions without a complete answer, in order."""
        return [
            f
            for f in self.visible(answers)
            if not f.optional and not f.complete(answers.get(f.key))
        ]
