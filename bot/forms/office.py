"""The office's own short form: recording an award from its decision."""

from __future__ import annotations

from bot.forms.catalog import ANY_AWARD, AWARD_SOURCES, KIND
from bot.forms.definition import FormDefinition
from bot.forms.fields import Choice, Date, ShowIf, SingleChoice, Text
from bot.i18n import N_

# An order's classes (hạng Nhất, Nhì, Ba), asked for the award types that have them.
AWARD_CLASSES = {1: N_("First class"), 2: N_("Second class"), 3: N_("Third class")}
CLASSES = tuple(Choice(str(number), label) for number, label in AWARD_CLASSES.items())

AWARD = FormDefinition(
    code="award",
    version=2,
    title=N_("Award record"),
    button_prefix="aw",
    confirm=N_("Record this award? It then counts toward the plan's targets."),
    kept=N_("Put aside. Open the unit's card again (/unit) to continue this award."),
    fields=(
        SingleChoice(key="award", label=N_("Which award?"), source=ANY_AWARD),
        SingleChoice(
            key="award_class",
            label=N_("Which class?"),
            options=CLASSES,
            show_if=ShowIf("award", frozenset(AWARD_SOURCES["orders"])),
        ),
        SingleChoice(key="kind", label=N_("Collective or individual?"), options=KIND),
        Text(
            key="recipient",
            label=N_("Full name of the person awarded"),
            max_length=255,
            show_if=ShowIf("kind", "individual"),
        ),
        Text(key="decision_number", label=N_("Decision number, e.g. 1234/QĐ-UBND"), max_length=64),
        # Any past date: an award decided outside the plan's period is kept, counted apart.
        Date(key="decision_date", label=N_("Date of the decision")),
    ),
)
