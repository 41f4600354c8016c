"""The office's workbook (``thidua export``, ``/export``): units, registrations, reports, awards,
quota progress and the units that still owe a deadline, one sheet each.

Each sheet is a table a clerk can work with at once: translated headers in bold on a frozen row,
a filter over the data, widths fitted to the content, and dates as real Excel dates in the
plan's time zone, so they sort and filter as dates. Sheets are declared as columns and rows of
plain values; one writer lays every sheet out.

Collecting (a few set-based queries, in the caller's unit of work) is apart from writing
(openpyxl, CPU only), so a chat handler can write in a thread while the bot keeps answering.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db import audit
from bot.db.models import (
    Award,
    AwardType,
    Deadline,
    PilotModel,
    Plan,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    Unit,
)
from bot.db.repositories import PlanRepository
from bot.forms.catalog import AWARD_SOURCES, REGISTRATION, UNIT_MODELS, form_for
from bot.forms.definition import FormDefinition
from bot.forms.fields import Choice, Date, Field, Group, Integer
from bot.i18n import N_, Translator
from bot.services.awards.quotas import QuotaLine, progress
from bot.services.obligations.deadlines import school_year_of
from bot.services.obligations.owing import owing_units
from bot.services.reporting.drafts import FormEnv
from bot.services.reporting.submissions import STATUS_NAMES

DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
PERCENT = "0%"
MIN_WIDTH, MAX_WIDTH = 10, 60  # characters
PADDING, FILTER_BUTTON = 2, 4  # room around a value; the header also holds the filter's arrow
# Longer headers (a form's questions) wrap rather than widen a column of short answers.
HEADER_WIDTH = 30
EXCEL_TEXT_LIMIT = 32_767  # Excel reports a longer cell as a damaged workbook

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


DEADLINE_COLUMNS = (Column(N_("Deadline")), Column(N_("School year")), Column(N_("Due date"), DATE))
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


@dataclass(frozen=True)
class Sheet:
    """One table of the workbook, translated and ready to write."""

    title: str
    headers: list[str]
    formats: list[str | None]
    rows: list[tuple[Any, ...]]

    def widths(self) -> list[int]:
        """Each column fitted to its longest entry, within MIN_WIDTH..MAX_WIDTH characters."""
        return [
            min(max(self._header_width(header), self._longest(index), MIN_WIDTH), MAX_WIDTH)
            for index, header in enumerate(self.headers)
        ]

    @staticmethod
    def _header_width(header: str) -> int:
        return min(len(header) + FILTER_BUTTON, HEADER_WIDTH)

    def _longest(self, index: int) -> int:
        number_format = self.formats[index]
        values = (row[index] for row in self.rows if row[index] is not None)
        # A formatted cell is as wide as its format ("dd/mm/yyyy"), whatever its raw value.
        lengths = (len(number_format or str(value)) for value in values)
        return max(lengths, default=0) + PADDING


@dataclass(frozen=True)
class Export:
    content: bytes  # the .xlsx file
    row_counts: dict[str, int]  # data rows per sheet, by the sheet's translated title


async def build_workbook(session: AsyncSession, clock: Clock, t: Translator) -> Export:
    """The workbook in ``t``'s language. On SQLite a unit of work holds the only writer's
    lock: a chat handler may rather collect inside it and write once it is closed."""
    sheets = await collect_sheets(session, clock.now(), t)
    content = await asyncio.to_thread(write_workbook, sheets)
    return Export(content, {sheet.title: len(sheet.rows) for sheet in sheets})


async def note_taken(session: AsyncSession, clock: Clock, actor: str) -> None:
    """The workbook holds people's names: who took one, and when, is kept."""
    await audit.record(
        session, at=clock.now(), actor=actor, action="export.workbook", subject="export"
    )


def export_file_name(now: datetime, zone: ZoneInfo) -> str:
    """``thidua-2016-10-25.xlsx``: the local day, so a folder of exports sorts by date."""
    return f"thidua-{now.astimezone(zone):%Y-%m-%d}.xlsx"


