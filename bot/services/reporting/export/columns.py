"""The workbook's sheets as declared columns: translated headers and Excel number formats."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, Translator
from bot.services.documents.workbooks import DATE, DATETIME, PERCENT, Table

KIND_NAMES = {
    "department": N_("Department"),
    "district_office": N_("District office"),
    "school": N_("School"),
    "centre": N_("Centre"),
}
# /status's block labels. With the kinds above they are words ``thidua units import`` reads,
# so the units sheet, edited in Excel, can be imported back.
BLOCK_NAMES = {"district": N_("District block"), "so_direct": N_("Sở-direct units")}
NOT_SUBMITTED = N_("not submitted")


@dataclass(frozen=True)
class Column:
    header: str  # a msgid
    number_format: str | None = None
    wrap_at: int | None = None  # a printed sheet's long text wraps at this width


DEADLINE_COLUMNS = (Column(N_("Deadline")), Column(N_("School year")), Column(N_("Last day"), DATE))
UNIT_COLUMNS = (
    Column(N_("Unit code")),
    Column(N_("Unit name")),
    Column(N_("Block")),
    Column(N_("Parent unit")),
)
UNIT_SHEET_COLUMNS = (
    Column(N_("Unit code")),
    Column(N_("Unit name")),
    Column(N_("Kind")),
    Column(N_("Block")),
    Column(N_("Parent unit code")),
    Column(N_("Parent unit")),
    Column(N_("Active")),
)
SUBMISSION_COLUMNS = (
    *DEADLINE_COLUMNS,
    *UNIT_COLUMNS,
    Column(N_("Reference")),
    Column(N_("Status")),
    Column(N_("Late")),
    Column(N_("First submitted"), DATETIME),
    Column(N_("Last updated"), DATETIME),
    Column(N_("Version")),
)
AWARD_COLUMNS = (
    Column(N_("Award type")),
    Column(N_("Recipient")),
    Column(N_("Collective or individual")),
    *UNIT_COLUMNS,
    Column(N_("Decision number")),
    Column(N_("Decision date"), DATE),
    Column(N_("Recorded at"), DATETIME),
)
# Meant to be printed as well: fewer columns, long text wrapped, so a landscape page holds them.
EXEMPLAR_COLUMNS = (
    Column(N_("Unit code")),
    Column(N_("Unit name"), wrap_at=26),
    Column(N_("District or block"), wrap_at=20),
    Column(N_("Exemplar"), wrap_at=26),
    Column(N_("Collective or individual"), wrap_at=12),
    Column(N_("Field"), wrap_at=16),
    Column(N_("Pilot model"), wrap_at=26),
    Column(N_("Stage"), wrap_at=12),
    Column(N_("First reported in"), wrap_at=28),
    Column(N_("First reported on"), DATE, wrap_at=14),
    Column(N_("Award decision"), wrap_at=16),
    Column(N_("Decision date"), DATE, wrap_at=14),
    Column(N_("No longer an exemplar since"), DATE, wrap_at=14),
    Column(N_("Reason"), wrap_at=24),
)
QUOTA_COLUMNS = (
    Column(N_("Award type")),
    Column(N_("Scope")),
    Column(N_("Target")),
    Column(N_("Verified")),
    Column(N_("Achieved"), PERCENT),
    Column(N_("Left to go")),
    Column(N_("Reported by units")),
)
MISSING_COLUMNS = (
    *DEADLINE_COLUMNS,
    *UNIT_COLUMNS,
    Column(N_("Status")),
    Column(N_("Days overdue")),
)


def table(title: str, columns: tuple[Column, ...], rows: list[tuple], t: Translator) -> Table:
    """A sheet of ``rows`` under ``columns``, translated."""
    headers = [t(c.header) for c in columns]
    wraps = [c.wrap_at for c in columns]
    return Table(t(title), headers, [c.number_format for c in columns], rows, wraps)
