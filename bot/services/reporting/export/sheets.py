"""The rows of each sheet: units, registrations and reports (a column per question of their
forms), awards, the register of exemplars, quota progress, and the units that still owe a
deadline. Plain values from a
few set-based queries, whatever the number of units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Award,
    AwardType,
    Deadline,
    Exemplar,
    ExemplarEvent,
    PilotModel,
    Plan,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    Unit,
)
from bot.forms.catalog import form_for
from bot.forms.definition import FormDefinition
from bot.forms.fields import Date, Field, Group, Integer
from bot.i18n import N_
from bot.services.awards.quotas import QuotaLine
from bot.services.documents.workbooks import DATE, Table
from bot.services.exemplars.changes import RETIRED
from bot.services.exemplars.wording import stage_name
from bot.services.obligations.deadlines import school_year_of
from bot.services.obligations.owing import owing_units
from bot.services.reporting.drafts import FormEnv
from bot.services.reporting.export.columns import (
    AWARD_COLUMNS,
    BLOCK_NAMES,
    EXEMPLAR_COLUMNS,
    KIND_NAMES,
    MISSING_COLUMNS,
    NOT_SUBMITTED,
    QUOTA_COLUMNS,
    SUBMISSION_COLUMNS,
    UNIT_SHEET_COLUMNS,
    Column,
    table,
)
from bot.services.reporting.export.context import ExportContext, in_locale
from bot.services.reporting.submissions import STATUS_NAMES
from bot.services.setup.units import DISTRICT_OFFICE


def units_sheet(ctx: ExportContext) -> Table:
    rows = [_unit_row(unit, ctx) for unit in ctx.units.values()]
    return table(N_("Units"), UNIT_SHEET_COLUMNS, rows, ctx.t)


def _unit_row(unit: Unit, ctx: ExportContext) -> tuple[Any, ...]:
    code, name, block, parent_name = ctx.unit_cells(unit.id)
    parent = ctx.units.get(unit.parent_id)
    kind = ctx.t(KIND_NAMES[unit.kind]) if unit.kind in KIND_NAMES else unit.kind
    parent_code = parent.code if parent else None
    return code, name, kind, block, parent_code, parent_name, ctx.yes_no(unit.active)


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


async def submissions(session: AsyncSession, deadlines: list[Deadline]) -> list[Row]:
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


def submission_sheet(
    title: str, deadlines: list[Deadline], submissions: list[Row], ctx: ExportContext
) -> Table:
    forms = {form.code: form for d in deadlines if (form := form_for(d.form_code)) is not None}
    questions = _questions(list(forms.values()))
    by_id = {d.id: d for d in deadlines}
    rows = [
        _submission_row(submission, by_id[submission.deadline_id], questions, ctx)
        for submission in submissions
        if submission.deadline_id in by_id
    ]
    columns = (*SUBMISSION_COLUMNS, *(question.column for question in questions))
    return table(title, columns, rows, ctx.t)


def _submission_row(
    submission: Row, deadline: Deadline, questions: list[_Question], ctx: ExportContext
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


def _answer(field: Field | None, answers: dict[str, Any], env: FormEnv) -> Any:
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


async def awards(session: AsyncSession, plan: Plan | None) -> list[tuple[Award, AwardType]]:
    if plan is None:
        return []
    rows = await session.execute(
        select(Award, AwardType)
        .join(AwardType, AwardType.id == Award.award_type_id)
        .where(AwardType.plan_id == plan.id)
        .order_by(Award.decision_date, Award.id)
    )
    return [(award, kind) for award, kind in rows]


def awards_sheet(awarded: list[tuple[Award, AwardType]], ctx: ExportContext) -> Table:
    rows = [_award_row(award, kind, ctx) for award, kind in awarded]
    return table(N_("Awards"), AWARD_COLUMNS, rows, ctx.t)


def _award_row(award: Award, kind: AwardType, ctx: ExportContext) -> tuple[Any, ...]:
    return (
        in_locale(ctx.t, kind.name, kind.name_en),
        award.recipient_name,
        ctx.t(N_("Collective")) if award.collective else ctx.t(N_("Individual")),
        *ctx.unit_cells(award.unit_id),
        award.decision_number,
        award.decision_date,
        ctx.local(award.recorded_at),
    )


@dataclass(frozen=True)
class ExemplarRow:
    record: Exemplar
    first_report: Deadline | None
    model: PilotModel | None
    award: Award | None
    retired_because: str | None


async def exemplars(session: AsyncSession) -> list[ExemplarRow]:
    """The register's records by unit and name; a record merged into another is that one."""
    rows = await session.execute(
        select(Exemplar, Deadline, PilotModel, Award)
        .join(Unit, Unit.id == Exemplar.unit_id)
        .outerjoin(Submission, Submission.id == Exemplar.first_submission_id)
        .outerjoin(Deadline, Deadline.id == Submission.deadline_id)
        .outerjoin(PilotModel, PilotModel.id == Exemplar.model_id)
        .outerjoin(Award, Award.id == Exemplar.award_id)
        .where(Exemplar.merged_into_id.is_(None))
        .order_by(Unit.code, Exemplar.search_name, Exemplar.id)
    )
    reasons = await session.execute(
        select(ExemplarEvent.exemplar_id, ExemplarEvent.note)
        .where(ExemplarEvent.kind == RETIRED)
        .order_by(ExemplarEvent.at, ExemplarEvent.id)
    )
    latest = {record_id: note for record_id, note in reasons}  # the latest reason stands
    return [
        ExemplarRow(record, first, model, award, record.retired_at and latest.get(record.id))
        for record, first, model, award in rows
    ]