# --- collecting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What every sheet refers to, loaded once, and how to show it."""

    t: Translator
    now: datetime
    plan: Plan | None
    units: dict[int, Unit]  # by id, in the order of their codes
    deadlines: list[Deadline]  # by due date
    env: _AnswerEnv

    def local(self, instant: datetime) -> datetime:
        """Plan-zone wall time: Excel has no time zones, and the office reads Vietnam time."""
        return instant.astimezone(self.t.zone).replace(tzinfo=None)

    def yes_no(self, value: bool) -> str:
        return self.t(N_("Yes")) if value else self.t(N_("No"))

    def deadline_cells(self, deadline: Deadline) -> tuple[Any, ...]:
        title = _in_locale(self.t, deadline.title, deadline.title_en)
        return title, deadline.school_year, self.local(deadline.due_at).date()

    def unit_cells(self, unit_id: int) -> tuple[Any, ...]:
        unit = self.units[unit_id]
        parent = self.units.get(unit.parent_id)
        block = self.t(BLOCK_NAMES[unit.block]) if unit.block in BLOCK_NAMES else None
        return unit.code, unit.name, block, parent.name if parent else None


async def collect_sheets(session: AsyncSession, now: datetime, t: Translator) -> list[Sheet]:
    """Every sheet's rows, from a handful of set-based queries whatever the number of units."""
    ctx = await _context(session, now, t)
    submissions = await _submissions(session, ctx.deadlines)
    registrations = [d for d in ctx.deadlines if d.form_code == REGISTRATION.code]
    reports = [d for d in ctx.deadlines if d.form_code != REGISTRATION.code]
    awards = await _awards(session, ctx.plan)
    quotas = await progress(session)
    submitted = {(s.unit_id, s.deadline_id) for s in submissions}
    missing = await _missing_rows(session, ctx, submitted)
    return [
        _sheet(N_("Units"), UNIT_SHEET_COLUMNS, [_unit_row(u, ctx) for u in ctx.units.values()], t),
        _submission_sheet(N_("Registrations"), registrations, submissions, ctx),
        _submission_sheet(N_("Reports"), reports, submissions, ctx),
        _sheet(N_("Awards"), AWARD_COLUMNS, [_award_row(a, kind, ctx) for a, kind in awards], t),
        _sheet(N_("Quota progress"), QUOTA_COLUMNS, _quota_rows(quotas, ctx), t),
        _sheet(N_("Missing units"), MISSING_COLUMNS, missing, t),
    ]


def _sheet(title: str, columns: tuple[Column, ...], rows: list[tuple], t: Translator) -> Sheet:
    return Sheet(t(title), [t(c.header) for c in columns], [c.number_format for c in columns], rows)


async def _context(session: AsyncSession, now: datetime, t: Translator) -> _Context:
    repo = PlanRepository(session)
    plan = await repo.active()
    units = {unit.id: unit for unit in await session.scalars(select(Unit).order_by(Unit.code))}
    if plan is None:
        return _Context(t, now, None, units, [], _AnswerEnv(t, {}))
    deadlines = await repo.deadlines(plan)
    return _Context(t, now, plan, units, deadlines, await _form_env(session, plan, t))


@dataclass(frozen=True)
class _AnswerEnv:
    """What fields need to show a stored answer (see ``bot.forms.fields.Env``), with every
    choice list built once: a province's export shows hundreds of thousands of answers."""

    t: Translator
    choices: dict[str, list[Choice]]

    def choices_from(self, source: str) -> list[Choice]:
        return self.choices.get(source, [])


async def _form_env(session: AsyncSession, plan: Plan, t: Translator) -> _AnswerEnv:
    """The plan's award and model labels, as the forms show them. Every model of the plan: a
    unit's submission names only its own, and the labels are the same."""
    award_types = await PlanRepository(session).award_types(plan)
    models = await session.scalars(
        select(PilotModel).where(PilotModel.plan_id == plan.id).order_by(PilotModel.number)
    )
    labels = FormEnv(
        t=t,
        awards={a.code: _in_locale(t, a.name, a.name_en) for a in award_types},
        models=[Choice(str(m.number), _in_locale(t, m.name, m.name_en)) for m in models],
        due_at=None,  # shown only while filling a form in
    )
    sources = (*AWARD_SOURCES, UNIT_MODELS)
    return _AnswerEnv(t, {source: labels.choices_from(source) for source in sources})


def _in_locale(t: Translator, vietnamese: str, english: str) -> str:
    """Plan data carries both languages."""
    return vietnamese if t.locale == "vi" else english


def _unit_row(unit: Unit, ctx: _Context) -> tuple[Any, ...]:
    code, name, block, parent_name = ctx.unit_cells(unit.id)
    parent = ctx.units.get(unit.parent_id)
    kind = ctx.t(KIND_NAMES[unit.kind]) if unit.kind in KIND_NAMES else unit.kind
    parent_code = parent.code if parent else None
    return code, name, kind, block, parent_code, parent_name, ctx.yes_no(unit.active)


# --- registrations and reports ------------------------------------------------------------------

