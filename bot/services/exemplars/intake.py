"""A saved report's exemplars into the register: each row becomes, or is matched to, a record.

The same exemplar in a later report is the unit's record with the same name once accents and
case are set aside. A name that is only close to one (a typo, a longer form) becomes a record
of its own and the unit is asked whether it is the earlier one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Deadline,
    Exemplar,
    ExemplarEvent,
    ExemplarMatch,
    ExemplarStage,
    Submission,
    SubmissionModel,
)
from bot.forms.catalog import EXEMPLAR_TABLES
from bot.services.exemplars.changes import advance, honour_by_earlier_award
from bot.text import fold

REPORTED = "reported"
# Names this alike (difflib's ratio, accents and case set aside) may well be the same exemplar.
CLOSE_ENOUGH = 0.8
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Row:
    """An exemplar as a report names it."""

    name: str
    collective: bool
    field: str | None
    details: dict[str, Any]

    @property
    def key(self) -> str:
        return fold(self.name)

    @classmethod
    def of(cls, item: dict[str, Any]) -> Row | None:
        name = str(item.get("name") or "").strip()
        if not name:
            return None
        details = {k: item[k] for k in ("achievements", "proposed_award") if item.get(k)}
        field = str(item.get("field") or "").strip() or None
        return cls(name, item.get("kind") != "individual", field, details)


def rows_of(form_code: str, answers: dict[str, Any]) -> list[Row]:
    """The exemplars a form's answers name (none for a form without such a table)."""
    table = EXEMPLAR_TABLES.get(form_code)
    items = answers.get(table) if table else None
    rows = (Row.of(item) for item in items or () if isinstance(item, dict))
    return [row for row in rows if row is not None]


async def take_in(
    session: AsyncSession,
    submission: Submission,
    deadline: Deadline,
    answers: dict[str, Any],
    actor: str,
    now: datetime,
) -> list[ExemplarMatch]:
    """Records for the rows of a saved version; returns the questions to ask the unit."""
    if deadline.form_code not in EXEMPLAR_TABLES:
        return []
    rows = rows_of(deadline.form_code, answers)
    known, merged = await _records(session, submission.unit_id)
    seen = await _reported_in(session, submission.id)
    model_id = await _single_model(session, submission, deadline)
    questions, named = [], set()
    for row in rows:
        record = _same(row, known) or _merged_as(row, merged)
        fresh = record is None
        if fresh:
            record = _new(row, submission, model_id, now)
            session.add(record)
            await session.flush()
            question = _question(record, row, known, now)
            if question is not None:
                session.add(question)
                questions.append(question)
            known.append(record)
        if record.id not in seen:
            _reported(session, record, row, submission, deadline, actor, now)
            seen.add(record.id)
        named.add(record.id)
        _fill_in(record, row, model_id, submission, deadline, actor, now, session)
        if fresh:
            await honour_by_earlier_award(session, record, actor, now)
    await _drop_superseded(session, submission, seen - named)
    await session.flush()
    return questions


async def _drop_superseded(session: AsyncSession, submission: Submission, gone: set[int]) -> None:
    """What an earlier version of this report named and this one no longer does (a typo the
    unit corrected, a row taken out): this report's line goes, and a record that only this
    report's earlier versions ever named or changed goes with it, with its questions."""
    for record_id in sorted(gone):
        record = await session.get(Exemplar, record_id)
        lines = list(
            await session.scalars(
                select(ExemplarEvent).where(ExemplarEvent.exemplar_id == record_id)
            )
        )
        only_this_report = all(
            submission.id in (line.submission_id, line.details.get("submission")) for line in lines
        )
        merged_here = await session.scalar(
            select(Exemplar.id).where(Exemplar.merged_into_id == record_id).limit(1)
        )
        if record.first_submission_id != submission.id or not only_this_report or merged_here:
            await session.execute(
                delete(ExemplarEvent).where(
                    ExemplarEvent.exemplar_id == record_id,
                    ExemplarEvent.submission_id == submission.id,
                    ExemplarEvent.kind == REPORTED,
                )
            )
            continue
        await session.execute(
            delete(ExemplarMatch).where(
                or_(ExemplarMatch.exemplar_id == record_id, ExemplarMatch.candidate_id == record_id)
            )
        )
        await session.execute(delete(ExemplarEvent).where(ExemplarEvent.exemplar_id == record_id))
        await session.delete(record)


async def _records(
    session: AsyncSession, unit_id: int
) -> tuple[list[Exemplar], list[tuple[str, bool, Exemplar]]]:
    """The unit's records still exemplars, and the names of those merged into one of them
    (with the record they became): a later report may well name one as it was written."""
    found = list(
        await session.scalars(
            select(Exemplar).where(Exemplar.unit_id == unit_id).order_by(Exemplar.id)
        )
    )
    by_id = {record.id: record for record in found}
    live = [r for r in found if r.merged_into_id is None and r.retired_at is None]
    merged = []
    for record in found:
        became = record
        while became.merged_into_id is not None and became.merged_into_id in by_id:
            became = by_id[became.merged_into_id]
        if became is not record and became in live:
            merged.append((record.search_name, record.collective, became))
    return live, merged


async def _reported_in(session: AsyncSession, submission_id: int) -> set[int]:
    """Records an earlier version of this very report already named: a resave adds no line."""
    ids = await session.scalars(
        select(ExemplarEvent.exemplar_id).where(
            ExemplarEvent.submission_id == submission_id, ExemplarEvent.kind == REPORTED
        )
    )
    return set(ids)


async def _single_model(
    session: AsyncSession, submission: Submission, deadline: Deadline
) -> int | None:
    """The pilot model a models' report is about, when it covers exactly one."""
    if not deadline.for_models:
        return None
    models = list(
        await session.scalars(
            select(SubmissionModel.model_id).where(SubmissionModel.submission_id == submission.id)
        )
    )
    return models[0] if len(models) == 1 else None


def _same(row: Row, known: list[Exemplar]) -> Exemplar | None:
    return next(
        (r for r in known if r.search_name == row.key and r.collective == row.collective), None
    )


def _merged_as(row: Row, merged: list[tuple[str, bool, Exemplar]]) -> Exemplar | None:
    return next((r for name, kind, r in merged if name == row.key and kind == row.collective), None)


def _new(row: Row, submission: Submission, model_id: int | None, now: datetime) -> Exemplar:
    return Exemplar(
        unit_id=submission.unit_id,
        name=row.name,
        search_name=row.key,
        collective=row.collective,
        field=row.field,
        model_id=model_id,
        stage=ExemplarStage.FOUND,
        first_submission_id=submission.id,
        first_reported_at=now,
        updated_at=now,
    )


def _question(
    record: Exemplar, row: Row, known: list[Exemplar], now: datetime
) -> ExemplarMatch | None:
    scored = [(likeness(row.key, other.search_name), other) for other in known]
    scored = [(score, other) for score, other in scored if score >= CLOSE_ENOUGH]
    if not scored:
        return None
    candidate = max(scored, key=lambda pair: pair[0])[1]
    return ExemplarMatch(
        exemplar_id=record.id, candidate_id=candidate.id, asked_at=now, answered_at=None
    )


def likeness(one: str, other: str) -> float:
    """How alike two folded names are, 0 to 1; a name whose words are all in the other (of
    two words or more) counts as alike: "to toan" and "to toan tin".

    Otherwise it is how alike the words they do not share are: "nguyen van an" and "nguyen van
    anh" may be a typo, but "nguyen thi hoa" and "nguyen thi huong" are two people, however
    much of the name the family and middle names make up."""
    words, other_words = _WORDS.findall(one), _WORDS.findall(other)
    kept, other_kept = set(words), set(other_words)
    smaller = min(kept, other_kept, key=len)
    if len(smaller) >= 2 and (kept <= other_kept or other_kept <= kept):
        return 1.0
    shared = Counter(words) & Counter(other_words)
    rest, other_rest = (" ".join((Counter(w) - shared).elements()) for w in (words, other_words))
    return SequenceMatcher(None, rest, other_rest).ratio()


def _reported(
    session: AsyncSession,
    record: Exemplar,
    row: Row,
    submission: Submission,
    deadline: Deadline,
    actor: str,
    now: datetime,
) -> None:
    details = {"deadline": deadline.code, "form": deadline.form_code, "name": row.name}
    session.add(
        ExemplarEvent(
            exemplar_id=record.id,
            kind=REPORTED,
            at=now,
            actor=actor,
            submission_id=submission.id,
            details=details | row.details,
        )
    )


def _fill_in(
    record: Exemplar,
    row: Row,
    model_id: int | None,
    submission: Submission,
    deadline: Deadline,
    actor: str,
    now: datetime,
    session: AsyncSession,
) -> None:
    """What a later report adds: the field or model left out before; a models' report means
    the exemplar is fostered in a pilot model."""
    record.field = record.field or row.field
    record.model_id = record.model_id or model_id
    if deadline.for_models:
        advance(session, record, ExemplarStage.FOSTERED, actor, now, submission=submission.id)