def exemplars_sheet(rows: list[ExemplarRow], ctx: ExportContext) -> Table:
    return table(N_("Exemplars"), EXEMPLAR_COLUMNS, [_exemplar_row(r, ctx) for r in rows], ctx.t)


def _exemplar_row(row: ExemplarRow, ctx: ExportContext) -> tuple[Any, ...]:
    record, first, model, award = row.record, row.first_report, row.model, row.award
    code, name, block, _parent = ctx.unit_cells(record.unit_id)
    return (
        code,
        name,
        _district(record.unit_id, ctx) or block,
        record.name,
        ctx.t(N_("Collective")) if record.collective else ctx.t(N_("Individual")),
        record.field,
        f"{model.number}. {in_locale(ctx.t, model.name, model.name_en)}" if model else None,
        stage_name(record.stage, ctx.t),
        first.title_in(ctx.t.locale) if first else None,
        ctx.local(record.first_reported_at).date(),
        award.decision_number if award else None,
        award.decision_date if award else None,
        ctx.local(record.retired_at).date() if record.retired_at else None,
        row.retired_because,
    )


def _district(unit_id: int, ctx: ExportContext) -> str | None:
    """The district office a unit is, or is under; None for the Sở-direct units."""
    unit = ctx.units[unit_id]
    parent = ctx.units.get(unit.parent_id)
    for candidate in (unit, parent):
        if candidate is not None and candidate.kind == DISTRICT_OFFICE:
            return candidate.name
    return None


def quotas_sheet(lines: list[QuotaLine], ctx: ExportContext) -> Table:
    return table(N_("Quota progress"), QUOTA_COLUMNS, _quota_rows(lines, ctx), ctx.t)


def _quota_rows(lines: list[QuotaLine], ctx: ExportContext) -> list[tuple[Any, ...]]:
    """Each target for the whole sector, then its share per block (the 60/12 of the flags)."""
    rows = []
    for line in lines:
        name = in_locale(ctx.t, line.name, line.name_en)
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


def missing_sheet(rows: list[tuple[Any, ...]], ctx: ExportContext) -> Table:
    return table(N_("Missing units"), MISSING_COLUMNS, rows, ctx.t)


async def missing_rows(
    session: AsyncSession, ctx: ExportContext, submitted: set[tuple[int, int]]
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


def _days_overdue(deadline: Deadline, ctx: ExportContext) -> int | None:
    if deadline.due_at >= ctx.now:
        return None
    return (ctx.local(ctx.now).date() - ctx.local(deadline.due_at).date()).days