# Columns, not ORM objects: a province has tens of thousands of submissions, only read here.
SUBMISSION_FIELDS = (
    Submission.unit_id,
    Submission.deadline_id,
    Submission.reference,
    Submission.status,
    Submission.late,
    Submission.first_submitted_at,
    Submission.updated_at,
    Submission.version,
)


async def _submissions(session: AsyncSession, deadlines: list[Deadline]) -> list[Row]:
    """Every submission with the answers of the version that stands."""
    latest = and_(
        SubmissionVersion.submission_id == Submission.id,
        SubmissionVersion.number == Submission.version,
    )
    rows = await session.execute(
        select(*SUBMISSION_FIELDS, SubmissionVersion.answers)
        .outerjoin(SubmissionVersion, latest)
        .join(Deadline, Deadline.id == Submission.deadline_id)
        .join(Unit, Unit.id == Submission.unit_id)
        .where(Submission.deadline_id.in_([d.id for d in deadlines]))
        .order_by(Deadline.due_at, Deadline.id, Unit.code)
    )
    return list(rows)


@dataclass(frozen=True)
class _Question:
    """An answer column: a question, and the field asking it in each form that does."""

    column: Column
    fields: dict[str, Field]  # form code -> field


def _questions(forms: list[FormDefinition]) -> list[_Question]:
    """One column per question, in the forms' order; forms asking the same question share it."""
    by_label: dict[str, dict[str, Field]] = {}
    for form in forms:
        for field in form.fields:
            by_label.setdefault(field.label, {})[form.code] = field
    return [
        _Question(Column(label, _answer_format(next(iter(fields.values())))), fields)
        for label, fields in by_label.items()
    ]


def _answer_format(field: Field) -> str | None:
    return DATE if isinstance(field, Date) else None


def _submission_sheet(
    title: str, deadlines: list[Deadline], submissions: list[Row], ctx: _Context
) -> Sheet:
    forms = {form.code: form for d in deadlines if (form := form_for(d.form_code)) is not None}
    questions = _questions(list(forms.values()))
    by_id = {d.id: d for d in deadlines}
    rows = [
        _submission_row(submission, by_id[submission.deadline_id], questions, ctx)
        for submission in submissions
        if submission.deadline_id in by_id
    ]
    columns = (*SUBMISSION_COLUMNS, *(question.column for question in questions))
    return _sheet(title, columns, rows, ctx.t)


def _submission_row(
    submission: Row, deadline: Deadline, questions: list[_Question], ctx: _Context
) -> tuple[Any, ...]:
    form = form_for(deadline.form_code)
    fields = [question.fields.get(form.code) if form else None for question in questions]
    answers = submission.answers or {}  # none for a submission recorded without a version
    return (
        *ctx.deadline_cells(deadline),
        *ctx.unit_cells(submission.unit_id),
        submission.reference,
        ctx.t(STATUS_NAMES[submission.status]),
        ctx.yes_no(submission.late),
        ctx.local(submission.first_submitted_at),
        ctx.local(submission.updated_at),
        submission.version,
        *(_answer(field, answers, ctx.env) for field in fields),
    )


def _answer(field: Field | None, answers: dict[str, Any], env: _AnswerEnv) -> Any:
    """An answer as a cell: numbers and dates as such, anything else as the form shows it."""
    value = answers.get(field.key) if field is not None else None
    if value is None:
        return None
    if isinstance(field, Integer):
        return value
    if isinstance(field, Date):
        return date.fromisoformat(value)
    if isinstance(field, Group):
        # A table on one line: rows of several lines would make the sheet hard to scan.
        rows = (f"{n}. {field.summary(item, env)}" for n, item in enumerate(value, 1))
        return "; ".join(rows) or None
    return field.show(value, env)


# --- awards and quotas --------------------------------------------------------------------------


async def _awards(session: AsyncSession, plan: Plan | None) -> list[tuple[Award, AwardType]]:
    if plan is None:
        return []
    rows = await session.execute(
        select(Award, AwardType)
        .join(AwardType, AwardType.id == Award.award_type_id)
        .where(AwardType.plan_id == plan.id)
        .order_by(Award.decision_date, Award.id)
    )
    return [(award, kind) for award, kind in rows]


def _award_row(award: Award, kind: AwardType, ctx: _Context) -> tuple[Any, ...]:
    return (
        _in_locale(ctx.t, kind.name, kind.name_en),
        award.recipient_name,
        ctx.t(N_("Collective")) if award.collective else ctx.t(N_("Individual")),
        *ctx.unit_cells(award.unit_id),
        award.decision_number,
        award.decision_date,
        ctx.local(award.recorded_at),
    )


