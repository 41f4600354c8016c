"""Changes to an exemplar record, each kept as a line of its history with who and when.

The unit renames, merges two of its records or says one is no longer an exemplar (with a
reason); the office checks one (a note, a stage); an award decision that names it honours it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Award,
    Exemplar,
    ExemplarEvent,
    ExemplarMatch,
    ExemplarStage,
    PilotModel,
)
from bot.i18n import N_
from bot.text import fold

RENAMED, MERGED, RETIRED, STAGE, NOTE = "renamed", "merged", "retired", "stage", "note"
SELECTED = "selected"
STAGE_ORDER = list(ExemplarStage)
NAME_LIMIT = 200


class ChangeRefused(Exception):
    """The change cannot be made; ``reason`` is a msgid saying why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _event(
    session: AsyncSession,
    record: Exemplar,
    kind: str,
    actor: str,
    now: datetime,
    note: str | None = None,
    **details: object,
) -> ExemplarEvent:
    event = ExemplarEvent(
        exemplar_id=record.id, kind=kind, at=now, actor=actor, details=details, note=note
    )
    session.add(event)
    record.updated_at = now
    return event


def advance(
    session: AsyncSession,
    record: Exemplar,
    stage: ExemplarStage,
    actor: str,
    now: datetime,
    **details: object,
) -> None:
    """Move the record up to ``stage`` if it is not there or beyond yet."""
    if STAGE_ORDER.index(stage) > STAGE_ORDER.index(record.stage):
        before = record.stage.value
        _event(session, record, STAGE, actor, now, before=before, after=stage.value, **details)
        record.stage = stage


async def check(
    session: AsyncSession,
    record: Exemplar,
    actor: str,
    now: datetime,
    *,
    note: str | None = None,
    stage: ExemplarStage | None = None,
) -> ExemplarEvent:
    """The office's check (kiểm tra, đánh giá): a note, a stage (up or down), or both.
    Honoured is an award decision's to say, not a check's. The check is saved: its id
    names the notice that tells the unit."""
    if stage is ExemplarStage.HONOURED:
        raise ChangeRefused(N_("An exemplar is honoured by the award decision that names it."))
    if stage is not None and stage != record.stage:
        before = record.stage.value
        record.stage = stage
        event = _event(session, record, STAGE, actor, now, note, before=before, after=stage.value)
    elif note:
        event = _event(session, record, NOTE, actor, now, note)
    else:
        raise ChangeRefused(N_("Nothing to change: give a note or another stage."))
    await session.flush()
    return event


async def select_for_pilot(
    session: AsyncSession,
    record: Exemplar,
    model: PilotModel,
    year: str,
    actor: str,
    now: datetime,
) -> ExemplarEvent:
    """The office chooses the exemplar (a teacher, a group of a school) to steer as a pilot of
    the model in that school year ("lựa chọn các tập thể, cá nhân tiêu biểu để chỉ đạo điểm"):
    it is fostered in the model from then on."""
    earlier = await session.scalars(
        select(ExemplarEvent).where(
            ExemplarEvent.exemplar_id == record.id, ExemplarEvent.kind == SELECTED
        )
    )
    if any(e.details == {"model": model.number, "year": year} for e in earlier):
        raise ChangeRefused(N_("It is already chosen for this model this school year."))
    record.model_id = model.id
    event = _event(session, record, SELECTED, actor, now, model=model.number, year=year)
    advance(session, record, ExemplarStage.FOSTERED, actor, now)
    await session.flush()
    return event


def note(session: AsyncSession, record: Exemplar, actor: str, now: datetime, text: str) -> None:
    _event(session, record, NOTE, actor, now, text.strip())


def rename(session: AsyncSession, record: Exemplar, actor: str, now: datetime, name: str) -> None:
    name = " ".join(name.split())
    if not 2 <= len(name) <= NAME_LIMIT:
        raise ChangeRefused(N_("A name is 2 to 200 characters long."))
    _event(session, record, RENAMED, actor, now, before=record.name, after=name)
    record.name, record.search_name = name, fold(name)


