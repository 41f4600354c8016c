"""The office's consolidated review of the pilot models: "Thường trực HĐ TĐKT ngành cùng các
đơn vị tổ chức đánh giá, sơ kết…, báo cáo Sở". The units give their input (the deadline this one
``consolidates``); the office's form opens pre-filled from the inputs that count — the figures
added up, each model's share of units that reported, each unit's words under its name — and the
office completes it and submits it for the Sở.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Deadline,
    ModelAssignment,
    PilotModel,
    Submission,
    SubmissionModel,
    SubmissionVersion,
    Unit,
)
from bot.db.repositories.plan import DONE_STATUSES, in_selection
from bot.forms.catalog import LONG
from bot.i18n import N_, Translator

SUMMED = ("exemplars_count",)  # figures added up across the units
GATHERED = ("results", "replication", "shortcomings")  # texts gathered under each unit's name


@dataclass(frozen=True)
class _Input:
    unit: str
    answers: dict[str, Any]


async def consolidated_answers(
    session: AsyncSession, t: Translator, deadline: Deadline
) -> dict[str, Any] | None:
    """The answers the office's form starts from, or None when ``deadline`` consolidates
    nothing."""
    if deadline.consolidates is None:
        return None
    source = await session.scalar(
        select(Deadline).where(
            Deadline.plan_id == deadline.plan_id, Deadline.code == deadline.consolidates
        )
    )
    if source is None:
        return None
    inputs = await _inputs(session, source)
    answers: dict[str, Any] = {"units_reported": len(inputs)}
    for key in SUMMED:
        answers[key] = sum(int(one.answers.get(key) or 0) for one in inputs)
    shares = await _model_shares(session, t, source)
    for key in GATHERED:
        lines = [f"• {one.unit}: {one.answers[key]}" for one in inputs if one.answers.get(key)]
        if key == "results":
            lines = shares + lines
        if lines:
            answers[key] = _fit("\n".join(lines))
    return answers


async def _inputs(session: AsyncSession, source: Deadline) -> list[_Input]:
    """The units' inputs that count (submitted or accepted), as they stand, by unit name."""
    rows = await session.execute(
        select(Unit.name, SubmissionVersion.answers)
        .join(Submission, Submission.unit_id == Unit.id)
        .join(
            SubmissionVersion,
            (SubmissionVersion.submission_id == Submission.id)
            & (SubmissionVersion.number == Submission.version),
        )
        .where(Submission.deadline_id == source.id, Submission.status.in_(DONE_STATUSES))
        .order_by(Unit.name)
    )
    return [_Input(name, answers) for name, answers in rows]


async def _model_shares(session: AsyncSession, t: Translator, source: Deadline) -> list[str]:
    """ "Model 1. …: 5/7 units reported", for each pilot model."""
    models = list(
        await session.scalars(
            select(PilotModel)
            .where(PilotModel.plan_id == source.plan_id)
            .order_by(PilotModel.number)
        )
    )
    lines = []
    for model in models:
        units = select(ModelAssignment.unit_id).where(
            ModelAssignment.model_id == model.id, in_selection(source.school_year)
        )
        reported = (
            select(Submission.unit_id)
            .join(SubmissionModel, SubmissionModel.submission_id == Submission.id)
            .where(
                Submission.deadline_id == source.id,
                Submission.status.in_(DONE_STATUSES),
                SubmissionModel.model_id == model.id,
            )
        )
        total = len(list(await session.scalars(units)))
        done = len(set(await session.scalars(reported)))
        name = model.name_en if t.locale == "en" else model.name
        lines.append(
            t(
                N_("Model {number}. {name}: {done}/{total} units reported"),
                number=model.number,
                name=name,
                done=done,
                total=total,
            )
        )
    return lines


def _fit(text: str) -> str:
    """Within the form's limit: the office shortens or rewrites what it keeps."""
    return text if len(text) <= LONG else text[: LONG - 1] + "…"