def _quota_rows(lines: list[QuotaLine], ctx: _Context) -> list[tuple[Any, ...]]:
    """Each target for the whole sector, then its share per block (the 60/12 of the flags)."""
    rows = []
    for line in lines:
        name = _in_locale(ctx.t, line.name, line.name_en)
        target = ctx.t(N_("strive to have")) if line.target is None else line.target
        whole = ctx.t(N_("Whole sector"))
        rows.append(
            (name, whole, target, line.verified, _fraction(line.percent), line.left, line.reported)
        )
        rows += [
            (
                name,
                ctx.t(BLOCK_NAMES.get(share.block, share.block)),
                share.target,
                share.verified,
                _fraction(share.percent),
                share.left,
                None,  # units report awards for the whole unit, not per block
            )
            for share in line.blocks
        ]
    return rows


def _fraction(percent: int | None) -> float | None:
    """The percent /progress shows, as the fraction a "0%" cell displays the same way."""
    return None if percent is None else percent / 100


# --- missing units ------------------------------------------------------------------------------


async def _missing_rows(
    session: AsyncSession, ctx: _Context, submitted: set[tuple[int, int]]
) -> list[tuple[Any, ...]]:
    """Per deadline passed or of the current school year, the units that still owe it. A unit
    owing what it submitted had it returned: reminders and /status count that as owed too."""
    this_year = school_year_of(ctx.now.astimezone(ctx.t.zone).date())
    rows = []
    for deadline in ctx.deadlines:
        if deadline.due_at >= ctx.now and deadline.school_year > this_year:
            continue
        owing = sorted(await owing_units(session, deadline), key=lambda i: ctx.units[i].code)
        rows += [
            (
                *ctx.deadline_cells(deadline),
                *ctx.unit_cells(unit_id),
                ctx.t(STATUS_NAMES[SubmissionStatus.RETURNED])
                if (unit_id, deadline.id) in submitted
                else ctx.t(NOT_SUBMITTED),
                _days_overdue(deadline, ctx),
            )
            for unit_id in owing
        ]
    return rows


def _days_overdue(deadline: Deadline, ctx: _Context) -> int | None:
    if deadline.due_at >= ctx.now:
        return None
    return (ctx.local(ctx.now).date() - ctx.local(deadline.due_at).date()).days


# --- writing ------------------------------------------------------------------------------------


def write_workbook(sheets: list[Sheet]) -> bytes:
    """The .xlsx file: CPU only, no database, so it can run in a thread."""
    writer = _Writer()
    for sheet in sheets:
        writer.add(sheet)
    return writer.save()


class _Writer:
    """openpyxl's write-only mode: rows stream out instead of living as cell objects."""

    def __init__(self) -> None:
        # Imported here, not at the top: openpyxl loads numpy, and the bot's start-up time
        # is benchmarked.
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        self.workbook = Workbook(write_only=True)
        self._new_cell = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._header_style = {
            "font": Font(bold=True),
            "alignment": Alignment(wrap_text=True, vertical="center"),
        }
        self._letter = get_column_letter

    def add(self, sheet: Sheet) -> None:
        ws = self.workbook.create_sheet(sheet.title)
        # A write-only sheet takes widths and the frozen row before its first row only.
        for number, width in enumerate(sheet.widths(), 1):
            ws.column_dimensions[self._letter(number)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{self._letter(len(sheet.headers))}{len(sheet.rows) + 1}"
        ws.append([self._styled(ws, header, **self._header_style) for header in sheet.headers])
        for row in sheet.rows:
            ws.append(
                [self._cell(ws, value, fmt) for value, fmt in zip(row, sheet.formats, strict=True)]
            )

    def save(self) -> bytes:
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def _cell(self, ws, value: Any, number_format: str | None) -> Any:
        if isinstance(value, str):
            return self._text(ws, value)
        if value is None or number_format is None:
            return value
        return self._styled(ws, value, number_format=number_format)

    def _text(self, ws, text: str) -> Any:
        # Control characters make Excel refuse the file; so does a cell over its limit.
        text = self._illegal.sub("", text)[:EXCEL_TEXT_LIMIT]
        if not text.startswith("="):
            return text
        cell = self._new_cell(ws, text)
        cell.data_type = "s"  # typed by a person: shown as text, never run as a formula
        return cell

    def _styled(self, ws, value: Any, **style: Any) -> Any:
        cell = self._new_cell(ws, value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell
