"""The office's own short form: recording an award from its decision."""

from __future__ import annotations

from datetime import date

from bot.forms.catalog import ANY_AWARD, KIND
from bot.forms.definition import FormDefinition
from bot.forms.fields import Date, ShowIf, SingleChoice, Text
from bot.i18n import N_

# The plan period starts in 2016; no decision it counts can be older.
EARLIEST_DECISION = date(2016, 1, 1)

AWARD = FormDefinition(
    code="award",
    version=1,
    title=N_("Award record"),
    button_prefix="aw",
    confirm=N_("Record this award? It then counts toward the plan's targets."),
    kept=N_("Put aside. Open the unit's card again (/unit) to continue this award."),
    fields=(
        SingleChoice(key="award", label=N_("Which award?"), source=ANY_AWARD),
        SingleChoice(key="kind", label=N_("Collective or individual?"), options=KIND),
        Text(
            key="recipient",
            label=N_("Full name of the person awarded"),
            max_length=255,
            show_if=ShowIf("kind", "individual"),
        ),
        Text(key="decision_number", label=N_("Decision number, e.g. 1234/QĐ-UBND"), max_length=64),
        Date(key="decision_date", label=N_("Date of the decision"), earliest=EARLIEST_DECISION),
    ),
)