def retire(session: AsyncSession, record: Exemplar, actor: str, now: datetime, reason: str) -> None:
    reason = reason.strip()
    if len(reason) < 3:
        raise ChangeRefused(N_("Please give the reason in a few words."))
    _event(session, record, RETIRED, actor, now, reason)
    record.retired_at = now


async def merge(
    session: AsyncSession, record: Exemplar, into: Exemplar, actor: str, now: datetime
) -> None:
    """``record`` is ``into``: its history moves over, and it is kept only as a pointer."""
    if record.id == into.id or record.unit_id != into.unit_id or into.merged_into_id:
        raise ChangeRefused(N_("These two records cannot be merged."))
    await session.execute(
        update(ExemplarEvent)
        .where(ExemplarEvent.exemplar_id == record.id)
        .values(exemplar_id=into.id)
        .execution_options(synchronize_session=False)
    )
    into.first_reported_at = min(into.first_reported_at, record.first_reported_at)
    if into.first_reported_at == record.first_reported_at:
        into.first_submission_id = record.first_submission_id
    into.field, into.model_id = into.field or record.field, into.model_id or record.model_id
    into.award_id = into.award_id or record.award_id
    advance(session, into, record.stage, actor, now)
    _event(session, into, MERGED, actor, now, name=record.name)
    record.merged_into_id = into.id
    record.updated_at = now
    await _close_questions(session, record, now)


async def _close_questions(session: AsyncSession, record: Exemplar, now: datetime) -> None:
    await session.execute(
        update(ExemplarMatch)
        .where(
            or_(ExemplarMatch.exemplar_id == record.id, ExemplarMatch.candidate_id == record.id),
            ExemplarMatch.answered_at.is_(None),
        )
        .values(answered_at=now)
        .execution_options(synchronize_session=False)
    )


async def answer(
    session: AsyncSession, match: ExemplarMatch, same: bool, actor: str, now: datetime
) -> Exemplar:
    """The unit's answer to "is this the same as…": the record that stands."""
    if match.answered_at is not None:
        raise ChangeRefused(N_("This question has already been answered."))
    record = await session.get(Exemplar, match.exemplar_id)
    candidate = await session.get(Exemplar, match.candidate_id)
    if same and (candidate.merged_into_id or candidate.retired_at):
        raise ChangeRefused(
            N_(
                "The earlier record is no longer an exemplar, so the two cannot be joined; "
                "answer No to keep this one."
            )
        )
    match.answered_at, match.same = now, same
    if not same:
        return record
    await merge(session, record, candidate, actor, now)
    return candidate


async def honour(session: AsyncSession, award: Award, actor: str, now: datetime) -> int:
    """The unit's exemplars the award decision names (same name, accents and case aside, and
    of the same kind) are honoured by it; returns how many."""
    named = await session.scalars(
        select(Exemplar).where(
            Exemplar.unit_id == award.unit_id,
            Exemplar.search_name == fold(award.recipient_name),
            Exemplar.collective == award.collective,
            Exemplar.merged_into_id.is_(None),
        )
    )
    count = 0
    for record in named:
        _honoured_by(session, record, award, actor, now)
        count += 1
    return count


async def honour_by_earlier_award(
    session: AsyncSession, record: Exemplar, actor: str, now: datetime
) -> None:
    """A record first reported after the award decision that names it: honoured by it too."""
    awards = await session.scalars(
        select(Award)
        .where(Award.unit_id == record.unit_id, Award.collective == record.collective)
        .order_by(Award.decision_date, Award.id)
    )
    award = next((a for a in awards if fold(a.recipient_name) == record.search_name), None)
    if award is not None:
        _honoured_by(session, record, award, actor, now)


def _honoured_by(
    session: AsyncSession, record: Exemplar, award: Award, actor: str, now: datetime
) -> None:
    record.award_id = record.award_id or award.id
    advance(session, record, ExemplarStage.HONOURED, actor, now, decision=award.decision_number)
